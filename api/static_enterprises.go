package api

import (
	"context"
	"fmt"
	"slices"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/tiles/static"
)

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
	pts, cells, err := static.GatherEnterprises(ctx, o, es.EnterpriseTile)
	if fes, ok := geo.AsFieldErrors(err); ok && (len(fes) != 1 || fes[0].Field != "ent") {
		// An unknown chain, named as the image's parameter.
		out := make(geo.FieldErrors, len(fes))
		for i, fe := range fes {
			out[i] = &geo.FieldError{Field: "ent_" + fe.Field, Reason: fe.Reason}
		}
		return nil, out
	} else if err != nil {
		return nil, err
	}
	el.Points, el.Cells = pts, cells
	f := o.EnterpriseFilter()
	view := static.NewView(o).Bound()
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
