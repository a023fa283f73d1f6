package api

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/geo"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

var fixedNow = func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }

func newApp(t testing.TB, cfg Config) *fiber.App {
	t.Helper()
	if cfg.Store == nil {
		cfg.Store = testStoreFor(t)
	}
	cfg.Now = fixedNow
	cfg.Version = "test"
	return New(cfg)
}

type response struct {
	status int
	header http.Header
	body   []byte
}

func (r response) ctype() string { return r.header.Get("Content-Type") }

func get(t testing.TB, app *fiber.App, target string, header ...string) response {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	// app.Test gives up after 1 s by default; a loaded CI machine can be slower.
	res, err := app.Test(req, 30_000)
	if err != nil {
		t.Fatalf("GET %s: %v", target, err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("GET %s: reading body: %v", target, err)
	}
	return response{res.StatusCode, res.Header, body}
}

func decode(t testing.TB, r response, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("decoding %q: %v", geo.Clip(string(r.body)), err)
	}
}

func TestRoutes(t *testing.T) {
	app := newApp(t, Config{})
	cases := []struct {
		name, path, ctype string
		want              []string // substrings of the body
	}{
		{"healthz", "/healthz", ContentTypeJSON, []string{`"status":"ok"`}},
		{"readyz", "/readyz", ContentTypeJSON, []string{`"status":"ready"`}},
		{"landing", "/api/v1", ContentTypeJSON, []string{`"rel":"service-desc"`, `"rel":"conformance"`, `"rel":"data"`}},
		{"landing slash", "/api/v1/", ContentTypeJSON, []string{`"rel":"data"`}},
		{"conformance", "/api/v1/conformance", ContentTypeJSON, []string{"ogcapi-features-1/1.0/conf/core", "conf/geojson", "conf/oas30"}},
		{"collections", "/api/v1/collections", ContentTypeJSON, []string{`"id":"cities"`, `"id":"counties"`, `"id":"zones"`, `"id":"regions"`, `"rel":"items"`}},
		{"collection", "/api/v1/collections/zones", ContentTypeJSON, []string{`"id":"zones"`, `"itemType":"feature"`, `"bbox":[[`}},
		{"items", "/api/v1/collections/zones/items?city=410100", ContentTypeGeoJSON, []string{`"type":"FeatureCollection"`, `"numberMatched":`, `"numberReturned":`, `"timeStamp":"2026-01-02T03:04:05Z"`, "郑州经济技术开发区"}},
		{"items cities", "/api/v1/collections/cities/items?limit=2", ContentTypeGeoJSON, []string{`"type":"MultiPolygon"`, `"rel":"next"`}},
		{"items csv", "/api/v1/collections/zones/items?f=csv", ContentTypeCSV, []string{"\xef\xbb\xbfid,name,name_en,level"}},
		{"item", "/api/v1/collections/cities/items/410100", ContentTypeGeoJSON, []string{`"type":"Feature","id":"410100"`, `"rel":"collection"`}},
		{"item csv", "/api/v1/collections/cities/items/410100?f=csv", ContentTypeCSV, []string{"\xef\xbb\xbfid,", "\n410100,郑州市"}},
		{"clusters", "/api/v1/clusters", ContentTypeJSON, []string{`"clusters":[`, `"keywords":`}},
		{"chains", "/api/v1/chains", ContentTypeJSON, []string{`"chains":`}},
		{"regions", "/api/v1/regions", ContentTypeJSON, []string{`"regions":[`, `"members":[`}},
		{"openapi", "/api/v1/openapi.json", ContentTypeOpenAPI, []string{`"openapi": "3.0.3"`, `"min_revenue"`, "KNOWN to be ≥ X", "lower bound"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, app, tc.path)
			if r.status != http.StatusOK {
				t.Fatalf("GET %s: status %d, want 200; body %s", tc.path, r.status, r.body)
			}
			if got := r.ctype(); !strings.HasPrefix(got, tc.ctype) {
				t.Errorf("GET %s: Content-Type %q, want %q", tc.path, got, tc.ctype)
			}
			for _, w := range tc.want {
				if !bytes.Contains(r.body, []byte(w)) {
					t.Errorf("GET %s: body lacks %q; body %s", tc.path, w, geo.Clip(string(r.body)))
				}
			}
			if r.header.Get(HeaderRequestID) == "" {
				t.Errorf("GET %s: no %s header", tc.path, HeaderRequestID)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	app := newApp(t, Config{})
	cases := []struct {
		name, path string
		status     int
		param      string // expected in invalid-params ("" for none)
	}{
		{"unknown route", "/nope", 404, ""},
		{"unknown api route", "/api/v1/nope", 404, ""},
		{"unknown collection", "/api/v1/collections/provinces", 404, ""},
		{"unknown collection items", "/api/v1/collections/provinces/items", 404, ""},
		{"unknown item", "/api/v1/collections/zones/items/nope", 404, ""},
		{"unknown escaped item", "/api/v1/collections/zones/items/%E9%83%91%E5%B7%9E", 404, ""},
		{"unknown item collection", "/api/v1/collections/nope/items/1", 404, ""},
		{"unknown param", "/api/v1/collections/zones/items?colour=red", 400, "colour"},
		{"unknown param on landing", "/api/v1?x=1", 400, "x"},
		{"unknown param on item", "/api/v1/collections/zones/items/z001?limit=1", 400, "limit"},
		{"bad bbox", "/api/v1/collections/zones/items?bbox=1,2,3", 400, "bbox"},
		{"bbox not numbers", "/api/v1/collections/zones/items?bbox=a,b,c,d", 400, "bbox"},
		{"bbox inverted", "/api/v1/collections/zones/items?bbox=114,35,113,34", 400, "bbox"},
		{"limit 0", "/api/v1/collections/zones/items?limit=0", 400, "limit"},
		{"limit 0", "/api/v1/collections/zones/items?limit=0", 400, "limit"},
		{"bad datetime", "/api/v1/collections/zones/items?datetime=yesterday", 400, "datetime"},
		{"bbox south above north", "/api/v1/collections/cities/items?bbox=113,35,114,34", 400, "bbox"},
		{"negative offset", "/api/v1/collections/zones/items?offset=-1", 400, "offset"},
		{"bad sortby", "/api/v1/collections/zones/items?sortby=colour", 400, "sortby"},
		{"revenue sort on cities", "/api/v1/collections/cities/items?sortby=-revenue", 400, "sortby"},
		{"bad year", "/api/v1/collections/zones/items?year=20x3", 400, "year"},
		{"year out of range", "/api/v1/collections/zones/items?year=1800", 400, "year"},
		{"NaN min_revenue", "/api/v1/collections/zones/items?min_revenue=NaN", 400, "min_revenue"},
		{"negative max_revenue", "/api/v1/collections/zones/items?max_revenue=-5", 400, "max_revenue"},
		{"min above max", "/api/v1/collections/zones/items?min_revenue=10&max_revenue=5", 400, "max_revenue"},
		{"unknown city code", "/api/v1/collections/zones/items?city=419999", 400, "city"},
		{"unknown cluster", "/api/v1/collections/zones/items?cluster=nope", 400, "cluster"},
		{"unknown tier", "/api/v1/collections/zones/items?tier=gold", 400, "tier"},
		{"zone filter on cities", "/api/v1/collections/cities/items?min_revenue=1", 400, "min_revenue"},
		{"bad format", "/api/v1/collections/zones/items?f=xml", 400, "f"},
		{"bad format on item", "/api/v1/collections/zones/items/z001?f=xml", 400, "f"},
		{"repeated year", "/api/v1/collections/zones/items?year=2023&year=2022", 400, "year"},
		{"malformed escape", "/api/v1/collections/zones/items?city=%zz", 400, "query"},
		{"bad identifier", "/api/v1/collections/zones/items?city=a'b", 400, "city"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, app, tc.path)
			if r.status != tc.status {
				t.Fatalf("GET %s: status %d, want %d; body %s", tc.path, r.status, tc.status, r.body)
			}
			if r.ctype() != ContentTypeProblem {
				t.Errorf("GET %s: Content-Type %q, want %q", tc.path, r.ctype(), ContentTypeProblem)
			}
			var p Problem
			decode(t, r, &p)
			if p.Status != tc.status || p.Type != "about:blank" || p.Title != http.StatusText(tc.status) || p.Detail == "" || p.RequestID == "" {
				t.Errorf("GET %s: problem %+v lacks type/title/status/detail/request_id", tc.path, p)
			}
			if u, _ := url.Parse(tc.path); p.Instance != u.RequestURI() {
				t.Errorf("GET %s: instance %q, want %q", tc.path, p.Instance, u.RequestURI())
			}
			var names []string
			for _, ip := range p.InvalidParams {
				names = append(names, ip.Field)
				if ip.Reason == "" {
					t.Errorf("GET %s: invalid-param %s without reason", tc.path, ip.Field)
				}
			}
			if tc.param != "" && !slices.Contains(names, tc.param) {
				t.Errorf("GET %s: invalid-params %v, want one named %q", tc.path, names, tc.param)
			}
			if tc.param == "" && len(names) > 0 {
				t.Errorf("GET %s: invalid-params %v, want none", tc.path, names)
			}
		})
	}
}

func TestServerErrors(t *testing.T) {
	t.Run("panic is a 500 problem with request id", func(t *testing.T) {
		app := newApp(t, Config{Extra: []func(*fiber.App){func(app *fiber.App) {
			app.Get("/boom", func(*fiber.Ctx) error { panic("secret detail") })
		}}})
		r := get(t, app, "/boom", HeaderRequestID, "req-42")
		var p Problem
		decode(t, r, &p)
		if r.status != 500 || r.ctype() != ContentTypeProblem || p.RequestID != "req-42" || !strings.Contains(p.Detail, "req-42") {
			t.Fatalf("status %d, problem %+v; want 500 naming request id req-42", r.status, p)
		}
		if bytes.Contains(r.body, []byte("secret")) {
			t.Errorf("500 body leaks the panic value: %s", r.body)
		}
	})
	t.Run("extra error is a 500 problem without detail", func(t *testing.T) {
		app := newApp(t, Config{Extra: []func(*fiber.App){func(app *fiber.App) {
			app.Get("/fail", func(*fiber.Ctx) error { return errors.New("db password is hunter2") })
		}}})
		r := get(t, app, "/fail")
		if r.status != 500 || bytes.Contains(r.body, []byte("hunter2")) {
			t.Fatalf("status %d body %s; want 500 without the error text", r.status, r.body)
		}
	})
	t.Run("deadline is 503", func(t *testing.T) {
		app := newApp(t, Config{RequestTimeout: time.Nanosecond})
		r := get(t, app, "/api/v1/collections/zones/items")
		if r.status != 503 || r.ctype() != ContentTypeProblem {
			t.Fatalf("status %d (%s), want 503 problem; body %s", r.status, r.ctype(), r.body)
		}
	})
	t.Run("readyz when store down", func(t *testing.T) {
		app := newApp(t, Config{Store: downStore{testStoreFor(t)}})
		r := get(t, app, "/readyz")
		if r.status != 503 || r.ctype() != ContentTypeProblem {
			t.Fatalf("status %d (%s), want 503 problem", r.status, r.ctype())
		}
		if r := get(t, app, "/healthz"); r.status != 200 {
			t.Errorf("healthz with store down: %d, want 200 (liveness ignores the store)", r.status)
		}
	})
	t.Run("method not allowed", func(t *testing.T) {
		app := newApp(t, Config{})
		res, err := app.Test(httptest.NewRequest(http.MethodPost, "/api/v1/collections", nil), 30_000)
		if err != nil {
			t.Fatal(err)
		}
		if res.StatusCode != 405 && res.StatusCode != 404 || res.Header.Get("Content-Type") != ContentTypeProblem {
			t.Fatalf("POST: %d %s, want 405 or 404 problem", res.StatusCode, res.Header.Get("Content-Type"))
		}
	})
}

// downStore is a store whose Ping fails as an unreachable database does.
type downStore struct{ data.Store }

func (downStore) Ping(ctx context.Context) error {
	return errors.New("ping: dial tcp 127.0.0.1:5432: connect: connection refused")
}

type featureColl struct {
	Type           string `json:"type"`
	NumberMatched  int    `json:"numberMatched"`
	NumberReturned int    `json:"numberReturned"`
	Features       []struct {
		ID         string         `json:"id"`
		Geometry   map[string]any `json:"geometry"`
		Properties map[string]any `json:"properties"`
	} `json:"features"`
	Links []Link `json:"links"`
}

func link(ls []Link, rel string) string {
	for _, l := range ls {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

func TestPaging(t *testing.T) {
	app := newApp(t, Config{})
	for _, coll := range []string{"zones", "cities"} {
		t.Run(coll, func(t *testing.T) {
			var all featureColl
			decode(t, get(t, app, "/api/v1/collections/"+coll+"/items?limit=10000&sortby=name"), &all)
			if all.NumberMatched < 2 || all.NumberReturned != all.NumberMatched {
				t.Fatalf("full list: matched %d returned %d", all.NumberMatched, all.NumberReturned)
			}
			var ids []string
			next := "/api/v1/collections/" + coll + "/items?limit=1&sortby=name"
			for pages := 0; next != ""; pages++ {
				if pages > all.NumberMatched {
					t.Fatalf("more pages than items: next links loop")
				}
				u, _ := url.Parse(next)
				var fc featureColl
				decode(t, get(t, app, u.RequestURI()), &fc)
				if fc.NumberMatched != all.NumberMatched || fc.NumberReturned != len(fc.Features) {
					t.Fatalf("page %d: matched %d returned %d len %d; want matched %d", pages, fc.NumberMatched, fc.NumberReturned, len(fc.Features), all.NumberMatched)
				}
				if pages > 0 && link(fc.Links, "prev") == "" {
					t.Errorf("page %d has no prev link", pages)
				}
				for _, f := range fc.Features {
					ids = append(ids, f.ID)
				}
				next = link(fc.Links, "next")
			}
			var want []string
			for _, f := range all.Features {
				want = append(want, f.ID)
			}
			if !slices.Equal(ids, want) {
				t.Errorf("pages concatenated: %v, want %v", ids, want)
			}
		})
	}
	t.Run("next keeps the filter", func(t *testing.T) {
		var fc featureColl
		decode(t, get(t, app, "/api/v1/collections/zones/items?limit=1&cluster=equipment&sortby=-name"), &fc)
		n := link(fc.Links, "next")
		for _, w := range []string{"cluster=equipment", "sortby=-name", "limit=1", "offset=1"} {
			if !strings.Contains(n, w) {
				t.Errorf("next %q lacks %q", n, w)
			}
		}
	})
	t.Run("csv pages by Link header", func(t *testing.T) {
		r := get(t, app, "/api/v1/collections/zones/items?f=csv&limit=5&offset=5&sortby=name")
		l := r.header.Get("Link")
		if !strings.Contains(l, `offset=10&sortby=name&f=csv>; rel="next"`) || !strings.Contains(l, `rel="prev"`) {
			t.Errorf("Link %q, want next (offset=10, f=csv) and prev", l)
		}
		if lines := bytes.Count(r.body, []byte("\n")); lines != 6 {
			t.Errorf("csv has %d lines, want header + 5", lines)
		}
	})
	t.Run("offset past the end", func(t *testing.T) {
		var fc featureColl
		decode(t, get(t, app, "/api/v1/collections/zones/items?offset=100000"), &fc)
		if fc.NumberReturned != 0 || fc.Features == nil || link(fc.Links, "next") != "" {
			t.Errorf("offset past end: returned %d, features %v, next %q; want 0, [], none", fc.NumberReturned, fc.Features, link(fc.Links, "next"))
		}
	})
}

func TestFilters(t *testing.T) {
	app := newApp(t, Config{})
	ids := func(q string) []string {
		var fc featureColl
		decode(t, get(t, app, "/api/v1/collections/zones/items?"+q), &fc)
		var out []string
		for _, f := range fc.Features {
			out = append(out, f.Properties["name"].(string))
		}
		return out
	}
	// 郑州经济技术开发区's 2023 figure is "突破5000亿" of 营业收入: a lower
	// bound, so it is known to be ≥ 5000 but not known to be ≤ 6000.
	if got := ids("min_revenue=5000&year=2023"); !slices.Contains(got, "郑州经济技术开发区") {
		t.Errorf("min_revenue=5000&year=2023: %v, want 郑州经济技术开发区", got)
	}
	if got := ids("max_revenue=6000&year=2023"); slices.Contains(got, "郑州经济技术开发区") {
		t.Errorf("max_revenue=6000&year=2023: %v, a lower bound must not match a maximum", got)
	}
	props := func(q string) []map[string]any {
		var fc featureColl
		decode(t, get(t, app, "/api/v1/collections/zones/items?limit=10000&"+q), &fc)
		var out []map[string]any
		for _, f := range fc.Features {
			out = append(out, f.Properties)
		}
		return out
	}
	cases := []struct {
		q    string
		keep func(p map[string]any) bool
	}{
		{"city=410100", func(p map[string]any) bool { return p["city_code"] == "410100" }},
		// 豫北跨区域协同发展示范区 is 安阳, 鹤壁 and 濮阳.
		{"region=demo_north", func(p map[string]any) bool {
			return slices.Contains([]any{"410500", "410600", "410900"}, p["city_code"])
		}},
		{"cluster=equipment", func(p map[string]any) bool { return slices.Contains(p["clusters"].([]any), any("equipment")) }},
		{"tier=no_data", func(p map[string]any) bool { return p["tier"] == "no_data" && p["revenue_yi"] == nil }},
		{"year=2023&min_revenue=1000", func(p map[string]any) bool {
			return p["revenue_year"] == 2023.0 && p["revenue_yi"].(float64) >= 1000 && p["bound"] != "upper"
		}},
	}
	for _, tc := range cases {
		got := props(tc.q)
		if len(got) == 0 {
			t.Errorf("%s: no zones", tc.q)
		}
		for _, p := range got {
			if !tc.keep(p) {
				t.Errorf("%s: zone %v (%v) does not belong", tc.q, p["id"], p["name"])
			}
		}
	}
}

func TestCompression(t *testing.T) {
	app := newApp(t, Config{})
	r := get(t, app, "/api/v1/collections/cities/items?limit=10000", "Accept-Encoding", "gzip")
	if r.header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("Content-Encoding %q, want gzip", r.header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.body))
	if err != nil {
		t.Fatal(err)
	}
	body, err := io.ReadAll(zr)
	if err != nil || !bytes.HasPrefix(body, []byte(`{"type":"FeatureCollection"`)) {
		t.Fatalf("gunzipped body %q, err %v", geo.Clip(string(body)), err)
	}
}

func TestCORS(t *testing.T) {
	app := newApp(t, Config{CORSOrigins: []string{"https://example.org"}})
	r := get(t, app, "/api/v1/collections", "Origin", "https://example.org")
	if got := r.header.Get("Access-Control-Allow-Origin"); got != "https://example.org" {
		t.Errorf("Access-Control-Allow-Origin %q, want https://example.org", got)
	}
	app = newApp(t, Config{})
	if got := get(t, app, "/api/v1/collections", "Origin", "https://example.org").header.Get("Access-Control-Allow-Origin"); got != "" {
		t.Errorf("CORS off: Access-Control-Allow-Origin %q, want none", got)
	}
}

func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./api -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs from %s (run go test ./api -update and review the diff):\n%s", name, path, geo.Clip(string(got)))
	}
}

func TestGolden(t *testing.T) {
	app := newApp(t, Config{})
	const q = "/api/v1/collections/zones/items?city=410200&limit=2&sortby=-revenue"
	r := get(t, app, q)
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, r.body, "", " "); err != nil {
		t.Fatal(err)
	}
	golden(t, "items_zones.json", pretty.Bytes())
	golden(t, "items_zones.csv", get(t, app, q+"&f=csv").body)
	golden(t, "openapi.json", get(t, app, "/api/v1/openapi.json").body)
}

func itemsFilterAll() geo.Filter { return geo.Filter{Limit: geo.MaxLimit} }
