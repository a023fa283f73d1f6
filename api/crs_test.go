package api

import (
	"math"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"layoutmap/geo"
)

// firstCoords returns the first position of a GeoJSON geometry, digging
// through nesting.
func firstCoords(t *testing.T, g map[string]any) []float64 {
	t.Helper()
	v := g["coordinates"]
	for {
		arr, ok := v.([]any)
		if !ok || len(arr) == 0 {
			t.Fatalf("no coordinates in %v", g)
		}
		if x, ok := arr[0].(float64); ok {
			out := []float64{x}
			for _, y := range arr[1:] {
				out = append(out, y.(float64))
			}
			return out
		}
		v = arr[0]
	}
}

// mercator is EPSG:3857 written out from its definition (spherical, R =
// 6378137 m), independent of the orb/project code the server uses.
func mercator(lon, lat float64) (x, y float64) {
	const r = 6378137.0
	return r * lon * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
}

// TestCRS walks OGC API Features Part 2: each offered CRS changes the
// coordinates as its definition says (EPSG:4326 and EPSG:4490 latitude
// first, EPSG:3857 in metres) and names itself in Content-Crs, for items
// and an item; the collection lists them with storageCrs; another CRS is a
// 400.
func TestCRS(t *testing.T) {
	app := standardsApp(t, Config{})
	type fc struct {
		Features []struct {
			ID       string
			Geometry map[string]any
		}
		Links []Link
	}
	const items = "/api/v1/collections/zones/items?limit=5&sortby=id"
	var base fc
	r := get(t, app, items)
	decode(t, r, &base)
	if got := r.header.Get("Content-Crs"); got != "<"+CRS84+">" {
		t.Errorf("default Content-Crs %q", got)
	}
	for _, tc := range []struct {
		crs  string
		want func(lon, lat float64) (float64, float64)
		tol  float64
	}{
		{CRS84, func(lon, lat float64) (float64, float64) { return lon, lat }, 0},
		{CRSEPSG4326, func(lon, lat float64) (float64, float64) { return lat, lon }, 0},
		{"[EPSG:4326]", func(lon, lat float64) (float64, float64) { return lat, lon }, 0},
		{CRSEPSG4490, func(lon, lat float64) (float64, float64) { return lat, lon }, 0},
		// The input is rounded to 1e-6° (~0.1 m); the output to 1 cm.
		{CRSEPSG3857, mercator, 0.2},
	} {
		t.Run(tc.crs, func(t *testing.T) {
			d, _ := lookupCRS(tc.crs)
			for _, path := range []string{items, "/api/v1/collections/zones/items/" + url.PathEscape(base.Features[0].ID) + "?"} {
				r := get(t, app, path+"&crs="+url.QueryEscape(tc.crs))
				if r.status != 200 || r.header.Get("Content-Crs") != "<"+d.uri+">" {
					t.Fatalf("%s crs=%s: %d Content-Crs %q: %s", path, tc.crs, r.status, r.header.Get("Content-Crs"), geo.Clip(string(r.body)))
				}
				var got fc
				if strings.Contains(path, "/items?") {
					decode(t, r, &got)
				} else {
					var one struct {
						ID       string
						Geometry map[string]any
						Links    []Link
					}
					decode(t, r, &one)
					got.Features = append(got.Features, struct {
						ID       string
						Geometry map[string]any
					}{one.ID, one.Geometry})
					if self := link(one.Links, "self"); d.uri != CRS84 && !strings.Contains(self, "crs=") {
						t.Errorf("item self link %q lacks crs", self)
					}
				}
				for i, f := range got.Features {
					b := firstCoords(t, base.Features[i].Geometry)
					c := firstCoords(t, f.Geometry)
					x, y := tc.want(b[0], b[1])
					if math.Abs(c[0]-x) > tc.tol+1e-9 || math.Abs(c[1]-y) > tc.tol+1e-9 {
						t.Errorf("%s %s: first position %v, want %v,%v (CRS84 %v)", tc.crs, f.ID, c, x, y, b)
					}
				}
				if next := link(got.Links, "next"); d.uri != CRS84 && (next == "" || !strings.Contains(next, "crs="+url.QueryEscape(tc.crs))) && strings.Contains(path, "/items?") {
					t.Errorf("next link %q does not repeat crs", next)
				}
			}
		})
	}
	t.Run("CSV keeps WGS 84 lat/lon columns", func(t *testing.T) {
		r := get(t, app, items+"&f=csv&crs="+url.QueryEscape(CRSEPSG3857))
		if r.status != 200 || r.header.Get("Content-Crs") != "<"+CRS84+">" {
			t.Errorf("CSV crs=3857: %d Content-Crs %q", r.status, r.header.Get("Content-Crs"))
		}
	})
	// Part 2 /req/crs/ogc-crs-header: Content-Crs where coordinates are
	// returned. The HTML items table has none (whatever crs says); the
	// HTML item page lists WGS 84 lat/lon, so it says CRS84.
	t.Run("HTML says the CRS only of coordinates it shows", func(t *testing.T) {
		r := get(t, app, items+"&f=html&crs="+url.QueryEscape(CRSEPSG3857))
		if r.status != 200 || r.header.Values("Content-Crs") != nil {
			t.Errorf("HTML items crs=3857: %d Content-Crs %q", r.status, r.header.Values("Content-Crs"))
		}
		if strings.Contains(string(r.body), "纬度") || strings.Contains(string(r.body), "Latitude") {
			t.Error("the HTML items table shows coordinates; it must then name their CRS")
		}
		r = get(t, app, "/api/v1/collections/zones/items/G411031?f=html&crs="+url.QueryEscape(CRSEPSG3857))
		if r.status != 200 || r.header.Get("Content-Crs") != "<"+CRS84+">" || !strings.Contains(string(r.body), "Latitude") {
			t.Errorf("HTML item crs=3857: %d Content-Crs %q", r.status, r.header.Get("Content-Crs"))
		}
	})
	t.Run("unsupported", func(t *testing.T) {
		for _, q := range []string{
			"crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/4979"),
			"crs=EPSG:4326", // a bare code is not a URI or safe CURIE
			"bbox-crs=" + url.QueryEscape("http://www.opengis.net/def/crs/EPSG/0/32650") + "&bbox=1,2,3,4",
			"bbox-crs=" + url.QueryEscape(CRSEPSG4326), // without bbox
			"crs=" + url.QueryEscape(CRS84) + "&crs=" + url.QueryEscape(CRS84),
		} {
			r := get(t, app, items+"&"+q)
			if r.status != http.StatusBadRequest || r.ctype() != ContentTypeProblem || !strings.Contains(string(r.body), "crs") {
				t.Errorf("?%s: %d %s, want a 400 naming the crs parameter", q, r.status, geo.Clip(string(r.body)))
			}
		}
		r := get(t, app, "/api/v1/collections/cities/items/410100?crs=urn:ogc:def:crs:EPSG::4326")
		if r.status != http.StatusBadRequest {
			t.Errorf("item with an unsupported crs: %d", r.status)
		}
	})
	t.Run("collection metadata", func(t *testing.T) {
		var col struct {
			CRS        []string
			StorageCRS string                       `json:"storageCrs"`
			CRSNotes   map[string]map[string]string `json:"crs_notes"`
		}
		decode(t, get(t, app, "/api/v1/collections/zones"), &col)
		want := []string{CRS84, CRSEPSG4326, CRSEPSG4490, CRSEPSG3857}
		if !slices.Equal(col.CRS, want) || col.StorageCRS != CRS84 {
			t.Errorf("crs %v storageCrs %q, want %v and CRS84", col.CRS, col.StorageCRS, want)
		}
		if n := col.CRSNotes[CRSEPSG4490]; !strings.Contains(n["en"], "CGCS2000") || !strings.Contains(n["en"], "numerically equal to WGS 84") || !strings.Contains(n["zh"], "CGCS2000") {
			t.Errorf("EPSG:4490 note %v", n)
		}
		var conf struct{ ConformsTo []string }
		decode(t, get(t, app, "/api/v1/conformance"), &conf)
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs") {
			t.Errorf("conformsTo lacks Part 2 crs")
		}
	})
}

// TestBBoxCRS: a box given in each offered CRS, in that CRS's axis order,
// selects what the same box in CRS84 selects (issue 11 case 2's box wholly
// inside 平顶山市: only 410400), and links repeat bbox and bbox-crs as given.
func TestBBoxCRS(t *testing.T) {
	app := standardsApp(t, Config{})
	const w, s, e, n = 112.7882, 34.2989, 112.7902, 34.3009
	x0, y0 := mercator(w, s)
	x1, y1 := mercator(e, n)
	type page struct {
		NumberMatched int
		Features      []struct{ ID string }
		Links         []Link
	}
	for _, tc := range []struct{ crs, bbox string }{
		{"", "112.7882,34.2989,112.7902,34.3009"},
		{CRS84, "112.7882,34.2989,112.7902,34.3009"},
		{CRSEPSG4326, "34.2989,112.7882,34.3009,112.7902"},
		{CRSEPSG4490, "34.2989,112.7882,0,34.3009,112.7902,10"},
		{CRSEPSG3857, strings.Join([]string{ftoa(x0), ftoa(y0), ftoa(x1), ftoa(y1)}, ",")},
	} {
		q := "/api/v1/collections/cities/items?bbox=" + tc.bbox
		if tc.crs != "" {
			q += "&bbox-crs=" + url.QueryEscape(tc.crs)
		}
		r := get(t, app, q)
		var p page
		if r.status != 200 {
			t.Fatalf("%s: %d %s", q, r.status, r.body)
		}
		decode(t, r, &p)
		if p.NumberMatched != 1 || len(p.Features) != 1 || p.Features[0].ID != "410400" {
			t.Errorf("bbox-crs %q bbox %s: %d matched %v, want only 410400", tc.crs, tc.bbox, p.NumberMatched, p.Features)
		}
		if self := link(p.Links, "self"); tc.crs != "" && tc.crs != CRS84 && (!strings.Contains(self, "bbox-crs=") || !strings.Contains(self, "bbox="+tc.bbox)) {
			t.Errorf("self link %q does not repeat bbox-crs and bbox %s", self, tc.bbox)
		}
	}
	// The lon/lat box read as lat/lon lies elsewhere (lat 112 is invalid).
	r := get(t, app, "/api/v1/collections/cities/items?bbox=112.7882,34.2989,112.7902,34.3009&bbox-crs="+url.QueryEscape(CRSEPSG4326))
	if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "latitude first") {
		t.Errorf("lon/lat box as EPSG:4326: %d %s", r.status, geo.Clip(string(r.body)))
	}
	r = get(t, app, "/api/v1/collections/cities/items?bbox=0,0,30000000,1&bbox-crs="+url.QueryEscape(CRSEPSG3857))
	if r.status != http.StatusBadRequest {
		t.Errorf("Mercator box beyond the world: %d", r.status)
	}
}

func ftoa(x float64) string { return string(appendCoord(nil, x)) }
