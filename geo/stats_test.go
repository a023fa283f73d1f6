package geo

import (
	"slices"
	"testing"
)

func TestClusterStats(t *testing.T) {
	rec := func(y int, v float64, m, b, per string) Revenue {
		return Revenue{Year: y, RevenueYi: v, Measure: m, Bound: b, Period: per}
	}
	link := func(ids ...string) []ZoneCluster {
		var out []ZoneCluster
		for _, id := range ids {
			out = append(out, ZoneCluster{ClusterID: id})
		}
		return out
	}
	zones := []Zone{
		{ID: "a", CityCode: "410100", Clusters: link("c1", "c2"), Revenue: []Revenue{rec(2023, 100, "营业收入", BoundExact, PeriodFullYear)}},
		{ID: "b", CityCode: "410100", Clusters: link("c1"), Revenue: []Revenue{rec(2023, 50, "营业收入", BoundLower, PeriodFullYear)}},
		{ID: "c", CityCode: "410200", Clusters: link("c1"), Revenue: []Revenue{rec(2023, 900, "主营业务收入", BoundExact, PeriodFullYear)}},
		{ID: "d", CityCode: "410200", Clusters: link("c1"), Revenue: []Revenue{rec(2023, 70, "营业收入", BoundExact, "Q1")}},
		{ID: "e", CityCode: "410300", Clusters: link("c2"), Revenue: []Revenue{rec(2022, 10, "营业收入", BoundExact, PeriodFullYear)}},
	}
	tax := Taxonomy{Clusters: []Cluster{{ID: "c1", Name: "新材料"}, {ID: "c2"}, {ID: "c3"}}}
	tests := []struct {
		name string
		year int
		want []ClusterStat
	}{
		{"2023 majority measure, part-year left out", 2023, []ClusterStat{
			{ClusterID: "c1", Name: "新材料", Zones: 4, ZoneIDs: []string{"a", "b", "c", "d"}, ByCity: map[string]int{"410100": 2, "410200": 2}, RevenueYi: 150, RevenueN: 2, Measure: "营业收入"},
			{ClusterID: "c2", Zones: 2, ZoneIDs: []string{"a", "e"}, ByCity: map[string]int{"410100": 1, "410300": 1}, RevenueYi: 100, RevenueN: 1, Measure: "营业收入"},
			{ClusterID: "c3", ZoneIDs: []string{}, ByCity: map[string]int{}},
		}},
		{"2022", 2022, []ClusterStat{
			{ClusterID: "c1", Name: "新材料", Zones: 4, ZoneIDs: []string{"a", "b", "c", "d"}, ByCity: map[string]int{"410100": 2, "410200": 2}},
			{ClusterID: "c2", Zones: 2, ZoneIDs: []string{"a", "e"}, ByCity: map[string]int{"410100": 1, "410300": 1}, RevenueYi: 10, RevenueN: 1, Measure: "营业收入"},
			{ClusterID: "c3", ZoneIDs: []string{}, ByCity: map[string]int{}},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ClusterStats(zones, tax, tt.year, "")
			if len(got) != len(tt.want) {
				t.Fatalf("got %d stats, want %d", len(got), len(tt.want))
			}
			for i := range got {
				g, w := got[i], tt.want[i]
				if g.ClusterID != w.ClusterID || g.Name != w.Name || g.Zones != w.Zones || !slices.Equal(g.ZoneIDs, w.ZoneIDs) ||
					g.RevenueYi != w.RevenueYi || g.RevenueN != w.RevenueN || g.Measure != w.Measure || len(g.ByCity) != len(w.ByCity) {
					t.Errorf("stat %d = %+v, want %+v", i, g, w)
				}
				for k, v := range w.ByCity {
					if g.ByCity[k] != v {
						t.Errorf("stat %s by_city[%s] = %d, want %d", g.ClusterID, k, g.ByCity[k], v)
					}
				}
			}
		})
	}
	if y := LatestComparableYear(zones, ""); y != 2023 {
		t.Errorf("LatestRevenueYear = %d, want 2023", y)
	}
	if got := ClusterStats(zones, tax, 2023, "")[0].RevenueYi; got != 150 {
		t.Errorf("year 0 sum = %g, want 150 (latest year 2023)", got)
	}
}

func TestMajorityMeasureTie(t *testing.T) {
	groups := []MeasureFigures{{Measure: "营业收入", Figures: []float64{1}}, {Measure: "主营业务收入", Figures: []float64{2}, Lower: true}}
	if m, sum, n, b := ClusterRevenue(groups); m != "主营业务收入" || sum != 2 || n != 1 || b != BoundLower {
		t.Errorf("tie went to %q (sum %g of %d, %s), want 主营业务收入 (ranked first), 2 of 1, lower", m, sum, n, b)
	}
	groups[0].Figures = append(groups[0].Figures, 4)
	if m, sum, n, b := ClusterRevenue(groups); m != "营业收入" || sum != 5 || n != 2 || b != BoundExact {
		t.Errorf("majority went to %q (sum %g of %d, %s), want 营业收入, 5 of 2, exact", m, sum, n, b)
	}
	if m, _, n, b := ClusterRevenue(nil); m != "" || n != 0 || b != "" {
		t.Errorf("no figures: %q %d %q", m, n, b)
	}
}

func TestTierStats(t *testing.T) {
	got := TierStats(testZones(), DefaultTiers, 2023, "")
	want := map[string][]string{"t5000": {"z1"}, "t500": {"z3"}, TierNoData: {"z2", "z4"}}
	if len(got) != len(DefaultTiers)+1 || got[len(got)-1].Tier.ID != TierNoData {
		t.Fatalf("TierStats returned %d tiers, last %q; want %d ending with no_data", len(got), got[len(got)-1].Tier.ID, len(DefaultTiers)+1)
	}
	for _, st := range got {
		if !slices.Equal(st.ZoneIDs, want[st.Tier.ID]) && !(len(st.ZoneIDs) == 0 && want[st.Tier.ID] == nil) {
			t.Errorf("tier %s zones = %v, want %v", st.Tier.ID, st.ZoneIDs, want[st.Tier.ID])
		}
		if st.Zones != len(st.ZoneIDs) {
			t.Errorf("tier %s count %d != %d ids", st.Tier.ID, st.Zones, len(st.ZoneIDs))
		}
	}
	if got[0].Tier.Target != 2 {
		t.Errorf("t5000 target = %d, want 2", got[0].Tier.Target)
	}
}
