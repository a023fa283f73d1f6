package api

import (
	"bytes"
	"cmp"
	"encoding/csv"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/xuri/excelize/v2"

	"layoutmap/data"
	"layoutmap/geo"
)

// GET /api/v1/stats/enterprises (issue 15): how many of the enterprises the
// filter contract selects (bbox, city, cluster, chain, region, year, class,
// zone) lie in each city, zone, cluster, chain and class, counted by the
// store (data.EnterpriseStatsStore) under the one rule geo.EnterpriseStatsOf.
// Each count equals the items endpoint's numberMatched for the same filter
// with that group added (zone=Z, chain=C …). JSON (default) or CSV (f=csv:
// group,id,name,name_en,count). Mounted with the enterprise routes when
// the store counts enterprises.

// enterpriseGroupTitles names each group in both languages.
var enterpriseGroupTitles = map[string]geo.Named{
	geo.EntGroupCity:    {Name: "城市", NameEN: "City"},
	geo.EntGroupZone:    {Name: "开发区", NameEN: "Development zone"},
	geo.EntGroupCluster: {Name: "产业集群", NameEN: "Cluster"},
	geo.EntGroupChain:   {Name: "产业链", NameEN: "Chain"},
	geo.EntGroupClass:   {Name: "企业类别", NameEN: "Class"},
}

type entGroupCount struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	NameEN string `json:"name_en,omitempty"`
	Count  int    `json:"count"`
}

type entGroupDoc struct {
	Group   string          `json:"group"`
	Title   string          `json:"title"`
	TitleEN string          `json:"title_en"`
	Items   []entGroupCount `json:"items"`
}

// What each count of the answer counts, in words (JSON count_scope, the
// CSV's and workbook's scope row): everything under the filter but the
// years of the list, which are the whole list in force (they are what the
// year note compares the requested year with).
const (
	EntCountScopeEN = "total, no_zone, synthetic and every group count only the enterprises matching the filter; list_years counts the whole list in force, not filtered"
	EntCountScopeZH = "企业总数、不在开发区、合成数据及各分组均只计符合筛选的企业；名录年份（list_years）计整份现行名录，不按筛选"
)

type entStatsDoc struct {
	Filter         map[string]string `json:"filter"`
	DatasetVersion int64             `json:"dataset_version"`
	// CountScope(ZH): EntCountScopeEN/ZH.
	CountScope   string `json:"count_scope"`
	CountScopeZH string `json:"count_scope_zh"`
	// Total counts the selected enterprises; NoZone those linked to no zone.
	Total  int `json:"total"`
	NoZone int `json:"no_zone"`
	// Synthetic counts those made by `layoutmap synth`; Note then says so.
	Synthetic int    `json:"synthetic"`
	Note      string `json:"note,omitempty"`
	Hint      string `json:"hint,omitempty"`
	HintZH    string `json:"hint_zh,omitempty"`
	Rule      string `json:"rule"`
	RuleZH    string `json:"rule_zh"`
	// ListYears: the years the list in force describes (geo's year rule:
	// year selects no enterprise); YearNote(ZH) says when the filter's
	// year is not one of them ("no list for 2023, nearest list 2025").
	// ListYears count the whole list, not the filter's selection.
	ListYears  []geo.YearCount `json:"list_years"`
	YearNote   string          `json:"year_note,omitempty"`
	YearNoteZH string          `json:"year_note_zh,omitempty"`
	YearRule   string          `json:"year_rule"`
	YearRuleZH string          `json:"year_rule_zh"`
	Groups     []entGroupDoc   `json:"groups"`
}

type entStatsHandler struct {
	store data.Store
	st    data.EnterpriseStatsStore
}

func (h *entStatsHandler) stats(c *fiber.Ctx) error {
	q, err := queryValues(c)
	if err != nil {
		return err
	}
	fmtName, err := format(q)
	if err != nil {
		return err
	}
	if fmtName != "" && fmtName != "json" && fmtName != "csv" && fmtName != "xlsx" {
		return geo.FieldErrors{{Field: "f", Reason: "must be json, csv or xlsx, got " + quoteClip(fmtName)}}
	}
	groups, err := parseEntGroups(q["group"])
	if err != nil {
		return err
	}
	f, err := geo.ParseFilter(q, false, "f", "group")
	if err != nil {
		return err
	}
	ctype, err := negotiate(c, fmtName, map[string]string{"json": ContentTypeJSON, "csv": mediaCSV, "xlsx": mediaXLSX}, ContentTypeJSON, mediaCSV, mediaXLSX)
	if err != nil {
		return err
	}
	ctx := c.UserContext()
	st, err := h.st.EnterpriseStats(ctx, f)
	if err != nil {
		return err
	}
	ver, err := h.store.Version(ctx)
	if err != nil {
		return fmt.Errorf("api: enterprise statistics: %w", err)
	}
	tax, err := h.store.Taxonomy(ctx)
	if err != nil {
		return fmt.Errorf("api: enterprise statistics: %w", err)
	}
	doc := entStatsDoc{Filter: encodedFilter(f), DatasetVersion: ver, CountScope: EntCountScopeEN, CountScopeZH: EntCountScopeZH,
		Total: st.Total, NoZone: st.NoZone, Synthetic: st.Synthetic,
		Rule: geo.EnterpriseGroupRuleEN, RuleZH: geo.EnterpriseGroupRuleZH, YearRule: geo.EnterpriseYearRuleEN, YearRuleZH: geo.EnterpriseYearRuleZH,
		ListYears: []geo.YearCount{}, Groups: []entGroupDoc{}}
	if st.Synthetic > 0 {
		doc.Note = SyntheticNotice
	}
	inf, err := h.store.(data.EnterpriseStore).EnterpriseInfo(ctx)
	if err != nil {
		return fmt.Errorf("api: enterprise statistics: %w", err)
	}
	if inf.Count == 0 {
		doc.Hint, doc.HintZH = EnterpriseHint, EnterpriseHintZH
	}
	if inf.Years != nil {
		doc.ListYears = inf.Years
	}
	yn := yearNoteOf(f.Year, inf.Years)
	doc.YearNote, doc.YearNoteZH = yn.EN, yn.ZH
	for _, g := range groups {
		doc.Groups = append(doc.Groups, entGroup(g, &st, tax))
	}
	switch ctype {
	case mediaCSV:
		return sendEntStatsCSV(c, doc)
	case mediaXLSX:
		return sendEntStatsXLSX(c, doc)
	}
	return c.JSON(doc)
}

// parseEntGroups reads the group parameter (comma-separated; default all).
func parseEntGroups(vs []string) ([]string, error) {
	var out []string
	for _, v := range vs {
		for _, g := range strings.Split(v, ",") {
			g = strings.TrimSpace(g)
			if g == "" {
				continue
			}
			if !slices.Contains(geo.EnterpriseGroups, g) {
				return nil, geo.FieldErrors{{Field: "group", Reason: fmt.Sprintf("unknown group %s; groups: %s", quoteClip(g), strings.Join(geo.EnterpriseGroups, ", "))}}
			}
			if !slices.Contains(out, g) {
				out = append(out, g)
			}
		}
	}
	if out == nil {
		return geo.EnterpriseGroups, nil
	}
	return out, nil
}

// entGroup lists one group's counts, named. Cities, clusters, chains and
// classes are listed in full (a 0 is a finding); zones only with at least
// one enterprise, most first (a province may have thousands).
func entGroup(g string, st *geo.EnterpriseStats, tax geo.Taxonomy) entGroupDoc {
	t := enterpriseGroupTitles[g]
	d := entGroupDoc{Group: g, Title: t.Name, TitleEN: t.NameEN, Items: []entGroupCount{}}
	counts := st.Group(g)
	add := func(id, name, nameEN string) {
		d.Items = append(d.Items, entGroupCount{ID: id, Name: name, NameEN: nameEN, Count: counts[id]})
	}
	switch g {
	case geo.EntGroupCity:
		for _, code := range sortedKeys(st.CityNames) {
			n := st.CityNames[code]
			add(code, n.Name, n.NameEN)
		}
	case geo.EntGroupZone:
		for id := range counts {
			n := st.ZoneNames[id]
			add(id, n.Name, n.NameEN)
		}
		slices.SortFunc(d.Items, func(a, b entGroupCount) int { return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ID, b.ID)) })
	case geo.EntGroupCluster:
		for _, c := range tax.Clusters {
			add(c.ID, c.Name, c.NameEN)
		}
	case geo.EntGroupChain:
		for _, c := range tax.Chains {
			add(c.ID, c.Name, c.NameEN)
		}
	case geo.EntGroupClass:
		for _, c := range geo.EnterpriseClasses {
			add(c.ID, c.Name, c.NameEN)
		}
	}
	return d
}

// entStatsRows is the table of the CSV and XLSX forms: a header, then the
// scope row (group "scope": the filter, and in words which counts follow
// it), the totals, the synthetic note and the year rule's rows (group
// "total", "no_zone", "synthetic", "list_year", "year_note"), each named
// as counted under the filter or over the whole list, so a spreadsheet
// pasted on never sets a filtered count beside an unfiltered one unsaid,
// and one of synthetic counts, or of a year the list does not describe,
// still says so; then one row per group item (under the filter). count is
// -1 where a row has none.
func entStatsRows(doc entStatsDoc) (head []string, rows []entStatsRow) {
	head = []string{"group", "id", "name", "name_en", "count"}
	filter := url.Values{}
	for k, v := range doc.Filter {
		filter.Set(k, v)
	}
	rows = []entStatsRow{{"scope", filter.Encode(), doc.CountScopeZH, doc.CountScope, -1},
		{"total", "", "企业总数（符合筛选）", "enterprises matching the filter", doc.Total},
		{"no_zone", "", "不在开发区（符合筛选）", "matching the filter, in no zone", doc.NoZone}}
	if doc.Synthetic > 0 {
		rows = append(rows, entStatsRow{"synthetic", "", "合成数据（符合筛选）：" + doc.Note, "synthetic enterprises matching the filter", doc.Synthetic})
	}
	for _, y := range doc.ListYears {
		rows = append(rows, entStatsRow{"list_year", strconv.Itoa(y.Year), "整份现行名录中该年份的企业（不按筛选；0：未注明年份）",
			"enterprises of the whole list in force describing this year, not filtered (0: year not stated)", y.Count})
	}
	if doc.YearNote != "" {
		rows = append(rows, entStatsRow{"year_note", doc.Filter["year"], doc.YearNoteZH, doc.YearNote, -1})
	}
	for _, g := range doc.Groups {
		for _, it := range g.Items {
			rows = append(rows, entStatsRow{g.Group, it.ID, it.Name, it.NameEN, it.Count})
		}
	}
	return head, rows
}

type entStatsRow struct {
	group, id, name, nameEN string
	count                   int
}

// sendEntStatsCSV writes entStatsRows as CSV (text neutralised against
// formula injection).
func sendEntStatsCSV(c *fiber.Ctx, doc entStatsDoc) error {
	var b bytes.Buffer
	b.WriteString("\uFEFF") // Excel reads UTF-8 only with a BOM
	w := csv.NewWriter(&b)
	head, rows := entStatsRows(doc)
	out := [][]string{head}
	for _, r := range rows {
		n := ""
		if r.count >= 0 {
			n = strconv.Itoa(r.count)
		}
		out = append(out, []string{r.group, neutralise(r.id), neutralise(r.name), neutralise(r.nameEN), n})
	}
	if err := w.WriteAll(out); err != nil {
		return fmt.Errorf("api: enterprise statistics csv: %w", err)
	}
	c.Set(fiber.HeaderContentType, ContentTypeCSV)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="layoutmap-enterprise-stats.csv"`)
	return c.Send(b.Bytes())
}

// sendEntStatsXLSX writes entStatsRows as a workbook (f=xlsx, as items
// offer it): sheet enterprise_stats with the CSV's columns, counts as
// number cells (text cells are never formulas), and a notes sheet with the
// filter, the counting rule, the year rule and the synthetic note.
func sendEntStatsXLSX(c *fiber.Ctx, doc entStatsDoc) error {
	x := excelize.NewFile()
	defer x.Close()
	const sheet = "enterprise_stats"
	if err := x.SetSheetName("Sheet1", sheet); err != nil {
		return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
	}
	head, rows := entStatsRows(doc)
	set := func(sh string, col, row int, v any) error {
		axis, _ := excelize.CoordinatesToCellName(col, row)
		return x.SetCellValue(sh, axis, v)
	}
	for i, h := range head {
		if err := set(sheet, i+1, 1, h); err != nil {
			return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
		}
	}
	for n, r := range rows {
		vals := []any{r.group, r.id, r.name, r.nameEN, r.count}
		if r.count < 0 {
			vals[4] = nil
		}
		for i, v := range vals {
			if v == nil {
				continue
			}
			if err := set(sheet, i+1, n+2, v); err != nil {
				return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
			}
		}
	}
	if _, err := x.NewSheet("notes"); err != nil {
		return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
	}
	notes := [][2]string{{"filter / 筛选", string(c.Request().URI().QueryString())},
		{"count_scope", doc.CountScope}, {"计数范围", doc.CountScopeZH},
		{"rule", doc.Rule}, {"规则", doc.RuleZH}, {"year_rule", doc.YearRule}, {"年份规则", doc.YearRuleZH}}
	if doc.Note != "" {
		notes = append(notes, [2]string{"note / 说明", doc.Note})
	}
	if doc.Hint != "" {
		notes = append(notes, [2]string{"hint", doc.Hint}, [2]string{"提示", doc.HintZH})
	}
	for i, r := range notes {
		for j, v := range r {
			if err := set("notes", j+1, i+1, v); err != nil {
				return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
			}
		}
	}
	var buf bytes.Buffer
	if err := x.Write(&buf); err != nil {
		return fmt.Errorf("api: enterprise statistics xlsx: %w", err)
	}
	c.Set(fiber.HeaderContentType, mediaXLSX)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="layoutmap-enterprise-stats.xlsx"`)
	return c.Send(buf.Bytes())
}
