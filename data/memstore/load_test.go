package memstore_test

import (
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
)

func loadDataset(t testing.TB) *data.Dataset {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatalf("henan.Load: %v", err)
	}
	return ds
}
