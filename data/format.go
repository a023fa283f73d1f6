package data

import "layoutmap/geo"

// The bundled file format (data/henan/README.md), defined once: the loader
// decodes these types and cmd/henanbuild encodes them, so the two cannot
// drift apart. Field order is the order of the keys in the files and the
// omitempty tags decide what the build tool leaves out; changing either
// changes the bytes of data/henan.

// FormatVersion is meta.json's format_version: what the build tool writes
// and the only one this loader reads. It changes when the layout changes
// incompatibly.
const FormatVersion = 1

// Meta is meta.json. The fields are in alphabetical order because the file
// was first written from a map, whose keys encoding/json sorts.
type Meta struct {
	Attribution   string         `json:"attribution"`
	Counts        map[string]int `json:"counts"`
	CRS           string         `json:"crs"`
	FormatVersion int            `json:"format_version"`
	Name          string         `json:"name"`
	Vintage       string         `json:"vintage"`
}

// AdminProps are the properties of an admin.geojson feature.
type AdminProps struct {
	Code       string     `json:"code"`
	Name       string     `json:"name"`
	NameEN     string     `json:"name_en"`
	Level      string     `json:"level"`
	ParentCode string     `json:"parent_code,omitempty"`
	LabelPoint [2]float64 `json:"label_point"`
	Source     string     `json:"source"`
}

// ZoneLink ties a zone to a cluster (ClusterID) or a chain (ChainID).
type ZoneLink struct {
	ClusterID string `json:"cluster_id,omitempty"`
	ChainID   string `json:"chain_id,omitempty"`
	Derived   bool   `json:"derived"`
	Source    string `json:"source"`
}

// ZoneProps are the properties of a zones.geojson feature. Point is a
// pointer so that the loader can tell a missing point from (0, 0). A zone
// whose place or approved area is unknown has geometry null and no
// geom_quality: it is served as its point (geo.ZoneGeometry); Outline says
// why it has no outline.
type ZoneProps struct {
	ID             string      `json:"id"`
	CatalogueCode  string      `json:"catalogue_code,omitempty"`
	Name           string      `json:"name"`
	NameEN         string      `json:"name_en"`
	Level          string      `json:"level"`
	LevelEN        string      `json:"level_en"`
	CityCode       string      `json:"city_code"`
	CountyCode     string      `json:"county_code,omitempty"`
	AdminNote      string      `json:"admin_note,omitempty"`
	LeadIndustries []string    `json:"lead_industries"`
	AreaHa         *float64    `json:"approved_area_ha"`
	Point          *[2]float64 `json:"point"`
	PointQuality   string      `json:"point_quality"`
	PointOutside   bool        `json:"point_outside_admin,omitempty"`
	GeomQuality    string      `json:"geom_quality,omitempty"` // absent: no outline (geometry null)
	Outline        string      `json:"outline"`
	AreaNominal    bool        `json:"area_nominal,omitempty"`
	Clusters       []ZoneLink  `json:"clusters"`
	Chains         []ZoneLink  `json:"chains"`
	Regions        []string    `json:"regions"`
	Source         string      `json:"source"`
	// The plain attributes of the zone field table (geo.ZoneAttrs), under
	// their field names.
	geo.ZoneAttrs
}

// RegionProps are the properties of a regions.geojson feature.
type RegionProps struct {
	ID        string            `json:"id"`
	Name      string            `json:"name"`
	NameEN    string            `json:"name_en"`
	Kind      string            `json:"kind"`
	Members   []string          `json:"members"`
	Roles     map[string]string `json:"roles,omitempty"`
	Derived   bool              `json:"derived"`
	Rationale string            `json:"rationale,omitempty"`
	Source    string            `json:"source"`
}

// TaxonomyFile is taxonomy.json.
type TaxonomyFile struct {
	Clusters      []ClusterRecord `json:"clusters"`
	Chains        []ClusterRecord `json:"chains"`
	Recognised    []ClusterRecord `json:"recognised"`
	Keywords      []KeywordRecord `json:"keywords"`
	ChainKeywords []KeywordRecord `json:"chain_keywords"`
}

// ClusterRecord is a cluster, chain or recognised cluster in taxonomy.json:
// a geo.Cluster plus CitiesText, the source's cities text verbatim.
type ClusterRecord struct {
	ID         string   `json:"id"`
	Name       string   `json:"name"`
	NameEN     string   `json:"name_en"`
	Kind       string   `json:"kind"`
	Parent     string   `json:"parent,omitempty"`
	ScaleClass string   `json:"scale_class,omitempty"`
	Cities     []string `json:"cities,omitempty"`
	CitiesText string   `json:"cities_text,omitempty"`
	Source     string   `json:"source"`
}

// Cluster is the record without its file-only fields.
func (c ClusterRecord) Cluster() geo.Cluster {
	return geo.Cluster{ID: c.ID, Name: c.Name, NameEN: c.NameEN, Kind: c.Kind, Parent: c.Parent,
		ScaleClass: c.ScaleClass, Cities: c.Cities, Source: c.Source}
}

// KeywordRecord maps a lead-industry keyword to a cluster (keywords) or a
// chain (chain_keywords).
type KeywordRecord struct {
	Keyword   string `json:"keyword"`
	ClusterID string `json:"cluster_id,omitempty"`
	ChainID   string `json:"chain_id,omitempty"`
	Rationale string `json:"rationale"`
}

// RevenueRecord is one record of revenue.json: a geo.Revenue plus Note, the
// detail of the measure as revenue.csv writes it (also quoted in Source).
// Scope is geo.ScopeZone or the one part of the zone the figure counts
// (absent in files written before scopes: the whole zone).
type RevenueRecord struct {
	ZoneID    string  `json:"zone_id"`
	Year      int     `json:"year"`
	RevenueYi float64 `json:"revenue_yi"`
	Measure   string  `json:"measure"`
	Bound     string  `json:"bound"`
	Period    string  `json:"period"`
	Scope     string  `json:"scope,omitempty"`
	Note      string  `json:"note,omitempty"`
	Source    string  `json:"source"`
}

// Revenue is the record without its file-only fields.
func (r RevenueRecord) Revenue() geo.Revenue {
	return geo.Revenue{ZoneID: r.ZoneID, Year: r.Year, RevenueYi: r.RevenueYi, Measure: r.Measure,
		Bound: r.Bound, Period: r.Period, Scope: r.Scope, Source: r.Source}
}

// Source is one entry of the dataset's source list (sources.json): the
// S-id rows cite, its citation as the source list gives it (title,
// publisher, date: the text to show readers), the title, the first date it
// names, and its addresses (none for some). Publisher is set only by a
// curated list; the bundled dataset has none, because the source list's
// entries do not separate it reliably.
type Source struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Publisher string   `json:"publisher,omitempty"`
	Date      string   `json:"date,omitempty"`
	Citation  string   `json:"citation"`
	URLs      []string `json:"urls,omitempty"`
}

// Dictionary is dictionary.json: English for the Chinese terms rows carry,
// the Chinese kept as the key.
type Dictionary struct {
	LeadIndustries map[string]string `json:"lead_industries"`
	Measures       map[string]string `json:"measures"`
	Periods        map[string]Term   `json:"periods"`
	// Scopes gives the English of the scopes figures carry (geo.ScopeTerms).
	Scopes map[string]string `json:"scopes,omitempty"`
}

// Term is a label in both languages.
type Term struct {
	Zh string `json:"zh"`
	En string `json:"en"`
}
