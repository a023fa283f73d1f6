package static_test

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"

	"layoutmap/geo"
)

// TestCompareImage: compare=Y draws the web map's comparison mode. The
// bundled data has no zone with comparable figures in two years, so this
// adds SYNTHETIC figures (marked so in their source and in the image title)
// to zones without any: each compared zone's point takes the colour of its
// geo.ZoneChange class, a pair the rule cannot compare (lower→lower, or a
// year missing) is drawn as not compared (white, grey edge, never a class
// colour), the legend names every change class with its count and the
// not-compared count, and the caption says what is compared.
func TestCompareImage(t *testing.T) {
	r := mustRenderer(t)
	for _, lang := range []string{"zh", "en"} {
		t.Run(lang, func(t *testing.T) {
			s, o := sceneFor(t, "year=2031&compare=2030&layers=province,cities,zones,labels&title=SYNTHETIC+figures+(test)&lang="+lang)
			if o.Compare != 2030 {
				t.Fatalf("Compare = %d", o.Compare)
			}
			const src = "SYNTHETIC test figure (tiles/static/compare_test.go), not a published number"
			var plain []int // located zones without any figure
			for i, z := range s.Zones {
				if len(z.Revenue) == 0 && geo.LocationKnown(&z) {
					plain = append(plain, i)
				}
			}
			if len(plain) < 4 {
				t.Fatalf("only %d located zones without figures", len(plain))
			}
			add := func(i int, recs ...geo.Revenue) {
				for _, r := range recs {
					r.ZoneID, r.Source, r.Measure, r.Period = s.Zones[i].ID, src, "营业收入", geo.PeriodFullYear
					s.Zones[i].Revenue = append(s.Zones[i].Revenue, r)
				}
			}
			add(plain[0], geo.Revenue{Year: 2030, RevenueYi: 100, Bound: geo.BoundExact}, geo.Revenue{Year: 2031, RevenueYi: 130, Bound: geo.BoundExact}) // +30 %
			add(plain[1], geo.Revenue{Year: 2030, RevenueYi: 200, Bound: geo.BoundExact}, geo.Revenue{Year: 2031, RevenueYi: 190, Bound: geo.BoundExact}) // −5 %
			add(plain[2], geo.Revenue{Year: 2030, RevenueYi: 50, Bound: geo.BoundLower}, geo.Revenue{Year: 2031, RevenueYi: 80, Bound: geo.BoundLower})   // fixes no change
			add(plain[3], geo.Revenue{Year: 2031, RevenueYi: 80, Bound: geo.BoundExact})                                                                  // no earlier year
			// want: zone → the expected fill of its point.
			want := map[string]string{}
			counts := map[string]int{}
			notCompared := 0
			for _, z := range s.Zones {
				ch := geo.ZoneChange(z.Revenue, 2030, 2031, "")
				if ch.Comparable {
					counts[ch.Class]++
					for _, c := range geo.ChangeClasses {
						if c.ID == ch.Class {
							want[z.ID] = c.Color
						}
					}
				} else {
					notCompared++
					want[z.ID] = geo.NotComparableFill
				}
			}
			if counts[geo.ChangeUpStrong] != 1 || counts[geo.ChangeDown] != 1 || notCompared != len(s.Zones)-2 {
				t.Fatalf("the synthetic pairs did not give the classes meant: %v, %d not compared", counts, notCompared)
			}
			var buf bytes.Buffer
			if err := r.SVG(&buf, s, o); err != nil {
				t.Fatal(err)
			}
			points, texts := svgZonePoints(t, buf.Bytes())
			for _, i := range plain {
				id := s.Zones[i].ID
				p, ok := points[id]
				if !ok {
					t.Fatalf("zone %s: no point drawn", id)
				}
				if p.fill != want[id] {
					t.Errorf("zone %s: point fill %s, want %s", id, p.fill, want[id])
				}
			}
			for _, i := range plain[2:] {
				if p := points[s.Zones[i].ID]; p.stroke != geo.NotComparableRing {
					t.Errorf("zone %s (not comparable): stroke %s, want the grey edge %s", s.Zones[i].ID, p.stroke, geo.NotComparableRing)
				}
			}
			// Every located zone: its class colour, or not compared.
			for id, p := range points {
				if p.fill != want[id] {
					t.Errorf("zone %s: fill %s, want %s", id, p.fill, want[id])
				}
			}
			all := strings.Join(texts, "\n")
			for _, c := range geo.ChangeClasses {
				label := c.Label
				if lang == "en" {
					label = c.LabelEN
				}
				if !strings.Contains(all, label+" (") {
					t.Errorf("legend lacks change class %q:\n%s", label, all)
				}
			}
			nc, head, with := "不可比（未比较", "2030→2031年变化（营业收入）", "与2030年比较"
			if lang == "en" {
				nc, head, with = "not compared (", "Change 2030→2031 (revenue)", "compared with 2030"
			}
			for _, w := range []string{nc, head, with, "SYNTHETIC"} {
				if !strings.Contains(all, w) {
					t.Errorf("image lacks %q:\n%s", w, all)
				}
			}
			if !strings.Contains(all, "(1)") {
				t.Errorf("legend counts missing:\n%s", all)
			}
			// The tier legend is not drawn in comparison mode.
			if strings.Contains(all, "营收分档") || strings.Contains(all, "Revenue tier") {
				t.Errorf("tier legend in comparison mode:\n%s", all)
			}
		})
	}
}

type svgPaint struct{ fill, stroke string }

// svgZonePoints returns the fill and stroke of each zone's point (the last
// path with data-zone in the zone-points group) and every text.
func svgZonePoints(t *testing.T, b []byte) (map[string]svgPaint, []string) {
	t.Helper()
	points := map[string]svgPaint{}
	var texts []string
	dec := xml.NewDecoder(bytes.NewReader(b))
	group := ""
	inText := false
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return points, texts
		} else if err != nil {
			t.Fatalf("SVG: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			attr := map[string]string{}
			for _, a := range e.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch e.Name.Local {
			case "g":
				group = attr["id"]
			case "path":
				if group == "zone-points" && attr["data-zone"] != "" && attr["fill"] != "none" {
					points[attr["data-zone"]] = svgPaint{attr["fill"], attr["stroke"]}
				}
			case "text":
				inText = true
				texts = append(texts, "")
			}
		case xml.CharData:
			if inText {
				texts[len(texts)-1] += string(e)
			}
		case xml.EndElement:
			if e.Name.Local == "text" {
				inText = false
			}
		}
	}
}
