package static

import "math"

// Print units. A report image is read on paper, so its type is set in
// points for the physical width it is printed at, not in screen pixels:
//
//	mm per CSS px = PrintWidthMM / Width
//	px per pt     = Width / PrintWidthMM × 25.4 / 72      (1 pt = 1/72 in = 0.3528 mm)
//	dpi (CSS px)  = Width / PrintWidthMM × 25.4            (a PNG has Scale × that)
//
// PrintWidthMM is the request's width_mm, else the image's natural size at
// 96 CSS px per inch capped at DefaultPrintWidthMM (the text width of an A4
// page with 15 mm margins: a word processor shrinks a wider picture to it).
// So an 800 px image is laid out for 180 mm and a 600 px one for its
// natural 159 mm; printed at that width or wider, the title is at least
// TitlePt, labels LabelPt and the source line SourcePt. Line widths, marker
// sizes and paddings, designed in CSS px at 96 dpi, scale by the same
// factor, so an image looks alike at every size and only its resolution
// changes. The PNG carries the density in its pHYs chunk and the SVG its
// size in mm, so a word processor inserts either at PrintWidthMM.
const (
	DefaultPrintWidthMM = 180.0
	// MinPrintDPI and MaxPrintDPI bound Width / width_mm in CSS px per
	// inch: beyond them type would be a few pixels high or fill the image.
	MinPrintDPI  = 24
	MaxPrintDPI  = 600
	cssPxPerInch = 96.0
	mmPerInch    = 25.4
	ptPerInch    = 72.0
)

// Type sizes in points at PrintWidthMM (issue 14: at 180 mm the title is
// at least 14 pt, labels 8 pt, the source line 7 pt).
const (
	TitlePt   = 14.0
	CaptionPt = 9.0
	LabelPt   = 8.0 // zone, county and legend text, call-out numbers, the scale bar
	SourcePt  = 7.0
	// City names grow with zoom like the web map's (12→16 px at 96 dpi).
	CityPtMin, CityPtMax = 9.0, 12.0
)

// PrintWidthMM is the physical width the image is laid out for, in mm.
func (o Options) PrintWidthMM() float64 {
	if o.WidthMM > 0 {
		return o.WidthMM
	}
	return math.Min(DefaultPrintWidthMM, float64(o.Width)/cssPxPerInch*mmPerInch)
}

// PrintDPI is the image's CSS px per inch of paper (Width / PrintWidthMM).
func (o Options) PrintDPI() float64 { return float64(o.Width) / o.PrintWidthMM() * mmPerInch }

// units converts print units to the CSS px of one image.
type units struct {
	pxPerPt float64
}

func unitsOf(o Options) units {
	return units{pxPerPt: o.PrintDPI() / ptPerInch}
}

// pt is p points in CSS px.
func (u units) pt(p float64) float64 { return p * u.pxPerPt }

// px is a length designed in CSS px at 96 dpi (a line width, a marker, a
// padding) in the image's CSS px.
func (u units) px(p float64) float64 { return p * u.pxPerPt * ptPerInch / cssPxPerInch }
