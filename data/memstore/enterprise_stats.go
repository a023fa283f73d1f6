package memstore

import (
	"context"
	"math/bits"

	"layoutmap/data"
	"layoutmap/geo"
)

var _ data.EnterpriseStatsStore = (*Store)(nil)

// EnterpriseStats counts the enterprises f selects per zone, chain,
// cluster, city and class (data.EnterpriseStatsStore): the answers of
// geo.EnterpriseStatsOf, computed over the index's integer columns (the
// R-tree first when f has a bbox), so the whole province at a million
// enterprises is one pass over small arrays (BenchmarkEnterpriseStats).
func (s *Store) EnterpriseStats(ctx context.Context, f geo.Filter) (geo.EnterpriseStats, error) {
	if errs := f.Check(geo.CollEnterprises, s.isKnown, false); len(errs) > 0 {
		return geo.EnterpriseStats{}, errs
	}
	st := geo.NewEnterpriseStats()
	st.CityNames = make(map[string]geo.Named, len(s.cities))
	for _, c := range s.cities {
		st.CityNames[c.Code] = geo.Named{Name: c.Name, NameEN: c.NameEN}
	}
	st.ZoneNames = map[string]geo.Named{}
	ix := s.ent
	if ix == nil {
		return st, ctx.Err()
	}
	m := ix.compile(&f, s.regionMembers)
	c := &entCounts{zone: make([]int, len(ix.zoneIDs)+1), city: make([]int, len(ix.cityIDs))}
	if f.BBox != nil {
		ix.searchBBox(*f.BBox, func(i int32) {
			if m.match(i) {
				c.add(ix, i)
			}
		})
	} else {
		all := m.all()
		for i := range int32(len(ix.es)) {
			if i&0xFFFF == 0 && ctx.Err() != nil {
				return geo.EnterpriseStats{}, ctx.Err()
			}
			if all || m.match(i) {
				c.add(ix, i)
			}
		}
	}
	c.fill(&st, ix, s)
	return st, ctx.Err()
}

// entCounts are the counts of one EnterpriseStats pass, by the index's
// integer columns: zone (0: none), city, chain and cluster bits, class
// column (class mask | classSynthetic).
type entCounts struct {
	zone, city []int
	chain      [64]int
	cluster    [32]int
	classes    [256]int
	total      int
}

// add counts enterprise i.
func (c *entCounts) add(ix *entIndex, i int32) {
	c.total++
	c.zone[ix.zone[i]]++
	c.city[ix.city[i]]++
	for b := ix.chain[i]; b != 0; b &= b - 1 {
		c.chain[bits.TrailingZeros64(b)]++
	}
	for b := ix.cluster[i]; b != 0; b &= b - 1 {
		c.cluster[bits.TrailingZeros32(b)]++
	}
	c.classes[ix.class[i]]++
}

// fill puts the counts into st under their ids (zones with their names).
func (c *entCounts) fill(st *geo.EnterpriseStats, ix *entIndex, s *Store) {
	st.Total, st.NoZone = c.total, c.zone[0]
	for k, n := range c.zone[1:] {
		if n > 0 {
			id := ix.zoneIDs[k]
			st.ByZone[id] = n
			z := &s.zones[s.zoneIdx[id]]
			st.ZoneNames[id] = geo.Named{Name: z.Name, NameEN: z.NameEN}
		}
	}
	for k, n := range c.city {
		if n > 0 {
			st.ByCity[ix.cityIDs[k]] = n
		}
	}
	for b, n := range c.chain {
		if n > 0 {
			st.ByChain[ix.chainIDs[b]] = n
		}
	}
	for b, n := range c.cluster {
		if n > 0 {
			st.ByCluster[ix.clusterIDs[b]] = n
		}
	}
	for mask, n := range c.classes {
		if n == 0 {
			continue
		}
		if mask&classSynthetic != 0 {
			st.Synthetic += n
		}
		for _, id := range geo.EnterpriseClassMask(mask &^ classSynthetic).IDs() {
			st.ByClass[id] += n
		}
	}
}
