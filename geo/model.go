package geo

import (
	"github.com/paulmach/orb"
)

// Level of an administrative area.
const (
	LevelProvince = "province"
	LevelCity     = "city"
	LevelCounty   = "county"
)

// Geometry quality labels. Approximate outlines (for example a circle of the
// approved area around a geocoded point) must be drawn and described as such.
const (
	GeomOfficial    = "official"
	GeomApproximate = "approximate"
)

// Point quality labels for a zone's location.
const (
	PointGeocoded       = "geocoded"        // third-party geocode of the zone itself
	PointCountyCentroid = "county_centroid" // no usable geocode: representative point of its county
	PointCityCentroid   = "city_centroid"   // only the city is known
)

// AdminArea is a province, city-level division or county-level division.
// Code is its GB/T 2260 code (e.g. "410100"); ParentCode is empty for the
// province. Geom is a MultiPolygon in WGS84 with CCW exterior rings.
type AdminArea struct {
	Code       string           `json:"code"`
	Name       string           `json:"name"`
	NameEN     string           `json:"name_en"`
	Level      string           `json:"level"`
	ParentCode string           `json:"parent_code,omitempty"`
	LabelPoint orb.Point        `json:"label_point"`
	Geom       orb.MultiPolygon `json:"-"`
	Source     string           `json:"source"`
}

// Zone is a development zone. CityCode and CountyCode are GB/T 2260 codes
// (CountyCode may be empty when only the city is known). Point is the zone's
// location and PointQuality says where it came from; Geom is its outline and
// GeomQuality says whether it is official or approximate.
type Zone struct {
	ID             string           `json:"id"`
	Name           string           `json:"name"`
	NameEN         string           `json:"name_en"`
	Level          string           `json:"level"`
	LevelEN        string           `json:"level_en"`
	CityCode       string           `json:"city_code"`
	CountyCode     string           `json:"county_code,omitempty"`
	LeadIndustries []string         `json:"lead_industries"`
	AreaHa         *float64         `json:"approved_area_ha"` // nil: unknown
	Point          orb.Point        `json:"-"`
	PointQuality   string           `json:"point_quality"`
	Geom           orb.MultiPolygon `json:"-"`
	GeomQuality    string           `json:"geom_quality"`
	Clusters       []ZoneCluster    `json:"clusters"`
	Chains         []string         `json:"chains"`  // chain ids
	Regions        []string         `json:"regions"` // planning-region ids the zone's city belongs to
	Revenue        []Revenue        `json:"revenue"` // sorted by year, then measure
	Source         string           `json:"source"`
	// ZoneAttrs are the plain attributes the field table declares (Attr).
	ZoneAttrs
}

// ZoneCluster links a zone to one of the 7 clusters. Derived is true when the
// link comes from the keyword table over lead industries, false when a source
// states it.
type ZoneCluster struct {
	ClusterID string `json:"cluster_id"`
	Derived   bool   `json:"derived"`
	Source    string `json:"source"`
}

// Revenue bounds: whether a published figure is exact or a bound.
const (
	BoundExact = "exact"
	BoundLower = "lower" // 突破/超过: the true figure is at least RevenueYi
	BoundUpper = "upper" // "below X": the true figure is at most RevenueYi
)

// PeriodFullYear is the Period of a whole-year figure; anything else (Q1,
// Jan–Nov …) is a part of the year.
const PeriodFullYear = "full_year"

// ScopeZone is the Scope of a figure that counts the whole zone (what a
// source states unless it says otherwise); any other Scope names the one
// part of the zone the figure counts, as the source names it: an industry
// ("食品产业": the zone's food industry only) or a smaller area
// ("航空港产业集聚区"). A part's figure is a lower bound of the zone's
// (EffectiveBound); see ScopeOrZone and ScopeLabel.
const ScopeZone = "zone"

// Revenue is one published figure for a zone, year and measure, in 亿元
// (100 million yuan). Measure names the statistic (主营业务收入, 营业收入,
// 四上企业营业收入, 工业总产值 …); figures of different measures are not
// comparable. Scope says what part of the zone it counts ("" or ScopeZone:
// the whole zone; otherwise the part, e.g. "食品产业").
type Revenue struct {
	ZoneID    string  `json:"zone_id"`
	Year      int     `json:"year"`
	RevenueYi float64 `json:"revenue_yi"`
	Measure   string  `json:"measure"`
	Bound     string  `json:"bound"`
	Period    string  `json:"period"`
	Scope     string  `json:"scope,omitempty"`
	Source    string  `json:"source"`
}

// Cluster kinds.
const (
	KindCluster    = "cluster"    // one of the 7 of "7+28+N"
	KindChain      = "chain"      // a key industrial chain
	KindRecognised = "recognised" // a recognised local cluster (provincial/national lists)
)

// Cluster is a cluster, chain or recognised cluster. Parent is the cluster
// id of a chain when a source ties it to one. ScaleClass is a planned scale
// (千亿级, 3000亿级 …), never reported revenue.
type Cluster struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en"`
	Kind       string   `json:"kind"`
	Parent     string   `json:"parent,omitempty"`
	ScaleClass string   `json:"scale_class,omitempty"`
	Cities     []string `json:"cities,omitempty"` // city codes
	Source     string   `json:"source"`
}

// Region kinds of 中心引领、两带支撑、四区协同.
const (
	RegionCentre = "centre"
	RegionBelt   = "belt"
	RegionDemo   = "demo"
)

// Region is a planning region; Members are city codes and Geom is their union.
// Derived is true when the membership was derived (the belts), not stated.
type Region struct {
	ID      string            `json:"id"`
	Name    string            `json:"name"`
	NameEN  string            `json:"name_en"`
	Kind    string            `json:"kind"`
	Members []string          `json:"members"`
	Roles   map[string]string `json:"roles,omitempty"` // member code -> role (e.g. "centre", "sub-centre")
	Derived bool              `json:"derived"`
	Geom    orb.MultiPolygon  `json:"-"`
	Source  string            `json:"source"`
}

// Taxonomy is the clusters, chains and recognised clusters with the keyword
// table that derives zone→cluster links.
type Taxonomy struct {
	Clusters   []Cluster     `json:"clusters"` // the 7
	Chains     []Cluster     `json:"chains"`
	Recognised []Cluster     `json:"recognised"`
	Keywords   []KeywordRule `json:"keywords"`
}

// KeywordRule maps a lead-industry keyword to a cluster id.
type KeywordRule struct {
	Keyword   string `json:"keyword"`
	ClusterID string `json:"cluster_id"`
}

// ZoneGeometry is the geometry a zone is served with on every surface: its
// outline, or its Point when it has none. A zone has no outline when its
// place is not known (PointQuality not PointGeocoded: the point is then
// its county's or city's representative point, drawn as "location
// unknown") or its approved area is unknown, so no surface draws a circle
// that looks surveyed.
func ZoneGeometry(z *Zone) orb.Geometry {
	if len(z.Geom) > 0 {
		return z.Geom
	}
	return z.Point
}

// LocationKnown reports whether a zone's point locates the zone itself (a
// geocode of the zone), not just its county or city.
func LocationKnown(z *Zone) bool { return z.PointQuality == PointGeocoded }
