package postgis_test

import (
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// bundled returns a store on a fresh database holding the bundled dataset,
// and the dataset itself.
func bundled(t testing.TB) (string, *postgis.Store, *data.Dataset) {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	url, s, rep := load(t, ds)
	if len(rep.Repaired) != 0 {
		t.Errorf("bundled dataset needed repairs: %v", rep.Repaired)
	}
	return url, s, ds
}

func TestBundledImport(t *testing.T) {
	_, s, ds := bundled(t)
	ctx := t.Context()
	cities, err := s.AdminAreas(ctx, geo.LevelCity)
	if err != nil || len(cities) != 18 {
		t.Fatalf("%d cities, %v; want 18", len(cities), err)
	}
	p, err := s.Items(ctx, geo.CollZones, geo.Filter{Limit: 1})
	if err != nil || p.NumberMatched != len(ds.Zones) {
		t.Fatalf("zones matched %d, %v; want %d", p.NumberMatched, err, len(ds.Zones))
	}
}
