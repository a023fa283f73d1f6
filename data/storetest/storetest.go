// Package storetest is the conformance suite every data.Store must pass, in
// the manner of testing/fstest.TestFS: one function, Run, that asks a store
// loaded with the bundled Henan dataset the questions layoutmap asks and
// checks the answers against facts of that dataset.
//
// A few facts are named (18 city-level divisions, 158 counties, 162 zones,
// the 7 clusters, the 7 planning regions, 郑州经济技术开发区's 2023 figure, the
// members of 豫北跨区域协同发展示范区); everything else is computed from the
// store's own unfiltered answers, so the suite checks that filters, paging,
// sorting and tiles agree with the data rather than with hard-coded ids.
// It reports every mismatch, not only the first.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data"
	"layoutmap/geo"
)

// Facts of the bundled dataset the suite asserts by name.
const (
	NumCities   = 18  // 17 cities + 济源
	NumCounties = 158 // county-level divisions in the boundary source, 济源 included
	NumZones    = 162 // rows of zones.csv
	NumClusters = 7   // the "7" of 7+28+N
	NumRegions  = 7   // 中心引领、两带支撑(2)、四区协同(4)

	ZhengzhouCode = "410100"
	ZhengzhouETDZ = "郑州经济技术开发区"
	YubeiRegion   = "豫北跨区域协同发展示范区"
)

// ClusterNames are the 7 clusters of "7+28+N".
var ClusterNames = []string{"新材料", "新能源汽车", "电子信息", "先进装备", "现代医药", "现代食品", "现代轻纺"}

// YubeiCities are the member cities of 豫北跨区域协同发展示范区.
var YubeiCities = []string{"安阳市", "鹤壁市", "濮阳市"}

// Run checks s against the bundled dataset. s must hold exactly that
// dataset with geo.DefaultTiers.
func Run(t *testing.T, s data.Store) {
	t.Helper()
	ctx := context.Background()
	all, err := s.Zones(ctx, geo.Filter{})
	if err != nil {
		t.Fatalf("Zones(no filter): %v", err)
	}
	cities, err := s.AdminAreas(ctx, geo.LevelCity)
	if err != nil {
		t.Fatalf("AdminAreas(city): %v", err)
	}
	counties, err := s.AdminAreas(ctx, geo.LevelCounty)
	if err != nil {
		t.Fatalf("AdminAreas(county): %v", err)
	}
	tax, err := s.Taxonomy(ctx)
	if err != nil {
		t.Fatalf("Taxonomy: %v", err)
	}
	regions, err := s.Regions(ctx)
	if err != nil {
		t.Fatalf("Regions: %v", err)
	}
	st := &suite{s: s, ctx: ctx, all: all, cities: cities, counties: counties, tax: tax, regions: regions, ts: s.Tiers()}
	st.ft, _ = s.(FeatureTiler)
	t.Run("Counts", st.counts)
	t.Run("Taxonomy", st.taxonomy)
	t.Run("Collections", st.collections)
	t.Run("ZhengzhouETDZ", st.zhengzhouETDZ)
	t.Run("Region", st.region)
	t.Run("City", st.city)
	t.Run("Tier", st.tier)
	t.Run("Cluster", st.cluster)
	t.Run("Chain", st.chain)
	t.Run("Paging", st.paging)
	t.Run("Sort", st.sort)
	t.Run("BBox", st.bbox)
	t.Run("NotFound", st.notFound)
	t.Run("BadFilter", st.badFilter)
	t.Run("Schema", st.schema)
	if st.ft != nil {
		t.Run("Tiles", st.tiles)
	}
	t.Run("Misc", st.misc)
}

type suite struct {
	s                data.Store
	ctx              context.Context
	all              []geo.Zone
	cities, counties []geo.AdminArea
	tax              geo.Taxonomy
	regions          []geo.Region
	ts               geo.Tiers
	ft               FeatureTiler // nil: the store encodes tiles itself
}

// FeatureTiler is the optional feature-tile interface (tiles.FeatureSource)
// of a store that gives the tile encoder features (memstore). The tile
// checks of Run apply to stores implementing it; a store that encodes its
// tiles itself (PostGIS ST_AsMVT) is held to the embedded store's tiles,
// decoded, by tiles.TestPostGISMatchesEmbedded.
type FeatureTiler interface {
	TileFeatures(ctx context.Context, q geo.TileQuery) ([]geo.LayerFeatures, error)
}

// page asks for every item of coll under f (limit MaxLimit).
func (st *suite) page(t *testing.T, coll string, f geo.Filter) geo.Page {
	t.Helper()
	if f.Limit == 0 {
		f.Limit = geo.MaxLimit
	}
	p, err := st.s.Items(st.ctx, coll, f)
	if err != nil {
		t.Fatalf("Items(%s, %s): %v", coll, f.Encode().Encode(), err)
	}
	if p.NumberMatched < len(p.Features) {
		t.Errorf("Items(%s, %s): numberMatched %d < %d features", coll, f.Encode().Encode(), p.NumberMatched, len(p.Features))
	}
	return p
}

func featureIDs(fs []geo.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

func zoneIDs(zs []geo.Zone, keep func(*geo.Zone) bool) []string {
	out := []string{}
	for i := range zs {
		if keep == nil || keep(&zs[i]) {
			out = append(out, zs[i].ID)
		}
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

// sameSet reports a mismatch between two id sets, naming what is missing
// and what is extra.
func sameSet(t *testing.T, what string, got, want []string) {
	t.Helper()
	g, w := sorted(got), sorted(want)
	if slices.Equal(g, w) {
		return
	}
	var missing, extra []string
	for _, id := range w {
		if !slices.Contains(g, id) {
			missing = append(missing, id)
		}
	}
	for _, id := range g {
		if !slices.Contains(w, id) {
			extra = append(extra, id)
		}
	}
	t.Errorf("%s: got %d ids, want %d; missing %v; extra %v", what, len(g), len(w), missing, extra)
}

func (st *suite) zoneByName(t *testing.T, name string) *geo.Zone {
	t.Helper()
	var found *geo.Zone
	for i := range st.all {
		if st.all[i].Name == name {
			if found != nil {
				t.Fatalf("two zones named %s: %s and %s", name, found.ID, st.all[i].ID)
			}
			found = &st.all[i]
		}
	}
	if found == nil {
		t.Fatalf("no zone named %s", name)
	}
	return found
}

func (st *suite) cityCode(t *testing.T, name string) string {
	t.Helper()
	for _, c := range st.cities {
		if c.Name == name {
			return c.Code
		}
	}
	t.Fatalf("no city named %s", name)
	return ""
}

func (st *suite) counts(t *testing.T) {
	if len(st.cities) != NumCities {
		t.Errorf("city-level divisions = %d, want %d", len(st.cities), NumCities)
	}
	// 济源 is a county-level division directly under the province and serves
	// as a city-level one; a dataset may list it as a city only (no county
	// of its own), so count childless cities as county-level divisions too.
	childless := 0
	for _, c := range st.cities {
		if !slices.ContainsFunc(st.counties, func(k geo.AdminArea) bool { return k.ParentCode == c.Code }) {
			childless++
		}
	}
	if len(st.counties)+childless != NumCounties {
		t.Errorf("county-level divisions = %d counties + %d childless cities, want %d", len(st.counties), childless, NumCounties)
	}
	if len(st.all) != NumZones {
		t.Errorf("zones = %d, want %d", len(st.all), NumZones)
	}
	prov, err := st.s.AdminAreas(st.ctx, geo.LevelProvince)
	if err != nil || len(prov) != 1 || prov[0].Code != "410000" {
		t.Errorf("AdminAreas(province) = %d areas, err %v; want 410000 only", len(prov), err)
	}
	if !slices.IsSortedFunc(st.all, func(a, b geo.Zone) int { return strings.Compare(a.ID, b.ID) }) {
		t.Errorf("Zones not sorted by id")
	}
	for _, list := range [][]geo.AdminArea{st.cities, st.counties} {
		if !slices.IsSortedFunc(list, func(a, b geo.AdminArea) int { return strings.Compare(a.Code, b.Code) }) {
			t.Errorf("AdminAreas not sorted by code")
		}
	}
	codes := map[string]bool{}
	for _, c := range st.cities {
		codes[c.Code] = true
	}
	for _, c := range st.counties {
		if !codes[c.ParentCode] {
			t.Errorf("county %s %s: parent %q is not a city", c.Code, c.Name, c.ParentCode)
		}
	}
	for _, z := range st.all {
		if !codes[z.CityCode] {
			t.Errorf("zone %s %s: city %q is not a city", z.ID, z.Name, z.CityCode)
		}
	}
	for coll, want := range map[string]int{geo.CollCities: NumCities, geo.CollCounties: len(st.counties), geo.CollZones: NumZones, geo.CollRegions: NumRegions} {
		if p := st.page(t, coll, geo.Filter{}); p.NumberMatched != want || len(p.Features) != want {
			t.Errorf("Items(%s) matched %d, returned %d; want %d", coll, p.NumberMatched, len(p.Features), want)
		}
	}
}

func (st *suite) taxonomy(t *testing.T) {
	var names []string
	for _, c := range st.tax.Clusters {
		names = append(names, c.Name)
		if c.Kind != geo.KindCluster {
			t.Errorf("cluster %s kind = %q, want %q", c.ID, c.Kind, geo.KindCluster)
		}
	}
	if len(st.tax.Clusters) != NumClusters {
		t.Errorf("taxonomy has %d clusters, want %d", len(st.tax.Clusters), NumClusters)
	}
	sameSet(t, "cluster names", names, ClusterNames)
	if len(st.regions) != NumRegions {
		t.Errorf("Regions = %d, want %d", len(st.regions), NumRegions)
	}
	kinds := map[string]int{}
	for _, r := range st.regions {
		kinds[r.Kind]++
		if len(r.Members) == 0 || len(r.Geom) == 0 {
			t.Errorf("region %s: %d members, %d polygons; want both", r.ID, len(r.Members), len(r.Geom))
		}
	}
	if want := map[string]int{geo.RegionCentre: 1, geo.RegionBelt: 2, geo.RegionDemo: 4}; !maps.Equal(kinds, want) {
		t.Errorf("region kinds = %v, want %v", kinds, want)
	}
}

func (st *suite) collections(t *testing.T) {
	cs, err := st.s.Collections(st.ctx)
	if err != nil {
		t.Fatalf("Collections: %v", err)
	}
	var got []string
	for _, c := range cs {
		got = append(got, c.ID)
		p := st.page(t, c.ID, geo.Filter{Limit: 1})
		if c.ItemCount != p.NumberMatched {
			t.Errorf("collection %s item_count %d, numberMatched %d", c.ID, c.ItemCount, p.NumberMatched)
		}
		// An empty collection (enterprises before an import) has no extent.
		if c.ItemCount > 0 && (!c.Extent.Intersects(geo.HenanBound) || c.Extent.IsEmpty()) {
			t.Errorf("collection %s extent %v outside Henan", c.ID, c.Extent)
		}
	}
	want := geo.CollectionNames
	if es, ok := st.s.(data.EnterpriseStore); !ok || enterpriseCount(st, es) == 0 {
		// A store without the enterprise queries, or without a list
		// loaded, does not list the collection.
		want = slices.DeleteFunc(slices.Clone(want), func(id string) bool { return id == geo.CollEnterprises })
	}
	if !slices.Equal(got, want) {
		t.Errorf("Collections = %v, want %v", got, want)
	}
}

func (st *suite) zhengzhouETDZ(t *testing.T) {
	z := st.zoneByName(t, ZhengzhouETDZ)
	if z.CityCode != ZhengzhouCode {
		t.Errorf("%s city = %s, want %s", ZhengzhouETDZ, z.CityCode, ZhengzhouCode)
	}
	h, ok := geo.Headline(z.Revenue, 2023, "")
	if !ok || h.Year != 2023 || h.RevenueYi != 5000 || h.Bound != geo.BoundLower || h.Measure != "营业收入" || h.Source == "" {
		t.Errorf("%s 2023 headline = %+v (ok %v), want a sourced lower bound of 5000 营业收入", ZhengzhouETDZ, h, ok)
	}
	f, err := st.s.Item(st.ctx, geo.CollZones, z.ID)
	if err != nil {
		t.Fatalf("Item(zones, %s): %v", z.ID, err)
	}
	for k, want := range map[string]any{"name": ZhengzhouETDZ, "city_code": ZhengzhouCode} {
		if f.Properties[k] != want {
			t.Errorf("Item %s property %s = %v, want %v", z.ID, k, f.Properties[k], want)
		}
	}
	if f.Geometry == nil || !geo.HenanBound.Contains(f.Geometry.Bound().Center()) {
		t.Errorf("Item %s geometry %v not in Henan", z.ID, f.Geometry)
	}
	five := 5000.0
	p := st.page(t, geo.CollZones, geo.Filter{Year: 2023, MinRevenue: &five})
	if got := featureIDs(p.Features); !slices.Equal(got, []string{z.ID}) || p.NumberMatched != 1 {
		t.Errorf("min_revenue=5000&year=2023 = %v (matched %d), want [%s]", got, p.NumberMatched, z.ID)
	} else {
		pr := p.Features[0].Properties
		if pr["revenue_yi"] != 5000.0 || pr["bound"] != geo.BoundLower || pr["measure"] != "营业收入" || pr["revenue_year"] != 2023 || pr["tier"] != "t5000" {
			t.Errorf("min_revenue item properties = %v, want 2023 lower bound 5000 营业收入, tier t5000", pr)
		}
	}
	// A lower bound of 5000 is not known to be ≤ 6000 (max_revenue semantics).
	six := 6000.0
	p = st.page(t, geo.CollZones, geo.Filter{Year: 2023, MaxRevenue: &six})
	if slices.Contains(featureIDs(p.Features), z.ID) {
		t.Errorf("max_revenue=6000&year=2023 includes %s, whose 2023 figure is only a lower bound", z.ID)
	}
	want := zoneIDs(st.all, func(z *geo.Zone) bool { return geo.MeetsMax(z.Revenue, 2023, "", six) })
	sameSet(t, "max_revenue=6000&year=2023", featureIDs(p.Features), want)
}

func (st *suite) region(t *testing.T) {
	var yubei *geo.Region
	for i := range st.regions {
		if st.regions[i].Name == YubeiRegion {
			yubei = &st.regions[i]
		}
	}
	if yubei == nil {
		t.Fatalf("no region named %s", YubeiRegion)
	}
	var codes []string
	for _, n := range YubeiCities {
		codes = append(codes, st.cityCode(t, n))
	}
	sameSet(t, YubeiRegion+" members", yubei.Members, codes)
	p := st.page(t, geo.CollZones, geo.Filter{Region: []string{yubei.ID}})
	want := zoneIDs(st.all, func(z *geo.Zone) bool { return slices.Contains(codes, z.CityCode) })
	if len(want) == 0 {
		t.Errorf("no zones in %v", YubeiCities)
	}
	sameSet(t, "zones region="+yubei.ID, featureIDs(p.Features), want)
	zs, err := st.s.Zones(st.ctx, geo.Filter{Region: []string{yubei.ID}})
	if err != nil {
		t.Fatalf("Zones(region): %v", err)
	}
	sameSet(t, "Zones(region)", zoneIDs(zs, nil), want)

	sameSet(t, "cities region="+yubei.ID, featureIDs(st.page(t, geo.CollCities, geo.Filter{Region: []string{yubei.ID}}).Features), codes)
	var wantCounties []string
	for _, c := range st.counties {
		if slices.Contains(codes, c.ParentCode) {
			wantCounties = append(wantCounties, c.Code)
		}
	}
	sameSet(t, "counties region="+yubei.ID, featureIDs(st.page(t, geo.CollCounties, geo.Filter{Region: []string{yubei.ID}}).Features), wantCounties)

	// Every region: zones are those of member cities; regions?city= finds it.
	for _, r := range st.regions {
		p := st.page(t, geo.CollZones, geo.Filter{Region: []string{r.ID}})
		sameSet(t, "zones region="+r.ID, featureIDs(p.Features), zoneIDs(st.all, func(z *geo.Zone) bool { return slices.Contains(r.Members, z.CityCode) }))
		for _, m := range r.Members {
			if got := featureIDs(st.page(t, geo.CollRegions, geo.Filter{City: []string{m}}).Features); !slices.Contains(got, r.ID) {
				t.Errorf("regions city=%s = %v, want it to include %s", m, got, r.ID)
			}
		}
	}
}

func (st *suite) city(t *testing.T) {
	for _, c := range st.cities {
		p := st.page(t, geo.CollZones, geo.Filter{City: []string{c.Code}})
		sameSet(t, "zones city="+c.Code, featureIDs(p.Features), zoneIDs(st.all, func(z *geo.Zone) bool { return z.CityCode == c.Code }))
		if got := featureIDs(st.page(t, geo.CollCities, geo.Filter{City: []string{c.Code}}).Features); !slices.Equal(got, []string{c.Code}) {
			t.Errorf("cities city=%s = %v, want the city itself", c.Code, got)
		}
		var want []string
		for _, k := range st.counties {
			if k.ParentCode == c.Code {
				want = append(want, k.Code)
			}
		}
		sameSet(t, "counties city="+c.Code, featureIDs(st.page(t, geo.CollCounties, geo.Filter{City: []string{c.Code}}).Features), want)
	}
}

func (st *suite) tier(t *testing.T) {
	for _, c := range []struct {
		year int
		fam  string
	}{{0, ""}, {2023, ""}, {2019, ""}, {0, geo.FamilyOutput}, {2024, geo.FamilyOutput}} {
		year := c.year
		total := 0
		ids := append([]string{geo.TierNoData}, tierIDs(st.ts)...)
		for _, tier := range ids {
			p := st.page(t, geo.CollZones, geo.Filter{Tier: []string{tier}, Year: year, Measure: c.fam})
			want := zoneIDs(st.all, func(z *geo.Zone) bool { id, _, _ := geo.ZoneTier(st.ts, z.Revenue, year, c.fam); return id == tier })
			sameSet(t, fmt.Sprintf("zones tier=%s&year=%d&measure=%s", tier, year, c.fam), featureIDs(p.Features), want)
			total += p.NumberMatched
			for _, f := range p.Features {
				if f.Properties["tier"] != tier {
					t.Errorf("zone %s in tier=%s has property tier %v", f.ID, tier, f.Properties["tier"])
				}
			}
		}
		if total != NumZones {
			t.Errorf("year %d: tiers cover %d zones, want %d", year, total, NumZones)
		}
	}
	z := st.zoneByName(t, ZhengzhouETDZ)
	if got := featureIDs(st.page(t, geo.CollZones, geo.Filter{Tier: []string{"t5000"}, Year: 2023}).Features); !slices.Contains(got, z.ID) {
		t.Errorf("tier=t5000&year=2023 = %v, want it to include %s", got, z.ID)
	}
	p := st.page(t, geo.CollZones, geo.Filter{Tier: []string{"t5000", geo.TierNoData}, Year: 2023})
	want := zoneIDs(st.all, func(z *geo.Zone) bool {
		id, _, _ := geo.ZoneTier(st.ts, z.Revenue, 2023, "")
		return id == "t5000" || id == geo.TierNoData
	})
	sameSet(t, "tier=t5000,no_data&year=2023", featureIDs(p.Features), want)
}

func tierIDs(ts geo.Tiers) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

func hasCluster(z *geo.Zone, id string) bool {
	return slices.ContainsFunc(z.Clusters, func(c geo.ZoneCluster) bool { return c.ClusterID == id })
}

func (st *suite) cluster(t *testing.T) {
	linked := 0
	for _, c := range st.tax.Clusters {
		p := st.page(t, geo.CollZones, geo.Filter{Cluster: []string{c.ID}})
		want := zoneIDs(st.all, func(z *geo.Zone) bool { return hasCluster(z, c.ID) })
		sameSet(t, "zones cluster="+c.ID, featureIDs(p.Features), want)
		linked += len(want)
		for _, f := range p.Features {
			cl, _ := f.Properties["clusters"].([]string)
			if !slices.Contains(cl, c.ID) {
				t.Errorf("zone %s in cluster=%s has clusters %v", f.ID, c.ID, f.Properties["clusters"])
			}
		}
	}
	if linked == 0 {
		t.Errorf("no zone is linked to any of the 7 clusters")
	}
	if len(st.tax.Clusters) >= 2 {
		a, b := st.tax.Clusters[0].ID, st.tax.Clusters[1].ID
		p := st.page(t, geo.CollZones, geo.Filter{Cluster: []string{a, b}})
		sameSet(t, "cluster="+a+","+b, featureIDs(p.Features), zoneIDs(st.all, func(z *geo.Zone) bool { return hasCluster(z, a) || hasCluster(z, b) }))
		p = st.page(t, geo.CollZones, geo.Filter{Cluster: []string{a}, City: []string{ZhengzhouCode}})
		sameSet(t, "cluster="+a+"&city="+ZhengzhouCode, featureIDs(p.Features), zoneIDs(st.all, func(z *geo.Zone) bool { return hasCluster(z, a) && z.CityCode == ZhengzhouCode }))
	}
}

func (st *suite) chain(t *testing.T) {
	for _, c := range st.tax.Chains {
		p := st.page(t, geo.CollZones, geo.Filter{Chain: []string{c.ID}})
		sameSet(t, "zones chain="+c.ID, featureIDs(p.Features), zoneIDs(st.all, func(z *geo.Zone) bool { return slices.Contains(z.Chains, c.ID) }))
	}
}

func (st *suite) paging(t *testing.T) {
	cases := []struct {
		coll string
		f    geo.Filter
	}{
		{geo.CollZones, geo.Filter{}},
		{geo.CollZones, geo.Filter{SortBy: "-revenue", Year: 2023}},
		{geo.CollZones, geo.Filter{SortBy: "name"}},
		{geo.CollZones, geo.Filter{SortBy: "-area"}},
		{geo.CollZones, geo.Filter{SortBy: "code", City: []string{ZhengzhouCode}}},
		{geo.CollCounties, geo.Filter{SortBy: "-name"}},
		{geo.CollCities, geo.Filter{}},
	}
	for _, c := range cases {
		t.Run(c.coll+"?"+c.f.Encode().Encode()+"&sortby="+c.f.SortBy, func(t *testing.T) {
			full := st.page(t, c.coll, c.f)
			for _, limit := range []int{1, 7, 50} {
				var got []string
				for off := 0; off < full.NumberMatched+limit; off += limit {
					f := c.f
					f.Limit, f.Offset = limit, off
					p := st.page(t, c.coll, f)
					if p.NumberMatched != full.NumberMatched {
						t.Errorf("limit %d offset %d: numberMatched %d, want %d", limit, off, p.NumberMatched, full.NumberMatched)
					}
					if want := max(0, min(limit, full.NumberMatched-off)); len(p.Features) != want {
						t.Errorf("limit %d offset %d: %d features, want %d", limit, off, len(p.Features), want)
					}
					got = append(got, featureIDs(p.Features)...)
				}
				if want := featureIDs(full.Features); !slices.Equal(got, want) {
					t.Errorf("limit %d: pages concatenate to %d ids, want the %d of one full page in the same order", limit, len(got), len(want))
				}
				if len(sorted(got)) != len(slices.Compact(sorted(got))) {
					t.Errorf("limit %d: duplicate ids across pages", limit)
				}
			}
		})
	}
}

func (st *suite) sort(t *testing.T) {
	for _, sortby := range []string{"", "name", "-name", "revenue", "-revenue", "code", "-code", "id", "-id", "area", "-area"} {
		for _, year := range []int{0, 2023} {
			p := st.page(t, geo.CollZones, geo.Filter{SortBy: sortby, Year: year})
			want := slices.Clone(st.all)
			geo.SortZones(want, sortby, year, "")
			if got, w := featureIDs(p.Features), zoneIDs(want, nil); !slices.Equal(got, w) {
				t.Errorf("zones sortby=%q year=%d: order differs from geo.SortZones; first ids %v, want %v", sortby, year, head(got), head(w))
			}
		}
	}
	// -revenue for 2023: figures non-increasing, zones without one last.
	p := st.page(t, geo.CollZones, geo.Filter{SortBy: "-revenue", Year: 2023})
	prev, seenNil := 0.0, false
	for i, f := range p.Features {
		v, ok := f.Properties["revenue_yi"].(float64)
		switch {
		case !ok:
			seenNil = true
		case seenNil:
			t.Errorf("-revenue: %s with a figure after a zone without one", f.ID)
		case i > 0 && v > prev:
			t.Errorf("-revenue: %s (%g) after %g", f.ID, v, prev)
		}
		prev = v
	}
	if len(p.Features) > 0 && p.Features[0].Properties["name"] != ZhengzhouETDZ {
		t.Errorf("-revenue&year=2023 first = %v, want %s", p.Features[0].Properties["name"], ZhengzhouETDZ)
	}
	for _, coll := range []string{geo.CollCities, geo.CollCounties} {
		as := st.cities
		if coll == geo.CollCounties {
			as = st.counties
		}
		for _, sortby := range []string{"", "name", "-name", "code", "-id"} {
			want := slices.Clone(as)
			geo.SortAdminAreas(want, sortby)
			var w []string
			for _, a := range want {
				w = append(w, a.Code)
			}
			if got := featureIDs(st.page(t, coll, geo.Filter{SortBy: sortby}).Features); !slices.Equal(got, w) {
				t.Errorf("%s sortby=%q: first %v, want %v", coll, sortby, head(got), head(w))
			}
		}
	}
}

func head(s []string) []string { return s[:min(5, len(s))] }

func (st *suite) bbox(t *testing.T) {
	features := st.page(t, geo.CollZones, geo.Filter{}).Features
	var zz orb.Bound
	for _, c := range st.cities {
		if c.Code == ZhengzhouCode {
			zz = c.Geom.Bound()
		}
	}
	// A box wholly inside 平顶山市 whose envelope test also caught 郑州市
	// and 洛阳市 (issue 11 case 2): only the geometry counts.
	inPingdingshan := orb.Bound{Min: orb.Point{112.7882, 34.2989}, Max: orb.Point{112.7902, 34.3009}}
	p := st.page(t, geo.CollCities, geo.Filter{BBox: &inPingdingshan})
	if got := featureIDs(p.Features); !slices.Equal(got, []string{"410400"}) || p.NumberMatched != 1 {
		t.Errorf("cities in a box inside 平顶山市: %v (numberMatched %d), want [410400] (1)", got, p.NumberMatched)
	}
	boxes := []orb.Bound{
		zz,
		inPingdingshan,
		{Min: orb.Point{113.5, 34.6}, Max: orb.Point{113.9, 34.9}},
		geo.HenanBound,
		{Min: orb.Point{0, 0}, Max: orb.Point{1, 1}},
		{Min: orb.Point{170, 30}, Max: orb.Point{115, 40}},  // crosses the antimeridian: 170..180 and -180..115
		{Min: orb.Point{170, 30}, Max: orb.Point{-170, 40}}, // crosses it, nowhere near Henan
	}
	// A tiny box near a corner of some zone's envelope but off its outline.
	for _, ft := range features {
		fb := ft.Geometry.Bound()
		c := orb.Point{fb.Min[0] + 0.02*(fb.Max[0]-fb.Min[0]), fb.Min[1] + 0.02*(fb.Max[1]-fb.Min[1])}
		tiny := orb.Bound{Min: c, Max: orb.Point{c[0] + 1e-6, c[1] + 1e-6}}
		if !geo.IntersectsBBox(ft.Geometry, fb, tiny) {
			boxes = append(boxes, tiny)
			break
		}
	}
	envelopeDiffers := false
	for _, b := range boxes {
		f := geo.Filter{BBox: &b}
		var want, byEnvelope []string
		for _, ft := range features {
			if geo.IntersectsBBox(ft.Geometry, ft.Geometry.Bound(), b) {
				want = append(want, ft.ID)
			}
			if geo.BBoxMeetsBound(b, ft.Geometry.Bound()) {
				byEnvelope = append(byEnvelope, ft.ID)
			}
		}
		envelopeDiffers = envelopeDiffers || len(want) != len(byEnvelope)
		name := fmt.Sprintf("bbox=%v", b)
		sameSet(t, "zones "+name, featureIDs(st.page(t, geo.CollZones, f).Features), want)
		zs, err := st.s.Zones(st.ctx, f)
		if err != nil {
			t.Fatalf("Zones(%s): %v", name, err)
		}
		sameSet(t, "Zones "+name, zoneIDs(zs, nil), want)
		var wantCities []string
		for _, c := range st.cities {
			if geo.IntersectsBBox(c.Geom, c.Geom.Bound(), b) {
				wantCities = append(wantCities, c.Code)
			}
		}
		sameSet(t, "cities "+name, featureIDs(st.page(t, geo.CollCities, f).Features), wantCities)
	}
	if !envelopeDiffers {
		t.Error("no box tells geometry from envelope intersection for zones; the test would not see an envelope-only bbox")
	}
	west := orb.Bound{Min: orb.Point{-180, 30}, Max: orb.Point{115, 40}}
	across := orb.Bound{Min: orb.Point{170, 30}, Max: orb.Point{115, 40}}
	w, a := st.page(t, geo.CollZones, geo.Filter{BBox: &west}), st.page(t, geo.CollZones, geo.Filter{BBox: &across})
	if w.NumberMatched == 0 || w.NumberMatched == NumZones || a.NumberMatched != w.NumberMatched {
		t.Errorf("zones in 170,30,115,40 (across the antimeridian): %d, in -180,30,115,40: %d; want equal, some but not all", a.NumberMatched, w.NumberMatched)
	}
	z := st.zoneByName(t, ZhengzhouETDZ)
	if got := featureIDs(st.page(t, geo.CollZones, geo.Filter{BBox: &zz}).Features); !slices.Contains(got, z.ID) || len(got) == NumZones {
		t.Errorf("bbox of 郑州市 gives %d zones, want some including %s", len(got), z.ID)
	}
	if p := st.page(t, geo.CollZones, geo.Filter{BBox: &geo.HenanBound}); p.NumberMatched != NumZones {
		t.Errorf("bbox of Henan matched %d zones, want %d", p.NumberMatched, NumZones)
	}
}

func (st *suite) notFound(t *testing.T) {
	for _, c := range []struct{ coll, id string }{
		{geo.CollZones, "no-such-zone"},
		{geo.CollCities, "999999"},
		{geo.CollCities, st.counties[0].Code}, // a county is not a city
		{geo.CollCounties, ZhengzhouCode},     // a city is not a county
		{geo.CollRegions, "no-such-region"},
	} {
		if _, err := st.s.Item(st.ctx, c.coll, c.id); !errors.Is(err, data.ErrNotFound) {
			t.Errorf("Item(%s, %s) error = %v, want data.ErrNotFound", c.coll, c.id, err)
		}
	}
	if _, err := st.s.Item(st.ctx, "nope", "x"); !errors.Is(err, data.ErrUnknownCollection) {
		t.Errorf("Item(nope) error = %v, want data.ErrUnknownCollection", err)
	}
	if _, err := st.s.Items(st.ctx, "nope", geo.Filter{}); !errors.Is(err, data.ErrUnknownCollection) {
		t.Errorf("Items(nope) error = %v, want data.ErrUnknownCollection", err)
	}
	for _, c := range []struct {
		coll string
		id   string
	}{{geo.CollZones, st.all[0].ID}, {geo.CollCities, ZhengzhouCode}, {geo.CollCounties, st.counties[0].Code}, {geo.CollRegions, st.regions[0].ID}} {
		f, err := st.s.Item(st.ctx, c.coll, c.id)
		if err != nil || f.ID != c.id || f.Geometry == nil {
			t.Errorf("Item(%s, %s) = id %q, geometry %v, err %v", c.coll, c.id, f.ID, f.Geometry != nil, err)
		}
	}
	f := st.page(t, geo.CollZones, geo.Filter{Offset: NumZones + 10})
	if len(f.Features) != 0 || f.NumberMatched != NumZones {
		t.Errorf("offset past the end: %d features, matched %d; want 0 and %d", len(f.Features), f.NumberMatched, NumZones)
	}
}

func (st *suite) badFilter(t *testing.T) {
	ten := 10.0
	cases := []struct {
		name  string
		coll  string
		f     geo.Filter
		field string
	}{
		{"unknown city", geo.CollZones, geo.Filter{City: []string{"999999"}}, "city"},
		{"county code as city", geo.CollZones, geo.Filter{City: []string{st.counties[0].Code}}, "city"},
		{"unknown cluster", geo.CollZones, geo.Filter{Cluster: []string{"no-such-cluster"}}, "cluster"},
		{"unknown chain", geo.CollZones, geo.Filter{Chain: []string{"no-such-chain"}}, "chain"},
		{"unknown region", geo.CollCities, geo.Filter{Region: []string{"no-such-region"}}, "region"},
		{"unknown tier", geo.CollZones, geo.Filter{Tier: []string{"t42"}}, "tier"},
		{"tier on cities", geo.CollCities, geo.Filter{Tier: []string{"t5000"}}, "tier"},
		{"min_revenue on counties", geo.CollCounties, geo.Filter{MinRevenue: &ten}, "min_revenue"},
		{"revenue sort on regions", geo.CollRegions, geo.Filter{SortBy: "-revenue"}, "sortby"},
		{"unknown sort key", geo.CollZones, geo.Filter{SortBy: "colour"}, "sortby"},
		{"limit over maximum", geo.CollZones, geo.Filter{Limit: geo.MaxLimit + 1}, "limit"},
		{"negative offset", geo.CollZones, geo.Filter{Offset: -1}, "offset"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := st.s.Items(st.ctx, c.coll, c.f)
			fes, ok := geo.AsFieldErrors(err)
			if !ok {
				t.Fatalf("Items(%s) error = %v, want geo.FieldErrors", c.coll, err)
			}
			if !slices.ContainsFunc(fes, func(fe *geo.FieldError) bool { return fe.Field == c.field }) {
				t.Errorf("field errors %v do not name %s", fes, c.field)
			}
		})
	}
	if _, err := st.s.Zones(st.ctx, geo.Filter{Cluster: []string{"no-such-cluster"}}); err == nil {
		t.Errorf("Zones(unknown cluster) error = nil, want FieldErrors")
	} else if _, ok := geo.AsFieldErrors(err); !ok {
		t.Errorf("Zones(unknown cluster) error = %v, want FieldErrors", err)
	}
	if st.ft == nil {
		return
	}
	q := geo.TileQuery{Z: 5, X: 26, Y: 12, Filter: geo.Filter{City: []string{"999999"}}}
	if _, err := st.ft.TileFeatures(st.ctx, q); err == nil {
		t.Errorf("TileFeatures(unknown city) error = nil, want FieldErrors")
	} else if _, ok := geo.AsFieldErrors(err); !ok {
		t.Errorf("TileFeatures(unknown city) error = %v, want FieldErrors", err)
	}
	for _, q := range []geo.TileQuery{{Z: geo.MaxZoom + 1}, {Z: 2, X: 4, Y: 0}, {Z: 2, X: 0, Y: 4}} {
		if _, err := st.ft.TileFeatures(st.ctx, q); err == nil {
			t.Errorf("TileFeatures(%d/%d/%d) error = nil, want a FieldError", q.Z, q.X, q.Y)
		} else if _, ok := geo.AsFieldErrors(err); !ok {
			t.Errorf("TileFeatures(%d/%d/%d) error = %v, want FieldErrors", q.Z, q.X, q.Y, err)
		}
	}
}

// layer returns the features of name in lfs, failing when it is missing.
func layer(t *testing.T, lfs []geo.LayerFeatures, name string) []geo.Feature {
	t.Helper()
	for _, l := range lfs {
		if l.Layer == name {
			return l.Features
		}
	}
	t.Errorf("tile has no layer %s", name)
	return nil
}

// tiles checks TileFeatures: the layers and the zone of every zoom, the
// province's z5 tiles, filters and an empty tile.
func (st *suite) tiles(t *testing.T) {
	z := st.zoneByName(t, ZhengzhouETDZ)
	for _, zoom := range []uint32{0, 5, 8, 9, 11, 14} {
		st.tileAt(t, z, zoom)
	}
	st.tilesOverHenan(t)
	st.tileFilters(t, z)
	st.farTile(t)
}

// tileAt checks the tile over zone z at zoom: layers in order, scalar
// properties, the city and zone present from z5, labels from their zooms.
func (st *suite) tileAt(t *testing.T, z *geo.Zone, zoom uint32) {
	tile := maptile.At(z.Point, maptile.Zoom(zoom))
	q := geo.TileQuery{Z: zoom, X: tile.X, Y: tile.Y}
	lfs, err := st.ft.TileFeatures(st.ctx, q)
	if err != nil {
		t.Fatalf("TileFeatures(%d/%d/%d): %v", q.Z, q.X, q.Y, err)
	}
	var names []string
	for _, l := range lfs {
		names = append(names, l.Layer)
		for _, f := range l.Features {
			if f.Geometry == nil || f.ID == "" {
				t.Errorf("z%d layer %s: feature %q without id or geometry", zoom, l.Layer, f.ID)
			}
			for k, v := range f.Properties {
				switch v.(type) {
				case string, int, float64, bool:
				default:
					t.Errorf("z%d layer %s feature %s: property %s is %T, want a scalar", zoom, l.Layer, f.ID, k, v)
				}
			}
		}
	}
	if want := geo.LayersAt(zoom); !slices.Equal(names, want) {
		t.Errorf("z%d layers = %v, want %v", zoom, names, want)
	}
	if zoom >= 5 && !slices.Contains(featureIDs(layer(t, lfs, geo.LayerCities)), ZhengzhouCode) {
		t.Errorf("z%d tile %d/%d has no city %s", zoom, tile.X, tile.Y, ZhengzhouCode)
	}
	if zoom >= 5 && !slices.Contains(featureIDs(layer(t, lfs, geo.LayerZones)), z.ID) {
		t.Errorf("z%d tile %d/%d has no zone %s", zoom, tile.X, tile.Y, z.ID)
	}
	labels := layer(t, lfs, geo.LayerLabels)
	var zoneLabel bool
	for _, l := range labels {
		if l.Properties["kind"] == geo.LabelZone {
			zoneLabel = zoneLabel || l.ID == z.ID
			if zoom < geo.LabelMinZoom[geo.LabelZone] {
				t.Errorf("z%d: zone label %s below its min zoom", zoom, l.ID)
			}
		}
		if l.Properties["kind"] == geo.LabelCounty && zoom < geo.LabelMinZoom[geo.LabelCounty] {
			t.Errorf("z%d: county label %s below its min zoom", zoom, l.ID)
		}
	}
	if zoneLabel != (zoom >= geo.LabelMinZoom[geo.LabelZone]) {
		t.Errorf("z%d: label of %s present = %v", zoom, z.ID, zoneLabel)
	}
}

// tilesOverHenan checks that the z5 tiles over Henan together hold the
// province, every city and every region (nothing vanishes in
// simplification at z5).
func (st *suite) tilesOverHenan(t *testing.T) {
	seen := map[string]map[string]bool{}
	lo, hi := maptile.At(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, 5), maptile.At(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, 5)
	for x := lo.X; x <= hi.X; x++ {
		for y := lo.Y; y <= hi.Y; y++ {
			lfs, err := st.ft.TileFeatures(st.ctx, geo.TileQuery{Z: 5, X: x, Y: y})
			if err != nil {
				t.Fatalf("TileFeatures(5/%d/%d): %v", x, y, err)
			}
			for _, l := range lfs {
				if seen[l.Layer] == nil {
					seen[l.Layer] = map[string]bool{}
				}
				for _, f := range l.Features {
					seen[l.Layer][f.ID] = true
				}
			}
		}
	}
	for name, want := range map[string]int{geo.LayerProvince: 1, geo.LayerCities: NumCities, geo.LayerRegions: NumRegions, geo.LayerZones: NumZones} {
		if len(seen[name]) != want {
			t.Errorf("z5 tiles over Henan: layer %s has %d distinct features, want %d", name, len(seen[name]), want)
		}
	}
}

// tileFilters checks that filters reach the zones layer and the zone
// labels: min_revenue=5000&year=2023 leaves zone z alone.
func (st *suite) tileFilters(t *testing.T, z *geo.Zone) {
	tile := maptile.At(z.Point, 8)
	five := 5000.0
	lfs, err := st.ft.TileFeatures(st.ctx, geo.TileQuery{Z: 8, X: tile.X, Y: tile.Y, Filter: geo.Filter{Year: 2023, MinRevenue: &five}})
	if err != nil {
		t.Fatalf("TileFeatures(filtered): %v", err)
	}
	zs := layer(t, lfs, geo.LayerZones)
	if got := featureIDs(zs); !slices.Equal(got, []string{z.ID}) {
		t.Errorf("z8 zones with min_revenue=5000&year=2023 = %v, want [%s]", got, z.ID)
	} else if zs[0].Properties["tier"] != "t5000" || zs[0].Properties["revenue_yi"] != 5000.0 {
		t.Errorf("z8 zone properties = %v, want tier t5000 and revenue_yi 5000", zs[0].Properties)
	}
	// The filter reaches zone labels too (z9 and up).
	tile = maptile.At(z.Point, 9)
	lfs, err = st.ft.TileFeatures(st.ctx, geo.TileQuery{Z: 9, X: tile.X, Y: tile.Y, Filter: geo.Filter{Year: 2023, MinRevenue: &five}})
	if err != nil {
		t.Fatalf("TileFeatures(filtered z9): %v", err)
	}
	var zoneLabels []string
	for _, l := range layer(t, lfs, geo.LayerLabels) {
		if l.Properties["kind"] == geo.LabelZone {
			zoneLabels = append(zoneLabels, l.ID)
		}
	}
	if !slices.Equal(zoneLabels, []string{z.ID}) {
		t.Errorf("z9 zone labels with min_revenue=5000&year=2023 = %v, want [%s]", zoneLabels, z.ID)
	}
}

// farTile checks that a tile far from Henan is empty but keeps its layers.
func (st *suite) farTile(t *testing.T) {
	lfs, err := st.ft.TileFeatures(st.ctx, geo.TileQuery{Z: 6, X: 0, Y: 0})
	if err != nil {
		t.Fatalf("TileFeatures(6/0/0): %v", err)
	}
	for _, l := range lfs {
		if len(l.Features) != 0 {
			t.Errorf("6/0/0 layer %s has %d features, want none", l.Layer, len(l.Features))
		}
	}
}

func (st *suite) misc(t *testing.T) {
	if err := st.s.Ping(st.ctx); err != nil {
		t.Errorf("Ping: %v", err)
	}
	if v, err := st.s.Version(st.ctx); err != nil || v < 1 {
		t.Errorf("Version = %d, %v; want ≥ 1", v, err)
	}
	if len(st.ts) == 0 || st.ts[0].MinYi != 5000 {
		t.Errorf("Tiers = %v, want the default tiers (≥5000 first)", st.ts)
	}
	ctx, cancel := context.WithCancel(st.ctx)
	cancel()
	if _, err := st.s.Items(ctx, geo.CollZones, geo.Filter{}); !errors.Is(err, context.Canceled) {
		t.Errorf("Items with a cancelled context: error %v, want context.Canceled", err)
	}
	// Statistics from Zones agree with the tier filter.
	for _, ts := range geo.TierStats(st.all, st.ts, 2023, "") {
		p := st.page(t, geo.CollZones, geo.Filter{Tier: []string{ts.Tier.ID}, Year: 2023})
		if p.NumberMatched != ts.Zones {
			t.Errorf("TierStats %s = %d zones, tier filter %d", ts.Tier.ID, ts.Zones, p.NumberMatched)
		}
	}
	for _, cs := range geo.ClusterStats(st.all, st.tax, 2023, "") {
		p := st.page(t, geo.CollZones, geo.Filter{Cluster: []string{cs.ClusterID}})
		if p.NumberMatched != cs.Zones {
			t.Errorf("ClusterStats %s = %d zones, cluster filter %d", cs.ClusterID, cs.Zones, p.NumberMatched)
		}
	}
	st.stats(t)
}

// stats checks Store.Stats against geo.StatsOf over the store's own Zones
// (the rules written once in geo) and against the items filters, for
// filters with and without a year, in both measure families.
func (st *suite) stats(t *testing.T) {
	zones := func(f geo.Filter) ([]geo.Zone, error) { return st.s.Zones(st.ctx, f) }
	minRev := 100.0
	filters := []geo.Filter{{}, {Year: 2023}, {Year: 2021}, {Year: 1990}, {Measure: geo.FamilyOutput}, {City: []string{ZhengzhouCode}},
		{MinRevenue: &minRev}, {Tier: []string{"t1000", geo.TierNoData}}, {Cluster: []string{st.tax.Clusters[0].ID}, Year: 2022},
		{BBox: &orb.Bound{Min: orb.Point{112, 34}, Max: orb.Point{115, 36}}}}
	for _, f := range filters {
		got, err := st.s.Stats(st.ctx, geo.StatsQuery{Filter: f})
		if err != nil {
			t.Errorf("Stats(%v): %v", f.Encode(), err)
			continue
		}
		want, err := geo.StatsOf(geo.StatsQuery{Filter: f}, st.tax, st.ts, zones, zones)
		if err != nil {
			t.Fatalf("StatsOf(%v): %v", f.Encode(), err)
		}
		got.CityNames = nil
		if !reflect.DeepEqual(got, want) {
			t.Errorf("Stats(%v) = %+v\ngeo.StatsOf over Zones = %+v", f.Encode(), got, want)
		}
		if f.Year == 0 && f.Measure == "" && got.Year == 0 {
			t.Errorf("Stats(%v): no latest comparable year; the bundled dataset has figures", f.Encode())
		}
		for _, ts := range got.Tiers {
			g := f
			g.Tier, g.Year = []string{ts.Tier.ID}, got.Year
			if got.Year == 0 {
				continue
			}
			if p := st.page(t, geo.CollZones, g); p.NumberMatched != ts.Zones && len(f.Tier) == 0 {
				t.Errorf("Stats(%v) tier %s = %d zones, items?tier= %d", f.Encode(), ts.Tier.ID, ts.Zones, p.NumberMatched)
			}
		}
	}
	s, err := st.s.Stats(st.ctx, geo.StatsQuery{})
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range st.cities {
		if s.CityNames[c.Code].Name != c.Name || s.CityNames[c.Code].NameEN != c.NameEN {
			t.Errorf("Stats city name %s = %+v, AdminAreas %s/%s", c.Code, s.CityNames[c.Code], c.Name, c.NameEN)
		}
	}
	if _, err := st.s.Stats(st.ctx, geo.StatsQuery{Filter: geo.Filter{Cluster: []string{"no-such-cluster"}}}); !errors.As(err, new(geo.FieldErrors)) {
		t.Errorf("Stats with an unknown cluster: error %v, want geo.FieldErrors", err)
	}
}

// schema checks that items carry exactly the properties geo builds, so
// every store speaks the one schema of geo/properties.go.
// schema checks that items, Item and tiles carry the properties the
// descriptors give (geo.ZoneProperties, AdminProperties …).
func (st *suite) schema(t *testing.T) {
	byID := map[string]*geo.Zone{}
	for i := range st.all {
		byID[st.all[i].ID] = &st.all[i]
	}
	regions := map[string]*geo.Region{}
	for i := range st.regions {
		regions[st.regions[i].ID] = &st.regions[i]
	}
	st.zoneItemProperties(t, byID)
	st.adminRegionItemProperties(t, regions)
	if st.ft != nil {
		st.tileProperties(t, byID, regions)
	}
}

// zoneItemProperties checks the zones' items (year 0 and 2023) and Item.
func (st *suite) zoneItemProperties(t *testing.T, byID map[string]*geo.Zone) {
	for _, year := range []int{0, 2023} {
		for _, f := range st.page(t, geo.CollZones, geo.Filter{Year: year}).Features {
			z := byID[f.ID]
			if z == nil {
				t.Errorf("zones item %s not in Zones", f.ID)
				continue
			}
			if want := geo.ZoneProperties(z, st.ts, year, ""); !reflect.DeepEqual(f.Properties, want) {
				t.Errorf("zone %s year %d properties =\n%v\nwant geo.ZoneProperties\n%v", f.ID, year, f.Properties, want)
			}
		}
	}
	z := st.zoneByName(t, ZhengzhouETDZ)
	if f, err := st.s.Item(st.ctx, geo.CollZones, z.ID); err != nil || !reflect.DeepEqual(f.Properties, geo.ZoneProperties(z, st.ts, 0, "")) {
		t.Errorf("Item(zones, %s) properties = %v (err %v), want geo.ZoneProperties for year 0", z.ID, f.Properties, err)
	}
}

// adminRegionItemProperties checks the items of cities, counties and
// regions.
func (st *suite) adminRegionItemProperties(t *testing.T, regions map[string]*geo.Region) {
	for _, c := range []struct {
		coll  string
		areas []geo.AdminArea
	}{{geo.CollCities, st.cities}, {geo.CollCounties, st.counties}} {
		fs := st.page(t, c.coll, geo.Filter{}).Features
		if len(fs) != len(c.areas) {
			t.Errorf("%s: %d items, %d admin areas", c.coll, len(fs), len(c.areas))
			continue
		}
		for i, f := range fs {
			if want := geo.AdminProperties(&c.areas[i]); f.ID != c.areas[i].Code || !reflect.DeepEqual(f.Properties, want) {
				t.Errorf("%s item %s properties = %v, want geo.AdminProperties %v", c.coll, f.ID, f.Properties, want)
			}
		}
	}
	for _, f := range st.page(t, geo.CollRegions, geo.Filter{}).Features {
		if r := regions[f.ID]; r == nil || !reflect.DeepEqual(f.Properties, geo.RegionProperties(r)) {
			t.Errorf("region item %s properties = %v, want geo.RegionProperties", f.ID, f.Properties)
		}
	}
}

// tileProperties checks the properties of every layer's features of the
// z9 tile around 郑州经济技术开发区 for 2023.
func (st *suite) tileProperties(t *testing.T, byID map[string]*geo.Zone, regions map[string]*geo.Region) {
	z := st.zoneByName(t, ZhengzhouETDZ)
	tile := maptile.At(z.Point, 9)
	lfs, err := st.ft.TileFeatures(st.ctx, geo.TileQuery{Z: 9, X: tile.X, Y: tile.Y, Filter: geo.Filter{Year: 2023}})
	if err != nil {
		t.Fatalf("TileFeatures: %v", err)
	}
	admin := map[string]*geo.AdminArea{}
	for _, list := range [][]geo.AdminArea{st.cities, st.counties} {
		for i := range list {
			admin[list[i].Code] = &list[i]
		}
	}
	for _, l := range lfs {
		for _, f := range l.Features {
			var want geo.Properties
			switch l.Layer {
			case geo.LayerZones:
				want = geo.ZoneTileProperties(byID[f.ID], st.ts, 2023, "")
			case geo.LayerCities, geo.LayerCounties:
				want = geo.AdminTileProperties(admin[f.ID])
			case geo.LayerRegions:
				want = geo.RegionTileProperties(regions[f.ID])
			case geo.LayerLabels:
				if f.Properties["kind"] == geo.LabelZone {
					want = geo.ZoneLabelProperties(byID[f.ID], st.ts, 2023, "")
				} else {
					want = geo.AdminLabelProperties(admin[f.ID])
				}
			default:
				continue
			}
			if !reflect.DeepEqual(f.Properties, want) {
				t.Errorf("z9 layer %s feature %s properties = %v, want %v", l.Layer, f.ID, f.Properties, want)
			}
		}
	}
}

func enterpriseCount(st *suite, es data.EnterpriseStore) int {
	inf, err := es.EnterpriseInfo(st.ctx)
	if err != nil {
		return 0
	}
	return inf.Count
}
