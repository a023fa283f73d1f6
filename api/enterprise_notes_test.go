package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"layoutmap/geo"
)

// Enterprise items carry the year note of the statistics (trial 4: items
// with a year the list does not describe said nothing): the GeoJSON as the
// foreign members year_note / year_note_zh, the HTML page as a notice,
// every format as the Layoutmap-Year-Note headers, XLSX on its notes sheet;
// the CSV body stays the exported list (it imports again), and nothing is
// said when the list describes the year or none is asked.
func TestEnterpriseItemsYearNote(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	var st struct {
		YearNote   string `json:"year_note"`
		YearNoteZH string `json:"year_note_zh"`
	}
	decode(t, get(t, app, "/api/v1/stats/enterprises?year=2023"), &st)
	if !strings.Contains(st.YearNote, "no enterprise list for 2023, nearest list 2025") || !strings.Contains(st.YearNoteZH, "无2023年企业名录") {
		t.Fatalf("statistics' note %q / %q", st.YearNote, st.YearNoteZH)
	}
	const items = "/api/v1/collections/enterprises/items?limit=3&chain=nev_chain"
	headers := func(r response, want bool, what string) {
		t.Helper()
		en, zh := r.header.Get(HeaderYearNote), r.header.Get(HeaderYearNoteZH)
		dec, err := url.PathUnescape(zh)
		if want && (en != st.YearNote || err != nil || dec != st.YearNoteZH) || !want && (en != "" || zh != "") {
			t.Errorf("%s: headers %q, %q (%q), want the note: %v", what, en, zh, dec, want)
		}
	}
	for _, c := range []struct {
		query string
		note  bool
	}{{"&year=2023", true}, {"&year=2025", false}, {"", false}} {
		// GeoJSON: members named as in the statistics, the same text.
		r := get(t, app, items+c.query)
		var fc struct {
			NumberMatched int
			YearNote      *string `json:"year_note"`
			YearNoteZH    *string `json:"year_note_zh"`
		}
		decode(t, r, &fc)
		if c.note != (fc.YearNote != nil) || c.note && (*fc.YearNote != st.YearNote || fc.YearNoteZH == nil || *fc.YearNoteZH != st.YearNoteZH) {
			t.Errorf("items%s: year_note %v, year_note_zh %v, want the note: %v", c.query, fc.YearNote, fc.YearNoteZH, c.note)
		}
		if fc.NumberMatched != matched(t, app, "chain=nev_chain") {
			t.Errorf("items%s: numberMatched %d: year selected enterprises", c.query, fc.NumberMatched)
		}
		headers(r, c.note, "items"+c.query)
		// HTML: the notice, Chinese first.
		h := get(t, app, items+c.query+"&f=html")
		if has := strings.Contains(string(h.body), `class="note year-note"`) && strings.Contains(string(h.body), st.YearNoteZH); has != c.note {
			t.Errorf("items%s&f=html: year notice shown %v, want %v", c.query, has, c.note)
		}
		headers(h, c.note, "items"+c.query+"&f=html")
		// CSV: the headers; the body is the list, the same as without year.
		cr := get(t, app, items+c.query+"&f=csv")
		headers(cr, c.note, "items"+c.query+"&f=csv")
		if plain := get(t, app, items+"&f=csv"); !bytes.Equal(cr.body, plain.body) {
			t.Errorf("items%s&f=csv: the body differs from the one without year", c.query)
		}
		// XLSX: the notes sheet.
		xr := get(t, app, items+c.query+"&f=xlsx")
		headers(xr, c.note, "items"+c.query+"&f=xlsx")
		x, err := excelize.OpenReader(bytes.NewReader(xr.body))
		if err != nil {
			t.Fatalf("items%s&f=xlsx: %v", c.query, err)
		}
		notes, _ := x.GetRows("notes")
		x.Close()
		if has := strings.Contains(fmt.Sprint(notes), st.YearNote) && strings.Contains(fmt.Sprint(notes), st.YearNoteZH); has != c.note {
			t.Errorf("items%s&f=xlsx: notes sheet has the note %v, want %v: %v", c.query, has, c.note, notes)
		}
	}
	// The zones take year as their figures' year: no note.
	if r := get(t, app, "/api/v1/collections/zones/items?year=2023&limit=1"); r.header.Get(HeaderYearNote) != "" || strings.Contains(string(r.body), "year_note") {
		t.Errorf("zone items carry the enterprise year note")
	}
}

// Every count of /stats/enterprises says whether it is under the filter
// or the whole list (trial 4: total 1687 under chain=biomedicine sat next
// to list_year 2025 … 20000 with nothing telling them apart): JSON
// count_scope, and in CSV and XLSX a scope row naming the filter and each
// total and list_year row labelled in both languages.
func TestEnterpriseStatsCountScope(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	const q = "year=2023&chain=nev_chain"
	var d struct {
		Total        int
		CountScope   string          `json:"count_scope"`
		CountScopeZH string          `json:"count_scope_zh"`
		ListYears    []geo.YearCount `json:"list_years"`
	}
	decode(t, get(t, app, "/api/v1/stats/enterprises?"+q), &d)
	if !strings.Contains(d.CountScope, "matching the filter") || !strings.Contains(d.CountScope, "list_years counts the whole list") || !strings.Contains(d.CountScopeZH, "整份现行名录") {
		t.Errorf("count_scope %q / %q", d.CountScope, d.CountScopeZH)
	}
	whole := 0
	for _, y := range d.ListYears {
		whole += y.Count
	}
	if whole <= d.Total {
		t.Fatalf("the list (%d) is not larger than the filter's selection (%d): the test would prove nothing", whole, d.Total)
	}
	r := get(t, app, "/api/v1/stats/enterprises?f=csv&"+q)
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, row := range rows[1:] {
		g, name, nameEN := row[0], row[2], row[3]
		seen[g] = true
		switch g {
		case "scope":
			if row[1] != "chain=nev_chain&year=2023" || name != EntCountScopeZH || nameEN != EntCountScopeEN || row[4] != "" {
				t.Errorf("scope row %q", row)
			}
		case "total", "no_zone", "synthetic":
			if !strings.Contains(name, "符合筛选") || !strings.Contains(nameEN, "matching the filter") {
				t.Errorf("%s row %q does not say it is under the filter", g, row)
			}
		case "list_year":
			if !strings.Contains(name, "整份现行名录") || !strings.Contains(name, "不按筛选") || !strings.Contains(nameEN, "whole list") || !strings.Contains(nameEN, "not filtered") {
				t.Errorf("list_year row %q does not say it counts the whole list", row)
			}
		}
	}
	if !seen["scope"] || rows[1][0] != "scope" || !seen["list_year"] || !seen["total"] {
		t.Errorf("csv rows %v", rows[:min(6, len(rows))])
	}
}

// /api/v1/stats lists every statistics route mounted (trial 4: a bare 404)
// with its titles and what it counts, carrying the request's parameters
// into the links of the routes that take them; each link answers.
func TestStatsIndex(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := newApp(t, Config{Store: s, Extra: []func(*fiber.App){StatsRoutes(s), EnterpriseRoutes(s)}})
	r := get(t, app, "/api/v1/stats?year=2023&min_revenue=1000")
	if r.status != 200 || !strings.HasPrefix(r.ctype(), ContentTypeJSON) {
		t.Fatalf("/api/v1/stats: %d %s %s", r.status, r.ctype(), r.body)
	}
	var d statsIndexDoc
	decode(t, r, &d)
	byID := map[string]statsEntry{}
	for _, e := range d.Statistics {
		byID[e.ID] = e
		if e.Title == "" || e.TitleEN == "" || e.Counts == "" || e.CountsZH == "" {
			t.Errorf("%s: untitled %+v", e.ID, e)
		}
	}
	// Every mounted statistics route is listed.
	for _, rt := range app.GetRoutes() {
		if p, ok := strings.CutPrefix(rt.Path, Prefix+"/stats/"); ok && rt.Method == fiber.MethodGet {
			if _, ok := byID[p]; !ok {
				t.Errorf("%s is mounted but not in the index", rt.Path)
			}
		}
	}
	want := map[string]string{
		"tiers":       "/api/v1/stats/tiers?min_revenue=1000&year=2023",
		"clusters":    "/api/v1/stats/clusters?min_revenue=1000&year=2023",
		"change":      "/api/v1/stats/change?min_revenue=1000&year=2023",
		"enterprises": "/api/v1/stats/enterprises?year=2023",
	}
	for id, href := range want {
		e, ok := byID[id]
		if !ok || !strings.HasSuffix(e.Href, href) {
			t.Errorf("%s: %+v, want href …%s", id, e, href)
		}
	}
	if e := byID["enterprises"]; fmt.Sprint(e.NotCarried) != "[min_revenue]" {
		t.Errorf("enterprises: not_carried %v, want [min_revenue] (enterprises carry no revenue)", e.NotCarried)
	}
	if e := byID["change"]; fmt.Sprint(e.Needs) != "[from]" {
		t.Errorf("change: needs %v, want [from]", e.Needs)
	}
	// Each link answers (change once from is given).
	for id, e := range byID {
		href := strings.TrimPrefix(e.Href, "http://example.com")
		if i := strings.Index(href, "/api/"); i > 0 {
			href = href[i:]
		}
		if id == "change" {
			href += "&from=2019"
		}
		if r := get(t, app, href); r.status != 200 {
			t.Errorf("%s: %s answers %d %.200s", id, href, r.status, r.body)
		}
	}
	// HTML through the usual negotiation, every link on the page.
	h := get(t, app, "/api/v1/stats?year=2023", "Accept", "text/html")
	if h.status != 200 || !strings.HasPrefix(h.ctype(), "text/html") || !strings.Contains(string(h.body), "stats/tiers?year=2023") || !strings.Contains(string(h.body), "企业统计") {
		t.Errorf("html: %d %s %.300s", h.status, h.ctype(), h.body)
	}
	// Mistakes are 400s naming the parameter.
	for _, bad := range []string{"?nope=1", "?year=abc", "?f=csv"} {
		if r := get(t, app, "/api/v1/stats"+bad); r.status != 400 {
			t.Errorf("/api/v1/stats%s: %d", bad, r.status)
		}
	}
	// The landing page links it; without statistics routes there is none.
	if l := get(t, app, "/api/v1/"); !strings.Contains(string(l.body), "/api/v1/stats\"") {
		t.Errorf("landing page does not link /api/v1/stats: %.400s", l.body)
	}
	if r := get(t, newApp(t, Config{Store: s}), "/api/v1/stats"); r.status != 404 {
		t.Errorf("/api/v1/stats without statistics routes: %d", r.status)
	}
}
