package static_test

import (
	"bytes"
	"image/png"
	"math"
	"net/url"
	"strings"
	"testing"

	"layoutmap/geo"
	"layoutmap/tiles/static"
)

// The embed dialog's image presets (web/src/embed-dialog.js): its pixel
// sizes (the default 1200×800 and the iframe presets at 2×) and its print
// widths (” is the server's default).
var (
	dialogSizes = []string{"width=1200&height=800", "width=640&height=720", "width=1200&height=1120", "width=2000&height=1600"}
	dialogMM    = []string{"", "80", "120", "180"}
)

// TestFurnitureFits is issue 14's last defect: at the dialog's 80 and 120
// mm presets the 8 pt legend covered the map, the title and call-out ①,
// and with compare it filled the image and its "不可比 … (162)" line was
// cut off. For every dialog preset, with and without compare, zh and en,
// on the layout's own geometry: the furniture's boxes (title, legend, key,
// call-outs, scale bar, north arrow, source line) stay inside the image
// and meet no other; every furniture text stays inside the image and
// inside its panel; the map keeps the requested size; a legend drawn over
// the map takes at most half its height and width. A preset whose density
// the server refuses (over 600 px per inch) is a 400 naming width_mm.
func TestFurnitureFits(t *testing.T) {
	n, refused := 0, 0
	for _, size := range dialogSizes {
		for _, mm := range dialogMM {
			for _, mode := range []string{"year=2023", "year=2023&compare=2022", "min_revenue=1000", "color=cluster&layers=province,cities,zones,labels,regions"} {
				for _, lang := range []string{"zh", "en"} {
					q := size + "&" + mode + "&lang=" + lang
					if mm != "" {
						q += "&width_mm=" + mm
					}
					v, _ := url.ParseQuery(q)
					if _, _, err := static.ParseRequest(v); err != nil {
						fes, ok := geo.AsFieldErrors(err)
						if !ok || fes[0].Field != "width_mm" {
							t.Errorf("%s: refused with %v, want a 400 naming width_mm", q, err)
						}
						continue
					}
					n++
					s, o := sceneFor(t, q)
					if strings.Contains(mode, "regions") && mm == "80" {
						// Seven planning regions with long names and
						// every cluster do not fit around an 80 mm map:
						// refused, saying what fits, or laid out whole.
						if lo := static.LayoutForTest(s, o); lo.Err != nil {
							fes, ok := geo.AsFieldErrors(lo.Err)
							if !ok || fes[0].Field != "width_mm" || !strings.Contains(fes[0].Reason, "legend=0") {
								t.Errorf("%s: %v, want an error naming width_mm that says what fits", q, lo.Err)
							}
							refused++
							continue
						}
					}
					checkLayout(t, q, s, o)
				}
			}
		}
	}
	if n-refused < 100 {
		t.Fatalf("only %d presets laid out (%d refused)", n-refused, refused)
	}
	t.Logf("%d presets laid out, %d refused as too small for their furniture", n-refused, refused)
}

func checkLayout(t *testing.T, q string, s *static.Scene, o static.Options) static.LaidOut {
	t.Helper()
	lo := static.LayoutForTest(s, o)
	if lo.Err != nil {
		t.Errorf("%s: %v", q, lo.Err)
		return lo
	}
	canvas := static.LaidBox{X1: float64(lo.Width), Y1: float64(lo.Height)}
	const eps = 0.5
	inside := func(a, b static.LaidBox) bool {
		return a.X0 >= b.X0-eps && a.Y0 >= b.Y0-eps && a.X1 <= b.X1+eps && a.Y1 <= b.Y1+eps
	}
	overlaps := func(a, b static.LaidBox) bool {
		return a.X0 < b.X1-eps && b.X0 < a.X1-eps && a.Y0 < b.Y1-eps && b.Y0 < a.Y1-eps
	}
	if lo.Width != o.Width || lo.Map.X1-lo.Map.X0 != float64(o.Width) || lo.Map.Y1-lo.Map.Y0 != float64(o.Height) {
		t.Errorf("%s: image %dx%d, map %v: the map must keep the requested %dx%d", q, lo.Width, lo.Height, lo.Map, o.Width, o.Height)
	}
	names := map[string]bool{}
	for i, a := range lo.Boxes {
		names[strings.Fields(a.Name)[0]] = true
		if !inside(a, canvas) {
			t.Errorf("%s: %s %v leaves the %dx%d image", q, a.Name, a, lo.Width, lo.Height)
		}
		for _, b := range lo.Boxes[i+1:] {
			if overlaps(a, b) {
				t.Errorf("%s: %s %v overlaps %s %v", q, a.Name, a, b.Name, b)
			}
		}
		if a.Name == "legend" && inside(a, lo.Map) && (a.Y1-a.Y0 > (lo.Map.Y1-lo.Map.Y0)/2 || a.X1-a.X0 > (lo.Map.X1-lo.Map.X0)/2) {
			t.Errorf("%s: the legend over the map is %v, more than half the map %v", q, a, lo.Map)
		}
	}
	checkCallouts(t, q, lo)
	for _, want := range []string{"title", "legend", "source", "scale", "north"} {
		if !names[want] {
			t.Errorf("%s: no %s box (have %v)", q, want, names)
		}
	}
	for _, tx := range lo.Texts {
		if !inside(tx, canvas) {
			t.Errorf("%s: text %q %v leaves the %dx%d image", q, tx.Name, tx, lo.Width, lo.Height)
			continue
		}
		in := false
		for _, b := range lo.Boxes {
			in = in || inside(tx, b)
		}
		if !in {
			t.Errorf("%s: text %q %v is in no furniture box", q, tx.Name, tx)
		}
	}
	return lo
}

// TestReportLayoutImages: the PNG and the SVG of a report layout (the
// legend below the map) have the layout's grown size (the SVG in mm at
// the print width, its height in proportion), and the legend's count
// line the trial found cut off is drawn whole.
func TestReportLayoutImages(t *testing.T) {
	r := mustRenderer(t)
	for _, q := range []string{
		"width=1200&height=800&year=2023&compare=2022&width_mm=80",
		"width=1200&height=800&year=2023&width_mm=120&lang=en",
		"width=1200&height=800&year=2023",
	} {
		s, o := sceneFor(t, q)
		lo := checkLayout(t, q, s, o)
		var buf bytes.Buffer
		if err := r.SVG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		doc := parseSVG(t, buf.Bytes())
		if doc.viewW != float64(lo.Width) || doc.viewH != float64(lo.Height) {
			t.Errorf("%s: SVG viewBox %vx%v, layout %dx%d", q, doc.viewW, doc.viewH, lo.Width, lo.Height)
		}
		if math.Abs(doc.widthMM-o.PrintWidthMM()) > 0.01 || math.Abs(doc.heightMM-o.PrintWidthMM()*float64(lo.Height)/float64(lo.Width)) > 0.01 {
			t.Errorf("%s: SVG %v × %v mm", q, doc.widthMM, doc.heightMM)
		}
		grown := lo.Height > o.Height
		if want := o.WidthMM > 0 && o.WidthMM < 180; grown != want {
			t.Errorf("%s: image %d px high for a %d px map: report layout %v, want %v", q, lo.Height, o.Height, grown, want)
		}
		if o.Compare != 0 {
			var legend string
			for _, tx := range doc.texts {
				legend += tx.s
			}
			if !strings.Contains(legend, "(162)") {
				t.Errorf("%s: the not-compared count (162) is not drawn", q)
			}
		}
		buf.Reset()
		if err := r.PNG(&buf, s, o); err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(&buf)
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != lo.Width*o.Scale || b.Dy() != lo.Height*o.Scale {
			t.Errorf("%s: PNG %v, layout %dx%d", q, b.Size(), lo.Width, lo.Height)
		}
	}
}

// TestFurnitureTooLarge: an image whose furniture would need more than
// twice the map's height around it is refused with an error naming the
// parameter to change, never drawn with its furniture over the map;
// without furniture (plain=1) the same size draws.
func TestFurnitureTooLarge(t *testing.T) {
	r := mustRenderer(t)
	for q, field := range map[string]string{"width=64&height=64": "width", "width=800&height=120&width_mm=60": "width_mm"} {
		s, o := sceneFor(t, q)
		var buf bytes.Buffer
		err := r.SVG(&buf, s, o)
		fes, ok := geo.AsFieldErrors(err)
		if !ok || fes[0].Field != field || !strings.Contains(fes[0].Reason, "plain=1") {
			t.Errorf("%s: %v, want a field error naming %s that says what fits", q, err, field)
		}
		s, o = sceneFor(t, q+"&plain=1")
		if err := r.SVG(&buf, s, o); err != nil {
			t.Errorf("%s&plain=1: %v", q, err)
		}
	}
}
