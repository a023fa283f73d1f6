package static

import (
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"

	"layoutmap/geo"
)

// legendEntry is one line of the legend: a swatch (nil for a heading
// line) drawn at the swatch box's top-left corner, and its text.
type legendEntry struct {
	swatch func(g *group, x, y float64)
	text   string
}

// legendLine is one line of the legend: a bold heading (or sub-heading)
// line, or an entry's text with its swatch on the entry's first line and
// the text after the swatch column; col and row place it in the block.
type legendLine struct {
	swatch     func(g *group, x, y float64)
	text       string
	bold       bool
	indent     bool
	col, row   int
	zone, role string
}

// legendBlock is the legend laid out: its lines, the column width and
// the size of its panel (insets included).
type legendBlock struct {
	lines     []legendLine
	colW, gap float64
	w, h      float64
}

// legendBlock lays the legend out in a panel at most maxW wide: one
// column when maxW is infinite (the inset legend over the map), else as
// many columns as fit, entries kept whole within a column, a text longer
// than a column wrapped (never cut). The heading spans the columns.
func (l *layouter) legendBlock(maxW float64) legendBlock {
	head, entries := l.legendEntries()
	return l.blockOf(head, entries, nil, maxW)
}

// blockOf lays out a heading and entries as legendBlock describes; keyOf,
// when set, gives entry i's zone: the entries are the call-out key's (SVG
// data-zone and class key on their text).
func (l *layouter) blockOf(head string, entries []legendEntry, keyOf []string, maxW float64) legendBlock {
	if head == "" && len(entries) == 0 {
		return legendBlock{}
	}
	u := l.u
	size := u.pt(LabelPt)
	lineH := size * 1.45
	in := u.px(8)
	b := legendBlock{gap: u.px(14)}
	inner := maxW - 2*in
	width := 0.0
	headRows := 0
	if head != "" {
		for _, s := range wrap(head, size, inner) {
			b.lines = append(b.lines, legendLine{text: s, bold: true, row: headRows})
			width = math.Max(width, textWidth(s, size))
			headRows++
		}
	}
	lw := legendWrap{entries: entries, keyOf: keyOf, size: size, sw: u.px(20)}
	groups, colW, rows := lw.columns(inner, b.gap, !math.IsInf(maxW, 1))
	b.colW = colW
	col, r, used, usedCols := 0, 0, 0, 0
	for _, g := range groups {
		if r > 0 && r+len(g) > rows {
			col, r = col+1, 0
		}
		for _, ln := range g {
			ln.col, ln.row = col, headRows+r
			b.lines = append(b.lines, ln)
			r++
		}
		used, usedCols = max(used, r), max(usedCols, col+1)
	}
	width = math.Max(width, float64(usedCols)*b.colW+float64(usedCols-1)*b.gap)
	b.w = width + 2*in
	b.h = float64(headRows+used)*lineH + u.px(10)
	return b
}

// legendWrap wraps legend entries (keyOf: as in blockOf) in text of size
// beside a swatch column sw wide.
type legendWrap struct {
	entries  []legendEntry
	keyOf    []string
	size, sw float64
}

// columns wraps the entries into columns within inner (gap between
// columns): one column, or when multi as many columns as make the legend
// shortest, 1 to 4, each at least six characters beside its swatch,
// entries wrapped to it. It returns the lines of each entry, the column
// width and the rows per column.
func (lw legendWrap) columns(inner, gap float64, multi bool) (groups [][]legendLine, colW float64, rows int) {
	groups, colW, total := lw.wrap(inner)
	if !multi {
		return groups, colW, total
	}
	rows = legendRows(groups, total, 1)
	for cols := 2; cols <= 4; cols++ {
		colMax := (inner - float64(cols-1)*gap) / float64(cols)
		if colMax < lw.sw+6*lw.size {
			break
		}
		gs, cw, tot := lw.wrap(colMax)
		if r := legendRows(gs, tot, cols); r < rows {
			groups, colW, rows = gs, cw, r
		}
	}
	return groups, colW, rows
}

// wrap wraps every entry to colMax: the lines of each, the widest line
// and the total.
func (lw legendWrap) wrap(colMax float64) (groups [][]legendLine, colW float64, total int) {
	for i, e := range lw.entries {
		avail := colMax
		if e.swatch != nil {
			avail -= lw.sw
		}
		var g []legendLine
		for j, s := range wrap(e.text, lw.size, avail) {
			ln := legendLine{text: s, bold: e.swatch == nil, indent: e.swatch != nil}
			if lw.keyOf != nil {
				ln.zone, ln.role = lw.keyOf[i], roleKey
			}
			if j == 0 {
				ln.swatch = e.swatch
			}
			w := textWidth(s, lw.size)
			if ln.indent {
				w += lw.sw
			}
			colW = math.Max(colW, w)
			g = append(g, ln)
		}
		groups = append(groups, g)
		total += len(g)
	}
	return groups, colW, total
}

// legendRows is the fewest rows that hold every entry (groups, total
// lines) whole in cols columns.
func legendRows(groups [][]legendLine, total, cols int) int {
	rows := max(1, (total+cols-1)/cols)
	for ; ; rows++ {
		col, r, ok := 0, 0, true
		for _, g := range groups {
			if r > 0 && r+len(g) > rows {
				col, r = col+1, 0
			}
			if col >= cols {
				ok = false
				break
			}
			r += len(g)
		}
		if ok {
			return rows
		}
	}
}

// drawLegend draws b's lines with its panel's top-left corner at (x, y).
func (l *layouter) drawLegend(g *group, b legendBlock, x, y float64) {
	u := l.u
	size := u.pt(LabelPt)
	lineH := size * 1.45
	sw, in := u.px(20), u.px(8)
	for _, ln := range b.lines {
		lx := x + in + float64(ln.col)*(b.colW+b.gap)
		base := y + u.px(5) + float64(ln.row+1)*lineH - lineH*0.28
		if ln.swatch != nil {
			ln.swatch(g, lx, base-size*0.8)
		}
		if ln.indent {
			lx += sw
		}
		g.label(label{X: lx, Y: base, S: ln.text, Size: size, Bold: ln.bold, Fill: colText, Zone: ln.zone, Role: ln.role})
	}
}

// legendEntries says what the drawn image needs explained: the zones'
// colours (tiers, or clusters with the counting rule) with counts of the
// zones drawn, the geometry qualities and markers present, the dist ramp
// and the regions shown. Swatches use the map's own symbol functions.
func (l *layouter) legendEntries() (head string, entries []legendEntry) {
	if l.o.Has(LayerZones) {
		head, entries = l.zoneLegend()
	}
	entries = append(entries, l.distLegend()...)
	entries = append(entries, l.enterpriseLegend()...)
	if len(l.regions) > 0 {
		entries = append(entries, legendEntry{nil, txtRegionHead.in(l.o.Lang)})
	}
	for _, r := range l.regions {
		entries = append(entries, legendEntry{l.fillSwatch(withAlpha(r.col, 41), withAlpha(r.col, 217)), l.name(r.r.Name, r.r.NameEN)})
	}
	return head, entries
}

// rectSwatch is a legend swatch: sh0 drawn as the swatch's rectangle.
func (l *layouter) rectSwatch(sh0 shape) func(g *group, x, y float64) {
	sw, sh := l.u.px(14), l.u.px(10)
	return func(g *group, x, y float64) {
		sh0.Rings, sh0.Closed = [][]pt{rectRing(box{x, y, x + sw, y + sh})}, true
		g.shape(sh0)
	}
}

// fillSwatch is a legend swatch filled with fill, outlined with stroke.
func (l *layouter) fillSwatch(fill, stroke color.NRGBA) func(g *group, x, y float64) {
	return l.rectSwatch(shape{Fill: fill, Stroke: stroke, Width: l.u.px(0.9)})
}

// zoneLegend is the zones' part of the legend: the heading and colours
// (change classes, clusters or tiers) with counts, then the geometry
// qualities and markers present in the image.
func (l *layouter) zoneLegend() (head string, entries []legendEntry) {
	s, o, u, lang := l.s, l.o, l.u, l.o.Lang
	sw, sh := u.px(14), u.px(10)
	rect, fillSwatch := l.rectSwatch, l.fillSwatch
	c := l.legendCounts()
	if o.Compare != 0 {
		head = changeHead(s, o, lang)
		for _, cl := range geo.ChangeClasses {
			col := rgb(cl.Color)
			entries = append(entries, legendEntry{fillSwatch(col, darker(col, 0.8)), fmt.Sprintf("%s (%d)", l.name(cl.Label, cl.LabelEN), c.byClass[cl.ID])})
		}
		entries = append(entries, legendEntry{func(g *group, x, y float64) { notComparedDot(g, x+sw/2, y+sh/2, u.px(4), u, "", "") },
			fmt.Sprintf("%s (%d)", txtNotCompared.in(lang), c.notCompared)})
	} else if o.Color == ColorCluster {
		head = txtClusterHead.in(lang)
		for i, cl := range s.Taxonomy.Clusters {
			if n := c.byCluster[i]; n > 0 {
				entries = append(entries, legendEntry{fillSwatch(ClusterColor(i), colHalo), fmt.Sprintf("%s (%d)", l.name(cl.Name, cl.NameEN), n)})
			}
		}
		if n := c.byCluster[-1]; n > 0 {
			entries = append(entries, legendEntry{fillSwatch(OtherColor, colHalo), fmt.Sprintf("%s (%d)", txtNoCluster.in(lang), n)})
		}
		entries = append(entries, legendEntry{nil, txtClusterRule.in(lang)})
	} else {
		head = tierHead(s, lang)
		for _, t := range append(slices.Clone(s.Tiers), geo.NoDataTier) {
			col := TierColor(s.Tiers, t.ID)
			entries = append(entries, legendEntry{fillSwatch(col, darker(col, 0.8)), fmt.Sprintf("%s (%d)", l.name(t.Label, t.LabelEN), c.byTier[t.ID])})
		}
	}
	// Only the geometry qualities and markers present in the image.
	if c.official {
		entries = append(entries, legendEntry{rect(outlineShape(NoDataFill, geo.GeomOfficial, 9, u)), txtOfficial.in(lang)})
	}
	if c.approx {
		entries = append(entries, legendEntry{rect(outlineShape(NoDataFill, geo.GeomApproximate, 9, u)), txtApprox.in(lang)})
	}
	if c.pointOnly {
		entries = append(entries, legendEntry{func(g *group, x, y float64) { pointDot(g, x+sw/2, y+sh/2, u.px(4), NoDataFill, u, "", "") }, txtNoArea.in(lang)})
	}
	if c.unknown {
		entries = append(entries, legendEntry{func(g *group, x, y float64) { unknownMarker(g, x+sw/2, y+sh/2, colZoneOutline, u, "", "") }, txtUnknownLoc.in(lang)})
	}
	if c.lower && l.v.Zoom < pointsUntil && o.Compare == 0 {
		entries = append(entries, legendEntry{func(g *group, x, y float64) { lowerBoundRing(g, x+sw/2, y+sh/2, u.px(1), u, "") }, txtLower.in(lang)})
	}
	return head, entries
}

// distLegend is the dist ramp's part of the legend (none without dist).
func (l *layouter) distLegend() (entries []legendEntry) {
	s, o, lang := l.s, l.o, l.o.Lang
	if o.Dist != "" {
		cn := o.Dist
		for _, c := range s.Taxonomy.Clusters {
			if c.ID == o.Dist {
				cn = l.name(c.Name, c.NameEN)
			}
		}
		entries = append(entries, legendEntry{nil, fmt.Sprintf(txtDistHead.in(lang), cn)})
		if l.dist.max > 0 {
			for i := range geo.DistRamp {
				lo := int(math.Floor(float64(l.dist.max)*float64(i)/float64(len(geo.DistRamp)))) + 1
				hi := int(math.Floor(float64(l.dist.max) * float64(i+1) / float64(len(geo.DistRamp))))
				if hi < lo {
					continue
				}
				t := strconv.Itoa(lo)
				if hi > lo {
					t += "–" + strconv.Itoa(hi)
				}
				entries = append(entries, legendEntry{l.fillSwatch(withAlpha(distColor(hi, l.dist.max), 191), color.NRGBA{}), t})
			}
		}
	}
	return entries
}

// tierHead is the tier legend's heading: the measure family and the year
// (or "latest year per zone, mixing years").
func tierHead(s *Scene, lang string) string {
	yr := txtLatest.in(lang)
	if s.Filter.Year != 0 {
		yr = yearText(lang, s.Filter.Year)
	}
	th := txtTierHead
	if s.Filter.Family() == geo.FamilyOutput {
		th = txtOutputHead
	}
	if lang == LangEN {
		return fmt.Sprintf("%s (%s)", th.en, yr)
	}
	return fmt.Sprintf("%s（%s）", th.zh, yr)
}

// changeHead is the comparison legend's heading: the two years and the
// measure family compared.
func changeHead(s *Scene, o Options, lang string) string {
	fam, _ := geo.LookupFamily(s.Filter.Family())
	return fmt.Sprintf(txtChangeHead.in(lang), o.Compare, s.Filter.Year, l10n(lang, fam.Label, fam.LabelEN))
}

func l10n(lang, zh, en string) string {
	if lang == LangEN && en != "" {
		return en
	}
	return zh
}

// legendCounts are the drawn zones per tier, per cluster or per change
// class, and which geometry qualities and markers the image shows.
type legendCounts struct {
	byTier                                      map[string]int
	byCluster                                   map[int]int    // taxonomy index, -1 no cluster
	byClass                                     map[string]int // comparison mode
	notCompared                                 int
	official, approx, pointOnly, unknown, lower bool
}

// legendCounts counts per tier, or per cluster with the one definition
// (geo.InCluster: a zone in two clusters counts in both, as in the
// statistics), though each zone is drawn in its first cluster's colour.
func (l *layouter) legendCounts() legendCounts {
	c := legendCounts{byTier: map[string]int{}, byCluster: map[int]int{}, byClass: map[string]int{}}
	for _, z := range l.drawn {
		c.byTier[z.tier]++
		if z.hollow {
			c.notCompared++
		} else if z.change.Comparable {
			c.byClass[z.change.Class]++
		}
		in := false
		for i, cl := range l.s.Taxonomy.Clusters {
			if geo.InCluster(z.zone, cl.ID) {
				c.byCluster[i]++
				in = true
			}
		}
		if !in {
			c.byCluster[-1]++
		}
		switch {
		case !geo.LocationKnown(z.zone):
			c.unknown = true
		case len(z.zone.Geom) == 0:
			c.pointOnly = true
		case z.zone.GeomQuality == geo.GeomOfficial:
			c.official = true
		default:
			c.approx = true
		}
		c.lower = c.lower || z.lower
	}
	return c
}
