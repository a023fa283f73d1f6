package api

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// Link is an OGC API / RFC 8288 web link.
type Link struct {
	Href      string `json:"href"`
	Rel       string `json:"rel"`
	Type      string `json:"type,omitempty"`
	Title     string `json:"title,omitempty"`
	Templated bool   `json:"templated,omitempty"`
}

// Media types of the JSON documents.
const (
	ContentTypeJSON    = "application/json"
	ContentTypeOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// Conformance classes of OGC API Features Part 1 this API implements.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/filter",
	"http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/features-filter",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-text",
	"http://www.opengis.net/spec/cql2/1.0/conf/cql2-json",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-cql2",
	"http://www.opengis.net/spec/cql2/1.0/conf/advanced-comparison-operators",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions",
	"http://www.opengis.net/spec/cql2/1.0/conf/basic-spatial-functions-plus",
}

// base is the URL of the features API as this request's client sees it
// (see baseMiddleware).
func base(c *fiber.Ctx) string { return siteBase(c) + Prefix }

func (s *server) landing(c *fiber.Ctx) error {
	ctype, err := docType(c, ContentTypeJSON)
	if err != nil {
		return err
	}
	b := base(c)
	links := []Link{
		{Href: b, Rel: "self", Type: ContentTypeJSON, Title: "this document"},
		{Href: withF(b, "html"), Rel: "alternate", Type: ContentTypeHTML, Title: "this document as HTML"},
		{Href: b + "/openapi.json", Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "the API definition"},
		{Href: b + "/conformance", Rel: "conformance", Type: ContentTypeJSON, Title: "conformance classes"},
		{Href: b + "/collections", Rel: "data", Type: ContentTypeJSON, Title: "feature collections"},
		{Href: b + "/clusters", Rel: "related", Type: ContentTypeJSON, Title: "industry clusters (7+28+N)"},
		{Href: b + "/chains", Rel: "related", Type: ContentTypeJSON, Title: "key industrial chains"},
		{Href: b + "/regions", Rel: "related", Type: ContentTypeJSON, Title: "planning regions"},
	}
	if len(s.stats) > 0 {
		links = append(links, Link{Href: b + "/stats", Rel: "related", Type: ContentTypeJSON, Title: "statistics (index of the statistics routes)"})
	}
	if s.hasTiles {
		site := siteBase(c)
		links = append(links,
			Link{Href: b + "/tiles", Rel: relTilesetsVector, Type: ContentTypeJSON, Title: "vector tilesets (OGC API – Tiles)"},
			Link{Href: b + "/tileMatrixSets", Rel: relTileMatrixSets, Type: ContentTypeJSON, Title: "tile matrix sets"},
			Link{Href: site + "/tiles/layout.json", Rel: "related", Type: ContentTypeJSON, Title: "vector tiles of every collection (TileJSON 3.0)"},
			Link{Href: site + "/tiles/{z}/{x}/{y}.mvt", Rel: "item", Type: ContentTypeMVT, Title: "vector tile (MVT 2.1, XYZ scheme, zoom 0-16)", Templated: true},
			Link{Href: site + "/styles/layout.json", Rel: "stylesheet", Type: ContentTypeJSON, Title: "MapLibre style of the web map"},
		)
	}
	const title = "layoutmap: Henan industrial layout"
	const desc = "Development zones, industry clusters (7+28+N) and planning regions of Henan province, China, as OGC API Features."
	if ctype == ContentTypeHTML {
		return s.landingHTML(c, title, desc, links)
	}
	return c.JSON(fiber.Map{
		"title":       title,
		"description": desc,
		"version":     s.cfg.Version,
		"links":       links,
	})
}

func (s *server) conformance(c *fiber.Ctx) error {
	ctype, err := docType(c, ContentTypeJSON)
	if err != nil {
		return err
	}
	if ctype == ContentTypeHTML {
		return s.conformanceHTML(c)
	}
	return c.JSON(fiber.Map{"conformsTo": s.conformsTo()})
}

// noParams rejects any query parameter on routes that take none, and an
// Accept header that does not allow JSON (406): these documents are JSON.
func (s *server) noParams(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q); err != nil {
		return err
	}
	return acceptJSON(c)
}

// collectionDoc is one collection as OGC API Features describes it.
type collectionDoc struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	TitleEN     string   `json:"title_en,omitempty"`
	Description string   `json:"description,omitempty"`
	ItemType    string   `json:"itemType"`
	Extent      *extent  `json:"extent,omitempty"`
	CRS         []string `json:"crs"`
	StorageCRS  string   `json:"storageCrs"`
	// CRSNotes explains each CRS (axis order, CGCS2000) in zh and en.
	CRSNotes       map[string]map[string]string `json:"crs_notes"`
	ItemCount      int                          `json:"item_count"`
	GeomQuality    string                       `json:"geom_quality,omitempty"`
	DatasetVersion int64                        `json:"dataset_version"`
	Links          []Link                       `json:"links"`
}

type extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
}

const crs84 = CRS84

func (s *server) collectionDoc(c *fiber.Ctx, col geo.Collection) collectionDoc {
	b := base(c) + "/collections/" + url.PathEscape(col.ID)
	d := collectionDoc{
		ID: col.ID, Title: col.Title, TitleEN: col.TitleEN, Description: col.Description,
		ItemType: "feature", CRS: crsURIs(), StorageCRS: CRS84, CRSNotes: crsNotes(), ItemCount: col.ItemCount,
		GeomQuality: col.GeomQuality, DatasetVersion: col.DatasetVersion,
		Links: []Link{
			{Href: b, Rel: "self", Type: ContentTypeJSON, Title: "this collection"},
			{Href: b + "?f=html", Rel: "alternate", Type: ContentTypeHTML, Title: "this collection as HTML"},
			{Href: b + "/items", Rel: "items", Type: ContentTypeGeoJSON, Title: "items as GeoJSON"},
			{Href: b + "/items?f=csv", Rel: "items", Type: ContentTypeCSV, Title: "items as CSV"},
			// Both spellings: link relations compare case-insensitively
			// (RFC 8288 §2.1.1), but GDAL 3.6 (Debian 12's gdal-bin) matches
			// "describedBy" exactly and otherwise guesses the fields from
			// the first page, dropping the revenue fields (issue 11 case 1).
			{Href: b + "/schema", Rel: "describedby", Type: ContentTypeSchema, Title: "JSON Schema of the features"},
			{Href: b + "/schema", Rel: "describedBy", Type: ContentTypeSchema, Title: "JSON Schema of the features (the spelling GDAL 3.6 looks for)"},
			{Href: b + "/queryables", Rel: relQueryables, Type: ContentTypeSchema, Title: "queryable properties"},
		},
	}
	if s.hasTiles && slices.Contains(tileCollections, col.ID) {
		d.Links = append(d.Links, Link{Href: b + "/tiles", Rel: relTilesetsVector, Type: ContentTypeJSON, Title: "vector tilesets of this collection (OGC API – Tiles)"})
	}
	if col.Extent != (orb.Bound{}) {
		e := &extent{}
		e.Spatial.BBox = [][4]float64{{round6(col.Extent.Min[0]), round6(col.Extent.Min[1]), round6(col.Extent.Max[0]), round6(col.Extent.Max[1])}}
		e.Spatial.CRS = crs84
		d.Extent = e
	}
	return d
}

func round6(x float64) float64 {
	v, _ := strconv.ParseFloat(string(appendCoord(nil, x)), 64)
	return v
}

func (s *server) collections(c *fiber.Ctx) error {
	ctype, err := docType(c, ContentTypeJSON)
	if err != nil {
		return err
	}
	cols, err := s.cfg.Store.Collections(c.UserContext())
	if err != nil {
		return fmt.Errorf("api: collections: %w", err)
	}
	docs := make([]collectionDoc, 0, len(cols))
	for _, col := range cols {
		docs = append(docs, s.collectionDoc(c, col))
	}
	if ctype == ContentTypeHTML {
		return s.collectionsHTML(c, docs)
	}
	b := base(c)
	return c.JSON(fiber.Map{
		"links": []Link{
			{Href: b + "/collections", Rel: "self", Type: ContentTypeJSON, Title: "this document"},
			{Href: b + "/collections?f=html", Rel: "alternate", Type: ContentTypeHTML, Title: "this document as HTML"},
		},
		"collections": docs,
	})
}

// knownCollection is a 404 naming the collection and the registry's
// collections unless name is one of them (geo.Registry).
func knownCollection(name string) error {
	if _, ok := geo.LookupCollection(name); !ok {
		return &notFoundError{fmt.Sprintf("no collection %s; collections: %s", quoteClip(name), strings.Join(geo.CollectionNames, ", "))}
	}
	return nil
}

// findCollection returns the collection named by the :coll path parameter,
// or a 404 naming it.
func (s *server) findCollection(ctx context.Context, name string) (geo.Collection, error) {
	if err := knownCollection(name); err != nil {
		return geo.Collection{}, err
	}
	cols, err := s.cfg.Store.Collections(ctx)
	if err != nil {
		return geo.Collection{}, fmt.Errorf("api: collections: %w", err)
	}
	for _, col := range cols {
		if col.ID == name {
			return col, nil
		}
	}
	return geo.Collection{}, &notFoundError{fmt.Sprintf("no collection %s in this store", quoteClip(name))}
}

func (s *server) collection(c *fiber.Ctx) error {
	ctype, err := docType(c, ContentTypeJSON)
	if err != nil {
		return err
	}
	col, err := s.findCollection(c.UserContext(), c.Params("coll"))
	if err != nil {
		return err
	}
	if ctype == ContentTypeHTML {
		return s.collectionHTML(c, s.collectionDoc(c, col))
	}
	return c.JSON(s.collectionDoc(c, col))
}

// itemsQuery is a parsed items request.
type itemsQuery struct {
	filter geo.Filter
	format string
	// crs is the output CRS (crs parameter); linkParams are the crs,
	// bbox-crs and bbox as given, which links repeat.
	crs        crsDef
	linkParams url.Values
}

// itemsOwnParams are the items parameters beyond the filter contract and
// paging (crs and bbox-crs are taken out by crsParams first).
var itemsOwnParams = []string{"f", "crs", "bbox-crs"}

// parseItems reads an items query string: the filter contract with paging,
// plus f. It is the whole of the items parameter parsing, free of Fiber so
// the fuzz test can drive it directly as well as through the handler.
func parseItems(coll string, q url.Values) (itemsQuery, error) {
	link := url.Values{}
	for _, k := range []string{"crs", "bbox-crs"} {
		if v := q.Get(k); v != "" {
			link.Set(k, v)
		}
	}
	if link.Has("bbox-crs") && q.Get("bbox") != "" {
		link.Set("bbox", q.Get("bbox"))
	}
	out, bbox, crsErrs := crsParams(q)
	propExpr, props, q, propErrs := geo.PropertyFilter(coll, q, itemsOwnParams...)
	f, err := geo.ParseFilterCRS(q, true, filterCoords, itemsOwnParams...)
	fes, _ := geo.AsFieldErrors(err)
	for i, fe := range fes {
		if fe.Field == "filter-crs" {
			if _, ok := lookupCRS(q.Get("filter-crs")); !ok {
				fes[i] = crsError("filter-crs", q.Get("filter-crs")) // the same answer as crs and bbox-crs
			}
		}
	}
	fes = append(append(crsErrs, propErrs...), fes...)
	geo.DraftCompat(coll, f.CQL)
	f.WithProperties(propExpr, props)
	if bbox != nil {
		f.BBox = bbox
	}
	if err != nil && fes == nil {
		return itemsQuery{}, fmt.Errorf("api: parsing filter: %w", err)
	}
	form, ferr := format(q)
	if ferr != nil {
		more, _ := geo.AsFieldErrors(ferr)
		fes = append(fes, more...)
	}
	if len(fes) > 0 {
		return itemsQuery{}, fes
	}
	return itemsQuery{filter: f, format: form, crs: out, linkParams: link}, nil
}

// items answers /collections/{coll}/items in every format: parse and
// negotiate, one store query, then headers and the body of the format.
func (s *server) items(c *fiber.Ctx) error {
	coll, iq, ctype, err := itemsRequest(c)
	if err != nil {
		return err
	}
	page, err := s.cfg.Store.Items(c.UserContext(), coll, iq.filter)
	if err != nil {
		return fmt.Errorf("api: items %s: %w", coll, err)
	}
	links := itemsLinks(base(c)+"/collections/"+coll+"/items", iq.filter, iq.linkParams, len(page.Features), page.NumberMatched)
	note, err := s.itemsYearNote(c, coll, iq.filter.Year)
	if err != nil {
		return err
	}
	setItemsCRS(c, ctype, iq.crs)
	setPageLinks(c, ctype, links)
	switch ctype {
	case mediaCSV:
		return s.sendCSV(c, geo.Schemas[coll], coll, page.Features)
	case mediaXLSX:
		return s.sendXLSX(c, geo.Schemas[coll], coll, iq.filter.Encode().Encode(), page.Features, note.xlsxNotes()...)
	case ContentTypeHTML:
		return s.itemsHTML(c, coll, iq.filter, page.Features, page.NumberMatched, links, note)
	}
	return s.sendItemsGeoJSON(c, ctype, coll, iq.crs, page, links, note)
}

// itemsRequest reads an items request: the collection (404 when unknown),
// the parsed query and the negotiated media type.
func itemsRequest(c *fiber.Ctx) (coll string, iq itemsQuery, ctype string, err error) {
	coll = c.Params("coll")
	if err = knownCollection(coll); err != nil {
		return
	}
	q, err := queryValues(c)
	if err != nil {
		return
	}
	if iq, err = parseItems(coll, q); err != nil {
		return
	}
	ctype, err = negotiate(c, iq.format, featureFormats, featureOffers...)
	return
}

// itemsYearNote is the enterprise year rule's note for the year asked,
// set as headers (every format says so when the list in force does not
// describe that year: year selects none); empty for other collections.
func (s *server) itemsYearNote(c *fiber.Ctx, coll string, year int) (yearNote, error) {
	if coll != geo.CollEnterprises {
		return yearNote{}, nil
	}
	note, err := enterpriseYearNote(c.UserContext(), s.cfg.Store, year)
	if err != nil {
		return yearNote{}, err
	}
	note.setHeaders(c)
	return note, nil
}

// setItemsCRS sets Content-Crs, the CRS of the coordinates a response
// carries (OGC API Features Part 2 /req/crs/ogc-crs-header): GeoJSON's are
// in crs; CSV and XLSX have no geometry, only lat/lon columns, which stay
// WGS 84 degrees whatever crs asks; the HTML table shows no coordinates,
// so it has no Content-Crs.
func setItemsCRS(c *fiber.Ctx, ctype string, crs crsDef) {
	switch ctype {
	case mediaCSV, mediaXLSX:
		c.Set(HeaderContentCRS, crsList[0].header())
	case ContentTypeHTML:
	default:
		c.Set(HeaderContentCRS, crs.header())
	}
}

// setPageLinks sets the RFC 8288 Link header with next/prev for CSV
// clients, which have no body member to find them in (JSON clients get
// them too), each in the response's format.
func setPageLinks(c *fiber.Ctx, ctype string, links []Link) {
	var hdr []string
	for _, l := range links {
		if l.Rel == "next" || l.Rel == "prev" {
			href := l.Href
			switch ctype {
			case mediaCSV:
				href += "&f=csv"
			case mediaXLSX:
				href += "&f=xlsx"
			}
			hdr = append(hdr, "<"+href+`>; rel="`+l.Rel+`"`)
		}
	}
	if len(hdr) > 0 {
		c.Set(fiber.HeaderLink, strings.Join(hdr, ", "))
	}
}

// sendItemsGeoJSON writes a GeoJSON items page, its coordinates in crs:
// streamed from the stores' encodings when large (streamItems), else
// built in memory.
func (s *server) sendItemsGeoJSON(c *fiber.Ctx, ctype, coll string, crs crsDef, page geo.Page, links []Link, note yearNote) error {
	features := crs.features(page.Features)
	fc := featureCollection{
		NumberMatched:  page.NumberMatched,
		NumberReturned: len(page.Features),
		TimeStamp:      s.cfg.Now().UTC().Format(time.RFC3339),
		Links:          links,
		Members:        note.members,
	}
	if streamedPage(c, features) {
		return s.streamItems(c, ctype, fc, features)
	}
	size := 4096 // links and members; then the kept encodings, which dominate
	for i := range features {
		size += 64 + len(features[i].ID) + len(features[i].GeometryJSON) + len(features[i].PropertiesJSON)
	}
	body, err := appendFeatureCollection(make([]byte, 0, size), fc, features)
	if err != nil {
		return fmt.Errorf("api: encoding items %s: %w", coll, err)
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(body)
}

// itemsLinks builds self, alternate (CSV), next and prev links that repeat
// the filter in canonical form, so following next pages through exactly the
// same query; params (crs, bbox-crs with its bbox) are repeated as given.
func itemsLinks(href string, f geo.Filter, params url.Values, returned, matched int) []Link {
	at := func(offset int, csv bool) string {
		q := f.Encode()
		for k, v := range params {
			q[k] = v
		}
		q.Set("limit", strconv.Itoa(f.Limit))
		if offset > 0 {
			q.Set("offset", strconv.Itoa(offset))
		}
		if f.SortBy != "" {
			q.Set("sortby", f.SortBy)
		}
		if csv {
			q.Set("f", "csv")
		}
		// Commas separate list values; leaving them unescaped keeps links readable.
		return href + "?" + strings.ReplaceAll(q.Encode(), "%2C", ",")
	}
	links := []Link{
		{Href: at(f.Offset, false), Rel: "self", Type: ContentTypeGeoJSON, Title: "this page"},
		{Href: at(f.Offset, true), Rel: "alternate", Type: ContentTypeCSV, Title: "this page as CSV"},
		{Href: withF(at(f.Offset, false), "html"), Rel: "alternate", Type: ContentTypeHTML, Title: "this page as HTML"},
	}
	if f.Offset+returned < matched && returned > 0 {
		links = append(links, Link{Href: at(f.Offset+returned, false), Rel: "next", Type: ContentTypeGeoJSON, Title: "next page"})
	}
	if f.Offset > 0 {
		links = append(links, Link{Href: at(max(0, f.Offset-f.Limit), false), Rel: "prev", Type: ContentTypeGeoJSON, Title: "previous page"})
	}
	return links
}

func (s *server) item(c *fiber.Ctx) error {
	coll, id := c.Params("coll"), c.Params("id")
	if err := knownCollection(coll); err != nil {
		return err
	}
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	if err := onlyParams(q, "f", "crs"); err != nil {
		return err
	}
	out, _, crsErrs := crsParams(q)
	if len(crsErrs) > 0 {
		return crsErrs
	}
	form, err := format(q)
	if err != nil {
		return err
	}
	ctype, err := negotiate(c, form, featureFormats, featureOffers...)
	if err != nil {
		return err
	}
	f, err := s.cfg.Store.Item(c.UserContext(), coll, id)
	if err != nil {
		if isNotFound(err) {
			return &notFoundError{fmt.Sprintf("no item %s in collection %s", quoteClip(id), coll)}
		}
		return fmt.Errorf("api: item %s/%s: %w", coll, id, err)
	}
	if ctype == mediaCSV || ctype == ContentTypeHTML || ctype == mediaXLSX {
		c.Set(HeaderContentCRS, crsList[0].header()) // lat/lon columns, see items
	}
	switch ctype {
	case mediaCSV:
		return s.sendCSV(c, geo.Schemas[coll], coll+"-"+id, []geo.Feature{f})
	case mediaXLSX:
		return s.sendXLSX(c, geo.Schemas[coll], coll+"-"+id, "id="+id, []geo.Feature{f})
	}
	if ctype == ContentTypeHTML {
		return s.itemHTML(c, coll, f)
	}
	c.Set(HeaderContentCRS, out.header())
	f = out.features([]geo.Feature{f})[0]
	b := base(c) + "/collections/" + coll
	links := []Link{
		{Href: b + "/items/" + url.PathEscape(id) + crsQuery(out), Rel: "self", Type: ContentTypeGeoJSON, Title: "this feature"},
		{Href: withF(b+"/items/"+url.PathEscape(id), "html"), Rel: "alternate", Type: ContentTypeHTML, Title: "this feature as HTML"},
		{Href: b, Rel: "collection", Type: ContentTypeJSON, Title: "the collection"},
	}
	body, err := appendFeature(make([]byte, 0, 4096), f, map[string]any{"links": links})
	if err != nil {
		return fmt.Errorf("api: encoding item %s/%s: %w", coll, id, err)
	}
	c.Set(fiber.HeaderContentType, ctype)
	return c.Send(body)
}

func isNotFound(err error) bool { return errors.Is(err, data.ErrNotFound) }

// conformsTo is the conformance declaration: conformsTo, and OGC API –
// Tiles when the tile routes are mounted.
func (s *server) conformsTo() []string {
	if !s.hasTiles {
		return conformsTo
	}
	return slices.Concat(conformsTo, tilesConformance)
}
