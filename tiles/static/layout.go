package static

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// layouter builds the display list of one image. The steps run in
// drawing order: boundaries, zones, furniture (whose boxes labels avoid),
// labels with call-outs and their key; furniture is moved on top at the end.
type layouter struct {
	s     *Scene
	o     Options
	v     View
	u     units
	d     *drawing
	w, h  float64
	clip  box
	cache *outlineCache

	province, cities, counties              []*geo.AdminArea
	regions                                 []regionStyle
	dist                                    dists
	zones                                   []zoneStyle // every zone of the scene, in drawing order
	drawn                                   []zoneStyle // those drawn (in view), with their pixel
	furniture                               *group
	taken                                   []box   // furniture and labels so far
	titleBox, scaleBox, northBox, legendBox box     // panels the call-out key is placed around
	bottom                                  float64 // top of the source band (the map's bottom edge)
	// report: the report layout (see layoutFurniture): the map is
	// drawn header px down, below the frame's title band, and frame holds
	// the bands around it (image coordinates).
	report     bool
	header     float64
	frame      *group
	bandLegend legendBlock // the legend of the band below the map
	bandKey    *group      // the call-out key of the band below the map
	bandsDone  bool
	mapBoxes   []namedBox // furniture boxes on the map (map coordinates)
	entCounts  []entCount // the enterprise bubbles' counts, placed last
}

// namedBox is a furniture box (title, legend, source, scale, north, key,
// callout) in image coordinates, kept for the layout tests.
type namedBox struct {
	name string
	b    box
}

// regionStyle is a planning region drawn, with its colour (by position in
// the scene's list, as on the web map).
type regionStyle struct {
	r   *geo.Region
	col color.NRGBA
}

// layout turns a scene into the display list of one image; cache (nil:
// none) keeps projected outlines across renders.
func layout(s *Scene, o Options, cache *outlineCache) *drawing {
	u := unitsOf(o)
	l := &layouter{s: s, o: o, v: NewView(o), u: u, w: float64(o.Width), h: float64(o.Height), cache: cache,
		d: &drawing{Width: o.Width, Height: o.Height, WidthMM: o.PrintWidthMM()}}
	m := u.px(clipMargin)
	l.clip = box{-m, -m, l.w + m, l.h + m}
	l.bottom = l.h
	l.sortScene()
	bg := l.d.group("background")
	bg.shape(shape{Rings: [][]pt{rectRing(box{0, 0, l.w, l.h})}, Closed: true, Fill: colBackground})
	l.boundaries()
	// The enterprise layer is context beneath the zones: their symbols
	// and tier colours stay readable above it.
	l.drawEnterprises()
	l.drawZones()
	l.furniture = l.d.group("furniture")
	l.frame = &group{ID: "frame"}
	if !o.Plain {
		l.layoutFurniture()
	}
	l.layoutLabels()
	l.placeEnterpriseCounts(box{2, 2, l.w - 2, l.h - 2})
	if l.report && !l.bandsDone {
		l.bands(nil) // no labels layer: no key
	}
	// Furniture is drawn above the labels.
	l.d.Groups = append(slices.DeleteFunc(l.d.Groups, func(g *group) bool { return g == l.furniture }), l.furniture)
	if l.report {
		// The map and what sits on it move below the header band; the
		// background covers the grown image; the bands go on top (they
		// also hide the few px outlines are drawn beyond the map's edge).
		for _, g := range l.d.Groups {
			if g != bg {
				shiftGroup(g, l.header)
			}
		}
		bg.Items = nil
		bg.shape(shape{Rings: [][]pt{rectRing(box{0, 0, l.w, float64(l.d.Height)})}, Closed: true, Fill: colBackground})
		l.d.Groups = append(l.d.Groups, l.frame)
		if l.bandKey != nil {
			l.d.Groups = append(l.d.Groups, l.bandKey)
		}
	}
	for _, nb := range l.mapBoxes {
		nb.b.Y0 += l.header
		nb.b.Y1 += l.header
		l.d.boxes = append(l.d.boxes, nb)
	}
	l.d.mapBox = box{0, l.header, l.w, l.header + l.h}
	if l.report {
		l.checkFit()
	}
	l.d.Title = title(s, o)
	return l.d
}

// shiftGroup moves a group's shapes and labels dy px down (new rings:
// a ring may be shared by two shapes).
func shiftGroup(g *group, dy float64) {
	for _, it := range g.Items {
		if it.label != nil {
			it.label.Y += dy
			continue
		}
		rings := make([][]pt, len(it.shape.Rings))
		for i, r := range it.shape.Rings {
			rings[i] = make([]pt, len(r))
			for j, p := range r {
				rings[i][j] = pt{p.X, p.Y + dy}
			}
		}
		it.shape.Rings = rings
	}
}

// sortScene splits the admin areas by level (in code order), picks the
// regions drawn and styles the zones.
func (l *layouter) sortScene() {
	for i := range l.s.Admin {
		a := &l.s.Admin[i]
		switch a.Level {
		case geo.LevelProvince:
			l.province = append(l.province, a)
		case geo.LevelCity:
			l.cities = append(l.cities, a)
		case geo.LevelCounty:
			l.counties = append(l.counties, a)
		}
	}
	for _, as := range [][]*geo.AdminArea{l.province, l.cities, l.counties} {
		slices.SortFunc(as, func(a, b *geo.AdminArea) int { return cmp.Compare(a.Code, b.Code) })
	}
	// Regions drawn: all with the regions layer, else the overlay ids.
	for i := range l.s.Regions {
		r := &l.s.Regions[i]
		if l.o.Has(LayerRegions) || slices.Contains(l.o.Overlay, r.ID) {
			l.regions = append(l.regions, regionStyle{r, RegionColor(i)})
		}
	}
	l.dist = distCounts(l.s, l.o)
	l.zones = zoneStyles(l.s, l.o, l.u)
}

// rings are a feature's outline in the image's pixels, clipped; kind and
// id name it in the outline cache.
func (l *layouter) rings(kind, id string, mp orb.MultiPolygon) [][]pt {
	band := zoomBand(l.v.Zoom)
	br := l.cache.get(outlineKey{version: l.s.Version, kind: kind, id: id, band: band}, func() []orb.Ring { return ringsOf(mp) })
	return br.place(l.v, band, l.clip)
}

// lw is a line width growing with zoom like the web map's interpolations
// (CSS px at 96 dpi from z0 to z1), in the image's px.
func (l *layouter) lw(z0, w0, z1, w1 float64) float64 {
	t := math.Max(0, math.Min(1, (l.v.Zoom-z0)/(z1-z0)))
	return l.u.px(w0 + t*(w1-w0))
}

// boundaries draws the province, dist shading, regions, counties and
// cities, in the web map's order.
func (l *layouter) boundaries() {
	o, u := l.o, l.u
	outline := func(id string, as []*geo.AdminArea, fill, stroke color.NRGBA, width float64, dash []float64) {
		g := l.d.group(id)
		for _, a := range as {
			g.shape(shape{Rings: l.rings(a.Level, a.Code, a.Geom), Closed: true, Fill: fill, Stroke: stroke, Width: width, Dash: dash})
		}
	}
	if o.Has(LayerProvince) {
		outline("province-fill", l.province, colProvince, color.NRGBA{}, 0, nil)
	}
	if o.Dist != "" {
		g := l.d.group("dist")
		for _, c := range l.cities {
			if n := l.dist.byCity[c.Code]; n > 0 {
				g.shape(shape{Rings: l.rings(c.Level, c.Code, c.Geom), Closed: true, Fill: withAlpha(distColor(n, l.dist.max), 191)})
			}
		}
	}
	if len(l.regions) > 0 {
		g := l.d.group("regions-fill")
		for _, r := range l.regions {
			g.shape(shape{Rings: l.rings("region", r.r.ID, r.r.Geom), Closed: true, Fill: withAlpha(r.col, 41)})
		}
	}
	if o.Has(LayerCounties) {
		outline("counties", l.counties, color.NRGBA{}, colCountyLn, l.lw(7, 0.4, 11, 1.2), u.dash(3, 2))
	}
	if o.Has(LayerCities) {
		outline("cities", l.cities, color.NRGBA{}, colCityLn, l.lw(5, 0.7, 10, 2), nil)
	}
	if len(l.regions) > 0 {
		g := l.d.group("regions")
		for _, r := range l.regions {
			g.shape(shape{Rings: l.rings("region", r.r.ID, r.r.Geom), Closed: true, Stroke: withAlpha(r.col, 217), Width: u.px(3)})
		}
	}
	if o.Has(LayerProvince) {
		outline("province", l.province, color.NRGBA{}, colProvinceLn, l.lw(5, 1.4, 10, 3), nil)
	}
}

// drawZones draws zone outlines, then points on top. Approximate outlines
// (a circle of the approved area) are paler and dashed, as on the web map
// and in the legend, so nobody reads them as surveyed boundaries. Points,
// sized by revenue, keep zones visible where outlines are a pixel wide;
// they go once outlines are large (the web map fades them from zoom 9.5).
func (l *layouter) drawZones() {
	if !l.o.Has(LayerZones) {
		return
	}
	name := l.name
	g := l.d.group("zones")
	for _, z := range l.zones {
		rings := l.rings("zone", z.zone.ID, z.zone.Geom)
		x, y := l.v.Pixel(z.point)
		if _, ok := ringsBox(rings); !ok && !(box{x, y, x, y}).overlaps(l.clip) {
			continue
		}
		sh := outlineShape(z.fill, z.zone.GeomQuality, l.v.Zoom, l.u)
		sh.Rings, sh.Zone, sh.Title = rings, z.zone.ID, zoneTitle(z, name)
		g.shape(sh)
		z.x, z.y = x, y
		l.drawn = append(l.drawn, z)
	}
	pg := l.d.group("zone-points")
	for _, z := range l.drawn {
		if !geo.LocationKnown(z.zone) {
			// Location unknown: a hollow marker with "?" at the county or
			// city point, at every zoom, never a sized dot or a circle.
			col := z.fill
			if z.hollow {
				col = NotComparableRing
			}
			unknownMarker(pg, z.x, z.y, col, l.u, z.zone.ID, zoneTitle(z, name))
		}
	}
	if l.v.Zoom < pointsUntil {
		for _, z := range l.drawn {
			if !geo.LocationKnown(z.zone) {
				continue
			}
			// The lower-bound ring says "at least this tier": no tier is
			// drawn in comparison mode (the change carries its own bound).
			if z.lower && l.o.Compare == 0 {
				lowerBoundRing(pg, z.x, z.y, z.radius, l.u, z.zone.ID)
			}
			if z.hollow {
				notComparedDot(pg, z.x, z.y, z.radius, l.u, z.zone.ID, zoneTitle(z, name))
				continue
			}
			pointDot(pg, z.x, z.y, z.radius, z.fill, l.u, z.zone.ID, zoneTitle(z, name))
		}
	}
}

// name picks the label language: English when asked for and known.
func (l *layouter) name(zh, en string) string {
	if l.o.Lang == LangEN && en != "" {
		return en
	}
	return zh
}

// The zone symbols, one function each, used by the map and by the legend
// so a swatch is drawn by the same rule as what it explains.

// outlineShape styles a zone outline of fill: official outlines solid,
// approximate ones (a circle of the approved area) pale and dashed, their
// line fading in from zoom 8 as on the web map.
func outlineShape(fill color.NRGBA, quality string, zoom float64, u units) shape {
	if quality == geo.GeomOfficial {
		return shape{Closed: true, Fill: withAlpha(fill, 191), Stroke: colZoneOutline, Width: u.px(1.2)}
	}
	return shape{Closed: true, Fill: withAlpha(fill, 97), Stroke: withAlpha(colZoneOutline, uint8(204*math.Max(0, math.Min(1, zoom-8)))),
		Width: u.px(1), Dash: u.dash(2, 2)}
}

// unknownMarker is a zone whose location is unknown: a hollow dashed
// circle stroked in its colour with "?" inside.
func unknownMarker(g *group, x, y float64, col color.NRGBA, u units, zone, title string) {
	r := u.pt(LabelPt) * 0.7
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 16)}, Closed: true, Fill: colUnknown, Stroke: col, Width: u.px(2),
		Dash: u.dash(2, 1.5), Zone: zone, Title: title})
	g.label(label{X: x, Y: y + u.pt(LabelPt)*0.36, S: "?", Size: u.pt(LabelPt), Bold: true, Fill: colText, Anchor: anchorMiddle})
}

// lowerBoundRing marks a zone known by a lower bound (突破/超过): the
// figure is at least its tier.
func lowerBoundRing(g *group, x, y, r float64, u units, zone string) {
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r+u.px(4), 24)}, Closed: true, Stroke: colLowerBound, Width: u.px(1.2), Zone: zone})
}

// pointDot is a zone's point, sized by revenue, with a white edge.
func pointDot(g *group, x, y, r float64, col color.NRGBA, u units, zone, title string) {
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 20)}, Closed: true, Fill: col, Stroke: colHalo, Width: u.px(1), Zone: zone, Title: title})
}

// notComparedDot is a zone whose figures cannot be compared (comparison
// mode): hollow, white with a grey edge, as on the web map.
func notComparedDot(g *group, x, y, r float64, u units, zone, title string) {
	g.shape(shape{Rings: [][]pt{circleRing(x, y, r, 20)}, Closed: true, Fill: NotComparableFill, Stroke: NotComparableRing, Width: u.px(1.5), Zone: zone, Title: title})
}

// dash scales a dash pattern designed in CSS px at 96 dpi.
func (u units) dash(on, off float64) []float64 { return []float64{u.px(on), u.px(off)} }

// maxBands bounds the report layout's bands (title, legend, source) as a
// multiple of the map's height: beyond it the image is mostly furniture
// and is refused (a larger image, a wider width_mm, legend=0 or plain=1
// fit), never drawn with its furniture over the map or cut. 2.5 holds
// the densest report the embed dialog offers as a preset: a 1200×800 px
// map at 80 mm with a three-line title, a comparison caption with its
// "nothing comparable" note, the change legend and the source line need
// about 2.1 map heights.
const maxBands = 2.5

// keyBands is what the call-out key may fill: the key is trimmed (its
// last line says how many zones are left unnamed) so that the bands stay
// within keyBands map heights; only the furniture that cannot be trimmed
// (title, caption, legend, source) may take them up to maxBands.
const keyBands = 2.0

// checkFit refuses a report layout whose bands exceed maxBands map
// heights or whose grown PNG would exceed MaxPixels.
func (l *layouter) checkFit() {
	o := l.o
	bands := float64(l.d.Height) - l.h
	field := "width"
	if o.WidthMM > 0 {
		field = "width_mm"
	}
	switch {
	case bands > maxBands*l.h || l.d.Height > MaxSide:
		l.d.fitErr = geo.FieldErrors{{Field: field, Reason: fmt.Sprintf(
			"printed %.0f mm wide, the title, legend and source line need %.0f px above and below a %d×%d px map (at most %g times its height, and %d px in all); ask for a larger image, a larger width_mm (smaller type), legend=0 or plain=1",
			o.PrintWidthMM(), bands, o.Width, o.Height, maxBands, MaxSide)}}
	case o.Width*o.Scale*l.d.Height*o.Scale > MaxPixels:
		l.d.fitErr = geo.FieldErrors{{Field: "scale", Reason: fmt.Sprintf(
			"with the title, legend and source line below the map the image is %d×%d px; width·scale × height·scale must be at most %d pixels",
			o.Width*o.Scale, l.d.Height*o.Scale, MaxPixels)}}
	}
}
