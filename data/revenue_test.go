package data

import (
	"slices"
	"strings"
	"testing"

	"layoutmap/geo"
)

// TestMergeRevenue pins the one duplicate rule (RevenueDuplicateRule) the
// loader, the importer and the PostGIS writer share.
func TestMergeRevenue(t *testing.T) {
	rec := func(y int, v float64, m, per string) geo.Revenue {
		return geo.Revenue{Year: y, RevenueYi: v, Measure: m, Bound: geo.BoundExact, Period: per, Source: "S99: test"}
	}
	zones := []geo.Zone{
		{ID: "a", Name: "甲区", Revenue: []geo.Revenue{{ZoneID: "a", Year: 2022, RevenueYi: 10, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "old"},
			{ZoneID: "a", Year: 2021, RevenueYi: 9, Measure: "营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "kept"}}},
		{ID: "b", Name: "乙区"},
		{ID: "c1", Name: "同名区"}, {ID: "c2", Name: "同名区"},
	}
	t.Run("replaces the same key, keeps the rest, resolves names", func(t *testing.T) {
		merged, probs := MergeRevenue(zones, []RevenueIn{
			{Where: "r1", Zone: "a", Revenue: rec(2022, 12, "营业收入", "")},
			{Where: "r2", Zone: "乙区", Revenue: rec(2023, 5, "工业总产值", "Q1")},
		})
		if len(probs) != 0 {
			t.Fatal(probs)
		}
		a := merged["a"]
		if len(a) != 2 || a[0].Source != "kept" || a[1].RevenueYi != 12 || a[1].Period != geo.PeriodFullYear {
			t.Errorf("a = %+v; want 2021 kept, 2022 replaced by 12 (full year)", a)
		}
		if b := merged["b"]; len(b) != 1 || b[0].ZoneID != "b" {
			t.Errorf("b = %+v", b)
		}
		if len(zones[0].Revenue) != 2 || zones[0].Revenue[0].Source != "old" {
			t.Error("zones modified")
		}
	})
	t.Run("duplicates in one batch, unknown and ambiguous zones are problems", func(t *testing.T) {
		_, probs := MergeRevenue(zones, []RevenueIn{
			{Where: "r1", Zone: "a", Revenue: rec(2023, 1, "营业收入", geo.PeriodFullYear)},
			{Where: "r2", Zone: "甲区", Revenue: rec(2023, 2, "营业收入", "")},
			{Where: "r3", Zone: "a", Revenue: rec(2023, 3, "营业收入", "Q1")},
			{Where: "r4", Zone: "nowhere", Revenue: rec(2023, 3, "营业收入", "")},
			{Where: "r5", Zone: "同名区", Revenue: rec(2023, 3, "营业收入", "")},
		})
		var where []string
		for _, p := range probs {
			where = append(where, p.Where)
		}
		if !slices.Equal(where, []string{"r2", "r4", "r5"}) || !strings.Contains(probs[0].Reason, "r1") {
			t.Errorf("problems %+v; want r2 (duplicate of r1: same key, the name resolves to a), r4 unknown, r5 ambiguous", probs)
		}
	})
}
