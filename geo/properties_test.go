package geo

import (
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func ptr(f float64) *float64 { return &f }

func testZones() []Zone {
	return []Zone{
		{ID: "z3", Name: "乙区", CityCode: "410100", CountyCode: "410102", AreaHa: ptr(100),
			Revenue: []Revenue{{ZoneID: "z3", Year: 2023, RevenueYi: 800, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear, Source: "S1"}}},
		{ID: "z1", Name: "甲区", CityCode: "410200",
			Revenue: []Revenue{{ZoneID: "z1", Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear, Source: "S2"}}},
		{ID: "z2", Name: "甲区", CityCode: "410100", AreaHa: ptr(300)},
		{ID: "z4", Name: "丙区", CityCode: "410300", AreaHa: ptr(100),
			Revenue: []Revenue{{ZoneID: "z4", Year: 2022, RevenueYi: 800, Measure: "营业收入", Bound: BoundExact, Period: PeriodFullYear, Source: "S3"}}},
	}
}

func ids(zs []Zone) []string {
	out := make([]string, len(zs))
	for i, z := range zs {
		out[i] = z.ID
	}
	return out
}

func TestSortZones(t *testing.T) {
	tests := []struct {
		sortby string
		year   int
		want   []string
	}{
		{"", 2023, []string{"z4", "z3", "z1", "z2"}}, // 丙 U+4E19 < 乙 U+4E59 < 甲 U+7532; tie z1<z2 by id
		{"name", 2023, []string{"z4", "z3", "z1", "z2"}},
		{"-name", 2023, []string{"z1", "z2", "z3", "z4"}},    // descending name, id ascending on the tie
		{"revenue", 2023, []string{"z3", "z1", "z2", "z4"}},  // no 2023 figure: last
		{"-revenue", 2023, []string{"z1", "z3", "z2", "z4"}}, // no figure: still last
		{"-revenue", 0, []string{"z1", "z3", "z4", "z2"}},    // latest year: z4 has 2022; z3/z4 tie at 800 -> id
		{"revenue", 0, []string{"z3", "z4", "z1", "z2"}},
		{"area", 2023, []string{"z3", "z4", "z2", "z1"}},
		{"-area", 2023, []string{"z2", "z3", "z4", "z1"}},
		{"code", 2023, []string{"z2", "z3", "z1", "z4"}}, // z3 county 410102 > z2 city 410100
		{"-id", 2023, []string{"z4", "z3", "z2", "z1"}},
	}
	for _, tt := range tests {
		t.Run(tt.sortby, func(t *testing.T) {
			zs := testZones()
			SortZones(zs, tt.sortby, tt.year, "")
			if got := ids(zs); !slices.Equal(got, tt.want) {
				t.Errorf("SortZones(%q, %d) = %v, want %v", tt.sortby, tt.year, got, tt.want)
			}
		})
	}
}

func TestSortAdminAndRegions(t *testing.T) {
	as := []AdminArea{{Code: "410200", Name: "开封市"}, {Code: "410100", Name: "郑州市"}, {Code: "410300", Name: "洛阳市"}}
	SortAdminAreas(as, "")
	if as[0].Code != "410100" || as[2].Code != "410300" {
		t.Errorf("default admin order = %v, want by code", as)
	}
	SortAdminAreas(as, "-name")
	if as[0].Name != "郑州市" || as[2].Name != "开封市" {
		t.Errorf("-name admin order = %v", as)
	}
	rs := []Region{{ID: "b"}, {ID: "a"}}
	SortRegions(rs, "")
	if rs[0].ID != "a" {
		t.Errorf("default region order = %v, want by id", rs)
	}
}

func TestZoneProperties(t *testing.T) {
	z := Zone{
		ID: "zz", Name: "郑州经济技术开发区", NameEN: "Zhengzhou ETDZ", Level: "国家级经济技术开发区",
		CityCode: "410100", LeadIndustries: []string{"汽车"}, Point: orb.Point{113.741036, 34.722424}, PointQuality: PointGeocoded, GeomQuality: GeomApproximate,
		Clusters: []ZoneCluster{{ClusterID: "c1", Derived: true, Source: "keywords"}},
		Revenue: []Revenue{
			{Year: 2019, RevenueYi: 535.1, Measure: "四上企业营业收入", Bound: BoundExact, Period: "Q1", Scope: "经济技术产业集聚区", Source: "S68"},
			{Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: BoundLower, Period: PeriodFullYear, Source: "S13"},
		},
		Source: "S10",
	}
	p := ZoneProperties(&z, DefaultTiers, 2023, "")
	want := map[string]any{
		"id": "zz", "name": "郑州经济技术开发区", "name_en": "Zhengzhou ETDZ", "level": "国家级经济技术开发区",
		"city_code": "410100", "lead_industries": []string{"汽车"}, "lon": 113.741036, "lat": 34.722424, "point_quality": PointGeocoded,
		"geom_quality": GeomApproximate, "clusters": []string{"c1"},
		"cluster_links": []map[string]any{{"cluster_id": "c1", "derived": true, "source": "keywords"}},
		"tier":          "t5000", "revenue_yi": 5000.0, "revenue_year": 2023, "measure": "营业收入", "bound": BoundLower,
		"period": PeriodFullYear, "scope": ScopeZone, "revenue_source": "S13",
		"revenue": []map[string]any{
			{"year": 2019, "revenue_yi": 535.1, "measure": "四上企业营业收入", "family": FamilyRevenue, "bound": BoundExact, "period": "Q1", "scope": "经济技术产业集聚区", "source": "S68"},
			{"year": 2023, "revenue_yi": 5000.0, "measure": "营业收入", "family": FamilyRevenue, "bound": BoundLower, "period": PeriodFullYear, "scope": ScopeZone, "source": "S13"},
		},
		"source": "S10",
	}
	if !reflect.DeepEqual(map[string]any(p), want) {
		t.Errorf("ZoneProperties =\n%#v\nwant\n%#v", p, want)
	}
	t.Run("no figure leaves revenue keys out", func(t *testing.T) {
		p := ZoneProperties(&z, DefaultTiers, 2020, "")
		if p["tier"] != TierNoData {
			t.Errorf("tier = %v, want %s", p["tier"], TierNoData)
		}
		for _, k := range []string{"revenue_yi", "revenue_year", "measure", "bound", "period", "revenue_source", "county_code", "approved_area_ha", "chains", "regions"} {
			if v, ok := p[k]; ok {
				t.Errorf("key %s = %v, want absent", k, v)
			}
		}
	})
	t.Run("result does not alias the zone", func(t *testing.T) {
		p := ZoneProperties(&z, DefaultTiers, 2023, "")
		p["lead_industries"].([]string)[0] = "x"
		if z.LeadIndustries[0] != "汽车" {
			t.Errorf("ZoneProperties aliases LeadIndustries")
		}
	})
	t.Run("tile properties are flat scalars", func(t *testing.T) {
		for _, p := range []Properties{ZoneTileProperties(&z, DefaultTiers, 2023, ""), ZoneLabelProperties(&z, DefaultTiers, 2023, ""),
			RegionTileProperties(&Region{ID: "r", Members: []string{"410100", "410200"}}), AdminTileProperties(&AdminArea{Code: "410100"})} {
			for k, v := range p {
				switch v.(type) {
				case string, int, float64, bool:
				default:
					t.Errorf("tile property %s has type %T, want scalar", k, v)
				}
			}
		}
	})
}

func TestRegionProperties(t *testing.T) {
	r := Region{ID: "yubei", Name: "豫北跨区域协同发展示范区", Kind: RegionDemo, Members: []string{"410500", "410600", "410900"},
		Roles: map[string]string{"410600": "member", "410500": "member"}, Source: "seed 002"}
	p := RegionProperties(&r)
	want := map[string]any{"id": "yubei", "name": "豫北跨区域协同发展示范区", "kind": RegionDemo, "derived": false,
		"members": []string{"410500", "410600", "410900"},
		"roles":   []map[string]any{{"code": "410500", "role": "member"}, {"code": "410600", "role": "member"}},
		"source":  "seed 002"}
	if !reflect.DeepEqual(map[string]any(p), want) {
		t.Errorf("RegionProperties = %#v, want %#v", p, want)
	}
	a := AdminProperties(&AdminArea{Code: "410100", Name: "郑州市", Level: LevelCity, ParentCode: "410000", LabelPoint: orb.Point{113.6, 34.7}})
	if a["code"] != "410100" || a["parent_code"] != "410000" || a["name_en"] != nil || a["lon"] != 113.6 || a["lat"] != 34.7 {
		t.Errorf("AdminProperties = %v", a)
	}
}

// TestOrderIsAnOrder checks every sortby is a strict total order over
// distinct ids: antisymmetric, zero only for the same id, transitive.
func TestOrderIsAnOrder(t *testing.T) {
	zs := testZones()
	zs = append(zs, Zone{ID: "z5", Name: "乙区", CityCode: "410100", CountyCode: "410102"})
	var sorts []string
	for _, k := range SortKeys {
		sorts = append(sorts, k, "-"+k)
	}
	for _, sortby := range sorts {
		for _, year := range []int{0, 2022, 2023} {
			o := Schemas[CollZones].Order(sortby)
			keys := make([]SortKey, len(zs))
			for i := range zs {
				keys[i] = o.ZoneKey(&zs[i], year, "")
			}
			for i, a := range keys {
				for j, b := range keys {
					ab, ba := o.Compare(a, b), o.Compare(b, a)
					if (ab == 0) != (i == j) || sign(ab) != -sign(ba) {
						t.Errorf("sortby %s year %d: compare(%s,%s)=%d, compare(%s,%s)=%d", sortby, year, a.ID, b.ID, ab, b.ID, a.ID, ba)
					}
					for _, c := range keys {
						if o.Compare(a, b) < 0 && o.Compare(b, c) < 0 && o.Compare(a, c) >= 0 {
							t.Errorf("sortby %s year %d: %s<%s<%s but not %s<%s", sortby, year, a.ID, b.ID, c.ID, a.ID, c.ID)
						}
					}
				}
			}
		}
	}
}

func sign(x int) int {
	switch {
	case x < 0:
		return -1
	case x > 0:
		return 1
	}
	return 0
}

// TestSortKeysAreTheDescriptors: the sortby values the API accepts are
// exactly the keys some descriptor sorts by, each with a Value memstore
// compares.
func TestSortKeysAreTheDescriptors(t *testing.T) {
	var union []string
	for _, d := range Registry {
		for _, k := range d.Sorts {
			if k.Value == nil || k.SQL == "" {
				t.Errorf("%s sort key %s lacks its Value or SQL", d.ID, k.Key)
			}
			// h is the headline's alias: a key reading it is a Headline key
			// (memstore keeps its orders per year and family).
			if reads := strings.HasPrefix(k.SQL, "h."); reads != k.Headline || k.Headline && (k.Text || d.ID != CollZones) {
				t.Errorf("%s sort key %s: SQL %q, Headline %v, Text %v", d.ID, k.Key, k.SQL, k.Headline, k.Text)
			}
			if !slices.Contains(union, k.Key) {
				union = append(union, k.Key)
			}
		}
	}
	slices.Sort(union)
	if got := slices.Sorted(slices.Values(SortKeys)); !slices.Equal(got, union) {
		t.Errorf("SortKeys = %v, the descriptors sort by %v", got, union)
	}
}

func TestStoredColumn(t *testing.T) {
	for _, c := range []struct {
		column, want string
		nullable, ok bool
	}{
		{"z.level", "level", false, true},
		{"coalesce(z.county_code, '')", "county_code", true, true},
		{"coalesce(z.attrs->>'approval_date', '')", "", false, false},
		{"ARRAY(SELECT m.member_code FROM layoutmap.planning_region_members m WHERE m.region_id = r.id ORDER BY m.ord)", "", false, false},
		{"coalesce(z.a, 0)", "", false, false},
		{"level", "", false, false},
		{"", "", false, false},
	} {
		got, nullable, ok := Field{Column: c.column}.StoredColumn()
		if got != c.want || nullable != c.nullable || ok != c.ok {
			t.Errorf("%q: %q %v %v, want %q %v %v", c.column, got, nullable, ok, c.want, c.nullable, c.ok)
		}
	}
}
