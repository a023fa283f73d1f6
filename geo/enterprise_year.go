package geo

import (
	"fmt"
	"slices"
	"strings"
)

// The year rule of enterprises (issue 15), the one place every surface
// reads it from.
//
// An enterprise list describes the firms of the year it was drawn up for:
// each row's year (0 when the list does not state one). One list is in
// force at a time, so `year` on the enterprise routes (items, tiles,
// statistics) selects nothing: every enterprise of the list in force is
// drawn and counted whatever year the zones' figures are of, just as
// `year` never drops a zone (it only chooses the zones' figure). A planner
// who looks at the 2023 figures still sees the chains' firms, and is told
// which year the list describes: when the requested year is not a year of
// the list, the statistics and the web map's legend say "no list for 2023;
// the list in force describes 2025" (EnterpriseYearNote).
const (
	EnterpriseYearRuleEN = "year does not select enterprises: the list in force is shown and counted whatever the year; each enterprise's year is the year its list describes, and a request for a year the list does not describe says so"
	EnterpriseYearRuleZH = "年份不筛选企业：无论所选年份，均显示并统计现行名录中的全部企业；企业的年份为其名录所描述的年份，所选年份与名录年份不同时会注明。"
)

// YearCount is how many enterprises of a list a year describes (Year 0:
// rows that state no year).
type YearCount struct {
	Year  int `json:"year"`
	Count int `json:"count"`
}

// EnterpriseYearsOf counts the list es by year, in ascending year (0, rows
// without a year, first).
func EnterpriseYearsOf(es []Enterprise) []YearCount {
	n := map[int]int{}
	for i := range es {
		n[es[i].Year]++
	}
	out := make([]YearCount, 0, len(n))
	for y, c := range n {
		out = append(out, YearCount{Year: y, Count: c})
	}
	slices.SortFunc(out, func(a, b YearCount) int { return a.Year - b.Year })
	return out
}

// EnterpriseYearNote says, in English and Chinese, that the list in force
// does not describe the requested year and which of its years is nearest
// (the later one on a tie). It is empty when year is 0, when the list
// describes that year, or when no list is loaded (years empty).
func EnterpriseYearNote(year int, years []YearCount) (en, zh string) {
	if year == 0 || len(years) == 0 {
		return "", ""
	}
	nearest := 0
	var stated, statedZH []string
	for _, y := range years {
		if y.Year != 0 {
			stated = append(stated, fmt.Sprint(y.Year))
			statedZH = append(statedZH, fmt.Sprintf("%d年", y.Year))
		}
		if y.Year == year {
			return "", ""
		}
		if y.Year == 0 {
			continue
		}
		if nearest == 0 || abs(y.Year-year) < abs(nearest-year) || (abs(y.Year-year) == abs(nearest-year) && y.Year > nearest) {
			nearest = y.Year
		}
	}
	if nearest == 0 {
		return fmt.Sprintf("no enterprise list for %d: the list in force states no year; all its enterprises are shown", year),
			fmt.Sprintf("无%d年企业名录：现行名录未注明年份，显示其全部企业", year)
	}
	return fmt.Sprintf("no enterprise list for %d, nearest list %d: the list in force (%s) is shown whatever the year", year, nearest, strings.Join(stated, ", ")),
		fmt.Sprintf("无%d年企业名录，最近的名录为%d年：显示现行名录（%s），不按年份筛选", year, nearest, strings.Join(statedZH, "、"))
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}
