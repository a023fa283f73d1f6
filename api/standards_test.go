package api

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles"
	"layoutmap/tiles/glyphs"
	"layoutmap/tiles/static"
)

// Issue 11 cases 6 and 9–12 over HTTP: content negotiation, CORS exposure,
// Vary, ETags, forwarded headers and the landing page's links.

func standardsApp(t testing.TB, cfg Config) *fiber.App {
	t.Helper()
	store := testStoreFor(t)
	cfg.Store = store
	cfg.Extra = append(cfg.Extra, TileRoutes(TilesConfig{Tiles: tiles.New(store, tiles.Config{}), Meta: tiles.Meta{Tiers: geo.DefaultTiers}}))
	return newApp(t, cfg)
}

func TestNegotiation(t *testing.T) {
	app := standardsApp(t, Config{})
	const items = "/api/v1/collections/cities/items?limit=2"
	cases := []struct {
		name, path, accept string
		status             int
		ctype              string
	}{
		{"no Accept: GeoJSON", items, "", 200, ContentTypeGeoJSON},
		{"Accept geo+json", items, "application/geo+json", 200, ContentTypeGeoJSON},
		{"Accept json", items, "application/json", 200, ContentTypeJSON},
		{"Accept csv", items, "text/csv", 200, ContentTypeCSV},
		{"Accept csv preferred by q", items, "application/json;q=0.5, text/csv", 200, ContentTypeCSV},
		{"Accept anything", items, "*/*", 200, ContentTypeGeoJSON},
		{"Accept xml is a 406", items, "application/xml", 406, ContentTypeProblem},
		{"f wins over Accept", items + "&f=csv", "application/geo+json", 200, ContentTypeCSV},
		{"f=json wins over Accept xml", items + "&f=json", "application/xml", 200, ContentTypeGeoJSON},
		{"item Accept csv", "/api/v1/collections/cities/items/410100", "text/csv", 200, ContentTypeCSV},
		{"item Accept xml", "/api/v1/collections/cities/items/410100", "application/xml", 406, ContentTypeProblem},
		{"landing Accept xml", "/api/v1/", "application/xml", 406, ContentTypeProblem},
		{"collections Accept json", "/api/v1/collections", "application/json", 200, fiber.MIMEApplicationJSON},
		{"collections Accept csv", "/api/v1/collections", "text/csv", 406, ContentTypeProblem},
		{"openapi Accept vnd.oai", "/api/v1/openapi.json", "application/vnd.oai.openapi+json;version=3.0", 200, ContentTypeOpenAPI},
		{"openapi Accept html", "/api/v1/openapi.json", "text/html", 200, ContentTypeHTML},
		{"openapi Accept csv", "/api/v1/openapi.json", "text/csv", 406, ContentTypeProblem},
		{"landing from a browser", "/api/v1/", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", 200, ContentTypeHTML},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r response
			if tc.accept == "" {
				r = get(t, app, tc.path)
			} else {
				r = get(t, app, tc.path, "Accept", tc.accept)
			}
			if r.status != tc.status || !strings.HasPrefix(r.ctype(), tc.ctype) {
				t.Fatalf("GET %s Accept %q: %d %s, want %d %s; %s", tc.path, tc.accept, r.status, r.ctype(), tc.status, tc.ctype, geo.Clip(string(r.body)))
			}
			if !slices.Contains(varyOf(r), "Accept") {
				t.Errorf("Vary %q lacks Accept", r.header.Values("Vary"))
			}
		})
	}
}

func varyOf(r response) []string {
	var out []string
	for _, v := range r.header.Values("Vary") {
		for _, p := range strings.Split(v, ",") {
			out = append(out, strings.TrimSpace(p))
		}
	}
	return out
}

func TestCORSExposesAndVaryAdds(t *testing.T) {
	app := standardsApp(t, Config{CORSOrigins: []string{"https://example.org"}})
	r := get(t, app, "/api/v1/collections/zones/items?limit=1", "Origin", "https://example.org")
	exposed := strings.Split(r.header.Get("Access-Control-Expose-Headers"), ",")
	for i := range exposed {
		exposed[i] = strings.TrimSpace(exposed[i])
	}
	for _, h := range []string{"Link", "ETag", "Content-Disposition", "Content-Crs"} {
		if !slices.Contains(exposed, h) {
			t.Errorf("Access-Control-Expose-Headers %q lacks %s", exposed, h)
		}
	}
	tile := get(t, app, "/tiles/7/104/51.mvt", "Origin", "https://example.org", "Accept-Encoding", "gzip")
	if tile.status != http.StatusOK {
		t.Fatalf("tile: %d", tile.status)
	}
	if v := varyOf(tile); !slices.Contains(v, "Origin") || !slices.Contains(v, "Accept-Encoding") {
		t.Errorf("tile Vary %q, want Origin and Accept-Encoding", v)
	}
}

func TestJSONETags(t *testing.T) {
	app := standardsApp(t, Config{})
	for _, path := range []string{"/api/v1/", "/api/v1/collections", "/api/v1/collections/zones", "/api/v1/collections/zones/items?limit=3", "/api/v1/collections/cities/items/410100", "/api/v1/conformance", "/api/v1/openapi.json"} {
		r := get(t, app, path)
		tag := r.header.Get("ETag")
		if r.status != 200 || !strings.HasPrefix(tag, `W/"`) {
			t.Errorf("GET %s: %d, ETag %q, want a weak ETag", path, r.status, tag)
			continue
		}
		if again := get(t, app, path, "If-None-Match", tag); again.status != http.StatusNotModified || len(again.body) != 0 {
			t.Errorf("GET %s If-None-Match %s: %d with %d bytes, want 304 empty", path, tag, again.status, len(again.body))
		}
		if other := get(t, app, path, "If-None-Match", `W/"other"`); other.status != 200 {
			t.Errorf("GET %s with a stale tag: %d", path, other.status)
		}
	}
}

func TestForwardedHeaders(t *testing.T) {
	evil := []string{"X-Forwarded-Host", "evil.example", "X-Forwarded-Proto", "javascript"}
	selfOf := func(app *fiber.App, header ...string) string {
		r := get(t, app, "/api/v1/collections", header...)
		var doc struct{ Links []Link }
		decode(t, r, &doc)
		return link(doc.Links, "self")
	}
	styleTiles := func(app *fiber.App, header ...string) string {
		r := get(t, app, "/styles/layout.json", header...)
		return string(r.body)
	}
	// Untrusted peer (no --trusted-proxies): forwarding headers are ignored.
	app := standardsApp(t, Config{})
	if s := selfOf(app, evil...); !strings.HasPrefix(s, "http://example.com/") {
		t.Errorf("untrusted X-Forwarded-*: self %s, want http://example.com/…", s)
	}
	if s := styleTiles(app, evil...); strings.Contains(s, "evil.example") || strings.Contains(s, "javascript:") {
		t.Errorf("untrusted X-Forwarded-* reached the style: %s", geo.Clip(s))
	}
	if s := selfOf(app, "Forwarded", `proto=https;host=evil.example`); !strings.HasPrefix(s, "http://example.com/") {
		t.Errorf("untrusted Forwarded: self %s", s)
	}
	// httptest requests come from 0.0.0.0; trust it as the proxy.
	app = standardsApp(t, Config{TrustedProxies: []string{"0.0.0.0/8"}})
	if s := selfOf(app, "X-Forwarded-Host", "maps.example.org", "X-Forwarded-Proto", "https"); !strings.HasPrefix(s, "https://maps.example.org/api/v1/") {
		t.Errorf("trusted X-Forwarded-*: self %s", s)
	}
	if s := selfOf(app, "Forwarded", `for=192.0.2.1;proto=https;host="gis.example.org:8443", for=10.0.0.1;host=inner`); !strings.HasPrefix(s, "https://gis.example.org:8443/api/v1/") {
		t.Errorf("trusted Forwarded: self %s", s)
	}
	if s := selfOf(app, evil...); !strings.HasPrefix(s, "http://evil.example/") {
		// A trusted proxy may name the host, but never a scheme other than http(s).
		t.Errorf("trusted proxy with proto javascript: self %s, want http://evil.example/…", s)
	}
	if s := selfOf(app, "X-Forwarded-Host", "a/b@c"); !strings.HasPrefix(s, "http://example.com/") {
		t.Errorf("malformed forwarded host: self %s", s)
	}
	// --public-url wins over everything.
	app = standardsApp(t, Config{PublicURL: "https://layout.example.gov/map/", TrustedProxies: []string{"0.0.0.0/8"}})
	if s := selfOf(app, evil...); !strings.HasPrefix(s, "https://layout.example.gov/map/api/v1/") {
		t.Errorf("public URL: self %s", s)
	}
	if s := styleTiles(app, evil...); !strings.Contains(s, "https://layout.example.gov/map/tiles/") {
		t.Errorf("public URL not in the style: %s", geo.Clip(s))
	}
}

func TestLandingLinksTiles(t *testing.T) {
	app := standardsApp(t, Config{})
	var doc struct{ Links []Link }
	decode(t, get(t, app, "/api/v1/"), &doc)
	var hrefs []string
	for _, l := range doc.Links {
		hrefs = append(hrefs, l.Href)
		if strings.Contains(l.Href, "{z}") && !l.Templated {
			t.Errorf("link %s is a template but not templated", l.Href)
		}
	}
	for _, want := range []string{"http://example.com/tiles/layout.json", "http://example.com/tiles/{z}/{x}/{y}.mvt", "http://example.com/styles/layout.json"} {
		if !slices.Contains(hrefs, want) {
			t.Errorf("landing links %v lack %s", hrefs, want)
		}
	}
}

func TestTilesPBFAndUnknownIDs(t *testing.T) {
	app := standardsApp(t, Config{})
	mvt, pbf := get(t, app, "/tiles/7/104/51.mvt"), get(t, app, "/tiles/7/104/51.pbf")
	if pbf.status != 200 || string(pbf.body) != string(mvt.body) || pbf.ctype() != ContentTypeMVT {
		t.Errorf(".pbf: %d %s (%d bytes), .mvt %d (%d bytes)", pbf.status, pbf.ctype(), len(pbf.body), mvt.status, len(mvt.body))
	}
	for _, path := range []string{"/tiles/layout.json?city=999999", "/styles/layout.json?cluster=nope", "/tiles/layout.json?region=nowhere"} {
		r := get(t, app, path)
		if r.status != 400 || r.ctype() != ContentTypeProblem {
			t.Errorf("GET %s: %d %s, want a 400 problem", path, r.status, r.ctype())
		}
	}
	if r := get(t, app, "/tiles/layout.json?city=410100"); r.status != 200 {
		t.Errorf("known city: %d", r.status)
	}
}

func TestCQL2Filter(t *testing.T) {
	app := standardsApp(t, Config{})
	type page struct {
		NumberMatched int
		Features      []struct {
			ID         string
			Properties map[string]any
		}
		Links []Link
	}
	items := func(q string) (page, response) {
		t.Helper()
		r := get(t, app, "/api/v1/collections/zones/items?limit=10000&"+q)
		var p page
		if r.status == 200 {
			decode(t, r, &p)
		}
		return p, r
	}
	all, _ := items("")
	text, _ := items("filter=" + url.QueryEscape("revenue_yi > 1000 AND tier <> 't5000'"))
	js, _ := items("filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"and","args":[{"op":">","args":[{"property":"revenue_yi"},1000]},{"op":"<>","args":[{"property":"tier"},"t5000"]}]}`))
	want := 0
	for _, f := range all.Features {
		if v, ok := f.Properties["revenue_yi"].(float64); ok && v > 1000 && f.Properties["tier"] != "t5000" {
			want++
		}
	}
	if want == 0 || text.NumberMatched != want || js.NumberMatched != want {
		t.Errorf("revenue_yi > 1000 AND tier <> 't5000': text %d, json %d, by hand %d", text.NumberMatched, js.NumberMatched, want)
	}
	// Advanced comparison operators, text and JSON, agree with a count by hand.
	adv, _ := items("filter=" + url.QueryEscape("name LIKE '%开发区' AND tier IN ('t1000', 't500', 't100') AND NOT (revenue_yi BETWEEN 0 AND 300)"))
	advJSON, _ := items("filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"and","args":[{"op":"like","args":[{"property":"name"},"%开发区"]},{"op":"in","args":[{"property":"tier"},["t1000","t500","t100"]]},{"op":"not","args":[{"op":"between","args":[{"property":"revenue_yi"},0,300]}]}]}`))
	want = 0
	for _, f := range all.Features {
		name, _ := f.Properties["name"].(string)
		v, ok := f.Properties["revenue_yi"].(float64)
		if tier := f.Properties["tier"]; strings.HasSuffix(name, "开发区") && (tier == "t1000" || tier == "t500" || tier == "t100") && ok && v > 300 {
			want++
		}
	}
	if want == 0 || adv.NumberMatched != want || advJSON.NumberMatched != want {
		t.Errorf("LIKE/IN/BETWEEN: text %d, json %d, by hand %d", adv.NumberMatched, advJSON.NumberMatched, want)
	}
	// The next link repeats the filter.
	var first page
	decode(t, get(t, app, "/api/v1/collections/zones/items?limit=1&filter="+url.QueryEscape("revenue_yi > 100")), &first)
	if next := link(first.Links, "next"); !strings.Contains(next, "filter=") || !strings.Contains(next, "filter-lang=cql2-text") {
		t.Errorf("next link %q lacks the filter", next)
	}
	for q, pos := range map[string]string{
		"filter=" + url.QueryEscape("revenue_yi >"):                        "column 13",
		"filter=" + url.QueryEscape("colour = 'red'"):                      "column 1",
		"filter=" + url.QueryEscape("name = 5"):                            "column 1",
		"filter-lang=cql2-json&filter=" + url.QueryEscape(`{"op":"like"}`): "$",
		"filter-lang=cql-text&filter=a":                                    "",
		"filter-crs=EPSG:4326&filter=" + url.QueryEscape("name = 'x'"):     "",
	} {
		_, r := items(q)
		if r.status != http.StatusBadRequest || r.ctype() != ContentTypeProblem || !strings.Contains(string(r.body), "at "+pos) && pos != "" {
			t.Errorf("?%s: %d %s, want a 400 naming %q", q, r.status, geo.Clip(string(r.body)), pos)
		}
	}
	var conf struct{ ConformsTo []string }
	decode(t, get(t, app, "/api/v1/conformance"), &conf)
	for _, c := range []string{"ogcapi-features-3/1.0/conf/filter", "ogcapi-features-3/1.0/conf/features-filter", "cql2/1.0/conf/basic-cql2", "cql2/1.0/conf/cql2-text", "cql2/1.0/conf/cql2-json", "cql2/1.0/conf/basic-spatial-functions", "cql2/1.0/conf/advanced-comparison-operators"} {
		if !slices.Contains(conf.ConformsTo, "http://www.opengis.net/spec/"+c) {
			t.Errorf("conformsTo lacks %s", c)
		}
	}
}

func TestGlyphRoutes(t *testing.T) {
	fonts, err := static.LoadFonts("")
	if err != nil {
		t.Fatalf("no CJK font (scripts/deps.sh installs fonts-noto-cjk): %v", err)
	}
	store := testStoreFor(t)
	app := newApp(t, Config{Store: store, Extra: []func(*fiber.App){TileRoutes(TilesConfig{
		Tiles: tiles.New(store, tiles.Config{}), Meta: tiles.Meta{Tiers: geo.DefaultTiers, Glyphs: true}, Glyphs: glyphs.New(fonts.Regular)})}})
	var style struct{ Glyphs string }
	decode(t, get(t, app, "/styles/layout.json"), &style)
	if style.Glyphs != "http://example.com/fonts/{fontstack}/{range}.pbf" {
		t.Errorf("style glyphs %q", style.Glyphs)
	}
	const path = "/fonts/Noto%20Sans%20SC,Noto%20Sans%20CJK%20SC,sans-serif/36864-37119.pbf"
	r := get(t, app, path)
	if r.status != 200 || r.ctype() != "application/x-protobuf" || len(r.body) < 10000 {
		t.Fatalf("GET %s: %d %s, %d bytes", path, r.status, r.ctype(), len(r.body))
	}
	if again := get(t, app, path, "If-None-Match", r.header.Get("ETag")); again.status != http.StatusNotModified {
		t.Errorf("If-None-Match: %d", again.status)
	}
	for _, bad := range []string{"/fonts/Arial/0-255.pbf", "/fonts/Noto%20Sans%20SC/1-256.pbf", "/fonts/Noto%20Sans%20SC/65536-65791.pbf", "/fonts/Noto%20Sans%20SC/0-100.pbf"} {
		if r := get(t, app, bad); r.status != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", bad, r.status)
		}
	}
}
