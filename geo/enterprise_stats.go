package geo

import "slices"

// Enterprise statistics (issue 15): how many of the enterprises a filter
// selects (the filter contract plus class and zone, bbox included) lie in
// each zone, chain, cluster, city and class. EnterpriseStatsOf is the rule;
// a store that counts elsewhere (memstore over its columns, PostGIS with
// GROUP BY) must give the same EnterpriseStats, and each group's count
// equals the items endpoint's numberMatched for the filter with that group
// added (TestEnterpriseStatsMatchItems).

// Enterprise statistics groups, as named in the API's group parameter and
// its CSV.
const (
	EntGroupZone    = "zone"
	EntGroupChain   = "chain"
	EntGroupCluster = "cluster"
	EntGroupCity    = "city"
	EntGroupClass   = "class"
)

// EnterpriseGroups lists the groups in their order of presentation.
var EnterpriseGroups = []string{EntGroupCity, EntGroupZone, EntGroupCluster, EntGroupChain, EntGroupClass}

// EnterpriseGroupRule is the counting rule stated in every response.
const (
	EnterpriseGroupRuleEN = "An enterprise counts once in its city and in its zone (stated by the list, or the zone whose outline holds its point; " +
		"none: no_zone), and once in every chain, cluster and class it has, so the chain, cluster and class counts can add up to more than the total."
	EnterpriseGroupRuleZH = "每家企业在所在城市、所属开发区（名录所填或点位所在园区；无则计入 no_zone）各计一次；属于几条产业链、几个集群、几个类别就在各项中各计一次，故其合计可能大于企业总数。"
)

// EnterpriseStats counts the enterprises a filter selects. The maps hold
// only groups with at least one enterprise (keys: zone ids, chain ids,
// cluster ids, city codes, class ids of EnterpriseClasses).
type EnterpriseStats struct {
	// Total counts the selected enterprises; Synthetic those of them made
	// by `layoutmap synth` (LocSynthetic).
	Total     int
	Synthetic int
	// NoZone counts the selected enterprises linked to no zone.
	NoZone    int
	ByZone    map[string]int
	ByChain   map[string]int
	ByCluster map[string]int
	ByCity    map[string]int
	ByClass   map[string]int
	// Names of the groups' ids for labels, filled by stores (not by
	// EnterpriseStatsOf): every zone of ByZone and every city of the
	// dataset (Chinese and English names; no geometry).
	ZoneNames map[string]Named
	CityNames map[string]Named
}

// Named is an id's Chinese and English names.
type Named struct {
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
}

// NewEnterpriseStats returns empty statistics (every map made).
func NewEnterpriseStats() EnterpriseStats {
	return EnterpriseStats{ByZone: map[string]int{}, ByChain: map[string]int{}, ByCluster: map[string]int{},
		ByCity: map[string]int{}, ByClass: map[string]int{}}
}

// Add counts e, which the filter selected.
func (st *EnterpriseStats) Add(e *Enterprise) {
	st.Total++
	if e.Synthetic() {
		st.Synthetic++
	}
	if e.ZoneID == "" {
		st.NoZone++
	} else {
		st.ByZone[e.ZoneID]++
	}
	for _, c := range e.Chains {
		st.ByChain[c]++
	}
	for _, c := range e.Clusters {
		st.ByCluster[c]++
	}
	st.ByCity[e.CityCode]++
	for i, c := range EnterpriseClasses {
		if e.Classes&(1<<i) != 0 {
			st.ByClass[c.ID]++
		}
	}
}

// Group returns the counts of one group (EntGroupZone …), nil for an
// unknown group.
func (st *EnterpriseStats) Group(g string) map[string]int {
	switch g {
	case EntGroupZone:
		return st.ByZone
	case EntGroupChain:
		return st.ByChain
	case EntGroupCluster:
		return st.ByCluster
	case EntGroupCity:
		return st.ByCity
	case EntGroupClass:
		return st.ByClass
	}
	return nil
}

// EnterpriseStatsOf is the reference rule: the statistics of the
// enterprises of es that f selects (Filter.MatchEnterprise; paging and
// sort order ignored). regionMembers maps a region id to its member city
// codes.
func EnterpriseStatsOf(es []Enterprise, f Filter, regionMembers func(regionID string) []string) EnterpriseStats {
	st := NewEnterpriseStats()
	for i := range es {
		if f.MatchEnterprise(&es[i], regionMembers) {
			st.Add(&es[i])
		}
	}
	return st
}

// WithGroup returns f narrowed to the enterprises that count in group g
// under id: what items?…&g=id answers, so its numberMatched equals
// st.Group(g)[id]. ok is false when no one items query says it: f already
// filters on g and does not list id (chain=a,b and id c: "a or b, and c"
// is not a query of the contract; for city and zone the count is then 0).
func (f Filter) WithGroup(g, id string) (nf Filter, ok bool) {
	one := func(list []string) ([]string, bool) {
		if len(list) > 0 && !slices.Contains(list, id) {
			return nil, false
		}
		return []string{id}, true
	}
	switch g {
	case EntGroupZone:
		f.Zone, ok = one(f.Zone)
	case EntGroupChain:
		f.Chain, ok = one(f.Chain)
	case EntGroupCluster:
		f.Cluster, ok = one(f.Cluster)
	case EntGroupCity:
		f.City, ok = one(f.City)
	case EntGroupClass:
		f.Class, ok = one(f.Class)
	}
	return f, ok
}
