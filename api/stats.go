package api

import (
	"cmp"
	"context"
	"slices"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/geo"
)

// Statistics routes: GET /api/v1/stats/clusters and /api/v1/stats/tiers.
// Both take exactly the filter contract of the items endpoint (bbox, city,
// cluster, chain, region, tier, year, min_revenue, max_revenue) and count
// the zones store.Zones returns for it, through the pure functions
// geo.ClusterStats and geo.TierStats, so a chart and the ranked list built
// from the same URL always agree.

// StatsRoutes returns the route hook (for Config.Extra) serving the
// statistics of store.
func StatsRoutes(store data.Store) func(app *fiber.App) {
	h := &statsHandler{store: store}
	return func(app *fiber.App) {
		v1 := app.Group(Prefix)
		v1.Get("/stats/clusters", h.clusters)
		v1.Get("/stats/tiers", h.tiers)
	}
}

type statsHandler struct{ store data.Store }

// revenueRule is stated in every cluster response, so a reader of the
// numbers learns what was summed without reading the code.
const revenueRule = "revenue_yi sums, per cluster, the zones' headline figures (亿元) of one year and one measure only: " +
	"full-year figures that are exact or lower bounds (突破/超过), of the measure most of the cluster's zones report that year. " +
	"Part-year figures, upper bounds and other measures are left out, not mixed; revenue_n counts the summed zones. " +
	"A sum that includes a lower bound is itself a lower bound (revenue_bound \"lower\")."

type cityCount struct {
	CityCode string `json:"city_code"`
	Name     string `json:"name,omitempty"`
	NameEN   string `json:"name_en,omitempty"`
	Zones    int    `json:"zones"`
}

type clusterStatDoc struct {
	ClusterID string      `json:"cluster_id"`
	Name      string      `json:"name"`
	NameEN    string      `json:"name_en,omitempty"`
	Zones     int         `json:"zones"`
	ZoneIDs   []string    `json:"zone_ids"`
	ByCity    []cityCount `json:"by_city"`
	RevenueYi float64     `json:"revenue_yi"`
	RevenueN  int         `json:"revenue_n"`
	// Measure is the statistic summed ("" when no zone has a comparable figure).
	Measure string `json:"measure,omitempty"`
	// RevenueBound is "exact" or "lower" (some summed figure is a lower bound).
	RevenueBound string `json:"revenue_bound,omitempty"`
	// RevenueYear is the year of every summed figure.
	RevenueYear int `json:"revenue_year,omitempty"`
}

type clusterStatsDoc struct {
	// Year of the revenue sums: the filter's, else the latest year any
	// matched zone reports (one year for all clusters, so sums compare).
	Year           int               `json:"year,omitempty"`
	YearBasis      string            `json:"year_basis"` // "filter", "latest" or "none"
	NumberZones    int               `json:"number_zones"`
	Filter         map[string]string `json:"filter"`
	DatasetVersion int64             `json:"dataset_version"`
	RevenueRule    string            `json:"revenue_rule"`
	Clusters       []clusterStatDoc  `json:"clusters"`
}

type tierStatDoc struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	LabelEN string   `json:"label_en"`
	MinYi   *float64 `json:"min_yi,omitempty"`
	MaxYi   *float64 `json:"max_yi,omitempty"`
	Zones   int      `json:"zones"`
	ZoneIDs []string `json:"zone_ids"`
	// AtOrAbove counts zones in this tier or a higher one: what the plan's
	// targets ("N zones over X亿") speak of.
	AtOrAbove *int `json:"at_or_above,omitempty"`
	// Target is the plan's 2025 goal for zones at or above MinYi; TargetMet
	// compares AtOrAbove with it. Both absent for tiers without a target.
	Target    *int  `json:"target,omitempty"`
	TargetMet *bool `json:"target_met,omitempty"`
}

type tierStatsDoc struct {
	// Year of the figures; absent when each zone's latest figure is used.
	Year           int               `json:"year,omitempty"`
	YearBasis      string            `json:"year_basis"` // "filter" or "latest per zone"
	NumberZones    int               `json:"number_zones"`
	NoData         int               `json:"no_data"`
	Filter         map[string]string `json:"filter"`
	DatasetVersion int64             `json:"dataset_version"`
	TierRule       string            `json:"tier_rule"`
	TargetSource   string            `json:"target_source"`
	TargetYear     int               `json:"target_year"`
	Tiers          []tierStatDoc     `json:"tiers"`
}

// tierRule says how a zone gets its tier; stated in every response because
// the plan's targets speak of 主营业务收入 and few zones publish exactly that.
const tierRule = "A zone's tier is set by its headline figure for the year (see the zone's revenue_* properties): " +
	"full-year before part-year, 主营业务收入 before other measures, exact before bounds. Other measures stand in when no " +
	"主营业务收入 is published, so a tier count is not a strict 主营业务收入 count; zones without any figure count as no_data."

// TargetSource names the plan whose zone targets the tier statistics show.
// (S03 of the shared sources, section 三(五)1; quoted, traditional script
// converted).
const TargetSource = "S03: 河南省建设制造强省三年行动计划(2023—2025年), 豫政〔2023〕27号, 三(五)1: 到2025年, 力争全省主营业务收入超过5000亿元、1000亿元、500亿元的开发区分别达到2个、10个和30个"

func (h *statsHandler) zones(c *fiber.Ctx) (geo.Filter, []geo.Zone, int64, error) {
	q, err := queryValues(c)
	if err != nil {
		return geo.Filter{}, nil, 0, err
	}
	f, err := geo.ParseFilter(q, false)
	if err != nil {
		return f, nil, 0, err
	}
	ctx := c.UserContext()
	zs, err := h.store.Zones(ctx, f)
	if err != nil {
		return f, nil, 0, err
	}
	v, err := h.store.Version(ctx)
	if err != nil {
		return f, nil, 0, err
	}
	return f, zs, v, nil
}

func encodedFilter(f geo.Filter) map[string]string {
	out := map[string]string{}
	for k, v := range f.Encode() {
		out[k] = v[0]
	}
	return out
}

func (h *statsHandler) clusters(c *fiber.Ctx) error {
	f, zs, version, err := h.zones(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	tax, err := h.store.Taxonomy(ctx)
	if err != nil {
		return err
	}
	names, err := cityNames(ctx, h.store)
	if err != nil {
		return err
	}
	doc := clusterStatsDoc{Year: f.Year, YearBasis: "filter", NumberZones: len(zs), Filter: encodedFilter(f),
		DatasetVersion: version, RevenueRule: revenueRule, Clusters: []clusterStatDoc{}}
	if f.Year == 0 {
		doc.Year, doc.YearBasis = geo.LatestRevenueYear(zs), "latest"
		if doc.Year == 0 {
			doc.YearBasis = "none"
		}
	}
	byID := make(map[string]*geo.Zone, len(zs))
	for i := range zs {
		byID[zs[i].ID] = &zs[i]
	}
	for _, st := range geo.ClusterStats(zs, tax, f.Year) {
		d := clusterStatDoc{ClusterID: st.ClusterID, Name: st.Name, NameEN: st.NameEN, Zones: st.Zones, ZoneIDs: st.ZoneIDs,
			ByCity: []cityCount{}, RevenueYi: st.RevenueYi, RevenueN: st.RevenueN, Measure: st.Measure}
		if d.ZoneIDs == nil {
			d.ZoneIDs = []string{}
		}
		for code, n := range st.ByCity {
			cc := cityCount{CityCode: code, Zones: n}
			if a, ok := names[code]; ok {
				cc.Name, cc.NameEN = a.Name, a.NameEN
			}
			d.ByCity = append(d.ByCity, cc)
		}
		slices.SortFunc(d.ByCity, func(a, b cityCount) int {
			return cmp.Or(cmp.Compare(b.Zones, a.Zones), cmp.Compare(a.CityCode, b.CityCode))
		})
		if st.RevenueN > 0 {
			d.RevenueYear = doc.Year
			d.RevenueBound = geo.BoundExact
			for _, id := range st.ZoneIDs {
				// The headline record ClusterStats summed for this zone, if
				// any: same year and measure, full year.
				if hr, ok := geo.Headline(byID[id].Revenue, doc.Year); ok && hr.Year == doc.Year && hr.Measure == st.Measure &&
					(hr.Period == geo.PeriodFullYear || hr.Period == "") && hr.Bound == geo.BoundLower {
					d.RevenueBound = geo.BoundLower
				}
			}
		}
		doc.Clusters = append(doc.Clusters, d)
	}
	return c.JSON(doc)
}

func cityNames(ctx context.Context, store data.Store) (map[string]geo.AdminArea, error) {
	cities, err := store.AdminAreas(ctx, geo.LevelCity)
	if err != nil {
		return nil, err
	}
	m := make(map[string]geo.AdminArea, len(cities))
	for _, a := range cities {
		a.Geom = nil
		m[a.Code] = a
	}
	return m, nil
}

func (h *statsHandler) tiers(c *fiber.Ctx) error {
	f, zs, version, err := h.zones(c)
	if err != nil {
		return err
	}
	doc := tierStatsDoc{Year: f.Year, YearBasis: "filter", NumberZones: len(zs), Filter: encodedFilter(f),
		DatasetVersion: version, TierRule: tierRule, TargetSource: TargetSource, TargetYear: 2025, Tiers: []tierStatDoc{}}
	if f.Year == 0 {
		doc.YearBasis = "latest per zone"
	}
	cum := 0
	for _, st := range geo.TierStats(zs, h.store.Tiers(), f.Year) {
		t := st.Tier
		d := tierStatDoc{ID: t.ID, Label: t.Label, LabelEN: t.LabelEN, Zones: st.Zones, ZoneIDs: st.ZoneIDs}
		if d.ZoneIDs == nil {
			d.ZoneIDs = []string{}
		}
		if t.ID == geo.TierNoData {
			doc.NoData = st.Zones
		} else {
			minYi := t.MinYi
			d.MinYi = &minYi
			if t.MaxYi > 0 {
				maxYi := t.MaxYi
				d.MaxYi = &maxYi
			}
			cum += st.Zones
			at := cum
			d.AtOrAbove = &at
			if t.Target > 0 {
				target, met := t.Target, cum >= t.Target
				d.Target, d.TargetMet = &target, &met
			}
		}
		doc.Tiers = append(doc.Tiers, d)
	}
	return c.JSON(doc)
}
