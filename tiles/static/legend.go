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

// legend draws the legend panel at the bottom left, above the footer.
func (l *layouter) legend() {
	head, entries := l.legendEntries()
	if head == "" && len(entries) == 0 {
		return
	}
	u, g := l.u, l.furniture
	size := u.pt(LabelPt)
	lineH := size * 1.45
	sw := u.px(20) // swatch column
	width := textWidth(head, size)
	for _, e := range entries {
		tw := textWidth(e.text, size)
		if e.swatch != nil {
			tw += sw
		}
		width = math.Max(width, tw)
	}
	height := float64(len(entries))*lineH + u.px(10)
	if head != "" {
		height += lineH
	}
	p, in := u.px(pad), u.px(8)
	b := box{p, l.bottom - p - height, p + width + 2*in, l.bottom - p}
	l.panel(b)
	l.legendBox = b
	y := b.Y0 + u.px(5)
	if head != "" {
		y += lineH
		g.label(label{X: b.X0 + in, Y: y - lineH*0.28, S: head, Size: size, Bold: true, Fill: colText})
	}
	for _, e := range entries {
		y += lineH
		if e.swatch == nil {
			g.label(label{X: b.X0 + in, Y: y - lineH*0.28, S: e.text, Size: size, Bold: true, Fill: colText})
			continue
		}
		e.swatch(g, b.X0+in, y-lineH*0.28-size*0.8)
		g.label(label{X: b.X0 + in + sw, Y: y - lineH*0.28, S: e.text, Size: size, Fill: colText})
	}
}

// legendEntries says what the drawn image needs explained: the zones'
// colours (tiers, or clusters with the counting rule) with counts of the
// zones drawn, the geometry qualities and markers present, the dist ramp
// and the regions shown. Swatches use the map's own symbol functions.
func (l *layouter) legendEntries() (head string, entries []legendEntry) {
	s, o, u, lang := l.s, l.o, l.u, l.o.Lang
	sw, sh := u.px(14), u.px(10)
	rect := func(sh0 shape) func(g *group, x, y float64) {
		return func(g *group, x, y float64) {
			sh0.Rings, sh0.Closed = [][]pt{rectRing(box{x, y, x + sw, y + sh})}, true
			g.shape(sh0)
		}
	}
	fillSwatch := func(fill, stroke color.NRGBA) func(g *group, x, y float64) {
		return rect(shape{Fill: fill, Stroke: stroke, Width: u.px(0.9)})
	}
	if o.Has(LayerZones) {
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
	}
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
				entries = append(entries, legendEntry{fillSwatch(withAlpha(distColor(hi, l.dist.max), 191), color.NRGBA{}), t})
			}
		}
	}
	if len(l.regions) > 0 {
		entries = append(entries, legendEntry{nil, txtRegionHead.in(lang)})
	}
	for _, r := range l.regions {
		entries = append(entries, legendEntry{fillSwatch(withAlpha(r.col, 41), withAlpha(r.col, 217)), l.name(r.r.Name, r.r.NameEN)})
	}
	return head, entries
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
