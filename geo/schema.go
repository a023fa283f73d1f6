package geo

// This file is the start of the collection descriptor of issue 10: one
// field table per collection, naming each feature property once with its
// JSON type, unit and Chinese/English titles. The JSON Schema of features
// (OGC API Features "describedby") and the queryables (Part 3) are
// generated from it; TestFieldTableCoversProperties holds it to what
// ZoneProperties, AdminProperties and RegionProperties emit, so a property
// added there without a row here fails the tests. GeoJSON, CSV and tiles are
// still built by properties.go; issue 10 moves them onto this table.

// FieldType is a JSON Schema type.
type FieldType string

// JSON Schema types of fields.
const (
	TypeString  FieldType = "string"
	TypeInteger FieldType = "integer"
	TypeNumber  FieldType = "number"
	TypeBoolean FieldType = "boolean"
	TypeArray   FieldType = "array"
	TypeObject  FieldType = "object"
)

// Field is one feature property of a collection.
type Field struct {
	// Name is the property key in GeoJSON and the CSV column.
	Name string
	// Type is its JSON type; arrays give their element type in Items and,
	// for arrays of objects, the members in Members.
	Type    FieldType
	Items   FieldType
	Members []Field
	// Unit of a number: "亿元" (100 million yuan), "ha", "degree"; "" when
	// the value has none.
	Unit string
	// TitleZH and TitleEN title the field in both languages; Description
	// says what a planner must know to read it (English).
	TitleZH, TitleEN string
	Description      string
	// Enum lists the allowed values of a string, when the set is fixed.
	Enum []string
	// Queryable fields are offered in /collections/{c}/queryables: the
	// properties a CQL2 filter may name (each store maps every one; the
	// PostGIS store's queryableSQL is held to this by a test).
	Queryable bool
}

// CollectionSchema is the descriptor of one collection: its id, titles and
// description, the type of its geometry and its field table. It is the
// only place a collection is declared: the registry (Registry) lists the
// descriptors, and the API, the tiles and both stores read them.
type CollectionSchema struct {
	ID               string
	TitleZH, TitleEN string
	// Description says what a planner must know about the collection
	// (English); DescribeOutlines appends that the outlines come from a
	// third-party package, with the dataset's vintage.
	Description      string
	DescribeOutlines bool
	// GeomQuality is the quality of every outline of the collection
	// (GeomApproximate for zones), "" when it varies or is unstated.
	GeomQuality string
	// GeometryTypes are the GeoJSON types of the features' geometries.
	GeometryTypes []string
	Fields        []Field
}

// Collection returns the descriptive part of a collection document
// (id, titles, description with vintage, geometry quality); stores add the
// extent, item count and dataset version.
func (s CollectionSchema) Collection(vintage string) Collection {
	d := s.Description
	if s.DescribeOutlines {
		d += " Outlines from a third-party boundary package, not an official survey"
		if vintage != "" {
			d += "; vintage " + vintage
		}
	}
	return Collection{ID: s.ID, Title: s.TitleZH, TitleEN: s.TitleEN, Description: d, GeomQuality: s.GeomQuality}
}

// Field returns the field called name, or false.
func (s CollectionSchema) Field(name string) (Field, bool) {
	for _, f := range s.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return Field{}, false
}

var (
	fName   = Field{Name: "name", Type: TypeString, TitleZH: "名称", TitleEN: "Name", Description: "Official Chinese name.", Queryable: true}
	fNameEN = Field{Name: "name_en", Type: TypeString, TitleZH: "英文名称", TitleEN: "English name", Queryable: true}
	fLon    = Field{Name: "lon", Type: TypeNumber, Unit: "degree", TitleZH: "经度", TitleEN: "Longitude", Description: "Longitude of the label or representative point, WGS84 (CRS84)."}
	fLat    = Field{Name: "lat", Type: TypeNumber, Unit: "degree", TitleZH: "纬度", TitleEN: "Latitude", Description: "Latitude of the label or representative point, WGS84 (CRS84)."}
	fSource = Field{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source", Description: "Where the facts of this feature come from (see data/henan/SOURCES.md)."}
)

func adminSchema(id, zh, en, level, desc string) CollectionSchema {
	return CollectionSchema{ID: id, TitleZH: zh, TitleEN: en, Description: desc, DescribeOutlines: true, GeometryTypes: []string{"MultiPolygon"}, Fields: []Field{
		{Name: "code", Type: TypeString, TitleZH: "行政区划代码", TitleEN: "Division code", Description: "GB/T 2260 code of the " + level + ".", Queryable: true},
		fName, fNameEN,
		{Name: "level", Type: TypeString, TitleZH: "级别", TitleEN: "Level", Enum: []string{level}, Queryable: true},
		{Name: "parent_code", Type: TypeString, TitleZH: "上级区划代码", TitleEN: "Parent code", Description: "GB/T 2260 code of the division it belongs to.", Queryable: true},
		fLon, fLat, fSource,
	}}
}

// Registry is the descriptor of every collection, in the order the API
// presents them. A new collection is a descriptor here plus its queries in
// each store (a store without them answers that it does not hold it).
var Registry = []CollectionSchema{
	adminSchema(CollCities, "地级行政区", "City-level divisions", LevelCity,
		"Henan's city-level divisions (17 cities and 济源), outlines dissolved from counties."),
	adminSchema(CollCounties, "县级行政区", "County-level divisions", LevelCounty,
		"Henan's county-level divisions."),
	{ID: CollZones, TitleZH: "开发区", TitleEN: "Development zones",
		Description: "Development zones with level, lead industries, clusters and revenue; outlines are approximate",
		GeomQuality: GeomApproximate,
		// A zone whose place or area is unknown has no outline and is
		// served as its point.
		GeometryTypes: []string{"MultiPolygon", "Point"}, Fields: []Field{
			{Name: "id", Type: TypeString, TitleZH: "开发区代码", TitleEN: "Zone id", Description: "The 2018 catalogue's code (G…/S…), or X-… for zones outside it.", Queryable: true},
			fName, fNameEN,
			{Name: "level", Type: TypeString, TitleZH: "级别", TitleEN: "Level", Description: "Zone level as the catalogue states it (国家级…, 省级…).", Queryable: true},
			{Name: "level_en", Type: TypeString, TitleZH: "级别(英文)", TitleEN: "Level (English)"},
			{Name: "city_code", Type: TypeString, TitleZH: "所在市代码", TitleEN: "City code", Description: "GB/T 2260 code of the city the zone lies in.", Queryable: true},
			{Name: "county_code", Type: TypeString, TitleZH: "所在县代码", TitleEN: "County code", Description: "GB/T 2260 code of the county, when known.", Queryable: true},
			{Name: "lead_industries", Type: TypeArray, Items: TypeString, TitleZH: "主导产业", TitleEN: "Lead industries"},
			{Name: "approved_area_ha", Type: TypeNumber, Unit: "ha", TitleZH: "核准面积", TitleEN: "Approved area", Description: "Area approved in the 2018 catalogue, hectares.", Queryable: true},
			fLon, fLat,
			{Name: "point_quality", Type: TypeString, TitleZH: "点位精度", TitleEN: "Point quality", Description: "Where lon/lat come from: geocoded (a POI), county_centroid or city_centroid (only a representative point).", Queryable: true},
			{Name: "geom_quality", Type: TypeString, TitleZH: "边界精度", TitleEN: "Outline quality", Description: "approximate: the outline is a circle of the approved area around the point, not an official boundary.", Queryable: true},
			{Name: "clusters", Type: TypeArray, Items: TypeString, TitleZH: "产业集群", TitleEN: "Clusters", Description: "Ids of the clusters of \"7+28+N\" the zone is linked to (/api/v1/clusters)."},
			{Name: "cluster_links", Type: TypeArray, Items: TypeObject, TitleZH: "集群关联", TitleEN: "Cluster links", Description: "Each link with whether it was derived from lead industries and its source.", Members: []Field{
				{Name: "cluster_id", Type: TypeString, TitleZH: "集群", TitleEN: "Cluster id"},
				{Name: "derived", Type: TypeBoolean, TitleZH: "推导", TitleEN: "Derived"},
				{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source"},
			}},
			{Name: "chains", Type: TypeArray, Items: TypeString, TitleZH: "重点产业链", TitleEN: "Key chains", Description: "Ids of key industrial chains (/api/v1/chains)."},
			{Name: "regions", Type: TypeArray, Items: TypeString, TitleZH: "规划区域", TitleEN: "Planning regions", Description: "Ids of the planning regions whose member cities hold the zone."},
			{Name: "tier", Type: TypeString, TitleZH: "营收档次", TitleEN: "Revenue tier", Description: "Tier of the headline figure (t5000 ≥5000亿, t1000, t500, t100, t0 <100亿), or no_data when the zone has no usable figure for the year.", Queryable: true},
			{Name: "revenue_yi", Type: TypeNumber, Unit: "亿元", TitleZH: "营业收入", TitleEN: "Revenue", Description: "The headline figure in 亿元 (100 million yuan); read it only with measure, bound, period and revenue_year. Absent when unknown.", Queryable: true},
			{Name: "revenue_year", Type: TypeInteger, TitleZH: "营收年份", TitleEN: "Revenue year", Description: "Year of the headline figure.", Queryable: true},
			{Name: "measure", Type: TypeString, TitleZH: "统计口径", TitleEN: "Measure", Description: "What the headline figure measures (主营业务收入, 营业收入, 四上企业营业收入, 规上企业营业收入, 工业总产值): figures of different measures are not comparable.", Queryable: true},
			{Name: "bound", Type: TypeString, TitleZH: "数值性质", TitleEN: "Bound", Description: "What the headline figure says about the full year: exact, lower (突破/超过, or a part-year figure: at least the figure) or upper (at most the figure).", Enum: []string{BoundExact, BoundLower, BoundUpper}, Queryable: true},
			{Name: "period", Type: TypeString, TitleZH: "统计期", TitleEN: "Period", Description: "full_year, or the part of the year the figure covers (a part-year figure is a lower bound of the year)."},
			{Name: "revenue_source", Type: TypeString, TitleZH: "营收来源", TitleEN: "Revenue source", Description: "Source of the headline figure."},
			{Name: "revenue", Type: TypeArray, Items: TypeObject, TitleZH: "历年营收", TitleEN: "Revenue records", Description: "Every revenue record of the zone, each with its own measure, bound, period and source.", Members: []Field{
				{Name: "year", Type: TypeInteger, TitleZH: "年份", TitleEN: "Year"},
				{Name: "revenue_yi", Type: TypeNumber, Unit: "亿元", TitleZH: "营业收入", TitleEN: "Revenue"},
				{Name: "measure", Type: TypeString, TitleZH: "统计口径", TitleEN: "Measure"},
				{Name: "family", Type: TypeString, TitleZH: "指标类别", TitleEN: "Measure family", Description: "revenue (营业收入 and its scopes) or output (工业总产值): figures of different families are never compared.", Enum: []string{FamilyRevenue, FamilyOutput}},
				{Name: "bound", Type: TypeString, TitleZH: "数值性质", TitleEN: "Bound", Enum: []string{BoundExact, BoundLower, BoundUpper}},
				{Name: "period", Type: TypeString, TitleZH: "统计期", TitleEN: "Period"},
				{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source"},
			}},
			fSource,
		}},
	{ID: CollRegions, TitleZH: "规划区域", TitleEN: "Planning regions",
		Description: "中心引领、两带支撑、四区协同: the planning regions, geometry the union of member cities", GeometryTypes: []string{"MultiPolygon"}, Fields: []Field{
			{Name: "id", Type: TypeString, TitleZH: "区域代码", TitleEN: "Region id", Queryable: true},
			fName, fNameEN,
			{Name: "kind", Type: TypeString, TitleZH: "类型", TitleEN: "Kind", Description: "What kind of region of 中心引领、两带支撑、四区协同 this is.", Queryable: true},
			{Name: "derived", Type: TypeBoolean, TitleZH: "推导", TitleEN: "Derived", Description: "true when membership was derived from geography rather than listed in the plan.", Queryable: true},
			{Name: "members", Type: TypeArray, Items: TypeString, TitleZH: "成员城市", TitleEN: "Member cities", Description: "GB/T 2260 codes of the member cities."},
			{Name: "roles", Type: TypeArray, Items: TypeObject, TitleZH: "成员角色", TitleEN: "Member roles", Members: []Field{
				{Name: "code", Type: TypeString, TitleZH: "城市代码", TitleEN: "City code"},
				{Name: "role", Type: TypeString, TitleZH: "角色", TitleEN: "Role"},
			}},
			fSource,
		}},
}

// Schemas is Registry keyed by collection id.
var Schemas = func() map[string]CollectionSchema {
	m := make(map[string]CollectionSchema, len(Registry))
	for _, s := range Registry {
		m[s.ID] = s
	}
	return m
}()

// CollectionNames lists the ids of Registry in order.
var CollectionNames = func() []string {
	ids := make([]string, len(Registry))
	for i, s := range Registry {
		ids[i] = s.ID
	}
	return ids
}()

// LookupCollection returns the descriptor of collection id, or false.
func LookupCollection(id string) (CollectionSchema, bool) {
	s, ok := Schemas[id]
	return s, ok
}
