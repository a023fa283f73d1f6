package data

import (
	"context"
	"slices"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// EnterpriseStore is a Store that holds the enterprises collection
// (issue 15). The bundled dataset has no enterprises: a store without an
// imported list answers with empty pages and tiles and Info.Count 0.
type EnterpriseStore interface {
	// EnterpriseItems returns one page under f (the filter contract plus
	// class and zone), sorted by id (default) or name; NumberMatched counts
	// every match. Client mistakes are geo.FieldErrors.
	EnterpriseItems(ctx context.Context, f geo.Filter) (geo.Page, error)
	// EnterpriseItem returns one enterprise or ErrNotFound.
	EnterpriseItem(ctx context.Context, id string) (geo.Feature, error)
	// EnterpriseTile returns the matching enterprises of a tile as points,
	// or as aggregation cells, by geo.EnterpriseTileAsPoints with the
	// list's point zoom (EnterpriseInfo.PointZoom).
	EnterpriseTile(ctx context.Context, q geo.TileQuery) (geo.EnterpriseTile, error)
	// EnterpriseInfo describes what is loaded.
	EnterpriseInfo(ctx context.Context) (EnterpriseInfo, error)
}

// EnterpriseInfo describes the loaded enterprise list: how many, how many
// of them synthetic (layoutmap synth), their bound and sources.
type EnterpriseInfo struct {
	Count     int       `json:"count"`
	Synthetic int       `json:"synthetic"`
	Bound     orb.Bound `json:"-"`
	Sources   []string  `json:"sources"`
	// Years: how many enterprises each year the list describes (year 0:
	// rows stating none), ascending; the year rule (geo.EnterpriseYearNote)
	// reads it.
	Years []geo.YearCount `json:"years"`
	// PointZoom is the zoom from which the list's tiles carry points,
	// below it cells (geo.EnterprisePointZoom, geo.EnterpriseTileAsPoints):
	// computed once per list by each store.
	PointZoom uint32 `json:"point_zoom"`
	// LinksVersion is the dataset version the list's zone links and
	// city/county codes were resolved against: PostGIS, the version of the
	// list's import (a later zone import does not re-link it); the
	// embedded store resolves at every start-up against its own dataset
	// (version 1). 0: no list.
	LinksVersion int64 `json:"links_dataset_version"`
	// LinksStale: the zones, admin areas or chain taxonomy served differ
	// from those of LinksVersion (PostGIS: the two versions'
	// ResolveFingerprint), so the links may be out of date until the list
	// is imported again. Never in the embedded store.
	LinksStale bool `json:"-"`
}

// EnterpriseInfoOf describes the list es (sorted by id, as
// ResolveEnterprises returns it): count, synthetic count, bound of the
// points and the first 100 distinct sources in id order. Both stores
// answer EnterpriseInfo with it.
func EnterpriseInfoOf(es []geo.Enterprise) EnterpriseInfo {
	inf := EnterpriseInfo{Count: len(es), Sources: []string{}}
	for i := range es {
		e := &es[i]
		if e.Synthetic() {
			inf.Synthetic++
		}
		if len(inf.Sources) < 100 && !slices.Contains(inf.Sources, e.Source) {
			inf.Sources = append(inf.Sources, e.Source)
		}
		if i == 0 {
			inf.Bound = e.Point.Bound()
		} else {
			inf.Bound = inf.Bound.Extend(e.Point)
		}
	}
	inf.Years = geo.EnterpriseYearsOf(es)
	return inf
}

// EnterpriseStatsStore is an EnterpriseStore that also counts (issue 15:
// enterprises per zone, chain, cluster, city and class). It is a separate
// interface so each store can add it on its own; the API offers
// /api/v1/stats/enterprises only for stores that implement it.
type EnterpriseStatsStore interface {
	// EnterpriseStats returns the counts of the enterprises f selects
	// (the filter contract plus class and zone, bbox included; paging and
	// sortby ignored): exactly geo.EnterpriseStatsOf over the store's
	// enterprises, with ZoneNames (the zones of ByZone) and CityNames
	// (every city) filled. Client mistakes are geo.FieldErrors. A store
	// with no list loaded answers zero counts.
	EnterpriseStats(ctx context.Context, f geo.Filter) (geo.EnterpriseStats, error)
}
