package api

import (
	"bytes"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

// browserAccept is what Chromium and Firefox send for a page.
const browserAccept = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"

func htmlApp(t *testing.T) *fiber.App {
	t.Helper()
	return standardsApp(t, Config{Extra: []func(*fiber.App){Web(WebConfig{FS: builtWeb})}})
}

// TestHTMLNegotiation: browsers get pages, everyone else JSON as before
// (no Accept, curl's */*, GDAL's and QGIS's JSON types); f wins over
// Accept; what is not offered is a 406 and an unknown f a 400.
func TestHTMLNegotiation(t *testing.T) {
	app := htmlApp(t)
	paths := []string{
		"/api/v1/", "/api/v1/conformance", "/api/v1/collections", "/api/v1/collections/zones",
		"/api/v1/collections/zones/items?limit=3", "/api/v1/collections/zones/items/G411031",
		"/api/v1/collections/zones/queryables", "/api/v1/collections/zones/schema", "/api/v1/openapi.json",
	}
	for _, p := range paths {
		withQ := func(q string) string {
			if strings.Contains(p, "?") {
				return p + "&" + q
			}
			return p + "?" + q
		}
		for _, tc := range []struct {
			name, path, accept string
			status             int
			html               bool
		}{
			{"no Accept", p, "", 200, false},
			{"curl", p, "*/*", 200, false},
			{"GDAL", p, "application/geo+json, application/json", 200, false},
			{"browser", p, browserAccept, 200, true},
			{"Accept text/html", p, "text/html", 200, true},
			{"f=html over Accept json", withQ("f=html"), "application/json", 200, true},
			{"f=json over a browser", withQ("f=json"), browserAccept, 200, false},
			{"Accept xml", p, "application/xml", 406, false},
			{"f=xml", withQ("f=xml"), "", 400, false},
		} {
			var r response
			if tc.accept == "" {
				r = get(t, app, tc.path)
			} else {
				r = get(t, app, tc.path, "Accept", tc.accept)
			}
			isHTML := r.ctype() == ContentTypeHTMLUTF8
			if r.status != tc.status || isHTML != tc.html {
				t.Errorf("%s: GET %s Accept %q: %d %s, want %d html=%v", tc.name, tc.path, tc.accept, r.status, r.ctype(), tc.status, tc.html)
			}
			if r.status != 400 && !slices.Contains(varyOf(r), "Accept") {
				t.Errorf("%s: GET %s: Vary %q lacks Accept", tc.name, tc.path, r.header.Values("Vary"))
			}
			if isHTML && r.header.Get("Content-Security-Policy") != htmlCSP {
				t.Errorf("%s: page without its CSP", tc.path)
			}
		}
	}
}

var hrefPattern = regexp.MustCompile(`href="([^"]+)"`)

// TestHTMLPages walks the pages from the landing page as a browser would,
// following every link to a page of the API (f=html), and checks what a
// planner reads there: bilingual labels, the items table against the
// GeoJSON page (same ids, same count, numberMatched), paging, and links to
// the map.
func TestHTMLPages(t *testing.T) {
	app := htmlApp(t)
	seen, itemPages := map[string]bool{}, map[string]bool{}
	queue := []string{"/api/v1/?f=html"}
	for len(queue) > 0 && len(seen) < 80 {
		p := queue[0]
		queue = queue[1:]
		if seen[p] {
			continue
		}
		seen[p] = true
		r := get(t, app, p)
		if r.status != 200 || r.ctype() != ContentTypeHTMLUTF8 {
			t.Errorf("GET %s: %d %s", p, r.status, r.ctype())
			continue
		}
		body := string(r.body)
		if !strings.HasPrefix(body, "<!DOCTYPE html>") || !strings.Contains(body, `<html lang="zh-Hans">`) || !strings.HasSuffix(strings.TrimSpace(body), "</html>") {
			t.Errorf("%s: not a whole page", p)
		}
		for _, m := range hrefPattern.FindAllStringSubmatch(body, -1) {
			u, err := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
			if err != nil {
				t.Errorf("%s: bad href %q", p, m[1])
				continue
			}
			// Conformance classes are URIs at opengis.net.
			if u.Host != "example.com" && u.Host != "www.opengis.net" {
				t.Errorf("%s: link %q leaves the server", p, m[1])
			}
			// Follow the pages of the features API (not the map, JSON or CSV).
			// One item page per collection is enough.
			if strings.HasPrefix(u.Path, "/api/v1") && u.Query().Get("f") == "html" && !strings.Contains(u.RawQuery, "offset=") {
				if coll, _, isItem := strings.Cut(strings.TrimPrefix(u.Path, "/api/v1/collections/"), "/items/"); isItem {
					if itemPages[coll] {
						continue
					}
					itemPages[coll] = true
				}
				queue = append(queue, u.RequestURI())
			}
		}
	}
	for _, want := range []string{
		"/api/v1/collections?f=html", "/api/v1/conformance?f=html", "/api/v1/openapi.json?f=html",
		"/api/v1/collections/zones?f=html", "/api/v1/collections/zones/items?f=html", "/api/v1/collections/zones/queryables?f=html",
		"/api/v1/collections/cities/items/410100?f=html",
	} {
		if !seen[want] {
			t.Errorf("no link reaches %s", want)
		}
	}

	// The items table lists what the GeoJSON page lists.
	var fc struct {
		NumberMatched int
		Features      []struct{ ID string }
	}
	const q = "/api/v1/collections/zones/items?limit=7&sortby=-revenue&year=2023"
	decode(t, get(t, app, q), &fc)
	r := get(t, app, q+"&f=html")
	body := string(r.body)
	if n := strings.Count(body, "<tr><td><a href="); n != len(fc.Features) {
		t.Errorf("items page has %d rows, GeoJSON %d features", n, len(fc.Features))
	}
	for _, f := range fc.Features {
		if !strings.Contains(body, "/api/v1/collections/zones/items/"+url.PathEscape(f.ID)+"?f=html") {
			t.Errorf("items page lacks a link to %s", f.ID)
		}
		if !strings.Contains(body, `href="http://example.com/?zone=`+url.QueryEscape(f.ID)+`"`) {
			t.Errorf("items page lacks the map link of %s", f.ID)
		}
	}
	if !strings.Contains(body, "匹配 <span class=\"en\">matched</span> "+strconv.Itoa(fc.NumberMatched)) || !strings.Contains(body, `rel="next"`) {
		t.Errorf("items page lacks numberMatched %d or a next link", fc.NumberMatched)
	}
	for _, label := range []string{"营业收入", "Revenue", "亿元", "地图"} {
		if !strings.Contains(body, label) {
			t.Errorf("items page lacks %q", label)
		}
	}
	// An item page shows every property with its title and the unknown as
	// absent, not "null".
	r = get(t, app, "/api/v1/collections/cities/items/410100?f=html")
	for _, s := range []string{"郑州市", "Zhengzhou", "410100", `href="http://example.com/?city=410100"`} {
		if !strings.Contains(string(r.body), s) {
			t.Errorf("city page lacks %q", s)
		}
	}
	if strings.Contains(string(r.body), ">null<") {
		t.Errorf("city page prints null")
	}
}

// TestHTMLEscapes: the templates escape what they are given: text, and
// URLs (a javascript: URL never becomes a link).
func TestHTMLEscapes(t *testing.T) {
	var buf bytes.Buffer
	p := htmlPage{
		Title: `<script>alert(1)</script>`, MapHref: "javascript:alert(1)",
		Body: struct {
			ID, Geometry string
			Props        []propRow
		}{`"><img src=x onerror=alert(1)>`, "Point", []propRow{{"名称", "name", "", htmlCell{Text: "<b>甲</b>"}}}},
	}
	if err := pages.ExecuteTemplate(&buf, "item", p); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, bad := range []string{"<script>alert", "<img src=x", "javascript:alert", "<b>甲"} {
		if strings.Contains(out, bad) {
			t.Errorf("page contains %q unescaped", bad)
		}
	}
	if !strings.Contains(out, "&lt;script&gt;") || !strings.Contains(out, "#ZgotmplZ") {
		t.Errorf("escaping not as expected:\n%s", geo.Clip(out))
	}
}

// TestHTMLMixedYearsNote: zones ranked by revenue with no year say which
// years the page mixes and link the same ranking for the latest of them,
// whose page compares one year and carries no note; the years named are
// those of the page's rows.
func TestHTMLMixedYearsNote(t *testing.T) {
	app := htmlApp(t)
	r := get(t, app, "/api/v1/collections/zones/items?limit=12&sortby=-revenue&f=json")
	var fc struct {
		Features []struct{ Properties map[string]any }
	}
	decode(t, r, &fc)
	lo, hi := 0, 0
	for _, f := range fc.Features {
		if y, ok := f.Properties["revenue_year"].(float64); ok {
			if lo == 0 || int(y) < lo {
				lo = int(y)
			}
			hi = max(hi, int(y))
		}
	}
	if lo == hi {
		t.Fatalf("the bundled top 12 by revenue hold one year (%d): the test needs mixed years", lo)
	}
	body := string(get(t, app, "/api/v1/collections/zones/items?limit=12&sortby=-revenue&f=html").body)
	want := fmt.Sprintf("this page mixes figures of %d–%d", lo, hi)
	if !strings.Contains(body, want) {
		t.Fatalf("page lacks %q", want)
	}
	m := regexp.MustCompile(`<p class="note">[^<]*<a href="([^"]+)"`).FindStringSubmatch(body)
	if m == nil || !strings.Contains(m[1], fmt.Sprintf("year=%d", hi)) {
		t.Fatalf("note link %v, want one with year=%d", m, hi)
	}
	u, _ := url.Parse(strings.ReplaceAll(m[1], "&amp;", "&"))
	one := get(t, app, u.RequestURI())
	if one.status != 200 || strings.Contains(string(one.body), `class="note"`) {
		t.Fatalf("latest-year page: %d, note present %v", one.status, strings.Contains(string(one.body), `class="note"`))
	}
	if strings.Contains(string(get(t, app, "/api/v1/collections/zones/items?limit=12&sortby=name&f=html").body), `class="note"`) {
		t.Fatal("a page sorted by name carries the revenue note")
	}
}
