package postgis_test

import (
	"context"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
)

// bundledReport is the report of the one import that built the bundled
// template database (set by that import; read after NewDBFrom returns).
var bundledReport postgis.ImportReport

// bundled returns a store on a fresh database holding the bundled dataset,
// and the dataset itself. The dataset is imported once per test binary into
// a template database; each call gets its own copy of it.
func bundled(t testing.TB) (string, *postgis.Store, *data.Dataset) {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	url := pgtest.NewDBFrom(t, "bundled", func(ctx context.Context, url string) error {
		if _, err := postgis.Migrate(ctx, url); err != nil {
			return err
		}
		bundledReport, err = postgis.ImportDataset(ctx, url, replaceWith(ds), postgis.ImportOptions{})
		return err
	})
	if len(bundledReport.Repaired) != 0 {
		t.Errorf("bundled dataset needed repairs: %v", bundledReport.Repaired)
	}
	s, err := postgis.Open(t.Context(), postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
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
