package api

import (
	"fmt"
	"net/url"
	"slices"
	"strings"

	"github.com/gofiber/fiber/v2"

	"layoutmap/geo"
)

// GET /api/v1/stats: the index of the statistics routes mounted on this
// server (StatsRoutes, EnterpriseRoutes), each with its link, its title in
// both languages and what it counts. The index takes the parameters of any
// of them and carries each into the links of the routes that take it, so
// a planner who guesses the parent of /stats/tiers?year=2023 is one click
// from every statistic of the same selection; a parameter a route does not
// take is named under not_carried (enterprises carry no revenue; zones have
// no class), and a parameter a route needs but the request lacks under
// needs. JSON (default) or HTML (f=html or a browser's Accept).

// statsRoute describes one statistics route for the index.
type statsRoute struct {
	ID, Path           string
	TitleZH, TitleEN   string
	CountsZH, CountsEN string
	Params             []string // query parameters it takes besides f
	Needs              []string // of Params, those it requires
}

// zoneStatsParams are the filter contract of the zones' statistics
// (class and zone apply to enterprises only).
var zoneStatsParams = []string{"bbox", "city", "cluster", "chain", "region", "tier", "year", "measure", "min_revenue", "max_revenue"}

// statsRouteTable lists every statistics route in the index's order; the
// index shows those mounted (TestStatsIndexListsEveryRoute holds the
// table to the router).
var statsRouteTable = []statsRoute{
	{ID: "tiers", Path: "/stats/tiers", TitleZH: "营收分档", TitleEN: "Zones per revenue tier",
		CountsZH: "所选开发区按营收档计数（一个年份，含覆盖率），并核对2025年目标（豫政〔2023〕27号）",
		CountsEN: "the selected zones per revenue tier for one year (with coverage), and the 2025 target check (豫政〔2023〕27号)",
		Params:   zoneStatsParams},
	{ID: "clusters", Path: "/stats/clusters", TitleZH: "产业集群分布", TitleEN: "Cluster distribution",
		CountsZH: "所选开发区按产业集群和城市计数及营收合计（一个年份；一区两群则各计一次）",
		CountsEN: "the selected zones and their revenue per cluster and per city for one year (a zone of two clusters counts in both)",
		Params:   zoneStatsParams},
	{ID: "change", Path: "/stats/change", TitleZH: "两年变化", TitleEN: "Change between two years",
		CountsZH: "所选开发区从 from 年到 year 年的营收变化及变化类别计数（同一口径才比较）",
		CountsEN: "each selected zone's figure from the year from to year, and zones per change class (same measure family only)",
		Params:   append(slices.Clone(zoneStatsParams), "from"), Needs: []string{"year", "from"}},
	{ID: "enterprises", Path: "/stats/enterprises", TitleZH: "企业统计", TitleEN: "Enterprises",
		CountsZH: "所选企业按城市、开发区、产业集群、产业链和企业类别计数（年份不筛选企业）",
		CountsEN: "the selected enterprises per city, zone, cluster, chain and class (year selects no enterprise)",
		Params:   []string{"bbox", "city", "cluster", "chain", "region", "year", "class", "zone", "group"}},
}

// statsEntry is one route in the index.
type statsEntry struct {
	ID         string   `json:"id"`
	Href       string   `json:"href"`
	Title      string   `json:"title"`
	TitleEN    string   `json:"title_en"`
	Counts     string   `json:"counts"`
	CountsZH   string   `json:"counts_zh"`
	Params     []string `json:"params"`
	NotCarried []string `json:"not_carried,omitempty"`
	Needs      []string `json:"needs,omitempty"`
}

// statsIndexDoc is the index's JSON.
type statsIndexDoc struct {
	Title       string       `json:"title"`
	TitleEN     string       `json:"title_en"`
	Description string       `json:"description"`
	Statistics  []statsEntry `json:"statistics"`
	Links       []Link       `json:"links"`
}

// mountedStats are the routes of statsRouteTable the app serves.
func mountedStats(app *fiber.App) []statsRoute {
	var out []statsRoute
	for _, r := range statsRouteTable {
		for _, m := range app.GetRoutes() {
			if m.Method == fiber.MethodGet && m.Path == Prefix+r.Path {
				out = append(out, r)
				break
			}
		}
	}
	return out
}

func (s *server) statsIndex(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	allowed := []string{"f"}
	for _, r := range s.stats {
		for _, p := range r.Params {
			if !slices.Contains(allowed, p) {
				allowed = append(allowed, p)
			}
		}
	}
	if err := onlyParams(q, allowed...); err != nil {
		return err
	}
	// The values are checked as the routes check them: a bad year is a
	// 400 here, not on every link.
	filter := url.Values{}
	for k, v := range q {
		if k != "f" && k != "group" && k != "from" {
			filter[k] = v
		}
	}
	if _, err := geo.ParseFilter(filter, false); err != nil {
		return err
	}
	f := q.Get("f")
	if _, ok := docFormats[f]; f != "" && !ok {
		return geo.FieldErrors{{Field: "f", Reason: "must be json or html, got " + quoteClip(f)}}
	}
	ctype, err := negotiate(c, f, docFormats, ContentTypeJSON, ContentTypeHTML)
	if err != nil {
		return err
	}
	b := base(c)
	doc := statsIndexDoc{Title: "统计", TitleEN: "Statistics",
		Description: "Every statistics route of this server with its link; the request's parameters are carried into the links of the routes that take them (not_carried names the others, needs what a route still requires). 本服务的全部统计接口；请求中的参数带入接受它的接口链接。",
		Statistics:  []statsEntry{}}
	for _, r := range s.stats {
		doc.Statistics = append(doc.Statistics, statsEntryOf(b, r, q))
	}
	self := b + "/stats"
	if qs := encodeQuery(without(q, "f")); qs != "" {
		self += "?" + qs
	}
	doc.Links = []Link{
		{Href: self, Rel: "self", Type: ContentTypeJSON, Title: "this document"},
		{Href: withF(self, "html"), Rel: "alternate", Type: ContentTypeHTML, Title: "this document as HTML"},
		{Href: b + "/openapi.json", Rel: "service-desc", Type: ContentTypeOpenAPI, Title: "the API definition"},
	}
	if ctype == ContentTypeHTML {
		return s.sendHTML(c, "stats", htmlPage{
			Title: doc.Title, TitleEN: doc.TitleEN, Crumbs: crumbs(c),
			Alternates: []Link{{Href: self, Rel: "alternate", Type: ContentTypeJSON, Title: "JSON"}},
			MapHref:    s.mapBase(c), Body: doc,
		})
	}
	return c.JSON(doc)
}

// statsEntryOf is route r in the index, its link carrying the parameters
// of q it takes.
func statsEntryOf(base string, r statsRoute, q url.Values) statsEntry {
	e := statsEntry{ID: r.ID, Title: r.TitleZH, TitleEN: r.TitleEN, Counts: r.CountsEN, CountsZH: r.CountsZH, Params: r.Params}
	carried := url.Values{}
	for k, v := range q {
		switch {
		case k == "f":
		case slices.Contains(r.Params, k):
			carried[k] = v
		default:
			e.NotCarried = append(e.NotCarried, k)
		}
	}
	slices.Sort(e.NotCarried)
	for _, n := range r.Needs {
		if carried.Get(n) == "" {
			e.Needs = append(e.Needs, n)
		}
	}
	e.Href = base + r.Path
	if qs := encodeQuery(carried); qs != "" {
		e.Href += "?" + qs
	}
	return e
}

// encodeQuery encodes q sorted by key, commas left readable (as the items'
// links write lists).
func encodeQuery(q url.Values) string { return strings.ReplaceAll(q.Encode(), "%2C", ",") }

func without(q url.Values, keys ...string) url.Values {
	out := url.Values{}
	for k, v := range q {
		if !slices.Contains(keys, k) {
			out[k] = v
		}
	}
	return out
}

// statsIndexOpenAPI is the index's OpenAPI path item.
func statsIndexOpenAPI() obj {
	var ids []string
	for _, r := range statsRouteTable {
		ids = append(ids, Prefix+r.Path)
	}
	params := append(filterParams(), param("from", "query", "Carried to /stats/change (the earlier year).", obj{"type": "integer"}),
		param("group", "query", "Carried to /stats/enterprises.", str()), docF())
	return op("statsIndex", "Statistics routes",
		fmt.Sprintf("The statistics routes this server mounts (of %s), each with href, title (zh) and title_en, what it counts (counts, counts_zh) and the parameters it takes (params). "+
			"The request's parameters are carried into the href of every route that takes them; not_carried names those a route does not take, needs those it requires but the request lacks (change: year and from).",
			strings.Join(ids, ", ")),
		params, withHTML(jsonResponse("Statistics index.", ContentTypeJSON)), "304", "400", "406")
}
