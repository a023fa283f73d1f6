package api

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

// idsOf runs an items query and returns the feature ids, sorted, and
// numberMatched; any status but 200 fails the test.
func idsOf(t *testing.T, app *fiber.App, q string) ([]string, int) {
	t.Helper()
	r := get(t, app, q)
	if r.status != http.StatusOK {
		t.Fatalf("%s: %d %s", q, r.status, geo.Clip(string(r.body)))
	}
	var p struct {
		NumberMatched int
		Features      []struct{ ID any }
	}
	decode(t, r, &p)
	ids := []string{}
	for _, f := range p.Features {
		ids = append(ids, fmt.Sprint(f.ID))
	}
	slices.Sort(ids)
	return ids, p.NumberMatched
}

// TestFilterCRS: OGC API Features Part 3 filter-crs. The same box, and the
// same rectangle as a WKT polygon and a GeoJSON polygon, given in CRS84,
// EPSG:4326 and EPSG:4490 (latitude first) and EPSG:3857 (metres) selects
// the same features; the box inside 平顶山市 (issue 11 case 2) selects only
// 410400 in every CRS. Another CRS, filter-crs without a filter and a
// lon/lat box read as latitude-first are 400s.
func TestFilterCRS(t *testing.T) {
	app := standardsApp(t, Config{})
	type box struct{ w, s, e, n float64 }
	for _, tc := range []struct {
		coll string
		b    box
		want []string // nil: only that the CRSs agree on a non-empty set
	}{
		{"cities", box{112.7882, 34.2989, 112.7902, 34.3009}, []string{"410400"}},
		{"zones", box{113.5, 34.6, 113.9, 34.9}, nil},
		{"counties", box{114.25, 35.6, 114.35, 35.8}, nil},
	} {
		x0, y0 := mercator(tc.b.w, tc.b.s)
		x1, y1 := mercator(tc.b.e, tc.b.n)
		lonlat := [4]float64{tc.b.w, tc.b.s, tc.b.e, tc.b.n}
		latlon := [4]float64{tc.b.s, tc.b.w, tc.b.n, tc.b.e}
		merc := [4]float64{x0, y0, x1, y1}
		for _, c := range []struct {
			crs string
			v   [4]float64 // min of axis 1, min of axis 2, max 1, max 2
		}{
			{"", lonlat}, {CRS84, lonlat}, {CRSEPSG4326, latlon}, {CRSEPSG4490, latlon}, {"[EPSG:4326]", latlon}, {CRSEPSG3857, merc},
		} {
			v := c.v
			n := func(x float64) string { return ftoa(x) }
			ring := fmt.Sprintf("%s %s, %s %s, %s %s, %s %s, %s %s", n(v[0]), n(v[1]), n(v[2]), n(v[1]), n(v[2]), n(v[3]), n(v[0]), n(v[3]), n(v[0]), n(v[1]))
			geojson := fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%s,%s],[%s,%s],[%s,%s],[%s,%s],[%s,%s]]]}`, n(v[0]), n(v[1]), n(v[2]), n(v[1]), n(v[2]), n(v[3]), n(v[0]), n(v[3]), n(v[0]), n(v[1]))
			for _, f := range []struct{ lang, filter string }{
				{"", fmt.Sprintf("S_INTERSECTS(geometry, BBOX(%s,%s,%s,%s))", n(v[0]), n(v[1]), n(v[2]), n(v[3]))},
				{"", "S_INTERSECTS(geometry, POLYGON((" + ring + ")))"},
				{geo.FilterLangJSON, `{"op":"s_intersects","args":[{"property":"geometry"},` + geojson + `]}`},
			} {
				q := "/api/v1/collections/" + tc.coll + "/items?limit=10000&filter=" + url.QueryEscape(f.filter)
				if f.lang != "" {
					q += "&filter-lang=" + f.lang
				}
				if c.crs != "" {
					q += "&filter-crs=" + url.QueryEscape(c.crs)
				}
				got, matched := idsOf(t, app, q)
				ref, _ := idsOf(t, app, "/api/v1/collections/"+tc.coll+"/items?limit=10000&bbox="+fmt.Sprintf("%v,%v,%v,%v", tc.b.w, tc.b.s, tc.b.e, tc.b.n))
				if !slices.Equal(got, ref) || len(got) == 0 || matched != len(got) {
					t.Errorf("%s filter-crs %q %s: %v (matched %d), the CRS84 bbox gives %v", tc.coll, c.crs, f.filter, got, matched, ref)
				}
				if tc.want != nil && !slices.Equal(got, tc.want) {
					t.Errorf("%s filter-crs %q %s: %v, want %v", tc.coll, c.crs, f.filter, got, tc.want)
				}
			}
		}
	}
	// Links repeat filter-crs, so the next page means the same filter.
	q := "/api/v1/collections/zones/items?limit=2&filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(33,112,36,115))") + "&filter-crs=" + url.QueryEscape(CRSEPSG4326)
	r := get(t, app, q)
	var p struct{ Links []Link }
	decode(t, r, &p)
	if next := link(p.Links, "next"); !strings.Contains(next, "filter-crs="+url.QueryEscape(CRSEPSG4326)) {
		t.Errorf("next link %q does not repeat filter-crs", next)
	}
	for _, bad := range []struct{ q, says string }{
		{"filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(112.7882,34.2989,112.7902,34.3009))") + "&filter-crs=" + url.QueryEscape(CRSEPSG4326), "BBOX(112.7882,34.2989,112.7902,34.3009) is not south,west,north,east within -90,-180,90,180 with south ≤ north: filter-crs puts latitude first"},
		{"filter=" + url.QueryEscape("S_INTERSECTS(geometry, BBOX(0,0,30000000,1))") + "&filter-crs=" + url.QueryEscape(CRSEPSG3857), "BBOX(0,0,30000000,1) leaves the area filter-crs covers"},
		{"filter=" + url.QueryEscape("name = 'x'") + "&filter-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/32650"), "not offered; offered: " + CRS84},
		// A bare CURIE gets the same answer as crs= and its bracketed form.
		{"filter=" + url.QueryEscape("name = 'x'") + "&filter-crs=EPSG:4326", "not offered (a CRS is named by its URI, or by a safe CURIE in brackets: [EPSG:4326]); offered: "},
		{"filter-crs=" + url.QueryEscape(CRSEPSG4326), "given without filter"},
	} {
		r := get(t, app, "/api/v1/collections/zones/items?"+bad.q)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), bad.says) || !strings.Contains(string(r.body), `"filter`) {
			t.Errorf("%s: %d %s, want a 400 saying %q", bad.q, r.status, geo.Clip(string(r.body)), bad.says)
		}
	}
}

// TestPropertyParams: a queryable as a query parameter selects what the
// equality filter selects, typed by the queryable; links repeat it; it
// ANDs with filter; a value of the wrong type is a 400 naming the
// parameter; tier keeps the filter contract's meaning.
func TestPropertyParams(t *testing.T) {
	app := standardsApp(t, Config{})
	for _, tc := range []struct{ coll, param, filter string }{
		{"zones", "city_code=410100", "city_code = '410100'"},
		{"zones", "revenue_year=2023", "revenue_year = 2023"},
		{"zones", "bound=lower", "bound = 'lower'"},
		{"counties", "parent_code=410300", "parent_code = '410300'"},
		{"cities", "name_en=Luoyang", "name_en = 'Luoyang'"},
		{"regions", "derived=true", "derived = TRUE"},
		{"regions", "kind=demo", "kind = 'demo'"},
	} {
		got, _ := idsOf(t, app, "/api/v1/collections/"+tc.coll+"/items?limit=10000&"+tc.param)
		want, _ := idsOf(t, app, "/api/v1/collections/"+tc.coll+"/items?limit=10000&filter="+url.QueryEscape(tc.filter))
		all, _ := idsOf(t, app, "/api/v1/collections/"+tc.coll+"/items?limit=10000")
		if !slices.Equal(got, want) || len(got) == 0 || len(got) == len(all) {
			t.Errorf("%s ?%s: %v, filter %q gives %v (of %d)", tc.coll, tc.param, got, tc.filter, want, len(all))
		}
	}
	// With filter: both apply; links repeat both.
	got, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&city_code=410100&filter="+url.QueryEscape("revenue_yi > 100"))
	want, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&filter="+url.QueryEscape("city_code = '410100' AND revenue_yi > 100"))
	if !slices.Equal(got, want) || len(want) == 0 {
		t.Errorf("city_code with filter: %v, want %v", got, want)
	}
	r := get(t, app, "/api/v1/collections/zones/items?limit=2&city_code=410100")
	var p struct{ Links []Link }
	decode(t, r, &p)
	if next := link(p.Links, "next"); !strings.Contains(next, "city_code=410100") || strings.Contains(next, "filter=") {
		t.Errorf("next link %q should repeat city_code and add no filter", next)
	}
	for _, bad := range []string{"revenue_year=2023.5", "revenue_yi=abc", "city_code=410100&city_code=410200"} {
		r := get(t, app, "/api/v1/collections/zones/items?"+bad)
		name, _, _ := strings.Cut(bad, "=")
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), `"name":"`+name+`"`) {
			t.Errorf("%s: %d %s", bad, r.status, geo.Clip(string(r.body)))
		}
	}
	// A parameter of one collection is unknown on another.
	if r := get(t, app, "/api/v1/collections/cities/items?city_code=410100"); r.status != http.StatusBadRequest {
		t.Errorf("city_code on cities: %d", r.status)
	}
	// tier is the filter contract's (a list of tiers), not a property
	// parameter: two tiers select either.
	two, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&tier=t1000,t500")
	one, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&tier=t1000")
	if len(two) <= len(one) || len(one) == 0 {
		t.Errorf("tier=t1000,t500 gives %d zones, tier=t1000 %d", len(two), len(one))
	}
}

// TestDraftCQLText: filter-lang=cql-text (the name GDAL ≤ 3.6 sends) reads
// the filter as CQL2 text, and only there a boolean queryable compared
// with 0 or 1 (OGR's booleans) means FALSE or TRUE.
func TestDraftCQLText(t *testing.T) {
	app := standardsApp(t, Config{})
	for _, f := range []string{"revenue_yi > 1000", "(name LIKE '%高新%') AND (NOT (city_code = '410100'))", "((county_code IS NULL)) AND (approved_area_ha > 500)"} {
		got, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&filter-lang=cql-text&filter="+url.QueryEscape(f))
		want, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&filter="+url.QueryEscape(f))
		if !slices.Equal(got, want) || len(want) == 0 {
			t.Errorf("cql-text %q: %v, cql2-text %v", f, got, want)
		}
	}
	one, _ := idsOf(t, app, "/api/v1/collections/regions/items?filter-lang=cql-text&filter="+url.QueryEscape("derived = 1"))
	yes, _ := idsOf(t, app, "/api/v1/collections/regions/items?filter="+url.QueryEscape("derived = TRUE"))
	zero, _ := idsOf(t, app, "/api/v1/collections/regions/items?filter-lang=cql-text&filter="+url.QueryEscape("derived = 0"))
	if !slices.Equal(one, yes) || len(yes) == 0 || len(zero) == 0 || slices.ContainsFunc(zero, func(id string) bool { return slices.Contains(yes, id) }) {
		t.Errorf("cql-text derived = 1: %v, = 0: %v; derived = TRUE %v", one, zero, yes)
	}
	if r := get(t, app, "/api/v1/collections/regions/items?filter="+url.QueryEscape("derived = 1")); r.status != http.StatusBadRequest {
		t.Errorf("cql2-text derived = 1: %d, want 400 (CQL2 is typed)", r.status)
	}
	// ILIKE (the draft's, which GDAL sends for OGR SQL's ILIKE): ASCII
	// letters in either case; not CQL2, so a 400 naming it elsewhere.
	ilike, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&filter-lang=cql-text&filter="+url.QueryEscape("name_en ILIKE '%zhengZHOU%'"))
	like, _ := idsOf(t, app, "/api/v1/collections/zones/items?limit=10000&filter="+url.QueryEscape("name_en LIKE '%Zhengzhou%'"))
	if !slices.Equal(ilike, like) || len(like) == 0 {
		t.Errorf("cql-text ILIKE: %v, LIKE with the data's case %v", ilike, like)
	}
	if r := get(t, app, "/api/v1/collections/zones/items?filter="+url.QueryEscape("name_en ILIKE '%zhengzhou%'")); r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "ILIKE is not CQL2") {
		t.Errorf("cql2-text ILIKE: %d %s, want a 400 saying ILIKE is not CQL2", r.status, geo.Clip(string(r.body)))
	}
	r := get(t, app, "/api/v1/collections/zones/items?limit=1&filter-lang=cql-text&filter="+url.QueryEscape("revenue_yi > 0"))
	var p struct{ Links []Link }
	decode(t, r, &p)
	if next := link(p.Links, "next"); !strings.Contains(next, "filter-lang=cql-text") {
		t.Errorf("next link %q does not repeat filter-lang=cql-text", next)
	}
}
