package postgis_test

import (
	"bytes"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// TestMVTAfterRevenueImport: a revenue import changes the headline, and the
// next ST_AsMVT tile carries it (the tile properties come from columns
// every import rewrites, not from a copy taken at the first import).
func TestMVTAfterRevenueImport(t *testing.T) {
	url, s, ds := bundled(t)
	ctx := t.Context()
	z := ds.Zones[0]
	mt := maptile.At(z.Point, 12)
	q := geo.TileQuery{Z: 12, X: mt.X, Y: mt.Y}
	rows := []postgis.RevenueRow{{Where: "test row 1", Zone: z.ID, Revenue: geo.Revenue{Year: 2099, RevenueYi: 1234.5, Measure: "主营业务收入", Bound: geo.BoundLower, Source: "test"}}}
	if _, err := postgis.ImportRevenue(ctx, url, rows, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	body, err := s.MVT(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"revenue_yi": 1234.5, "revenue_year": 2099.0, "measure": "主营业务收入", "bound": geo.BoundLower, "tier": geo.DefaultTiers.Of(1234.5)}
	found := false
	for _, l := range ls {
		if l.Name != geo.LayerZones {
			continue
		}
		for _, f := range l.Features {
			if f.Properties["id"] != z.ID {
				continue
			}
			found = true
			for k, v := range want {
				if f.Properties[k] != v {
					t.Errorf("zone %s in tile %d/%d/%d: %s = %v, want %v", z.ID, q.Z, q.X, q.Y, k, f.Properties[k], v)
				}
			}
		}
	}
	if !found {
		t.Fatalf("zone %s missing from the zones layer of its tile %d/%d/%d", z.ID, q.Z, q.X, q.Y)
	}
}

// TestMigrate0002FillsExistingData: a database imported before migration
// 0002 gets its tile data (per-zoom outlines, feature ids, headline
// columns) when migrated, so its tiles equal those of a fresh import.
func TestMigrate0002FillsExistingData(t *testing.T) {
	url, s, _ := bundled(t)
	ctx := t.Context()
	qs := []geo.TileQuery{{Z: 5, X: 26, Y: 12}, {Z: 8, X: 208, Y: 101}, {Z: 14, X: 13368, Y: 6505}}
	var before [][]byte
	for _, q := range qs {
		b, err := s.MVT(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(b) == 0 {
			t.Fatalf("tile %d/%d/%d is empty: the test would prove nothing", q.Z, q.X, q.Y)
		}
		before = append(before, b)
	}
	// Take the database back to schema version 1 with its data.
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `
		DROP TABLE layoutmap.tile_outlines;
		DROP TABLE layoutmap.dataset_versions;
		ALTER TABLE layoutmap.zone_headline DROP COLUMN revenue_year, DROP COLUMN measure, DROP COLUMN bound;
		ALTER TABLE layoutmap.admin_areas DROP COLUMN label_3857, DROP COLUMN tile_fid;
		ALTER TABLE layoutmap.zones DROP COLUMN point_3857, DROP COLUMN tile_fid;
		DELETE FROM layoutmap.schema_migrations WHERE version >= 2`); err != nil {
		t.Fatal(err)
	}
	applied, err := postgis.Migrate(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if len(applied) != 2 || applied[0] != 2 || applied[1] != 3 {
		t.Fatalf("Migrate applied %v, want [2 3]", applied)
	}
	s2, err := postgis.Open(ctx, postgis.Config{URL: url}) // fresh pool: no cached statement plans of the old schema
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	for i, q := range qs {
		b, err := s2.MVT(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, before[i]) {
			t.Errorf("tile %d/%d/%d after migrating old data: %d bytes, differs from the fresh import's %d bytes", q.Z, q.X, q.Y, len(b), len(before[i]))
		}
	}
}
