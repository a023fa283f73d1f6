package data_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/geo"
)

func TestResolveEnterprises(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	var zone *geo.Zone
	for i := range ds.Zones {
		if z := &ds.Zones[i]; z.ID == "G411031" {
			zone = z
		}
	}
	if zone == nil || len(zone.Geom) == 0 {
		t.Fatal("the test needs 郑州经济技术开发区 (G411031) with an outline")
	}
	pl := data.NewPlacer(ds)
	row := func(where string, mod func(*data.EnterpriseIn)) data.EnterpriseIn {
		e := data.EnterpriseIn{Where: where, Name: "测试企业", Point: zone.Point, Source: "test list", Chains: []string{"nev_chain"}, Classes: []string{"专精特新", "小巨人"}}
		mod(&e)
		return e
	}
	rows := []data.EnterpriseIn{
		row("row 2", func(e *data.EnterpriseIn) { e.CreditCode = "914403001922038216" }),
		row("row 3", func(e *data.EnterpriseIn) { e.CreditCode = "914403001922038216"; e.Name = "另一家" }),
		row("row 4", func(e *data.EnterpriseIn) { e.Point = orb.Point{116.40, 39.90} }),
		row("row 5", func(e *data.EnterpriseIn) { e.Chains = []string{"semiconductors_xyz"} }),
		row("row 6", func(e *data.EnterpriseIn) { e.CreditCode = "914403001922038217" }),
		row("row 7", func(e *data.EnterpriseIn) { e.ZoneID = "NOPE" }),
		row("row 8", func(e *data.EnterpriseIn) { e.Classes = []string{"独角兽"} }),
		row("row 9", func(e *data.EnterpriseIn) { e.Source = "" }),
		row("row 10", func(e *data.EnterpriseIn) { e.ID = "list-10"; e.Point = orb.Point{113.30, 33.75} }),
	}
	got, probs := data.ResolveEnterprises(ds, pl, rows)
	want := map[string]string{
		"row 3": "duplicate credit code 914403001922038216 (first at row 2)",
		"row 4": "outside Henan", "row 5": "unknown chain", "row 6": "check character",
		"row 7": "unknown zone", "row 8": "unknown class", "row 9": "source",
	}
	if len(probs) != len(want) {
		t.Errorf("problems %v, want one for each of %v", probs, want)
	}
	for _, p := range probs {
		if !strings.Contains(p.Reason, want[p.Where]) || want[p.Where] == "" {
			t.Errorf("%s: %q, want it to say %q", p.Where, p.Reason, want[p.Where])
		}
	}
	if len(got) != 2 {
		t.Fatalf("resolved %d, want 2", len(got))
	}
	e := got[0] // sorted by id: the credit code sorts before list-10
	if e.ID != "914403001922038216" || e.CityCode != zone.CityCode || e.ZoneID != zone.ID || e.ZoneLink != geo.ZoneLinkPointInZone ||
		e.ZoneGeomQuality != zone.GeomQuality || !slices.Equal(e.Clusters, []string{"nev"}) || !e.ClustersDerived ||
		!slices.Equal(e.Classes.IDs(), []string{"srdi", "little_giant"}) || e.LocationQuality != geo.LocUnstated {
		t.Errorf("resolved %+v", e)
	}
	f := got[1]
	if f.ID != "list-10" || f.ZoneID != "" || f.CityCode == "" || f.CountyCode == "" {
		t.Errorf("a point outside every zone outline: %+v", f)
	}
	// The county is the one whose outline holds the point.
	for _, a := range ds.Admin {
		if a.Code == f.CountyCode && (a.ParentCode != f.CityCode || !a.Geom.Bound().Contains(f.Point)) {
			t.Errorf("county %s (%s) does not hold %v or is not in %s", a.Code, a.Name, f.Point, f.CityCode)
		}
	}
}

// An id is stable: the same name and point give the same id.
func TestEnterpriseIDStable(t *testing.T) {
	a := data.EnterpriseID("某公司", orb.Point{113.1, 34.2})
	if a != data.EnterpriseID("某公司", orb.Point{113.1, 34.2}) || a == data.EnterpriseID("某公司", orb.Point{113.1, 34.200001}) {
		t.Fatal("EnterpriseID is not a function of name and point to 1e-6°")
	}
}

func TestSplitList(t *testing.T) {
	if got := data.SplitList(" 专精特新、小巨人;链主 | ,"); !slices.Equal(got, []string{"专精特新", "小巨人", "链主"}) {
		t.Errorf("SplitList = %q", got)
	}
}

// The raster that speeds up look-ups answers like the polygons: a dense
// sample of points over Henan gets the same city, county and zone from the
// Placer as from testing every outline.
func TestPlacerRasterAgreesWithPolygons(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := data.NewPlacer(ds)
	adminRef, zoneRef := data.PolygonPlacer(ds)
	n := 0
	for x := 110.3; x < 116.7; x += 0.033 {
		for y := 31.3; y < 36.4; y += 0.031 {
			p := orb.Point{x, y}
			city, county, ok := pl.Admin(p)
			wc, wcounty, wok := adminRef(p)
			if city != wc || county != wcounty || ok != wok {
				t.Fatalf("%v: placer %s %s %v, polygons %s %s %v", p, city, county, ok, wc, wcounty, wok)
			}
			z, _ := pl.Zone(p)
			if wz := zoneRef(p); z != wz {
				t.Fatalf("%v: placer zone %q, polygons %q", p, z, wz)
			}
			n++
		}
	}
	if n < 25000 {
		t.Fatalf("only %d points", n)
	}
}

// The rasters answer exactly as the polygons do, where it is hardest:
// points on and next to every vertex of the county, city and zone outlines
// (in mixed cells and in the unmarked cells beside them), points on the
// grid lines of the rasters, and random points over Henan.
func TestPlacerRasterExact(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := data.NewPlacer(ds)
	admin, zone := data.PlacerPolygonsOnly(pl)
	check := func(p orb.Point) {
		city, county, ok := pl.Admin(p)
		wc, wcounty, wok := admin(p)
		if city != wc || county != wcounty || ok != wok {
			t.Fatalf("%v: raster %s %s %v, polygons %s %s %v", p, city, county, ok, wc, wcounty, wok)
		}
		if z, _ := pl.Zone(p); z != zone(p) {
			t.Fatalf("%v: raster zone %q, polygons %q", p, z, zone(p))
		}
	}
	n := 0
	for _, a := range ds.Admin {
		for _, pg := range a.Geom {
			for _, r := range pg {
				for k := 0; k < len(r); k += 19 {
					for _, d := range []orb.Point{{0, 0}, {0.0004, 0}, {-0.0004, 0}, {0, 0.0004}, {0, -0.0004}, {0.0013, 0.0011}, {-0.0021, -0.0017}} {
						check(orb.Point{r[k][0] + d[0], r[k][1] + d[1]})
						n++
					}
				}
			}
		}
	}
	for _, z := range ds.Zones {
		for _, pg := range z.Geom {
			for _, r := range pg {
				for k := range r {
					for _, d := range []orb.Point{{0, 0}, {0.0003, 0.0002}, {-0.0002, -0.0003}, {0.001, -0.001}} {
						check(orb.Point{r[k][0] + d[0], r[k][1] + d[1]})
						n++
					}
				}
			}
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		check(orb.Point{110.3 + rng.Float64()*6.4, 31.3 + rng.Float64()*5.2})
		// On the county grid's lines (0.0025°) and the others' (0.01°).
		check(orb.Point{math.Round((110.3+rng.Float64()*6.4)/0.0025) * 0.0025, 31.3 + rng.Float64()*5.2})
		check(orb.Point{110.3 + rng.Float64()*6.4, math.Round((31.3+rng.Float64()*5.2)/0.01) * 0.01})
		n += 3
	}
	t.Logf("%d points", n)
}

// SplitList's byte scan splits exactly where a rune-by-rune split on the
// separators does, invalid UTF-8 and cut characters included.
func TestSplitListMatchesRunes(t *testing.T) {
	parts := []string{";", "；", "、", "|", ",", "，", " ", "\u3000", "a", "专精特新", "\xef", "\xef\xbc", "\xe3\x80", "\xbc\x9b", "\x80\x81", "\xff", "nev_chain", ""}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 20000 {
		var b strings.Builder
		for range rng.IntN(8) {
			b.WriteString(parts[rng.IntN(len(parts))])
		}
		checkSplitList(t, b.String())
	}
}

func FuzzSplitList(f *testing.F) {
	for _, s := range []string{"", " 专精特新、小巨人;链主 | ,", "\xef\xbc;\xe3\x80\x81x", "a，b；c"} {
		f.Add(s)
	}
	f.Fuzz(checkSplitList)
}

// checkSplitList compares SplitList(s) with a rune-by-rune split.
func checkSplitList(t *testing.T, s string) {
	ref := func(s string) []string {
		if s == "" {
			return nil
		}
		f := strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '；' || r == '、' || r == '|' || r == ',' || r == '，' })
		out := f[:0]
		for _, v := range f {
			if v = strings.TrimSpace(v); v != "" {
				out = append(out, v)
			}
		}
		return out
	}
	got, want := data.SplitList(s), ref(s)
	if !slices.Equal(got, want) || (got == nil) != (want == nil) {
		t.Fatalf("SplitList(%q) = %q, want %q", s, got, want)
	}
}

// A planner's list names chains and clusters as the province writes them
// (新能源汽车, or the English name) as well as by id; a chain name never
// resolves to the cluster of the same name (新能源汽车 is both), and an
// unknown one says what to give.
func TestResolveEnterpriseTaxonomyNames(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	pl := data.NewPlacer(ds)
	p := orb.Point{113.70, 34.75} // 郑州
	rows := []data.EnterpriseIn{
		{Where: "row 2", ID: "a", Name: "甲", Point: p, Source: "test", Chains: []string{"新能源汽车", "Biomedicine"}},
		{Where: "row 3", ID: "b", Name: "乙", Point: p, Source: "test", Chains: []string{"nev_chain"}, Clusters: []string{"新材料"}},
		{Where: "row 4", ID: "c", Name: "丙", Point: p, Source: "test", Chains: []string{"新材料"}},
		{Where: "row 5", ID: "d", Name: "丁", Point: p, Source: "test", Clusters: []string{"nev_chain"}},
	}
	got, probs := data.ResolveEnterprises(ds, pl, rows)
	if len(got) != 2 {
		t.Fatalf("resolved %d (%v), want 2", len(got), probs)
	}
	if !slices.Equal(got[0].Chains, []string{"nev_chain", "biomedicine"}) || !slices.Equal(got[0].Clusters, []string{"nev"}) {
		t.Errorf("names: chains %v clusters %v", got[0].Chains, got[0].Clusters)
	}
	if !slices.Equal(got[1].Chains, []string{"nev_chain"}) || !slices.Equal(got[1].Clusters, []string{"new_materials"}) {
		t.Errorf("ids and a cluster name: chains %v clusters %v", got[1].Chains, got[1].Clusters)
	}
	want := map[string]string{"row 4": `unknown chain "新材料": give its id or its name`, "row 5": `unknown cluster "nev_chain"`}
	if len(probs) != 2 {
		t.Errorf("problems %v", probs)
	}
	for _, pr := range probs {
		if w := want[pr.Where]; w == "" || !strings.Contains(pr.Reason, w) {
			t.Errorf("%s: %q, want %q", pr.Where, pr.Reason, w)
		}
	}
}
