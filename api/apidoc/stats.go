// Package apidoc builds the API's response documents that the server and
// the static site (cmd/sitewasm, compiled to WebAssembly) both send: items
// as GeoJSON, cluster and tier statistics, year-to-year change. It has no
// HTTP framework in it, so the same code runs in a browser and the two
// surfaces give the same answers for the same filter.
package apidoc

import (
	"cmp"
	"fmt"
	"slices"

	"layoutmap/geo"
)

// RevenueRule is stated in every cluster response, so a reader of the
// numbers learns what was summed without reading the code.
const RevenueRule = "revenue_yi sums, per cluster, the zones' headline figures (亿元) of one year, one measure family and one measure only: " +
	"full-year figures that are exact or lower bounds (突破/超过), of the measure most of the cluster's zones report that year. " +
	"Part-year figures, upper bounds, other measures and other families (工业总产值 is never summed with 营业收入) are left out, not mixed; " +
	"revenue_n counts the summed zones. A sum that includes a lower bound is itself a lower bound (revenue_bound \"lower\")."

// ZonesPerClusterRule is the one definition of "zones per cluster" (geo.InCluster),
// stated in every response that counts zones per cluster.
const ZonesPerClusterRule = ZonesPerClusterRuleEN + " " + ZonesPerClusterRuleZH

// The rule's two languages, for interfaces that show one of them.
const (
	ZonesPerClusterRuleEN = "A zone counts in every cluster it is linked to (stated or derived), so a zone with two clusters counts in both " +
		"and the per-cluster counts can add up to more than the number of zones."
	ZonesPerClusterRuleZH = "一个开发区属于几个集群就在几个集群中各计一次。"
)

type CityCount struct {
	CityCode string `json:"city_code"`
	Name     string `json:"name,omitempty"`
	NameEN   string `json:"name_en,omitempty"`
	Zones    int    `json:"zones"`
}

type ClusterStat struct {
	ClusterID string      `json:"cluster_id"`
	Name      string      `json:"name"`
	NameEN    string      `json:"name_en,omitempty"`
	Zones     int         `json:"zones"`
	ZoneIDs   []string    `json:"zone_ids"`
	ByCity    []CityCount `json:"by_city"`
	RevenueYi float64     `json:"revenue_yi"`
	RevenueN  int         `json:"revenue_n"`
	// Measure is the statistic summed ("" when no zone has a comparable figure).
	Measure   string `json:"measure,omitempty"`
	MeasureEN string `json:"measure_en,omitempty"`
	// RevenueBound is "exact" or "lower" (some summed figure is a lower bound).
	RevenueBound string `json:"revenue_bound,omitempty"`
	// RevenueYear is the year of every summed figure.
	RevenueYear int `json:"revenue_year,omitempty"`
}

// Coverage says how many of the selected zones have a comparable figure
// for the statistic's year, in words too.
type Coverage struct {
	Comparable int      `json:"comparable"`
	Zones      int      `json:"zones"`
	ZoneIDs    []string `json:"zone_ids"`
	Text       string   `json:"text"`
	TextEN     string   `json:"text_en"`
}

// YearDoc is the one year a statistics response uses and why.
type YearDoc struct {
	// Year of every figure in the response; 0 only when no selected zone
	// has any comparable figure (year_basis "none").
	Year int `json:"year"`
	// YearBasis is "filter" (the year parameter) or "latest comparable"
	// (the latest year in which any selected zone has a figure of the
	// measure family), or "none".
	YearBasis string `json:"year_basis"`
	// Measure is the measure family counted (measure parameter; default revenue).
	Measure   string   `json:"measure"`
	MeasureZh string   `json:"measure_label"`
	MeasureEN string   `json:"measure_label_en"`
	Coverage  Coverage `json:"coverage"`
}

type ClusterStats struct {
	YearDoc
	NumberZones     int               `json:"number_zones"`
	Filter          map[string]string `json:"filter"`
	DatasetVersion  int64             `json:"dataset_version"`
	RevenueRule     string            `json:"revenue_rule"`
	ZonesPerCluster string            `json:"zones_per_cluster_rule"`
	Clusters        []ClusterStat     `json:"clusters"`
}

type TierStat struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	LabelEN string   `json:"label_en"`
	Color   string   `json:"color"`
	MinYi   *float64 `json:"min_yi,omitempty"`
	MaxYi   *float64 `json:"max_yi,omitempty"`
	Zones   int      `json:"zones"`
	ZoneIDs []string `json:"zone_ids"`
	// Lower counts the zones of this tier known only by a lower bound:
	// they are "at least" in it.
	Lower int `json:"lower"`
	// AtOrAbove counts zones in this tier or a higher one: what the plan's
	// targets ("N zones over X亿") speak of.
	AtOrAbove *int `json:"at_or_above,omitempty"`
	// Target is the 2025 goal of 豫政〔2023〕27号 for zones at or above
	// MinYi; TargetMet compares AtOrAbove with it. Both absent for tiers
	// without a target and when the measure family is not revenue.
	Target    *int  `json:"target,omitempty"`
	TargetMet *bool `json:"target_met,omitempty"`
}

type TierStats struct {
	YearDoc
	NumberZones    int               `json:"number_zones"`
	NoData         int               `json:"no_data"`
	Filter         map[string]string `json:"filter"`
	DatasetVersion int64             `json:"dataset_version"`
	TierRule       string            `json:"tier_rule"`
	TargetSource   string            `json:"target_source"`
	TargetYear     int               `json:"target_year"`
	Tiers          []TierStat        `json:"tiers"`
	// TargetCheck compares the year's figures with the 2025 targets of
	// 豫政〔2023〕27号; absent for a measure family the plan does not
	// speak of (output value) and when no zone has a figure.
	TargetCheck *geo.TargetCheck `json:"target_check,omitempty"`
	// EarlierPlans are earlier plans' targets, for history only: they are
	// about other years and other kinds of zones.
	EarlierPlans []geo.Plan `json:"earlier_plans"`
}

// TierRule says how a zone gets its tier; stated in every response because
// the plan's targets speak of 主营业务收入 and few zones publish exactly that.
const TierRule = "A zone's tier is set by its headline figure of the measure family (default revenue: 主营业务收入, 营业收入, " +
	"四上/规上企业营业收入; never 工业总产值) for the one year of the response: full-year before part-year, 主营业务收入 first, exact before bounds. " +
	"A part-year figure is a lower bound of its year. A lower bound places a zone 'at least' in the tier containing it (counted in lower; " +
	"tier=X matches it too, meaning X or higher), so at_or_above is exact. Zones without a comparable figure for the year count as no_data."

// TargetSource names the plan whose zone targets the tier statistics show.
// (S03 of the shared sources, section 三(五)1; quoted, traditional script
// converted).
const TargetSource = "S03: 河南省建设制造强省三年行动计划(2023—2025年), 豫政〔2023〕27号, 三(五)1: 到2025年, 力争全省主营业务收入超过5000亿元、1000亿元、500亿元的开发区分别达到2个、10个和30个"

// ResolveYear states the year, basis and coverage of st.
func ResolveYear(f geo.Filter, st geo.Stats) YearDoc {
	fam, _ := geo.LookupFamily(f.Family())
	d := YearDoc{Year: st.Year, YearBasis: st.YearBasis, Measure: fam.ID, MeasureZh: fam.Label, MeasureEN: fam.LabelEN}
	ids, n := st.Comparable, st.Zones
	d.Coverage = Coverage{Comparable: len(ids), Zones: n, ZoneIDs: ids}
	if d.Year != 0 {
		d.Coverage.Text = fmt.Sprintf("%d 个开发区（共 %d 个）有 %d 年可比的%s数据", len(ids), n, d.Year, fam.Label)
		d.Coverage.TextEN = fmt.Sprintf("%d of %d zones %s a comparable %s figure for %d", len(ids), n, map[bool]string{true: "has", false: "have"}[len(ids) == 1], fam.LabelEN, d.Year)
	} else {
		d.Coverage.Text = fmt.Sprintf("%d 个开发区均无可比的%s数据", n, fam.Label)
		d.Coverage.TextEN = fmt.Sprintf("none of %d zones has a comparable %s figure", n, fam.LabelEN)
	}
	return d
}

func EncodedFilter(f geo.Filter) map[string]string {
	out := map[string]string{}
	for k, v := range f.Encode() {
		out[k] = v[0]
	}
	return out
}

// Clusters is the GET /api/v1/stats/clusters document of st, the
// statistics of the zones req (the filter as requested) selects.
func Clusters(req geo.Filter, st geo.Stats, version int64) ClusterStats {
	doc := ClusterStats{YearDoc: ResolveYear(req, st), NumberZones: st.Zones, Filter: EncodedFilter(req),
		DatasetVersion: version, RevenueRule: RevenueRule, ZonesPerCluster: ZonesPerClusterRule, Clusters: []ClusterStat{}}
	for _, cs := range st.Clusters {
		d := ClusterStat{ClusterID: cs.ClusterID, Name: cs.Name, NameEN: cs.NameEN, Zones: cs.Zones, ZoneIDs: cs.ZoneIDs,
			ByCity: []CityCount{}, RevenueYi: cs.RevenueYi, RevenueN: cs.RevenueN, Measure: cs.Measure,
			MeasureEN: geo.MeasureEN(cs.Measure), RevenueBound: cs.RevenueBound}
		if d.ZoneIDs == nil {
			d.ZoneIDs = []string{}
		}
		for code, n := range cs.ByCity {
			cc := CityCount{CityCode: code, Zones: n}
			if a, ok := st.CityNames[code]; ok {
				cc.Name, cc.NameEN = a.Name, a.NameEN
			}
			d.ByCity = append(d.ByCity, cc)
		}
		slices.SortFunc(d.ByCity, func(a, b CityCount) int {
			return cmp.Or(cmp.Compare(b.Zones, a.Zones), cmp.Compare(a.CityCode, b.CityCode))
		})
		if cs.RevenueN > 0 {
			d.RevenueYear = doc.Year
		}
		doc.Clusters = append(doc.Clusters, d)
	}
	return doc
}

// Tiers is the GET /api/v1/stats/tiers document of st.
func Tiers(req geo.Filter, st geo.Stats, version int64) TierStats {
	doc := TierStats{YearDoc: ResolveYear(req, st), NumberZones: st.Zones, Filter: EncodedFilter(req),
		DatasetVersion: version, TierRule: TierRule, TargetSource: TargetSource, TargetYear: geo.PlanTargets2025.TargetYear,
		Tiers: []TierStat{}, EarlierPlans: []geo.Plan{geo.PlanTargets2017}}
	revenue := req.Family() == geo.FamilyRevenue
	if revenue && doc.Year != 0 {
		doc.TargetCheck = st.Targets
	}
	for _, st := range st.Tiers {
		t := st.Tier
		d := TierStat{ID: t.ID, Label: t.Label, LabelEN: t.LabelEN, Color: t.Color, Zones: st.Zones, ZoneIDs: st.ZoneIDs, Lower: st.Lower}
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
			at := st.AtOrAbove
			d.AtOrAbove = &at
			if t.Target > 0 && revenue && doc.Year != 0 {
				target, met := t.Target, at >= t.Target
				d.Target, d.TargetMet = &target, &met
			}
		}
		doc.Tiers = append(doc.Tiers, d)
	}
	return doc
}
