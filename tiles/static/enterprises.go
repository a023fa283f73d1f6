package static

import (
	"cmp"
	"context"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

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

// MaxEnterpriseTiles bounds the enterprise tiles one image gathers (a
// 4096 px image at a fractional zoom covers at most 9×9 tiles of 512 px).
const MaxEnterpriseTiles = 100

// EnterpriseTileFunc is a store's enterprise tile (data.EnterpriseStore's
// EnterpriseTile).
type EnterpriseTileFunc func(ctx context.Context, q geo.TileQuery) (geo.EnterpriseTile, error)

// GatherEnterprises collects the enterprise layer of o's view the way the
// web map's tiles show it: for every tile of the view at its tile zoom,
// tile under the layer's filter (Options.EnterpriseFilter), so an image
// draws the points or aggregation cells the map draws. A view covering
// more than MaxEnterpriseTiles tiles is a field error naming ent; tile's
// errors are returned as they are.
func GatherEnterprises(ctx context.Context, o Options, tile EnterpriseTileFunc) (pts []geo.Enterprise, cells []geo.EnterpriseCell, err error) {
	v := NewView(o)
	z := v.TileZoom()
	tiles := tilesOf(v.Bound(), z)
	if len(tiles) > MaxEnterpriseTiles {
		return nil, nil, geo.FieldErrors{{Field: "ent", Reason: fmt.Sprintf("the view covers %d enterprise tiles at zoom %d, more than %d", len(tiles), z, MaxEnterpriseTiles)}}
	}
	f := o.EnterpriseFilter()
	for _, t := range tiles {
		et, err := tile(ctx, geo.TileQuery{Z: z, X: t.X, Y: t.Y, Filter: f})
		if err != nil {
			return nil, nil, err
		}
		pts = append(pts, et.Points...)
		cells = append(cells, et.Cells...)
	}
	return pts, cells, nil
}

// tilesOf lists the XYZ tiles of zoom z that b touches (at most
// MaxEnterpriseTiles+1: beyond, the caller refuses).
func tilesOf(b orb.Bound, z uint32) []maptile.Tile {
	lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
	hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
	var out []maptile.Tile
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
			if len(out) > MaxEnterpriseTiles {
				return out
			}
		}
	}
	return out
}

// The enterprise symbols, in CSS px at 96 dpi: the one rule the map and
// the legend draw them by (entPoint, entBubble), so a legend symbol is the
// size of what it explains. A 链主 is a larger dot than an ordinary
// enterprise; a cell's bubble is at least entCellMinR.
const (
	entPointR   = 2.5
	entLeaderR  = 4.5
	entCellMinR = 3.0
	// entBubbleAlpha and entPointAlpha keep the layer light: it is
	// context drawn beneath the zones, whose symbols and tier colours stay
	// readable through and above it.
	entBubbleAlpha = 77
	entPointAlpha  = 191
)

// entPointRadius is the radius of an enterprise's dot: a 链主 larger.
func entPointRadius(e *geo.Enterprise, u units) float64 {
	if e.Classes&geo.MaskOf([]string{"chain_leader"}) != 0 {
		return u.px(entLeaderR)
	}
	return u.px(entPointR)
}

// entPoint is an enterprise's dot of radius r.
func entPoint(g *group, x, y, r float64, u units) {
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 12)}, Closed: true, Fill: withAlpha(enterpriseCol, entPointAlpha), Stroke: colHalo, Width: u.px(0.6)})
}

// entBubble is an aggregation cell's bubble of radius r.
func entBubble(g *group, x, y, r float64, u units) {
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 24)}, Closed: true, Fill: withAlpha(enterpriseCol, entBubbleAlpha),
		Stroke: withAlpha(enterpriseCol, 191), Width: u.px(0.8)})
}

// entCount is a bubble's count to place: its label and the bubble's size.
type entCount struct {
	lb label
	r  float64
}

// A bubble's count is the layer's own kind of number and must never read
// as a zone's call-out (a bold white number on a dark brown disc, badge):
// it sits in a white rectangular tag with the layer's teal edge, in regular
// weight and the layer's dark teal, and only on a bubble large enough to
// carry it (entCountOnBubble), never as a bare number on the map. The edge cells' "2", "4",
// "9" on 3 px bubbles read as call-outs 1–3 (trial 6, finding 5).
var entCountCol = darker(enterpriseCol, 0.7)

// entCountLabel is the count n of a bubble centred at (x, y): the digits
// (about 0.72 em high) centred on the bubble.
func entCountLabel(x, y float64, n int, u units) label {
	sz := u.pt(LabelPt)
	return label{X: x, Y: y + sz*0.35, S: strconv.Itoa(n), Size: sz, Fill: entCountCol, Anchor: anchorMiddle, Role: roleEnterprise}
}

// entTagBox is the tag around count label lb (centred on its bubble).
func entTagBox(lb label, u units) box {
	hw := textWidth(lb.S, lb.Size)/2 + u.px(2.5)
	hh := lb.Size*0.36 + u.px(2)
	cy := lb.Y - lb.Size*0.35
	return box{lb.X - hw, cy - hh, lb.X + hw, cy + hh}
}

// entCountTag draws count label lb in its tag: a rectangle with slightly
// rounded corners, which fills its box (a call-out's disc does not).
func entCountTag(g *group, lb label, u units) {
	g.shape(shape{Rings: [][]pt{roundRectRing(entTagBox(lb, u), u.px(1.5))}, Closed: true, Fill: colHalo, Stroke: enterpriseCol, Width: u.px(0.8)})
	g.label(lb)
}

// entCountOnBubble reports whether a bubble of radius r is wide enough to
// carry count label lb: the number at most 4 px wider than the bubble, so
// a count stands on a bubble of about its size.
func entCountOnBubble(lb label, r float64, u units) bool {
	return textWidth(lb.S, lb.Size) <= 2*r+u.px(4)
}

// roundRectRing is box b with corners rounded to radius rad (three points
// per corner), clockwise in screen space like the other rings.
func roundRectRing(b box, rad float64) []pt {
	rad = math.Min(rad, math.Min(b.X1-b.X0, b.Y1-b.Y0)/2)
	corners := [4][3]float64{{b.X1 - rad, b.Y0 + rad, -math.Pi / 2}, {b.X1 - rad, b.Y1 - rad, 0}, {b.X0 + rad, b.Y1 - rad, math.Pi / 2}, {b.X0 + rad, b.Y0 + rad, math.Pi}}
	var ring []pt
	for _, c := range corners {
		for i := 0; i <= 2; i++ {
			a := c[2] + float64(i)*math.Pi/4
			ring = append(ring, pt{c[0] + rad*math.Cos(a), c[1] + rad*math.Sin(a)})
		}
	}
	return ring
}

// entCountSwatch is the legend's swatch for the counts: a bubble with a
// count tag on it, as the map draws them.
func entCountSwatch(g *group, x, y float64, u units, role string) {
	lb := entCountLabel(x, y, 9, u)
	lb.Role = role
	b := entTagBox(lb, u)
	entBubble(g, x, y, (b.Y1-b.Y0)/2+u.px(1), u)
	entCountTag(g, lb, u)
}

// drawEnterprises draws the layer beneath the zones (called before
// drawZones): cells as light bubbles sized by √count, points as small dots
// (链主 larger). The bubbles' counts are placed later (placeEnterpriseCounts),
// once the zones' symbols, labels and call-outs have taken their places.
func (l *layouter) drawEnterprises() {
	el := l.s.Enterprises
	if !l.o.Ent || el == nil || !el.Loaded {
		return
	}
	g := l.d.group("enterprises")
	u := l.u
	most := 1
	for _, c := range el.Cells {
		most = max(most, c.Count)
	}
	for _, c := range el.Cells {
		x, y := l.v.Pixel(c.Point)
		// Area by count: the fullest cell's bubble nearly fills its cell,
		// so bubbles of neighbouring cells seldom meet.
		cellPx := l.v.world / math.Exp2(float64(c.Z))
		r := math.Max(u.px(entCellMinR), 0.5*cellPx*math.Sqrt(float64(c.Count)/float64(most)))
		if !(box{x - r, y - r, x + r, y + r}).overlaps(l.clip) {
			continue
		}
		entBubble(g, x, y, r, u)
		l.entCounts = append(l.entCounts, entCount{entCountLabel(x, y, c.Count, u), r})
	}
	for i := range el.Points {
		e := &el.Points[i]
		x, y := l.v.Pixel(e.Point)
		r := entPointRadius(e, u)
		if !(box{x - r, y - r, x + r, y + r}).overlaps(l.clip) {
			continue
		}
		entPoint(g, x, y, r, u)
	}
}

// placeEnterpriseCounts draws the bubbles' counts, each in its tag
// (entCountTag), where they meet nothing the map names: on a bubble large
// enough to carry the tag (entCountOnBubble), inside the map's frame (never
// cut at its edge), clear of every zone's symbol, the labels, call-outs and
// furniture, and of each other; the largest bubbles first.
// A count that fits nowhere is left out: the bubble's size still tells its
// weight, and the legend gives the total in view.
func (l *layouter) placeEnterpriseCounts(frame box) {
	if len(l.entCounts) == 0 {
		return
	}
	taken := slices.Clone(l.taken)
	for _, z := range l.drawn {
		// The point with its lower-bound ring (4 px out) or the marker of
		// an unknown location.
		r := math.Max(z.radius, l.u.pt(LabelPt)*0.7) + l.u.px(5)
		taken = append(taken, box{z.x - r, z.y - r, z.x + r, z.y + r})
	}
	cs := slices.Clone(l.entCounts)
	slices.SortStableFunc(cs, func(a, b entCount) int { return cmp.Compare(b.r, a.r) })
	g := l.d.group("enterprise-counts")
	for _, c := range cs {
		b := entTagBox(c.lb, l.u).pad(l.u.px(1))
		if !entCountOnBubble(c.lb, c.r, l.u) || !b.inside(frame) || slices.ContainsFunc(taken, b.overlaps) {
			continue
		}
		taken = append(taken, b)
		entCountTag(g, c.lb, l.u)
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
	// The swatches are the map's symbols at the map's sizes.
	sw, sh := u.px(14), u.px(10)
	dot := func(r float64) func(g *group, x, y float64) {
		return func(g *group, x, y float64) { entPoint(g, x+sw/2, y+sh/2, r, u) }
	}
	out = append(out, legendEntry{dot(u.px(entPointR)), fmt.Sprintf(txtEntCount.in(lang), el.Total)})
	if len(el.Cells) > 0 {
		out = append(out, legendEntry{func(g *group, x, y float64) { entCountSwatch(g, x+sw/2, y+sh/2, u, roleEntLegend) }, txtEntCells.in(lang)})
	}
	if slices.ContainsFunc(el.Points, func(e geo.Enterprise) bool { return e.Classes&geo.MaskOf([]string{"chain_leader"}) != 0 }) {
		out = append(out, legendEntry{dot(u.px(entLeaderR)), txtEntLeader.in(lang)})
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
