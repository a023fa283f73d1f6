package postgis_test

import (
	"fmt"
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// TestAgreesWithGeoRules asks the PostGIS store a grid of zone filters on
// the bundled dataset and requires exactly the zones geo.Filter.MatchZone
// (plus the bbox rule: bounds intersect) selects from the dataset itself,
// so the SQL of tiers, thresholds and headline years cannot drift from geo.
func TestAgreesWithGeoRules(t *testing.T) {
	_, s, ds := bundled(t)
	ctx := t.Context()
	members := func(r string) []string {
		for _, reg := range ds.Regions {
			if reg.ID == r {
				return reg.Members
			}
		}
		return nil
	}
	years := []int{0}
	for _, z := range ds.Zones {
		for _, r := range z.Revenue {
			if !slices.Contains(years, r.Year) {
				years = append(years, r.Year)
			}
		}
	}
	var regions, clusters, chains []string
	for _, r := range ds.Regions {
		regions = append(regions, r.ID)
	}
	for _, c := range ds.Taxonomy.Clusters {
		clusters = append(clusters, c.ID)
	}
	for _, c := range ds.Taxonomy.Chains {
		chains = append(chains, c.ID)
	}
	f := func(x float64) *float64 { return &x }
	var filters []geo.Filter
	for _, y := range years {
		filters = append(filters, geo.Filter{Year: y})
		for _, th := range []float64{0, 100, 500, 535.1, 1000, 5000, 1e9} {
			filters = append(filters, geo.Filter{Year: y, MinRevenue: f(th)}, geo.Filter{Year: y, MaxRevenue: f(th)})
		}
		for _, tier := range append([]string{geo.TierNoData}, tierIDs()...) {
			filters = append(filters, geo.Filter{Year: y, Tier: []string{tier}})
		}
	}
	for _, r := range regions {
		filters = append(filters, geo.Filter{Region: []string{r}})
	}
	for _, c := range clusters {
		filters = append(filters, geo.Filter{Cluster: []string{c}}, geo.Filter{Cluster: []string{c}, Tier: []string{geo.TierNoData}})
	}
	for _, c := range chains {
		filters = append(filters, geo.Filter{Chain: []string{c}})
	}
	for _, a := range ds.Admin {
		if a.Level == geo.LevelCity {
			filters = append(filters, geo.Filter{City: []string{a.Code}})
		}
	}
	for _, b := range []orb.Bound{
		{Min: orb.Point{113.5, 34.5}, Max: orb.Point{114, 35}},
		{Min: orb.Point{110, 31}, Max: orb.Point{117, 37}},
		{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}},
		{Min: orb.Point{113.741036, 34.722424}, Max: orb.Point{113.741036, 34.722424}},
	} {
		filters = append(filters, geo.Filter{BBox: &b}, geo.Filter{BBox: &b, Cluster: clusters[:2]})
	}
	for _, flt := range filters {
		t.Run(fmt.Sprintf("%v", flt.Encode()), func(t *testing.T) {
			want := []string{}
			for i := range ds.Zones {
				z := &ds.Zones[i]
				if flt.BBox != nil && !flt.BBox.Intersects(geo.ZoneGeometry(z).Bound()) { // served geometry: outline, else point
					continue
				}
				if flt.MatchZone(z, geo.DefaultTiers, members) {
					want = append(want, z.ID)
				}
			}
			slices.Sort(want)
			zs, err := s.Zones(ctx, flt)
			if err != nil {
				t.Fatal(err)
			}
			got := []string{}
			for _, z := range zs {
				got = append(got, z.ID)
			}
			if !slices.Equal(got, want) {
				t.Fatalf("got %d zones %v\nwant %d %v", len(got), got, len(want), want)
			}
		})
	}
}

func tierIDs() []string {
	var out []string
	for _, t := range geo.DefaultTiers {
		out = append(out, t.ID)
	}
	return out
}

// TestRoundTrip: every zone, admin area and region comes back as stored,
// geometry within 1e-7°.
func TestRoundTrip(t *testing.T) {
	_, s, ds := bundled(t)
	ctx := t.Context()
	zs, err := s.Zones(ctx, geo.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if len(zs) != len(ds.Zones) {
		t.Fatalf("%d zones, want %d", len(zs), len(ds.Zones))
	}
	for i, want := range ds.Zones {
		got := zs[i]
		if msg := diffZone(got, want); msg != "" {
			t.Errorf("zone %s: %s", want.ID, msg)
		}
	}
	for _, lv := range []string{geo.LevelProvince, geo.LevelCity, geo.LevelCounty} {
		as, err := s.AdminAreas(ctx, lv)
		if err != nil {
			t.Fatal(err)
		}
		var want []geo.AdminArea
		for _, a := range ds.Admin {
			if a.Level == lv {
				want = append(want, a)
			}
		}
		if len(as) != len(want) {
			t.Fatalf("%s: %d areas, want %d", lv, len(as), len(want))
		}
		for i := range want {
			g, w := as[i], want[i]
			if g.Code != w.Code || g.Name != w.Name || g.NameEN != w.NameEN || g.ParentCode != w.ParentCode || g.Source != w.Source ||
				!near(g.LabelPoint, w.LabelPoint) || !nearGeom(g.Geom, w.Geom) {
				t.Errorf("admin %s differs", w.Code)
			}
		}
	}
	rs, err := s.Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	wantRegions := slices.Clone(ds.Regions)
	slices.SortFunc(wantRegions, func(a, b geo.Region) int { return strings.Compare(a.ID, b.ID) })
	for i, w := range wantRegions {
		g := rs[i]
		if g.ID != w.ID || !slices.Equal(g.Members, w.Members) || g.Derived != w.Derived || g.Source != w.Source || len(g.Roles) != len(w.Roles) || !nearGeom(g.Geom, w.Geom) {
			t.Errorf("region %s differs: %+v", w.ID, g)
		}
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(tax.Clusters) != len(ds.Taxonomy.Clusters) || len(tax.Chains) != len(ds.Taxonomy.Chains) || len(tax.Recognised) != len(ds.Taxonomy.Recognised) || !slices.Equal(tax.Keywords, ds.Taxonomy.Keywords) {
		t.Errorf("taxonomy differs: %d/%d/%d clusters/chains/recognised", len(tax.Clusters), len(tax.Chains), len(tax.Recognised))
	}
	for i, c := range ds.Taxonomy.Recognised {
		if g := tax.Recognised[i]; g.ID != c.ID || g.ScaleClass != c.ScaleClass || !slices.Equal(g.Cities, c.Cities) || g.Parent != c.Parent {
			t.Errorf("recognised cluster %s differs: %+v vs %+v", c.ID, g, c)
		}
	}
}

func diffZone(g, w geo.Zone) string {
	switch {
	case g.ID != w.ID || g.Name != w.Name || g.NameEN != w.NameEN || g.Level != w.Level || g.LevelEN != w.LevelEN:
		return "names/level"
	case g.CityCode != w.CityCode || g.CountyCode != w.CountyCode:
		return "codes"
	case !slices.Equal(g.LeadIndustries, w.LeadIndustries) && !(len(g.LeadIndustries) == 0 && len(w.LeadIndustries) == 0):
		return "lead industries"
	case (g.AreaHa == nil) != (w.AreaHa == nil) || (g.AreaHa != nil && *g.AreaHa != *w.AreaHa):
		return "area"
	case !near(g.Point, w.Point) || g.PointQuality != w.PointQuality || g.GeomQuality != w.GeomQuality || g.Source != w.Source:
		return "point/quality/source"
	case !nearGeom(g.Geom, w.Geom):
		return "geometry"
	case !slices.Equal(g.Clusters, w.Clusters) && !(len(g.Clusters) == 0 && len(w.Clusters) == 0):
		return fmt.Sprintf("clusters %v vs %v", g.Clusters, w.Clusters)
	case !slices.Equal(g.Chains, w.Chains) && !(len(g.Chains) == 0 && len(w.Chains) == 0):
		return "chains"
	case !slices.Equal(g.Regions, w.Regions) && !(len(g.Regions) == 0 && len(w.Regions) == 0):
		return fmt.Sprintf("regions %v vs %v", g.Regions, w.Regions)
	case !sameRevenue(g.Revenue, w.Revenue):
		return fmt.Sprintf("revenue %v vs %v", g.Revenue, w.Revenue)
	}
	return ""
}

func sameRevenue(a, b []geo.Revenue) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		x, y := a[i], b[i]
		if y.Period == "" {
			y.Period = geo.PeriodFullYear
		}
		if x != y {
			return false
		}
	}
	return true
}

func near(a, b orb.Point) bool { return math.Abs(a[0]-b[0]) <= 1e-7 && math.Abs(a[1]-b[1]) <= 1e-7 }

func nearGeom(a, b orb.MultiPolygon) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if len(a[i][j]) != len(b[i][j]) {
				return false
			}
			for k := range a[i][j] {
				if !near(a[i][j][k], b[i][j][k]) {
					return false
				}
			}
		}
	}
	return true
}
