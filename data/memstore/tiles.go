package memstore

import (
	"context"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// tileBuffer is the buffer around a tile in tile units, the same margin
// ST_TileEnvelope(margin => TileBuffer/TileExtent) gives the PostGIS store.
const tileBuffer = float64(geo.TileBuffer) / geo.TileExtent

// TileFeatures returns, for each layer of geo.LayersAt(q.Z) in that order,
// the features whose geometry bounds intersect the tile's WGS84 bound grown
// by geo.TileBuffer/geo.TileExtent of a tile on each side (computed in tile
// space, so it is exact in Web Mercator). Admin and region outlines come
// pre-simplified with geo.SimplifyTolerance(q.Z); a shape that vanished at
// that zoom is left out. From geo.CellZooms[0] on they are the pieces cut
// into the tile's cell (geo.CutCells: the shape inside the cell's buffered
// bound, which holds the tile's), so a tile never clips a whole province. Zone criteria of q.Filter (geo.Filter.MatchZone,
// not bbox or paging: the tile is the extent) apply to the zones layer and
// zone labels. The labels layer holds label points of cities, counties
// (q.Z ≥ geo.LabelMinZoom[county]) and zones (q.Z ≥ geo.LabelMinZoom[zone]).
// Properties are geo's tile properties (flat scalars). Every layer of the
// zoom is returned, empty or not; features and geometry are fresh copies.
// Bad filter values give geo.FieldErrors, a tile outside the zoom range or
// grid a FieldError naming z, x or y.
func (s *Store) TileFeatures(ctx context.Context, q geo.TileQuery) ([]geo.LayerFeatures, error) {
	out, err := s.TileLayers(ctx, q, geo.LayersAt(q.Z))
	for i := range out {
		for j := range out[i].Features {
			f := &out[i].Features[j]
			f.Geometry = orb.Clone(f.Geometry)
		}
	}
	return out, err
}

// TileLayers is TileFeatures for the named layers only (a subset of
// geo.LayersAt(q.Z), in that order; see geo.TileParts), so the tile
// encoder can encode the boundary layers once for every filter. The filter
// is checked whichever layers are asked for. Unlike TileFeatures, the
// geometry is the store's own (no copy, the largest cost of a z14 tile
// over a province outline): callers must not modify it; the tile encoder
// never does.
func (s *Store) TileLayers(ctx context.Context, q geo.TileQuery, layers []string) ([]geo.LayerFeatures, error) {
	if err := q.Check(); err != nil {
		return nil, err
	}
	f := q.Filter
	f.BBox = nil
	if err := s.checkFilter(geo.CollZones, &f, false); err != nil {
		return nil, err
	}
	bound := q.Tile().Bound(tileBuffer)
	o := &s.simplified[q.Z]
	cell, cut := geo.CellOf(q.Z, q.X, q.Y)
	var out []geo.LayerFeatures
	for _, layer := range layers {
		lf := geo.LayerFeatures{Layer: layer, Features: []geo.Feature{}}
		add := func(id string, g orb.Geometry, p geo.Properties) {
			lf.Features = append(lf.Features, geo.Feature{ID: id, Geometry: g, Properties: p})
		}
		// outline adds the shapes of an outline layer that meet the tile:
		// from the first cell zoom on, the pieces of the tile's cell.
		outline := func(l int, whole []orb.MultiPolygon, bounds []orb.Bound, tree *index, feature func(i int) (string, geo.Properties)) {
			if cut {
				for _, p := range o.cells[l][cell] {
					if bound.Intersects(p.bound) {
						id, props := feature(p.i)
						add(id, p.geom, props)
					}
				}
				return
			}
			var is []int
			if tree == nil {
				is = []int{0}
			} else {
				is = tree.search(bound)
			}
			for _, i := range is {
				if whole[i] != nil && bound.Intersects(bounds[i]) {
					id, props := feature(i)
					add(id, whole[i], props)
				}
			}
		}
		switch layer {
		case geo.LayerProvince:
			outline(olProvince, []orb.MultiPolygon{o.province}, []orb.Bound{s.provinceBound}, nil, func(int) (string, geo.Properties) {
				return s.province.Code, geo.AdminTileProperties(s.province)
			})
		case geo.LayerCities:
			outline(olCities, o.cities, s.cityBounds, s.cityTree, func(i int) (string, geo.Properties) {
				return s.cities[i].Code, geo.AdminTileProperties(&s.cities[i])
			})
		case geo.LayerCounties:
			outline(olCounties, o.counties, s.countyBounds, s.countyTree, func(i int) (string, geo.Properties) {
				return s.counties[i].Code, geo.AdminTileProperties(&s.counties[i])
			})
		case geo.LayerRegions:
			outline(olRegions, o.regions, s.regionBounds, s.regionTree, func(i int) (string, geo.Properties) {
				return s.regions[i].ID, geo.RegionTileProperties(&s.regions[i])
			})
		case geo.LayerZones:
			for _, i := range s.zoneTree.search(bound) {
				if bound.Intersects(s.zoneBounds[i]) && f.MatchZone(&s.zones[i], s.ts, s.members) {
					z := &s.zones[i]
					add(z.ID, zoneGeometry(z), geo.ZoneTileProperties(z, s.ts, f.Year, f.Measure))
				}
			}
		case geo.LayerLabels:
			s.labels(q.Z, bound, &f, add)
		}
		out = append(out, lf)
	}
	return out, ctx.Err()
}

// labels adds the label points inside bound: cities, then counties, then
// zones, each in id order.
func (s *Store) labels(z uint32, bound orb.Bound, f *geo.Filter, add func(string, orb.Geometry, geo.Properties)) {
	if z >= geo.LabelMinZoom[geo.LabelCity] {
		for i := range s.cities {
			if a := &s.cities[i]; bound.Contains(a.LabelPoint) {
				add(a.Code, a.LabelPoint, geo.AdminLabelProperties(a))
			}
		}
	}
	if z >= geo.LabelMinZoom[geo.LabelCounty] {
		for i := range s.counties {
			if a := &s.counties[i]; bound.Contains(a.LabelPoint) {
				add(a.Code, a.LabelPoint, geo.AdminLabelProperties(a))
			}
		}
	}
	if z >= geo.LabelMinZoom[geo.LabelZone] {
		for _, i := range s.zonePointTree.search(bound) {
			if zn := &s.zones[i]; bound.Contains(zn.Point) && f.MatchZone(zn, s.ts, s.members) {
				add(zn.ID, zn.Point, geo.ZoneLabelProperties(zn, s.ts, f.Year, f.Measure))
			}
		}
	}
}
