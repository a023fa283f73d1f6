package postgis_test

import (
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// box is a closed CCW rectangle.
func box(x0, y0, x1, y1 float64) orb.MultiPolygon {
	return orb.MultiPolygon{{{{x0, y0}, {x1, y0}, {x1, y1}, {x0, y1}, {x0, y0}}}}
}

// smallDataset is a four-area, two-zone dataset with real codes and one
// sourced revenue fact (郑州经开区 2023 营业收入 ≥ 5000亿, S13). Import edge
// cases mutate it; the bundled dataset (bundled_test.go) carries the
// conformance, differential and round-trip tests.
func smallDataset() *data.Dataset {
	area := 1249.0
	return &data.Dataset{
		Vintage:     "~2017",
		Attribution: "test",
		Admin: []geo.AdminArea{
			{Code: "410000", Name: "河南省", NameEN: "Henan", Level: geo.LevelProvince, LabelPoint: orb.Point{113.5, 34}, Geom: box(110.5, 31.5, 116.5, 36.3), Source: "S"},
			{Code: "410100", Name: "郑州市", NameEN: "Zhengzhou", Level: geo.LevelCity, ParentCode: "410000", LabelPoint: orb.Point{113.6, 34.7}, Geom: box(112.7, 34.2, 114.2, 34.98), Source: "S"},
			{Code: "410102", Name: "中原区", NameEN: "Zhongyuan", Level: geo.LevelCounty, ParentCode: "410100", LabelPoint: orb.Point{113.6, 34.75}, Geom: box(113.5, 34.7, 113.65, 34.8), Source: "S"},
			{Code: "410500", Name: "安阳市", NameEN: "Anyang", Level: geo.LevelCity, ParentCode: "410000", LabelPoint: orb.Point{114.3, 36.1}, Geom: box(113.6, 35.7, 114.9, 36.3), Source: "S"},
		},
		Zones: []geo.Zone{
			{ID: "z1", Name: "郑州经济技术开发区", NameEN: "Zhengzhou ETDZ", Level: "国家级经济技术开发区", CityCode: "410100",
				LeadIndustries: []string{"汽车", "装备制造"}, AreaHa: &area, Point: orb.Point{113.741036, 34.722424}, PointQuality: geo.PointGeocoded,
				Geom: box(113.72, 34.70, 113.76, 34.74), GeomQuality: geo.GeomApproximate, Source: "S10",
				Clusters: []geo.ZoneCluster{{ClusterID: "c_equip", Derived: true, Source: "keyword"}},
				Revenue:  []geo.Revenue{{ZoneID: "z1", Year: 2023, RevenueYi: 5000, Measure: "营业收入", Bound: geo.BoundLower, Period: geo.PeriodFullYear, Source: "S13"}}},
			{ID: "z2", Name: "安阳高新技术产业开发区", NameEN: "Anyang HTZ", Level: "国家级高新技术产业开发区", CityCode: "410500",
				LeadIndustries: []string{}, Point: orb.Point{114.3, 36.08}, PointQuality: geo.PointCityCentroid,
				Geom: box(114.28, 36.06, 114.32, 36.1), GeomQuality: geo.GeomApproximate, Source: "S10",
				Revenue: []geo.Revenue{}},
		},
		Taxonomy: geo.Taxonomy{
			Clusters: []geo.Cluster{{ID: "c_equip", Name: "先进装备", NameEN: "Advanced equipment", Kind: geo.KindCluster, Source: "S1"}},
			Chains:   []geo.Cluster{{ID: "ch_auto", Name: "新能源汽车", Kind: geo.KindChain, Parent: "c_equip", Source: "S1"}},
			Keywords: []geo.KeywordRule{{Keyword: "装备", ClusterID: "c_equip"}},
		},
		Regions: []geo.Region{
			{ID: "r_north", Name: "豫北跨区域协同发展示范区", NameEN: "North", Kind: geo.RegionDemo, Members: []string{"410500"}, Geom: box(113.6, 35.7, 114.9, 36.3), Source: "seed"},
		},
	}
}
