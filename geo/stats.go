package geo

import (
	"slices"
)

// Statistics are pure functions over the zones a filter selected, so both
// stores (which only supply Store.Zones) produce the same numbers. Every
// statistic is about one year and one measure family: callers resolve year
// 0 with LatestComparableYear first, and responses name the year.

// LatestComparableYear returns the latest year in which any of zones has a
// headline figure of family fam (see Headline), or 0 when none has. It is
// the default year of every statistic and of the plan-target check.
func LatestComparableYear(zones []Zone, fam string) int {
	y := 0
	for i := range zones {
		if h, ok := Headline(zones[i].Revenue, 0, fam); ok && h.Year > y {
			y = h.Year
		}
	}
	return y
}

// ComparableZones returns the ids (sorted) of zones with a headline figure
// of family fam in year (year ≠ 0): the coverage a statistic states ("N of
// M zones have a comparable figure for year").
func ComparableZones(zones []Zone, year int, fam string) []string {
	ids := []string{}
	if year == 0 {
		return ids
	}
	for i := range zones {
		if _, ok := Headline(zones[i].Revenue, year, fam); ok {
			ids = append(ids, zones[i].ID)
		}
	}
	slices.Sort(ids)
	return ids
}

// InCluster is the one definition of "zone in cluster" for counting: a
// zone is in every cluster it is linked to, stated or derived, so a zone
// with two clusters counts in both and the per-cluster counts may add up to
// more than the number of zones. The stats API, the web panel, the static
// map's legend and /embed all count with it.
func InCluster(z *Zone, clusterID string) bool {
	return slices.ContainsFunc(z.Clusters, func(l ZoneCluster) bool { return l.ClusterID == clusterID })
}

// ZonesPerCluster counts zones per cluster id with InCluster.
func ZonesPerCluster(zones []Zone) map[string]int {
	n := map[string]int{}
	for i := range zones {
		seen := map[string]bool{}
		for _, l := range zones[i].Clusters {
			if !seen[l.ClusterID] {
				seen[l.ClusterID] = true
				n[l.ClusterID]++
			}
		}
	}
	return n
}

// ClusterStats returns, for each of the 7 clusters of tax in taxonomy order,
// the zones in it (InCluster), their ids sorted, counts per city code and a
// revenue sum over comparable figures only, for year (≠ 0; resolve year 0
// with LatestComparableYear) and family fam.
//
// Comparable means: the zones' headline records (see Headline) of family
// fam for year that are full-year, of the whole zone, exact or lower
// bounds, and of one
// measure, the measure with the most such records in the cluster (ties: the
// measure Headline prefers, then by name). RevenueN counts the summed
// records and Measure names the measure; a sum that includes lower bounds
// is itself a lower bound (RevenueBound). Figures of other measures or
// families, part-year figures, figures of one part of a zone (Scope) and
// upper bounds are left out rather than mixed. zones is not modified.
func ClusterStats(zones []Zone, tax Taxonomy, year int, fam string) []ClusterStat {
	out := make([]ClusterStat, 0, len(tax.Clusters))
	for _, c := range tax.Clusters {
		st := ClusterStat{ClusterID: c.ID, Name: c.Name, NameEN: c.NameEN, ZoneIDs: []string{}, ByCity: map[string]int{}}
		var heads []Revenue
		for i := range zones {
			z := &zones[i]
			if !InCluster(z, c.ID) {
				continue
			}
			st.Zones++
			st.ZoneIDs = append(st.ZoneIDs, z.ID)
			if z.CityCode != "" {
				st.ByCity[z.CityCode]++
			}
			if year == 0 {
				continue
			}
			if h, ok := Headline(z.Revenue, year, fam); ok && comparable(h) {
				heads = append(heads, h)
			}
		}
		slices.Sort(st.ZoneIDs)
		st.Measure, st.RevenueYi, st.RevenueN, st.RevenueBound = ClusterRevenue(groupByMeasure(heads))
		out = append(out, st)
	}
	return out
}

// comparable reports whether a headline record may enter a cluster sum:
// a full-year figure of the whole zone, exact or a lower bound (a figure of
// one industry or part of a zone is a lower bound of that zone alone, and
// is left out of sums as part-year figures are).
func comparable(h Revenue) bool {
	return FullYear(h) && WholeZone(h) && (h.Bound == BoundExact || h.Bound == BoundLower)
}

// TierStats returns the number of zones in each tier of ts for year (0:
// each zone's latest figure, as ZoneTier; statistics resolve it first) and
// family fam, highest tier first, then NoDataTier. Lower counts the zones
// of a tier that are only "at least" in it (lower bounds), AtOrAbove the
// zones known to be at or above the tier's MinYi (cumulative; exact for
// lower bounds too). Each TierStat carries its Tier, whose Target is the
// 2025 target of PlanTargets2025 for zones at or above MinYi. ZoneIDs are
// sorted. zones is not modified.
func TierStats(zones []Zone, ts Tiers, year int, fam string) []TierStat {
	all := append(slices.Clone(ts), NoDataTier)
	out := make([]TierStat, len(all))
	idx := make(map[string]int, len(all))
	for i, t := range all {
		out[i] = TierStat{Tier: t, ZoneIDs: []string{}}
		idx[t.ID] = i
	}
	for i := range zones {
		id, h, ok := ZoneTier(ts, zones[i].Revenue, year, fam)
		j := idx[id]
		out[j].Zones++
		out[j].ZoneIDs = append(out[j].ZoneIDs, zones[i].ID)
		if ok && id != TierNoData && EffectiveBound(h) == BoundLower {
			out[j].Lower++
		}
	}
	cum := 0
	for i := range out {
		slices.Sort(out[i].ZoneIDs)
		if out[i].Tier.ID != TierNoData {
			cum += out[i].Zones
			out[i].AtOrAbove = cum
		}
	}
	return out
}

// Plan is a development plan whose targets a statistic compares with.
type Plan struct {
	ID         string `json:"id"`
	Title      string `json:"title"`
	TitleEN    string `json:"title_en"`
	Document   string `json:"document"` // document number, e.g. 豫政〔2023〕27号
	Source     string `json:"source"`   // source id of the shared source list
	TargetYear int    `json:"target_year"`
	Measure    string `json:"measure"` // the measure the targets speak of
	Subject    string `json:"subject"` // what is counted (开发区, 产业集聚区)
	Quote      string `json:"quote"`
	// Targets: at least Zones zones at or above MinYi 亿元 by TargetYear.
	Targets []PlanTarget `json:"targets"`
}

// PlanTarget is one "N zones over X亿" goal.
type PlanTarget struct {
	MinYi float64 `json:"min_yi"`
	Zones int     `json:"zones"`
}

// PlanTargets2025 is the headline plan: 豫政〔2023〕27号, section 三(五)1.
// DefaultTiers' Target fields are its targets.
var PlanTargets2025 = Plan{
	ID: "yuzheng-2023-27", Title: "河南省建设制造强省三年行动计划(2023—2025年)",
	TitleEN:  "Henan action plan for building a strong manufacturing province (2023–2025)",
	Document: "豫政〔2023〕27号", Source: "S03", TargetYear: 2025, Measure: "主营业务收入", Subject: "开发区",
	Quote:   "到2025年，力争全省主营业务收入超过5000亿元、1000亿元、500亿元的开发区分别达到2个、10个和30个",
	Targets: []PlanTarget{{5000, 2}, {1000, 10}, {500, 30}},
}

// PlanTargets2017 is the earlier plan's targets (history only: they are
// about 产业集聚区 by 2017, not today's 开发区).
var PlanTargets2017 = Plan{
	ID: "henan-2014-advanced-manufacturing", Title: "河南省先进制造业大省建设行动计划",
	TitleEN:  "Henan action plan for a province of advanced manufacturing (2014)",
	Document: "豫政〔2014〕(2014-11-18)", Source: "S05", TargetYear: 2017, Measure: "主营业务收入", Subject: "产业集聚区",
	Targets: []PlanTarget{{1000, 5}, {500, 20}, {100, 150}},
}

// TargetCheck compares one year's figures with a plan's targets.
type TargetCheck struct {
	Plan Plan `json:"plan"`
	Year int  `json:"year"`
	// Family is the measure family counted; the plan speaks of Plan.Measure.
	Family string `json:"family"`
	// Comparable counts the zones with a comparable figure for Year, of Zones.
	Comparable int         `json:"comparable"`
	Zones      int         `json:"zones"`
	Rows       []TargetRow `json:"rows"`
}

// TargetRow is one target with the zones known to reach it in the year.
type TargetRow struct {
	PlanTarget
	AtOrAbove int      `json:"at_or_above"`
	ZoneIDs   []string `json:"zone_ids"`
	// Lower counts the zones of AtOrAbove known only by a lower bound.
	Lower int `json:"lower"`
	// PartScope are the zones of AtOrAbove (sorted) counted through a
	// figure of one part of the zone (Scope, e.g. 漯河经开区's food industry
	// only): a valid lower bound, said so wherever the count is shown.
	PartScope []string `json:"part_scope"`
	Met       bool     `json:"met"`
}

// CheckTargets counts, for one year (≠ 0) and family fam, the zones known
// to be at or above each target of plan (MeetsMin: exact figures and lower
// bounds). It never mixes years: a zone without a figure for year does not
// count, whatever its other years say.
func CheckTargets(zones []Zone, plan Plan, year int, fam string) TargetCheck {
	tc := TargetCheck{Plan: plan, Year: year, Family: family(fam), Zones: len(zones),
		Comparable: len(ComparableZones(zones, year, fam)), Rows: []TargetRow{}}
	for _, t := range plan.Targets {
		row := TargetRow{PlanTarget: t, ZoneIDs: []string{}, PartScope: []string{}}
		for i := range zones {
			if year != 0 && MeetsMin(zones[i].Revenue, year, fam, t.MinYi) {
				row.AtOrAbove++
				row.ZoneIDs = append(row.ZoneIDs, zones[i].ID)
				h, _ := Headline(zones[i].Revenue, year, fam)
				if EffectiveBound(h) == BoundLower {
					row.Lower++
				}
				if !WholeZone(h) {
					row.PartScope = append(row.PartScope, zones[i].ID)
				}
			}
		}
		slices.Sort(row.ZoneIDs)
		slices.Sort(row.PartScope)
		row.Met = row.AtOrAbove >= t.Zones
		tc.Rows = append(tc.Rows, row)
	}
	return tc
}
