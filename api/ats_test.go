package api

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/geo"
)

// TestOGCFeaturesCoreATS walks the abstract test suite of OGC API Features
// Part 1 (OGC 17-069r4 Annex A) for the classes /api/v1/conformance
// declares: core, geojson and oas30 (structure only; the OpenAPI document
// itself is validated by swagger-parser in TestValidators). Each row names
// its abstract test.
func TestOGCFeaturesCoreATS(t *testing.T) {
	app := standardsApp(t, Config{})
	const host = "http://example.com"
	path := func(href string) string { return strings.TrimPrefix(href, host) }
	getDoc := func(t *testing.T, href string, v any) response {
		t.Helper()
		r := get(t, app, path(href))
		if r.status != http.StatusOK {
			t.Fatalf("GET %s: %d %s", href, r.status, geo.Clip(string(r.body)))
		}
		if v != nil {
			decode(t, r, v)
		}
		return r
	}
	type doc struct {
		Links       []Link
		ConformsTo  []string
		Collections []collectionDoc
	}
	var landing doc
	getDoc(t, "/api/v1/", &landing)
	var conf doc
	var openapi struct {
		Paths map[string]atsPathItem
	}
	// itemsOp is the items operation, keyed relative to its path-level
	// server as OGC API documents (and GDAL's OAPIF driver) expect.
	itemsOp := func() (op atsPathItem) {
		op = openapi.Paths["/collections/{collectionId}/items"]
		if len(op.Servers) != 1 || op.Servers[0].URL != "/api/v1" {
			t.Errorf("items operation servers %+v, want /api/v1", op.Servers)
		}
		return op
	}
	var colls doc
	tests := []struct {
		ats string
		run func(t *testing.T)
	}{
		{"/ats/core/root-op and root-success", func(t *testing.T) {
			for _, rel := range []string{"self", "service-desc", "conformance", "data"} {
				if link(landing.Links, rel) == "" {
					t.Errorf("landing page lacks rel=%s", rel)
				}
			}
		}},
		{"/ats/core/api-definition-op and api-definition-success", func(t *testing.T) {
			r := getDoc(t, link(landing.Links, "service-desc"), &openapi)
			if !strings.HasPrefix(r.ctype(), "application/vnd.oai.openapi+json") || len(openapi.Paths) == 0 {
				t.Errorf("service-desc: %s with %d paths", r.ctype(), len(openapi.Paths))
			}
		}},
		{"/ats/core/conformance-op and conformance-success", func(t *testing.T) {
			getDoc(t, link(landing.Links, "conformance"), &conf)
			for _, c := range []string{"core", "geojson", "oas30"} {
				if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/"+c) {
					t.Errorf("conformsTo lacks %s: %v", c, conf.ConformsTo)
				}
			}
		}},
		{"/ats/core/fc-md-op, fc-md-success, fc-md-links, fc-md-items, fc-md-extent", func(t *testing.T) {
			getDoc(t, link(landing.Links, "data"), &colls)
			// The embedded store without an enterprise list does not list enterprises.
			if link(colls.Links, "self") == "" || len(colls.Collections) != len(geo.CollectionNames)-1 {
				t.Fatalf("collections: self %q, %d collections", link(colls.Links, "self"), len(colls.Collections))
			}
			for _, c := range colls.Collections {
				if c.ID == "" || c.ItemType != "feature" || link(c.Links, "items") == "" || link(c.Links, "self") == "" {
					t.Errorf("collection %+v lacks id, itemType, items or self", c.ID)
				}
				if c.Extent == nil && c.ItemCount == 0 {
					continue // extent is optional (fc-md-extent tests it when present): an empty collection has none
				}
				if c.Extent == nil || len(c.Extent.Spatial.BBox) != 1 || c.Extent.Spatial.CRS != crs84 {
					t.Errorf("%s: extent %+v", c.ID, c.Extent)
					continue
				}
				b := c.Extent.Spatial.BBox[0]
				if b[0] < -180 || b[2] > 180 || b[1] < -90 || b[3] > 90 || b[1] > b[3] {
					t.Errorf("%s: bbox %v", c.ID, b)
				}
			}
		}},
		{"/ats/core/sfc-md-op and sfc-md-success", func(t *testing.T) {
			for _, c := range colls.Collections {
				var one collectionDoc
				getDoc(t, link(c.Links, "self"), &one)
				a, _ := json.Marshal(one)
				b, _ := json.Marshal(c)
				if string(a) != string(b) {
					t.Errorf("%s: /collections/%s differs from its entry in /collections", c.ID, c.ID)
				}
			}
		}},
		{"/ats/core/fc-limit-definition, fc-bbox-definition, fc-time-definition", func(t *testing.T) {
			ps := itemsOp().Get.Parameters
			want := map[string]bool{"limit": false, "bbox": false, "datetime": false}
			for _, p := range ps {
				if _, ok := want[p.Name]; !ok {
					continue
				}
				want[p.Name] = true
				if p.In != "query" || p.Required || p.Style != "form" || p.Explode == nil || *p.Explode {
					t.Errorf("parameter %s: in %s required %v style %s explode %v", p.Name, p.In, p.Required, p.Style, p.Explode)
				}
				if p.Name == "limit" && (p.Schema["type"] != "integer" || p.Schema["minimum"] != 1.0) {
					t.Errorf("limit schema %v", p.Schema)
				}
			}
			for n, ok := range want {
				if !ok {
					t.Errorf("items lack the %s parameter", n)
				}
			}
		}},
		{"/ats/core/fc-op, fc-response, fc-links, fc-rel-type, fc-timeStamp, fc-numberMatched, fc-numberReturned; geojson/content", func(t *testing.T) {
			for _, c := range colls.Collections {
				var fc struct {
					Type           string
					Features       []json.RawMessage
					NumberMatched  *int
					NumberReturned *int
					TimeStamp      string
					Links          []Link
				}
				r := getDoc(t, link(c.Links, "items")+"?limit=5", &fc)
				if r.ctype() != ContentTypeGeoJSON || fc.Type != "FeatureCollection" || fc.NumberMatched == nil || fc.NumberReturned == nil ||
					*fc.NumberReturned != len(fc.Features) || len(fc.Features) > 5 || fc.TimeStamp == "" {
					t.Errorf("%s items: %s %s matched %v returned %v features %d timeStamp %q", c.ID, r.ctype(), fc.Type, fc.NumberMatched, fc.NumberReturned, len(fc.Features), fc.TimeStamp)
				}
				for _, l := range fc.Links {
					if l.Type == "" || l.Rel == "" {
						t.Errorf("%s: link %+v lacks type or rel", c.ID, l)
					}
				}
				if link(fc.Links, "self") == "" || link(fc.Links, "alternate") == "" {
					t.Errorf("%s items lack self or alternate", c.ID)
				}
				if (*fc.NumberMatched > 5) != (link(fc.Links, "next") != "") {
					t.Errorf("%s: %d matched, next %q", c.ID, *fc.NumberMatched, link(fc.Links, "next"))
				}
				for _, raw := range fc.Features {
					if _, err := geojson.UnmarshalFeature(raw); err != nil {
						t.Errorf("%s: feature is not GeoJSON: %v", c.ID, err)
					}
				}
			}
		}},
		{"/ats/core/fc-limit-response-1 (over the maximum is the maximum)", func(t *testing.T) {
			var fc struct{ NumberReturned int }
			getDoc(t, "/api/v1/collections/counties/items?limit=10001", &fc)
			if fc.NumberReturned == 0 || fc.NumberReturned > geo.MaxLimit {
				t.Errorf("limit=10001: %d returned", fc.NumberReturned)
			}
		}},
		{"/ats/core/fc-bbox-response", func(t *testing.T) {
			box := orb.Bound{Min: orb.Point{113.5, 34.6}, Max: orb.Point{113.9, 34.9}}
			var fc geojson.FeatureCollection
			getDoc(t, "/api/v1/collections/counties/items?limit=10000&bbox=113.5,34.6,113.9,34.9", &fc)
			var all geojson.FeatureCollection
			getDoc(t, "/api/v1/collections/counties/items?limit=10000", &all)
			want := 0
			for _, f := range all.Features {
				if geo.IntersectsBBox(f.Geometry, f.Geometry.Bound(), box) {
					want++
				}
			}
			if len(fc.Features) != want || want == 0 || want == len(all.Features) {
				t.Errorf("bbox: %d features, %d intersect of %d", len(fc.Features), want, len(all.Features))
			}
		}},
		{"/ats/core/fc-time-response (no temporal geometry: every feature matches)", func(t *testing.T) {
			var a, b struct{ NumberMatched int }
			getDoc(t, "/api/v1/collections/zones/items?datetime="+url.QueryEscape("2018-01-01T00:00:00Z/.."), &a)
			getDoc(t, "/api/v1/collections/zones/items", &b)
			if a.NumberMatched != b.NumberMatched || a.NumberMatched == 0 {
				t.Errorf("datetime: %d matched, without %d", a.NumberMatched, b.NumberMatched)
			}
		}},
		{"paging: following next links returns every feature once", func(t *testing.T) {
			next := "/api/v1/collections/counties/items?limit=40"
			seen := map[string]bool{}
			matched := -1
			for pages := 0; next != ""; pages++ {
				if pages > 20 {
					t.Fatal("too many pages")
				}
				var fc struct {
					NumberMatched int
					Features      []struct{ ID string }
					Links         []Link
				}
				getDoc(t, next, &fc)
				matched = fc.NumberMatched
				for _, f := range fc.Features {
					if seen[f.ID] {
						t.Errorf("feature %s on two pages", f.ID)
					}
					seen[f.ID] = true
				}
				next = link(fc.Links, "next")
			}
			if len(seen) != matched {
				t.Errorf("paged through %d features, numberMatched %d", len(seen), matched)
			}
		}},
		{"/ats/core/f-op, f-success, f-links; geojson/content", func(t *testing.T) {
			var f struct {
				Type  string
				ID    string
				Links []Link
			}
			r := getDoc(t, "/api/v1/collections/zones/items/G411031", &f)
			if r.ctype() != ContentTypeGeoJSON || f.Type != "Feature" || f.ID != "G411031" || link(f.Links, "self") == "" || link(f.Links, "collection") == "" {
				t.Errorf("item: %s %+v", r.ctype(), f)
			}
			if r := get(t, app, "/api/v1/collections/zones/items/nope"); r.status != http.StatusNotFound {
				t.Errorf("unknown item: %d", r.status)
			}
		}},
		{"/ats/core/query-param-invalid and query-param-unknown", func(t *testing.T) {
			for _, q := range []string{"limit=abc", "bbox=1,2,3", "datetime=tomorrow", "colour=red"} {
				if r := get(t, app, "/api/v1/collections/zones/items?"+q); r.status != http.StatusBadRequest || r.ctype() != ContentTypeProblem {
					t.Errorf("?%s: %d %s, want a 400 problem", q, r.status, r.ctype())
				}
			}
		}},
		{"/ats/oas30/completeness: every status the items route sends is documented", func(t *testing.T) {
			rs := itemsOp().Get.Responses
			for _, code := range []string{"200", "304", "400", "404", "406", "500", "503"} {
				if _, ok := rs[code]; !ok {
					t.Errorf("items responses lack %s", code)
				}
			}
		}},
	}
	for _, tc := range tests {
		if !t.Run(tc.ats, tc.run) {
			// Later rows read what earlier ones fetched.
			if tc.ats == "/ats/core/fc-md-op, fc-md-success, fc-md-links, fc-md-items, fc-md-extent" {
				t.FailNow()
			}
		}
	}
}

// atsPathItem is what the ATS reads of an OpenAPI path item: its
// path-level servers and its GET operation.
type atsPathItem struct {
	Servers []struct{ URL string }
	Get     struct {
		Parameters []struct {
			Name, In, Style string
			Explode         *bool
			Required        bool
			Schema          map[string]any
		}
		Responses map[string]any
	}
}
