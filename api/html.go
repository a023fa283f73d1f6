package api

import (
	"bytes"
	"embed"
	"fmt"
	"html/template"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// HTML representation (OGC API Features Part 1, conformance class html):
// every resource of the features API is also a server-rendered page, chosen
// by f=html or by an Accept header that prefers text/html (a browser's
// does; curl's */* and GIS clients' JSON types keep JSON, the default).
// Pages are html/template, so every value is escaped for its context (text,
// attribute, URL); labels are Chinese with English beside them. Pages load
// nothing from elsewhere (inline CSS only; CSP default-src 'none').

//go:embed templates/*.html
var templateFS embed.FS

var pages = template.Must(template.ParseFS(templateFS, "templates/*.html"))

// ContentTypeHTMLUTF8 is the Content-Type of the pages.
const ContentTypeHTMLUTF8 = "text/html; charset=utf-8"

// htmlCSP keeps the pages inert: no scripts, no fetches, inline styles only.
const htmlCSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; base-uri 'none'; form-action 'none'"

// htmlPage is what every template gets: the layout's parts and Body, the
// page's own data.
type htmlPage struct {
	Title, TitleEN string
	Crumbs         []Link
	Alternates     []Link // other representations of this resource
	MapHref        string // the web map at this resource, when there is one
	Version        string
	Body           any
}

func (s *server) sendHTML(c *fiber.Ctx, name string, p htmlPage) error {
	p.Version = s.cfg.Version
	var buf bytes.Buffer
	if err := pages.ExecuteTemplate(&buf, name, p); err != nil {
		return fmt.Errorf("api: rendering the %s page: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, ContentTypeHTMLUTF8)
	c.Set(fiber.HeaderContentSecurityPolicy, htmlCSP)
	return c.Send(buf.Bytes())
}

// docFormats are the f values of documents offered as JSON and HTML.
var docFormats = map[string]string{"json": ContentTypeJSON, "html": ContentTypeHTML}

// docType reads the f parameter (json or html), the only one these routes
// take, and negotiates JSON (the default) or HTML; 406 for anything else.
func docType(c *fiber.Ctx, jsonType string) (string, error) {
	q, err := queryValues(c)
	if err != nil {
		return "", err
	}
	if err := onlyParams(q, "f"); err != nil {
		return "", err
	}
	f := q.Get("f")
	if _, ok := docFormats[f]; f != "" && !ok {
		return "", geo.FieldErrors{{Field: "f", Reason: "must be json or html, got " + quoteClip(f)}}
	}
	formats := map[string]string{"json": jsonType, "html": ContentTypeHTML}
	offers := []string{jsonType, ContentTypeHTML}
	if jsonType != ContentTypeJSON {
		offers = []string{jsonType, ContentTypeJSON, ContentTypeHTML}
	}
	return negotiate(c, f, formats, offers...)
}

// withF adds f=v to href's query.
func withF(href, v string) string {
	sep := "?"
	if strings.Contains(href, "?") {
		sep = "&"
	}
	return href + sep + "f=" + v
}

// alternates are the JSON and HTML links of a document at href.
func alternates(href, jsonType string) []Link {
	return []Link{
		{Href: withF(href, "json"), Rel: "alternate", Type: jsonType, Title: "JSON"},
		{Href: withF(href, "html"), Rel: "alternate", Type: ContentTypeHTML, Title: "HTML"},
	}
}

// crumbs is the breadcrumb trail from the landing page.
func crumbs(c *fiber.Ctx, more ...Link) []Link {
	return append([]Link{{Href: withF(base(c), "html"), Title: "layoutmap"}}, more...)
}

func collectionsCrumb(c *fiber.Ctx) Link {
	return Link{Href: withF(base(c)+"/collections", "html"), Title: "要素集合 Collections"}
}

func (s *server) landingHTML(c *fiber.Ctx, title, desc string, links []Link) error {
	b := base(c)
	return s.sendHTML(c, "landing", htmlPage{
		Title: "河南省产业布局", TitleEN: title,
		Crumbs:     crumbs(c),
		Alternates: alternates(b, ContentTypeJSON)[:1],
		MapHref:    s.mapBase(c),
		Body: struct {
			Description, Collections, Conformance, API string
			Links                                      []Link
		}{desc, withF(b+"/collections", "html"), withF(b+"/conformance", "html"), withF(b+"/openapi.json", "html"), links},
	})
}

func (s *server) conformanceHTML(c *fiber.Ctx) error {
	return s.sendHTML(c, "conformance", htmlPage{
		Title: "符合性声明", TitleEN: "Conformance",
		Crumbs:     crumbs(c),
		Alternates: alternates(base(c)+"/conformance", ContentTypeJSON)[:1],
		Body:       s.conformsTo(),
	})
}

// collectionRow is one collection on the collections and collection pages.
type collectionRow struct {
	Doc                                              collectionDoc
	Href, ItemsHTML, ItemsJSON, ItemsCSV, Queryables string
	CRS                                              []struct{ URI, ZH, EN string }
}

func newCollectionRow(c *fiber.Ctx, d collectionDoc) collectionRow {
	b := base(c) + "/collections/" + url.PathEscape(d.ID)
	r := collectionRow{Doc: d, Href: withF(b, "html"), ItemsHTML: withF(b+"/items", "html"), ItemsJSON: b + "/items", ItemsCSV: withF(b+"/items", "csv"), Queryables: withF(b+"/queryables", "html")}
	for _, uri := range d.CRS {
		n := d.CRSNotes[uri]
		r.CRS = append(r.CRS, struct{ URI, ZH, EN string }{uri, n["zh"], n["en"]})
	}
	return r
}

func (s *server) collectionsHTML(c *fiber.Ctx, docs []collectionDoc) error {
	rows := make([]collectionRow, len(docs))
	for i, d := range docs {
		rows[i] = newCollectionRow(c, d)
	}
	return s.sendHTML(c, "collections", htmlPage{
		Title: "要素集合", TitleEN: "Collections",
		Crumbs:     crumbs(c),
		Alternates: alternates(base(c)+"/collections", ContentTypeJSON)[:1],
		MapHref:    s.mapBase(c),
		Body:       rows,
	})
}

func (s *server) collectionHTML(c *fiber.Ctx, d collectionDoc) error {
	return s.sendHTML(c, "collection", htmlPage{
		Title: d.Title, TitleEN: d.TitleEN,
		Crumbs:     crumbs(c, collectionsCrumb(c)),
		Alternates: alternates(base(c)+"/collections/"+url.PathEscape(d.ID), ContentTypeJSON)[:1],
		MapHref:    s.mapBase(c),
		Body:       newCollectionRow(c, d),
	})
}

// htmlCell is one value on a page: text, and whether it is a number
// (right-aligned).
type htmlCell struct {
	Text string
	Num  bool
}

// cellOf writes a property value for a page: numbers as JSON writes them,
// lists joined by commas, objects as JSON; absent is empty (unknown stays
// unknown, never "null" or 0).
func cellOf(v any) htmlCell {
	switch v := v.(type) {
	case nil:
		return htmlCell{}
	case string:
		return htmlCell{Text: v}
	case float64:
		return htmlCell{Text: strconv.FormatFloat(v, 'f', -1, 64), Num: true}
	case int, int64:
		return htmlCell{Text: fmt.Sprint(v), Num: true}
	case bool:
		return htmlCell{Text: strconv.FormatBool(v)}
	case []string:
		return htmlCell{Text: strings.Join(v, ", ")}
	}
	b, err := marshalJSON(v)
	if err != nil {
		return htmlCell{Text: fmt.Sprint(v)}
	}
	s := string(b)
	if strings.HasPrefix(s, "[") && !strings.Contains(s, "{") {
		s = strings.NewReplacer(`","`, ", ", `["`, "", `"]`, "", "[", "", "]", "").Replace(s)
	}
	return htmlCell{Text: s}
}

// htmlColumns are the columns of an items table: the collection's CSV
// fields (csvFields, from its field table) less the point and the source,
// with their titles and units.
func htmlColumns(coll string) []geo.Field {
	var out []geo.Field
	for _, f := range csvFields(geo.Schemas[coll]) {
		if f.Name == "lat" || f.Name == "lon" || f.Name == "source" {
			continue
		}
		out = append(out, f)
	}
	return out
}

// mapBase is the web map's address, "" when the server has no web map.
func (s *server) mapBase(c *fiber.Ctx) string {
	if !s.hasWeb {
		return ""
	}
	return siteBase(c) + "/"
}

// mapHref is the web map at a feature: a zone selected (its card open), a
// city filtered, a region outlined, a county centred; "" without a web map.
func (s *server) mapHref(c *fiber.Ctx, coll string, f geo.Feature) string {
	m := s.mapBase(c)
	if m == "" {
		return ""
	}
	q := url.Values{}
	switch coll {
	case "zones":
		q.Set("zone", f.ID)
	case "cities":
		q.Set("city", f.ID)
	case "regions":
		q.Set("region", f.ID)
		q.Set("overlay", f.ID)
	default:
		lon, lat, ok := featurePoint(f)
		if !ok {
			return m
		}
		q.Set("center", string(appendCoord(nil, lon))+","+string(appendCoord(nil, lat)))
		q.Set("zoom", "9")
	}
	return m + "?" + strings.ReplaceAll(q.Encode(), "%2C", ",")
}

type itemRow struct {
	ID, Href, MapHref string
	Cells             []htmlCell
}

// mixedYearsNote is the items page's warning when zones are ranked by
// revenue with no year: each zone's latest figure decides its place, so
// the ranking compares years; it names the years on the page and links the
// same query for the latest of them. Empty when the page uses one year.
func mixedYearsNote(coll string, f geo.Filter, fs []geo.Feature, self string) (note, href string) {
	if coll != geo.CollZones || f.Year != 0 || !geo.Schemas[coll].Order(f.SortBy).ByHeadline() {
		return "", ""
	}
	years := map[int]bool{}
	for _, ft := range fs {
		if y, ok := ft.Properties["revenue_year"].(int); ok {
			years[y] = true
		}
	}
	if len(years) < 2 {
		return "", ""
	}
	ys := slices.Sorted(maps.Keys(years))
	lo, hi := ys[0], ys[len(ys)-1]
	note = fmt.Sprintf("按各园区最新年份的数字排序，本页混合了 %d–%d 年的数字。Ranked by each zone's latest figure: this page mixes figures of %d–%d.", lo, hi, lo, hi)
	if u, err := url.Parse(self); err == nil {
		q := u.Query()
		q.Set("year", strconv.Itoa(hi))
		q.Del("offset")
		u.RawQuery = q.Encode()
		href = withF(u.String(), "html")
	}
	return note, href
}

func (s *server) itemsHTML(c *fiber.Ctx, coll string, f geo.Filter, fs []geo.Feature, matched int, links []Link, yn yearNote) error {
	cols := htmlColumns(coll)
	b := base(c) + "/collections/" + url.PathEscape(coll)
	rows := make([]itemRow, len(fs))
	for i, f := range fs {
		r := itemRow{ID: f.ID, Href: withF(b+"/items/"+url.PathEscape(f.ID), "html"), MapHref: s.mapHref(c, coll, f)}
		for _, col := range cols {
			r.Cells = append(r.Cells, cellOf(f.Properties[col.Name]))
		}
		rows[i] = r
	}
	var next, prev, self string
	for _, l := range links {
		switch l.Rel {
		case "next":
			next = withF(l.Href, "html")
		case "prev":
			prev = withF(l.Href, "html")
		case "self":
			self = l.Href
		}
	}
	cs := geo.Schemas[coll]
	note, noteHref := mixedYearsNote(coll, f, fs, self)
	return s.sendHTML(c, "items", htmlPage{
		Title: cs.TitleZH + " · 要素", TitleEN: cs.TitleEN + " · items",
		Crumbs: crumbs(c, collectionsCrumb(c), Link{Href: withF(b, "html"), Title: cs.TitleZH + " " + cs.TitleEN}),
		Alternates: []Link{
			{Href: withF(self, "json"), Rel: "alternate", Type: ContentTypeGeoJSON, Title: "GeoJSON"},
			{Href: withF(self, "csv"), Rel: "alternate", Type: ContentTypeCSV, Title: "CSV"},
		},
		MapHref: s.mapBase(c),
		Body: struct {
			Matched, Returned int
			Next, Prev        string
			Note, NoteHref    string
			YearNote          yearNote
			Columns           []geo.Field
			Rows              []itemRow
		}{matched, len(fs), next, prev, note, noteHref, yn, cols, rows},
	})
}

// propRow is one property on an item page.
type propRow struct {
	TitleZH, TitleEN, Unit string
	htmlCell
}

func (s *server) itemHTML(c *fiber.Ctx, coll string, f geo.Feature) error {
	cs := geo.Schemas[coll]
	var props []propRow
	seen := map[string]bool{}
	for _, fd := range cs.Fields {
		if v, ok := f.Properties[fd.Name]; ok && v != nil {
			props = append(props, propRow{fd.TitleZH, fd.TitleEN + " · " + fd.Name, fd.Unit, cellOf(v)})
			seen[fd.Name] = true
		}
	}
	// A property the field table does not name yet still shows.
	for _, k := range sortedKeys(f.Properties) {
		if !seen[k] && f.Properties[k] != nil {
			props = append(props, propRow{k, k, "", cellOf(f.Properties[k])})
		}
	}
	geom := "—（无几何 / no geometry）"
	if f.Geometry != nil {
		geom = f.Geometry.GeoJSONType()
		if p, ok := f.Geometry.(orb.Point); ok {
			geom += fmt.Sprintf(" %s, %s (lon, lat)", appendCoord(nil, p[0]), appendCoord(nil, p[1]))
		}
	}
	b := base(c) + "/collections/" + url.PathEscape(coll)
	self := b + "/items/" + url.PathEscape(f.ID)
	name, _ := f.Properties["name"].(string)
	nameEN, _ := f.Properties["name_en"].(string)
	if name == "" {
		name = f.ID
	}
	return s.sendHTML(c, "item", htmlPage{
		Title: name, TitleEN: nameEN,
		Crumbs: crumbs(c, collectionsCrumb(c), Link{Href: withF(b, "html"), Title: cs.TitleZH + " " + cs.TitleEN},
			Link{Href: withF(b+"/items", "html"), Title: "要素 Items"}),
		Alternates: []Link{
			{Href: withF(self, "json"), Rel: "alternate", Type: ContentTypeGeoJSON, Title: "GeoJSON"},
			{Href: withF(self, "csv"), Rel: "alternate", Type: ContentTypeCSV, Title: "CSV"},
		},
		MapHref: s.mapHref(c, coll, f),
		Body: struct {
			ID, Geometry string
			Props        []propRow
		}{f.ID, geom, props},
	})
}

// fieldsHTML is the page of a collection's schema or queryables: the field
// table itself.
func (s *server) fieldsHTML(c *fiber.Ctx, cs geo.CollectionSchema, what string, queryableOnly bool) error {
	var fields []geo.Field
	for _, f := range cs.Fields {
		if !queryableOnly || f.Queryable {
			fields = append(fields, f)
		}
	}
	b := base(c) + "/collections/" + url.PathEscape(cs.ID)
	title, note := "要素结构", "每个属性的类型、单位与含义。Every property with its type, unit and meaning."
	titleEN := "Schema"
	if queryableOnly {
		title, titleEN, note = "可查询属性", "Queryables", "filter（CQL2）可用的属性，另有几何 geometry。The properties a CQL2 filter may name, besides geometry."
	}
	return s.sendHTML(c, "fields", htmlPage{
		Title: cs.TitleZH + " · " + title, TitleEN: cs.TitleEN + " · " + titleEN,
		Crumbs:     crumbs(c, collectionsCrumb(c), Link{Href: withF(b, "html"), Title: cs.TitleZH + " " + cs.TitleEN}),
		Alternates: []Link{{Href: withF(b+"/"+what, "json"), Rel: "alternate", Type: ContentTypeSchema, Title: "JSON Schema"}},
		Body: struct {
			Note   string
			Fields []geo.Field
		}{note, fields},
	})
}

// openAPIPath is one route on the API definition page.
type openAPIPath struct {
	Path, Summary, Description string
	Params, Codes              []string
}

func (s *server) openapiHTML(c *fiber.Ctx, doc obj) error {
	var paths []openAPIPath
	ps, _ := doc["paths"].(obj)
	for _, p := range sortedKeys(ps) {
		item, _ := ps[p].(obj)
		get, _ := item["get"].(obj)
		row := openAPIPath{Path: p}
		if srv, ok := item["servers"].([]obj); ok && len(srv) > 0 {
			row.Path = fmt.Sprint(srv[0]["url"]) + p
		}
		row.Summary, _ = get["summary"].(string)
		row.Description, _ = get["description"].(string)
		params, _ := get["parameters"].([]obj)
		for _, pa := range params {
			row.Params = append(row.Params, fmt.Sprint(pa["name"]))
		}
		rs, _ := get["responses"].(obj)
		row.Codes = sortedKeys(rs)
		slices.Sort(row.Codes)
		paths = append(paths, row)
	}
	slices.SortFunc(paths, func(a, b openAPIPath) int { return strings.Compare(a.Path, b.Path) })
	info, _ := doc["info"].(obj)
	desc, _ := info["description"].(string)
	return s.sendHTML(c, "openapi", htmlPage{
		Title: "API 定义", TitleEN: "API definition (OpenAPI 3.0)",
		Crumbs:     crumbs(c),
		Alternates: []Link{{Href: base(c) + "/openapi.json", Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "OpenAPI 3.0 JSON"}},
		Body: struct {
			Description string
			Paths       []openAPIPath
		}{desc, paths},
	})
}
