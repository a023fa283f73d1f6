package static

import (
	"math"
	"strconv"
	"strings"

	"layoutmap/geo"
)

// layoutFurniture lays out the furniture. Two layouts:
//
//   - inset (the usual screen-and-A4 case): the source band across the
//     bottom of the image, the title panel top left and the legend bottom
//     left over the map, scale bar and north arrow on the map;
//   - report (a small print width, where 8 pt type is large against the
//     map): the requested Width×Height is all map, the title and caption
//     go in a band above it, the legend (in as many columns as the width
//     holds, long entries wrapped) and the source line in bands below it,
//     and the image grows by those bands. Scale bar, north arrow and the
//     call-out key stay on the map.
//
// The report layout is chosen when the inset one would hide the map: the
// legend taller or wider than half the map or meeting the title panel,
// the title panel more than a quarter of the map's height or a fifth of
// its area, or the source band more than an eighth of the image's height.
// Nothing is cut either way: the image grows by what the bands need.
func (l *layouter) layoutFurniture() {
	foot := l.footerLines()
	var leg legendBlock
	if l.o.Legend {
		leg = l.legendBlock(math.Inf(1))
	}
	l.bottom = l.h - foot.h
	tb := l.titleBlock(math.Max(l.u.px(80), math.Min(l.w*0.7, l.w-2*l.u.px(pad))-2*l.u.px(8)))
	l.scaleBar()
	l.northArrow()
	p := l.u.px(pad)
	titleBox := box{p, p, p + tb.w, p + tb.h}
	legendBox := box{p, l.bottom - p - leg.h, p + leg.w, l.bottom - p}
	mapH := l.bottom
	inset := foot.h <= l.h/8 && tb.h <= mapH/4 && tb.w*tb.h <= 0.2*l.w*mapH
	if len(leg.lines) > 0 {
		inset = inset && leg.h <= mapH/2 && leg.w <= l.w/2 &&
			!legendBox.pad(l.u.px(6)).overlaps(titleBox) && !legendBox.overlaps(l.scaleBox) && !legendBox.overlaps(l.northBox)
	}
	// Drawn again in the inset order (footer, title, scale bar, north
	// arrow, legend), the order images had before the report layout.
	l.furniture.Items, l.taken, l.mapBoxes = nil, nil, nil
	if inset {
		l.drawFooter(foot, l.h-foot.h)
		l.titleBox = titleBox
		l.panel(l.titleBox, "title")
		l.drawTitle(tb, p, p)
		l.scaleBar()
		l.northArrow()
		if len(leg.lines) > 0 {
			l.legendBox = legendBox
			l.panel(legendBox, "legend")
			l.drawLegend(l.furniture, leg, legendBox.X0, legendBox.Y0)
		}
		return
	}
	// Report layout: the map keeps the whole requested height; the scale
	// bar moves down to its bottom edge.
	l.bottom = l.h
	l.scaleBar()
	l.northArrow()
	l.report = true
	full := l.w - 2*p
	tb = l.titleBlock(full - 2*l.u.px(8))
	l.header = math.Ceil(tb.h + p)
	if l.o.Legend {
		l.bandLegend = l.legendBlock(full)
	}
	// The header: title and caption, above the map. The bands below are
	// laid out once the labels know which zones the key names (bands).
	fg := l.frame
	fg.shape(shape{Rings: [][]pt{rectRing(box{0, 0, l.w, l.header})}, Closed: true, Fill: colHalo})
	l.frameBox(box{p, p / 2, p + tb.w, p/2 + tb.h}, "title")
	l.drawTitleIn(fg, tb, p, p/2)
}

// bands lays out the report layout's bands below the map (image
// coordinates, the map being header px down): the legend, the call-out
// key (every entry: the image grows instead of leaving zones unnamed),
// the source line; the image's height is their end.
//
// The key holds every call-out unless that would take the bands past
// keyBands map heights: then as many as fit and a last line saying how
// many zones are left unnamed (those get no number on the map either).
// It returns the number of call-outs in the key.
func (l *layouter) bands(calls []zoneStyle) int {
	l.bandsDone = true
	p := l.u.px(pad)
	full := l.w - 2*p
	foot := l.footerLines()
	keyFor := func(k int) legendBlock {
		var es []legendEntry
		var zones []string
		for i, z := range calls[:k] {
			n := i + 1
			es = append(es, legendEntry{
				swatch: func(g *group, x, y float64) { l.badge(g, x+l.u.px(7), y+l.u.px(5), n, "") },
				text:   l.zoneName(z)})
			zones = append(zones, z.zone.ID)
		}
		if k < len(calls) {
			es = append(es, legendEntry{text: txtKeyMore.format(l.o.Lang, len(calls)-k)})
			zones = append(zones, "")
		}
		return l.blockOf("", es, zones, full)
	}
	room := keyBands*l.h - l.header - foot.h
	if len(l.bandLegend.lines) > 0 {
		room -= l.bandLegend.h + p/2
	}
	shown := len(calls)
	var key legendBlock
	for ; len(calls) > 0 && shown >= 0; shown-- {
		if key = keyFor(shown); key.h+p/2 <= room || shown == 0 {
			break
		}
	}
	shown = max(shown, 0)
	y := l.header + l.h
	top := y
	var blocks []struct {
		b    legendBlock
		name string
		g    *group
	}
	if len(l.bandLegend.lines) > 0 {
		blocks = append(blocks, struct {
			b    legendBlock
			name string
			g    *group
		}{l.bandLegend, "legend", l.frame})
	}
	kg := &group{ID: "callout-key"}
	if len(key.lines) > 0 {
		blocks = append(blocks, struct {
			b    legendBlock
			name string
			g    *group
		}{key, "key", kg})
	}
	total := y
	for _, b := range blocks {
		total += b.b.h + p/2
	}
	total = math.Ceil(total + foot.h)
	l.d.Height = int(total)
	fg := l.frame
	fg.shape(shape{Rings: [][]pt{rectRing(box{0, top, l.w, total})}, Closed: true, Fill: colHalo})
	fg.shape(shape{Rings: [][]pt{{{0, top}, {l.w, top}}}, Stroke: colPanelLn, Width: l.u.px(0.8)})
	for _, b := range blocks {
		l.frameBox(box{p, y + p/2, p + b.b.w, y + p/2 + b.b.h}, b.name)
		l.drawLegend(b.g, b.b, p, y+p/2)
		y += b.b.h + p/2
	}
	l.drawFooterIn(fg, foot, y, total)
	if len(kg.Items) > 0 {
		l.bandKey = kg
	}
	return shown
}

// frameBox records a furniture box of the report layout's bands (image
// coordinates).
func (l *layouter) frameBox(b box, name string) {
	l.d.boxes = append(l.d.boxes, namedBox{name, b})
}

// panel draws a furniture panel over the map and takes its box.
func (l *layouter) panel(b box, name string) {
	l.furniture.shape(shape{Rings: [][]pt{rectRing(b)}, Closed: true, Fill: colPanel, Stroke: colPanelLn, Width: l.u.px(0.8)})
	l.taken = append(l.taken, b)
	l.mapBoxes = append(l.mapBoxes, namedBox{name, b})
}

// footLine is a line of the source band.
type footLine struct {
	s    string
	size float64
	bold bool
}

// footBlock is the source band's lines and height.
type footBlock struct {
	lines []footLine
	h     float64
}

// footerLines are the band across the bottom: the approval number (审图号)
// when the deployment has one, then the source line with the boundaries'
// origin and its "not officially reviewed" note, which stays either way.
func (l *layouter) footerLines() footBlock {
	u := l.u
	attr := l.s.Attribution
	if attr == "" {
		attr = DefaultAttribution[l.o.Lang]
	}
	size := u.pt(SourcePt)
	margin := u.px(6)
	var f footBlock
	if l.s.ApprovalNumber != "" {
		as := u.pt(LabelPt)
		for _, s := range wrap(txtApproval.in(l.o.Lang)+l.s.ApprovalNumber, as, l.w-2*margin) {
			f.lines = append(f.lines, footLine{s, as, true})
		}
	}
	if es := l.enterpriseSource(); es != "" {
		attr += " " + es
	}
	for _, s := range wrap(attr, size, l.w-2*margin) {
		f.lines = append(f.lines, footLine{s, size, false})
	}
	f.h = u.px(6)
	for _, ln := range f.lines {
		f.h += ln.size * 1.35
	}
	return f
}

// drawFooter draws the source band over the map from top to the bottom.
func (l *layouter) drawFooter(f footBlock, top float64) {
	band := box{0, top, l.w, l.h}
	l.furniture.shape(shape{Rings: [][]pt{rectRing(band)}, Closed: true, Fill: colPanel})
	l.taken = append(l.taken, band)
	l.mapBoxes = append(l.mapBoxes, namedBox{"source", band})
	l.footerText(l.furniture, f, top)
}

// drawFooterIn draws the source band of the report layout (its white
// background is the band's below the map).
func (l *layouter) drawFooterIn(g *group, f footBlock, top, bottom float64) {
	l.frameBox(box{0, top, l.w, bottom}, "source")
	l.footerText(g, f, top)
}

func (l *layouter) footerText(g *group, f footBlock, top float64) {
	y := top + l.u.px(3)
	for _, ln := range f.lines {
		y += ln.size * 1.35
		g.label(label{X: l.u.px(6), Y: y - ln.size*0.3, S: ln.s, Size: ln.size, Bold: ln.bold, Fill: colSourceText, Role: roleSource})
	}
}

// titleLines is the title and the caption (what the filter selected, so a
// report image never hides its filter) wrapped to maxW, with the panel's
// size.
type titleLines struct {
	title, caption []string
	w, h           float64
}

func (l *layouter) titleBlock(maxW float64) titleLines {
	u := l.u
	ts, cs := u.pt(TitlePt), u.pt(CaptionPt)
	in := u.px(8)
	capt := caption(l.s, l.o, len(l.drawn))
	if note := l.noneComparedNote(); note != "" {
		capt += " · " + note
	}
	t := titleLines{title: wrap(title(l.s, l.o), ts, maxW), caption: wrap(capt, cs, maxW)}
	tw := 0.0
	for _, s := range t.title {
		tw = math.Max(tw, textWidth(s, ts))
	}
	for _, s := range t.caption {
		tw = math.Max(tw, textWidth(s, cs))
	}
	t.w = tw + 2*in
	t.h = float64(len(t.title))*ts*1.3 + float64(len(t.caption))*cs*1.4 + u.px(12)
	return t
}

// drawTitle draws the title panel's text with the panel at (x, y).
func (l *layouter) drawTitle(t titleLines, x, y float64) { l.drawTitleIn(l.furniture, t, x, y) }

func (l *layouter) drawTitleIn(g *group, t titleLines, x, y float64) {
	u := l.u
	ts, cs := u.pt(TitlePt), u.pt(CaptionPt)
	in := u.px(8)
	y += u.px(6)
	for _, s := range t.title {
		y += ts * 1.3
		g.label(label{X: x + in, Y: y - ts*0.25, S: s, Size: ts, Bold: true, Fill: colText, Role: roleTitle})
	}
	for _, s := range t.caption {
		y += cs * 1.4
		g.label(label{X: x + in, Y: y - cs*0.3, S: s, Size: cs, Fill: colSourceText})
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
	l.panel(l.scaleBox, "scale")
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
	l.panel(b, "north")
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

// noneComparedNote says in words that a comparison image compares
// nothing, when no zone drawn can be compared (its map is all grey),
// with the commonest reason; "" otherwise.
func (l *layouter) noneComparedNote() string {
	if l.o.Compare == 0 || len(l.drawn) == 0 {
		return ""
	}
	reasons := map[string]int{}
	top := ""
	for _, z := range l.drawn {
		if !z.hollow {
			return ""
		}
		reasons[z.change.Reason]++
		if top == "" || reasons[z.change.Reason] > reasons[top] || reasons[z.change.Reason] == reasons[top] && z.change.Reason < top {
			top = z.change.Reason
		}
	}
	why := changeText(geo.Change{Reason: top}, l.o.Lang)
	if i := strings.IndexAny(why, "：:"); i >= 0 {
		why = strings.TrimSpace(strings.TrimLeft(why[i:], "：:"))
	}
	return txtNoneCompared.format(l.o.Lang, l.o.Compare, l.s.Filter.Year, why)
}
