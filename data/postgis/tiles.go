package postgis

import (
	"context"
	"fmt"

	"layoutmap/geo"
)

// TileFeatures returns, for each layer of geo.LayersAt(q.Z) in that order,
// the features whose Web-Mercator geometry meets the tile grown by
// geo.TileBuffer (rows chosen with geom_3857 && ST_TileEnvelope(…, margin)
// so the GiST index works), outlines simplified with
// geo.SimplifyTolerance(q.Z). Zone criteria of q.Filter apply to zones and
// zone labels. Every layer of the zoom is returned, empty or not.
func (s *Store) TileFeatures(ctx context.Context, q geo.TileQuery) (_ []geo.LayerFeatures, err error) {
	if err := s.br.allow("tile features"); err != nil {
		return nil, err
	}
	defer s.done("tile features", &err)
	if err := checkTile(q); err != nil {
		return nil, err
	}
	f := q.Filter
	f.BBox = nil
	if err := s.validate(ctx, geo.CollZones, f, false); err != nil {
		return nil, err
	}
	tol := geo.SimplifyTolerance(q.Z)
	var out []geo.LayerFeatures
	for _, layer := range geo.LayersAt(q.Z) {
		lf := geo.LayerFeatures{Layer: layer, Features: []geo.Feature{}}
		switch layer {
		case geo.LayerProvince, geo.LayerCities, geo.LayerCounties:
			level := map[string]string{geo.LayerProvince: geo.LevelProvince, geo.LayerCities: geo.LevelCity, geo.LayerCounties: geo.LevelCounty}[layer]
			w := &where{}
			w.add("a.level = " + w.arg(level))
			w.add("a.geom_3857 && " + tileEnvelope(w, q))
			as, err := readAdmin(ctx, s.pool, w.sql(), tol, w.args...)
			if err != nil {
				return nil, fmt.Errorf("postgis: tile %s: %w", layer, err)
			}
			for _, a := range as {
				if len(a.Geom) > 0 {
					lf.Features = append(lf.Features, geo.Feature{ID: a.Code, Geometry: a.Geom, Properties: adminTileProperties(a)})
				}
			}
		case geo.LayerRegions:
			w := &where{}
			w.add("geom_3857 && " + tileEnvelope(w, q))
			rows, err := s.pool.Query(ctx, `SELECT id FROM layoutmap.planning_regions WHERE `+w.sql()+` ORDER BY id COLLATE "C"`, w.args...)
			if err != nil {
				return nil, fmt.Errorf("postgis: tile regions: %w", err)
			}
			var ids []string
			for rows.Next() {
				var id string
				if err := rows.Scan(&id); err != nil {
					rows.Close()
					return nil, err
				}
				ids = append(ids, id)
			}
			rows.Close()
			if ids != nil {
				rs, err := readRegions(ctx, s.pool, ids, tol)
				if err != nil {
					return nil, fmt.Errorf("postgis: tile regions: %w", err)
				}
				for _, r := range rs {
					if len(r.Geom) == 0 {
						continue
					}
					lf.Features = append(lf.Features, geo.Feature{ID: r.ID, Geometry: r.Geom, Properties: regionTileProperties(r)})
				}
			}
		case geo.LayerZones:
			ids, err := s.matchingZoneIDs(ctx, f, &tileSel{q: q})
			if err != nil {
				return nil, err
			}
			if len(ids) > 0 {
				// Zone outlines are small: served unsimplified, as memstore does.
				zs, err := readZones(ctx, s.pool, ids, 0)
				if err != nil {
					return nil, fmt.Errorf("postgis: tile zones: %w", err)
				}
				for _, z := range zs {
					lf.Features = append(lf.Features, geo.Feature{ID: z.ID, Geometry: geo.ZoneGeometry(&z), Properties: zoneTileProperties(z, s.tiers, f.Year, f.Measure)})
				}
			}
		case geo.LayerLabels:
			for _, lv := range []string{geo.LevelCity, geo.LevelCounty} {
				if q.Z < geo.LabelMinZoom[lv] {
					continue
				}
				w := &where{}
				w.add("a.level = " + w.arg(lv))
				w.add("ST_Transform(a.label_point, 3857) && " + tileEnvelope(w, q))
				as, err := readAdmin(ctx, s.pool, w.sql(), tol, w.args...)
				if err != nil {
					return nil, fmt.Errorf("postgis: tile labels: %w", err)
				}
				for _, a := range as {
					lf.Features = append(lf.Features, geo.Feature{ID: a.Code, Geometry: a.LabelPoint, Properties: adminLabelProperties(a)})
				}
			}
			if q.Z >= geo.LabelMinZoom["zone"] {
				// Zone labels sit at the zone's point: chosen by the point.
				ids, err := s.matchingZoneIDs(ctx, f, &tileSel{q: q, byPoint: true})
				if err != nil {
					return nil, err
				}
				if len(ids) > 0 {
					zs, err := readZones(ctx, s.pool, ids, 0)
					if err != nil {
						return nil, fmt.Errorf("postgis: tile labels: %w", err)
					}
					for _, z := range zs {
						lf.Features = append(lf.Features, geo.Feature{ID: z.ID, Geometry: z.Point, Properties: zoneLabelProperties(z, s.tiers, f.Year, f.Measure)})
					}
				}
			}
		}
		out = append(out, lf)
	}
	return out, nil
}

// checkTile rejects tiles outside the zoom range or grid; the rules and
// wording are geo.TileQuery.Check's, shared with memstore.
func checkTile(q geo.TileQuery) error { return q.Check() }
