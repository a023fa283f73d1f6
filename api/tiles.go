package api

import (
	"encoding/json"
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles"
	"layoutmap/tiles/glyphs"
)

// ContentTypeMVT is the media type of vector tiles.
const ContentTypeMVT = "application/vnd.mapbox-vector-tile"

// DefaultTileCacheControl makes clients revalidate every tile with its ETag
// (a cheap 304), so no tile outlives an import in a browser cache.
const DefaultTileCacheControl = "public, no-cache"

// TilesConfig configures the tile routes. Tiles is required.
type TilesConfig struct {
	// Tiles encodes and caches tiles.
	Tiles *tiles.Service
	// Meta describes the data (bounds, attribution, tiers) in TileJSON
	// and the style.
	Meta tiles.Meta
	// PublicURL, when set (scheme://host[/prefix]), is the base of the tile
	// URLs in TileJSON and the style; otherwise the base the app computed
	// (Config.PublicURL, or the request's host as trusted proxies forward
	// it, see Config.TrustedProxies).
	PublicURL string
	// CacheControl is sent with tiles; empty means DefaultTileCacheControl.
	CacheControl string
	// DocCacheControl is sent with TileJSON and the style; empty means
	// DefaultTileCacheControl.
	DocCacheControl string
	// Glyphs, when set, serves SDF glyph ranges at
	// /fonts/{fontstack}/{start}-{end}.pbf for the fonts of tiles.Fonts;
	// set Meta.Glyphs too so the style names them.
	Glyphs *glyphs.Server
}

// TileRoutes returns the registration of GET /tiles/layout.json (TileJSON
// 3.0), GET /tiles/{z}/{x}/{y}.mvt and GET /styles/layout.json, for
// Config.Extra. Tiles take the filter contract (cluster, chain, region,
// city, tier, year, min_revenue, max_revenue) on the zones layer; TileJSON
// and the style take it too and put it into their tile URLs. A tile
// without data is 204 No Content; a bad z/x/y or filter is a problem+json
// 400 naming the parameter.
func TileRoutes(cfg TilesConfig) func(app *fiber.App) {
	if cfg.CacheControl == "" {
		cfg.CacheControl = DefaultTileCacheControl
	}
	if cfg.DocCacheControl == "" {
		cfg.DocCacheControl = DefaultTileCacheControl
	}
	h := &tileHandler{cfg: cfg}
	return func(app *fiber.App) {
		app.Get("/tiles/layout.json", h.tileJSON)
		app.Get("/tiles/:z/:x/:y.mvt", h.tile)
		// .pbf is the name many clients (QGIS's XYZ presets, older
		// Mapbox tools) use for the same MVT tile.
		app.Get("/tiles/:z/:x/:y.pbf", h.tile)
		app.Get("/styles/layout.json", h.style)
		ogcTiles{h}.register(app)
		if cfg.Glyphs != nil {
			// Before the web map's /fonts/* files: only names ending in
			// .pbf come here.
			app.Get("/fonts/:stack/:range.pbf", h.glyphs)
		}
	}
}

type tileHandler struct {
	cfg TilesConfig
}

func (h *tileHandler) tile(c *fiber.Ctx) error {
	query, err := queryValues(c)
	if err != nil {
		return err
	}
	q, err := tiles.ParseRequest(c.Params("z"), c.Params("x"), c.Params("y"), query)
	if err != nil {
		return err
	}
	enc, stale, err := h.cfg.Tiles.Get(c.UserContext(), q)
	if err != nil {
		return err
	}
	markStale(c, stale)
	c.Set(fiber.HeaderETag, enc.ETag)
	c.Set(fiber.HeaderCacheControl, h.cfg.CacheControl)
	// Added to, not replacing, the CORS middleware's Vary: Origin.
	c.Vary(fiber.HeaderAcceptEncoding)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), enc.ETag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if enc.Empty() {
		// Outside the data or nothing left after the filter: MapLibre and
		// QGIS treat 204 as an empty tile.
		return c.SendStatus(fiber.StatusNoContent)
	}
	c.Set(fiber.HeaderContentType, ContentTypeMVT)
	if acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		// The body was compressed once when it was encoded; setting
		// Content-Encoding keeps the compress middleware off it.
		gz, err := enc.Gzipped()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(gz)
	}
	return c.Send(enc.Body)
}

func (h *tileHandler) tileJSON(c *fiber.Ctx) error {
	f, _, err := h.docFilter(c)
	if err != nil {
		return err
	}
	m, err := h.meta(c)
	if err != nil {
		return err
	}
	return h.sendDoc(c, tiles.NewTileJSON(h.baseURL(c), f, m))
}

// meta is the tiles' Meta with the dataset version served (the TileJSON
// version follows it): the last known version while the store does not
// answer, as the tiles themselves are served.
func (h *tileHandler) meta(c *fiber.Ctx) (tiles.Meta, error) {
	m := h.cfg.Meta
	v, _, err := h.cfg.Tiles.DatasetVersion(c.UserContext(), func(int64) bool { return true })
	if err != nil {
		return m, err
	}
	m.DatasetVersion = v
	return m, nil
}

func (h *tileHandler) style(c *fiber.Ctx) error {
	f, lang, err := h.docFilter(c)
	if err != nil {
		return err
	}
	return h.sendDoc(c, tiles.NewStyle(h.baseURL(c), f, h.cfg.Meta, lang))
}

// docFilter reads the filter (and lang) of a TileJSON or style request.
func (h *tileHandler) docFilter(c *fiber.Ctx) (geo.Filter, string, error) {
	query, err := queryValues(c)
	if err != nil {
		return geo.Filter{}, "", err
	}
	lang := query.Get("lang")
	query.Del("lang")
	var errs geo.FieldErrors
	if lang != "" && lang != "zh" && lang != "en" {
		errs = append(errs, &geo.FieldError{Field: "lang", Reason: "must be zh or en"})
	}
	f, err := geo.ParseFilter(query, false)
	if fes, ok := geo.AsFieldErrors(err); ok {
		errs = append(errs, fes...)
	} else if err != nil {
		return geo.Filter{}, "", fmt.Errorf("api: tile document filter: %w", err)
	}
	if f.BBox != nil {
		errs = append(errs, &geo.FieldError{Field: "bbox", Reason: "does not apply to tiles"})
	}
	if len(errs) > 0 {
		return geo.Filter{}, "", errs
	}
	// Unknown ids (city=999999) are a 400 here, as on every tile, rather
	// than a document whose every tile fails: the store checks the filter
	// while encoding tile 0/0/0, which the cache then holds for the client.
	if _, err := h.cfg.Tiles.Encoded(c.UserContext(), geo.TileQuery{Filter: f}); err != nil {
		if _, ok := geo.AsFieldErrors(err); ok {
			return geo.Filter{}, "", err
		}
		return geo.Filter{}, "", fmt.Errorf("api: checking the tile filter: %w", err)
	}
	return f, lang, nil
}

func (h *tileHandler) baseURL(c *fiber.Ctx) string {
	if h.cfg.PublicURL != "" {
		return strings.TrimSuffix(h.cfg.PublicURL, "/")
	}
	return siteBase(c)
}

// sendDoc writes a JSON document with an ETag over its bytes.
func (h *tileHandler) sendDoc(c *fiber.Ctx, doc any) error {
	b, err := json.Marshal(doc)
	if err != nil {
		return fmt.Errorf("api: encoding tile document: %w", err)
	}
	sum := fnv.New64a()
	sum.Write(b)
	tag := fmt.Sprintf(`W/"%x"`, sum.Sum64())
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderCacheControl, h.cfg.DocCacheControl)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMEApplicationJSONCharsetUTF8)
	return c.Send(b)
}

// glyphs serves one SDF glyph range of a font stack naming fonts of
// tiles.Fonts (all drawn from the one CJK font the server has): 404 for
// another stack or a malformed range. Ranges never change while the server
// runs: a day's caching, revalidated by a weak ETag.
func (h *tileHandler) glyphs(c *fiber.Ctx) error {
	stack, rng := c.Params("stack"), c.Params("range")
	for _, name := range strings.Split(stack, ",") {
		if !slices.Contains(tiles.Fonts, strings.TrimSpace(name)) {
			return &notFoundError{fmt.Sprintf("no font %s; fonts: %s", quoteClip(name), strings.Join(tiles.Fonts, ", "))}
		}
	}
	a, b, ok := strings.Cut(rng, "-")
	start, err1 := strconv.Atoi(a)
	end, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || start%glyphs.RangeSize != 0 || end != start+glyphs.RangeSize-1 || start > glyphs.MaxCodePoint {
		return &notFoundError{fmt.Sprintf("no glyph range %s; ranges are 0-255, 256-511, … up to 65280-65535", quoteClip(rng))}
	}
	font := fnv.New32a()
	font.Write([]byte(h.cfg.Glyphs.FontName()))
	tag := fmt.Sprintf(`W/"glyphs-%x-%d"`, font.Sum32(), start)
	c.Set(fiber.HeaderETag, tag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), tag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	body, err := h.cfg.Glyphs.Range(stack, start)
	if err != nil {
		return fmt.Errorf("api: glyphs %s %s: %w", stack, rng, err)
	}
	c.Set(fiber.HeaderContentType, "application/x-protobuf")
	return c.Send(body)
}

// acceptsGzip reports whether an Accept-Encoding header allows gzip (or
// "*"), honouring q=0 as a refusal.
func acceptsGzip(header string) bool {
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		name = strings.ToLower(strings.TrimSpace(name))
		if name != "gzip" && name != "*" {
			continue
		}
		refused := false
		for _, p := range strings.Split(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(strings.TrimSpace(k), "q") {
				v = strings.TrimSpace(v)
				refused = v == "0" || v == "0.0" || v == "0.00" || v == "0.000"
			}
		}
		return !refused
	}
	return false
}

// HeaderCacheStatus reports how the server's cache answered (RFC 9211).
const HeaderCacheStatus = "Cache-Status"

// markStale says, when stale is set, that the response came from the
// server's cache under the last known dataset version because the store
// could not confirm it (stale-if-error, RFC 5861): RFC 9211's Cache-Status
// with a detail naming the reason. Warning (RFC 7234 §5.5, code 110) would
// have said it, but RFC 9111 obsoleted it.
func markStale(c *fiber.Ctx, stale error) {
	if stale == nil {
		return
	}
	c.Set(HeaderCacheStatus, `layoutmap; hit; detail="stale: data store unavailable"`)
}
