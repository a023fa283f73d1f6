package geo

import (
	"math"
	"testing"
)

func TestZoneChange(t *testing.T) {
	rev := func(year int, yi float64, measure, bound, period string) Revenue {
		return Revenue{Year: year, RevenueYi: yi, Measure: measure, Bound: bound, Period: period}
	}
	const m, m2, out = "营业收入", "主营业务收入", "工业总产值"
	for _, tc := range []struct {
		name       string
		recs       []Revenue
		comparable bool
		bound      string
		class      string
		reason     string
		pct        float64
		same       bool
	}{
		{"exact up", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 120, m, BoundExact, "")}, true, BoundExact, ChangeUpStrong, "", 20, true},
		{"exact flat", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 101, m, BoundExact, "")}, true, BoundExact, ChangeFlat, "", 1, true},
		{"exact down", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 95, m, BoundExact, "")}, true, BoundExact, ChangeDown, "", -5, true},
		{"exact strong down", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 80, m, BoundExact, "")}, true, BoundExact, ChangeDownStrong, "", -20, true},
		{"other measure of the family", []Revenue{rev(2022, 100, m2, BoundExact, ""), rev(2023, 105, m, BoundExact, "")}, true, BoundExact, ChangeUp, "", 5, false},
		{"exact to lower: at least", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 150, m, BoundLower, "")}, true, BoundLower, ChangeUpStrong, "", 50, true},
		{"lower bound of a fall fixes nothing", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 90, m, BoundLower, "")}, false, BoundLower, "", NoChangeBounds, -10, true},
		{"part-year to: a lower bound", []Revenue{rev(2022, 100, m, BoundExact, ""), rev(2023, 130, m, BoundExact, "q1")}, true, BoundLower, ChangeUpStrong, "", 30, true},
		{"lower from: at most", []Revenue{rev(2022, 100, m, BoundLower, ""), rev(2023, 80, m, BoundExact, "")}, true, BoundUpper, ChangeDownStrong, "", -20, true},
		{"lower to lower", []Revenue{rev(2022, 100, m, BoundLower, ""), rev(2023, 200, m, BoundLower, "")}, false, "", "", NoChangeBounds, 0, true},
		{"missing from", []Revenue{rev(2023, 200, m, BoundExact, "")}, false, "", "", NoChangeFrom, 0, false},
		{"missing to", []Revenue{rev(2022, 200, m, BoundExact, "")}, false, "", "", NoChangeTo, 0, false},
		{"families never compared", []Revenue{rev(2022, 100, out, BoundExact, ""), rev(2023, 120, m, BoundExact, "")}, false, "", "", NoChangeFrom, 0, false},
		{"from zero", []Revenue{rev(2022, 0, m, BoundExact, ""), rev(2023, 10, m, BoundExact, "")}, false, BoundExact, "", NoChangeZero, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := ZoneChange(tc.recs, 2022, 2023, "")
			if c.Comparable != tc.comparable || c.ChangeBound != tc.bound || c.Class != tc.class || c.Reason != tc.reason {
				t.Errorf("got comparable=%v bound=%q class=%q reason=%q, want %v %q %q %q", c.Comparable, c.ChangeBound, c.Class, c.Reason, tc.comparable, tc.bound, tc.class, tc.reason)
			}
			if c.Reason != NoChangeFrom && c.Reason != NoChangeTo && c.Reason != NoChangeZero && c.ChangeBound != "" && math.Abs(c.ChangePct-tc.pct) > 1e-9 {
				t.Errorf("pct %v, want %v", c.ChangePct, tc.pct)
			}
			if c.HasFrom && c.HasTo && c.SameMeasure != tc.same {
				t.Errorf("same measure %v, want %v", c.SameMeasure, tc.same)
			}
		})
	}
	// Output value family: compared within its own family only.
	recs := []Revenue{rev(2022, 100, out, BoundExact, ""), rev(2023, 105, out, BoundExact, "")}
	if c := ZoneChange(recs, 2022, 2023, FamilyOutput); !c.Comparable || c.Class != ChangeUp {
		t.Errorf("output family: %+v", c)
	}
	if c := ZoneChange(recs, 2022, 2023, ""); c.Comparable {
		t.Errorf("output figures compared as revenue: %+v", c)
	}
}

func TestClassOfChangeCoversEveryPercentage(t *testing.T) {
	for _, p := range []float64{-1e9, -10, -9.99, -2, 0, 1.99, 2, 9.99, 10, 1e9} {
		if ClassOfChange(p) == "" {
			t.Errorf("%v has no class", p)
		}
	}
	if len(ChangeClasses) != len(ChangeRamp) {
		t.Errorf("%d classes, %d colours", len(ChangeClasses), len(ChangeRamp))
	}
}
