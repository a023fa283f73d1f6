package api

import (
	"github.com/gofiber/fiber/v2"

	"layoutmap/api/apidoc"
	"layoutmap/data"
	"layoutmap/geo"
)

// Statistics routes: GET /api/v1/stats/clusters and /api/v1/stats/tiers.
// Both take exactly the filter contract of the items endpoint (bbox, city,
// cluster, chain, region, tier, year, measure, min_revenue, max_revenue)
// and show what data.Store.Stats computes for the zones it selects (the
// rules of geo.ClusterStats, geo.TierStats and geo.CheckTargets; on PostGIS
// SQL GROUP BY without geometry), so a chart and the ranked list built from
// the same URL always agree. Every response
// is about one year (the filter's, else the latest year with any comparable
// figure of the measure family) and names it, with the coverage
// "N of M zones have a comparable figure for Y".

// StatsRoutes returns the route hook (for Config.Extra) serving the
// statistics of store.
func StatsRoutes(store data.Store) func(app *fiber.App) {
	h := &statsHandler{store: store}
	return func(app *fiber.App) {
		v1 := app.Group(Prefix)
		v1.Get("/stats/clusters", h.clusters)
		v1.Get("/stats/tiers", h.tiers)
		v1.Get("/stats/change", h.change) // change.go
	}
}

type statsHandler struct{ store data.Store }

// The rules stated in responses and the documents live in package apidoc
// (shared with the static site); these names keep the API's.
const (
	revenueRule           = apidoc.RevenueRule
	ZonesPerClusterRule   = apidoc.ZonesPerClusterRule
	ZonesPerClusterRuleEN = apidoc.ZonesPerClusterRuleEN
	ZonesPerClusterRuleZH = apidoc.ZonesPerClusterRuleZH
	tierRule              = apidoc.TierRule
	TargetSource          = apidoc.TargetSource
)

type (
	clusterStatsDoc = apidoc.ClusterStats
	tierStatsDoc    = apidoc.TierStats
)

func encodedFilter(f geo.Filter) map[string]string { return apidoc.EncodedFilter(f) }

// stats parses the filter and asks the store for the statistics of the
// zones it selects (data.Store.Stats: one year, the filter's or the latest
// comparable one, with tier, min_revenue and max_revenue applied to it
// exactly as items?year=Y would). req is the filter as requested.
func (h *statsHandler) stats(c *fiber.Ctx) (req geo.Filter, st geo.Stats, version int64, err error) {
	q, err := queryValues(c)
	if err != nil {
		return req, st, 0, err
	}
	if req, err = geo.ParseFilter(q, false); err != nil {
		return req, st, 0, err
	}
	ctx := c.UserContext()
	if st, err = h.store.Stats(ctx, geo.StatsQuery{Filter: req}); err != nil {
		return req, st, 0, err
	}
	if version, err = h.store.Version(ctx); err != nil {
		return req, st, 0, err
	}
	return req, st, version, nil
}

func (h *statsHandler) clusters(c *fiber.Ctx) error {
	req, st, version, err := h.stats(c)
	if err != nil {
		return err
	}
	return c.JSON(apidoc.Clusters(req, st, version))
}

func (h *statsHandler) tiers(c *fiber.Ctx) error {
	req, st, version, err := h.stats(c)
	if err != nil {
		return err
	}
	return c.JSON(apidoc.Tiers(req, st, version))
}
