package main

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"layoutmap/geo"
)

func TestAdminNameEN(t *testing.T) {
	tests := []struct{ name, level, want string }{
		{"河南省", geo.LevelProvince, "Henan"},
		{"郑州市", geo.LevelCity, "Zhengzhou"},
		{"漯河市", geo.LevelCity, "Luohe"},
		{"濮阳市", geo.LevelCity, "Puyang"},
		{"金水区", geo.LevelCounty, "Jinshui District"},
		{"管城回族区", geo.LevelCounty, "Guancheng Hui District"},
		{"巩义市", geo.LevelCounty, "Gongyi"},
		{"辉县市", geo.LevelCounty, "Huixian"},
		{"中牟县", geo.LevelCounty, "Zhongmu County"},
		{"长垣县", geo.LevelCounty, "Changyuan County"},
		{"浚县", geo.LevelCounty, "Xunxian County"},
		{"荥阳市", geo.LevelCounty, "Xingyang"},
		{"泌阳县", geo.LevelCounty, "Biyang County"},
		{"尉氏县", geo.LevelCounty, "Yushi County"},
		{"召陵区", geo.LevelCounty, "Shaoling District"},
		{"南召县", geo.LevelCounty, "Nanzhao County"},
		{"新安县", geo.LevelCounty, "Xin'an County"},
		{"龙安区", geo.LevelCounty, "Long'an District"},
		{"博爱县", geo.LevelCounty, "Bo'ai County"},
		{"渑池县", geo.LevelCounty, "Mianchi County"},
		{"瀍河回族区", geo.LevelCounty, "Chanhe Hui District"},
		{"解放区", geo.LevelCounty, "Jiefang District"},
	}
	for _, tt := range tests {
		if got := adminNameEN(tt.name, tt.level); got != tt.want {
			t.Errorf("adminNameEN(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestZoneNameEN(t *testing.T) {
	b := &builder{admin: []adminOut{
		{Code: "410100", Name: "郑州市", Level: geo.LevelCity},
		{Code: "410122", Name: "中牟县", Level: geo.LevelCounty},
		{Code: "410702", Name: "红旗区", Level: geo.LevelCounty},
		{Code: "410221", Name: "杞县", Level: geo.LevelCounty},
		{Code: "410800", Name: "焦作市", Level: geo.LevelCity},
	}}
	tests := map[string]string{
		"郑州经济技术开发区":    "Zhengzhou Economic and Technological Development Zone",
		"郑州中牟汽车产业集聚区":  "Zhengzhou Zhongmu Automobile Industrial Agglomeration Zone",
		"红旗渠经济技术开发区":   "Hongqiqu Economic and Technological Development Zone",
		"杞县产业集聚区":      "Qixian Industrial Agglomeration Zone",
		"焦作市工业产业集聚区":   "Jiaozuo Industrial Agglomeration Zone",
		"郑州航空港经济综合实验区": "Zhengzhou Airport Economy Zone",
		"河南惠济经济开发区":    "Huiji Economic Development Zone",
	}
	for name, want := range tests {
		if got := b.zoneNameEN(name); got != want {
			t.Errorf("zoneNameEN(%s) = %q, want %q", name, got, want)
		}
	}
}

func TestSplitIndustries(t *testing.T) {
	got := splitIndustries("化工新材料(甲醇钠、苯酐等精细化工)、装备制造")
	if len(got) != 2 || got[0] != "化工新材料(甲醇钠、苯酐等精细化工)" || got[1] != "装备制造" {
		t.Errorf("got %q", got)
	}
	if got := splitIndustries(""); got == nil || len(got) != 0 {
		t.Errorf("empty: %#v", got)
	}
}

func TestPeriod(t *testing.T) {
	for detail, want := range map[string]string{
		"2019年一季度 only; published as 经济技术产业集聚区": "Q1",
		"2024年1—11月 cumulative only":            "Jan–Nov",
		"2022年1—10月 cumulative only":            "Jan–Oct",
		"食品产业 only":                             geo.PeriodFullYear,
		"":                                      geo.PeriodFullYear,
	} {
		if got := period(detail); got != want {
			t.Errorf("period(%q) = %q, want %q", detail, got, want)
		}
	}
}

func TestCircle(t *testing.T) {
	// 1249 ha around Zhengzhou: the ring is closed, CCW, 48 vertices, and
	// its area is the approved area within 1%.
	p := orb.Point{113.741036, 34.722424}
	areaHa := 1249.0
	mp := circle(p, math.Sqrt(areaHa*1e4/math.Pi))
	r := mp[0][0]
	if len(r) != circleVertices+1 || r[0] != r[len(r)-1] || ringAreaSigned(r) <= 0 {
		t.Fatalf("ring: %d points, closed %v, area %v", len(r), r[0] == r[len(r)-1], ringAreaSigned(r))
	}
	// Area in m² on the local tangent plane.
	m := 0.0
	lat := p[1] * math.Pi / 180
	for i := 0; i+1 < len(r); i++ {
		x1 := (r[i][0] - p[0]) * math.Pi / 180 * 6371008.8 * math.Cos(lat)
		y1 := (r[i][1] - p[1]) * math.Pi / 180 * 6371008.8
		x2 := (r[i+1][0] - p[0]) * math.Pi / 180 * 6371008.8 * math.Cos(lat)
		y2 := (r[i+1][1] - p[1]) * math.Pi / 180 * 6371008.8
		m += x1*y2 - x2*y1
	}
	m /= 2
	if got := m / 1e4; math.Abs(got-areaHa)/areaHa > 0.01 {
		t.Errorf("circle area %.1f ha, want %.1f", got, areaHa)
	}
	if !planar.MultiPolygonContains(mp, p) {
		t.Error("circle does not contain its centre")
	}
}
