package static_test

import (
	"bytes"
	"context"
	"fmt"
	"image/png"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/data/synth"
	"layoutmap/geo"
	"layoutmap/internal/svgtest"
	"layoutmap/tiles/static"
)

// entStore is the bundled dataset with the 20,000 synthetic enterprises of
// the trial (layoutmap synth enterprises --n 20000 --seed 1) in the
// embedded store.
var entStore = sync.OnceValues(func() (*memstore.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 20000, 1, &b); err != nil {
		return nil, err
	}
	rows, probs, err := importer.ReadEnterprises(&b, "synth.csv", "", nil)
	if err != nil || len(probs) > 0 {
		return nil, fmt.Errorf("%v %v", err, probs)
	}
	es, probs := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	if len(probs) > 0 {
		return nil, fmt.Errorf("%v", probs)
	}
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, err
	}
	return s, s.SetEnterprises(es)
})

// entSceneFor is sceneFor with the enterprise layer the API gathers
// (static.GatherEnterprises from the store's tiles, the count in view
// from its statistics).
func entSceneFor(t testing.TB, query string) (*static.Scene, static.Options) {
	t.Helper()
	s, o := sceneFor(t, query)
	st, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	pts, cells, err := static.GatherEnterprises(ctx, o, st.EnterpriseTile)
	if err != nil {
		t.Fatal(err)
	}
	f := o.EnterpriseFilter()
	b := static.NewView(o).Bound()
	f.BBox = &b
	es, err := st.EnterpriseStats(ctx, f)
	if err != nil {
		t.Fatal(err)
	}
	s.Enterprises = &static.EnterpriseLayer{Loaded: true, Synthetic: true, Points: pts, Cells: cells, Total: es.Total}
	return s, o
}

// The trial's dense views (trial 4, finding 1): 5269 synthetic enterprises
// around Zhengzhou and Kaifeng at the embed dialog's print widths.
var denseViews = []string{
	"bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=80",
	"bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=120",
	"bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=80&compare=2022&year=2023",
	"bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=120&compare=2022&year=2023",
	"bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=120&lang=en",
}

// circles are an SVG's closed paths with their group, fill and the
// centre and radius of their bounding box.
type circle struct {
	group, fill, stroke, zone string
	x, y, r                   float64
}

func svgCircles(t *testing.T, els []svgtest.Element) []circle {
	t.Helper()
	var out []circle
	for _, e := range els {
		if e.Name != "path" || !strings.HasSuffix(strings.TrimSpace(e.Attr["d"]), "Z") || e.Attr["stroke-dasharray"] != "" {
			continue
		}
		x0, y0, x1, y1 := math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
		fs := strings.FieldsFunc(e.Attr["d"], func(r rune) bool { return r == 'M' || r == 'L' || r == 'Z' || r == ' ' || r == ',' })
		for i := 0; i+1 < len(fs); i += 2 {
			x, err1 := strconv.ParseFloat(fs[i], 64)
			y, err2 := strconv.ParseFloat(fs[i+1], 64)
			if err1 != nil || err2 != nil {
				x0 = math.NaN()
				break
			}
			x0, y0, x1, y1 = math.Min(x0, x), math.Min(y0, y), math.Max(x1, x), math.Max(y1, y)
		}
		if math.IsNaN(x0) || math.IsInf(x0, 0) {
			continue
		}
		// A circle: as wide as high.
		if w, h := x1-x0, y1-y0; math.Abs(w-h) > 0.05*math.Max(w, h)+0.02 {
			continue
		}
		out = append(out, circle{e.Group, e.Attr["fill"], e.Attr["stroke"], e.Attr["data-zone"], (x0 + x1) / 2, (y0 + y1) / 2, (x1 - x0) / 2})
	}
	return out
}

// TestEnterpriseLegendSizes is trial 4's finding 1(d): the legend drew
// "链主（大点）" smaller than the ordinary enterprise dot. The legend's
// enterprise symbols are measured in the SVG against the dots the map
// draws: the ordinary dot's swatch is the map's smaller dot, the 链主's
// the map's larger one, and the 链主's is larger.
func TestEnterpriseLegendSizes(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range []string{
		"center=113.65,34.76&zoom=9&ent=1&ent_class=chain_leader,srdi",
		"center=113.65,34.76&zoom=9&ent=1&ent_class=chain_leader,srdi&width_mm=120",
	} {
		s, o := entSceneFor(t, q)
		var buf bytes.Buffer
		if err := r.SVG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		els, err := svgtest.Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		col := strings.ToLower(geo.EnterpriseColor)
		// Radii, the SVG's 0.1 px rounding merged.
		mapR := map[float64]bool{}
		addR := func(r float64) {
			for k := range mapR {
				if math.Abs(k-r) < 0.2 {
					return
				}
			}
			mapR[r] = true
		}
		var legend []circle
		for _, c := range svgCircles(t, els) {
			switch {
			case c.group == "enterprises" && c.fill == col && c.stroke == "#ffffff":
				addR(c.r)
			case (c.group == "furniture" || c.group == "frame") && c.fill == col:
				legend = append(legend, c)
			}
		}
		small, large := math.Inf(1), 0.0
		for r := range mapR {
			small, large = math.Min(small, r), math.Max(large, r)
		}
		if len(mapR) != 2 {
			t.Fatalf("%s: the map draws enterprise dots of radii %v, want an ordinary and a 链主 size", q, mapR)
		}
		// The swatch beside each legend text.
		swatch := func(text string) float64 {
			for _, e := range els {
				if e.Name != "text" || !strings.HasPrefix(e.Text, text) {
					continue
				}
				y, _ := strconv.ParseFloat(e.Attr["y"], 64)
				x, _ := strconv.ParseFloat(e.Attr["x"], 64)
				for _, c := range legend {
					if math.Abs(c.y-y) < 12 && c.x < x && x-c.x < 30 {
						return c.r
					}
				}
			}
			t.Fatalf("%s: no legend swatch beside %q", q, text)
			return 0
		}
		point, leader := swatch("企业 "), swatch("链主（大点）")
		if math.Abs(point-small) > 0.2 || math.Abs(leader-large) > 0.2 || leader <= point {
			t.Errorf("%s: legend dots %.2f (enterprise) and %.2f (链主); the map draws %.2f and %.2f", q, point, leader, small, large)
		}
	}
}

// TestDenseEnterpriseViews is trial 4's finding 1(a, b): with thousands of
// enterprises in view the layer hid the zones' symbols and tier colours,
// a bubble's count sat on a zone and another was cut at the map's edge.
// On real renders of the trial's views: the PNG pixels at the centre of
// every named zone's point and a third of the way to its edge keep the zone's
// colour, three of five at least (the layer is drawn beneath the zones;
// labels and call-outs keep off those points, a leader line may cross
// one where a crowd leaves no other way), every
// bubble count lies inside the map's frame and meets no zone point,
// furniture box nor another count, and the call-outs neither overlap nor
// cross their leaders.
func TestDenseEnterpriseViews(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range denseViews {
		s, o := entSceneFor(t, q)
		lo := checkLayout(t, q, s, o)
		var buf bytes.Buffer
		if err := r.SVG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		els, err := svgtest.Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		buf.Reset()
		if err := r.PNG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		cs := svgCircles(t, els)
		// The zones the image names (a label or a call-out number): their
		// points are kept clear of labels, call-outs and counts.
		named := map[string]bool{}
		for _, e := range els {
			if e.Name == "text" && e.Attr["data-zone"] != "" {
				named[e.Attr["data-zone"]] = true
			}
		}
		checked := 0
		for i, c := range cs {
			if c.group != "zone-points" || !named[c.zone] || !strings.HasPrefix(c.fill, "#") {
				continue
			}
			// Skip a point another zone's point is drawn over, and one
			// under the furniture.
			covered := false
			for _, d := range cs[i+1:] {
				if d.group == "zone-points" && math.Hypot(d.x-c.x, d.y-c.y) < d.r+1 {
					covered = true
				}
			}
			for _, b := range lo.Boxes {
				if c.x >= b.X0-c.r && c.x <= b.X1+c.r && c.y >= b.Y0-c.r && c.y <= b.Y1+c.r {
					covered = true
				}
			}
			if covered {
				continue
			}
			// The centre and four points a third of the way to the edge: a thin
			// leader line may cross a symbol, the layer must not hide it.
			want, kept, seen := c.fill, 0, ""
			for _, d := range [][2]float64{{0, 0}, {-0.3, 0}, {0.3, 0}, {0, -0.3}, {0, 0.3}} {
				px := img.At(int((c.x+d[0]*c.r)*float64(o.Scale)), int((c.y+d[1]*c.r)*float64(o.Scale)))
				rr, gg, bb, _ := px.RGBA()
				got := fmt.Sprintf("#%02x%02x%02x", rr>>8, gg>>8, bb>>8)
				seen += got + " "
				if colorDist(got, want) <= 24 {
					kept++
				}
			}
			if kept < 3 {
				t.Errorf("%s: zone %s's point at (%.0f, %.0f) shows %s; its colour is %s", q, c.zone, c.x, c.y, seen, want)
			}
			checked++
		}
		if checked < 5 {
			t.Errorf("%s: only %d zone points checked", q, checked)
		}
		frame := static.LaidBox{X0: lo.Map.X0, Y0: lo.Map.Y0, X1: lo.Map.X1, Y1: lo.Map.Y1}
		if len(s.Enterprises.Cells) > 0 && len(lo.EntCounts) == 0 {
			t.Errorf("%s: %d cells, no count drawn", q, len(s.Enterprises.Cells))
		}
		for i, a := range lo.EntCounts {
			if a.X0 < frame.X0 || a.Y0 < frame.Y0 || a.X1 > frame.X1 || a.Y1 > frame.Y1 {
				t.Errorf("%s: count %q %v leaves the map %v", q, a.Name, a, frame)
			}
			for _, b := range lo.EntCounts[i+1:] {
				if overlap(a, b) {
					t.Errorf("%s: counts %q and %q overlap", q, a.Name, b.Name)
				}
			}
			for _, b := range lo.Boxes {
				if overlap(a, b) {
					t.Errorf("%s: count %q %v on %s %v", q, a.Name, a, b.Name, b)
				}
			}
			for _, c := range cs {
				if c.group == "zone-points" && overlap(a, static.LaidBox{X0: c.x - c.r, Y0: c.y - c.r, X1: c.x + c.r, Y1: c.y + c.r}) {
					t.Errorf("%s: count %q %v on zone %s's point", q, a.Name, a, c.zone)
				}
			}
		}
		checkCallouts(t, q, lo)
		t.Logf("%s: %d×%d, %d zone points keep their colour, %d of %d cells counted", q, lo.Width, lo.Height, checked, len(lo.EntCounts), len(s.Enterprises.Cells))
	}
}

func overlap(a, b static.LaidBox) bool {
	return a.X0 < b.X1 && b.X0 < a.X1 && a.Y0 < b.Y1 && b.Y0 < a.Y1
}

func colorDist(a, b string) float64 {
	var r1, g1, b1, r2, g2, b2 int
	fmt.Sscanf(a, "#%02x%02x%02x", &r1, &g1, &b1)
	fmt.Sscanf(b, "#%02x%02x%02x", &r2, &g2, &b2)
	return math.Sqrt(float64((r1-r2)*(r1-r2) + (g1-g2)*(g1-g2) + (b1-b2)*(b1-b2)))
}

// checkCallouts: no two call-out badges overlap, no two leader lines
// cross.
func checkCallouts(t *testing.T, q string, lo static.LaidOut) {
	t.Helper()
	var badges []static.LaidBox
	for _, b := range lo.Boxes {
		if strings.HasPrefix(b.Name, "callout ") {
			badges = append(badges, b)
		}
	}
	for i, a := range badges {
		for _, b := range badges[i+1:] {
			if overlap(a, b) {
				t.Errorf("%s: %s %v overlaps %s %v", q, a.Name, a, b.Name, b)
			}
		}
	}
	for i, a := range lo.Leaders {
		for _, b := range lo.Leaders[i+1:] {
			if segCross(a, b) {
				t.Errorf("%s: leader lines %v and %v cross", q, a, b)
			}
		}
	}
}

// segCross: two segments cross at a point inside both.
func segCross(a, b [4]float64) bool {
	o := func(px, py, qx, qy, rx, ry float64) float64 { return (qx-px)*(ry-py) - (qy-py)*(rx-px) }
	d1 := o(b[0], b[1], b[2], b[3], a[0], a[1])
	d2 := o(b[0], b[1], b[2], b[3], a[2], a[3])
	d3 := o(a[0], a[1], a[2], a[3], b[0], b[1])
	d4 := o(a[0], a[1], a[2], a[3], b[2], b[3])
	return d1*d2 < 0 && d3*d4 < 0
}

// TestLegendLineBreaks80mm is trial 4's finding 1(c) on the real 80 mm
// layouts: no furniture line starts with closing punctuation, and the
// bracketed notes the trial saw broken ("（至少在此档）", "（虚构企业）")
// stand whole on one line.
func TestLegendLineBreaks80mm(t *testing.T) {
	seen := map[string]bool{}
	for _, q := range []string{denseViews[0], denseViews[2], "bbox=112.5,34.2,114.5,35.2&ent=1&width_mm=80&year=2023"} {
		s, o := entSceneFor(t, q)
		lo := checkLayout(t, q, s, o)
		all := ""
		for _, tx := range lo.Texts {
			all += tx.Name
			if r := []rune(tx.Name); len(r) > 0 && (unicode.In(r[0], unicode.Pe, unicode.Pf) || strings.ContainsRune("，。、；：！？", r[0])) {
				t.Errorf("%s: line %q starts with closing punctuation", q, tx.Name)
			}
		}
		for _, note := range []string{"（至少在此档）", "（虚构企业）"} {
			if !strings.Contains(all, note) {
				continue
			}
			seen[note] = true
			if !slices.ContainsFunc(lo.Texts, func(tx static.LaidBox) bool { return strings.Contains(tx.Name, note) }) {
				t.Errorf("%s: %q is broken across lines", q, note)
			}
		}
	}
	if len(seen) != 2 {
		t.Errorf("the 80 mm views show only %v of the two notes", seen)
	}
}

// TestNoneComparedCaption (trial 4, finding 1e): a comparison image in
// which no zone can be compared (the bundled data has no zone with
// comparable figures in two years: 2022→2023 is all grey) says so in its
// caption, with the commonest reason, in Chinese and English; once one
// zone has comparable figures (SYNTHETIC, added here as TestCompareImage
// does) it does not.
func TestNoneComparedCaption(t *testing.T) {
	captionOf := func(s *static.Scene, o static.Options) string {
		lo := static.LayoutForTest(s, o)
		all := ""
		for _, tx := range lo.Texts {
			all += tx.Name
		}
		return strings.Join(strings.Fields(all), "")
	}
	for q, want := range map[string]string{
		"bbox=112.5,34.2,114.5,35.2&width_mm=120&compare=2022&year=2023":         "2022年与2023年之间没有可比的开发区，全部为“不可比”（灰色）；多数原因：较早年份无可比数据",
		"bbox=112.5,34.2,114.5,35.2&width_mm=120&compare=2022&year=2023&lang=en": "no zone can be compared between 2022 and 2023: all are drawn grey as not compared; mostly: no comparable figure in the earlier year",
		"width=1200&height=800&year=2031&compare=2030&lang=en":                   "no zone can be compared between 2030 and 2031",
	} {
		s, o := sceneFor(t, q)
		if got := captionOf(s, o); !strings.Contains(got, strings.Join(strings.Fields(want), "")) {
			t.Errorf("%s: caption lacks %q:\n%s", q, want, got)
		}
	}
	s, o := sceneFor(t, "width=1200&height=800&year=2031&compare=2030&lang=en")
	for i, z := range s.Zones {
		if len(z.Revenue) == 0 && geo.LocationKnown(&z) {
			for _, y := range []int{2030, 2031} {
				s.Zones[i].Revenue = append(s.Zones[i].Revenue, geo.Revenue{ZoneID: z.ID, Year: y, RevenueYi: float64(y - 1930), Bound: geo.BoundExact,
					Measure: "营业收入", Period: geo.PeriodFullYear, Source: "SYNTHETIC test figure (tiles/static/enterprise_test.go), not a published number"})
			}
			break
		}
	}
	if got := captionOf(s, o); strings.Contains(got, "nozonecanbecompared") {
		t.Errorf("one zone compared: the caption still says none is: %s", got)
	}
}

// TestEnterpriseCountsNotCallouts is trial 6's finding 5: in the static
// ent=1 images the bubbles' counts ("2", "4", "9" at the province's edge)
// looked like the zones' call-out numbers 1–3. On real SVGs of the trial's
// image and the dense views: a call-out is a bold white number on a dark
// disc; an enterprise count never is. Each count is in regular weight
// inside a white tag edged in the layer's colour, a rectangle (it fills
// its box, which a disc does not), centred on its bubble; every bare
// number on the map is one of the two; the legend shows the tag and says
// what the number counts, under a heading that says "synthetic".
func TestEnterpriseCountsNotCallouts(t *testing.T) {
	r := mustRenderer(t)
	col := strings.ToLower(geo.EnterpriseColor)
	digits := regexp.MustCompile(`^[0-9]+$`)
	sawCallout, sawCount := false, false
	for _, q := range []string{
		"year=2023&min_revenue=1000&ent=1&legend=1&width=1200&height=800",
		"year=2023&min_revenue=1000&ent=1&legend=1&width=1200&height=800&width_mm=80",
		"year=2023&min_revenue=1000&ent=1&legend=1&width=1200&height=800&lang=en",
		denseViews[1],
	} {
		s, o := entSceneFor(t, q)
		var buf bytes.Buffer
		if err := r.SVG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		els, err := svgtest.Parse(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		var bubbles []circle
		for _, c := range svgCircles(t, els) {
			if c.group == "enterprises" && c.fill == col {
				bubbles = append(bubbles, c)
			}
		}
		calloutDisc, calloutText := map[string]bool{}, map[string]bool{}
		counts, legendTags := 0, 0
		for i, e := range els {
			if e.Name != "text" {
				continue
			}
			class := e.Attr["class"]
			var prev svgtest.Element
			if i > 0 {
				prev = els[i-1]
			}
			switch class {
			case "callout":
				sawCallout = true
				calloutDisc[prev.Attr["fill"]] = true
				calloutText[e.Attr["fill"]+"|"+e.Attr["font-weight"]] = true
			case "enterprise", "enterprise-legend":
				x, _ := strconv.ParseFloat(e.Attr["x"], 64)
				y, _ := strconv.ParseFloat(e.Attr["y"], 64)
				sz, _ := strconv.ParseFloat(e.Attr["font-size"], 64)
				cx, cy := x, y-0.35*sz // the digits' middle
				pts := pathPoints(prev.Attr["d"])
				x0, y0, x1, y1 := bounds(pts)
				switch {
				case prev.Name != "path" || prev.Attr["fill"] != "#ffffff" || prev.Attr["stroke"] != col:
					t.Errorf("%s: count %q is not in a white tag edged %s: %v", q, e.Text, col, prev.Attr)
				case polygonArea(pts) < 0.9*(x1-x0)*(y1-y0):
					t.Errorf("%s: count %q's tag fills %.0f%% of its box: a disc, not a tag", q, e.Text, 100*polygonArea(pts)/((x1-x0)*(y1-y0)))
				case cx < x0 || cx > x1 || cy < y0 || cy > y1 || math.Abs((x0+x1)/2-cx) > 1 || math.Abs((y0+y1)/2-cy) > 1:
					t.Errorf("%s: count %q at (%.1f, %.1f) is not centred in its tag %v", q, e.Text, cx, cy, [4]float64{x0, y0, x1, y1})
				}
				if e.Attr["font-weight"] == "bold" {
					t.Errorf("%s: count %q is bold, as a call-out's number", q, e.Text)
				}
				if class == "enterprise-legend" {
					legendTags++
					continue
				}
				counts++
				if !slices.ContainsFunc(bubbles, func(b circle) bool { return math.Hypot(b.x-cx, b.y-cy) < 1.5 }) {
					t.Errorf("%s: count %q at (%.1f, %.1f) is not on a bubble", q, e.Text, cx, cy)
				}
				if calloutText[e.Attr["fill"]+"|"+e.Attr["font-weight"]] || calloutDisc[prev.Attr["fill"]] {
					t.Errorf("%s: count %q drawn in a call-out's style (%s on %s)", q, e.Text, e.Attr["fill"], prev.Attr["fill"])
				}
			default:
				if digits.MatchString(strings.TrimSpace(e.Text)) && e.Group != "furniture" {
					t.Errorf("%s: a bare number %q (class %q) in %s", q, e.Text, class, e.Group)
				}
			}
		}
		// Call-outs seen after the counts: check the other way round too.
		for i, e := range els {
			if e.Name == "text" && e.Attr["class"] == "enterprise" && (calloutText[e.Attr["fill"]+"|"+e.Attr["font-weight"]] || calloutDisc[els[i-1].Attr["fill"]]) {
				t.Errorf("%s: count %q drawn in a call-out's style", q, e.Text)
			}
		}
		if counts > 0 {
			sawCount = true
		}
		all := ""
		for _, e := range els {
			if e.Name == "text" {
				all += e.Text
			}
		}
		what, synthetic := "格内企业数", "合成数据"
		if o.Lang == static.LangEN {
			what, synthetic = "the cell's count", "synthetic"
		}
		if legendTags != 1 || !strings.Contains(strings.Join(strings.Fields(all), " "), what) || !strings.Contains(all, synthetic) {
			t.Errorf("%s: legend: %d count tags, says %q: %v, %q: %v", q, legendTags, what, strings.Contains(all, what), synthetic, strings.Contains(all, synthetic))
		}
		t.Logf("%s: %d counts in tags, %d call-out styles", q, counts, len(calloutDisc))
	}
	if !sawCallout || !sawCount {
		t.Errorf("call-outs drawn: %v, counts drawn: %v: the case proves nothing", sawCallout, sawCount)
	}
}

func pathPoints(d string) [][2]float64 {
	var out [][2]float64
	fs := strings.FieldsFunc(d, func(r rune) bool { return r == 'M' || r == 'L' || r == 'Z' || r == ' ' || r == ',' })
	for i := 0; i+1 < len(fs); i += 2 {
		x, err1 := strconv.ParseFloat(fs[i], 64)
		y, err2 := strconv.ParseFloat(fs[i+1], 64)
		if err1 != nil || err2 != nil {
			return nil
		}
		out = append(out, [2]float64{x, y})
	}
	return out
}

func bounds(pts [][2]float64) (x0, y0, x1, y1 float64) {
	x0, y0, x1, y1 = math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)
	for _, p := range pts {
		x0, y0, x1, y1 = math.Min(x0, p[0]), math.Min(y0, p[1]), math.Max(x1, p[0]), math.Max(y1, p[1])
	}
	return
}

// polygonArea is the shoelace area of a closed ring.
func polygonArea(pts [][2]float64) float64 {
	a := 0.0
	for i := range pts {
		j := (i + 1) % len(pts)
		a += pts[i][0]*pts[j][1] - pts[j][0]*pts[i][1]
	}
	return math.Abs(a) / 2
}
