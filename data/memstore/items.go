package memstore

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/geo/cql2"
)

// Filter semantics per collection are written down once, in geo
// (properties.go, bbox.go): bbox on the geometry itself (bounds prefilter,
// then geo.IntersectsBBox), city and region by membership.

// checkFilter validates f for coll against the store's vocabulary and the
// paging bounds, returning geo.FieldErrors for client mistakes.
func (s *Store) checkFilter(coll string, f *geo.Filter, paging bool) error {
	if _, ok := collections[coll]; !ok {
		return fmt.Errorf("memstore: %q: %w", geo.Clip(coll), data.ErrUnknownCollection)
	}
	if errs := f.Check(coll, s.isKnown, paging); len(errs) > 0 {
		return errs
	}
	return nil
}

// inBBox is the bbox criterion: g (with bound b) intersects f.BBox.
func inBBox(f *geo.Filter, g orb.Geometry, b orb.Bound) bool {
	return f.BBox == nil || geo.IntersectsBBox(g, b, *f.BBox)
}

func (s *Store) inRegions(regions []string, city string) bool {
	return slices.ContainsFunc(regions, func(r string) bool { return slices.Contains(s.regionMembers[r], city) })
}

func (s *Store) members(id string) []string { return s.regionMembers[id] }

// matchZone applies every criterion of f to zone i, bbox included.
func (s *Store) matchZone(f *geo.Filter, i int) bool {
	z := &s.zones[i]
	return f.MatchZone(z, s.ts, s.members) && inBBox(f, zoneGeometry(z), s.zoneBounds[i]) &&
		inCQL(f, func() geo.Properties { return geo.ZoneProperties(z, s.ts, f.Year, f.Family()) }, zoneGeometry(z), s.zoneBounds[i])
}

// inCQL is the CQL2 criterion: the filter is true of the feature's served
// properties (built only when there is a filter) and geometry.
func inCQL(f *geo.Filter, props func() geo.Properties, g orb.Geometry, b orb.Bound) bool {
	return f.CQL == nil || cql2.Match(f.CQL.Expr, cql2.Feature{Properties: props(), Geometry: g, Bound: b})
}

// Zones returns copies of every zone matching f (bbox included, paging
// ignored), sorted by id. The copies share their slices (revenue, clusters,
// geometry) with the store: callers must not modify those.
func (s *Store) Zones(ctx context.Context, f geo.Filter) ([]geo.Zone, error) {
	if err := s.checkFilter(geo.CollZones, &f, false); err != nil {
		return nil, err
	}
	var out []geo.Zone
	for _, i := range s.zoneTree.searchBBox(f.BBox, len(s.zones)) {
		if s.matchZone(&f, i) {
			out = append(out, s.zones[i])
		}
	}
	return out, ctx.Err()
}

// Items returns one page of coll under f: matching items sorted by f.SortBy
// (the descriptor's geo.Order; "" = its DefaultSort), then f.Offset
// skipped and at most f.Limit returned (0 means geo.DefaultLimit).
// NumberMatched counts all matches. Unknown collections give
// data.ErrUnknownCollection; bad filter values geo.FieldErrors. The features'
// geometry is the store's own, shared (callers must not modify it), with
// its GeoJSON encoding made once (geo.Feature.GeometryJSON).
func (s *Store) Items(ctx context.Context, coll string, f geo.Filter) (geo.Page, error) {
	if err := s.checkFilter(coll, &f, true); err != nil {
		return geo.Page{}, err
	}
	limit := f.Limit
	if limit == 0 {
		limit = geo.DefaultLimit
	}
	f.Limit = limit
	if page := collections[coll].page; page != nil {
		return page(ctx, s, &f)
	}
	return s.sortedPage(ctx, coll, &f)
}

// sortedPage is Items by sorting every match of f (f.Limit set).
func (s *Store) sortedPage(ctx context.Context, coll string, f *geo.Filter) (geo.Page, error) {
	limit := f.Limit
	o := geo.Schemas[coll].Order(f.SortBy)
	var items []item
	collections[coll].items(s, f, o, func(key geo.SortKey, feat func() geo.Feature) { items = append(items, item{key, feat}) })
	slices.SortFunc(items, func(a, b item) int { return o.Compare(a.key, b.key) })
	page := geo.Page{NumberMatched: len(items), Features: []geo.Feature{}}
	if f.Offset < len(items) {
		items = items[f.Offset:min(len(items), f.Offset+limit)]
		page.Features = make([]geo.Feature, len(items))
		for i, it := range items {
			page.Features[i] = it.feat()
		}
	}
	return page, ctx.Err()
}

// Item returns one feature of coll by id (admin areas: their code), or an
// error wrapping data.ErrNotFound / data.ErrUnknownCollection.
func (s *Store) Item(ctx context.Context, coll, id string) (geo.Feature, error) {
	if err := ctx.Err(); err != nil {
		return geo.Feature{}, err
	}
	c, ok := collections[coll]
	if !ok {
		return geo.Feature{}, fmt.Errorf("memstore: %q: %w", geo.Clip(coll), data.ErrUnknownCollection)
	}
	if f, ok := c.item(s, id); ok {
		return f, nil
	}
	return geo.Feature{}, fmt.Errorf("memstore: %s %q: %w", coll, geo.Clip(id), data.ErrNotFound)
}

// item is one match of Items: its sort key and how to build its feature
// (only the features of the page are built).
type item struct {
	key  geo.SortKey
	feat func() geo.Feature
}

// collection is this store's queries of one collection of geo.Registry:
// items passes every item matching f (paging aside) to add; item finds one
// by id; bounds are the bounds of every item (for Collections).
type collection struct {
	items  func(s *Store, f *geo.Filter, o geo.Order, add func(geo.SortKey, func() geo.Feature))
	item   func(s *Store, id string) (geo.Feature, bool)
	bounds func(s *Store) []orb.Bound
	// page and extent, when set, replace items and bounds for a collection
	// too large for a sort key per match (enterprises: a million points):
	// page answers Items itself, extent gives bound and count.
	page   func(ctx context.Context, s *Store, f *geo.Filter) (geo.Page, error)
	extent func(s *Store) (orb.Bound, int)
}

// collections are the collections this store holds; one a registry
// descriptor does not name here is unknown to it.
var collections = map[string]collection{
	geo.CollCities:   adminCollection(geo.LevelCity),
	geo.CollCounties: adminCollection(geo.LevelCounty),
	geo.CollZones: {
		items: func(s *Store, f *geo.Filter, o geo.Order, add func(geo.SortKey, func() geo.Feature)) {
			for _, i := range s.zoneTree.searchBBox(f.BBox, len(s.zones)) {
				if s.matchZone(f, i) {
					z := &s.zones[i]
					add(o.ZoneKey(z, f.Year, f.Measure), func() geo.Feature { return s.zoneFeature(z, f.Year, f.Measure) })
				}
			}
		},
		item: func(s *Store, id string) (geo.Feature, bool) {
			i, ok := s.zoneIdx[id]
			if !ok {
				return geo.Feature{}, false
			}
			return s.zoneFeature(&s.zones[i], 0, ""), true
		},
		bounds: func(s *Store) []orb.Bound { return s.zoneBounds },
	},
	geo.CollRegions: {
		items: func(s *Store, f *geo.Filter, o geo.Order, add func(geo.SortKey, func() geo.Feature)) {
			for _, i := range s.regionTree.searchBBox(f.BBox, len(s.regions)) {
				r := &s.regions[i]
				if !inBBox(f, r.Geom, s.regionBounds[i]) ||
					(len(f.Region) > 0 && !slices.Contains(f.Region, r.ID)) ||
					(len(f.City) > 0 && !slices.ContainsFunc(f.City, func(c string) bool { return slices.Contains(r.Members, c) })) ||
					!inCQL(f, func() geo.Properties { return geo.RegionProperties(r) }, r.Geom, s.regionBounds[i]) {
					continue
				}
				add(o.Key(r, r.ID), func() geo.Feature { return s.regionFeature(r) })
			}
		},
		item: func(s *Store, id string) (geo.Feature, bool) {
			i, ok := s.regionIdx[id]
			if !ok {
				return geo.Feature{}, false
			}
			return s.regionFeature(&s.regions[i]), true
		},
		bounds: func(s *Store) []orb.Bound { return s.regionBounds },
	},
}

// adminCollection is the cities or counties collection (level).
func adminCollection(level string) collection {
	list := func(s *Store) ([]geo.AdminArea, []orb.Bound) {
		if level == geo.LevelCounty {
			return s.counties, s.countyBounds
		}
		return s.cities, s.cityBounds
	}
	tree := func(s *Store) *index {
		if level == geo.LevelCounty {
			return s.countyTree
		}
		return s.cityTree
	}
	return collection{
		items: func(s *Store, f *geo.Filter, o geo.Order, add func(geo.SortKey, func() geo.Feature)) {
			as, bounds := list(s)
			for _, i := range tree(s).searchBBox(f.BBox, len(as)) {
				a := &as[i]
				city := a.Code
				if a.Level == geo.LevelCounty {
					city = a.ParentCode
				}
				if !inBBox(f, a.Geom, bounds[i]) ||
					(len(f.City) > 0 && !slices.Contains(f.City, city)) ||
					(len(f.Region) > 0 && !s.inRegions(f.Region, city)) ||
					!inCQL(f, func() geo.Properties { return geo.AdminProperties(a) }, a.Geom, bounds[i]) {
					continue
				}
				add(o.Key(a, a.Code), func() geo.Feature { return s.adminFeature(a) })
			}
		},
		item: func(s *Store, id string) (geo.Feature, bool) {
			if a := s.admin[id]; a != nil && a.Level == level {
				return s.adminFeature(a), true
			}
			return geo.Feature{}, false
		},
		bounds: func(s *Store) []orb.Bound { _, b := list(s); return b },
	}
}

// feature builds a served feature. Its geometry is the store's own
// (shared: callers must not modify it) with its GeoJSON encoding, made on
// first use and kept (data.GeometryMemo; an embedded store is version 1);
// its properties (built by props for the headline year and family fam)
// likewise, with their GeoJSON (data.PropertiesMemo: the map is the
// caller's copy, the encoding shared).
func (s *Store) feature(coll, id string, g orb.Geometry, year int, fam string, props func() geo.Properties) geo.Feature {
	p, pj := s.props.Properties(data.PropertiesKey{Version: 1, Coll: coll, ID: id, Year: year, Family: fam}, props)
	f, err := s.geoms.Feature(1, coll+"/"+id, id, func() orb.Geometry { return g }, p)
	if err != nil { // a geometry type GeoJSON cannot hold: encoded per request
		f = geo.Feature{ID: id, Geometry: g, Properties: p}
	}
	f.PropertiesJSON = pj
	return f
}

func (s *Store) adminFeature(a *geo.AdminArea) geo.Feature {
	coll := geo.CollCities
	if a.Level == geo.LevelCounty {
		coll = geo.CollCounties
	}
	return s.feature(coll, a.Code, a.Geom, 0, "", func() geo.Properties { return geo.AdminProperties(a) })
}

func (s *Store) regionFeature(r *geo.Region) geo.Feature {
	return s.feature(geo.CollRegions, r.ID, r.Geom, 0, "", func() geo.Properties { return geo.RegionProperties(r) })
}

func (s *Store) zoneFeature(z *geo.Zone, year int, fam string) geo.Feature {
	return s.feature(geo.CollZones, z.ID, zoneGeometry(z), year, fam, func() geo.Properties { return geo.ZoneProperties(z, s.ts, year, fam) })
}

// Stats computes the statistics with geo.StatsOf over the matching zones
// (held in memory: nothing is copied but the zone structs).
func (s *Store) Stats(ctx context.Context, q geo.StatsQuery) (geo.Stats, error) {
	if err := s.checkFilter(geo.CollZones, &q.Filter, false); err != nil {
		return geo.Stats{}, err
	}
	zones := func(f geo.Filter) ([]geo.Zone, error) { return s.Zones(ctx, f) }
	st, err := geo.StatsOf(q, s.tax, s.ts, zones, zones)
	if err != nil {
		return geo.Stats{}, err
	}
	st.CityNames = geo.NamesOnly(s.cities)
	return st, ctx.Err()
}
