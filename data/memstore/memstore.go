// Package memstore is the embedded data.Store: the bundled dataset held in
// memory, read-only after New, with precomputed bounds for bbox and tile
// queries and admin/region outlines pre-simplified per zoom.
//
// It imports data and geo only (never tiles, api or data/postgis). A Store
// never changes after New, so every method is safe for concurrent use
// without locks. Version is always 1.
//
// Spatial index: R-trees (github.com/tidwall/rtree) over the bounds of
// each list's features and the zones' points prefilter bbox and tile
// queries, so their cost follows the features returned, not the store's
// size (BenchmarkScale: 162 and 16,200 zones).
package memstore

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// Store is an in-memory data.Store over one dataset. Create it with New.
type Store struct {
	ent     *entIndex // the enterprises collection (enterprises.go); nil: none loaded
	ts      geo.Tiers
	tax     geo.Taxonomy
	regions []geo.Region // sorted by id

	province *geo.AdminArea
	cities   []geo.AdminArea // sorted by code
	counties []geo.AdminArea // sorted by code
	admin    map[string]*geo.AdminArea
	zones    []geo.Zone // sorted by id

	zoneIdx   map[string]int
	regionIdx map[string]int

	// Bounds of each feature's served geometry, parallel to the slices above.
	cityBounds, countyBounds, zoneBounds, regionBounds []orb.Bound
	provinceBound                                      orb.Bound

	// R-trees over the bounds above, and over the zones' points (labels).
	cityTree, countyTree, zoneTree, zonePointTree, regionTree *index

	// regionMembers maps a region id to its member city codes.
	regionMembers map[string][]string
	// simplified[z] holds the outlines of cities, counties, province and
	// regions simplified with geo.SimplifyTolerance(z).
	simplified [geo.MaxZoom + 1]outlines

	known map[string]map[string]bool // kind ("city", "cluster" …) -> ids

	geoms data.GeometryMemo // served geometry and its GeoJSON, per feature
	// props: served properties and their GeoJSON, per feature, year and
	// measure family (version 1: the store is read only).
	props *data.PropertiesMemo

	orders zoneOrders // zone orders of items without a bbox (zoneorder.go)

	vintage string
}

// outlines are one zoom level's simplified admin and region geometry,
// parallel to Store.cities, Store.counties and Store.regions. A nil entry
// means the shape vanished at that zoom (smaller than the tolerance).
type outlines struct {
	province orb.MultiPolygon
	cities   []orb.MultiPolygon
	counties []orb.MultiPolygon
	regions  []orb.MultiPolygon
	// cells[layer] holds, from geo.CellZooms[0] on, the shapes above cut
	// into the cells of geo.CellZoom(z) (geo.CutCells, the rule PostGIS's
	// tile_outlines follows), by cell and in list order: a tile clips the
	// pieces of its cell, not whole outlines. Nil below.
	cells *[numOutlineLayers]map[geo.Cell][]piece
}

// The outline layers of outlines.cells.
const (
	olProvince = iota
	olCities
	olCounties
	olRegions
	numOutlineLayers
)

// piece is one shape's part inside a cell: i its position in its list
// (0 for the province).
type piece struct {
	i     int
	geom  orb.MultiPolygon
	bound orb.Bound
}

var _ data.Store = (*Store)(nil)

// New indexes ds for serving with the revenue tiers ts. It keeps references
// to ds's slices and geometry: the caller must not modify ds afterwards. It
// returns an error when ds lacks the province or has duplicate or dangling
// codes and ids.
func New(ds *data.Dataset, ts geo.Tiers) (*Store, error) {
	if ds == nil {
		return nil, errors.New("memstore: new: nil dataset")
	}
	if len(ts) == 0 {
		return nil, errors.New("memstore: new: no revenue tiers")
	}
	s := &Store{ts: ts, tax: ds.Taxonomy, vintage: ds.Vintage, props: data.NewPropertiesMemo(data.PropertiesMemoBytes)}
	if err := s.indexAdmin(ds.Admin); err != nil {
		return nil, err
	}
	if err := s.indexZones(ds.Zones); err != nil {
		return nil, err
	}
	if err := s.indexRegions(ds.Regions); err != nil {
		return nil, err
	}
	s.buildVocabulary()
	s.buildSpatialIndex()
	s.simplifyOutlines()
	return s, nil
}

// indexAdmin sorts the admin areas into the province, cities and counties
// (by code) and checks that codes are unique and every county's parent is
// a city.
func (s *Store) indexAdmin(areas []geo.AdminArea) error {
	s.admin = make(map[string]*geo.AdminArea, len(areas))
	for _, a := range areas {
		switch a.Level {
		case geo.LevelProvince:
			if s.province != nil {
				return fmt.Errorf("memstore: new: two provinces %s and %s", s.province.Code, a.Code)
			}
			p := a
			s.province = &p
		case geo.LevelCity:
			s.cities = append(s.cities, a)
		case geo.LevelCounty:
			s.counties = append(s.counties, a)
		default:
			return fmt.Errorf("memstore: new: admin area %s: unknown level %q", a.Code, a.Level)
		}
	}
	if s.province == nil {
		return errors.New("memstore: new: dataset has no province")
	}
	geo.SortAdminAreas(s.cities, "code")
	geo.SortAdminAreas(s.counties, "code")
	s.admin[s.province.Code] = s.province
	for _, list := range [][]geo.AdminArea{s.cities, s.counties} {
		for i := range list {
			if _, dup := s.admin[list[i].Code]; dup {
				return fmt.Errorf("memstore: new: duplicate admin code %s", list[i].Code)
			}
			s.admin[list[i].Code] = &list[i]
		}
	}
	for _, c := range s.counties {
		if p := s.admin[c.ParentCode]; p == nil || p.Level != geo.LevelCity {
			return fmt.Errorf("memstore: new: county %s: parent %q is not a city", c.Code, c.ParentCode)
		}
	}
	return nil
}

// indexZones keeps the zones sorted by id and checks that ids are unique
// and every zone's city exists (indexAdmin first).
func (s *Store) indexZones(zones []geo.Zone) error {
	s.zones = slices.Clone(zones)
	geo.SortZones(s.zones, "id", 0, "")
	s.zoneIdx = make(map[string]int, len(s.zones))
	for i, z := range s.zones {
		if _, dup := s.zoneIdx[z.ID]; dup {
			return fmt.Errorf("memstore: new: duplicate zone id %s", z.ID)
		}
		if c := s.admin[z.CityCode]; c == nil || c.Level != geo.LevelCity {
			return fmt.Errorf("memstore: new: zone %s: unknown city %q", z.ID, z.CityCode)
		}
		s.zoneIdx[z.ID] = i
	}
	return nil
}

// indexRegions keeps the planning regions sorted by id with their member
// cities, and checks that ids are unique.
func (s *Store) indexRegions(regions []geo.Region) error {
	s.regions = slices.Clone(regions)
	geo.SortRegions(s.regions, "id")
	s.regionIdx = make(map[string]int, len(s.regions))
	s.regionMembers = make(map[string][]string, len(s.regions))
	for i, r := range s.regions {
		if _, dup := s.regionIdx[r.ID]; dup {
			return fmt.Errorf("memstore: new: duplicate region id %s", r.ID)
		}
		s.regionIdx[r.ID] = i
		s.regionMembers[r.ID] = r.Members
	}
	return nil
}

// buildVocabulary records the ids a filter may name, by kind (city,
// region, cluster, chain, zone, tier), for Filter.Check.
func (s *Store) buildVocabulary() {
	tiers := idSet(s.ts, func(t *geo.Tier) string { return t.ID })
	tiers[geo.TierNoData] = true
	s.known = map[string]map[string]bool{
		"city":    idSet(s.cities, func(a *geo.AdminArea) string { return a.Code }),
		"region":  idSet(s.regions, func(r *geo.Region) string { return r.ID }),
		"cluster": idSet(s.tax.Clusters, func(c *geo.Cluster) string { return c.ID }),
		"chain":   idSet(s.tax.Chains, func(c *geo.Cluster) string { return c.ID }),
		"zone":    idSet(s.zones, func(z *geo.Zone) string { return z.ID }),
		"tier":    tiers,
	}
}

func idSet[T any](xs []T, id func(*T) string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for i := range xs {
		m[id(&xs[i])] = true
	}
	return m
}

// buildSpatialIndex computes the bound of every feature's served geometry
// and the R-trees over them (and over the zones' points, for labels).
func (s *Store) buildSpatialIndex() {
	s.provinceBound = s.province.Geom.Bound()
	s.cityBounds = adminBounds(s.cities)
	s.countyBounds = adminBounds(s.counties)
	s.zoneBounds = make([]orb.Bound, len(s.zones))
	points := make([]orb.Bound, len(s.zones))
	for i := range s.zones {
		s.zoneBounds[i] = zoneGeometry(&s.zones[i]).Bound()
		points[i] = s.zones[i].Point.Bound()
	}
	s.regionBounds = make([]orb.Bound, len(s.regions))
	for i := range s.regions {
		s.regionBounds[i] = s.regions[i].Geom.Bound()
	}
	s.cityTree, s.countyTree = newIndex(s.cityBounds), newIndex(s.countyBounds)
	s.zoneTree, s.regionTree = newIndex(s.zoneBounds), newIndex(s.regionBounds)
	s.zonePointTree = newIndex(points)
}

func adminBounds(as []geo.AdminArea) []orb.Bound {
	out := make([]orb.Bound, len(as))
	for i := range as {
		out[i] = as[i].Geom.Bound()
	}
	return out
}

// zoneGeometry is the geometry a zone is served with: its outline, or its
// point when it has none. Its bounds are what bbox and tile queries test.
func zoneGeometry(z *geo.Zone) orb.Geometry { return geo.ZoneGeometry(z) }

// simplifyOutlines precomputes the outlines of every zoom (see simplify.go)
// and their cell pieces (geo.CutCells), one shape per job on GOMAXPROCS
// workers; jobs write disjoint slots. Shapes are simplified one by one, so
// a border shared by two counties may differ between them by up to the
// tolerance, a quarter pixel at that zoom: invisible at the zoom it is
// drawn at.
func (s *Store) simplifyOutlines() {
	for z := range s.simplified {
		o := &s.simplified[z]
		o.cities = make([]orb.MultiPolygon, len(s.cities))
		o.counties = make([]orb.MultiPolygon, len(s.counties))
		o.regions = make([]orb.MultiPolygon, len(s.regions))
	}
	type job struct {
		layer, i int
		mp       orb.MultiPolygon
		set      func(z int, g orb.MultiPolygon)
		cut      [geo.MaxZoom + 1][]geo.CellPiece
	}
	var jobs []*job
	jobs = append(jobs, &job{layer: olProvince, mp: s.province.Geom, set: func(z int, g orb.MultiPolygon) { s.simplified[z].province = g }})
	for i := range s.cities {
		jobs = append(jobs, &job{layer: olCities, i: i, mp: s.cities[i].Geom, set: func(z int, g orb.MultiPolygon) { s.simplified[z].cities[i] = g }})
	}
	for i := range s.counties {
		jobs = append(jobs, &job{layer: olCounties, i: i, mp: s.counties[i].Geom, set: func(z int, g orb.MultiPolygon) { s.simplified[z].counties[i] = g }})
	}
	for i := range s.regions {
		jobs = append(jobs, &job{layer: olRegions, i: i, mp: s.regions[i].Geom, set: func(z int, g orb.MultiPolygon) { s.simplified[z].regions[i] = g }})
	}
	ch := make(chan *job)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Go(func() {
			var tmp [geo.MaxZoom + 1]orb.MultiPolygon
			for j := range ch {
				geo.SimplifyZooms(j.mp, &tmp)
				for z, g := range tmp {
					j.set(z, g)
					cz := geo.CellZoom(uint32(z))
					switch {
					case cz < 0:
					case z > 0 && geo.CellZoom(uint32(z-1)) == cz && geo.SameShape(g, tmp[z-1]):
						j.cut[z] = j.cut[z-1] // same shape, same cells: share the pieces
					default:
						j.cut[z] = geo.CutCells(g, uint32(cz))
					}
				}
			}
		})
	}
	for _, j := range jobs {
		ch <- j
	}
	close(ch)
	wg.Wait()
	// Jobs are in list order per layer, so each cell's pieces are too.
	for z := range s.simplified {
		if geo.CellZoom(uint32(z)) < 0 {
			continue
		}
		cells := new([numOutlineLayers]map[geo.Cell][]piece)
		for l := range cells {
			cells[l] = map[geo.Cell][]piece{}
		}
		for _, j := range jobs {
			for _, p := range j.cut[z] {
				cells[j.layer][p.Cell] = append(cells[j.layer][p.Cell], piece{i: j.i, geom: p.Geom, bound: p.Bound})
			}
		}
		s.simplified[z].cells = cells
	}
}

func (s *Store) isKnown(kind, id string) bool { return s.known[kind][id] }

// Tiers returns the revenue tiers the store was built with.
func (s *Store) Tiers() geo.Tiers { return s.ts }

// Version returns 1: an embedded store never changes.
func (s *Store) Version(ctx context.Context) (int64, error) { return 1, ctx.Err() }

// Ping reports the context's error only: memory is always there.
func (s *Store) Ping(ctx context.Context) error { return ctx.Err() }

// Close does nothing; the store holds no resources beyond memory.
func (s *Store) Close() error { return nil }

// Taxonomy returns the clusters, chains, recognised clusters and keyword
// table. The slices are copies; their elements' slices are shared and must
// not be modified.
func (s *Store) Taxonomy(ctx context.Context) (geo.Taxonomy, error) {
	t := geo.Taxonomy{
		Clusters:   slices.Clone(s.tax.Clusters),
		Chains:     slices.Clone(s.tax.Chains),
		Recognised: slices.Clone(s.tax.Recognised),
		Keywords:   slices.Clone(s.tax.Keywords),
	}
	return t, ctx.Err()
}

// Regions returns the planning regions sorted by id, geometry included. The
// slice is a copy; geometry and members are shared and must not be modified.
func (s *Store) Regions(ctx context.Context) ([]geo.Region, error) {
	return slices.Clone(s.regions), ctx.Err()
}

// AdminAreas returns the areas of level (geo.LevelProvince, LevelCity or
// LevelCounty) sorted by code, or a FieldError for another level. The slice
// is a copy; geometry is shared and must not be modified.
func (s *Store) AdminAreas(ctx context.Context, level string) ([]geo.AdminArea, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	switch level {
	case geo.LevelProvince:
		return []geo.AdminArea{*s.province}, nil
	case geo.LevelCity:
		return slices.Clone(s.cities), nil
	case geo.LevelCounty:
		return slices.Clone(s.counties), nil
	}
	return nil, geo.FieldErrors{{Field: "level", Reason: fmt.Sprintf("unknown level %q", level)}}
}

// Collections lists the collections of geo.Registry this store holds,
// with their extent and item counts.
func (s *Store) Collections(ctx context.Context) ([]geo.Collection, error) {
	ext := func(bs []orb.Bound) orb.Bound {
		if len(bs) == 0 {
			return orb.Bound{}
		}
		b := bs[0]
		for _, x := range bs[1:] {
			b = b.Union(x)
		}
		return b
	}
	out := make([]geo.Collection, 0, len(geo.Registry))
	for _, d := range geo.Registry {
		held, ok := collections[d.ID]
		if !ok {
			continue
		}
		c := d.Collection(s.vintage)
		if held.extent != nil {
			if c.Extent, c.ItemCount = held.extent(s); c.ItemCount == 0 {
				// Enterprises before a list is loaded: not listed, as in
				// a store without them (/api/v1/enterprises/info hints).
				continue
			}
		} else {
			bs := held.bounds(s)
			c.Extent, c.ItemCount = ext(bs), len(bs)
		}
		c.DatasetVersion = 1
		out = append(out, c)
	}
	return out, ctx.Err()
}
