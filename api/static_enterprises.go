package api

import (
	"context"
	"fmt"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/tiles/static"
)

// maxEnterpriseTiles bounds the enterprise tiles one image gathers (a
// 4096 px image at a fractional zoom covers at most 9×9 tiles of 512 px).
const maxEnterpriseTiles = 100

// staticEnterprises gathers the enterprise layer of an image (ent=1) the
// way the web map's tiles show it: for every tile of the view at its tile
// zoom, the store's EnterpriseTile under the layer's filter
// (Options.EnterpriseFilter: class and chain), so an image draws the
// points or aggregation cells the map draws; and the count of the
// enterprises in the view from the store's statistics (the count
// /api/v1/stats/enterprises gives for the same class, chain and bbox).
// A store without enterprises, or with none loaded, gives a layer that
// says so.
func staticEnterprises(ctx context.Context, st data.Store, o static.Options, tax geo.Taxonomy) (*static.EnterpriseLayer, error) {
	el := &static.EnterpriseLayer{}
	es, ok := st.(data.EnterpriseStore)
	if !ok {
		return el, nil
	}
	inf, err := es.EnterpriseInfo(ctx)
	if err != nil {
		return nil, fmt.Errorf("api: static enterprises: %w", err)
	}
	if inf.Count == 0 {
		return el, nil
	}
	el.Loaded, el.Synthetic = true, inf.Synthetic > 0
	f := o.EnterpriseFilter()
	v := static.NewView(o)
	view := v.Bound()
	z := v.TileZoom()
	tiles := tilesOf(view, z)
	if len(tiles) > maxEnterpriseTiles {
		return nil, geo.FieldErrors{{Field: "ent", Reason: fmt.Sprintf("the view covers %d enterprise tiles at zoom %d, more than %d", len(tiles), z, maxEnterpriseTiles)}}
	}
	for _, t := range tiles {
		et, err := es.EnterpriseTile(ctx, geo.TileQuery{Z: z, X: t.X, Y: t.Y, Filter: f})
		if fes, ok := geo.AsFieldErrors(err); ok {
			// An unknown chain, named as the image's parameter.
			out := make(geo.FieldErrors, len(fes))
			for i, fe := range fes {
				out[i] = &geo.FieldError{Field: "ent_" + fe.Field, Reason: fe.Reason}
			}
			return nil, out
		} else if err != nil {
			return nil, err
		}
		el.Points = append(el.Points, et.Points...)
		el.Cells = append(el.Cells, et.Cells...)
	}
	if ss, ok := st.(data.EnterpriseStatsStore); ok {
		inView := f
		inView.BBox = &view
		s, err := ss.EnterpriseStats(ctx, inView)
		if err != nil {
			return nil, err
		}
		el.Total = s.Total
	} else {
		for _, c := range el.Cells {
			el.Total += c.Count
		}
		el.Total += len(el.Points)
	}
	if o.EntChain != "" {
		if i := slices.IndexFunc(tax.Chains, func(c geo.Cluster) bool { return c.ID == o.EntChain }); i >= 0 {
			el.ChainName, el.ChainNameEN = tax.Chains[i].Name, tax.Chains[i].NameEN
		}
	}
	return el, nil
}

// tilesOf lists the XYZ tiles of zoom z that b touches.
func tilesOf(b orb.Bound, z uint32) []maptile.Tile {
	min := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
	max := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
	var out []maptile.Tile
	for x := min.X; x <= max.X; x++ {
		for y := min.Y; y <= max.Y; y++ {
			out = append(out, maptile.New(x, y, maptile.Zoom(z)))
			if len(out) > maxEnterpriseTiles {
				return out
			}
		}
	}
	return out
}
