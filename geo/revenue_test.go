package geo

import (
	"slices"
	"testing"
)

var luohe = []Revenue{{Year: 2023, RevenueYi: 1500, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear, Scope: "食品产业"}}

func TestHeadlineAndThresholds(t *testing.T) {
	zz := []Revenue{ // the shape of 郑州经开区's records
		{Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear},
		{Year: 2019, RevenueYi: 535.1, Measure: "四上企业营业收入", Bound: BoundExact, Period: "Q1"},
	}
	tests := []struct {
		name     string
		recs     []Revenue
		year     int
		min, max float64
		wantMin  bool
		wantMax  bool
		wantTier string
	}{
		{"lower bound meets its own threshold", zz, 2023, 5000, 1e9, true, false, "t5000"},
		{"lower bound does not prove more", zz, 2023, 5001, 1e9, false, false, "t5000"},
		{"lower bound never meets a maximum", zz, 2023, 0, 6000, true, false, "t5000"},
		{"part-year exact is a lower bound of the year", zz, 2019, 500, 600, true, false, "t500"},
		{"no record for year", zz, 2021, 0, 1e9, false, false, TierNoData},
		{"year 0 takes the latest year", zz, 0, 5000, 1e9, true, false, "t5000"},
		{"exact within range", []Revenue{{Year: 2021, RevenueYi: 735.7, Measure: "四上企业营业收入", Bound: BoundExact, Period: PeriodFullYear}}, 2021, 700, 800, true, true, "t500"},
		// An upper bound of 200 could be in t0 or t100: no tier (rule 6).
		{"upper bound meets max only, no tier", []Revenue{{Year: 2022, RevenueYi: 200, Measure: "营业收入", Bound: BoundUpper, Period: PeriodFullYear}}, 2022, 100, 200, false, true, TierNoData},
		{"upper bound in the lowest band places the zone", []Revenue{{Year: 2022, RevenueYi: 80, Measure: "营业收入", Bound: BoundUpper, Period: PeriodFullYear}}, 2022, 0, 80, false, true, "t0"},
		// Output value never sets a revenue tier or meets a revenue threshold.
		{"output value is no revenue", []Revenue{{Year: 2024, RevenueYi: 978.54, Measure: "工业总产值", Bound: BoundExact, Period: "Jan–Nov"}}, 2024, 0, 1e9, false, false, TierNoData},
		{"no records", nil, 2023, 0, 1e9, false, false, TierNoData},
		// A figure of one industry of the zone (漯河经开区: 食品产业 only) is a
		// lower bound of the zone's revenue, even when published as exact.
		{"one industry's lower bound proves min", luohe, 2023, 1000, 1e9, true, false, "t1000"},
		{"one industry's figure never meets a maximum", luohe, 2023, 0, 2000, true, false, "t1000"},
		{"one industry's exact figure is a lower bound", []Revenue{{Year: 2023, RevenueYi: 700, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear, Scope: "食品产业"}}, 2023, 700, 800, true, false, "t500"},
		{"one industry's upper bound says nothing", []Revenue{{Year: 2022, RevenueYi: 80, Measure: "营业收入", Bound: BoundUpper, Period: PeriodFullYear, Scope: "食品产业"}}, 2022, 0, 80, false, false, TierNoData},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := MeetsMin(tt.recs, tt.year, "", tt.min); got != tt.wantMin {
				t.Errorf("MeetsMin(%g) = %v, want %v", tt.min, got, tt.wantMin)
			}
			if got := MeetsMax(tt.recs, tt.year, "", tt.max); got != tt.wantMax {
				t.Errorf("MeetsMax(%g) = %v, want %v", tt.max, got, tt.wantMax)
			}
			if got, _, _ := ZoneTier(DefaultTiers, tt.recs, tt.year, ""); got != tt.wantTier {
				t.Errorf("ZoneTier = %q, want %q", got, tt.wantTier)
			}
		})
	}
}

func TestHeadlinePrefersFullYearThenMeasure(t *testing.T) {
	recs := []Revenue{
		{Year: 2021, RevenueYi: 4174.5, Measure: "工业总产值", Bound: BoundExact, Period: PeriodFullYear},
		{Year: 2021, RevenueYi: 900, Measure: "主营业务收入", Bound: BoundExact, Period: "Q1"},
		{Year: 2021, RevenueYi: 3000, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear},
	}
	h, ok := Headline(recs, 2021, "")
	if !ok || h.Measure != "营业收入" {
		t.Fatalf("Headline = %+v, want the full-year 营业收入 record", h)
	}
}

func TestTiers(t *testing.T) {
	for _, tc := range []struct {
		yi   float64
		want string
	}{{6000, "t5000"}, {5000, "t5000"}, {4999.9, "t1000"}, {1000, "t1000"}, {500, "t500"}, {100, "t100"}, {99, "t0"}, {0, "t0"}} {
		if got := DefaultTiers.Of(tc.yi); got != tc.want {
			t.Errorf("Of(%g) = %s, want %s", tc.yi, got, tc.want)
		}
	}
	ts, err := NewTiers([]float64{2000, 300, 0})
	if err != nil {
		t.Fatal(err)
	}
	if ts.Of(2500) != "t2000" || ts.Of(300) != "t300" || ts.Of(10) != "t0" {
		t.Errorf("custom tiers wrong: %+v", ts)
	}
	for _, bad := range [][]float64{nil, {100, 200, 0}, {100, 100, 0}, {100, 50}, {-1, 0}} {
		if _, err := NewTiers(bad); err == nil {
			t.Errorf("NewTiers(%v) accepted", bad)
		}
	}
	if _, ok := DefaultTiers.Lookup(TierNoData); !ok {
		t.Error("no_data tier not found")
	}
}

func TestFamilies(t *testing.T) {
	for m, want := range map[string]string{"主营业务收入": FamilyRevenue, "营业收入": FamilyRevenue, "四上企业营业收入": FamilyRevenue,
		"规上企业营业收入": FamilyRevenue, "工业总产值": FamilyOutput, "增加值": ""} {
		if got := FamilyOf(m); got != want {
			t.Errorf("FamilyOf(%s) = %q, want %q", m, got, want)
		}
	}
	jy := []Revenue{{Year: 2024, RevenueYi: 978.54, Measure: "工业总产值", Bound: BoundExact, Period: "Jan–Nov"}}
	if _, ok := Headline(jy, 0, ""); ok {
		t.Error("an output value headlines the revenue family")
	}
	h, ok := Headline(jy, 0, FamilyOutput)
	if !ok || EffectiveBound(h) != BoundLower {
		t.Errorf("output headline = %+v, %v; want the Jan–Nov figure as a lower bound", h, ok)
	}
	if tier, _, _ := ZoneTier(DefaultTiers, jy, 2024, FamilyOutput); tier != "t500" {
		t.Errorf("output tier = %s, want t500 (at least)", tier)
	}
}

func TestCheckTargetsOneYear(t *testing.T) {
	zs := []Zone{
		{ID: "a", Revenue: []Revenue{{Year: 2022, RevenueYi: 7755, Measure: "四上企业营业收入", Bound: BoundExact, Period: PeriodFullYear}}},
		{ID: "b", Revenue: []Revenue{{Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear}}},
		{ID: "c"},
	}
	for _, tc := range []struct {
		year       int
		at5000     int
		comparable int
	}{{2022, 1, 1}, {2023, 1, 1}, {2021, 0, 0}} {
		got := CheckTargets(zs, PlanTargets2025, tc.year, "")
		if got.Rows[0].MinYi != 5000 || got.Rows[0].AtOrAbove != tc.at5000 || got.Rows[0].Met || got.Comparable != tc.comparable || got.Zones != 3 {
			t.Errorf("CheckTargets(%d) = %+v, want %d at ≥5000 (not met), %d of 3 comparable", tc.year, got, tc.at5000, tc.comparable)
		}
	}
	if y := LatestComparableYear(zs, ""); y != 2023 {
		t.Errorf("LatestComparableYear = %d, want 2023", y)
	}
}

func TestScope(t *testing.T) {
	whole := Revenue{Year: 2023, RevenueYi: 900, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear}
	part := Revenue{Year: 2023, RevenueYi: 1500, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear, Scope: "食品产业"}
	// The whole zone's figure stands for the zone before a part's, even a larger one.
	if h, ok := Headline([]Revenue{part, whole}, 2023, ""); !ok || h.Scope != "" {
		t.Errorf("Headline = %+v, want the whole zone's figure", h)
	}
	if b := EffectiveBound(Revenue{Bound: BoundExact, Period: PeriodFullYear, Scope: "食品产业"}); b != BoundLower {
		t.Errorf("EffectiveBound(part, exact) = %q, want lower", b)
	}
	if b := EffectiveBound(Revenue{Bound: BoundExact, Period: PeriodFullYear, Scope: ScopeZone}); b != BoundExact {
		t.Errorf("EffectiveBound(zone, exact) = %q, want exact", b)
	}
	for _, tt := range []struct{ scope, lang, want string }{
		{"", "zh", ""}, {ScopeZone, "en", ""},
		{"食品产业", "zh", "仅食品产业"}, {"食品产业", "en", "food industry only"},
		{"某园区", "en", "某园区 only"},
	} {
		if got := ScopeText(tt.scope, tt.lang); got != tt.want {
			t.Errorf("ScopeText(%q, %q) = %q, want %q", tt.scope, tt.lang, got, tt.want)
		}
	}
	for _, bad := range []string{" 食品产业", "1500", "食品|纺织", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一"} {
		if ScopeProblem(bad) == "" {
			t.Errorf("ScopeProblem(%q) = \"\", want a problem", bad)
		}
	}
	if p := ScopeProblem("食品产业"); p != "" {
		t.Errorf("ScopeProblem(食品产业) = %q", p)
	}
	// A part's figure never enters a cluster sum.
	tax := Taxonomy{Clusters: []Cluster{{ID: "food"}}}
	zs := []Zone{{ID: "a", Clusters: []ZoneCluster{{ClusterID: "food"}}, Revenue: luohe}}
	if st := ClusterStats(zs, tax, 2023, ""); st[0].RevenueN != 0 {
		t.Errorf("cluster sum counts a food-industry-only figure: %+v", st[0])
	}
	// The target check counts it as a lower bound and names it.
	tc := CheckTargets(zs, PlanTargets2025, 2023, "")
	for _, r := range tc.Rows {
		want := r.MinYi <= 1500
		if got := slices.Equal(r.PartScope, []string{"a"}); got != want || (r.AtOrAbove == 1) != want {
			t.Errorf("target ≥%g: at or above %d, part_scope %v", r.MinYi, r.AtOrAbove, r.PartScope)
		}
	}
	// A change from the whole zone to one industry says the scopes differ.
	ch := ZoneChange([]Revenue{{Year: 2019, RevenueYi: 1000, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear}, luohe[0]}, 2019, 2023, "")
	if ch.SameScope || !ch.Comparable || ch.ChangeBound != BoundLower {
		t.Errorf("change zone→part = %+v, want comparable as at least, scopes differ", ch)
	}
}
