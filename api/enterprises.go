package api

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/tiles"
)

// EnterpriseRoutes returns the registration of the enterprises tileset
// (issue 15), for Config.Extra, when the store holds the enterprises
// collection (data.EnterpriseStore); nil otherwise.
//
//	GET /tiles/enterprises.json          TileJSON 3.0 of the tileset (filter in its tile URL)
//	GET /tiles/enterprises/{z}/{x}/{y}.mvt  one tile: aggregation cells or points (tiles.EncodeEnterprises)
//	GET /api/v1/enterprises/info         how many enterprises are loaded, how many synthetic, and a hint when none
//	GET /api/v1/stats/enterprises        enterprises per city, zone, cluster, chain and class (enterprise_stats.go), when the store counts them
//
// Tiles take the filter contract plus class and zone (no bbox: a tile is
// its own box). An empty tile is 204; a bad z/x/y or filter a 400.
func EnterpriseRoutes(store data.Store) func(*fiber.App) {
	es, ok := store.(data.EnterpriseStore)
	if !ok {
		return nil
	}
	h := &entHandler{store: store, es: es}
	return func(app *fiber.App) {
		app.Get("/tiles/enterprises.json", h.tileJSON)
		app.Get("/tiles/enterprises/:z/:x/:y.mvt", h.tile)
		app.Get(Prefix+"/enterprises/info", h.info)
		if st, ok := store.(data.EnterpriseStatsStore); ok {
			app.Get(Prefix+"/stats/enterprises", (&entStatsHandler{store: store, st: st}).stats)
		}
	}
}

type entHandler struct {
	store data.Store
	es    data.EnterpriseStore
}

// EnterpriseHint is what a planner reads when no enterprise list is
// loaded: no public list with coordinates exists to bundle.
const EnterpriseHint = "No enterprise list is loaded. Load one with `layoutmap serve --enterprises FILE` (embedded store) or `layoutmap import --enterprises FILE` (PostGIS); CSV, XLSX or GeoJSON with name, lon, lat, source (see docs/enterprises.md). 未导入企业名录：内置数据请用 layoutmap serve --enterprises 文件，PostGIS 请用 layoutmap import --enterprises 文件，导入 CSV/XLSX/GeoJSON 名录。"

// SyntheticNotice is shown wherever synthetic enterprises are drawn.
const SyntheticNotice = "synthetic enterprises (layoutmap synth): fictitious, for demos and benchmarks only · 合成数据（虚构企业）"

type enterpriseInfoDoc struct {
	data.EnterpriseInfo
	Bbox []float64 `json:"bbox,omitempty"`
	Hint string    `json:"hint,omitempty"`
	Note string    `json:"note,omitempty"`
	// YearRule(ZH): geo's year rule (year selects no enterprise; Years
	// are the years the list describes).
	YearRule   string `json:"year_rule"`
	YearRuleZH string `json:"year_rule_zh"`
}

func (h *entHandler) info(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q); err != nil {
		return err
	}
	inf, err := h.es.EnterpriseInfo(c.UserContext())
	if err != nil {
		return fmt.Errorf("api: enterprise info: %w", err)
	}
	d := enterpriseInfoDoc{EnterpriseInfo: inf, YearRule: geo.EnterpriseYearRuleEN, YearRuleZH: geo.EnterpriseYearRuleZH}
	if inf.Count == 0 {
		d.Hint = EnterpriseHint
	} else {
		b := inf.Bound
		d.Bbox = []float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
	}
	if inf.Synthetic > 0 {
		d.Note = SyntheticNotice
	}
	return c.JSON(d)
}

// tileQuery reads z/x/y and the filter of a tile request.
func (h *entHandler) tileQuery(c *fiber.Ctx) (geo.TileQuery, error) {
	query, err := queryValues(c)
	if err != nil {
		return geo.TileQuery{}, err
	}
	return tiles.ParseRequest(c.Params("z"), c.Params("x"), c.Params("y"), query)
}

func (h *entHandler) tile(c *fiber.Ctx) error {
	q, err := h.tileQuery(c)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	ver, err := h.store.Version(ctx)
	if err != nil {
		return fmt.Errorf("api: enterprise tile: %w", err)
	}
	inf, err := h.es.EnterpriseInfo(ctx)
	if err != nil {
		return fmt.Errorf("api: enterprise tile: %w", err)
	}
	sum := fnv.New64a()
	fmt.Fprintf(sum, "%d/%d/%d?%s", q.Z, q.X, q.Y, q.Filter.Encode().Encode())
	etag := fmt.Sprintf(`W/"e%d-%d-%x"`, ver, inf.Count, sum.Sum64())
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		c.Set(fiber.HeaderETag, etag)
		return c.SendStatus(fiber.StatusNotModified)
	}
	t, err := h.es.EnterpriseTile(ctx, q)
	if err != nil {
		return err
	}
	body, err := tiles.EncodeEnterprises(t, q.Z, q.X, q.Y, inf.Synthetic > 0)
	if err != nil {
		return fmt.Errorf("api: encoding enterprise tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, DefaultTileCacheControl)
	c.Vary(fiber.HeaderAcceptEncoding)
	if len(body) == 0 {
		return c.SendStatus(fiber.StatusNoContent)
	}
	c.Set(fiber.HeaderContentType, ContentTypeMVT)
	if acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) && len(body) > 1024 {
		var b bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&b, gzip.BestSpeed)
		if _, err := zw.Write(body); err == nil && zw.Close() == nil {
			c.Set(fiber.HeaderContentEncoding, "gzip")
			return c.Send(b.Bytes())
		}
	}
	return c.Send(body)
}

func (h *entHandler) tileJSON(c *fiber.Ctx) error {
	query, err := queryValues(c)
	if err != nil {
		return err
	}
	// Check the filter as a tile would (0/0/0), so a bad id is a 400 here.
	q, err := tiles.ParseRequest("0", "0", "0", query)
	if err != nil {
		return err
	}
	if _, err := h.es.EnterpriseTile(c.UserContext(), q); err != nil {
		return err
	}
	inf, err := h.es.EnterpriseInfo(c.UserContext())
	if err != nil {
		return fmt.Errorf("api: enterprise tilejson: %w", err)
	}
	qs := strings.ReplaceAll(q.Filter.Encode().Encode(), "%2C", ",")
	url := siteBase(c) + "/tiles/enterprises/{z}/{x}/{y}.mvt"
	if qs != "" {
		url += "?" + qs
	}
	attribution := "Enterprises: imported lists (" + strings.Join(inf.Sources, "; ") + ")"
	if inf.Count == 0 {
		attribution = "Enterprises: none loaded"
	}
	if inf.Synthetic > 0 {
		attribution = "Enterprises: " + SyntheticNotice
	}
	classFields := map[string]string{"count": "Number: enterprises in the cell (feature id: z<<48 | x<<24 | y of the cell)", "synthetic": "Boolean"}
	if tax, err := h.store.Taxonomy(c.UserContext()); err == nil {
		for _, ch := range tax.Chains {
			classFields["ch_"+ch.ID] = "Number: enterprises of chain " + ch.Name
		}
	}
	for _, ec := range geo.EnterpriseClasses {
		classFields["n_"+ec.ID] = "Number: enterprises of class " + ec.Name
	}
	doc := map[string]any{
		"tilejson": "3.0.0", "name": "layoutmap enterprises", "scheme": "xyz", "tiles": []string{url},
		"minzoom": geo.MinZoom, "maxzoom": geo.MaxZoom, "attribution": attribution,
		"description": fmt.Sprintf("Enterprises of the key chains. A tile holds every matching enterprise as a point when at most %d match in it, else one point per cell of a %d×%d grid aligned to the global tile grid (counts per class and chain); nothing is left out.",
			geo.EnterpriseTilePoints, 1<<geo.EnterpriseCellBits, 1<<geo.EnterpriseCellBits),
		"vector_layers": []map[string]any{
			{"id": geo.LayerEnterpriseCells, "fields": classFields, "minzoom": geo.MinZoom, "maxzoom": geo.MaxZoom},
			{"id": geo.LayerEnterprisePoints, "fields": map[string]string{"id": "String", "name": "String", "name_en": "String",
				"classes": "String: |class|…|", "chains": "String: |chain|…|", "zone_id": "String", "city_code": "String",
				"location_quality": "String", "synthetic": "Boolean"}, "minzoom": geo.MinZoom, "maxzoom": geo.MaxZoom},
		},
	}
	if inf.Count > 0 {
		b := inf.Bound
		doc["bounds"] = []float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])}
	}
	b, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("api: encoding enterprise tilejson: %w", err)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}
