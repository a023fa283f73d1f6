package importer

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/data/henan"
	"layoutmap/data/postgis"
	"layoutmap/data/postgis/pgtest"
	"layoutmap/geo"
)

func TestMain(m *testing.M) { pgtest.Main(m) }

func migrated(t *testing.T) (string, *postgis.Store) {
	t.Helper()
	url := pgtest.NewDB(t)
	if _, err := postgis.Migrate(t.Context(), url); err != nil {
		t.Fatal(err)
	}
	s, err := postgis.Open(t.Context(), postgis.Config{URL: url})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return url, s
}

func zoneIDs(t *testing.T, s *postgis.Store, f geo.Filter) []string {
	t.Helper()
	zs, err := s.Zones(t.Context(), f)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, z := range zs {
		out = append(out, z.ID)
	}
	return out
}

func TestImportFiles(t *testing.T) {
	url, s := migrated(t)
	var progress bytes.Buffer
	rep, err := Run(t.Context(), url, Options{AdminFile: "testdata/admin.geojson", ZonesFile: "testdata/zones.geojson", RevenueFile: "testdata/revenue_template.csv", Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Version != 1 || rep.Counts["zones"] != 2 || rep.Counts["admin_areas"] != 3 || rep.Counts["revenue"] != 1 {
		t.Fatalf("report %+v", rep)
	}
	if !strings.Contains(progress.String(), "staging") {
		t.Fatalf("no progress output: %q", progress.String())
	}
	min := 5000.0
	if got := zoneIDs(t, s, geo.Filter{Year: 2023, MinRevenue: &min}); len(got) != 1 || got[0] != "G411031" {
		t.Fatalf("zones ≥5000亿 in 2023: %v, want [G411031]", got)
	}
	// A later revenue-only import with one bad row changes nothing and names the row.
	_, err = Run(t.Context(), url, Options{RevenueFile: "testdata/revenue_bad_row.csv"})
	var rej *postgis.RejectedError
	if !errors.As(err, &rej) || len(rej.Rejected) != 1 || rej.Rejected[0].Where != "revenue_bad_row.csv row 3 column C (value_yi)" || !strings.Contains(rej.Rejected[0].Reason, "non-negative number") {
		t.Fatalf("err = %v, want one rejection at revenue_bad_row.csv row 3 about value_yi", err)
	}
	if v, _ := s.Version(t.Context()); v != 1 {
		t.Fatalf("version %d after a rejected import, want 1", v)
	}
}

func TestImportFilesBadFeatureChangesNothing(t *testing.T) {
	url, s := migrated(t)
	if _, err := Run(t.Context(), url, Options{AdminFile: "testdata/admin.geojson", ZonesFile: "testdata/zones.geojson"}); err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile("testdata/zones.geojson")
	bad := strings.Replace(string(b), `"city_code": "410500"`, `"city_code": "419999"`, 1)
	bad = strings.Replace(bad, `"name": "郑州经济技术开发区"`, `"name": "renamed"`, 1)
	path := filepath.Join(t.TempDir(), "zones.geojson")
	os.WriteFile(path, []byte(bad), 0o644)
	rep, err := Run(t.Context(), url, Options{ZonesFile: path})
	if err == nil || len(rep.Rejected) != 1 || rep.Rejected[0].Where != "zones.geojson feature 2 (Z2)" || !strings.Contains(rep.Rejected[0].Reason, "city_code") {
		t.Fatalf("err %v, rejected %v; want zones.geojson feature 2 (Z2) about city_code", err, rep.Rejected)
	}
	z, err := s.Item(t.Context(), geo.CollZones, "G411031")
	if err != nil || z.Properties["name"] != "郑州经济技术开发区" {
		t.Fatalf("zone after rejected import: %v %v", z.Properties["name"], err)
	}
}

func TestImportRepairsBowTie(t *testing.T) {
	url, _ := migrated(t)
	rep, err := Run(t.Context(), url, Options{AdminFile: "testdata/admin.geojson", ZonesFile: "testdata/zones_bowtie.geojson"})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Repaired) != 1 || !strings.HasPrefix(rep.Repaired[0].Where, "zones_bowtie.geojson feature 2") {
		t.Fatalf("repaired %v, want zones_bowtie.geojson feature 2", rep.Repaired)
	}
}

// TestImportGCJ02 writes the zones file in GCJ-02 and checks the stored
// outline is the WGS84 original within 1e-7°.
func TestImportGCJ02(t *testing.T) {
	url, s := migrated(t)
	b, _ := os.ReadFile("testdata/zones.geojson")
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		t.Fatal(err)
	}
	want := orb.Clone(fc.Features[0].Geometry).(orb.MultiPolygon)
	for _, f := range fc.Features {
		for _, p := range f.Geometry.(orb.MultiPolygon) {
			for _, r := range p {
				for i, pt := range r {
					r[i][0], r[i][1] = geo.WGS84ToGCJ02(pt[0], pt[1])
				}
			}
		}
		pt := f.Properties["point"].([]any)
		x, y := geo.WGS84ToGCJ02(pt[0].(float64), pt[1].(float64))
		f.Properties["point"] = []any{x, y}
	}
	gcj, _ := fc.MarshalJSON()
	path := filepath.Join(t.TempDir(), "zones_gcj.geojson")
	os.WriteFile(path, gcj, 0o644)
	if _, err := Run(t.Context(), url, Options{AdminFile: "testdata/admin.geojson", ZonesFile: path, CRS: CRSGCJ02}); err != nil {
		t.Fatal(err)
	}
	z, err := s.Item(t.Context(), geo.CollZones, "G411031")
	if err != nil {
		t.Fatal(err)
	}
	got := z.Geometry.(orb.MultiPolygon)
	shifted := false
	for i, pt := range got[0][0] {
		w := want[0][0][i]
		if math.Abs(pt[0]-w[0]) > 1e-7 || math.Abs(pt[1]-w[1]) > 1e-7 {
			t.Fatalf("vertex %d = %v, want %v (WGS84) within 1e-7°", i, pt, w)
		}
		g := fc.Features[0].Geometry.(orb.MultiPolygon)[0][0][i]
		shifted = shifted || math.Abs(g[0]-w[0]) > 1e-4
	}
	if !shifted {
		t.Fatal("the GCJ-02 file was not offset: the test proves nothing")
	}
}

func TestConverterFor(t *testing.T) {
	for _, c := range []string{"", "wgs84", "gcj02", "bd09"} {
		if _, err := ConverterFor(c); err != nil {
			t.Errorf("%q: %v", c, err)
		}
	}
	if _, err := ConverterFor("epsg:3857"); err == nil {
		t.Error("unknown CRS accepted")
	}
}

func TestReadRevenueProblems(t *testing.T) {
	in := "\ufeffzone,year,value_yi,measure,bound,period,source\n" +
		"a,2023,1,营业收入,exact,,s\n" +
		"b,20x3,1,m,exact,,s\n" +
		"c,2023,NaN,m,exact,,s\n" +
		"d,2023,1,m,about,,s\n" +
		"e,2023,1,m,exact,,\n" +
		"f,2023,1e400,m,exact,,s\n" +
		"g,2023\n"
	rows, probs, err := ReadRevenue(strings.NewReader(in), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Zone != "a" || rows[0].Where != "r.csv row 2" {
		t.Fatalf("rows %+v", rows)
	}
	var where []string
	for _, p := range probs {
		where = append(where, p.Where)
	}
	if strings.Join(where, "|") != "r.csv row 3 column B (year)|r.csv row 4 column C (value_yi)|r.csv row 5 column E (bound)|r.csv row 6 column G (source)|r.csv row 7 column C (value_yi)|r.csv row 8 column C (value_yi)" {
		t.Fatalf("problems at %v", where)
	}
	if _, _, err := ReadRevenue(strings.NewReader("zone,year\n"), "r.csv"); err == nil {
		t.Fatal("wrong header accepted")
	}
}

// TestReadRevenueScope: the optional scope column reads the whole zone
// from its words (or an empty cell) and a part by its name, with or
// without 仅/only; a scope that is no name is refused at its cell.
func TestReadRevenueScope(t *testing.T) {
	in := "zone,year,value_yi,measure,bound,period,统计范围,source\n" +
		"a,2023,1500,营业收入,lower,,食品产业,s\n" +
		"b,2023,1,营业收入,exact,,仅食品产业,s\n" +
		"c,2023,1,营业收入,exact,,food industry only,s\n" +
		"d,2023,1,营业收入,exact,,全区,s\n" +
		"e,2023,1,营业收入,exact,,,s\n" +
		"f,2023,1,营业收入,exact,,1500,s\n" +
		"g,2023,1,营业收入,exact,,食品|纺织,s\n"
	rows, probs, err := ReadRevenue(strings.NewReader(in), "r.csv")
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, r := range rows {
		got = append(got, r.Zone+"="+r.Revenue.Scope)
	}
	if want := "a=食品产业|b=食品产业|c=food industry|d=zone|e=zone"; strings.Join(got, "|") != want {
		t.Errorf("scopes %s, want %s", strings.Join(got, "|"), want)
	}
	var where []string
	for _, p := range probs {
		where = append(where, p.Where)
	}
	if want := "r.csv row 7 column G (统计范围)|r.csv row 8 column G (统计范围)"; strings.Join(where, "|") != want {
		t.Errorf("problems at %v, want %s", where, want)
	}
}

func FuzzReadRevenue(f *testing.F) {
	f.Add("zone,year,value_yi,measure,bound,period,source\na,2023,1,m,exact,,s\n")
	f.Add("zone,year,value_yi,measure,bound,period,source\n\"a,2023\n")
	f.Fuzz(func(t *testing.T, in string) {
		rows, _, _ := ReadRevenue(strings.NewReader(in), "f.csv")
		for _, r := range rows {
			if r.Revenue.RevenueYi < 0 || math.IsNaN(r.Revenue.RevenueYi) || r.Revenue.Source == "" {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

func FuzzReadZones(f *testing.F) {
	b, _ := os.ReadFile("testdata/zones.geojson")
	f.Add(string(b))
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[1,2]},"properties":{"id":"x"}}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		zs, _, _ := ReadZones(strings.NewReader(in), "f.geojson", nil, map[string]string{})
		for _, z := range zs {
			if z.ID == "" || !nonEmpty(z.Geom) {
				t.Fatalf("accepted %+v", z)
			}
		}
	})
}

func TestImportBundled(t *testing.T) {
	url, s := migrated(t)
	var progress bytes.Buffer
	rep, err := Run(t.Context(), url, Options{Bundled: henan.Load, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	ds, _ := henan.Load()
	if rep.Version != 1 || rep.Counts["zones"] != len(ds.Zones) || rep.Counts["admin_areas"] != len(ds.Admin) || len(rep.Repaired) != 0 {
		t.Fatalf("report %+v", rep)
	}
	// Case 1 of issue 13: the bundled zones file imports unchanged (its
	// chains and clusters are objects), and only bumps the version.
	rep, err = Run(t.Context(), url, Options{ZonesFile: "../henan/zones.geojson"})
	if err != nil || rep.Version != 2 || rep.Counts["zones"] != len(ds.Zones) {
		t.Fatalf("second import: version %d, %v; want 2", rep.Version, err)
	}
	got, err := s.Zones(t.Context(), geo.Filter{})
	if err != nil || len(got) != len(ds.Zones) {
		t.Fatalf("%d zones served, want %d (%v)", len(got), len(ds.Zones), err)
	}
	for i, z := range got {
		w := ds.Zones[i]
		if z.ID != w.ID || !slices.Equal(z.Chains, w.Chains) || !slices.Equal(z.Clusters, w.Clusters) || len(z.Revenue) != len(w.Revenue) {
			t.Fatalf("zone %s after importing zones.geojson: chains %v clusters %v, want %v %v", z.ID, z.Chains, z.Clusters, w.Chains, w.Clusters)
		}
	}
}

func FuzzReadAdmin(f *testing.F) {
	b, _ := os.ReadFile("testdata/admin.geojson")
	f.Add(string(b))
	f.Add(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[[1,2],[1,2]]]},"properties":{"code":"410000"}}]}`)
	f.Fuzz(func(t *testing.T, in string) {
		as, _, _ := ReadAdmin(strings.NewReader(in), "f.geojson", nil, map[string]string{})
		for _, a := range as {
			if a.Code == "" || a.Source == "" || !nonEmpty(a.Geom) {
				t.Fatalf("accepted %+v", a)
			}
		}
	})
}

// nonEmpty reports whether every polygon of mp has a ring of at least 4
// points, as PostGIS's constraints demand.
func nonEmpty(mp orb.MultiPolygon) bool {
	if len(mp) == 0 {
		return false
	}
	for _, p := range mp {
		if len(p) == 0 || len(p[0]) < 4 {
			return false
		}
	}
	return true
}

// TestReadersRejectEmptyGeometry is issue 12's case 7: an empty Polygon or
// MultiPolygon is refused by the reader with a problem naming the feature,
// before the database's check constraint could refuse it without a name.
func TestReadersRejectEmptyGeometry(t *testing.T) {
	for _, g := range []string{`{"type":"Polygon","coordinates":[]}`, `{"type":"MultiPolygon","coordinates":[]}`, `{"type":"MultiPolygon","coordinates":[[]]}`} {
		zones := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + g + `,"properties":{"id":"G411031","name":"郑州经济技术开发区","source":"test"}}]}`
		zs, probs, err := ReadZones(strings.NewReader(zones), "z.geojson", nil, map[string]string{})
		if len(zs) != 0 || (err == nil && !mentions(probs, "G411031", "empty")) {
			t.Errorf("zones with %s: %d read, problems %v, err %v; want a problem naming G411031 and the empty geometry", g, len(zs), probs, err)
		}
		admin := `{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + g + `,"properties":{"code":"410100","name":"郑州市","level":"city","source":"test"}}]}`
		as, probs, err := ReadAdmin(strings.NewReader(admin), "a.geojson", nil, map[string]string{})
		if len(as) != 0 || (err == nil && !mentions(probs, "410100", "empty")) {
			t.Errorf("admin with %s: %d read, problems %v, err %v; want a problem naming 410100 and the empty geometry", g, len(as), probs, err)
		}
	}
}

func mentions(probs []postgis.Problem, words ...string) bool {
	for _, p := range probs {
		s := fmt.Sprint(p)
		ok := true
		for _, w := range words {
			ok = ok && strings.Contains(s, w)
		}
		if ok {
			return true
		}
	}
	return false
}
