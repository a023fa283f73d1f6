package static

import (
	"cmp"
	"fmt"
	"image/color"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// Scene is what an image shows: the caller's data for one request. Admin
// holds the province, cities and counties (any order); Zones are the zones
// the filter selected (already filtered: the renderer draws them all);
// Filter is the request's filter, used for the tier year and the caption.
// The renderer does not modify a Scene.
type Scene struct {
	Admin    []geo.AdminArea
	Zones    []geo.Zone
	Regions  []geo.Region
	Taxonomy geo.Taxonomy
	Tiers    geo.Tiers
	Filter   geo.Filter
	// Attribution replaces DefaultAttribution[lang] when set.
	Attribution string
}

// Label rules. Zone names appear from geo.LabelMinZoom["zone"] as in the
// tiles, or at any zoom when the filter leaves few zones: a report of "the
// zones over 1000亿" wants their names on the province map.
const (
	fewZones   = 15
	clipMargin = 8
	// simplifyPx is the Douglas–Peucker tolerance in CSS px.
	simplifyPx = 0.3
	// pointsUntil: zone points are drawn below this zoom.
	pointsUntil = 10.5
	// zoneLabelZoom: every zone is named from this zoom (the web map's
	// labels-zone minzoom).
	zoneLabelZoom = 8
	pad           = 10.0
)

// layout turns a scene into the display list of one image.
func layout(s *Scene, o Options) *drawing {
	v := NewView(o)
	w, h := float64(o.Width), float64(o.Height)
	d := &drawing{Width: o.Width, Height: o.Height}
	clip := box{-clipMargin, -clipMargin, w + clipMargin, h + clipMargin}
	lang := o.Lang
	name := func(zh, en string) string {
		if lang == LangEN && en != "" {
			return en
		}
		return zh
	}

	d.group("background").shape(shape{Rings: [][]pt{rectRing(box{0, 0, w, h})}, Closed: true, Fill: colBackground})

	var province, cities, counties []*geo.AdminArea
	for i := range s.Admin {
		a := &s.Admin[i]
		switch a.Level {
		case geo.LevelProvince:
			province = append(province, a)
		case geo.LevelCity:
			cities = append(cities, a)
		case geo.LevelCounty:
			counties = append(counties, a)
		}
	}
	byCode := func(as []*geo.AdminArea) {
		slices.SortFunc(as, func(a, b *geo.AdminArea) int { return cmp.Compare(a.Code, b.Code) })
	}
	byCode(province)
	byCode(cities)
	byCode(counties)
	// Regions drawn: all with the regions layer, else the overlay ids; each
	// keeps its colour by position in the scene's list, as on the web map.
	type regionStyle struct {
		r   *geo.Region
		col color.NRGBA
	}
	var regions []regionStyle
	for i := range s.Regions {
		r := &s.Regions[i]
		if o.Has(LayerRegions) || slices.Contains(o.Overlay, r.ID) {
			regions = append(regions, regionStyle{r, RegionColor(i)})
		}
	}

	outline := func(id string, as []*geo.AdminArea, fill, stroke color.NRGBA, width float64, dash []float64) {
		g := d.group(id)
		for _, a := range as {
			g.shape(shape{Rings: project(v, ringsOf(a.Geom), clip, simplifyPx), Closed: true, Fill: fill, Stroke: stroke, Width: width, Dash: dash})
		}
	}
	// Line widths grow with zoom like the web map's interpolations.
	lw := func(z0, w0, z1, w1 float64) float64 {
		t := math.Max(0, math.Min(1, (v.Zoom-z0)/(z1-z0)))
		return w0 + t*(w1-w0)
	}
	if o.Has(LayerProvince) {
		outline("province-fill", province, colProvince, color.NRGBA{}, 0, nil)
	}
	dist := distCounts(s, o)
	if o.Dist != "" {
		g := d.group("dist")
		for _, c := range cities {
			if n := dist.byCity[c.Code]; n > 0 {
				g.shape(shape{Rings: project(v, ringsOf(c.Geom), clip, simplifyPx), Closed: true, Fill: withAlpha(distColor(n, dist.max), 191)})
			}
		}
	}
	if len(regions) > 0 {
		g := d.group("regions-fill")
		for _, r := range regions {
			g.shape(shape{Rings: project(v, ringsOf(r.r.Geom), clip, simplifyPx), Closed: true, Fill: withAlpha(r.col, 41)})
		}
	}
	if o.Has(LayerCounties) {
		outline("counties", counties, color.NRGBA{}, colCountyLn, lw(7, 0.4, 11, 1.2), []float64{3, 2})
	}
	if o.Has(LayerCities) {
		outline("cities", cities, color.NRGBA{}, colCityLn, lw(5, 0.7, 10, 2), nil)
	}
	if len(regions) > 0 {
		g := d.group("regions")
		for _, r := range regions {
			g.shape(shape{Rings: project(v, ringsOf(r.r.Geom), clip, simplifyPx), Closed: true, Stroke: withAlpha(r.col, 217), Width: 3})
		}
	}
	if o.Has(LayerProvince) {
		outline("province", province, color.NRGBA{}, colProvinceLn, lw(5, 1.4, 10, 3), nil)
	}

	// Zones: outlines, then points on top. Approximate outlines (a circle
	// of the approved area) are paler and dashed, as on the web map and in
	// the legend, so nobody reads them as surveyed boundaries. Points, sized
	// by revenue, keep zones visible where outlines are a pixel wide; they
	// go once outlines are large (the web map fades them from zoom 9.5).
	zs := zoneStyles(s, o)
	var drawn []zoneStyle
	if o.Has(LayerZones) {
		g := d.group("zones")
		for _, z := range zs {
			rings := project(v, ringsOf(z.zone.Geom), clip, simplifyPx)
			x, y := v.Pixel(z.point)
			_, ok := ringsBox(rings)
			if !ok && !(box{x, y, x, y}).overlaps(clip) {
				continue
			}
			sh := shape{Rings: rings, Closed: true, Fill: withAlpha(z.fill, 191), Stroke: colZoneOutline, Width: 1.2,
				Zone: z.zone.ID, Title: zoneTitle(z, name)}
			if z.zone.GeomQuality != geo.GeomOfficial {
				sh.Fill, sh.Width, sh.Dash = withAlpha(z.fill, 97), 1, []float64{2, 2}
				sh.Stroke = withAlpha(colZoneOutline, uint8(204*math.Max(0, math.Min(1, v.Zoom-8))))
			}
			g.shape(sh)
			z.x, z.y = x, y
			drawn = append(drawn, z)
		}
		pg := d.group("zone-points")
		for _, z := range drawn {
			if !geo.LocationKnown(z.zone) {
				// Location unknown: a hollow marker with "?" at the county
				// or city point, at every zoom, never a sized dot or a circle.
				pg.shape(shape{Rings: [][]pt{circleRing(z.x, z.y, 5, 16)}, Closed: true, Fill: colUnknown, Stroke: z.fill, Width: 2,
					Dash: []float64{2, 1.5}, Zone: z.zone.ID, Title: zoneTitle(z, name)})
				pg.label(label{X: z.x, Y: z.y + 3, S: "?", Size: 8, Bold: true, Fill: colText, Anchor: anchorMiddle})
			}
		}
		if v.Zoom < pointsUntil {
			for _, z := range drawn {
				if !geo.LocationKnown(z.zone) {
					continue
				}
				if z.lower {
					// A lower bound (突破/超过) gets a ring: the figure is at least this.
					pg.shape(shape{Rings: [][]pt{circleRing(z.x, z.y, z.radius+4, 24)}, Closed: true, Stroke: colLowerBound, Width: 1.2, Zone: z.zone.ID})
				}
				pg.shape(shape{Rings: [][]pt{circleRing(z.x, z.y, z.radius, 20)}, Closed: true, Fill: z.fill, Stroke: colHalo, Width: 1,
					Zone: z.zone.ID, Title: zoneTitle(z, name)})
			}
		}
	}

	// Furniture first, so labels avoid it.
	var taken []box
	furniture := d.group("furniture")
	if !o.Plain {
		taken = append(taken, layoutFurniture(furniture, s, o, v, drawn)...)
	}

	labels := d.group("labels")
	frame := box{2, 2, w - 2, h - 2}
	place := func(l label, candidates [][2]float64) bool {
		tw := textWidth(l.S, l.Size)
		for _, c := range candidates {
			l := l
			l.X, l.Y = c[0], c[1]
			var b box
			switch l.Anchor {
			case anchorMiddle:
				b = box{l.X - tw/2, l.Y - l.Size*0.88, l.X + tw/2, l.Y + l.Size*0.12}
			case anchorEnd:
				b = box{l.X - tw, l.Y - l.Size*0.88, l.X, l.Y + l.Size*0.12}
			default:
				b = box{l.X, l.Y - l.Size*0.88, l.X + tw, l.Y + l.Size*0.12}
			}
			b = b.pad(2)
			if !b.inside(frame) || slices.ContainsFunc(taken, b.overlaps) {
				continue
			}
			taken = append(taken, b)
			labels.label(l)
			return true
		}
		return false
	}
	tz := v.TileZoom()
	showLabels := o.Has(LayerLabels)
	// Which zones get a name: all from zoom 8 (the web map's zone labels)
	// or when the filter leaves few; else those with a figure when they are
	// few (on a province map, the handful of zones that have a tier).
	var named []zoneStyle
	if o.Has(LayerZones) && showLabels {
		withData := slices.DeleteFunc(slices.Clone(drawn), func(z zoneStyle) bool { return z.tier == geo.TierNoData })
		switch {
		case v.Zoom >= zoneLabelZoom || len(drawn) <= fewZones:
			named = slices.Clone(drawn)
		case len(withData) <= fewZones:
			named = withData
		}
		slices.SortStableFunc(named, func(a, b zoneStyle) int { return cmp.Compare(a.rank, b.rank) })
	}
	// Named zones' points (or centres, once outlines replace points) stay
	// visible: no label may cover them.
	for _, z := range named {
		r := 3.0
		if v.Zoom < pointsUntil {
			r = z.radius
		}
		taken = append(taken, box{z.x - r, z.y - r, z.x + r, z.y + r})
	}
	if showLabels {
		// City names go with the boundaries (the web map shows them with
		// its labels layer whatever the lines); with dist, the count follows.
		for _, c := range cities {
			x, y := v.Pixel(c.LabelPoint)
			n := name(c.Name, c.NameEN)
			if k := dist.byCity[c.Code]; o.Dist != "" && k > 0 {
				n += " " + strconv.Itoa(k)
			}
			// On the point, else around it: above, below, left, right.
			sz := lw(5, 12, 10, 16)
			tw := textWidth(n, sz)
			place(label{S: n, Size: sz, Fill: colCityText, Halo: 3.2, Anchor: anchorMiddle, Bold: true},
				[][2]float64{{x, y + 4.5}, {x, y - 9}, {x, y + 18}, {x, y - 22}, {x, y + 31},
					{x - tw/2 - 14, y + 4.5}, {x + tw/2 + 14, y + 4.5}})
		}
	}
	for _, z := range named {
		if z.x < 0 || z.y < 0 || z.x > w || z.y > h {
			continue
		}
		const sz = 11.0
		off := 3.0
		if v.Zoom < pointsUntil {
			off += z.radius
		}
		l := label{S: shortName(name(z.zone.Name, z.zone.NameEN)), Size: sz, Fill: colText, Halo: 2.4}
		// Below the zone as on the web map, else right, left, above.
		if !place(withAnchor(l, anchorMiddle), [][2]float64{{z.x, z.y + off + sz*0.85}}) &&
			!place(withAnchor(l, anchorStart), [][2]float64{{z.x + off, z.y + sz*0.38}}) &&
			!place(withAnchor(l, anchorEnd), [][2]float64{{z.x - off, z.y + sz*0.38}}) {
			place(withAnchor(l, anchorMiddle), [][2]float64{{z.x, z.y - off - 1}})
		}
	}
	if showLabels && o.Has(LayerCounties) && tz >= geo.LabelMinZoom[geo.LevelCounty] {
		for _, c := range counties {
			x, y := v.Pixel(c.LabelPoint)
			place(label{S: name(c.Name, c.NameEN), Size: 11, Fill: colCountyText, Halo: 2.4, Anchor: anchorMiddle},
				[][2]float64{{x, y + 3.5}})
		}
	}
	// Furniture is drawn above the labels.
	d.Groups = append(slices.DeleteFunc(d.Groups, func(g *group) bool { return g == furniture }), furniture)
	d.Title = title(s, o)
	return d
}

// enAbbrev shortens the generic part of English zone names on the map
// only ("Zhengzhou Economic and Technological Development Zone" does not
// fit beside a marker); the data and the web map keep the full names.
var enAbbrev = strings.NewReplacer(
	"Economic and Technological Development Zone", "ETDZ",
	"High-tech Industrial Development Zone", "High-tech Zone",
	"Industrial Agglomeration Zone", "Ind. Agglom. Zone",
	"Economic Development Zone", "Econ. Dev. Zone",
	"Advanced Manufacturing Development Zone", "Adv. Mfg. Zone",
	"Comprehensive Bonded Zone", "Bonded Zone",
)

func shortName(s string) string { return enAbbrev.Replace(s) }

func withAnchor(l label, a anchor) label { l.Anchor = a; return l }

// dists are the zone counts of the dist cluster per city code.
type dists struct {
	byCity map[string]int
	max    int
}

// distCounts counts the scene's zones of cluster o.Dist per city.
func distCounts(s *Scene, o Options) dists {
	d := dists{byCity: map[string]int{}}
	if o.Dist == "" {
		return d
	}
	for i := range s.Zones {
		z := &s.Zones[i]
		if z.CityCode != "" && slices.ContainsFunc(z.Clusters, func(c geo.ZoneCluster) bool { return c.ClusterID == o.Dist }) {
			d.byCity[z.CityCode]++
			d.max = max(d.max, d.byCity[z.CityCode])
		}
	}
	return d
}

// zoneStyle is a zone with its colour and drawing rank (low first).
type zoneStyle struct {
	zone     *geo.Zone
	point    orb.Point
	tier     string
	cluster  int // index in Taxonomy.Clusters, -1 none
	fill     color.NRGBA
	rank     int     // label priority: 0 first
	radius   float64 // of the point, by revenue
	lower    bool    // the headline figure is a lower bound
	figure   string  // the headline as text, zh and en: "≥217.4亿 (2019, 一季度 四上企业营业收入)"
	figureEN string
	x, y     float64
}

// zoneStyles colours every zone of the scene and orders them for drawing:
// low tiers first so the largest zones are drawn on top; by cluster, the
// taxonomy order.
func zoneStyles(s *Scene, o Options) []zoneStyle {
	tierRank := map[string]int{}
	for i, t := range s.Tiers {
		tierRank[t.ID] = i
	}
	tierRank[geo.TierNoData] = len(s.Tiers)
	out := make([]zoneStyle, 0, len(s.Zones))
	for i := range s.Zones {
		z := &s.Zones[i]
		zs := zoneStyle{zone: z, point: zonePoint(z), cluster: zoneCluster(z, s.Taxonomy)}
		var h geo.Revenue
		var ok bool
		zs.tier, h, ok = geo.ZoneTier(s.Tiers, z.Revenue, s.Filter.Year, s.Filter.Measure)
		// The web map's radius: 3.5 px, growing with √revenue to 14 px at
		// 5000亿 (√5000 ≈ 71).
		zs.radius = 3.5
		if ok {
			zs.radius += math.Min(math.Sqrt(h.RevenueYi), 71) / 71 * (14 - 3.5)
			zs.lower = geo.EffectiveBound(h) == geo.BoundLower
			zs.figure, zs.figureEN = figureText(h, LangZH), figureText(h, LangEN)
		}
		zs.rank = tierRank[zs.tier]
		if o.Color == ColorCluster {
			zs.fill = ClusterColor(zs.cluster)
		} else {
			zs.fill = TierColor(s.Tiers, zs.tier)
		}
		out = append(out, zs)
	}
	slices.SortStableFunc(out, func(a, b zoneStyle) int {
		if o.Color == ColorCluster {
			return cmp.Or(cmp.Compare(b.cluster, a.cluster), cmp.Compare(a.zone.ID, b.zone.ID))
		}
		return cmp.Or(cmp.Compare(b.rank, a.rank), cmp.Compare(a.zone.ID, b.zone.ID))
	})
	return out
}

// zonePoint is where a zone's marker and label go: its point, else the
// centre of its outline.
func zonePoint(z *geo.Zone) orb.Point {
	if z.Point != (orb.Point{}) {
		return z.Point
	}
	if len(z.Geom) > 0 {
		return z.Geom.Bound().Center()
	}
	return orb.Point{}
}

// zoneCluster is the cluster a zone is coloured by, as on the web map: the
// first of the taxonomy's clusters the zone belongs to; -1 for none.
func zoneCluster(z *geo.Zone, tax geo.Taxonomy) int {
	return slices.IndexFunc(tax.Clusters, func(c geo.Cluster) bool {
		return slices.ContainsFunc(z.Clusters, func(l geo.ZoneCluster) bool { return l.ClusterID == c.ID })
	})
}

// title is the image's title: the request's, or the default.
func title(s *Scene, o Options) string {
	if o.Title != "" {
		return o.Title
	}
	return txtTitle.in(o.Lang)
}

// caption says what the filter selected, so a report image never hides its
// filter: year, thresholds, clusters, chains, regions, cities, tiers and
// the number of zones shown.
func caption(s *Scene, o Options, n int) string {
	lang := o.Lang
	f := s.Filter
	var parts []string
	if f.Year != 0 {
		parts = append(parts, yearText(lang, f.Year))
	}
	if fam, ok := geo.LookupFamily(f.Family()); ok && f.Family() != geo.DefaultFamily {
		parts = append(parts, map[bool]string{true: fam.LabelEN, false: fam.Label}[lang == LangEN])
	}
	switch {
	case f.MinRevenue != nil && f.MaxRevenue != nil:
		parts = append(parts, fmt.Sprintf("%s–%s", revenueText(lang, *f.MinRevenue), revenueText(lang, *f.MaxRevenue)))
	case f.MinRevenue != nil:
		parts = append(parts, "≥ "+revenueText(lang, *f.MinRevenue))
	case f.MaxRevenue != nil:
		parts = append(parts, "≤ "+revenueText(lang, *f.MaxRevenue))
	}
	names := func(kind text, ids []string, lookup func(id string) (string, string, bool)) {
		if len(ids) == 0 {
			return
		}
		ns := make([]string, len(ids))
		for i, id := range ids {
			ns[i] = id
			if zh, en, ok := lookup(id); ok {
				ns[i] = zh
				if lang == LangEN && en != "" {
					ns[i] = en
				}
			}
		}
		sep := "："
		if lang == LangEN {
			sep = ": "
		}
		parts = append(parts, kind.in(lang)+sep+joinList(lang, ns))
	}
	inClusters := func(cs []geo.Cluster) func(string) (string, string, bool) {
		return func(id string) (string, string, bool) {
			for _, c := range cs {
				if c.ID == id {
					return c.Name, c.NameEN, true
				}
			}
			return "", "", false
		}
	}
	names(txtCluster, f.Cluster, inClusters(s.Taxonomy.Clusters))
	names(txtChain, f.Chain, inClusters(s.Taxonomy.Chains))
	names(txtRegion, f.Region, func(id string) (string, string, bool) {
		for _, r := range s.Regions {
			if r.ID == id {
				return r.Name, r.NameEN, true
			}
		}
		return "", "", false
	})
	names(txtCity, f.City, func(id string) (string, string, bool) {
		for _, a := range s.Admin {
			if a.Code == id {
				return a.Name, a.NameEN, true
			}
		}
		return "", "", false
	})
	names(txtTier, f.Tier, func(id string) (string, string, bool) {
		t, ok := s.Tiers.Lookup(id)
		return t.Label, t.LabelEN, ok
	})
	if len(parts) == 0 {
		parts = append(parts, txtAll.in(lang))
	}
	if lang == LangEN {
		parts = append(parts, strconv.Itoa(n)+txtZones.en)
	} else {
		parts = append(parts, strconv.Itoa(n)+txtZones.zh)
	}
	return strings.Join(parts, " · ")
}

// layoutFurniture draws title, legend, scale bar and source line into g
// and returns the boxes they take.
func layoutFurniture(g *group, s *Scene, o Options, v View, drawn []zoneStyle) []box {
	w, h := float64(o.Width), float64(o.Height)
	lang := o.Lang
	var taken []box
	panel := func(b box) {
		g.shape(shape{Rings: [][]pt{rectRing(b)}, Closed: true, Fill: colPanel, Stroke: colPanelLn, Width: 0.8})
		taken = append(taken, b)
	}

	// Source line: a band across the bottom.
	attr := s.Attribution
	if attr == "" {
		attr = DefaultAttribution[lang]
	}
	const srcSize = 9.0
	srcLines := wrap(attr, srcSize, w-2*6)
	bandH := float64(len(srcLines))*srcSize*1.35 + 6
	band := box{0, h - bandH, w, h}
	g.shape(shape{Rings: [][]pt{rectRing(band)}, Closed: true, Fill: colPanel})
	taken = append(taken, band)
	for i, ln := range srcLines {
		g.label(label{X: 6, Y: h - bandH + 3 + srcSize*1.35*float64(i+1) - srcSize*0.3, S: ln, Size: srcSize, Fill: colSourceText})
	}
	bottom := h - bandH

	// Title and caption: top left.
	const titleSize, capSize = 17.0, 11.0
	maxW := math.Max(80, math.Min(w*0.7, w-2*pad)-16)
	tLines := wrap(title(s, o), titleSize, maxW)
	cLines := wrap(caption(s, o, len(drawn)), capSize, maxW)
	tw := 0.0
	for _, l := range tLines {
		tw = math.Max(tw, textWidth(l, titleSize))
	}
	for _, l := range cLines {
		tw = math.Max(tw, textWidth(l, capSize))
	}
	th := float64(len(tLines))*titleSize*1.3 + float64(len(cLines))*capSize*1.4 + 12
	panel(box{pad, pad, pad + tw + 16, pad + th})
	y := pad + 6
	for _, l := range tLines {
		y += titleSize * 1.3
		g.label(label{X: pad + 8, Y: y - titleSize*0.25, S: l, Size: titleSize, Bold: true, Fill: colText})
	}
	for _, l := range cLines {
		y += capSize * 1.4
		g.label(label{X: pad + 8, Y: y - capSize*0.3, S: l, Size: capSize, Fill: colSourceText})
	}

	// Scale bar: bottom right.
	mpp := v.MetresPerPixel()
	metres, px := niceLength(mpp, math.Min(120, w/4))
	if px > 0 {
		x1 := w - pad - 8
		x0 := x1 - px
		yb := bottom - pad - 6
		tl := scaleText(metres)
		bw := math.Max(px, textWidth(tl, 10))
		panel(box{x1 - bw - 8, yb - 20, w - pad, bottom - pad})
		ln := shape{Rings: [][]pt{{{x0, yb - 4}, {x0, yb}, {x1, yb}, {x1, yb - 4}}}, Stroke: colScaleBar, Width: 1.5}
		g.shape(ln)
		g.label(label{X: (x0 + x1) / 2, Y: yb - 7, S: tl, Size: 10, Fill: colText, Anchor: anchorMiddle})
	}

	if o.Legend {
		taken = append(taken, legend(g, s, o, v, drawn, bottom, panel)...)
	}
	return taken
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

// legend draws the legend panel at the bottom left, above the source line;
// panel records the box it takes, so it returns no boxes of its own.
func legend(g *group, s *Scene, o Options, v View, drawn []zoneStyle, bottom float64, panel func(box)) []box {
	lang := o.Lang
	type entry struct {
		swatch func(x, y float64) // draws the 14×10 swatch at (x, y) top left
		text   string
	}
	var head string
	var entries []entry
	fillSwatch := func(fill, stroke color.NRGBA, dash []float64) func(x, y float64) {
		return func(x, y float64) {
			g.shape(shape{Rings: [][]pt{rectRing(box{x, y, x + 14, y + 10})}, Closed: true, Fill: fill, Stroke: stroke, Width: 0.9, Dash: dash})
		}
	}
	// Counts: per tier, or per cluster with the one definition
	// (geo.InCluster: a zone in two clusters counts in both, as in the
	// statistics), though each zone is drawn in its first cluster's colour.
	count := map[string]int{}
	var approx, official, unknown, pointOnly bool
	for _, z := range drawn {
		if o.Color == ColorCluster {
			in := false
			for i, c := range s.Taxonomy.Clusters {
				if geo.InCluster(z.zone, c.ID) {
					count[strconv.Itoa(i)]++
					in = true
				}
			}
			if !in {
				count["-1"]++
			}
		} else {
			count[z.tier]++
		}
		switch {
		case !geo.LocationKnown(z.zone):
			unknown = true
		case len(z.zone.Geom) == 0:
			pointOnly = true
		case z.zone.GeomQuality == geo.GeomOfficial:
			official = true
		default:
			approx = true
		}
	}
	if o.Has(LayerZones) {
		if o.Color == ColorCluster {
			head = txtClusterHead.in(lang)
			for i, c := range s.Taxonomy.Clusters {
				if count[strconv.Itoa(i)] == 0 {
					continue
				}
				n := c.Name
				if lang == LangEN && c.NameEN != "" {
					n = c.NameEN
				}
				col := ClusterColor(i)
				entries = append(entries, entry{fillSwatch(col, colHalo, nil), fmt.Sprintf("%s (%d)", n, count[strconv.Itoa(i)])})
			}
			if n := count["-1"]; n > 0 {
				entries = append(entries, entry{fillSwatch(OtherColor, colHalo, nil), fmt.Sprintf("%s (%d)", txtNoCluster.in(lang), n)})
			}
			entries = append(entries, entry{nil, txtClusterRule.in(lang)})
		} else {
			yr := txtLatest.in(lang)
			if s.Filter.Year != 0 {
				yr = yearText(lang, s.Filter.Year)
			}
			th := txtTierHead
			if s.Filter.Family() == geo.FamilyOutput {
				th = txtOutputHead
			}
			if lang == LangEN {
				head = fmt.Sprintf("%s (%s)", th.en, yr)
			} else {
				head = fmt.Sprintf("%s（%s）", th.zh, yr)
			}
			for _, t := range append(slices.Clone(s.Tiers), geo.NoDataTier) {
				l := t.Label
				if lang == LangEN {
					l = t.LabelEN
				}
				col := TierColor(s.Tiers, t.ID)
				entries = append(entries, entry{fillSwatch(col, darker(col, 0.8), nil), fmt.Sprintf("%s (%d)", l, count[t.ID])})
			}
		}
		// Only the geometry qualities present in what the image shows.
		if official {
			entries = append(entries, entry{fillSwatch(withAlpha(NoDataFill, 191), colZoneOutline, nil), txtOfficial.in(lang)})
		}
		if approx {
			entries = append(entries, entry{fillSwatch(withAlpha(NoDataFill, 97), colZoneOutline, []float64{2, 2}), txtApprox.in(lang)})
		}
		if pointOnly {
			entries = append(entries, entry{func(x, y float64) {
				g.shape(shape{Rings: [][]pt{circleRing(x+7, y+5, 4, 16)}, Closed: true, Fill: NoDataFill, Stroke: colHalo, Width: 1})
			}, txtNoArea.in(lang)})
		}
		if unknown {
			entries = append(entries, entry{func(x, y float64) {
				g.shape(shape{Rings: [][]pt{circleRing(x+7, y+5, 5, 16)}, Closed: true, Fill: colUnknown, Stroke: colZoneOutline, Width: 1.5, Dash: []float64{2, 1.5}})
				g.label(label{X: x + 7, Y: y + 8, S: "?", Size: 8, Bold: true, Fill: colText, Anchor: anchorMiddle})
			}, txtUnknownLoc.in(lang)})
		}
	}
	// Lower bounds and points, as drawn.
	if o.Has(LayerZones) && slices.ContainsFunc(drawn, func(z zoneStyle) bool { return z.lower }) && v.Zoom < pointsUntil {
		entries = append(entries, entry{func(x, y float64) {
			g.shape(shape{Rings: [][]pt{circleRing(x+7, y+5, 5, 16)}, Closed: true, Stroke: colLowerBound, Width: 1.2})
		}, txtLower.in(lang)})
	}
	if o.Dist != "" {
		cn := o.Dist
		for _, c := range s.Taxonomy.Clusters {
			if c.ID == o.Dist {
				cn = c.Name
				if lang == LangEN && c.NameEN != "" {
					cn = c.NameEN
				}
			}
		}
		entries = append(entries, entry{nil, fmt.Sprintf(txtDistHead.in(lang), cn)})
		if dist := distCounts(s, o); dist.max > 0 {
			for i := range DistRamp {
				lo := int(math.Floor(float64(dist.max)*float64(i)/float64(len(DistRamp)))) + 1
				hi := int(math.Floor(float64(dist.max) * float64(i+1) / float64(len(DistRamp))))
				if hi < lo {
					continue
				}
				t := strconv.Itoa(lo)
				if hi > lo {
					t += "–" + strconv.Itoa(hi)
				}
				entries = append(entries, entry{fillSwatch(withAlpha(distColor(hi, dist.max), 191), color.NRGBA{}, nil), t})
			}
		}
	}
	var shown []int
	for i, r := range s.Regions {
		if o.Has(LayerRegions) || slices.Contains(o.Overlay, r.ID) {
			shown = append(shown, i)
		}
	}
	if len(shown) > 0 {
		entries = append(entries, entry{nil, txtRegionHead.in(lang)})
	}
	for _, i := range shown {
		r := s.Regions[i]
		n := r.Name
		if lang == LangEN && r.NameEN != "" {
			n = r.NameEN
		}
		col := RegionColor(i)
		entries = append(entries, entry{fillSwatch(withAlpha(col, 41), withAlpha(col, 217), nil), n})
	}
	if head == "" && len(entries) == 0 {
		return nil
	}
	const size, lineH = 11.0, 16.0
	width := textWidth(head, size)
	for _, e := range entries {
		tw := textWidth(e.text, size)
		if e.swatch != nil {
			tw += 20
		}
		width = math.Max(width, tw)
	}
	height := float64(len(entries))*lineH + 10
	if head != "" {
		height += lineH
	}
	b := box{pad, bottom - pad - height, pad + width + 16, bottom - pad}
	panel(b)
	y := b.Y0 + 5
	if head != "" {
		y += lineH
		g.label(label{X: b.X0 + 8, Y: y - 4, S: head, Size: size, Bold: true, Fill: colText})
	}
	for _, e := range entries {
		y += lineH
		if e.swatch == nil {
			g.label(label{X: b.X0 + 8, Y: y - 4, S: e.text, Size: size, Bold: true, Fill: colText})
			continue
		}
		e.swatch(b.X0+8, y-12)
		g.label(label{X: b.X0 + 28, Y: y - 3.5, S: e.text, Size: size, Fill: colText})
	}
	return nil
}

// zoneTitle is a zone's SVG <title> (its tooltip): the name and, with a
// headline figure, the figure with its bound, year, period and measure.
func zoneTitle(z zoneStyle, name func(zh, en string) string) string {
	f := name(z.figure, z.figureEN)
	if f == "" {
		return name(z.zone.Name, z.zone.NameEN)
	}
	return name(z.zone.Name, z.zone.NameEN) + " — " + f
}

// figureText writes a headline figure as every surface does: bound mark,
// value in 亿元, then year, period (part-year only) and measure.
func figureText(h geo.Revenue, lang string) string {
	mark := map[string]string{geo.BoundLower: "≥", geo.BoundUpper: "≤"}[geo.EffectiveBound(h)]
	per, measure := "", h.Measure
	if l, ok := geo.PeriodLabels[h.Period]; ok && h.Period != geo.PeriodFullYear {
		per = l[0]
		if lang == LangEN {
			per = l[1]
		}
	}
	if lang == LangEN {
		if en := geo.MeasureEN(h.Measure); en != "" {
			measure = en
		}
		return fmt.Sprintf("%s%g亿 (%d, %s)", mark, h.RevenueYi, h.Year, strings.TrimSpace(per+" "+measure))
	}
	return fmt.Sprintf("%s%g亿（%d，%s）", mark, h.RevenueYi, h.Year, strings.TrimSpace(per+" "+measure))
}
