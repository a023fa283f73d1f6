package api

import (
	"sync"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// The HTTP tests run against the real embedded store over the bundled
// dataset, loaded once per test binary (it is read-only, so tests share it).
var loadStore = sync.OnceValues(func() (data.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, err
	}
	return memstore.New(ds, geo.DefaultTiers)
})

// testStoreFor returns the store the HTTP tests run against.
func testStoreFor(t testing.TB) data.Store {
	t.Helper()
	s, err := loadStore()
	if err != nil {
		t.Fatalf("loading the embedded store: %v", err)
	}
	return s
}
