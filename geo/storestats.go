package geo

import (
	"cmp"
	"slices"
)

// StatsQuery is a statistics request to a store (data.Store.Stats): the
// zone filter of the items endpoint (paging ignored). Filter.Year 0 asks
// for the latest comparable year of the zones the year-independent
// criteria select (LatestComparableYear); tier, min_revenue and
// max_revenue then apply to that year, exactly as items?year=Y would.
type StatsQuery struct {
	Filter Filter
}

// Year bases of Stats.
const (
	YearBasisFilter = "filter"            // the filter's year
	YearBasisLatest = "latest comparable" // LatestComparableYear of the selection
	YearBasisNone   = "none"              // no selected zone has a figure of the family
)

// Stats is what a store answers to a StatsQuery: every statistic of the
// zones the filter selects, for one year (Year, 0 only with YearBasisNone)
// and the filter's measure family. Both stores must give identical Stats
// (the differential test); memstore computes them with StatsOf.
type Stats struct {
	Year      int
	YearBasis string
	// Zones counts the selected zones; Comparable lists (sorted) those with
	// a headline figure of the family for Year (ComparableZones).
	Zones      int
	Comparable []string
	Clusters   []ClusterStat // ClusterStats, taxonomy order
	Tiers      []TierStat    // TierStats
	// Targets is CheckTargets against PlanTargets2025; nil when Year is 0.
	Targets *TargetCheck
	// CityNames has the code, name and English name (no geometry) of every
	// city, for naming ClusterStat.ByCity's codes.
	CityNames map[string]AdminArea
}

// NamesOnly returns the code, level, name and English name of each area
// (no geometry or other fields) by code: Stats.CityNames.
func NamesOnly(areas []AdminArea) map[string]AdminArea {
	m := make(map[string]AdminArea, len(areas))
	for _, a := range areas {
		m[a.Code] = AdminArea{Code: a.Code, Level: a.Level, Name: a.Name, NameEN: a.NameEN}
	}
	return m
}

// StatsOf computes Stats from zones: base are the zones matching the
// year-independent criteria of q (only read when q.Filter.Year is 0), sel
// returns the zones matching q.Filter with the year resolved. The rules
// are ClusterStats, TierStats and CheckTargets; a store that aggregates
// elsewhere (SQL) must agree with this function.
func StatsOf(q StatsQuery, tax Taxonomy, ts Tiers, base func(Filter) ([]Zone, error), sel func(Filter) ([]Zone, error)) (Stats, error) {
	f := q.Filter
	st := Stats{Year: f.Year, YearBasis: YearBasisFilter}
	var zs []Zone
	if f.Year == 0 {
		b := YearIndependent(f)
		all, err := base(b)
		if err != nil {
			return Stats{}, err
		}
		st.Year, st.YearBasis = LatestComparableYear(all, f.Measure), YearBasisLatest
		if st.Year == 0 {
			st.YearBasis = YearBasisNone
		}
		if len(f.Tier) == 0 && f.MinRevenue == nil && f.MaxRevenue == nil {
			zs = all
		}
		f.Year = st.Year
	}
	if zs == nil {
		var err error
		if zs, err = sel(f); err != nil {
			return Stats{}, err
		}
	}
	st.Zones = len(zs)
	st.Comparable = ComparableZones(zs, st.Year, f.Measure)
	st.Clusters = ClusterStats(zs, tax, st.Year, f.Measure)
	st.Tiers = TierStats(zs, ts, st.Year, f.Measure)
	if st.Year != 0 {
		tc := CheckTargets(zs, PlanTargets2025, st.Year, f.Measure)
		st.Targets = &tc
	}
	return st, nil
}

// YearIndependent returns f without its year and the criteria that depend
// on the year (tier, min_revenue, max_revenue): the selection whose latest
// comparable year a statistic uses by default.
func YearIndependent(f Filter) Filter {
	f.Year, f.Tier, f.MinRevenue, f.MaxRevenue = 0, nil, nil, nil
	return f
}

// MeasureFigures are the comparable headline figures of one measure in one
// cluster, in zone-id order, and whether any is a lower bound: the input
// of ClusterRevenue for stores that group figures elsewhere (SQL).
type MeasureFigures struct {
	Measure string
	Figures []float64
	Lower   bool
}

// ClusterRevenue sums the figures of the majority measure (most figures;
// ties: the measure Headline ranks first, then the smaller name), in
// order: the one rule of a cluster's revenue_yi (see ClusterStats). It
// returns the measure ("" for none), the sum, how many figures it covers
// and the bound of the sum (BoundLower when a summed figure is one,
// BoundExact otherwise, "" without figures).
func ClusterRevenue(groups []MeasureFigures) (measure string, sum float64, n int, bound string) {
	var best *MeasureFigures
	for i := range groups {
		g := &groups[i]
		if len(g.Figures) == 0 {
			continue
		}
		if best == nil || len(g.Figures) > len(best.Figures) ||
			(len(g.Figures) == len(best.Figures) &&
				cmp.Or(cmp.Compare(measureRank(g.Measure), measureRank(best.Measure)), cmp.Compare(g.Measure, best.Measure)) < 0) {
			best = g
		}
	}
	if best == nil {
		return "", 0, 0, ""
	}
	for _, x := range best.Figures {
		sum += x
	}
	bound = BoundExact
	if best.Lower {
		bound = BoundLower
	}
	return best.Measure, sum, len(best.Figures), bound
}

// groupByMeasure returns the groups of figures by measure, in the order
// the measures first appear (stable for ClusterRevenue's sums).
func groupByMeasure(recs []Revenue) []MeasureFigures {
	var out []MeasureFigures
	for _, r := range recs {
		i := slices.IndexFunc(out, func(g MeasureFigures) bool { return g.Measure == r.Measure })
		if i < 0 {
			out = append(out, MeasureFigures{Measure: r.Measure})
			i = len(out) - 1
		}
		out[i].Figures = append(out[i].Figures, r.RevenueYi)
		out[i].Lower = out[i].Lower || r.Bound == BoundLower
	}
	return out
}
