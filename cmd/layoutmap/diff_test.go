package main

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"layoutmap/data"
	"layoutmap/geo"
)

// printDiff names the scope of a part's figure (漯河经开区 2023: 食品产业
// only), and only of a part's.
func TestPrintDiffNamesPartScope(t *testing.T) {
	r := geo.Revenue{Year: 2023, RevenueYi: 1050, Bound: "lower", Measure: "revenue"}
	var b strings.Builder
	printDiff(&b, data.Diff{FiguresAdded: []data.FigureChange{
		{Zone: "luohe", Year: 2023, Measure: "revenue", Period: "full_year", Scope: "食品产业", New: &r},
		{Zone: "zhengzhou", Year: 2023, Measure: "revenue", Period: "full_year", Scope: "zone", New: &r},
	}})
	out := b.String()
	for _, want := range []string{"figure added: luohe 2023 revenue full_year scope=食品产业: none → 1050亿 (lower)", "figure added: zhengzhou 2023 revenue full_year: none → 1050亿 (lower)"} {
		if !strings.Contains(out, want) {
			t.Errorf("printDiff lacks %q:\n%s", want, out)
		}
	}
}

// A refused list is printed one problem per line, with what was refused.
func TestPrintErrorProblemsPerLine(t *testing.T) {
	pe := &data.ProblemsError{Problems: []data.Problem{{Where: "bad.csv row 2", Reason: "outside Henan"}, {Where: "bad.csv row 3", Reason: "unknown chain"}}}
	var b strings.Builder
	printError(&b, fmt.Errorf("serve: enterprise list bad.csv refused, nothing loaded: %w", pe))
	want := "layoutmap: serve: enterprise list bad.csv refused, nothing loaded: 2 problem(s):\n  bad.csv row 2: outside Henan\n  bad.csv row 3: unknown chain\n"
	if b.String() != want {
		t.Errorf("printError:\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	printError(&b, errors.New("serve: listening: address in use"))
	if b.String() != "layoutmap: serve: listening: address in use\n" {
		t.Errorf("other errors: %q", b.String())
	}
}
