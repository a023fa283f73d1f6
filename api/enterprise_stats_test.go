package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"layoutmap/geo"
)

type entStatsResp struct {
	Total, Synthetic int
	NoZone           int `json:"no_zone"`
	Note, Hint       string
	Filter           map[string]string
	Groups           []struct {
		Group string
		Items []struct {
			ID, Name string
			NameEN   string `json:"name_en"`
			Count    int
		}
	}
}

// Over HTTP, every count of /stats/enterprises is the items endpoint's
// numberMatched for the same filter with the group added, and the totals
// are the filter's numberMatched.
func TestEnterpriseStatsMatchItems(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	for _, query := range []string{
		"",
		"chain=nev_chain",
		"class=srdi&city=410100",
		"bbox=112.5,34.2,114.2,35.0&cluster=nev",
		"region=belt_yellow_river&class=专精特新",
		"zone=G411031,S418084",
	} {
		r := get(t, app, "/api/v1/stats/enterprises?"+query)
		if r.status != 200 {
			t.Fatalf("stats?%s: %d %s", query, r.status, r.body)
		}
		var d entStatsResp
		decode(t, r, &d)
		if n := matched(t, app, query); d.Total != n {
			t.Errorf("stats?%s: total %d, items %d", query, d.Total, n)
		}
		// All but the one test row are synthetic, and the note says so.
		if d.Synthetic < d.Total-1 || d.Synthetic > d.Total || !strings.Contains(d.Note, "synthetic") && d.Total > 0 {
			t.Errorf("stats?%s: synthetic %d of %d, note %q", query, d.Synthetic, d.Total, d.Note)
		}
		q, _ := url.ParseQuery(query)
		f, err := geo.ParseFilter(q, false)
		if err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, g := range d.Groups {
			sum := 0
			for k, it := range g.Items {
				sum += it.Count
				if it.Name == "" {
					t.Errorf("stats?%s: %s %s has no name", query, g.Group, it.ID)
				}
				// Every count of small groups, the first ten zones.
				if it.Count == 0 || g.Group == geo.EntGroupZone && k >= 10 {
					continue
				}
				nf, ok := f.WithGroup(g.Group, it.ID)
				if !ok {
					continue
				}
				if n := matched(t, app, nf.Encode().Encode()); n != it.Count {
					t.Errorf("stats?%s: %s %s counts %d, items?%s match %d", query, g.Group, it.ID, it.Count, nf.Encode().Encode(), n)
				}
				checked++
			}
			if (g.Group == geo.EntGroupCity || g.Group == geo.EntGroupZone) && sum+map[bool]int{true: d.NoZone}[g.Group == geo.EntGroupZone] != d.Total {
				t.Errorf("stats?%s: %s counts add up to %d, total %d (no zone %d)", query, g.Group, sum, d.Total, d.NoZone)
			}
		}
		if d.Total > 0 && checked < 5 {
			t.Errorf("stats?%s: only %d counts checked", query, checked)
		}
	}
}

func TestEnterpriseStatsCSVAndErrors(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	r := get(t, app, "/api/v1/stats/enterprises?f=csv&group=class,chain")
	if r.status != 200 || !strings.HasPrefix(r.ctype(), "text/csv") {
		t.Fatalf("csv: %d %s", r.status, r.ctype())
	}
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var j entStatsResp
	decode(t, get(t, app, "/api/v1/stats/enterprises?group=class,chain"), &j)
	want := map[string]string{"total": strconv.Itoa(j.Total), "synthetic": strconv.Itoa(j.Synthetic)}
	for _, g := range j.Groups {
		for _, it := range g.Items {
			want[g.Group+" "+it.ID] = strconv.Itoa(it.Count)
		}
	}
	if len(j.Groups) != 2 || j.Groups[0].Group != "class" || len(j.Groups[0].Items) != len(geo.EnterpriseClasses) {
		t.Errorf("groups %+v", j.Groups)
	}
	got := map[string]string{}
	for _, row := range rows[1:] {
		got[strings.TrimSpace(row[0]+" "+row[1])] = row[4]
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("csv %s = %q, json %s", k, got[k], v)
		}
	}
	for _, bad := range []string{"group=sector", "min_revenue=5", "chain=no_such_chain", "colour=red", "f=pdf", "sortby=revenue"} {
		r := get(t, app, "/api/v1/stats/enterprises?"+bad)
		if r.status != 400 || r.ctype() != ContentTypeProblem {
			t.Errorf("%s: %d %s %s", bad, r.status, r.ctype(), r.body)
		}
	}
	// The bundled dataset alone: zero counts, every city and chain listed, and the hint.
	empty := entApp(t, testStoreFor(t))
	var e entStatsResp
	decode(t, get(t, empty, "/api/v1/stats/enterprises"), &e)
	if e.Total != 0 || e.Hint == "" || len(e.Groups) != len(geo.EnterpriseGroups) || len(e.Groups[0].Items) != 18 {
		t.Errorf("empty store: %+v", e)
	}
}

// The year rule (geo.EnterpriseYearNote): year selects no enterprise on
// items, tiles and statistics; the statistics name the list's years and,
// for a year the list does not describe, say so and name the nearest.
func TestEnterpriseYearRule(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	type yearDoc struct {
		Total      int
		ListYears  []geo.YearCount `json:"list_years"`
		YearNote   string          `json:"year_note"`
		YearNoteZH string          `json:"year_note_zh"`
		YearRule   string          `json:"year_rule"`
	}
	var all yearDoc
	decode(t, get(t, app, "/api/v1/stats/enterprises?chain=nev_chain"), &all)
	// 6000 synthetic rows of 2025 and the test row, which states no year.
	if want := []geo.YearCount{{Year: 0, Count: 1}, {Year: 2025, Count: 6000}}; fmt.Sprint(all.ListYears) != fmt.Sprint(want) {
		t.Fatalf("list_years %v, want %v", all.ListYears, want)
	}
	if all.YearNote != "" || all.YearRule != geo.EnterpriseYearRuleEN || all.Total == 0 {
		t.Errorf("without year: note %q, rule %q, total %d", all.YearNote, all.YearRule, all.Total)
	}
	for _, y := range []int{2019, 2023, 2025} {
		q := fmt.Sprintf("chain=nev_chain&year=%d", y)
		var d yearDoc
		decode(t, get(t, app, "/api/v1/stats/enterprises?"+q), &d)
		if d.Total != all.Total {
			t.Errorf("stats?%s: total %d, without year %d", q, d.Total, all.Total)
		}
		if n := matched(t, app, q); n != all.Total {
			t.Errorf("items?%s: %d, without year %d", q, n, all.Total)
		}
		wantNote := y != 2025
		if (d.YearNote != "") != wantNote || wantNote && (!strings.Contains(d.YearNote, fmt.Sprintf("no enterprise list for %d, nearest list 2025", y)) || !strings.Contains(d.YearNoteZH, fmt.Sprintf("无%d年企业名录", y))) {
			t.Errorf("stats?%s: note %q / %q", q, d.YearNote, d.YearNoteZH)
		}
	}
	// Tiles: the same bytes with and without a year.
	for _, xy := range [][2]int{{26, 12}, {26, 13}} {
		a := get(t, app, fmt.Sprintf("/tiles/enterprises/5/%d/%d.mvt?chain=nev_chain", xy[0], xy[1]))
		b := get(t, app, fmt.Sprintf("/tiles/enterprises/5/%d/%d.mvt?chain=nev_chain&year=2019", xy[0], xy[1]))
		if a.status != b.status || !bytes.Equal(a.body, b.body) {
			t.Errorf("tile 5/%d/%d: year=2019 gives %d (%d bytes), without %d (%d bytes)", xy[0], xy[1], b.status, len(b.body), a.status, len(a.body))
		}
	}
	// CSV: the list's years and the note as rows.
	r := get(t, app, "/api/v1/stats/enterprises?f=csv&year=2023")
	rows, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(r.body), "\uFEFF"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	var sawYear, sawNote bool
	for _, row := range rows {
		sawYear = sawYear || row[0] == "list_year" && row[1] == "2025" && row[4] == "6000"
		sawNote = sawNote || row[0] == "year_note" && row[1] == "2023" && strings.Contains(row[3], "nearest list 2025")
	}
	if !sawYear || !sawNote {
		t.Errorf("csv: list_year row %v, year_note row %v:\n%s", sawYear, sawNote, r.body)
	}
	// Info: the years and the rule.
	var inf struct {
		Years    []geo.YearCount
		YearRule string `json:"year_rule"`
	}
	decode(t, get(t, app, "/api/v1/enterprises/info"), &inf)
	if fmt.Sprint(inf.Years) != fmt.Sprint(all.ListYears) || inf.YearRule == "" {
		t.Errorf("info: years %v, rule %q", inf.Years, inf.YearRule)
	}
}

// f=xlsx (as items offer it) holds the CSV's rows, counts as number cells,
// and a notes sheet with the rules and the synthetic note.
func TestEnterpriseStatsXLSXMatchesCSV(t *testing.T) {
	s, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, s)
	for _, q := range []string{"", "chain=nev_chain&year=2023"} {
		cr := get(t, app, "/api/v1/stats/enterprises?f=csv&"+q)
		want, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(string(cr.body), "\uFEFF"))).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		xr := get(t, app, "/api/v1/stats/enterprises?f=xlsx&"+q)
		if xr.status != 200 || xr.ctype() != mediaXLSX || !strings.Contains(xr.header.Get("Content-Disposition"), "layoutmap-enterprise-stats.xlsx") {
			t.Fatalf("xlsx?%s: %d %s %s", q, xr.status, xr.ctype(), xr.header.Get("Content-Disposition"))
		}
		x, err := excelize.OpenReader(bytes.NewReader(xr.body))
		if err != nil {
			t.Fatal(err)
		}
		got, err := x.GetRows("enterprise_stats")
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("xlsx?%s: %d rows, csv %d", q, len(got), len(want))
		}
		for i := range want {
			for j := range want[i] {
				g := ""
				if j < len(got[i]) {
					g = got[i][j]
				}
				if w := strings.TrimPrefix(want[i][j], "'"); g != w {
					t.Errorf("xlsx?%s row %d col %d: %q, csv %q", q, i, j, g, w)
				}
			}
			if i > 0 && want[i][4] != "" {
				axis, _ := excelize.CoordinatesToCellName(5, i+1)
				if typ, _ := x.GetCellType("enterprise_stats", axis); typ != excelize.CellTypeNumber && typ != excelize.CellTypeUnset {
					t.Errorf("xlsx?%s %s: cell type %v, want a number", q, axis, typ)
				}
			}
		}
		notes, _ := x.GetRows("notes")
		flat := fmt.Sprint(notes)
		if !strings.Contains(flat, geo.EnterpriseGroupRuleEN) || !strings.Contains(flat, geo.EnterpriseYearRuleZH) || !strings.Contains(flat, "synthetic") {
			t.Errorf("xlsx?%s notes: %s", q, flat)
		}
		x.Close()
	}
}
