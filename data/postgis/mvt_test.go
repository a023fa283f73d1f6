package postgis_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data"
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
	if _, err := conn.Exec(ctx, undo0009+undo0008+undo0007+undo0006+undo0005+undo0004+undo0003+`
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
	if !slices.Equal(applied, []int{2, 3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("Migrate applied %v, want [2 3 4 5 6 7 8 9]", applied)
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

// undo0009 drops the figures' scopes (0009_revenue_scope.sql): the
// database of a bundled import made before scopes, whose scopes are only
// in the sources' text.
const undo0009 = `
		ALTER TABLE layoutmap.zone_revenue DROP COLUMN scope;
		ALTER TABLE layoutmap.zone_headline DROP COLUMN scope;
		DELETE FROM layoutmap.schema_migrations WHERE version = 9;`

// TestMigrate0009ReadsScopes: a database imported before scopes gets each
// figure's scope from its source text (cmd/henanbuild's rule) from the
// migration alone: 漯河经开区's 2023 figure counts its food industry only,
// the three 2019 Q1 figures their 产业集聚区, the others the whole zone.
func TestMigrate0009ReadsScopes(t *testing.T) {
	url, _, ds := bundled(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, undo0009); err != nil {
		t.Fatal(err)
	}
	if applied, err := postgis.Migrate(ctx, url); err != nil || !slices.Equal(applied, []int{9}) {
		t.Fatalf("Migrate applied %v, %v; want [9]", applied, err)
	}
	s, err := postgis.Open(ctx, postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := postgis.ReadDataset(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	var want, have []string
	for _, zs := range [][]geo.Zone{ds.Zones, got.Zones} {
		var l []string
		for _, z := range zs {
			for _, r := range z.Revenue {
				l = append(l, fmt.Sprintf("%s %d %s: %s", z.ID, r.Year, r.Measure, r.Scope))
			}
		}
		slices.Sort(l)
		if want == nil {
			want = l
		} else {
			have = l
		}
	}
	if !slices.Equal(have, want) {
		t.Errorf("scopes after migrating:\n%s\nwant (the bundled dataset's)\n%s", strings.Join(have, "\n"), strings.Join(want, "\n"))
	}
	if !slices.Contains(want, "G411169 2023 营业收入: 食品产业") {
		t.Fatalf("the bundled dataset lacks 漯河经开区's food-industry scope: %v", want)
	}
	p, err := s.Items(ctx, geo.CollZones, geo.Filter{Year: 2023, MinRevenue: ptr(1000.0)})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range p.Features {
		if f.ID == "G411169" && f.Properties["scope"] != "食品产业" {
			t.Errorf("G411169 scope after migrating = %v, want 食品产业", f.Properties["scope"])
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
	if _, err := conn.Exec(ctx, undo0009+undo0008+undo0007+undo0006+undo0005+undo0004+undo0003+`
		INSERT INTO layoutmap.zone_headline (zone_id, year, revenue_yi, eff_bound, revenue_year, measure, bound)
		VALUES ('X-jiyuan-etdz', 2024, 978.54, 'lower', 2024, '工业总产值', 'exact'),
		       ('X-jiyuan-etdz', 0, 978.54, 'lower', 2024, '工业总产值', 'exact')`); err != nil {
		t.Fatal(err)
	}
	applied, err := postgis.Migrate(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(applied, []int{3, 4, 5, 6, 7, 8, 9}) {
		t.Fatalf("Migrate applied %v, want [3 4 5 6 7 8 9]", applied)
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

// TestTileOutlinesFollowTheOutlines: an import cuts and writes the tile
// outlines of the admin areas and regions whose outline it changes, and
// keeps the stored rows of the others. A zone-only import keeps every
// row; an import moving a county and a region rewrites their rows only,
// which then lie where the outlines now are; rolling back rewrites those
// two again, to rows equal to the ones the first (whole) import wrote.
func TestTileOutlinesFollowTheOutlines(t *testing.T) {
	url, s, ds := bundled(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	// outlines is, per layer and id, a digest of the feature's rows and
	// the transactions that wrote them (xmin: a row rewritten by a later
	// import has that import's).
	type feature struct{ rows, writers string }
	outlines := func() map[string]feature {
		t.Helper()
		rows, err := conn.Query(ctx, `SELECT layer || ' ' || id,
				md5(string_agg(concat_ws(',', zmin, zmax, cx, cy, fid, encode(ST_AsEWKB(geom_3857), 'hex')), ';' ORDER BY zmin, cx, cy)),
				string_agg(DISTINCT xmin::text, ';')
			FROM layoutmap.tile_outlines GROUP BY layer, id`)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]feature{}
		for rows.Next() {
			var k string
			var f feature
			if err := rows.Scan(&k, &f.rows, &f.writers); err != nil {
				t.Fatal(err)
			}
			out[k] = f
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	whole := outlines()
	if len(whole) < len(ds.Admin)+len(ds.Regions)-1 {
		t.Fatalf("%d features in tile_outlines for %d admin areas and %d regions", len(whole), len(ds.Admin), len(ds.Regions))
	}
	v0, _ := s.Version(ctx)

	if _, err := postgis.ImportDataset(ctx, url, func(cur *data.Dataset) (*data.Dataset, error) {
		next := *cur
		next.Zones = slices.Clone(cur.Zones)
		next.Zones[0].NameEN = "Renamed zone (test)"
		return &next, nil
	}, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	if got := outlines(); !maps.Equal(got, whole) {
		t.Errorf("a zone-only import rewrote tile outlines")
	}

	var county *geo.AdminArea
	for i := range ds.Admin {
		if ds.Admin[i].Level == geo.LevelCounty {
			county = &ds.Admin[i]
			break
		}
	}
	region := ds.Regions[0]
	moved := map[string]bool{geo.LayerCounties + " " + county.Code: true, geo.LayerRegions + " " + region.ID: true}
	const dx = 0.01
	shift := func(mp orb.MultiPolygon) orb.MultiPolygon {
		out := make(orb.MultiPolygon, len(mp))
		for i, p := range mp {
			for _, r := range p {
				nr := make(orb.Ring, len(r))
				for j, pt := range r {
					nr[j] = orb.Point{pt[0] + dx, pt[1]}
				}
				out[i] = append(out[i], nr)
			}
		}
		return out
	}
	if _, err := postgis.ImportDataset(ctx, url, func(cur *data.Dataset) (*data.Dataset, error) {
		next := *cur
		next.Admin, next.Regions = slices.Clone(cur.Admin), slices.Clone(cur.Regions)
		for i := range next.Admin {
			if next.Admin[i].Code == county.Code {
				next.Admin[i].Geom = shift(next.Admin[i].Geom)
			}
		}
		for i := range next.Regions {
			if next.Regions[i].ID == region.ID {
				next.Regions[i].Geom = shift(next.Regions[i].Geom)
			}
		}
		return &next, nil
	}, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got := outlines()
	if len(got) != len(whole) {
		t.Errorf("%d features in tile_outlines after moving two, were %d", len(got), len(whole))
	}
	for k, w := range whole {
		switch g := got[k]; {
		case moved[k] && (g.rows == w.rows || g.writers == w.writers):
			t.Errorf("%s was moved; its tile outlines were not rewritten", k)
		case !moved[k] && g != w:
			t.Errorf("%s did not change; its tile outlines were rewritten", k)
		}
	}
	// Where the moved outlines are now: the bounds of the finest band's
	// pieces (cut cells cover the shape, each clipped to it).
	for _, m := range []struct {
		layer, id string
		geom      orb.MultiPolygon
	}{{geo.LayerCounties, county.Code, county.Geom}, {geo.LayerRegions, region.ID, region.Geom}} {
		var x0, x1 float64
		if err := conn.QueryRow(ctx, `SELECT ST_XMin(e), ST_XMax(e) FROM (SELECT ST_Transform(ST_SetSRID(ST_Extent(geom_3857), 3857), 4326) AS e
				FROM layoutmap.tile_outlines WHERE layer = $1 AND id = $2 AND zmin = (SELECT max(zmin) FROM layoutmap.tile_outlines WHERE layer = $1 AND id = $2)) b`,
			m.layer, m.id).Scan(&x0, &x1); err != nil {
			t.Fatal(err)
		}
		b := m.geom.Bound()
		if math.Abs(x0-(b.Min[0]+dx)) > 1e-6 || math.Abs(x1-(b.Max[0]+dx)) > 1e-6 {
			t.Errorf("%s %s moved %v° east: its finest tile outlines span %.7f–%.7f°, want %.7f–%.7f°", m.layer, m.id, dx, x0, x1, b.Min[0]+dx, b.Max[0]+dx)
		}
	}

	if _, err := postgis.Rollback(ctx, url, v0, postgis.ImportOptions{}); err != nil {
		t.Fatal(err)
	}
	got = outlines()
	for k, w := range whole {
		if g := got[k]; g.rows != w.rows || !moved[k] && g.writers != w.writers {
			t.Errorf("%s after the rollback: rows %s written by %s, the whole import's %s by %s", k, g.rows, g.writers, w.rows, w.writers)
		}
	}
}
