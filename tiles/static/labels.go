package static

import (
	"cmp"
	"github.com/paulmach/orb/planar"
	"math"
	"slices"
	"strconv"

	"layoutmap/geo"
)

// Labels. City names first, then zone names, then county names, each
// placed where it overlaps neither the furniture nor an earlier label. A
// zone the image names whose label fits nowhere gets a numbered call-out
// beside it instead, and a key (top right) gives the number's name: every
// named zone is named, none shares a label with a neighbour.

// placedLabel is a label kept by the layout with the box it takes.
type placedLabel struct {
	l    label
	b    box
	city bool
}

// callout is a zone named through the key: its number and badge.
type callout struct {
	z      zoneStyle
	n      int
	x, y   float64 // badge centre
	leader bool    // badge away from the zone: a line joins them
	ar     float64 // the zone symbol's radius: the leader starts at its edge
}

// keyLayout is the call-out key's panel and its lines.
type keyLayout struct {
	b     box
	lines []keyLine
	shown int // call-outs 1..shown are in the key
}

type keyLine struct {
	n      int // 0: a continuation or the "more" line
	zone   string
	text   string
	x, y   float64 // text baseline start
	bx, by float64 // badge centre when n > 0
}

// layoutLabels places the labels, then the call-outs of the zones left
// unlabelled and their key, in the order the comment above gives.
func (l *layouter) layoutLabels() {
	if !l.o.Has(LayerLabels) {
		return
	}
	ls := &labelSet{l: l, frame: box{2, 2, l.w - 2, l.h - 2}}
	named := l.namedZones()
	l.keepPointsClear(named)
	for _, c := range l.cities {
		if ls.try(l.cityLabel(c)) {
			ls.kept[len(ls.kept)-1].city = true
		}
	}
	key, calls := l.fitKey(ls, named)
	key, calls = l.clearUnderKey(ls, named, key, calls)
	shown := 0
	if key != nil {
		// City names under the key give way to it.
		ls.kept = slices.DeleteFunc(ls.kept, func(p placedLabel) bool { return p.city && p.b.overlaps(key.b) })
		l.taken = append(l.taken, key.b)
		shown = key.shown
	}
	if l.report {
		shown = l.bands(calls)
	}
	cos := l.placeCallouts(calls[:shown], ls.frame)
	l.countyLabels(ls)

	g := l.d.group("labels")
	for _, p := range ls.kept {
		g.label(p.l)
	}
	l.drawCallouts(cos, key)
}

// labelSet is the labels kept so far in one layoutLabels.
type labelSet struct {
	l     *layouter
	frame box
	kept  []placedLabel
}

// try keeps lb at the first of the places at whose box (padded) is
// inside the frame and meets nothing taken, and takes that box; false
// when none is free.
func (ls *labelSet) try(lb label, at [][2]float64) bool {
	for _, c := range at {
		lb.X, lb.Y = c[0], c[1]
		b := labelBox(lb).pad(ls.l.u.px(2))
		if !b.inside(ls.frame) || slices.ContainsFunc(ls.l.taken, b.overlaps) {
			continue
		}
		ls.l.taken = append(ls.l.taken, b)
		ls.kept = append(ls.kept, placedLabel{l: lb, b: b})
		return true
	}
	return false
}

// keepPointsClear takes the named zones' points (or their centres, once
// outlines replace points) from the labels: a label covering the point it
// names would hide what it names.
func (l *layouter) keepPointsClear(named []zoneStyle) {
	for _, z := range named {
		r := l.u.px(3)
		if l.v.Zoom < pointsUntil {
			r = z.radius
		}
		l.taken = append(l.taken, box{z.x - r, z.y - r, z.x + r, z.y + r})
	}
}

// fitKey places the named zones' labels and lays out the key of those
// that fit nowhere (their call-outs, in named's order). The key's box is
// reserved and the labels placed again while the key grows: a larger key
// can push more labels into the key. The report layout's key goes in a
// band below the map, so it reserves nothing (nil key).
func (l *layouter) fitKey(ls *labelSet, named []zoneStyle) (*keyLayout, []zoneStyle) {
	base, baseKept := slices.Clone(l.taken), len(ls.kept)
	var key *keyLayout
	var calls []zoneStyle
	for range 4 {
		l.taken, ls.kept = slices.Clone(base), ls.kept[:baseKept]
		if key != nil {
			l.taken = append(l.taken, key.b)
		}
		calls = calls[:0]
		for _, z := range named {
			if !l.zoneLabel(z, ls.try) {
				calls = append(calls, z)
			}
		}
		if l.report {
			break
		}
		k := l.layoutKey(calls, ls.frame)
		if k == nil || key != nil && k.b == key.b {
			return k, calls
		}
		key = k
	}
	return key, calls
}

// clearUnderKey: when the key still grew in fitKey's last pass, the zone
// labels under it become call-outs too (in rank order), and the key is
// laid out again, until no zone label is left under it.
func (l *layouter) clearUnderKey(ls *labelSet, named []zoneStyle, key *keyLayout, calls []zoneStyle) (*keyLayout, []zoneStyle) {
	for key != nil {
		under := false
		ls.kept = slices.DeleteFunc(ls.kept, func(p placedLabel) bool {
			if p.l.Zone == "" || !p.b.overlaps(key.b) {
				return false
			}
			z := slices.IndexFunc(named, func(z zoneStyle) bool { return z.zone.ID == p.l.Zone })
			calls = append(calls, named[z])
			under = true
			return true
		})
		if !under {
			break
		}
		slices.SortStableFunc(calls, func(a, b zoneStyle) int { return cmp.Compare(a.rank, b.rank) })
		key = l.layoutKey(calls, ls.frame)
	}
	return key, calls
}

// countyLabels names the counties where the web map does, last: a county
// name gives way to every city and zone name and to the call-outs.
func (l *layouter) countyLabels(ls *labelSet) {
	if !l.o.Has(LayerCounties) || l.v.TileZoom() < geo.LabelMinZoom[geo.LevelCounty] {
		return
	}
	for _, c := range l.counties {
		x, y := l.v.Pixel(c.LabelPoint)
		ls.try(label{S: l.name(c.Name, c.NameEN), Size: l.u.pt(LabelPt), Fill: colCountyText, Halo: l.u.px(2.4), Anchor: anchorMiddle},
			[][2]float64{{x, y + l.u.pt(LabelPt)*0.32}})
	}
}

// namedZones are the zones the image names: all from zoneLabelZoom (the
// web map's zone labels) or when the filter leaves few; else those with a
// figure when they are few (on a province map, the handful of zones that
// have a tier). Highest tier first: they get the first places and numbers.
func (l *layouter) namedZones() []zoneStyle {
	if !l.o.Has(LayerZones) {
		return nil
	}
	var named []zoneStyle
	withData := slices.DeleteFunc(slices.Clone(l.drawn), func(z zoneStyle) bool { return z.tier == geo.TierNoData })
	switch {
	case l.v.Zoom >= zoneLabelZoom || len(l.drawn) <= fewZones:
		named = slices.Clone(l.drawn)
	case len(withData) <= fewZones:
		named = withData
	}
	// Only zones whose point is in the image: one outside has nothing to
	// point a label or call-out at.
	named = slices.DeleteFunc(named, func(z zoneStyle) bool { return z.x < 0 || z.y < 0 || z.x > l.w || z.y > l.h })
	slices.SortStableFunc(named, func(a, b zoneStyle) int {
		return cmp.Or(cmp.Compare(a.rank, b.rank), cmp.Compare(a.zone.ID, b.zone.ID))
	})
	return named
}

// cityLabel is a city's name (with dist, its count) and the places to try:
// on the point, else above, below, left, right.
func (l *layouter) cityLabel(c *geo.AdminArea) (label, [][2]float64) {
	x, y := l.v.Pixel(c.LabelPoint)
	n := l.name(c.Name, c.NameEN)
	if k := l.dist.byCity[c.Code]; l.o.Dist != "" && k > 0 {
		n += " " + strconv.Itoa(k)
	}
	t := math.Max(0, math.Min(1, (l.v.Zoom-5)/5))
	sz := l.u.pt(CityPtMin + t*(CityPtMax-CityPtMin))
	tw := textWidth(n, sz)
	lb := label{S: n, Size: sz, Fill: colCityText, Halo: l.u.px(3.2), Anchor: anchorMiddle, Bold: true}
	at := [][2]float64{{x, y + sz*0.35}}
	// The other places move the name off the label point; at a small print
	// width a city is only a few names wide, and a name moved that far
	// reads as its neighbour's. So a moved name is kept only where its
	// middle still lies inside the city's own outline (else the city goes
	// unnamed rather than misnamed).
	for _, p := range [][2]float64{{x, y - sz*0.7}, {x, y + sz*1.4}, {x, y - sz*1.7}, {x, y + sz*2.4},
		{x - tw/2 - sz*1.1, y + sz*0.35}, {x + tw/2 + sz*1.1, y + sz*0.35}} {
		if planar.MultiPolygonContains(c.Geom, l.v.LonLat(p[0], p[1]-sz*0.38)) {
			at = append(at, p)
		}
	}
	return lb, at
}

// zoneLabel tries a zone's name below it (as on the web map), else right,
// left, above.
func (l *layouter) zoneLabel(z zoneStyle, try func(label, [][2]float64) bool) bool {
	sz := l.u.pt(LabelPt)
	off := l.u.px(3)
	if l.v.Zoom < pointsUntil {
		off += z.radius
	}
	lb := label{S: l.zoneName(z), Size: sz, Fill: colText, Halo: l.u.px(2.4), Zone: z.zone.ID}
	return try(withAnchor(lb, anchorMiddle), [][2]float64{{z.x, z.y + off + sz*0.85}}) ||
		try(withAnchor(lb, anchorStart), [][2]float64{{z.x + off, z.y + sz*0.38}}) ||
		try(withAnchor(lb, anchorEnd), [][2]float64{{z.x - off, z.y + sz*0.38}}) ||
		try(withAnchor(lb, anchorMiddle), [][2]float64{{z.x, z.y - off - l.u.px(1)}})
}

// labelBox is the box a label's text takes (textWidth's estimate).
func labelBox(lb label) box {
	tw := textWidth(lb.S, lb.Size)
	x0 := lb.X
	switch lb.Anchor {
	case anchorMiddle:
		x0 -= tw / 2
	case anchorEnd:
		x0 -= tw
	}
	return box{x0, lb.Y - lb.Size*0.88, x0 + tw, lb.Y + lb.Size*0.12}
}

// badgeRadius is the radius of the numbered badge of n.
func (l *layouter) badgeRadius(n int) float64 {
	sz := l.u.pt(LabelPt)
	return math.Max(sz*0.62, textWidth(strconv.Itoa(n), sz)/2+l.u.px(2.5))
}

// layoutKey lays the key of zones out top right, below the north arrow
// and above the scale bar, in as many columns (up to three) as its height
// needs, moving below the title panel when the two would meet; nil
// without call-outs. Long names wrap. When not every entry fits, the
// last line says how many zones are left unnamed (and those get no
// number on the map either).
func (l *layouter) layoutKey(calls []zoneStyle, frame box) *keyLayout {
	if len(calls) == 0 {
		return nil
	}
	m, entries := l.keyEntries(calls)
	x1, top, bottom := l.keyRoom(frame, m.gap)
	// Two moves at most (below the title, above the legend): the third
	// box is kept wherever it lands.
	for attempt := 0; attempt < 3; attempt++ {
		rows := max(1, int((bottom-top-2*m.in)/m.lineH))
		lines, cols, used := l.keyGridFitting(entries, rows)
		if len(lines) == 0 {
			return nil // not even one line fits: an image too small for a key
		}
		b := box{x1 - float64(cols)*m.colW - 2*m.in - float64(cols-1)*m.gap, top, x1, top + float64(used)*m.lineH + 2*m.in}
		if attempt < 2 && b.overlaps(l.titleBox) && top < l.titleBox.Y1+m.gap {
			top = l.titleBox.Y1 + m.gap
			continue
		}
		if attempt < 2 && b.overlaps(l.legendBox) && bottom > l.legendBox.Y0-m.gap {
			bottom = l.legendBox.Y0 - m.gap
			continue
		}
		return l.placeKeyLines(b, lines, m)
	}
	return nil
}

// keyMetrics are the key's sizes in px: text size, line height, inset,
// gap between columns, badge radius (that of the largest number, so every
// name starts at the same x) and column width.
type keyMetrics struct {
	sz, lineH, in, gap, br, colW float64
}

// keyEntry is one zone of the key: its number and its name's lines.
type keyEntry struct {
	n     int
	zone  string
	lines []string
}

// keyEntries are the key's entries of calls, each name wrapped to a
// column of 40 % of the map's width (120 px at least); the column is then
// narrowed to the widest line (or the "more" line).
func (l *layouter) keyEntries(calls []zoneStyle) (keyMetrics, []keyEntry) {
	u := l.u
	sz := u.pt(LabelPt)
	m := keyMetrics{sz: sz, lineH: sz * 1.45, in: u.px(6), gap: u.px(6), br: l.badgeRadius(len(calls))}
	colW := math.Max(l.w*0.4, u.px(120))
	var entries []keyEntry
	widest := textWidth(txtKeyMore.format(l.o.Lang, len(calls)), sz)
	for i, z := range calls {
		ls := wrap(l.zoneName(z), sz, colW-2*m.br-u.px(4))
		for _, s := range ls {
			widest = math.Max(widest, textWidth(s, sz)+2*m.br+u.px(4))
		}
		entries = append(entries, keyEntry{i + 1, z.zone.ID, ls})
	}
	m.colW = math.Min(colW, widest)
	return m, entries
}

// keyRoom is where the key may go: its right edge x1, and the band from
// top (below the north arrow) to bottom (above the scale bar).
func (l *layouter) keyRoom(frame box, gap float64) (x1, top, bottom float64) {
	u := l.u
	x1 = frame.X1 - u.px(pad) + 2
	top = frame.Y0 + u.px(pad) - 2
	if l.northBox != (box{}) {
		top = l.northBox.Y1 + gap
	}
	bottom = l.bottom - u.px(pad)
	if l.scaleBox != (box{}) {
		bottom = l.scaleBox.Y0 - gap
	}
	return x1, top, bottom
}

// keyGridFitting is keyGrid of as many entries as fit in columns of rows
// lines, the rest counted on the "more" line: nil when not even that
// line fits.
func (l *layouter) keyGridFitting(entries []keyEntry, rows int) (lines []keyLine, cols, used int) {
	for k := len(entries); k >= 0; k-- {
		var ok bool
		if lines, cols, used, ok = l.keyGrid(entries[:k], len(entries)-k, rows); ok {
			break
		}
	}
	return lines, cols, used
}

// keyGrid puts entries in columns of rows lines (x, y of each line: its
// column and row), a "more" line after them when more > 0; ok is false
// when that needs a fourth column. An entry's wrapped lines stay in one
// column.
func (l *layouter) keyGrid(es []keyEntry, more, rows int) (lines []keyLine, cols, used int, ok bool) {
	col, row := 0, 0
	// add puts a line with h lines left of its entry (itself included).
	add := func(kl keyLine, h int) bool {
		if row+h > rows && row > 0 {
			col, row = col+1, 0
		}
		if col >= 3 || row+h > rows {
			return false
		}
		kl.x, kl.y = float64(col), float64(row)
		lines = append(lines, kl)
		row++
		cols, used = max(cols, col+1), max(used, row)
		return true
	}
	for _, e := range es {
		for j, s := range e.lines {
			kl := keyLine{zone: e.zone, text: s}
			if j == 0 {
				kl.n = e.n
			}
			if !add(kl, len(e.lines)-j) {
				return nil, 0, 0, false
			}
		}
	}
	if more > 0 && !add(keyLine{text: txtKeyMore.format(l.o.Lang, more)}, 1) {
		return nil, 0, 0, false
	}
	return lines, cols, used, true
}

// placeKeyLines turns the grid positions of lines into the key's
// coordinates inside b: each entry's badge, then its text; the "more"
// line starts where the badges do.
func (l *layouter) placeKeyLines(b box, lines []keyLine, m keyMetrics) *keyLayout {
	k := &keyLayout{b: b, lines: lines}
	for i := range k.lines {
		kl := &k.lines[i]
		cx := b.X0 + m.in + kl.x*(m.colW+m.gap)
		base := b.Y0 + m.in + (kl.y+1)*m.lineH - m.lineH*0.3
		kl.bx, kl.by = cx+m.br, base-m.sz*0.35
		kl.x, kl.y = cx+2*m.br+l.u.px(4), base
		if kl.zone == "" {
			kl.x = cx
		}
		if kl.n > 0 {
			k.shown = kl.n
		}
	}
	return k
}

// placeCallouts puts each call-out's badge beside its zone so that no two
// badges meet, no badge covers a label, zone point or furniture, and no
// two leader lines cross nor run through a badge:
//
//  1. next to its zone's point, without a leader, for every call-out;
//  2. for those left, further out (up to seven badge widths, 16
//     directions) with a leader line;
//  3. for those still left, in slots along the nearer side edge of the
//     map, taken in the order of the zones' heights so that leaders to
//     one edge run side by side, and swapped while two of them cross;
//  4. else at the clear place of the map nearest the zone (where every
//     way out of a crowd runs through a badge or a zone's symbol, through
//     the fewest).
//
// A call-out for which none of these is clear goes next to its zone
// regardless (a number is always drawn: the key names it).
func (l *layouter) placeCallouts(calls []zoneStyle, frame box) []callout {
	p := l.newCalloutPlacer(calls, frame)
	// Every call-out gets its first choice before any gets a second, so a
	// crowd's first badges do not take the places beside later zones.
	for i := range calls {
		p.around(i, []int{0}, 8)
	}
	for i := range calls {
		if !p.done[i] {
			p.around(i, []int{1, 2, 3, 4, 5, 6}, 16)
		}
	}
	for _, side := range p.edges() {
		uncross(p.out, side)
	}
	// A clear place first for every call-out left; only then one whose
	// leader runs through badges or symbols, which would otherwise take
	// the room a clear leader needed.
	for _, through := range []bool{false, true} {
		for i := range calls {
			if !p.done[i] {
				p.nearest(i, through)
			}
		}
	}
	for i := range calls {
		if !p.done[i] {
			p.out[i] = p.beside(i)
		}
	}
	return p.out
}

// calloutPlacer is the state of one placeCallouts: the call-outs placed
// so far (out, done), whose badges and leaders every later one keeps
// clear of, and the symbols of every drawn zone, which leaders keep off.
type calloutPlacer struct {
	l       *layouter
	calls   []zoneStyle
	frame   box
	out     []callout
	done    []bool
	badges  []box
	leaders [][2]pt
	symbols []zoneSymbol
}

// zoneSymbol is the box of a drawn zone's symbol (symbolRadius).
type zoneSymbol struct {
	id string
	b  box
}

func (l *layouter) newCalloutPlacer(calls []zoneStyle, frame box) *calloutPlacer {
	p := &calloutPlacer{l: l, calls: calls, frame: frame, out: make([]callout, len(calls)), done: make([]bool, len(calls))}
	for _, z := range l.drawn {
		r := l.symbolRadius(z)
		p.symbols = append(p.symbols, zoneSymbol{z.zone.ID, box{z.x - r, z.y - r, z.x + r, z.y + r}})
	}
	return p
}

// symbolRadius is the radius of the symbol a call-out's leader starts
// from: the zone's disc while points are drawn, or when its location is
// not known (the disc is all there is to point at); else the small
// centre mark inside its outline.
func (l *layouter) symbolRadius(z zoneStyle) float64 {
	if l.v.Zoom < pointsUntil || !geo.LocationKnown(z.zone) {
		return math.Max(z.radius, l.u.pt(LabelPt)*0.7)
	}
	return l.u.px(3)
}

// clear reports whether a badge of call-out number n at (x, y), with a
// leader from zone z when leader, meets nothing placed so far (furniture,
// labels, badges, leaders) nor any zone's symbol; it returns the badge's
// box either way. Without leader the caller judges the line itself (the
// last resort of nearest, which counts what it runs through).
func (p *calloutPlacer) clear(z zoneStyle, n int, x, y float64, leader bool) (box, bool) {
	br := p.l.badgeRadius(n)
	b := box{x - br, y - br, x + br, y + br}.pad(p.l.u.px(1))
	if !b.inside(p.frame) || slices.ContainsFunc(p.l.taken, b.overlaps) {
		return b, false
	}
	for _, s := range p.leaders {
		if segmentHitsBox(s[0], s[1], b) {
			return b, false
		}
	}
	if leader && !p.leaderClear(z, x, y) {
		return b, false
	}
	if slices.ContainsFunc(p.symbols, func(sy zoneSymbol) bool { return sy.b.overlaps(b) }) {
		return b, false
	}
	if d := math.Hypot(x-z.x, y-z.y); leader && d > 0 && !p.leaderOffSymbols(z, x, y, d) {
		return b, false
	}
	return b, true
}

// leaderClear: a leader from z's point to (x, y) crosses no leader and
// runs through no badge placed so far.
func (p *calloutPlacer) leaderClear(z zoneStyle, x, y float64) bool {
	seg := [2]pt{{z.x, z.y}, {x, y}}
	for _, s := range p.leaders {
		if segmentsCross(seg[0], seg[1], s[0], s[1]) {
			return false
		}
	}
	for _, o := range p.badges {
		if segmentHitsBox(seg[0], seg[1], o) {
			return false
		}
	}
	return true
}

// leaderOffSymbols: the leader as drawn, from the edge of z's symbol to
// (x, y) at distance d from its point, runs through no other zone's
// symbol. A symbol overlapping z's own cannot be kept clear, so it does
// not count.
func (p *calloutPlacer) leaderOffSymbols(z zoneStyle, x, y, d float64) bool {
	a := p.l.symbolRadius(z)
	from := pt{z.x + a/d*(x-z.x), z.y + a/d*(y-z.y)}
	for _, sy := range p.symbols {
		in := func(q pt) bool { return q.X >= sy.b.X0 && q.X <= sy.b.X1 && q.Y >= sy.b.Y0 && q.Y <= sy.b.Y1 }
		if sy.id != z.zone.ID && !in(from) && !in(pt{z.x, z.y}) && segmentHitsBox(from, pt{x, y}, sy.b) {
			return false
		}
	}
	return true
}

// place puts call-out i's badge (box b) at (x, y), with a leader when
// leader, and takes its room from every later label and badge.
func (p *calloutPlacer) place(i int, x, y float64, leader bool, b box) {
	z := p.calls[i]
	p.out[i] = callout{z: z, n: i + 1, x: x, y: y, leader: leader, ar: p.l.symbolRadius(z)}
	p.done[i] = true
	p.l.taken = append(p.l.taken, b)
	p.badges = append(p.badges, b)
	if leader {
		p.leaders = append(p.leaders, [2]pt{{z.x, z.y}, {x, y}})
	}
}

// around tries call-out i on rings around its zone (ring 0 touches the
// zone's symbol, each further ring one badge width and a gap out, with a
// leader) in dirs directions from the lower right, clockwise; it places
// it at the first clear one.
func (p *calloutPlacer) around(i int, rings []int, dirs int) {
	z, n := p.calls[i], i+1
	br := p.l.badgeRadius(n)
	d1 := p.l.symbolRadius(z) + br + p.l.u.px(1)
	for _, ring := range rings {
		d := d1 + float64(ring)*(2*br+p.l.u.px(5))
		for k := range dirs {
			a := math.Pi/4 + float64(k)*2*math.Pi/float64(dirs) // lower right first, clockwise
			x, y := z.x+d*math.Cos(a), z.y+d*math.Sin(a)
			if b, ok := p.clear(z, n, x, y, ring > 0); ok {
				p.place(i, x, y, ring > 0, b)
				return
			}
		}
	}
}

// nearest places call-out i anywhere on the map, on a grid of badge
// steps: at the clear place nearest its zone or, through, where every
// way out of a crowd runs through a badge or another zone's symbol, at
// the place whose leader crosses no leader and runs through the fewest
// (the nearer of equals). It leaves i undone when no place qualifies.
func (p *calloutPlacer) nearest(i int, through bool) {
	z, frame := p.calls[i], p.frame
	br := p.l.badgeRadius(i + 1)
	step := 2*br + p.l.u.px(2)
	bestD, bestN, bx, by := math.Inf(1), math.MaxInt, 0.0, 0.0
	var bb box
	for y := frame.Y0 + br + p.l.u.px(2); y <= frame.Y1-br-p.l.u.px(2); y += step {
		for x := frame.X0 + br + p.l.u.px(2); x <= frame.X1-br-p.l.u.px(2); x += step {
			d := math.Hypot(x-z.x, y-z.y)
			if !through && d >= bestD {
				continue
			}
			b, ok := p.clear(z, i+1, x, y, !through)
			if !ok {
				continue
			}
			n := 0
			if through {
				if p.crossesLeader(z, x, y) {
					continue
				}
				n = p.runsThrough(z, x, y)
			}
			if n < bestN || n == bestN && d < bestD {
				bestD, bestN, bx, by, bb = d, n, x, y, b
			}
		}
	}
	if !math.IsInf(bestD, 1) {
		p.place(i, bx, by, true, bb)
	}
}

// crossesLeader: a leader from z's point to (x, y) crosses one placed.
func (p *calloutPlacer) crossesLeader(z zoneStyle, x, y float64) bool {
	return slices.ContainsFunc(p.leaders, func(s [2]pt) bool { return segmentsCross(pt{z.x, z.y}, pt{x, y}, s[0], s[1]) })
}

// runsThrough counts the badges and other zones' symbols a leader from
// z's point to (x, y) runs through.
func (p *calloutPlacer) runsThrough(z zoneStyle, x, y float64) int {
	n := 0
	for _, o := range p.badges {
		if segmentHitsBox(pt{z.x, z.y}, pt{x, y}, o) {
			n++
		}
	}
	for _, sy := range p.symbols {
		if sy.id != z.zone.ID && segmentHitsBox(pt{z.x, z.y}, pt{x, y}, sy.b) {
			n++
		}
	}
	return n
}

// beside is call-out i next to its zone (lower right) kept inside the
// frame, whatever it meets: the last resort, as the key names the number.
func (p *calloutPlacer) beside(i int) callout {
	z, frame := p.calls[i], p.frame
	br := p.l.badgeRadius(i + 1)
	d := p.l.symbolRadius(z) + br + p.l.u.px(1)
	c := callout{z: z, n: i + 1, x: z.x + d*math.Cos(math.Pi/4), y: z.y + d*math.Sin(math.Pi/4)}
	c.x = math.Max(frame.X0+br, math.Min(frame.X1-br, c.x))
	c.y = math.Max(frame.Y0+br, math.Min(frame.Y1-br, c.y))
	return c
}

// edges places the call-outs not yet done in slots down the left and
// right edges of the map (each on the edge nearer its zone), in the order
// of their zones' heights; it returns the call-outs placed on each edge.
func (p *calloutPlacer) edges() [][]int {
	calls, frame := p.calls, p.frame
	var left, right []int
	for i, z := range calls {
		if p.done[i] {
			continue
		}
		if z.x < (frame.X0+frame.X1)/2 {
			left = append(left, i)
		} else {
			right = append(right, i)
		}
	}
	br := p.l.badgeRadius(len(calls))
	var sides [][]int
	for side, idx := range [][]int{left, right} {
		if len(idx) == 0 {
			continue
		}
		x := frame.X0 + p.l.u.px(pad) + br
		if side == 1 {
			x = frame.X1 - p.l.u.px(pad) - br
		}
		slices.SortStableFunc(idx, func(a, b int) int { return cmp.Compare(calls[a].y, calls[b].y) })
		sides = append(sides, p.edge(idx, x, br))
	}
	return sides
}

// edge places the call-outs idx (in the order of their zones' heights)
// in the slots of badge radius br down the edge at x; it returns those
// placed.
func (p *calloutPlacer) edge(idx []int, x, br float64) []int {
	frame := p.frame
	step := 2*br + p.l.u.px(4)
	var mine []int
	lastY := math.Inf(-1)
	for _, i := range idx {
		z := p.calls[i]
		// The free slot nearest the zone's height below the last one
		// taken on this edge, so the order follows the zones'.
		best, bestY := box{}, math.NaN()
		for y := frame.Y0 + p.l.u.px(pad) + br; y <= frame.Y1-p.l.u.px(pad)-br; y += step {
			if y <= lastY {
				continue
			}
			if b, ok := p.clear(z, i+1, x, y, true); ok && (math.IsNaN(bestY) || math.Abs(y-z.y) < math.Abs(bestY-z.y)) {
				best, bestY = b, y
			}
		}
		if math.IsNaN(bestY) {
			continue
		}
		p.place(i, x, bestY, true, best)
		mine = append(mine, i)
		lastY = bestY
	}
	return mine
}

// uncross swaps the badges of two call-outs of one edge (idx) while their
// leaders cross: both badges end on the same edge, and each swap shortens
// the two leaders in all, so it ends.
func uncross(out []callout, idx []int) {
	for swapped := true; swapped; {
		swapped = false
		for a := 0; a < len(idx); a++ {
			for b := a + 1; b < len(idx); b++ {
				ca, cb := &out[idx[a]], &out[idx[b]]
				if segmentsCross(pt{ca.z.x, ca.z.y}, pt{ca.x, ca.y}, pt{cb.z.x, cb.z.y}, pt{cb.x, cb.y}) {
					ca.x, ca.y, cb.x, cb.y = cb.x, cb.y, ca.x, ca.y
					swapped = true
				}
			}
		}
	}
}

// segmentsCross reports whether segments ab and cd cross or touch (other
// than at a shared end).
func segmentsCross(a, b, c, d pt) bool {
	orient := func(p, q, r pt) float64 { return (q.X-p.X)*(r.Y-p.Y) - (q.Y-p.Y)*(r.X-p.X) }
	if a == c || a == d || b == c || b == d {
		return false
	}
	d1, d2 := orient(c, d, a), orient(c, d, b)
	d3, d4 := orient(a, b, c), orient(a, b, d)
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

// segmentHitsBox reports whether segment ab runs through b.
func segmentHitsBox(a, c pt, b box) bool {
	// Liang–Barsky: clip the segment's parameter range to the box.
	t0, t1 := 0.0, 1.0
	dx, dy := c.X-a.X, c.Y-a.Y
	for _, e := range [4][2]float64{{-dx, a.X - b.X0}, {dx, b.X1 - a.X}, {-dy, a.Y - b.Y0}, {dy, b.Y1 - a.Y}} {
		p, q := e[0], e[1]
		if p == 0 {
			if q < 0 {
				return false
			}
			continue
		}
		r := q / p
		if p < 0 {
			t0 = math.Max(t0, r)
		} else {
			t1 = math.Min(t1, r)
		}
		if t0 > t1 {
			return false
		}
	}
	return true
}

// drawCallouts draws the badges on the map and the key.
func (l *layouter) drawCallouts(cos []callout, key *keyLayout) {
	if len(cos) == 0 {
		return
	}
	u := l.u
	g := l.d.group("callouts")
	for _, c := range cos {
		if d := math.Hypot(c.x-c.z.x, c.y-c.z.y); c.leader && d > c.ar {
			// From the edge of the zone's symbol, which stays whole.
			f := c.ar / d
			g.shape(shape{Rings: [][]pt{{{c.z.x + f*(c.x-c.z.x), c.z.y + f*(c.y-c.z.y)}, {c.x, c.y}}}, Stroke: colCallout, Width: u.px(1)})
		}
		l.badge(g, c.x, c.y, c.n, c.z.zone.ID)
		r := l.badgeRadius(c.n)
		l.mapBoxes = append(l.mapBoxes, namedBox{"callout " + strconv.Itoa(c.n), box{c.x - r, c.y - r, c.x + r, c.y + r}})
	}
	if key == nil {
		return
	}
	kg := l.d.group("callout-key")
	kg.shape(shape{Rings: [][]pt{rectRing(key.b)}, Closed: true, Fill: colPanel, Stroke: colPanelLn, Width: u.px(0.8)})
	l.mapBoxes = append(l.mapBoxes, namedBox{"key", key.b})
	for _, kl := range key.lines {
		if kl.n > 0 {
			l.badge(kg, kl.bx, kl.by, kl.n, "")
		}
		kg.label(label{X: kl.x, Y: kl.y, S: kl.text, Size: u.pt(LabelPt), Fill: colText, Zone: kl.zone, Role: roleKey})
	}
}

// badge is a numbered disc; zone, when set, marks the number as the
// call-out of that zone (SVG data-zone on the text).
func (l *layouter) badge(g *group, x, y float64, n int, zone string) {
	sz := l.u.pt(LabelPt)
	g.shape(shape{Rings: [][]pt{circleRing(x, y, l.badgeRadius(n), 20)}, Closed: true, Fill: colCallout, Stroke: colHalo, Width: l.u.px(1)})
	g.label(label{X: x, Y: y + sz*0.35, S: strconv.Itoa(n), Size: sz, Bold: true, Fill: colHalo, Anchor: anchorMiddle, Zone: zone, Role: roleCallout})
}

// zoneName is how the image names a zone (label, key): its short name, and
// when its colour comes from a figure of one part of the zone, that part
// ("漯河经开区（仅食品产业）"), as its card and tooltip say.
func (l *layouter) zoneName(z zoneStyle) string {
	return shortName(l.name(z.zone.Name, z.zone.NameEN)) + l.name(paren(z.scope, LangZH), paren(z.scopeEN, LangEN))
}

// paren is s in brackets of lang ("（仅食品产业）", " (food industry only)"),
// "" for "".
func paren(s, lang string) string {
	switch {
	case s == "":
		return ""
	case lang == LangEN:
		return " (" + s + ")"
	}
	return "（" + s + "）"
}
