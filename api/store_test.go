package api

// Interim test store: until the memstore and dataset branches are merged
// into main, the HTTP tests run against this small store over a handful of
// real rows of the shared zones.csv/revenue.csv (sources kept). Outlines
// are test squares, not data. Replace newTestStore with
// memstore.New(henan.Load()) once merged (issue 2).

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

type testStore struct {
	cities []geo.AdminArea
	zones  []geo.Zone
	tax    geo.Taxonomy
	region []geo.Region
	down   bool
}

func square(lon, lat, r float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{lon - r, lat - r}, {lon + r, lat - r}, {lon + r, lat + r}, {lon - r, lat + r}, {lon - r, lat - r}}}}
}

func newTestStore() *testStore {
	area := func(x float64) *float64 { return &x }
	const s10 = "S10:《中国开发区审核公告目录》(2018年版)"
	return &testStore{
		cities: []geo.AdminArea{
			{Code: "410100", Name: "郑州市", NameEN: "Zhengzhou", Level: geo.LevelCity, ParentCode: "410000", LabelPoint: orb.Point{113.6, 34.7}, Geom: square(113.6, 34.7, 0.4), Source: "test square"},
			{Code: "410200", Name: "开封市", NameEN: "Kaifeng", Level: geo.LevelCity, ParentCode: "410000", LabelPoint: orb.Point{114.4, 34.7}, Geom: square(114.4, 34.7, 0.3), Source: "test square"},
			{Code: "410300", Name: "洛阳市", NameEN: "Luoyang", Level: geo.LevelCity, ParentCode: "410000", LabelPoint: orb.Point{112.5, 34.6}, Geom: square(112.5, 34.6, 0.5), Source: "test square"},
		},
		zones: []geo.Zone{
			{ID: "z001", Name: "郑州经济技术开发区", NameEN: "Zhengzhou Economic and Technological Development Zone", Level: "国家级经济技术开发区", CityCode: "410100",
				LeadIndustries: []string{"汽车", "装备制造", "物流"}, AreaHa: area(1249), Point: orb.Point{113.741036, 34.722424}, PointQuality: geo.PointGeocoded,
				Geom: square(113.741036, 34.722424, 0.02), GeomQuality: geo.GeomApproximate,
				Clusters: []geo.ZoneCluster{{ClusterID: "auto", Derived: true, Source: "keyword 汽车"}, {ClusterID: "equipment", Derived: true, Source: "keyword 装备制造"}},
				Revenue: []geo.Revenue{
					{ZoneID: "z001", Year: 2019, RevenueYi: 535.1, Measure: "四上企业营业收入", Bound: geo.BoundExact, Period: "Q1", Source: "S68"},
					{ZoneID: "z001", Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: geo.BoundLower, Period: geo.PeriodFullYear, Source: "S13"},
				}, Source: s10 + "序号143"},
			{ID: "z002", Name: "开封经济技术开发区", NameEN: "Kaifeng Economic and Technological Development Zone", Level: "国家级经济技术开发区", CityCode: "410200",
				LeadIndustries: []string{"装备制造", "汽车及零部件"}, AreaHa: area(681.64), Point: orb.Point{114.442157, 34.742207}, PointQuality: geo.PointGeocoded,
				Geom: square(114.442157, 34.742207, 0.015), GeomQuality: geo.GeomApproximate,
				Clusters: []geo.ZoneCluster{{ClusterID: "equipment", Derived: true, Source: "keyword 装备制造"}},
				Revenue:  []geo.Revenue{{ZoneID: "z002", Year: 2021, RevenueYi: 735.7, Measure: "四上企业营业收入", Bound: geo.BoundExact, Period: geo.PeriodFullYear, Source: "S23"}},
				Source:   s10 + "序号144"},
			{ID: "z003", Name: "洛阳经济技术开发区", NameEN: "Luoyang Economic and Technological Development Zone", Level: "国家级经济技术开发区", CityCode: "410300",
				LeadIndustries: []string{"光伏", "装备制造", "新材料"}, AreaHa: area(420), Point: orb.Point{112.648673, 34.586105}, PointQuality: geo.PointGeocoded,
				Geom: square(112.648673, 34.586105, 0.012), GeomQuality: geo.GeomApproximate,
				Clusters: []geo.ZoneCluster{{ClusterID: "equipment", Derived: true}, {ClusterID: "materials", Derived: true}},
				Source:   s10 + "序号145"},
		},
		tax: geo.Taxonomy{Clusters: []geo.Cluster{
			{ID: "auto", Name: "新能源汽车", Kind: geo.KindCluster, Source: "7+28+N"},
			{ID: "equipment", Name: "先进装备", Kind: geo.KindCluster, Source: "7+28+N"},
			{ID: "materials", Name: "新材料", Kind: geo.KindCluster, Source: "7+28+N"},
		}},
		region: []geo.Region{{ID: "zhengkai", Name: "郑开同城", Kind: geo.RegionDemo, Members: []string{"410100", "410200"}, Geom: square(114, 34.7, 0.7), Source: "test"}},
	}
}

var _ data.Store = (*testStore)(nil)

func (s *testStore) known(kind, id string) bool {
	switch kind {
	case "city":
		return slices.ContainsFunc(s.cities, func(a geo.AdminArea) bool { return a.Code == id })
	case "cluster":
		return slices.ContainsFunc(s.tax.Clusters, func(c geo.Cluster) bool { return c.ID == id })
	case "region":
		return slices.ContainsFunc(s.region, func(r geo.Region) bool { return r.ID == id })
	case "tier":
		_, ok := geo.DefaultTiers.Lookup(id)
		return ok
	}
	return false
}

func (s *testStore) members(r string) []string {
	for _, g := range s.region {
		if g.ID == r {
			return g.Members
		}
	}
	return nil
}

func zoneProps(z *geo.Zone, year int) geo.Properties {
	ids := []string{}
	for _, c := range z.Clusters {
		ids = append(ids, c.ClusterID)
	}
	p := geo.Properties{"id": z.ID, "name": z.Name, "name_en": z.NameEN, "level": z.Level, "city_code": z.CityCode,
		"clusters": ids, "geom_quality": z.GeomQuality, "source": z.Source, "approved_area_ha": z.AreaHa}
	tier, h, ok := geo.ZoneTier(geo.DefaultTiers, z.Revenue, year)
	p["tier"] = tier
	if ok {
		p["revenue_yi"], p["revenue_year"], p["measure"], p["bound"], p["period"], p["revenue_source"] = h.RevenueYi, h.Year, h.Measure, h.Bound, h.Period, h.Source
	}
	return p
}

func (s *testStore) Collections(ctx context.Context) ([]geo.Collection, error) {
	out := []geo.Collection{}
	for _, c := range geo.CollectionNames {
		out = append(out, geo.Collection{ID: c, Title: c, Extent: orb.Bound{Min: orb.Point{110.3, 31.4}, Max: orb.Point{116.6, 36.4}}, DatasetVersion: 1})
	}
	return out, ctx.Err()
}

func (s *testStore) Items(ctx context.Context, coll string, f geo.Filter) (geo.Page, error) {
	if err := f.Validate(coll, s.known); err != nil {
		return geo.Page{}, err
	}
	var fs []geo.Feature
	switch coll {
	case geo.CollCities:
		for _, a := range s.cities {
			if (f.BBox == nil || f.BBox.Intersects(a.Geom.Bound())) && (len(f.City) == 0 || slices.Contains(f.City, a.Code)) {
				fs = append(fs, geo.Feature{ID: a.Code, Geometry: a.Geom, Properties: geo.Properties{"code": a.Code, "name": a.Name, "name_en": a.NameEN, "level": a.Level, "source": a.Source}})
			}
		}
	case geo.CollZones:
		for i := range s.zones {
			z := &s.zones[i]
			if (f.BBox == nil || f.BBox.Intersects(z.Geom.Bound())) && f.MatchZone(z, geo.DefaultTiers, s.members) {
				fs = append(fs, geo.Feature{ID: z.ID, Geometry: z.Geom, Properties: zoneProps(z, f.Year)})
			}
		}
	}
	key := strings.TrimPrefix(f.SortBy, "-")
	slices.SortStableFunc(fs, func(a, b geo.Feature) int {
		c := 0
		if key == "name" {
			c = cmp.Compare(a.Properties["name"].(string), b.Properties["name"].(string))
		}
		if strings.HasPrefix(f.SortBy, "-") {
			c = -c
		}
		return cmp.Or(c, cmp.Compare(a.ID, b.ID))
	})
	p := geo.Page{NumberMatched: len(fs), Features: []geo.Feature{}}
	if f.Offset < len(fs) {
		p.Features = fs[f.Offset:min(len(fs), f.Offset+f.Limit)]
	}
	return p, ctx.Err()
}

func (s *testStore) Item(ctx context.Context, coll, id string) (geo.Feature, error) {
	p, err := s.Items(ctx, coll, geo.Filter{Limit: geo.MaxLimit})
	if err != nil {
		return geo.Feature{}, err
	}
	for _, f := range p.Features {
		if f.ID == id {
			return f, nil
		}
	}
	return geo.Feature{}, fmt.Errorf("teststore: %s %q: %w", coll, id, data.ErrNotFound)
}

func (s *testStore) Taxonomy(ctx context.Context) (geo.Taxonomy, error) { return s.tax, ctx.Err() }
func (s *testStore) Regions(ctx context.Context) ([]geo.Region, error)  { return s.region, ctx.Err() }
func (s *testStore) Zones(ctx context.Context, f geo.Filter) ([]geo.Zone, error) {
	return s.zones, ctx.Err()
}
func (s *testStore) AdminAreas(ctx context.Context, level string) ([]geo.AdminArea, error) {
	return s.cities, ctx.Err()
}
func (s *testStore) TileFeatures(ctx context.Context, q geo.TileQuery) ([]geo.LayerFeatures, error) {
	return nil, ctx.Err()
}
func (s *testStore) Version(ctx context.Context) (int64, error) { return 1, ctx.Err() }
func (s *testStore) Tiers() geo.Tiers                           { return geo.DefaultTiers }
func (s *testStore) Ping(ctx context.Context) error {
	if s.down {
		return fmt.Errorf("teststore: ping: %w", context.DeadlineExceeded)
	}
	return ctx.Err()
}
func (s *testStore) Close() error { return nil }

// testStoreFor returns the store the HTTP tests run against.
func testStoreFor(testing.TB) data.Store { return newTestStore() }
