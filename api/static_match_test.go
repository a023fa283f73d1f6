package api

import (
	"bytes"
	"fmt"
	"image/color"
	"image/png"
	"maps"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"layoutmap/geo"
	"layoutmap/internal/svgtest"
	"layoutmap/tiles/static"
)

// henanBBox covers the province with a margin, so every zone is in view.
const henanBBox = "110.3,31.3,116.7,36.4"

// svgItem is one drawn element of an SVG: the zone it draws ("" for
// anything else) and a box that holds it, in CSS px.
type svgItem struct {
	zone           string
	x0, y0, x1, y1 float64
}

// svgItems lists the paths and texts of an SVG in drawing order. Text
// boxes are generous (one em per character, plus the halo), so a point
// found clear of them is clear in the PNG too.
func svgItems(t *testing.T, svg []byte) []svgItem {
	t.Helper()
	els, err := svgtest.Parse(svg)
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	var out []svgItem
	for _, e := range els {
		num := func(k string) float64 { f, _ := strconv.ParseFloat(e.Attr[k], 64); return f }
		switch e.Name {
		case "path":
			it := svgItem{zone: e.Attr["data-zone"], x0: math.Inf(1), y0: math.Inf(1), x1: math.Inf(-1), y1: math.Inf(-1)}
			fs := strings.FieldsFunc(e.Attr["d"], func(r rune) bool { return r == 'M' || r == 'L' || r == 'Z' || r == ' ' })
			for i := 0; i+1 < len(fs); i += 2 {
				x, _ := strconv.ParseFloat(fs[i], 64)
				y, _ := strconv.ParseFloat(fs[i+1], 64)
				it.x0, it.y0, it.x1, it.y1 = min(it.x0, x), min(it.y0, y), max(it.x1, x), max(it.y1, y)
			}
			w := num("stroke-width") / 2
			out = append(out, svgItem{it.zone, it.x0 - w, it.y0 - w, it.x1 + w, it.y1 + w})
		case "text":
			if e.Text == "" {
				continue
			}
			size, halo := num("font-size"), num("stroke-width")
			w := float64(utf8.RuneCountInString(e.Text)) * size
			x, y := num("x"), num("y")
			switch e.Attr["text-anchor"] {
			case "middle":
				x -= w / 2
			case "end":
				x -= w
			}
			out = append(out, svgItem{"", x - halo, y - size - halo, x + w + halo, y + size*0.3 + halo})
		}
	}
	return out
}

// svgZoneIDs returns the distinct data-zone ids of items in order of their
// last appearance: the last is the zone drawn on top.
func svgZoneIDs(items []svgItem) []string {
	var ids []string
	for _, it := range items {
		if id := it.zone; id != "" {
			ids = slices.DeleteFunc(ids, func(s string) bool { return s == id })
			ids = append(ids, id)
		}
	}
	return ids
}

// uncovered reports whether nothing drawn after zone id's last element
// (other than its own) covers (x, y) with a 2 px margin.
func uncovered(items []svgItem, id string, x, y float64) bool {
	last := -1
	for i, it := range items {
		if it.zone == id {
			last = i
		}
	}
	for _, it := range items[last+1:] {
		if it.zone != id && x >= it.x0-2 && x <= it.x1+2 && y >= it.y0-2 && y <= it.y1+2 {
			return false
		}
	}
	return last >= 0
}

// TestStaticMatchesItems is issue 6's "same zones" check: for a grid of
// filters, the zones drawn in /static/map.svg (their data-zone ids) are
// exactly the zones /api/v1/collections/zones/items returns for the same
// filter, the caption counts them, and the PNG of the same request shows
// the topmost drawn zone in its tier colour at its point.
func TestStaticMatchesItems(t *testing.T) {
	app, _ := staticApp(t, nil)
	st := testStoreFor(t)
	all, err := st.Zones(t.Context(), geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	points := map[string]geo.Zone{}
	for _, z := range all {
		points[z.ID] = z
	}
	for _, filter := range []string{
		"year=2023&min_revenue=1000",
		"year=2023&min_revenue=5000",
		"cluster=electronics",
		"region=demo_north",
		"tier=no_data",
		"city=410100",
		"city=410100&year=2023&min_revenue=500&lang=en",
	} {
		t.Run(filter, func(t *testing.T) {
			items := itemsFor(t, app, strings.TrimSuffix(filter, "&lang=en"))
			want := map[string]string{} // id -> tier
			for _, it := range items {
				want[it.ID] = it.Tier
			}
			if len(want) == 0 {
				t.Fatalf("items?%s is empty: the filter proves nothing", filter)
			}
			q := "bbox=" + henanBBox + "&" + filter
			r := get(t, app, "/static/map.svg?"+q)
			if r.status != http.StatusOK {
				t.Fatalf("svg?%s: status %d: %s", q, r.status, geo.Clip(string(r.body)))
			}
			drawn := svgItems(t, r.body)
			ids := svgZoneIDs(drawn)
			got := map[string]bool{}
			for _, id := range ids {
				got[id] = true
			}
			if !maps.Equal(got, mapsTrue(want)) {
				t.Errorf("SVG draws %d zones, items has %d:\n only in SVG:   %v\n only in items: %v",
					len(got), len(want), missing(got, want, true), missing(got, want, false))
			}
			// Title, legend and a caption that counts the same zones.
			count := fmt.Sprintf("%d个开发区", len(want))
			legendHead := "营收分档"
			if strings.Contains(filter, "lang=en") {
				count, legendHead = fmt.Sprintf("%d zones", len(want)), "Revenue tier"
				if len(want) == 1 {
					count = "1 zone" // English counts agree in number
				}
			}
			for _, s := range []string{"<title>", count + "</text>", legendHead} {
				if !bytes.Contains(r.body, []byte(s)) {
					t.Errorf("SVG lacks %q", s)
				}
			}

			// The PNG of the same request shows a selected zone in its tier
			// colour at its point: the topmost zone whose point no label,
			// panel or other zone covers in the SVG (same layout).
			rp := get(t, app, "/static/map.png?"+q)
			if rp.status != http.StatusOK || rp.ctype() != "image/png" {
				t.Fatalf("png?%s: status %d %s", q, rp.status, rp.ctype())
			}
			img, err := png.Decode(bytes.NewReader(rp.body))
			if err != nil {
				t.Fatalf("decoding PNG: %v", err)
			}
			vals, _ := url.ParseQuery(q)
			o, _, err := static.ParseRequest(vals)
			if err != nil {
				t.Fatal(err)
			}
			v := static.NewView(o)
			var top string
			var x, y float64
			for _, id := range slices.Backward(ids) {
				if x, y = v.Pixel(points[id].Point); uncovered(drawn, id, x, y) {
					top = id
					break
				}
			}
			if top == "" {
				t.Fatalf("every zone's point is covered in the SVG: nothing to look at in the PNG")
			}
			z := points[top]
			px, py := int(x*float64(o.Scale)), int(y*float64(o.Scale))
			c := color.RGBAModel.Convert(img.At(px, py)).(color.RGBA)
			w := static.TierColor(geo.DefaultTiers, want[top])
			if !nearRGB(c, w, 6) {
				t.Errorf("PNG at %s %s (%d,%d): colour %v, want tier %s colour %v", top, z.Name, px, py, c, want[top], w)
			}
		})
	}
}

func mapsTrue(m map[string]string) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}

// missing lists the ids only in got (inGot) or only in want, sorted.
func missing(got map[string]bool, want map[string]string, inGot bool) []string {
	var out []string
	if inGot {
		for id := range got {
			if _, ok := want[id]; !ok {
				out = append(out, id)
			}
		}
	} else {
		for id := range want {
			if !got[id] {
				out = append(out, id)
			}
		}
	}
	slices.Sort(out)
	return out
}

// nearRGB reports whether c is within tol per channel of the opaque w.
func nearRGB(c color.RGBA, w color.NRGBA, tol int) bool {
	d := func(a, b uint8) bool { return int(a)-int(b) <= tol && int(b)-int(a) <= tol }
	return d(c.R, w.R) && d(c.G, w.G) && d(c.B, w.B)
}
