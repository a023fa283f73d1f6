package api

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"google.golang.org/protobuf/encoding/protowire"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// OGC API – Tiles 1.0 (OGC 20-057) over the composite vector tileset, with
// tileset metadata and the tile matrix set of OGC 2D TMS 2.0 (OGC 17-083r4):
//
//	/api/v1/tileMatrixSets[/WebMercatorQuad]          tile matrix sets
//	/api/v1/tiles[/WebMercatorQuad[/{z}/{row}/{col}]]  the dataset tileset (every layer)
//	/api/v1/collections/{c}/tiles[/…]                  one collection's layer only
//
// The tiles are the ones /tiles/{z}/{x}/{y}.mvt serves (same cache, same
// filter contract, same ETags); a collection's tile is the composite tile
// with only that collection's layer kept. The landing page links the
// dataset tilesets (rel tilesets-vector), each collection its own, so GDAL's
// OGCAPI driver and QGIS find the tiles without a URL template.

// Link relations and identifiers of OGC API – Tiles and 2D TMS.
const (
	relTilesetsVector = "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector"
	relTilingScheme   = "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme"
	relTileMatrixSets = "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes"
	relDataset        = "http://www.opengis.net/def/rel/ogc/1.0/dataset"
	relGeodata        = "http://www.opengis.net/def/rel/ogc/1.0/geodata"

	tmsID  = "WebMercatorQuad"
	tmsURI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	// tmsMaxMatrix is the deepest tile matrix the registered
	// WebMercatorQuad defines; the tilesets' limits say which exist here.
	tmsMaxMatrix = 24
)

// tilesConformance are the OGC API – Tiles classes, declared when the tile
// routes are mounted.
var tilesConformance = []string{
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/dataset-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
}

// tileCollections are the collections with a layer of their own in the
// composite tiles.
var tileCollections = []string{geo.LayerCities, geo.LayerCounties, geo.LayerZones, geo.LayerRegions}

// webMercatorQuad is the registered tile matrix set (OGC 2D TMS 2.0,
// Annex D.1): EPSG:3857, 256-pixel tiles, matrix 0 one tile of the world,
// each next matrix halving the cell size; scale denominators for 0.28 mm
// pixels.
//
// The document also carries the TMS 1.0 members (type, identifier,
// supportedCRS, tileMatrix with topLeftCorner): GDAL 3.6 (Debian 12's
// gdal-bin) reads only TMS 1.0 and otherwise fails to open the tileset.
// The 2.0 members are complete and the document validates against the
// TMS 2.0 schema (it allows further members); newer GDAL reads the 2.0 ones.
func webMercatorQuad() obj {
	const half = math.Pi * orb.EarthRadius // 20037508.3427892…
	var ms, ms10 []obj
	for z := 0; z <= tmsMaxMatrix; z++ {
		cell := 2 * half / 256 / float64(uint64(1)<<z)
		ms = append(ms, obj{
			"id": strconv.Itoa(z), "scaleDenominator": cell / 0.00028, "cellSize": cell,
			"cornerOfOrigin": "topLeft", "pointOfOrigin": []float64{-half, half},
			"tileWidth": 256, "tileHeight": 256, "matrixWidth": 1 << z, "matrixHeight": 1 << z,
		})
		ms10 = append(ms10, obj{
			"type": "TileMatrixType", "identifier": strconv.Itoa(z), "scaleDenominator": cell / 0.00028,
			"topLeftCorner": []float64{-half, half}, "tileWidth": 256, "tileHeight": 256, "matrixWidth": 1 << z, "matrixHeight": 1 << z,
		})
	}
	return obj{
		"type": "TileMatrixSetType", "identifier": tmsID, "supportedCRS": CRSEPSG3857, "tileMatrix": ms10,
		"id": tmsID, "title": "Google Maps Compatible for the World", "uri": tmsURI,
		"crs": CRSEPSG3857, "orderedAxes": []string{"X", "Y"},
		"wellKnownScaleSet": "http://www.opengis.net/def/wkss/OGC/1.0/GoogleMapsCompatible",
		"boundingBox":       obj{"lowerLeft": []float64{-half, -half}, "upperRight": []float64{half, half}, "crs": CRSEPSG3857, "orderedAxes": []string{"X", "Y"}},
		"tileMatrices":      ms,
	}
}

// ogcTiles serves the OGC API – Tiles routes; it shares tileHandler's
// service, metadata and document caching.
type ogcTiles struct{ h *tileHandler }

func (o ogcTiles) register(app *fiber.App) {
	app.Get(Prefix+"/tileMatrixSets", o.matrixSets)
	app.Get(Prefix+"/tileMatrixSets/:tileMatrixSetId", o.matrixSet)
	app.Get(Prefix+"/tiles", o.tilesets)
	app.Get(Prefix+"/tiles/:tileMatrixSetId", o.tileset)
	app.Get(Prefix+"/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol", o.tile)
	app.Get(Prefix+"/collections/:coll/tiles", o.tilesets)
	app.Get(Prefix+"/collections/:coll/tiles/:tileMatrixSetId", o.tileset)
	app.Get(Prefix+"/collections/:coll/tiles/:tileMatrixSetId/:tileMatrix/:tileRow/:tileCol", o.tile)
}

// docQuery reads f (json only: these documents have no HTML page) and
// negotiates application/json.
func docQuery(c *fiber.Ctx, allowed ...string) (url.Values, error) {
	q, err := queryValues(c)
	if err != nil {
		return nil, err
	}
	if f := q.Get("f"); f != "" && f != "json" {
		return nil, geo.FieldErrors{{Field: "f", Reason: "must be json, got " + quoteClip(f)}}
	}
	q.Del("f")
	if allowed != nil {
		if err := onlyParams(q, allowed...); err != nil {
			return nil, err
		}
	}
	if _, err := negotiate(c, "", nil, ContentTypeJSON); err != nil {
		return nil, err
	}
	return q, nil
}

func (o ogcTiles) matrixSets(c *fiber.Ctx) error {
	if _, err := docQuery(c, []string{}...); err != nil {
		return err
	}
	b := base(c) + "/tileMatrixSets"
	return o.h.sendDoc(c, obj{
		"links": []Link{{Href: b, Rel: "self", Type: ContentTypeJSON, Title: "tile matrix sets"}},
		"tileMatrixSets": []obj{{"id": tmsID, "title": "Google Maps Compatible for the World", "uri": tmsURI, "crs": CRSEPSG3857,
			"links": []Link{{Href: b + "/" + tmsID, Rel: relTilingScheme, Type: ContentTypeJSON, Title: "WebMercatorQuad definition"}}}},
	})
}

// knownTMS is a 404 unless name is the one tile matrix set offered.
func knownTMS(name string) error {
	if name != tmsID {
		return &notFoundError{fmt.Sprintf("no tile matrix set %s; offered: %s", quoteClip(name), tmsID)}
	}
	return nil
}

func (o ogcTiles) matrixSet(c *fiber.Ctx) error {
	if _, err := docQuery(c, []string{}...); err != nil {
		return err
	}
	if err := knownTMS(c.Params("tileMatrixSetId")); err != nil {
		return err
	}
	return o.h.sendDoc(c, webMercatorQuad())
}

// tilesScope is the dataset or one collection: the base of its tiles
// paths, and the layers its tiles hold.
type tilesScope struct {
	coll   string // "" for the dataset
	href   string // …/tiles
	layers []string
}

func scopeOf(c *fiber.Ctx) (tilesScope, error) {
	coll := c.Params("coll")
	if coll == "" {
		var ls []string
		for _, l := range geo.Layers {
			ls = append(ls, l.Name)
		}
		return tilesScope{href: base(c) + "/tiles", layers: ls}, nil
	}
	if err := knownCollection(coll); err != nil {
		return tilesScope{}, err
	}
	if !slices.Contains(tileCollections, coll) {
		return tilesScope{}, &notFoundError{fmt.Sprintf("collection %s has no tiles", quoteClip(coll))}
	}
	return tilesScope{coll: coll, href: base(c) + "/collections/" + url.PathEscape(coll) + "/tiles", layers: []string{coll}}, nil
}

// filterQuery parses the filter contract of a tiles document (bbox
// excluded: a tile is its own box) and returns it with its canonical query
// string ("" or "?…") for the tile template.
func (o ogcTiles) filterQuery(c *fiber.Ctx) (geo.Filter, string, error) {
	q, err := docQuery(c)
	if err != nil {
		return geo.Filter{}, "", err
	}
	f, err := geo.ParseFilter(q, false)
	if err != nil {
		return geo.Filter{}, "", err
	}
	if f.BBox != nil {
		return geo.Filter{}, "", geo.FieldErrors{{Field: "bbox", Reason: "does not apply to tiles"}}
	}
	s := ""
	if e := f.Encode(); len(e) > 0 {
		s = "?" + e.Encode()
	}
	return f, s, nil
}

func (o ogcTiles) tilesetItem(c *fiber.Ctx, sc tilesScope, query string) obj {
	title := "河南省产业布局矢量瓦片 / Henan industrial layout vector tiles (every layer)"
	if sc.coll != "" {
		cs := geo.Schemas[sc.coll]
		title = cs.TitleZH + "矢量瓦片 / " + cs.TitleEN + " vector tiles"
	}
	return obj{
		"title": title, "dataType": "vector", "crs": CRSEPSG3857, "tileMatrixSetURI": tmsURI,
		"links": []Link{
			{Href: sc.href + "/" + tmsID + query, Rel: "self", Type: ContentTypeJSON, Title: "tileset metadata (WebMercatorQuad)"},
			{Href: base(c) + "/tileMatrixSets/" + tmsID, Rel: relTilingScheme, Type: ContentTypeJSON, Title: "WebMercatorQuad definition"},
		},
	}
}

func (o ogcTiles) tilesets(c *fiber.Ctx) error {
	sc, err := scopeOf(c)
	if err != nil {
		return err
	}
	_, query, err := o.filterQuery(c)
	if err != nil {
		return err
	}
	return o.h.sendDoc(c, obj{
		"links":    []Link{{Href: sc.href + query, Rel: "self", Type: ContentTypeJSON, Title: "tilesets"}},
		"tilesets": []obj{o.tilesetItem(c, sc, query)},
	})
}

// limits are the tile rows and columns of each matrix that meet the
// data's bounds (tileMatrixSetLimits), for the zooms tiles are made at.
func (o ogcTiles) limits() []obj {
	m := o.h.cfg.Meta
	b, minZ, maxZ := m.Bounds, uint32(geo.MinZoom), uint32(geo.MaxZoom)
	if b == (orb.Bound{}) {
		b = geo.HenanBound
	}
	if m.MaxZoom != 0 {
		minZ, maxZ = m.MinZoom, m.MaxZoom
	}
	var out []obj
	for z := minZ; z <= maxZ; z++ {
		nw := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
		se := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
		out = append(out, obj{"tileMatrix": strconv.Itoa(int(z)), "minTileRow": nw.Y, "maxTileRow": se.Y, "minTileCol": nw.X, "maxTileCol": se.X})
	}
	return out
}

// withinLimits reports whether tile z/x/y is inside the tileset's limits.
func (o ogcTiles) withinLimits(z, x, y uint32) bool {
	for _, l := range o.limits() {
		if l["tileMatrix"] == strconv.Itoa(int(z)) {
			return x >= l["minTileCol"].(uint32) && x <= l["maxTileCol"].(uint32) && y >= l["minTileRow"].(uint32) && y <= l["maxTileRow"].(uint32)
		}
	}
	return false
}

func (o ogcTiles) tileset(c *fiber.Ctx) error {
	sc, err := scopeOf(c)
	if err != nil {
		return err
	}
	if err := knownTMS(c.Params("tileMatrixSetId")); err != nil {
		return err
	}
	f, query, err := o.filterQuery(c)
	if err != nil {
		return err
	}
	// The TileJSON is the one description of the layers (fields, zooms).
	m, err := o.h.meta(c)
	if err != nil {
		return err
	}
	tj := tiles.NewTileJSON(o.h.baseURL(c), f, m)
	var layers []obj
	for _, vl := range tj.VectorLayers {
		if !slices.Contains(sc.layers, vl.ID) {
			continue
		}
		props := obj{}
		for _, name := range sortedKeys(vl.Fields) {
			props[name] = tileFieldSchema(vl, name)
		}
		layers = append(layers, obj{
			"id": vl.ID, "title": vl.ID, "description": vl.Description, "dataType": "vector",
			"minTileMatrix": strconv.Itoa(int(vl.MinZoom)), "maxTileMatrix": strconv.Itoa(int(vl.MaxZoom)),
			"propertiesSchema": obj{"type": "object", "properties": props},
		})
	}
	item := o.tilesetItem(c, sc, query)
	links := item["links"].([]Link)
	links = append(links,
		Link{Href: sc.href + "/" + tmsID + "/{tileMatrix}/{tileRow}/{tileCol}" + query, Rel: "item", Type: ContentTypeMVT, Title: "Mapbox vector tile (MVT 2.1)", Templated: true},
		Link{Href: base(c), Rel: relDataset, Type: ContentTypeJSON, Title: "the dataset (landing page)"},
	)
	if sc.coll == "" {
		links = append(links, Link{Href: siteBase(c) + "/tiles/layout.json" + query, Rel: "alternate", Type: ContentTypeJSON, Title: "TileJSON 3.0 of the same tiles"},
			Link{Href: siteBase(c) + "/styles/layout.json" + query, Rel: "stylesheet", Type: ContentTypeJSON, Title: "MapLibre style"})
	} else {
		links = append(links, Link{Href: base(c) + "/collections/" + url.PathEscape(sc.coll), Rel: relGeodata, Type: ContentTypeJSON, Title: "the collection"})
	}
	item["links"] = links
	item["description"] = tj.Description + ". " + tj.Attribution
	item["attribution"] = tj.Attribution
	item["tileMatrixSetLimits"] = o.limits()
	item["boundingBox"] = obj{"lowerLeft": []float64{tj.Bounds[0], tj.Bounds[1]}, "upperRight": []float64{tj.Bounds[2], tj.Bounds[3]}, "crs": CRS84}
	item["centerPoint"] = obj{"coordinates": []float64{tj.Center[0], tj.Center[1]}, "crs": CRS84, "tileMatrix": strconv.Itoa(int(tj.Center[2]))}
	item["layers"] = layers
	return o.h.sendDoc(c, item)
}

// tile serves /…/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}:
// the composite tile of /tiles/{z}/{x}/{y}.mvt (row is y, col is x), only
// the collection's layer for a collection. Outside the tileset's limits a
// 404 (OGC API Tiles /req/core/tc-error); inside without data a 204.
func (o ogcTiles) tile(c *fiber.Ctx) error {
	sc, err := scopeOf(c)
	if err != nil {
		return err
	}
	if err := knownTMS(c.Params("tileMatrixSetId")); err != nil {
		return err
	}
	query, err := queryValues(c)
	if err != nil {
		return err
	}
	q, err := tiles.ParseRequest(c.Params("tileMatrix"), c.Params("tileCol"), c.Params("tileRow"), query)
	if err != nil {
		// Name the OGC path parameters, not the XYZ ones.
		if fes, ok := geo.AsFieldErrors(err); ok {
			ogc := map[string]string{"z": "tileMatrix", "x": "tileCol", "y": "tileRow"}
			for _, fe := range fes {
				if n, ok := ogc[fe.Field]; ok {
					fe.Field = n
				}
			}
		}
		return err
	}
	if !o.withinLimits(q.Z, q.X, q.Y) {
		return &notFoundError{fmt.Sprintf("tile %d/%d/%d (tileMatrix/tileRow/tileCol) is outside the tileset's tileMatrixSetLimits", q.Z, q.Y, q.X)}
	}
	enc, stale, err := o.h.cfg.Tiles.Get(c.UserContext(), q)
	if err != nil {
		return err
	}
	markStale(c, stale)
	body, etag := enc.Body, enc.ETag
	if sc.coll != "" {
		if body, err = mvtLayer(enc.Body, sc.coll); err != nil {
			return fmt.Errorf("api: tile %d/%d/%d layer %s: %w", q.Z, q.X, q.Y, sc.coll, err)
		}
		etag = strings.TrimSuffix(etag, `"`) + "-" + sc.coll + `"`
	}
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, o.h.cfg.CacheControl)
	c.Vary(fiber.HeaderAcceptEncoding)
	if etagMatches(c.Get(fiber.HeaderIfNoneMatch), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if len(body) == 0 {
		return c.SendStatus(fiber.StatusNoContent)
	}
	c.Set(fiber.HeaderContentType, ContentTypeMVT)
	if sc.coll == "" && acceptsGzip(c.Get(fiber.HeaderAcceptEncoding)) {
		gz, err := enc.Gzipped()
		if err != nil {
			return err
		}
		c.Set(fiber.HeaderContentEncoding, "gzip")
		return c.Send(gz)
	}
	return c.Send(body)
}

// mvtLayer returns the MVT tile holding only the layer named name of tile
// (nil when tile has no such layer). An MVT tile is a protobuf message
// whose field 3 repeats the layers, each a message whose field 1 is its
// name; the layer's bytes are copied as they are, so its features are
// exactly the composite tile's.
func mvtLayer(tile []byte, name string) ([]byte, error) {
	for b := tile; len(b) > 0; {
		num, typ, n := protowire.ConsumeTag(b)
		if n < 0 {
			return nil, protowire.ParseError(n)
		}
		m := protowire.ConsumeFieldValue(num, typ, b[n:])
		if m < 0 {
			return nil, protowire.ParseError(m)
		}
		field := b[:n+m]
		b = b[n+m:]
		if num != 3 || typ != protowire.BytesType {
			continue
		}
		layer, _ := protowire.ConsumeBytes(field[n:])
		if layerName(layer) == name {
			return slices.Clone(field), nil
		}
	}
	return nil, nil
}

// layerName reads field 1 (name) of an MVT layer message.
func layerName(layer []byte) string {
	for len(layer) > 0 {
		num, typ, n := protowire.ConsumeTag(layer)
		if n < 0 {
			return ""
		}
		if num == 1 && typ == protowire.BytesType {
			v, m := protowire.ConsumeBytes(layer[n:])
			if m < 0 {
				return ""
			}
			return string(v)
		}
		m := protowire.ConsumeFieldValue(num, typ, layer[n:])
		if m < 0 {
			return ""
		}
		layer = layer[n+m:]
	}
	return ""
}

// ogcTilesPaths documents the OGC API – Tiles routes for the OpenAPI
// document.
func ogcTilesPaths(collParam obj) obj {
	tmsParam := param("tileMatrixSetId", "path", "Tile matrix set: WebMercatorQuad (the only one; others are a 404).", obj{"type": "string", "enum": []string{tmsID}})
	tileParams := []obj{
		param("tileMatrix", "path", "Zoom level (tile matrix id) 0–16.", obj{"type": "string", "pattern": "^[0-9]{1,2}$"}),
		param("tileRow", "path", "Tile row (y, from the top).", obj{"type": "integer", "minimum": 0}),
		param("tileCol", "path", "Tile column (x).", obj{"type": "integer", "minimum": 0}),
	}
	mvt := obj{"description": "The tile (MVT 2.1).", "content": obj{ContentTypeMVT: obj{"schema": obj{"type": "string", "format": "binary"}}}}
	tileDesc := "The tile /tiles/{z}/{x}/{y}.mvt serves (tileMatrix is z, tileRow y, tileCol x), under the same filter contract; 404 outside the tileset's tileMatrixSetLimits, 204 inside them without data."
	paths := obj{
		Prefix + "/tileMatrixSets": op("tileMatrixSets", "Tile matrix sets (OGC API – Tiles)", "WebMercatorQuad, linked to its definition.", nil,
			jsonResponse("Tile matrix sets.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/tileMatrixSets/{tileMatrixSetId}": op("tileMatrixSet", "A tile matrix set definition (OGC 2D TMS 2.0)",
			"WebMercatorQuad as OGC 2D TMS 2.0 defines it; the document also carries the TMS 1.0 members GDAL 3.6 reads.", []obj{tmsParam},
			jsonResponse("Tile matrix set.", ContentTypeJSON), "304", "400", "404", "406"),
		Prefix + "/tiles": op("datasetTilesets", "Vector tilesets of the dataset (OGC API – Tiles)",
			"The composite tileset of every layer (cities, counties, zones, regions, labels, province), with the filter contract.", tileFilterParams(),
			jsonResponse("Tilesets.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/tiles/{tileMatrixSetId}": op("datasetTileset", "Tileset metadata (OGC 2D TMS 2.0)",
			"Layers with their properties, tileMatrixSetLimits over Henan, the tile URL template (rel item) and the tiling scheme.", append([]obj{tmsParam}, tileFilterParams()...),
			jsonResponse("Tileset.", ContentTypeJSON), "304", "400", "404", "406"),
		Prefix + "/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": op("datasetTile", "A tile of the dataset tileset", tileDesc,
			append(append([]obj{tmsParam}, tileParams...), tileFilterParams()...), mvt, "204", "304", "400", "404"),
		Prefix + "/collections/{collectionId}/tiles": op("collectionTilesets", "Vector tilesets of a collection",
			"cities, counties, zones and regions: tiles holding that collection's layer only.", append([]obj{collParam}, tileFilterParams()...),
			jsonResponse("Tilesets.", ContentTypeJSON), "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/tiles/{tileMatrixSetId}": op("collectionTileset", "Tileset metadata of a collection", "",
			append([]obj{collParam, tmsParam}, tileFilterParams()...), jsonResponse("Tileset.", ContentTypeJSON), "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}": op("collectionTile", "A tile of a collection",
			tileDesc+" Only the collection's layer, its features exactly the composite tile's.",
			append(append([]obj{collParam, tmsParam}, tileParams...), tileFilterParams()...), mvt, "204", "304", "400", "404"),
	}
	return paths
}

// tileFieldSchema is the propertiesSchema entry of a tile field (OGC API
// Tiles: a JSON Schema per property): its type as tiles carry it (a list
// is a "|a|b|" string), title "中文 / English", description and, for a
// number with a unit, x-ogc-unit (the unit keyword of OGC API Features
// Part 5, which OGC API Tiles' schema does not define itself).
func tileFieldSchema(vl tiles.VectorLayer, name string) obj {
	s := obj{"type": strings.ToLower(vl.Types[name])}
	d, ok := vl.Defs[name]
	if !ok {
		return s
	}
	if d.TitleEN != "" {
		s["title"] = d.TitleZH + " / " + d.TitleEN
	}
	desc := d.Description
	if d.Type == geo.TypeArray {
		desc = strings.TrimSpace(desc + " A list written \"|a|b|\" in tiles.")
	}
	if desc != "" {
		s["description"] = desc
	}
	if d.Unit != "" {
		s["x-ogc-unit"] = d.Unit
	}
	if len(d.Enum) > 0 {
		s["enum"] = d.Enum
	}
	return s
}
