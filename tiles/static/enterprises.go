package static

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"layoutmap/geo"
)

// EnterpriseLayer is the enterprise layer of an image (Options.Ent, issue
// 15), gathered by the caller as the tiles serve it: for each tile of the
// view at its tile zoom, the store's geo.EnterpriseTile (every matching
// enterprise as a point when few match in the tile, else aggregation cells
// with their counts), so an image shows what the web map shows.
type EnterpriseLayer struct {
	// Loaded is false when no enterprise list is loaded: nothing is drawn
	// and the legend says how to load one.
	Loaded bool
	Points []geo.Enterprise
	Cells  []geo.EnterpriseCell
	// Total is the number of enterprises the filter selects in the view
	// (what /api/v1/stats/enterprises counts for the same class, chain and
	// the view's bbox); the legend gives it.
	Total int
	// Synthetic: the list holds synthetic enterprises (layoutmap synth);
	// the legend and the source line say so.
	Synthetic bool
	// ChainName names Options.EntChain in the legend ("" draws the id).
	ChainName, ChainNameEN string
}

var enterpriseCol = rgb(geo.EnterpriseColor)

// drawEnterprises draws the layer above the zones: cells as bubbles sized
// by √count with their count, points as small dots (链主 larger).
func (l *layouter) drawEnterprises() {
	el := l.s.Enterprises
	if !l.o.Ent || el == nil || !el.Loaded {
		return
	}
	g := l.d.group("enterprises")
	u := l.u
	leader := geo.MaskOf([]string{"chain_leader"})
	most := 1
	for _, c := range el.Cells {
		most = max(most, c.Count)
	}
	for _, c := range el.Cells {
		x, y := l.v.Pixel(c.Point)
		// Area by count: the fullest cell's bubble nearly fills its cell,
		// so bubbles of neighbouring cells seldom meet.
		cellPx := l.v.world / math.Exp2(float64(c.Z))
		r := math.Max(u.px(3), 0.5*cellPx*math.Sqrt(float64(c.Count)/float64(most)))
		if !(box{x - r, y - r, x + r, y + r}).overlaps(l.clip) {
			continue
		}
		g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 24)}, Closed: true, Fill: withAlpha(enterpriseCol, 153), Stroke: colHalo, Width: u.px(1)})
		n := strconv.Itoa(c.Count)
		if sz := u.pt(LabelPt); textWidth(n, sz) < 2*r-u.px(2) {
			g.label(label{X: x, Y: y + sz*0.35, S: n, Size: sz, Bold: true, Fill: colHalo, Anchor: anchorMiddle, Role: roleEnterprise})
		}
	}
	for i := range el.Points {
		e := &el.Points[i]
		x, y := l.v.Pixel(e.Point)
		r := u.px(2.5)
		if e.Classes&leader != 0 {
			r = u.px(4)
		}
		if !(box{x - r, y - r, x + r, y + r}).overlaps(l.clip) {
			continue
		}
		g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 12)}, Closed: true, Fill: enterpriseCol, Stroke: colHalo, Width: u.px(0.6)})
	}
}

// enterpriseLegend are the layer's legend lines: a heading saying what is
// shown (and "synthetic" when it is), the count in view, the symbols
// drawn; without a list, how to load one.
func (l *layouter) enterpriseLegend() []legendEntry {
	el, lang, u := l.s.Enterprises, l.o.Lang, l.u
	if !l.o.Ent || el == nil {
		return nil
	}
	if !el.Loaded {
		return []legendEntry{{nil, txtEntHead.in(lang)}, {func(g *group, x, y float64) {}, txtEntNone.in(lang)}}
	}
	head := txtEntHead.in(lang)
	var parts []string
	for _, id := range l.o.EntClass {
		for _, c := range geo.EnterpriseClasses {
			if c.ID == id {
				parts = append(parts, l.name(c.Name, c.NameEN))
			}
		}
	}
	if l.o.EntChain != "" {
		parts = append(parts, txtChain.in(lang)+map[bool]string{true: ": ", false: "："}[lang == LangEN]+cmpOr(l.name(el.ChainName, el.ChainNameEN), l.o.EntChain))
	}
	if len(parts) > 0 {
		head += map[bool]string{true: " (" + strings.Join(parts, ", ") + ")", false: "（" + strings.Join(parts, "、") + "）"}[lang == LangEN]
	}
	if el.Synthetic {
		head += " · " + txtEntSynthetic.in(lang)
	}
	out := []legendEntry{{nil, head}}
	sw, sh := u.px(14), u.px(10)
	dot := func(r float64) func(g *group, x, y float64) {
		return func(g *group, x, y float64) {
			g.shape(shape{Rings: [][]pt{circleRing(x+sw/2, y+sh/2, r, 16)}, Closed: true, Fill: withAlpha(enterpriseCol, 153), Stroke: colHalo, Width: u.px(0.6)})
		}
	}
	out = append(out, legendEntry{dot(u.px(5)), fmt.Sprintf(txtEntCount.in(lang), el.Total)})
	if len(el.Cells) > 0 {
		out = append(out, legendEntry{dot(u.px(6)), txtEntCells.in(lang)})
	}
	if slices.ContainsFunc(el.Points, func(e geo.Enterprise) bool { return e.Classes&geo.MaskOf([]string{"chain_leader"}) != 0 }) {
		out = append(out, legendEntry{dot(u.px(4)), txtEntLeader.in(lang)})
	}
	return out
}

// enterpriseSource is the source line's sentence for a synthetic list
// ("" otherwise): every image of synthetic enterprises says so.
func (l *layouter) enterpriseSource() string {
	if el := l.s.Enterprises; l.o.Ent && el != nil && el.Loaded && el.Synthetic {
		return txtEntSource.in(l.o.Lang)
	}
	return ""
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
