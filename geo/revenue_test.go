package geo

import "testing"

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
