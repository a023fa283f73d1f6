package importer

import (
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// RevenueColumns are the revenue table's fields, in the template's order.
var RevenueColumns = []string{"zone", "year", "value_yi", "measure", "bound", "period", "scope", "source"}

// RevenueAliases are the column names accepted for each field, the first
// present winning (so in the API's CSV, revenue_source beats the zone's
// source). Matching ignores case, spaces and full- versus half-width
// brackets. This table is documented in docs/postgis.md; keep them equal.
var RevenueAliases = map[string][]string{
	"zone":     {"zone", "zone_id", "id", "开发区代码", "开发区编号", "开发区", "开发区名称", "园区名称", "园区", "name", "名称"},
	"year":     {"year", "revenue_year", "年份", "年度", "统计年度"},
	"value_yi": {"value_yi", "revenue_yi", "营业收入（亿元）", "营业收入", "收入（亿元）", "数值（亿元）", "数值", "金额（亿元）"},
	"measure":  {"measure", "口径", "指标", "统计口径"},
	"bound":    {"bound", "界限", "数值性质"},
	"period":   {"period", "期间", "统计期间"},
	"scope":    {"scope", "统计范围", "范围", "口径范围"},
	"source":   {"revenue_source", "source", "来源", "数据来源"},
}

// optionalRevenue are the fields a table may leave out: bound defaults to
// exact, period to the full year, scope to the whole zone.
var optionalRevenue = map[string]bool{"bound": true, "period": true, "scope": true}

// BoundWords maps the words planners write for a bound to its value.
var BoundWords = map[string]string{
	"exact": geo.BoundExact, "精确": geo.BoundExact, "确数": geo.BoundExact, "实数": geo.BoundExact,
	"lower": geo.BoundLower, "下限": geo.BoundLower, "突破": geo.BoundLower, "超过": geo.BoundLower, "以上": geo.BoundLower,
	"upper": geo.BoundUpper, "上限": geo.BoundUpper, "不足": geo.BoundUpper, "以下": geo.BoundUpper,
}

// PeriodWords maps period words to the stored value; others are kept as
// written (Q1, 1-11月 …).
var PeriodWords = map[string]string{"": geo.PeriodFullYear, "full_year": geo.PeriodFullYear, "全年": geo.PeriodFullYear, "年度": geo.PeriodFullYear}

// ScopeWords maps the words planners write for the whole zone to
// geo.ScopeZone; any other scope names the one part of the zone a figure
// counts (e.g. 食品产业), written bare or as "仅食品产业" / "食品产业 only".
var ScopeWords = map[string]string{"": geo.ScopeZone, geo.ScopeZone: geo.ScopeZone, "whole zone": geo.ScopeZone, "whole": geo.ScopeZone,
	geo.ScopeZoneZH: geo.ScopeZone, "全部": geo.ScopeZone, "整体": geo.ScopeZone, "全口径": geo.ScopeZone}

// readScope is the scope a cell states: ScopeWords, else the part named,
// without a leading 仅/only or a trailing "only".
func readScope(s string) string {
	if v, ok := ScopeWords[strings.ToLower(s)]; ok {
		return v
	}
	p := strings.TrimSpace(strings.TrimPrefix(s, "仅"))
	if lp := strings.ToLower(p); strings.HasPrefix(lp, "only ") {
		p = strings.TrimSpace(p[len("only "):])
	} else if strings.HasSuffix(lp, " only") {
		p = strings.TrimSpace(p[:len(p)-len(" only")])
	}
	return p
}

func normHeader(s string) string {
	s = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(s, "\uFEFF")))
	s = strings.NewReplacer("（", "(", "）", ")", " ", "", "\u3000", "", "\t", "").Replace(s)
	return s
}

// revenueColumns maps each field to its column index (-1: absent), or
// says which required field has no column.
func revenueColumns(t *Table) (map[string]int, error) {
	at := map[string]int{}
	for i, h := range t.Header {
		// A bilingual header ("年份 / year", "年份\nyear") names the column
		// by each of its parts too.
		names := append([]string{h}, strings.FieldsFunc(h, func(r rune) bool { return r == '/' || r == '|' || r == '\n' })...)
		for _, n := range names {
			if _, dup := at[normHeader(n)]; !dup && normHeader(n) != "" {
				at[normHeader(n)] = i
			}
		}
	}
	cols := map[string]int{}
	for _, f := range RevenueColumns {
		cols[f] = -1
		for _, a := range RevenueAliases[f] {
			if i, ok := at[normHeader(a)]; ok {
				cols[f] = i
				break
			}
		}
		if cols[f] < 0 && !optionalRevenue[f] {
			return nil, &TableError{File: t.File, Row: 1, Reason: fmt.Sprintf("no %s column (header is %q)", f, strings.Join(t.Header, ",")),
				Fix: fmt.Sprintf("name a column %s (accepted: %s), or start from the template", f, strings.Join(RevenueAliases[f], ", "))}
		}
	}
	return cols, nil
}

// RevenueTable is what a revenue table holds: the accepted rows, the
// rejected ones, and how many rows carried no figure (an empty value and
// year, as in the API's CSV for zones without revenue) and were skipped.
type RevenueTable struct {
	Rows     []postgis.RevenueRow
	Rejected []postgis.Problem
	Skipped  int
	Encoding string
	Sheet    string
}

// ReadRevenue reads a revenue CSV in UTF-8 (see ReadRevenueTable).
func ReadRevenue(r io.Reader, file string) ([]postgis.RevenueRow, []postgis.Problem, error) {
	rt, err := ReadRevenueTable(r, file, EncodingAuto)
	if err != nil {
		return nil, nil, err
	}
	return rt.Rows, rt.Rejected, nil
}

var reThousands = regexp.MustCompile(`^\d{1,3}(,\d{3})+(\.\d+)?$`)

// ReadRevenueTable reads a revenue table from CSV (encoding auto, utf-8 or
// gb18030) or .xlsx: one figure per row, columns named as in
// RevenueAliases in Chinese or English, in any order; other columns are
// ignored. zone is a zone id or exact name; year digits (2023 or 2023年);
// value_yi a non-negative number of 亿元; bound exact|lower|upper (or
// BoundWords; empty: exact); period full_year (or empty, 全年) or a part
// of the year such as Q1; scope empty (or zone, 全区: the whole zone) or
// the one part of the zone the figure counts, e.g. 食品产业 (ScopeWords). Rows without value and year are skipped. A
// problem names file, row and column (header = row 1); a file that cannot
// be read at all is a *TableError.
func ReadRevenueTable(r io.Reader, file, encoding string) (*RevenueTable, error) {
	t, err := ReadTable(r, file, encoding)
	if err != nil {
		return nil, err
	}
	cols, err := revenueColumns(t)
	if err != nil {
		return nil, err
	}
	name := t.File
	if t.Sheet != "" {
		name += " sheet " + t.Sheet
	}
	rt := &RevenueTable{Encoding: t.Encoding, Sheet: t.Sheet}
	for k, rec := range t.Rows {
		row := t.Lines[k]
		cell := func(f string) string {
			if i := cols[f]; i >= 0 && i < len(rec) {
				return unneutralise(rec[i])
			}
			return ""
		}
		at := func(f string) string {
			return fmt.Sprintf("%s row %d column %s (%s)", name, row, ColumnName(cols[f]), t.Header[cols[f]])
		}
		bad := func(f, format string, args ...any) {
			rt.Rejected = append(rt.Rejected, postgis.Problem{Where: at(f), Reason: fmt.Sprintf(format, args...)})
		}
		if cell("value_yi") == "" && cell("year") == "" {
			rt.Skipped++
			continue
		}
		rv := geo.Revenue{Measure: cell("measure"), Source: cell("source")}
		var ok bool
		if rv.Year, ok = parseYear(cell("year")); !ok {
			bad("year", "%q is not a year between %d and %d; write it as digits, e.g. 2023", geo.Clip(cell("year")), data.MinRevenueYear, data.MaxRevenueYear)
			continue
		}
		v := strings.ReplaceAll(cell("value_yi"), "\u00a0", "")
		if reThousands.MatchString(v) {
			v = strings.ReplaceAll(v, ",", "")
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x >= data.MaxValue {
			bad("value_yi", "%q is not a non-negative number of 亿元 (100 million yuan); write digits only, e.g. 1234.5", geo.Clip(cell("value_yi")))
			continue
		}
		rv.RevenueYi = x
		if rv.Bound, ok = BoundWords[strings.ToLower(cell("bound"))]; !ok {
			if cell("bound") == "" {
				rv.Bound = geo.BoundExact
			} else {
				bad("bound", "%q is not exact, lower or upper (精确, 下限 or 上限)", geo.Clip(cell("bound")))
				continue
			}
		}
		if rv.Period, ok = PeriodWords[strings.ToLower(cell("period"))]; !ok {
			rv.Period = cell("period")
		}
		rv.Scope = readScope(cell("scope"))
		if p := geo.ScopeProblem(rv.Scope); p != "" {
			bad("scope", "%q: %s", geo.Clip(cell("scope")), p)
			continue
		}
		zone := cell("zone")
		switch {
		case zone == "":
			bad("zone", "zone is empty: give the zone's id (e.g. G411031) or its exact name")
			continue
		case rv.Measure == "":
			bad("measure", "measure (口径) is empty: name the statistic, e.g. 营业收入 or 主营业务收入")
			continue
		case rv.Source == "":
			bad("source", "source (来源) is empty: every figure needs one, e.g. the yearbook and page")
			continue
		}
		if p := data.ValidateRevenue(rv); p != "" {
			rt.Rejected = append(rt.Rejected, postgis.Problem{Where: fmt.Sprintf("%s row %d", name, row), Reason: p})
			continue
		}
		rt.Rows = append(rt.Rows, postgis.RevenueRow{Where: fmt.Sprintf("%s row %d", name, row), Zone: zone, Revenue: rv})
	}
	return rt, nil
}

var reYear = regexp.MustCompile(`^(\d{4})(?:\.0+)?\s*年?$`)

func parseYear(s string) (int, bool) {
	m := reYear.FindStringSubmatch(s)
	if m == nil {
		return 0, false
	}
	y, _ := strconv.Atoi(m[1])
	return y, y >= data.MinRevenueYear && y <= data.MaxRevenueYear
}

// unneutralise undoes the export's CSV-injection guard (api/csv.go): a
// cell written as '=… reads back as =….
func unneutralise(s string) string {
	if len(s) >= 2 && s[0] == '\'' && strings.ContainsRune("=+-@\t\r", rune(s[1])) {
		return s[1:]
	}
	return s
}
