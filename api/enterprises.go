package api

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/url"
	"strings"
	"sync/atomic"

	"github.com/gofiber/fiber/v2"
	// The same format as compress/gzip, about twice as fast at BestSpeed
	// (a 380 KB point tile: the larger part of a cold tile's CPU after
	// the encoding); fasthttp already depends on it.
	"github.com/klauspost/compress/gzip"

	"layoutmap/api/apidoc"
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
	// tileInfo is the list's info as read at a dataset version, for the
	// tiles (their ETag and synthetic flag): a list changes only with an
	// import, which changes the version, so a tile costs no info query.
	tileInfo atomic.Pointer[versionedInfo]
}

type versionedInfo struct {
	version int64
	info    data.EnterpriseInfo
}

// infoAt is the list's info at dataset version ver, read once per version.
func (h *entHandler) infoAt(ctx context.Context, ver int64) (data.EnterpriseInfo, error) {
	if v := h.tileInfo.Load(); v != nil && v.version == ver {
		return v.info, nil
	}
	inf, err := h.es.EnterpriseInfo(ctx)
	if err != nil {
		return inf, err
	}
	h.tileInfo.Store(&versionedInfo{ver, inf})
	return inf, nil
}

// EnterpriseHint (English) and EnterpriseHintZH (Chinese) are what a
// planner reads when no enterprise list is loaded (no public list with
// coordinates exists to bundle): how to load one in each store, and how
// to make a clearly synthetic demo list. Commands are in backticks (the
// web map shows them as code).
const (
	EnterpriseHint = "No enterprise list is loaded. To load one, put enterprises.csv (or .xlsx, .geojson; columns name, lon, lat, source, see docs/enterprises.md) into a data directory and run `layoutmap serve --data DIR`; " +
		"with PostGIS, run `layoutmap import --database-url URL --enterprises FILE`. " +
		"For a demo, `layoutmap synth enterprises --n 50000 --out DIR/enterprises.csv` writes a list marked as synthetic."
	EnterpriseHintZH = "未导入企业名录。请将 enterprises.csv（或 .xlsx、.geojson；列 name、lon、lat、source，见 docs/enterprises.md）放入数据目录，运行 `layoutmap serve --data 目录`；" +
		"使用 PostGIS 时运行 `layoutmap import --database-url URL --enterprises 文件`。" +
		"演示用：`layoutmap synth enterprises --n 50000 --out 目录/enterprises.csv` 生成标明为合成数据的名录。"
)

// SyntheticNotice is shown wherever synthetic enterprises are drawn.
const SyntheticNotice = "synthetic enterprises (layoutmap synth): fictitious, for demos and benchmarks only · 合成数据（虚构企业）"

// enterpriseTileRule states the tile rule (geo.EnterpriseTileAsPoints)
// for a list whose point zoom is pointZoom.
func enterpriseTileRule(pointZoom uint32) string {
	return fmt.Sprintf("Enterprises of the key chains. Every matching enterprise is in its tile, nothing is left out: from zoom %d (this list's point zoom: the lowest zoom at which no tile of the whole list holds more than %d) as points, below it as one point per non-empty cell of a %d×%d grid aligned to the global tile grid (counts per class and chain) — the same for every tile of a zoom, whatever the filter. "+
		"From zoom %d on, a tile of more than %d stacked enterprises stays cells.",
		pointZoom, geo.EnterpriseTilePoints, 1<<geo.EnterpriseCellBits, 1<<geo.EnterpriseCellBits, geo.EnterprisePointZoomMax, geo.EnterpriseTilePoints)
}

// yearNote is the year rule's note for a request of one year on the
// enterprise routes, in both languages; empty when the list in force
// describes that year, when no year is asked or no list is loaded.
type yearNote struct {
	EN, ZH string
	// members: the note as GeoJSON foreign members (RFC 7946 §6.1),
	// year_note and year_note_zh.
	members []apidoc.Member
}

// enterpriseYearNote is the note every enterprise answer carries for
// year (geo.EnterpriseYearNote over the years of the list in force): the
// one function behind the items (a year_note / year_note_zh member of the
// GeoJSON, the HTML page, the HeaderYearNote headers of every format and
// the XLSX notes sheet) and the statistics (JSON members, CSV and XLSX
// rows). A store without enterprises gives none.
func enterpriseYearNote(ctx context.Context, store data.Store, year int) (yearNote, error) {
	es, ok := store.(data.EnterpriseStore)
	if !ok || year == 0 {
		return yearNote{}, nil
	}
	inf, err := es.EnterpriseInfo(ctx)
	if err != nil {
		return yearNote{}, fmt.Errorf("api: enterprise year note: %w", err)
	}
	return yearNoteOf(year, inf.Years), nil
}

// yearNoteOf is enterpriseYearNote for a list whose years are known.
func yearNoteOf(year int, years []geo.YearCount) yearNote {
	en, zh, members := apidoc.EnterpriseYearNote(year, years)
	return yearNote{EN: en, ZH: zh, members: members}
}

// Headers of the year note on enterprise items (every format: CSV has no
// place for a note without breaking its import round trip). Field values
// are ASCII (RFC 9110 §5.5), so the Chinese text is percent-encoded UTF-8
// (RFC 3986 §2.1; decodeURIComponent in a browser).
const (
	HeaderYearNote   = "Layoutmap-Year-Note"
	HeaderYearNoteZH = "Layoutmap-Year-Note-Zh"
)

// setHeaders puts the note on a response (nothing when empty).
func (n yearNote) setHeaders(c *fiber.Ctx) {
	if n.EN == "" {
		return
	}
	c.Set(HeaderYearNote, n.EN)
	c.Set(HeaderYearNoteZH, url.PathEscape(n.ZH))
}

// xlsxNotes are the note's rows of a workbook's notes sheet.
func (n yearNote) xlsxNotes() [][2]string {
	if n.EN == "" {
		return nil
	}
	return [][2]string{{"year_note / 年份说明", n.ZH + " / " + n.EN}}
}

type enterpriseInfoDoc struct {
	data.EnterpriseInfo
	Bbox []float64 `json:"bbox,omitempty"`
	Hint string    `json:"hint,omitempty"`
	// HintZH: the hint in Chinese.
	HintZH string `json:"hint_zh,omitempty"`
	Note   string `json:"note,omitempty"`
	// YearRule(ZH): geo's year rule (year selects no enterprise; Years
	// are the years the list describes).
	YearRule   string `json:"year_rule"`
	YearRuleZH string `json:"year_rule_zh"`
	// DatasetVersion is the version served; LinksNote(ZH) says when its
	// zones, admin areas or chains differ from those of the version the
	// list's links were resolved against (a zone import does not re-link
	// a stored list; a revenue-only import changes nothing they depend on).
	DatasetVersion int64  `json:"dataset_version"`
	LinksNote      string `json:"links_note,omitempty"`
	LinksNoteZH    string `json:"links_note_zh,omitempty"`
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
	ver, err := h.store.Version(c.UserContext())
	if err != nil {
		return fmt.Errorf("api: enterprise info: %w", err)
	}
	d := enterpriseInfoDoc{EnterpriseInfo: inf, YearRule: geo.EnterpriseYearRuleEN, YearRuleZH: geo.EnterpriseYearRuleZH, DatasetVersion: ver}
	if inf.LinksStale {
		d.LinksNote = fmt.Sprintf("the list's zone links and city/county codes were resolved against dataset version %d; the dataset is now version %d, "+
			"whose zones, admin areas or chains differ from those of version %d and are not reflected in them: import the enterprise list again to re-link it", inf.LinksVersion, ver, inf.LinksVersion)
		d.LinksNoteZH = fmt.Sprintf("企业名录的园区关联和市县代码按数据版本 %d 确定，现为数据版本 %d，其园区、行政区或产业链与版本 %d 不同，这些变化未反映在关联中，请重新导入企业名录。", inf.LinksVersion, ver, inf.LinksVersion)
	}
	if inf.Count == 0 {
		d.Hint, d.HintZH = EnterpriseHint, EnterpriseHintZH
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
	inf, err := h.infoAt(ctx, ver)
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
		"description": enterpriseTileRule(inf.PointZoom),
		"vector_layers": []map[string]any{
			{"id": geo.LayerEnterpriseCells, "fields": classFields, "minzoom": geo.MinZoom, "maxzoom": geo.MaxZoom},
			{"id": geo.LayerEnterprisePoints, "fields": map[string]string{"id": "String", "name": "String", "name_en": "String",
				"classes": "String: |class|…|", "chains": "String: |chain|…|", "zone_id": "String", "city_code": "String",
				"location_quality": "String", "synthetic": "Boolean"}, "minzoom": inf.PointZoom, "maxzoom": geo.MaxZoom},
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
