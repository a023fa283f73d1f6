package postgis_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// TestDifferential asks the embedded store and the PostGIS store holding
// the same bundled dataset the same questions and requires the same
// answers: ids, order, numberMatched and properties exactly, geometry
// within 1e-7°. Outlines simplified for tiles (orb and PostGIS implement
// Douglas–Peucker differently) are compared by id and properties only.
func TestDifferential(t *testing.T) {
	_, pg, ds := bundled(t)
	mem, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	f := func(x float64) *float64 { return &x }
	bb := func(a, b, c, d float64) *orb.Bound { return &orb.Bound{Min: orb.Point{a, b}, Max: orb.Point{c, d}} }
	var clusters, chains, regions, cities []string
	for _, c := range ds.Taxonomy.Clusters {
		clusters = append(clusters, c.ID)
	}
	for _, c := range ds.Taxonomy.Chains {
		chains = append(chains, c.ID)
	}
	for _, r := range ds.Regions {
		regions = append(regions, r.ID)
	}
	for _, a := range ds.Admin {
		if a.Level == geo.LevelCity {
			cities = append(cities, a.Code)
		}
	}
	zoneFilters := []geo.Filter{
		{}, {Year: 2023}, {Year: 2022}, {Year: 2021}, {Year: 2019}, {Year: 2030},
		{MinRevenue: f(500)}, {MinRevenue: f(1000), Year: 2023}, {MaxRevenue: f(1000)}, {MinRevenue: f(100), MaxRevenue: f(5000)},
		{Tier: []string{"t5000"}}, {Tier: []string{"t1000", "t500"}}, {Tier: []string{geo.TierNoData}}, {Tier: []string{geo.TierNoData}, Year: 2023},
		{Cluster: clusters[:1]}, {Cluster: clusters}, {Chain: chains[:2]}, {Region: regions[:1]}, {Region: regions[len(regions)-2:]},
		{City: cities[:3]}, {City: cities[:1], Cluster: clusters[1:3]},
		{BBox: bb(113.5, 34.5, 114, 35)}, {BBox: bb(110, 31, 117, 37)}, {BBox: bb(0, 0, 1, 1)}, {BBox: bb(113.741036, 34.722424, 113.741036, 34.722424)},
	}
	sorts := []string{"", "name", "-name", "revenue", "-revenue", "area", "-area", "code", "-code", "id", "-id"}
	pages := [][2]int{{100, 0}, {7, 0}, {7, 7}, {10, 150}, {5, 1000}}
	type q struct {
		coll string
		f    geo.Filter
	}
	var qs []q
	for _, zf := range zoneFilters {
		for _, s := range sorts {
			for _, pg := range pages {
				x := zf
				x.SortBy, x.Limit, x.Offset = s, pg[0], pg[1]
				qs = append(qs, q{geo.CollZones, x})
			}
		}
	}
	adminFilters := []geo.Filter{{}, {City: cities[:2]}, {Region: regions[:1]}, {BBox: bb(113.5, 34.5, 114, 35)}, {BBox: bb(0, 0, 1, 1)}}
	for _, coll := range []string{geo.CollCities, geo.CollCounties, geo.CollRegions} {
		for _, af := range adminFilters {
			for _, s := range []string{"", "name", "-name", "code", "-id"} {
				for _, pg := range pages {
					x := af
					x.SortBy, x.Limit, x.Offset = s, pg[0], pg[1]
					qs = append(qs, q{coll, x})
				}
			}
		}
	}
	for _, c := range qs {
		name := fmt.Sprintf("%s?%s&sortby=%s&limit=%d&offset=%d", c.coll, c.f.Encode().Encode(), c.f.SortBy, c.f.Limit, c.f.Offset)
		want, werr := mem.Items(ctx, c.coll, c.f)
		got, gerr := pg.Items(ctx, c.coll, c.f)
		if (werr == nil) != (gerr == nil) {
			t.Errorf("%s: memstore err %v, postgis err %v", name, werr, gerr)
			continue
		}
		if werr != nil {
			continue
		}
		if got.NumberMatched != want.NumberMatched {
			t.Errorf("%s: numberMatched %d, memstore %d", name, got.NumberMatched, want.NumberMatched)
		}
		if msg := diffFeatures(got.Features, want.Features, true); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
	for _, zf := range zoneFilters {
		want, _ := mem.Zones(ctx, zf)
		got, err := pg.Zones(ctx, zf)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Errorf("Zones(%v): %d, memstore %d", zf.Encode(), len(got), len(want))
			continue
		}
		for i := range want {
			if msg := diffZone(got[i], want[i]); msg != "" {
				t.Errorf("Zones(%v) %s: %s", zf.Encode(), want[i].ID, msg)
			}
			// Beyond geometry, the structs must be identical (nil vs empty
			// slices included): callers may encode them.
			g, w := got[i], want[i]
			g.Geom, w.Geom, g.Point, w.Point = nil, nil, orb.Point{}, orb.Point{}
			if a, b := mustJSON(g), mustJSON(w); a != b {
				t.Errorf("Zones(%v) %s:\n%s\nmemstore\n%s", zf.Encode(), w.ID, a, b)
			}
		}
	}
	// Geometry JSON is encoded once per dataset version: a second request
	// reads no geometry and gives the same bytes, which are the encoding
	// of memstore's geometry. (Enterprises keep no geometry memo: a
	// million points; none is loaded here.)
	// So is each feature's properties JSON, per version, year and family
	// (data.PropertiesMemo), equal to memstore's and to the encoding of the
	// properties returned.
	for _, coll := range geo.CollectionNames {
		if coll == geo.CollEnterprises {
			continue
		}
		for _, pf := range []geo.Filter{{Limit: 20}, {Limit: 20, Year: 2022}, {Limit: 20, Measure: geo.FamilyOutput}} {
			if coll != geo.CollZones && (pf.Year != 0 || pf.Measure != "") {
				continue
			}
			first, err1 := pg.Items(ctx, coll, pf)
			again, err2 := pg.Items(ctx, coll, pf)
			want, err3 := mem.Items(ctx, coll, pf)
			if err1 != nil || err2 != nil || err3 != nil {
				t.Fatalf("items %s: %v %v %v", coll, err1, err2, err3)
			}
			for i := range want.Features {
				a, b, w := first.Features[i].GeometryJSON, again.Features[i].GeometryJSON, want.Features[i].GeometryJSON
				if a == nil || string(a) != string(b) || &a[0] != &b[0] {
					t.Errorf("items %s %s: geometry JSON not kept between requests", coll, want.Features[i].ID)
				} else if string(a) != string(w) {
					t.Errorf("items %s %s: geometry JSON differs from memstore's:\n%.200s\n%.200s", coll, want.Features[i].ID, a, w)
				}
				a, b, w = first.Features[i].PropertiesJSON, again.Features[i].PropertiesJSON, want.Features[i].PropertiesJSON
				enc, err := geo.PropertiesJSON(again.Features[i].Properties)
				if err != nil {
					t.Fatal(err)
				}
				if a == nil || string(a) != string(b) || &a[0] != &b[0] {
					t.Errorf("items %s %s %v: properties JSON not kept between requests", coll, want.Features[i].ID, pf.Encode())
				} else if string(a) != string(w) || string(a) != string(enc) {
					t.Errorf("items %s %s %v: properties JSON\n%s\nmemstore\n%s\nproperties\n%s", coll, want.Features[i].ID, pf.Encode(), a, w, enc)
				}
			}
		}
	}
	// Statistics: the PostGIS GROUP BY against geo.StatsOf over memstore's
	// zones, for every zone filter, in both measure families.
	statsFilters := append(slices.Clone(zoneFilters), []geo.Filter{{Measure: geo.FamilyOutput}, {Measure: geo.FamilyOutput, Year: 2022},
		{Measure: geo.FamilyOutput, MinRevenue: f(100)}, {Tier: []string{"t500"}, Cluster: clusters[:1]}, {MinRevenue: f(100), Region: regions[:1]},
		{Year: 2030, Tier: []string{geo.TierNoData}}}...)
	for _, zf := range statsFilters {
		want, werr := mem.Stats(ctx, geo.StatsQuery{Filter: zf})
		got, gerr := pg.Stats(ctx, geo.StatsQuery{Filter: zf})
		if werr != nil || gerr != nil {
			t.Errorf("Stats(%v): memstore %v, postgis %v", zf.Encode(), werr, gerr)
			continue
		}
		if a, b := mustJSON(got), mustJSON(want); a != b {
			t.Errorf("Stats(%v):\n%s\nmemstore\n%s", zf.Encode(), a, b)
		}
	}
	// Every item of every collection, and ids that do not exist. Neither
	// store holds an enterprise list here (TestEnterpriseDifferential loads
	// one into both).
	for _, coll := range geo.CollectionNames {
		all, err := mem.Items(ctx, coll, geo.Filter{Limit: geo.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		for _, w := range all.Features {
			g, err := pg.Item(ctx, coll, w.ID)
			if err != nil {
				t.Errorf("Item(%s, %s): %v", coll, w.ID, err)
				continue
			}
			if msg := diffFeatures([]geo.Feature{g}, []geo.Feature{w}, true); msg != "" {
				t.Errorf("Item(%s, %s): %s", coll, w.ID, msg)
			}
		}
		for _, id := range []string{"nope", "410100x", "", "' OR 1=1 --"} {
			_, merr := mem.Item(ctx, coll, id)
			_, perr := pg.Item(ctx, coll, id)
			if !errors.Is(perr, data.ErrNotFound) || !errors.Is(merr, data.ErrNotFound) {
				t.Errorf("Item(%s, %q): postgis %v, memstore %v; want ErrNotFound from both", coll, id, perr, merr)
			}
		}
	}
	mc, _ := mem.Collections(ctx)
	pc, err := pg.Collections(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(pc) != len(mc) {
		t.Fatalf("collections: postgis %d, memstore %d", len(pc), len(mc))
	}
	for i := range mc {
		g, w := pc[i], mc[i]
		if g.ID != w.ID || g.Title != w.Title || g.TitleEN != w.TitleEN || g.Description != w.Description || g.ItemCount != w.ItemCount ||
			g.GeomQuality != w.GeomQuality || g.DatasetVersion != w.DatasetVersion || !near(g.Extent.Min, w.Extent.Min) || !near(g.Extent.Max, w.Extent.Max) {
			t.Errorf("collection %s: %+v, memstore %+v", w.ID, g, w)
		}
	}
	for _, lv := range []string{geo.LevelProvince, geo.LevelCity, geo.LevelCounty, "town"} {
		want, werr := mem.AdminAreas(ctx, lv)
		got, gerr := pg.AdminAreas(ctx, lv)
		if (werr == nil) != (gerr == nil) || len(got) != len(want) {
			t.Errorf("AdminAreas(%s): %d, %v; memstore %d, %v", lv, len(got), gerr, len(want), werr)
		}
	}
	mt, _ := mem.Taxonomy(ctx)
	pt, err := pg.Taxonomy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(pt), mustJSON(mt); a != b {
		t.Errorf("taxonomy differs:\n%s\nmemstore\n%s", a, b)
	}
	mr, _ := mem.Regions(ctx)
	pr, err := pg.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if a, b := mustJSON(pr), mustJSON(mr); a != b {
		t.Errorf("regions differ:\n%s\nmemstore\n%s", a, b)
	}
	// Tiles: the PostGIS store encodes them itself (ST_AsMVT, no feature
	// tiles); tiles.TestPostGISMatchesEmbedded decodes its tiles and holds
	// them to the embedded store's.
}

func diffFeatures(got, want []geo.Feature, geom bool) string {
	gid, wid := make([]string, len(got)), make([]string, len(want))
	for i := range got {
		gid[i] = got[i].ID
	}
	for i := range want {
		wid[i] = want[i].ID
	}
	if !slices.Equal(gid, wid) {
		return fmt.Sprintf("ids %v, memstore %v", gid, wid)
	}
	for i := range want {
		gp, _ := json.Marshal(got[i].Properties)
		wp, _ := json.Marshal(want[i].Properties)
		if string(gp) != string(wp) {
			return fmt.Sprintf("%s properties\n%s\nmemstore\n%s", want[i].ID, gp, wp)
		}
		if geom && !nearGeometry(got[i].Geometry, want[i].Geometry) {
			return fmt.Sprintf("%s geometry differs beyond 1e-7°", want[i].ID)
		}
	}
	return ""
}

func nearGeometry(a, b orb.Geometry) bool {
	switch b := b.(type) {
	case orb.Point:
		p, ok := a.(orb.Point)
		return ok && near(p, b)
	case orb.MultiPolygon:
		mp, ok := a.(orb.MultiPolygon)
		return ok && nearGeom(mp, b)
	case orb.Polygon:
		mp, ok := a.(orb.MultiPolygon)
		return ok && nearGeom(mp, orb.MultiPolygon{b})
	}
	return false
}

func mustJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return string(b)
}
