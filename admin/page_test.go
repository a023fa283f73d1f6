package admin

import (
	"strings"
	"testing"

	"layoutmap/data"
	"layoutmap/geo"
)

// A figure of one part of a zone is another figure than the whole zone's
// of the same year: the diff a planner confirms names its scope.
func TestDiffNamesPartScope(t *testing.T) {
	part := geo.Revenue{Year: 2023, RevenueYi: 1050, Bound: "lower", Measure: "revenue", Scope: "食品产业"}
	whole := geo.Revenue{Year: 2022, RevenueYi: 900, Bound: "exact", Measure: "revenue"}
	d := &data.Diff{
		FiguresChanged: []data.FigureChange{{Zone: "z1", Year: 2023, Measure: "revenue", Period: "full_year", Scope: "食品产业", Old: &part, New: &part}},
		FiguresAdded:   []data.FigureChange{{Zone: "z2", Year: 2022, Measure: "revenue", Period: "full_year", Scope: "zone", New: &whole}},
	}
	var b strings.Builder
	if err := pageTmpl.Execute(&b, pageData{LoggedIn: true, Upload: "u1", Report: &report{OK: true, Diff: d}}); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	if !strings.Contains(page, "统计范围 <span class=\"en\">scope</span> 食品产业") {
		t.Errorf("the changed part figure does not name its scope:\n%s", page)
	}
	if strings.Count(page, "统计范围 <span") != 1 {
		t.Errorf("a whole-zone figure names a scope too")
	}
}
