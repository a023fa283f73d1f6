package postgis_test

import (
	"fmt"
	"net/url"
	"testing"

	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// TestCQL2Differential: a grid of CQL2 expressions, text and JSON, on every
// collection gives the same features (ids, order, numberMatched) on
// PostGIS as on memstore; several select some but not all features, so an
// ignored filter would show.
func TestCQL2Differential(t *testing.T) {
	_, pg, ds := bundled(t)
	mem, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	grid := map[string][]string{
		geo.CollZones: {
			"revenue_yi > 1000", "revenue_yi >= 500 AND revenue_yi < 5000", "NOT (revenue_yi > 100)", "revenue_yi IS NULL",
			"revenue_yi IS NOT NULL AND measure <> '主营业务收入'", "tier = 't1000' OR tier = 't5000'", "tier <> 'no_data'",
			"bound = 'lower'", "revenue_year = 2023", "revenue_year < 2022 OR revenue_yi IS NULL",
			"name = '郑州经济技术开发区'", "name >= '郑'", "name_en < 'H'", "level = '国家级经济技术开发区'",
			"city_code = '410100' AND NOT (county_code IS NULL)", "county_code IS NULL", "approved_area_ha > 1000",
			"approved_area_ha <= 500 OR approved_area_ha IS NULL", "point_quality = 'geocoded'", "geom_quality = 'approximate'",
			"id = 'G411031'", "S_INTERSECTS(geometry, BBOX(113.5,34.6,113.9,34.9))", "S_INTERSECTS(geometry, BBOX(170,30,113,40))",
			"S_INTERSECTS(geometry, POINT(113.741036 34.722424))",
			"S_INTERSECTS(geometry, POLYGON((113 34, 114 34, 114 35, 113 34)))",
			"S_INTERSECTS(geometry, LINESTRING(112 34, 115 35)) AND revenue_yi > 100",
			"NOT (S_INTERSECTS(geometry, BBOX(112,33,115,36)))",
			// Advanced comparison operators.
			"name LIKE '郑州%'", "name LIKE '%高新%'", "name NOT LIKE '%开发区'", "name LIKE '___产业集聚区'", "name_en LIKE '%Zone'",
			"name_en NOT LIKE '%zone%'", "level LIKE '国家级%' AND revenue_yi > 100", "name LIKE '%\\%%'",
			"revenue_yi BETWEEN 100 AND 1000", "revenue_yi NOT BETWEEN 100 AND 1000", "approved_area_ha BETWEEN 0 AND 800",
			"revenue_year BETWEEN 2022 AND 2023 AND NOT (tier IN ('t5000'))",
			"tier IN ('t1000', 't500')", "tier NOT IN ('no_data', 't0')", "city_code IN ('410100', '410300', '419001')",
			"revenue_year IN (2021, 2023)", "county_code NOT IN ('410122')", "id IN ('G411031', 'nope')",
		},
		geo.CollCities: {
			"code = '410100'", "name < '洛阳市'", "name LIKE '_阳市'", "code IN ('410100', '410300')", "name_en NOT LIKE 'Zh%'", "parent_code = '410000'", "level = 'city'", "name_en IS NULL",
			"S_INTERSECTS(geometry, BBOX(112.7882,34.2989,112.7902,34.3009))", "S_INTERSECTS(geometry, POINT(113.6 34.7)) OR code = '411700'",
		},
		geo.CollCounties: {
			"parent_code = '410300'", "NOT (parent_code = '410300') AND name > '新'", "code >= '411500'",
			"S_INTERSECTS(geometry, MULTIPOINT((113.6 34.7),(112.4 34.6)))",
		},
		geo.CollRegions: {"kind IN ('belt', 'demo')", "derived = true", "derived <> true", "kind = 'belt'", "id = 'centre' OR kind = 'demo'", "S_INTERSECTS(geometry, POINT(114.3 35.7))"},
	}
	jsonGrid := map[string][]string{
		geo.CollZones: {
			`{"op":"and","args":[{"op":">","args":[{"property":"revenue_yi"},100]},{"op":"not","args":[{"op":"=","args":[{"property":"tier"},"t5000"]}]}]}`,
			`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[113,34],[114,34],[114,35],[113,34]]]}]}`,
			`{"op":"isNull","args":[{"property":"county_code"}]}`,
			`{"op":"like","args":[{"property":"name"},"%经济技术%"]}`,
			`{"op":"not","args":[{"op":"between","args":[{"property":"revenue_yi"},50,2000]}]}`,
			`{"op":"in","args":[{"property":"tier"},["t100","t500"]]}`,
		},
		geo.CollRegions: {`{"op":"=","args":[{"property":"derived"},true]}`},
	}
	some := 0
	run := func(coll, text, lang string) {
		q := url.Values{"filter": {text}, "filter-lang": {lang}, "limit": {"10000"}}
		f, err := geo.ParseFilter(q, true)
		if err != nil {
			t.Fatalf("%s %s: %v", coll, text, err)
		}
		for _, year := range []int{0, 2022} {
			if coll != geo.CollZones && year != 0 {
				continue
			}
			f.Year = year
			name := fmt.Sprintf("%s year=%d filter=%s", coll, year, text)
			want, werr := mem.Items(ctx, coll, f)
			got, gerr := pg.Items(ctx, coll, f)
			if werr != nil || gerr != nil {
				t.Errorf("%s: memstore %v, postgis %v", name, werr, gerr)
				continue
			}
			if got.NumberMatched != want.NumberMatched {
				t.Errorf("%s: numberMatched %d, memstore %d", name, got.NumberMatched, want.NumberMatched)
			}
			if msg := diffFeatures(got.Features, want.Features, true); msg != "" {
				t.Errorf("%s: %s", name, msg)
			}
			all, _ := mem.Items(ctx, coll, geo.Filter{Limit: geo.MaxLimit, Year: year})
			if want.NumberMatched > 0 && want.NumberMatched < all.NumberMatched {
				some++
			}
		}
	}
	for coll, exprs := range grid {
		for _, e := range exprs {
			run(coll, e, geo.FilterLangText)
		}
	}
	for coll, exprs := range jsonGrid {
		for _, e := range exprs {
			run(coll, e, geo.FilterLangJSON)
		}
	}
	t.Logf("%d filter runs select some but not all features", some)
	if some < 25 {
		t.Errorf("only %d filters select some but not all features; the grid would not see an ignored filter", some)
	}
}
