package memstore

import (
	"context"
	"slices"
	"sync"

	"layoutmap/geo"
)

// Items of zones without a bbox used to build a sort key for every match
// and sort them: 71 ms for a page at 16,200 zones (BenchmarkScale). The
// orders do not change (an embedded store is read-only), so each is
// computed once, on first use, and a page is a walk along it that tests
// the filter and keeps the page's slice: no sort per request.
//
// An order depends on sortby alone, except for a key that reads the
// headline figure of the filter's year and measure family (the
// descriptor's SortSpec.Headline: revenue): those orders are kept for
// year 0 (each zone's latest figure) per family; such a sort for one year
// takes the sorting path (there are many years).

func init() {
	// Here, not in the collections literal: zonePage falls back to
	// sortedPage, which reads collections.
	c := collections[geo.CollZones]
	c.page = func(ctx context.Context, s *Store, f *geo.Filter) (geo.Page, error) { return s.zonePage(ctx, f) }
	collections[geo.CollZones] = c
}

type zoneOrderKey struct{ sortby, measure string }

// zoneOrders holds the computed orders; the zero value is ready.
type zoneOrders struct {
	mu sync.Mutex
	m  map[zoneOrderKey][]int32
}

// zoneOrder returns the indexes of every zone in the order of f.SortBy,
// or nil when that order is not kept (a revenue sort for a given year).
func (s *Store) zoneOrder(f *geo.Filter) []int32 {
	sortby := f.SortBy
	if sortby == "" {
		sortby = geo.DefaultSort(geo.CollZones)
	}
	k := zoneOrderKey{sortby: sortby}
	so := geo.Schemas[geo.CollZones].Order(sortby)
	if so.ByHeadline() {
		if f.Year != 0 {
			return nil
		}
		k.measure = f.Measure
	}
	o := &s.orders
	o.mu.Lock()
	defer o.mu.Unlock()
	if order, ok := o.m[k]; ok {
		return order
	}
	keys := make([]geo.SortKey, len(s.zones))
	for i := range s.zones {
		keys[i] = so.ZoneKey(&s.zones[i], 0, k.measure)
	}
	order := make([]int32, len(s.zones))
	for i := range order {
		order[i] = int32(i)
	}
	// The same comparison as the sorting path (ties by id: a total order).
	slices.SortFunc(order, func(a, b int32) int { return so.Compare(keys[a], keys[b]) })
	if o.m == nil {
		o.m = map[zoneOrderKey][]int32{}
	}
	o.m[k] = order
	return order
}

// zonePage answers Items of zones: without a bbox along the kept order,
// with one (the R-tree leaves few zones) or a revenue sort of one year by
// sorting the matches.
func (s *Store) zonePage(ctx context.Context, f *geo.Filter) (geo.Page, error) {
	var order []int32
	if f.BBox == nil {
		order = s.zoneOrder(f)
	}
	if order == nil {
		return s.sortedPage(ctx, geo.CollZones, f)
	}
	page := geo.Page{Features: []geo.Feature{}}
	if len(f.City) == 0 && len(f.Cluster) == 0 && len(f.Chain) == 0 && len(f.Region) == 0 && len(f.Tier) == 0 &&
		f.MinRevenue == nil && f.MaxRevenue == nil && f.CQL == nil {
		// Every zone matches (geo.Filter.MatchZone): the page is a slice.
		page.NumberMatched = len(order)
		for _, i := range order[min(f.Offset, len(order)):min(f.Offset+f.Limit, len(order))] {
			page.Features = append(page.Features, s.zoneFeature(&s.zones[i], f.Year, f.Measure))
		}
		return page, ctx.Err()
	}
	for _, i := range order {
		if !s.matchZone(f, int(i)) {
			continue
		}
		if page.NumberMatched >= f.Offset && len(page.Features) < f.Limit {
			page.Features = append(page.Features, s.zoneFeature(&s.zones[i], f.Year, f.Measure))
		}
		page.NumberMatched++
	}
	return page, ctx.Err()
}
