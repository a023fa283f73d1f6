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
	"layoutmap/geo/placename"
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
	// ApprovalNumber is the deployment's map approval number (审图号),
	// drawn as a footer line above the source line; "" draws none. The
	// source line's "not officially reviewed" note stays either way.
	ApprovalNumber string
	// Enterprises is the enterprise layer when Options.Ent asks for it
	// (nil: none gathered).
	Enterprises *EnterpriseLayer
	// Version is the dataset version the geometries come from: outlines
	// are projected once per version and zoom band and reused by later
	// renders (0: not reused, projected for this render only).
	Version int64
}

// Label rules. Zone names appear from zoneLabelZoom as on the web map,
// or at any zoom when the filter leaves few zones: a report of "the zones
// over 1000亿" wants their names on the province map.
const (
	fewZones = 15
	// clipMargin (CSS px at 96 dpi) puts the clipped edges of outlines
	// outside the image, beyond half the widest stroke.
	clipMargin = 8
	// simplifyPx is the Douglas–Peucker tolerance in CSS px.
	simplifyPx = 0.3
	// pointsUntil: zone points are drawn below this zoom.
	pointsUntil = 10.5
	// zoneLabelZoom: every zone is named from this zoom (the web map's
	// labels-zone minzoom).
	zoneLabelZoom = 8
	// pad is the furniture's distance from the image edge (CSS px at 96 dpi).
	pad = 10.0
)

// shortName shortens the generic part of English zone names on the map
// only ("Zhengzhou Economic and Technological Development Zone" does not
// fit beside a marker), with the one table the web map uses too
// (placename.AbbreviationsEN); the data keep the full names.
func shortName(s string) string { return placename.ShortEN(s) }

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
	// scope marks a headline that counts one part of the zone only
	// ("仅食品产业", "food industry only"; geo.ScopeText), "" for the whole zone.
	scope, scopeEN string
	x, y           float64
	// change is the zone's change from Options.Compare to the filter's
	// year (comparison mode only); hollow: its figures cannot be compared,
	// so it is drawn white with a grey edge.
	change geo.Change
	hollow bool
}

// changeColor is the colour of a change class (geo.ChangeClasses), the
// web map's and /api/v1/stats/change's; ok false for no class.
func changeColor(class string) (color.NRGBA, bool) {
	for _, c := range geo.ChangeClasses {
		if c.ID == class {
			return rgb(c.Color), true
		}
	}
	return NotComparableFill, false
}

// zoneStyles colours every zone of the scene and orders them for drawing:
// low tiers first so the largest zones are drawn on top; by cluster, the
// taxonomy order.
func zoneStyles(s *Scene, o Options, u units) []zoneStyle {
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
		zs.radius = u.px(3.5)
		if ok {
			zs.radius += u.px(math.Min(math.Sqrt(h.RevenueYi), 71) / 71 * (14 - 3.5))
			zs.lower = geo.EffectiveBound(h) == geo.BoundLower
			zs.figure, zs.figureEN = figureText(h, LangZH), figureText(h, LangEN)
			zs.scope, zs.scopeEN = geo.ScopeText(h.Scope, LangZH), geo.ScopeText(h.Scope, LangEN)
		}
		zs.rank = tierRank[zs.tier]
		if o.Compare != 0 {
			// Comparison mode: the one change rule decides the colour; a
			// zone it cannot compare is drawn as not compared, never in a
			// class colour (and below the compared ones).
			zs.change = geo.ZoneChange(z.Revenue, o.Compare, s.Filter.Year, s.Filter.Measure)
			zs.fill, _ = changeColor(zs.change.Class)
			zs.hollow = !zs.change.Comparable
			if zs.hollow {
				zs.fill = NotComparableFill
			}
		} else if o.Color == ColorCluster {
			zs.fill = ClusterColor(zs.cluster)
		} else {
			zs.fill = TierColor(s.Tiers, zs.tier)
		}
		out = append(out, zs)
	}
	slices.SortStableFunc(out, func(a, b zoneStyle) int {
		if o.Color == ColorCluster && o.Compare == 0 {
			return cmp.Or(cmp.Compare(b.cluster, a.cluster), cmp.Compare(a.zone.ID, b.zone.ID))
		}
		if o.Compare != 0 && a.hollow != b.hollow {
			if a.hollow {
				return -1
			}
			return 1
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
	if o.Compare != 0 {
		parts = append(parts, fmt.Sprintf(txtCompareWith.in(lang), o.Compare))
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
	parts = append(parts, captionNames(s, lang)...)
	if len(parts) == 0 {
		parts = append(parts, txtAll.in(lang))
	}
	if lang == LangEN {
		if n == 1 {
			parts = append(parts, "1 zone") // English counts agree in number
		} else {
			parts = append(parts, strconv.Itoa(n)+txtZones.en)
		}
	} else {
		parts = append(parts, strconv.Itoa(n)+txtZones.zh)
	}
	return strings.Join(parts, " · ")
}

// captionNames names the clusters, chains, regions, cities and tiers the
// filter selects, one part per kind ("集群：新材料、…"); an unknown id is
// given as is.
func captionNames(s *Scene, lang string) []string {
	var parts []string
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
	f := s.Filter
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
	return parts
}

// zoneTitle is a zone's SVG <title> (its tooltip): the name and, with a
// headline figure, the figure with its bound, year, period and measure.
func zoneTitle(z zoneStyle, name func(zh, en string) string) string {
	f := name(z.figure, z.figureEN)
	t := name(z.zone.Name, z.zone.NameEN)
	if f != "" {
		t += " — " + f
	}
	if z.change.HasFrom || z.change.HasTo || z.hollow {
		t += " · " + name(changeText(z.change, LangZH), changeText(z.change, LangEN))
	}
	return t
}

// changeText is a zone's change in comparison mode: its percentage with
// the bound (at least / at most), or why it was not compared.
func changeText(c geo.Change, lang string) string {
	if !c.Comparable {
		why := map[string][2]string{
			geo.NoChangeFrom:   {"较早年份无可比数据", "no comparable figure in the earlier year"},
			geo.NoChangeTo:     {"所选年份无可比数据", "no comparable figure in the selected year"},
			geo.NoChangeBounds: {"两年数值的性质不能确定变化", "the bounds of the two figures fix no change"},
			geo.NoChangeZero:   {"较早年份数值为 0", "the earlier figure is 0"},
		}[c.Reason]
		if lang == LangEN {
			return "not compared: " + why[1]
		}
		return "不可比：" + why[0]
	}
	mark := map[string][2]string{geo.BoundLower: {"至少 ", "at least "}, geo.BoundUpper: {"至多 ", "at most "}}[c.ChangeBound]
	m := mark[0]
	if lang == LangEN {
		m = mark[1]
	}
	return fmt.Sprintf("%s%+.1f%%", m, c.ChangePct)
}

// figureText writes a headline figure as every surface does: bound mark,
// value in 亿元, then year, period (part-year only), measure and the part of
// the zone counted when not the whole zone ("仅食品产业").
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
		if sc := geo.ScopeText(h.Scope, LangEN); sc != "" {
			measure += ", " + sc
		}
		return fmt.Sprintf("%s%g亿 (%d, %s)", mark, h.RevenueYi, h.Year, strings.TrimSpace(per+" "+measure))
	}
	if sc := geo.ScopeText(h.Scope, LangZH); sc != "" {
		measure += "，" + sc
	}
	return fmt.Sprintf("%s%g亿（%d，%s）", mark, h.RevenueYi, h.Year, strings.TrimSpace(per+" "+measure))
}
