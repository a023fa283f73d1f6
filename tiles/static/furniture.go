package static

import (
	"math"
	"strconv"
)

// layoutFurniture draws the source band, title panel, scale bar, north
// arrow and legend into the furniture group and records the boxes they
// take, so labels and the call-out key avoid them.
func (l *layouter) layoutFurniture() {
	l.footer()
	l.titlePanel()
	l.scaleBar()
	l.northArrow()
	if l.o.Legend {
		l.legend()
	}
}

// panel draws a furniture panel and takes its box.
func (l *layouter) panel(b box) {
	l.furniture.shape(shape{Rings: [][]pt{rectRing(b)}, Closed: true, Fill: colPanel, Stroke: colPanelLn, Width: l.u.px(0.8)})
	l.taken = append(l.taken, b)
}

// footer is the band across the bottom: the approval number (审图号) when
// the deployment has one, then the source line with the boundaries'
// origin and its "not officially reviewed" note, which stays either way.
func (l *layouter) footer() {
	u, g := l.u, l.furniture
	attr := l.s.Attribution
	if attr == "" {
		attr = DefaultAttribution[l.o.Lang]
	}
	size := u.pt(SourcePt)
	margin := u.px(6)
	type line struct {
		s    string
		size float64
		bold bool
	}
	var lines []line
	if l.s.ApprovalNumber != "" {
		as := u.pt(LabelPt)
		for _, s := range wrap(txtApproval.in(l.o.Lang)+l.s.ApprovalNumber, as, l.w-2*margin) {
			lines = append(lines, line{s, as, true})
		}
	}
	for _, s := range wrap(attr, size, l.w-2*margin) {
		lines = append(lines, line{s, size, false})
	}
	bandH := u.px(6)
	for _, ln := range lines {
		bandH += ln.size * 1.35
	}
	band := box{0, l.h - bandH, l.w, l.h}
	g.shape(shape{Rings: [][]pt{rectRing(band)}, Closed: true, Fill: colPanel})
	l.taken = append(l.taken, band)
	y := l.h - bandH + u.px(3)
	for _, ln := range lines {
		y += ln.size * 1.35
		g.label(label{X: margin, Y: y - ln.size*0.3, S: ln.s, Size: ln.size, Bold: ln.bold, Fill: colSourceText, Role: roleSource})
	}
	l.bottom = l.h - bandH
}

// titlePanel is the title and the caption (what the filter selected, so a
// report image never hides its filter), top left.
func (l *layouter) titlePanel() {
	u, g := l.u, l.furniture
	ts, cs := u.pt(TitlePt), u.pt(CaptionPt)
	p, in := u.px(pad), u.px(8)
	maxW := math.Max(u.px(80), math.Min(l.w*0.7, l.w-2*p)-2*in)
	tLines := wrap(title(l.s, l.o), ts, maxW)
	cLines := wrap(caption(l.s, l.o, len(l.drawn)), cs, maxW)
	tw := 0.0
	for _, s := range tLines {
		tw = math.Max(tw, textWidth(s, ts))
	}
	for _, s := range cLines {
		tw = math.Max(tw, textWidth(s, cs))
	}
	th := float64(len(tLines))*ts*1.3 + float64(len(cLines))*cs*1.4 + u.px(12)
	l.titleBox = box{p, p, p + tw + 2*in, p + th}
	l.panel(l.titleBox)
	y := p + u.px(6)
	for _, s := range tLines {
		y += ts * 1.3
		g.label(label{X: p + in, Y: y - ts*0.25, S: s, Size: ts, Bold: true, Fill: colText, Role: roleTitle})
	}
	for _, s := range cLines {
		y += cs * 1.4
		g.label(label{X: p + in, Y: y - cs*0.3, S: s, Size: cs, Fill: colSourceText})
	}
}

// scaleBar is a bar of a round length, bottom right above the footer.
func (l *layouter) scaleBar() {
	u, g := l.u, l.furniture
	metres, px := niceLength(l.v.MetresPerPixel(), math.Min(u.px(120), l.w/4))
	if px <= 0 {
		return
	}
	size := u.pt(LabelPt)
	p := u.px(pad)
	x1 := l.w - p - u.px(8)
	x0 := x1 - px
	yb := l.bottom - p - u.px(6)
	tl := scaleText(metres)
	bw := math.Max(px, textWidth(tl, size))
	l.scaleBox = box{x1 - bw - u.px(8), yb - size - u.px(10), l.w - p, l.bottom - p}
	l.panel(l.scaleBox)
	tick := u.px(4)
	g.shape(shape{Rings: [][]pt{{{x0, yb - tick}, {x0, yb}, {x1, yb}, {x1, yb - tick}}}, Stroke: colScaleBar, Width: u.px(1.5)})
	g.label(label{X: (x0 + x1) / 2, Y: yb - u.px(7), S: tl, Size: size, Fill: colText, Anchor: anchorMiddle})
}

// northArrow is top right: Web Mercator keeps north up everywhere, so the
// arrow points straight up; "北" (or "N") above it.
func (l *layouter) northArrow() {
	u, g := l.u, l.furniture
	size := u.pt(LabelPt)
	p := u.px(pad)
	aw, ah := u.px(14), u.px(22)
	bw := math.Max(aw, textWidth(txtNorth.in(l.o.Lang), size)) + u.px(8)
	b := box{l.w - p - bw, p, l.w - p, p + size + ah + u.px(10)}
	l.panel(b)
	cx := (b.X0 + b.X1) / 2
	g.label(label{X: cx, Y: b.Y0 + u.px(3) + size*0.88, S: txtNorth.in(l.o.Lang), Size: size, Bold: true, Fill: colScaleBar, Anchor: anchorMiddle, Role: roleNorth})
	top := b.Y0 + u.px(5) + size
	bot := top + ah
	notch := bot - ah*0.3
	// Two halves: the left filled, the right outlined, so the arrow reads
	// in black-and-white print too.
	g.shape(shape{Rings: [][]pt{{{cx, top}, {cx, notch}, {cx - aw/2, bot}}}, Closed: true, Fill: colScaleBar})
	g.shape(shape{Rings: [][]pt{{{cx, top}, {cx + aw/2, bot}, {cx, notch}}}, Closed: true, Fill: colHalo, Stroke: colScaleBar, Width: u.px(1)})
	l.northBox = b
}

// niceLength is the longest 1, 2 or 5 ×10ⁿ metres that fits in maxPx.
func niceLength(mpp, maxPx float64) (metres, px float64) {
	if mpp <= 0 || maxPx <= 0 {
		return 0, 0
	}
	limit := mpp * maxPx
	base := math.Pow(10, math.Floor(math.Log10(limit)))
	for _, m := range []float64{5, 2, 1} {
		if m*base <= limit {
			return m * base, m * base / mpp
		}
	}
	return base, base / mpp
}

func scaleText(m float64) string {
	if m >= 1000 {
		return strconv.FormatFloat(m/1000, 'g', -1, 64) + " km"
	}
	return strconv.FormatFloat(m, 'g', -1, 64) + " m"
}
