package postgis_test

import (
	"bytes"
	"slices"
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
	if _, err := conn.Exec(ctx, undo0008+undo0007+undo0006+undo0005+undo0004+undo0003+`
		DROP TABLE layoutmap.tile_outlines;
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
	if !slices.Equal(applied, []int{2, 3, 4, 5, 6, 7, 8}) {
		t.Fatalf("Migrate applied %v, want [2 3 4 5 6 7 8]", applied)
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

// undo0008 drops the versions' resolve fingerprints
// (0008_resolve_fingerprint.sql).
const undo0008 = `
		ALTER TABLE layoutmap.dataset_versions DROP COLUMN resolve_fingerprint;
		DELETE FROM layoutmap.schema_migrations WHERE version = 8;`

// undo0007 drops the enterprise cells (0007_enterprise_cells.sql).
const undo0007 = `
		DROP TABLE layoutmap.enterprise_cells;
		DELETE FROM layoutmap.schema_migrations WHERE version = 7;`

// undo0006 drops the enterprises tables (0006_enterprises.sql), so that
// an earlier migration can be replayed.
const undo0006 = `
		DROP VIEW layoutmap.enterprises;
		DROP TABLE layoutmap.enterprises_a, layoutmap.enterprises_b, layoutmap.enterprise_meta, layoutmap.enterprise_lists;
		DELETE FROM layoutmap.schema_migrations WHERE version = 6;`

// undo0005 forgets that 0005 (zones.attrs) was applied but keeps the
// column and its values: 0005 adds the column only if it is missing, and
// the tests replaying earlier migrations compare tiles, which carry
// attributes.
const undo0005 = `
		DELETE FROM layoutmap.schema_migrations WHERE version = 5;`

// undo0004 drops the dataset history (0004_versions.sql), so that an
// earlier migration can be replayed (Migrate applies what follows the
// newest applied version).
const undo0004 = `
		DROP TABLE layoutmap.dataset_versions;
		DELETE FROM layoutmap.schema_migrations WHERE version = 4;`

// undo0003 takes zone_headline back to its shape before 0003 (one
// headline per zone and year, no family), keeping the revenue rows.
const undo0003 = `
		DELETE FROM layoutmap.zone_headline WHERE family <> 'revenue';
		ALTER TABLE layoutmap.zone_headline DROP CONSTRAINT zone_headline_pkey;
		ALTER TABLE layoutmap.zone_headline DROP COLUMN family, DROP COLUMN period;
		ALTER TABLE layoutmap.zone_headline ADD PRIMARY KEY (zone_id, year);
		DELETE FROM layoutmap.schema_migrations WHERE version = 3;`

// TestMigrate0003RecomputesHeadlines: a database whose stored headlines
// follow the old rule (济源's Jan–Nov 工业总产值 headlining its revenue and
// placing it in the 500亿 tier) gets the new answers from the migration
// alone, without a re-import.
func TestMigrate0003RecomputesHeadlines(t *testing.T) {
	url, _, _ := bundled(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, undo0008+undo0007+undo0006+undo0005+undo0004+undo0003+`
		INSERT INTO layoutmap.zone_headline (zone_id, year, revenue_yi, eff_bound, revenue_year, measure, bound)
		VALUES ('X-jiyuan-etdz', 2024, 978.54, 'lower', 2024, '工业总产值', 'exact'),
		       ('X-jiyuan-etdz', 0, 978.54, 'lower', 2024, '工业总产值', 'exact')`); err != nil {
		t.Fatal(err)
	}
	applied, err := postgis.Migrate(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(applied, []int{3, 4, 5, 6, 7, 8}) {
		t.Fatalf("Migrate applied %v, want [3 4 5 6 7 8]", applied)
	}
	s, err := postgis.Open(ctx, postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		f    geo.Filter
		want bool
	}{
		{geo.Filter{Year: 2024, MinRevenue: ptr(500.0)}, false},
		{geo.Filter{Year: 2024, Tier: []string{"t500"}}, false},
		{geo.Filter{Year: 2024, Tier: []string{geo.TierNoData}}, true},
		{geo.Filter{Year: 2024, MinRevenue: ptr(500.0), Measure: geo.FamilyOutput}, true},
		{geo.Filter{Year: 2024, Tier: []string{"t500"}, Measure: geo.FamilyOutput}, true},
	} {
		p, err := s.Items(ctx, geo.CollZones, c.f)
		if err != nil {
			t.Fatal(err)
		}
		got := slices.ContainsFunc(p.Features, func(f geo.Feature) bool { return f.ID == "X-jiyuan-etdz" })
		if got != c.want {
			t.Errorf("after migrating, %v matches 济源经开区 = %v, want %v", c.f.Encode(), got, c.want)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestMVTPartsConcatenate: the boundary layers and the filtered layers of
// geo.TileParts, encoded by separate queries and concatenated, are byte
// for byte the one-query tile, at every zoom band and with a filter; a bad
// filter is refused whichever part is asked for.
func TestMVTPartsConcatenate(t *testing.T) {
	_, s, _ := bundled(t)
	ctx := t.Context()
	rev := 50.0
	filters := []geo.Filter{{}, {MinRevenue: &rev}, {City: []string{"410100"}}}
	tiles := []geo.TileQuery{{Z: 3, X: 6, Y: 3}, {Z: 5, X: 26, Y: 12}, {Z: 8, X: 208, Y: 101}, {Z: 11, X: 1671, Y: 813}, {Z: 14, X: 13368, Y: 6505}}
	for _, tq := range tiles {
		for _, f := range filters {
			q := tq
			q.Filter = f
			whole, err := s.MVT(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(whole) == 0 {
				t.Fatalf("tile %d/%d/%d is empty: the test would prove nothing", q.Z, q.X, q.Y)
			}
			base, filtered := geo.TileParts(q.Z)
			a, err := s.MVTLayers(ctx, geo.TileQuery{Z: q.Z, X: q.X, Y: q.Y}, base)
			if err != nil {
				t.Fatal(err)
			}
			b, err := s.MVTLayers(ctx, q, filtered)
			if err != nil {
				t.Fatal(err)
			}
			if got := append(slices.Clone(a), b...); !bytes.Equal(got, whole) {
				t.Errorf("tile %d/%d/%d %+v: parts give %d bytes, the whole tile %d", q.Z, q.X, q.Y, f, len(got), len(whole))
			}
		}
	}
	bad := geo.TileQuery{Z: 8, X: 208, Y: 101, Filter: geo.Filter{Cluster: []string{"no-such-cluster"}}}
	_, filtered := geo.TileParts(bad.Z)
	if _, err := s.MVTLayers(ctx, bad, filtered); err == nil {
		t.Error("a filter naming an unknown cluster was accepted")
	}
}
