package static_test

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"layoutmap/geo"
	"layoutmap/geo/placename"
	"layoutmap/internal/svgtest"
	"layoutmap/tiles/static"
)

// svgText is one <text> of an SVG: its attributes and content.
type svgText struct {
	class, zone string
	size        float64 // font-size, CSS px
	s           string
	group       string // id of the enclosing <g>
}

// svgDoc is what the print tests read from an SVG: the printed width in
// mm, the viewBox width in CSS px and every text.
type svgDoc struct {
	widthMM, heightMM, viewW, viewH float64
	texts                           []svgText
}

var mmAttr = regexp.MustCompile(`^([0-9.]+)mm$`)

func parseSVG(t *testing.T, b []byte) svgDoc {
	t.Helper()
	els, err := svgtest.Parse(b)
	if err != nil {
		t.Fatalf("SVG: %v", err)
	}
	var doc svgDoc
	for _, e := range els {
		switch e.Name {
		case "svg":
			mw, mh := mmAttr.FindStringSubmatch(e.Attr["width"]), mmAttr.FindStringSubmatch(e.Attr["height"])
			if mw == nil || mh == nil {
				t.Fatalf("svg width %q height %q: want lengths in mm", e.Attr["width"], e.Attr["height"])
			}
			doc.widthMM, _ = strconv.ParseFloat(mw[1], 64)
			doc.heightMM, _ = strconv.ParseFloat(mh[1], 64)
			vb := strings.Fields(e.Attr["viewBox"])
			if len(vb) != 4 {
				t.Fatalf("viewBox %q", e.Attr["viewBox"])
			}
			doc.viewW, _ = strconv.ParseFloat(vb[2], 64)
			doc.viewH, _ = strconv.ParseFloat(vb[3], 64)
		case "text":
			size, err := strconv.ParseFloat(e.Attr["font-size"], 64)
			if err != nil {
				t.Fatalf("text font-size %q", e.Attr["font-size"])
			}
			doc.texts = append(doc.texts, svgText{class: e.Attr["class"], zone: e.Attr["data-zone"], size: size, s: e.Text, group: e.Group})
		}
	}
	return doc
}

// pt is a font size of the SVG in points as printed at its declared width:
// px × (mm per px) ÷ (mm per pt).
func (d svgDoc) pt(px float64) float64 { return px * d.widthMM / d.viewW / (25.4 / 72) }

// TestPrintUnits is issue 14 case 6: printed at 180 mm wide, a static
// image's title is at least 14 pt, its labels 8 pt and its source line 7
// pt. The sizes are computed back from the SVG (font-size in viewBox px,
// width in mm) at several widths, scales, languages and zooms; a PNG of
// the same request declares the same print size in its pHYs chunk.
func TestPrintUnits(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range []string{
		"",
		"width=1600&height=1000",
		"width=1200&height=800&scale=3&lang=en&min_revenue=1000",
		"width=400&height=300&min_revenue=1000",
		"width=2400&height=1600&scale=1&year=2023&min_revenue=500",
		"width=800&height=600&width_mm=90",
		"width=1000&height=700&width_mm=250&lang=en",
		"center=113.7,34.75&zoom=9&width=640&height=480&layers=province,cities,counties,zones,labels",
	} {
		t.Run(q, func(t *testing.T) {
			s, o := sceneFor(t, q)
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			doc := parseSVG(t, buf.Bytes())
			// A small print puts title, legend and source line in bands
			// around the map: the image grows, never shrinks.
			if doc.viewW != float64(o.Width) || doc.viewH < float64(o.Height) {
				t.Fatalf("viewBox %vx%v, want %d wide and at least %d high", doc.viewW, doc.viewH, o.Width, o.Height)
			}
			wantMM := o.WidthMM
			if wantMM == 0 {
				// The default print width: natural at 96 px per inch, at
				// most the 180 mm of an A4 text block.
				wantMM = math.Min(180, float64(o.Width)/96*25.4)
			}
			if math.Abs(doc.widthMM-wantMM) > 0.01 || math.Abs(doc.heightMM-wantMM*doc.viewH/doc.viewW) > 0.01 {
				t.Errorf("printed %v × %v mm, want %v mm wide, same aspect", doc.widthMM, doc.heightMM, wantMM)
			}
			var title, source, other int
			for _, tx := range doc.texts {
				p := doc.pt(tx.size)
				min, what := 8.0, "label"
				switch tx.class {
				case "title":
					min, what = 14, "title"
					title++
				case "source":
					min, what = 7, "source line"
					source++
				default:
					other++
				}
				if p < min-0.01 {
					t.Errorf("%s %q is %.2f pt at %v mm, want ≥ %v pt", what, tx.s, p, doc.widthMM, min)
				}
				// Printed at 180 mm instead (a default image narrower than
				// that is enlarged, a width_mm one is what was asked for).
				if o.WidthMM == 0 && doc.widthMM <= 180 && tx.size*180/doc.viewW/(25.4/72) < min-0.01 {
					t.Errorf("%s %q is below %v pt at 180 mm", what, tx.s, min)
				}
			}
			if title == 0 || source == 0 || other == 0 {
				t.Errorf("%d title, %d source and %d other texts: the furniture is missing", title, source, other)
			}

			// The PNG says the same print size: pHYs in pixels per metre.
			buf.Reset()
			if err := r.PNG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			ppm, unit, ok := pngPHYs(buf.Bytes())
			if !ok || unit != 1 {
				t.Fatalf("PNG has no pHYs chunk in metres (found %v, unit %d)", ok, unit)
			}
			if got, want := float64(o.Width*o.Scale)/float64(ppm)*1000, wantMM; math.Abs(got-want) > 0.05 {
				t.Errorf("PNG prints %.2f mm wide by its pHYs, want %.2f", got, want)
			}
		})
	}
}

// pngPHYs reads the pHYs chunk of a PNG (checking every chunk's CRC on
// the way), or ok false.
func pngPHYs(b []byte) (ppm uint32, unit byte, ok bool) {
	if len(b) < 8 || string(b[1:4]) != "PNG" {
		return 0, 0, false
	}
	for p := 8; p+12 <= len(b); {
		n := int(binary.BigEndian.Uint32(b[p:]))
		if p+12+n > len(b) {
			return 0, 0, false
		}
		typ := string(b[p+4 : p+8])
		if typ == "pHYs" && n == 9 {
			d := b[p+8:]
			return binary.BigEndian.Uint32(d), d[8], binary.BigEndian.Uint32(d) == binary.BigEndian.Uint32(d[4:])
		}
		p += 12 + n
	}
	return 0, 0, false
}

// TestEveryZoneNamed: where an image names zones (few enough, or zoomed
// in), every zone the filter matched and the image shows is named, by a
// label next to it or by a numbered call-out whose key entry carries its
// name; a number is never without its key entry. Only when the key cannot
// hold them all (a dense view printed small) are some left out, and then
// its last line says how many. Issue 14 case 6: in
// /static/map.png?min_revenue=1000 the airport zone had no name.
func TestEveryZoneNamed(t *testing.T) {
	r := mustRenderer(t)
	for _, tc := range []struct{ query, mustName string }{
		{"min_revenue=1000", "X-zhengzhou-airport"},
		{"min_revenue=1000&lang=en&width=600&height=450", "X-zhengzhou-airport"},
		{"year=2023&min_revenue=500", ""},
		{"city=410100&width=800&height=600", ""},
		{"center=113.7,34.75&zoom=9&width=400&height=400", ""},
		{"center=113.698,34.75&zoom=11&width=640&height=480&lang=en", ""},
		// About 100 zones in view on a 90 mm print: the key holds some.
		{"center=113.7,34.75&zoom=8&width=1200&height=900&width_mm=90", ""},
	} {
		t.Run(tc.query, func(t *testing.T) {
			s, o := sceneFor(t, tc.query)
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			doc := parseSVG(t, buf.Bytes())
			v := static.NewView(o)
			type naming struct {
				label, key string
				callout    []string // numbers on the map
				keyNum     string   // number of its key entry
			}
			got := map[string]*naming{}
			at := func(id string) *naming {
				if got[id] == nil {
					got[id] = &naming{}
				}
				return got[id]
			}
			lastKeyNum := ""
			more := 0
			for _, tx := range doc.texts {
				switch {
				case tx.class == "key" && tx.zone == "":
					if m := regexp.MustCompile(`[0-9]+`).FindString(tx.s); m != "" {
						more, _ = strconv.Atoi(m)
					}
				case tx.group == "callout-key" && tx.class == "callout":
					lastKeyNum = tx.s // the badge before its entry
				case tx.class == "key" && tx.zone != "":
					n := at(tx.zone)
					if n.key == "" {
						n.keyNum = lastKeyNum
					}
					n.key += tx.s // a long name wraps over lines
				case tx.class == "callout" && tx.zone != "":
					at(tx.zone).callout = append(at(tx.zone).callout, tx.s)
				case tx.class == "" && tx.zone != "":
					if at(tx.zone).label != "" {
						t.Errorf("zone %s has two labels", tx.zone)
					}
					at(tx.zone).label = tx.s
				}
			}
			shown, unnamed := 0, 0
			for _, z := range s.Zones {
				x, y := v.Pixel(z.Point)
				if x < 0 || y < 0 || x > float64(o.Width) || y > float64(o.Height) {
					continue
				}
				shown++
				name := z.Name
				if o.Lang == static.LangEN && z.NameEN != "" {
					name = z.NameEN
				}
				n := got[z.ID]
				switch {
				case n == nil:
					unnamed++
				case n.label != "":
					if !sameKeyName(n.label, name, keyScope(z, s.Filter, o.Lang)) || n.key != "" || len(n.callout) > 0 {
						t.Errorf("zone %s (%s): label %q, key %q, call-outs %v", z.ID, name, n.label, n.key, n.callout)
					}
				default:
					// A figure of one part of the zone is named in the
					// key beside the zone ("（仅食品产业）").
					if !sameKeyName(n.key, name, keyScope(z, s.Filter, o.Lang)) {
						t.Errorf("zone %s (%s): key entry %q", z.ID, name, n.key)
					}
					if len(n.callout) != 1 || n.callout[0] != n.keyNum {
						t.Errorf("zone %s (%s): call-outs %v on the map, key number %q", z.ID, name, n.callout, n.keyNum)
					}
				}
			}
			if shown == 0 {
				t.Fatal("no zone in view: the case proves nothing")
			}
			if unnamed != more {
				t.Errorf("%d of %d zones in view are not named; the key says %d", unnamed, shown, more)
			}
			if unnamed > 0 && unnamed == shown {
				t.Errorf("no zone of %d is named", shown)
			}
			if tc.mustName != "" && got[tc.mustName] == nil {
				t.Errorf("%s is not named", tc.mustName)
			}
			for id := range got {
				if !containsZone(s, id) {
					t.Errorf("a text names %s, which is not a zone of the scene", id)
				}
			}
		})
	}
}

// sameName compares a drawn name with the data's: English generic parts
// are abbreviated on the map ("ETDZ"), so both go through the same table.
// keyScope is the scope mark the key gives a zone: its headline's part of
// the zone in brackets, "" for the whole zone or no figure.
func keyScope(z geo.Zone, f geo.Filter, lang string) string {
	h, ok := geo.Headline(z.Revenue, f.Year, f.Measure)
	if sc := geo.ScopeText(h.Scope, lang); ok && sc != "" {
		if lang == static.LangEN {
			return " (" + sc + ")"
		}
		return "（" + sc + "）"
	}
	return ""
}

// sameKeyName is sameName for a key entry with its scope mark; the key's
// wrapped lines are joined without the spaces they broke at.
func sameKeyName(drawn, name, scope string) bool {
	sp := func(s string) string { return strings.ReplaceAll(s, " ", "") }
	return sp(drawn) == sp(name+scope) || sp(drawn) == sp(abbrev(name)+scope)
}

// abbrev is the short form the images may draw: the shared table of
// English short forms (placename.AbbreviationsEN), which the web map uses too.
func abbrev(s string) string { return placename.ShortEN(s) }

func containsZone(s *static.Scene, id string) bool {
	for _, z := range s.Zones {
		if z.ID == id {
			return true
		}
	}
	return false
}

// TestFooterApprovalNumber: the 审图号 line is absent by default and
// drawn when the deployment has one; the source line keeps saying the
// boundaries are not officially reviewed either way.
func TestFooterApprovalNumber(t *testing.T) {
	r := mustRenderer(t)
	for _, lang := range []string{"zh", "en"} {
		for _, num := range []string{"", "豫S（2025）012号"} {
			t.Run(fmt.Sprintf("%s %q", lang, num), func(t *testing.T) {
				s, o := sceneFor(t, "min_revenue=1000&lang="+lang)
				s.ApprovalNumber = num
				var buf bytes.Buffer
				if err := r.SVG(&buf, s, o); err != nil {
					t.Fatal(err)
				}
				var footer string
				for _, tx := range parseSVG(t, buf.Bytes()).texts {
					if tx.class == "source" {
						footer += tx.s + "\n"
					}
				}
				notReviewed := map[string]string{"zh": "非官方审定边界", "en": "not officially reviewed"}[lang]
				if !strings.Contains(strings.ReplaceAll(footer, "\n", ""), notReviewed) {
					t.Errorf("footer lacks %q:\n%s", notReviewed, footer)
				}
				has := strings.Contains(footer, "审图号")
				if num == "" && has {
					t.Errorf("no approval number configured, but the footer has a 审图号 line:\n%s", footer)
				}
				if num != "" && (!has || !strings.Contains(footer, num)) {
					t.Errorf("footer lacks the 审图号 line with %q:\n%s", num, footer)
				}
			})
		}
	}
}

// TestNorthArrow: every image with furniture has a north arrow (北 or N),
// a plain one has none.
func TestNorthArrow(t *testing.T) {
	r := mustRenderer(t)
	for q, want := range map[string]string{"": "北", "lang=en": "N", "plain=1": ""} {
		s, o := sceneFor(t, q)
		var buf bytes.Buffer
		if err := r.SVG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, tx := range parseSVG(t, buf.Bytes()).texts {
			if tx.class == "north" {
				got += tx.s
			}
		}
		if got != want {
			t.Errorf("%q: north arrow %q, want %q", q, got, want)
		}
	}
}

// TestOutlinesProjectedOnce: an image drawn from outlines projected
// earlier for the same dataset version (Scene.Version) is byte for byte
// the image drawn from outlines projected for it alone, cold and warm,
// across zoom bands; another version does not reuse them.
func TestOutlinesProjectedOnce(t *testing.T) {
	r, err := static.New(static.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{"layers=province,cities,counties,zones,regions", "center=113.7,34.75&zoom=9.3&width=500&height=400",
		"center=113.7,34.75&zoom=9.8&width=500&height=400", "bbox=113.3,34.5,114.2,35&width=900&height=600&lang=en&layers=province,cities,counties,zones,regions"} {
		s, o := sceneFor(t, q)
		var fresh bytes.Buffer
		if err := r.SVG(&fresh, s, o); err != nil { // Version 0: projected for this render
			t.Fatal(err)
		}
		s.Version = 42
		for i := range 2 {
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(buf.Bytes(), fresh.Bytes()) {
				t.Errorf("%q: render %d from the outline cache differs from a fresh one", q, i+1)
			}
		}
	}
	// A new version with other outlines is drawn from them, not from the
	// cache: the province moved one degree east.
	s, o := sceneFor(t, "layers=province&legend=0&plain=1")
	s.Version = 42
	var before bytes.Buffer
	if err := r.SVG(&before, s, o); err != nil {
		t.Fatal(err)
	}
	moved := *s
	moved.Version = 43
	moved.Admin = nil
	for _, a := range s.Admin {
		a.Geom = shifted(a.Geom)
		moved.Admin = append(moved.Admin, a)
	}
	var after bytes.Buffer
	if err := r.SVG(&after, &moved, o); err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(before.Bytes(), after.Bytes()) {
		t.Error("version 43 with moved outlines drew version 42's")
	}
}

// shifted is a copy of mp one degree further east.
func shifted(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, len(mp))
	for i, p := range mp {
		out[i] = make(orb.Polygon, len(p))
		for j, r := range p {
			out[i][j] = make(orb.Ring, len(r))
			for k, q := range r {
				out[i][j][k] = orb.Point{q[0] + 1, q[1]}
			}
		}
	}
	return out
}

// TestCityNamesInsideTheirCity: a city's name is drawn where the city is.
// Trial 6 (2026-12-01): on the 80 mm print the names pushed off their
// label point landed a name-width away, "Shangqiu" on Kaifeng and
// "Luoyang" over Zhengzhou; a moved name is now kept only with its middle
// inside the city's own outline.
func TestCityNamesInsideTheirCity(t *testing.T) {
	for _, query := range []string{
		"lang=en&year=2023&min_revenue=1000&legend=1&width=1200&height=800&width_mm=80",
		"year=2023&min_revenue=1000&legend=1&width=1200&height=800&width_mm=80",
		"year=2022&compare=2019&cluster=electronics&legend=1&width=1200&height=800&width_mm=80",
		"lang=en&year=2023&legend=1&width=1200&height=800&width_mm=120",
		"year=2023&min_revenue=500&width=1200&height=800",
		"lang=en&width=600&height=450",
	} {
		t.Run(query, func(t *testing.T) {
			s, o := sceneFor(t, query)
			lo := static.LayoutForTest(s, o)
			if lo.Err != nil {
				t.Fatal(lo.Err)
			}
			v := static.NewView(o)
			cities := map[string]orb.MultiPolygon{}
			for _, a := range s.Admin {
				if a.Level == geo.LevelCity {
					cities[a.Name], cities[a.NameEN] = a.Geom, a.Geom
				}
			}
			named := 0
			for _, lb := range lo.Labels {
				g, ok := cities[lb.Name]
				if !ok {
					continue
				}
				named++
				p := v.LonLat((lb.X0+lb.X1)/2, (lb.Y0+lb.Y1)/2-lo.Map.Y0)
				if !planar.MultiPolygonContains(g, p) {
					t.Errorf("%q drawn at %.3f,%.3f, outside its city", lb.Name, p[0], p[1])
				}
			}
			if named < 3 {
				t.Errorf("%d city names drawn; want at least 3", named)
			}
		})
	}
}
