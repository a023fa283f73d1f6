package geo

import (
	"reflect"
	"strings"
	"testing"
)

func TestEnterpriseYearsOf(t *testing.T) {
	es := []Enterprise{{Year: 2025}, {Year: 0}, {Year: 2024}, {Year: 2025}}
	want := []YearCount{{0, 1}, {2024, 1}, {2025, 2}}
	if got := EnterpriseYearsOf(es); !reflect.DeepEqual(got, want) {
		t.Errorf("EnterpriseYearsOf = %v, want %v", got, want)
	}
	if got := EnterpriseYearsOf(nil); len(got) != 0 {
		t.Errorf("no list: %v", got)
	}
}

func TestEnterpriseYearNote(t *testing.T) {
	for _, tc := range []struct {
		year   int
		years  []YearCount
		en, zh string // substrings; "" means no note
	}{
		{0, []YearCount{{2025, 3}}, "", ""},
		{2025, []YearCount{{2025, 3}}, "", ""},
		{2023, nil, "", ""},
		{2023, []YearCount{{2025, 3}}, "no enterprise list for 2023, nearest list 2025: the list in force (2025)", "无2023年企业名录，最近的名录为2025年"},
		{2022, []YearCount{{0, 1}, {2021, 2}, {2025, 3}}, "no enterprise list for 2022, nearest list 2021: the list in force (2021, 2025)", "（2021年、2025年）"},
		{2023, []YearCount{{2021, 2}, {2025, 3}}, "nearest list 2025", "最近的名录为2025年"}, // a tie goes to the later year
		{2024, []YearCount{{2021, 2}, {2024, 3}}, "", ""},
		{2023, []YearCount{{0, 4}}, "states no year", "未注明年份"},
	} {
		en, zh := EnterpriseYearNote(tc.year, tc.years)
		if (tc.en == "") != (en == "") || !strings.Contains(en, tc.en) || !strings.Contains(zh, tc.zh) || (tc.zh == "") != (zh == "") {
			t.Errorf("EnterpriseYearNote(%d, %v) = %q, %q; want %q, %q", tc.year, tc.years, en, zh, tc.en, tc.zh)
		}
	}
}

// TestMatchEnterpriseIgnoresYear: the year selects no enterprise (the
// year rule); every other criterion still does.
func TestMatchEnterpriseIgnoresYear(t *testing.T) {
	e := &Enterprise{Year: 2025, CityCode: "410100"}
	none := func(string) []string { return nil }
	for _, y := range []int{0, 2019, 2025} {
		if !(Filter{Year: y}).MatchEnterprise(e, none) {
			t.Errorf("year %d dropped an enterprise of 2025", y)
		}
	}
	if (Filter{Year: 2025, City: []string{"410200"}}).MatchEnterprise(e, none) {
		t.Error("the city no longer selects")
	}
}
