package geo

import (
	"cmp"
	"slices"
)

// Statistics are pure functions over the zones a filter selected, so both
// stores (which only supply Store.Zones) produce the same numbers.

// LatestRevenueYear returns the latest year in which any of zones has a
// headline figure (see Headline), or 0 when none has.
func LatestRevenueYear(zones []Zone) int {
	y := 0
	for i := range zones {
		if h, ok := Headline(zones[i].Revenue, 0); ok && h.Year > y {
			y = h.Year
		}
	}
	return y
}

// ClusterStats returns, for each of the 7 clusters of tax in taxonomy order,
// the zones linked to it (derived or stated links alike), their ids sorted,
// counts per city code and a revenue sum over comparable figures only.
//
// Comparable means: the zones' headline records (see Headline) for year
// that are full-year, exact or lower bounds, and of one measure, the measure
// with the most such records in the cluster (ties: the measure Headline
// prefers, then by name). RevenueN counts the summed records and Measure
// names the measure; a sum that includes lower bounds is itself a lower
// bound. Figures of other measures, part-year figures and upper bounds are
// left out rather than mixed. year 0 means LatestRevenueYear(zones), one
// year for all clusters, so the sums stay comparable with each other.
// zones is not modified.
func ClusterStats(zones []Zone, tax Taxonomy, year int) []ClusterStat {
	if year == 0 {
		year = LatestRevenueYear(zones)
	}
	out := make([]ClusterStat, 0, len(tax.Clusters))
	for _, c := range tax.Clusters {
		st := ClusterStat{ClusterID: c.ID, Name: c.Name, NameEN: c.NameEN, ZoneIDs: []string{}, ByCity: map[string]int{}}
		var heads []Revenue
		for i := range zones {
			z := &zones[i]
			if !slices.ContainsFunc(z.Clusters, func(l ZoneCluster) bool { return l.ClusterID == c.ID }) {
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
			if h, ok := Headline(z.Revenue, year); ok && h.Year == year && comparable(h) {
				heads = append(heads, h)
			}
		}
		slices.Sort(st.ZoneIDs)
		st.Measure = majorityMeasure(heads)
		for _, h := range heads {
			if h.Measure == st.Measure {
				st.RevenueYi += h.RevenueYi
				st.RevenueN++
			}
		}
		out = append(out, st)
	}
	return out
}

// comparable reports whether a headline record may enter a cluster sum.
func comparable(h Revenue) bool {
	return (h.Period == PeriodFullYear || h.Period == "") && (h.Bound == BoundExact || h.Bound == BoundLower)
}

// majorityMeasure returns the measure with the most records ("" for none);
// ties go to the measure Headline ranks first, then to the smaller name.
func majorityMeasure(recs []Revenue) string {
	n := map[string]int{}
	for _, r := range recs {
		n[r.Measure]++
	}
	best := ""
	for m, c := range n {
		if best == "" || c > n[best] ||
			(c == n[best] && cmp.Or(cmp.Compare(rankOf(m), rankOf(best)), cmp.Compare(m, best)) < 0) {
			best = m
		}
	}
	return best
}

// TierStats returns the number of zones in each tier of ts for year (0:
// each zone's latest figure, as ZoneTier), highest tier first, then
// NoDataTier. Each TierStat carries its Tier, whose Target is the plan's
// 2025 target for zones at or above MinYi (cumulative, not per band).
// ZoneIDs are sorted. zones is not modified.
func TierStats(zones []Zone, ts Tiers, year int) []TierStat {
	all := append(slices.Clone(ts), NoDataTier)
	out := make([]TierStat, len(all))
	idx := make(map[string]int, len(all))
	for i, t := range all {
		out[i] = TierStat{Tier: t, ZoneIDs: []string{}}
		idx[t.ID] = i
	}
	for i := range zones {
		id, _, _ := ZoneTier(ts, zones[i].Revenue, year)
		j := idx[id]
		out[j].Zones++
		out[j].ZoneIDs = append(out[j].ZoneIDs, zones[i].ID)
	}
	for i := range out {
		slices.Sort(out[i].ZoneIDs)
	}
	return out
}
