package geo

import (
	"cmp"
	"slices"
	"strings"

	"github.com/paulmach/orb"
)

// This file is the collection descriptor and registry of issue 10: for
// each collection one descriptor (CollectionSchema) with one field table,
// naming each feature property once with its JSON type, unit,
// Chinese/English titles, the surfaces that carry it, its PostGIS
// expression and how to read it from the typed feature (Zone through
// ZoneView, AdminArea, Region). Every surface is generated from it:
//
//   - GeoJSON properties: FeatureProperties (ZoneProperties …), OnJSON;
//   - CSV columns (api/csv.go), OnCSV, in table order;
//   - MVT properties (TileProperties, tiles.TileFields, the PostGIS
//     ST_AsMVT column lists) and TileJSON vector_layers, OnTile from
//     TileMinZoom;
//   - the JSON Schema of features and the queryables (api/schema.go),
//     Queryable, and the OpenAPI components;
//   - the PostGIS SQL of queryables (CQL2) and tile columns, SQL;
//   - for plain attributes (Attr, the members of ZoneAttrs): the bundled
//     format, import, export, the PostGIS attrs column, the dataset diff
//     and the validator (Pattern).
//
// Adding a zone attribute is a member of ZoneAttrs and a row here, plus
// whatever derives its values.

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

// Surface is a set of surfaces that carry a field.
type Surface uint8

// Surfaces of a field. Every field is in the JSON Schema; OnJSON fields are
// GeoJSON properties.
const (
	OnJSON Surface = 1 << iota // GeoJSON feature properties
	OnCSV                      // a CSV column (lists flattened by FlatList)
	OnTile                     // an MVT property of the collection's tile layer (lists by FlatList)
)

// ListSep delimits the values of a list flattened into one string (MVT
// values and CSV cells cannot be lists): FlatList writes "|a|b|", with the
// delimiter at both ends, so that a MapLibre expression tests membership
// of id with ["in", "|id|", ["coalesce", ["get", "clusters"], ""]]
// without matching a prefix of another id. Ids never hold "|" (the
// validator allows letters, digits, "_" and "-").
const ListSep = "|"

// FlatList is the one flat encoding of a list: "|a|b|", "" for none.
func FlatList(vs []string) string {
	if len(vs) == 0 {
		return ""
	}
	return ListSep + strings.Join(vs, ListSep) + ListSep
}

// Field is one feature property of a collection.
type Field struct {
	// Name is the property key in GeoJSON and tiles and the CSV column.
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
	// Enum lists the allowed values of a string, when the set is fixed;
	// Pattern is the regular expression (JSON Schema "pattern") every value
	// of a string attribute matches, checked by data.Validate.
	Enum    []string
	Pattern string
	// Queryable fields are offered in /collections/{c}/queryables: the
	// properties a CQL2 filter may name (SQL gives their PostGIS value).
	Queryable bool
	// On says which surfaces carry the field; tiles carry it from zoom
	// TileMinZoom on (the layer's own zooms apply too).
	On          Surface
	TileMinZoom uint32
	// SQL is the PostGIS expression of the value, for queryables and tile
	// columns (aliases: z zones, h the zone's headline of the filter year,
	// a admin areas, r planning regions; "{tier}" is the tier expression).
	// A list is a text[] expression the store flattens with FlatList.
	SQL string
	// Attr marks a plain attribute of ZoneAttrs: loaded, exported,
	// imported, stored (PostGIS zones.attrs) and compared generically.
	Attr bool
	// Column is the PostGIS expression a store reads back into the typed
	// feature's member Ref points to (*Zone, *AdminArea, *Region): never
	// NULL (a nullable column is coalesced to the member's zero value), so
	// unlike SQL it gives "" rather than NULL for unknown. "" when the
	// value is not one stored column (headline values, links). A column
	// of the collection's table is written "alias.column", or
	// "coalesce(alias.column, '')" for a nullable text column: the
	// PostGIS writer stages exactly those (StoredColumn).
	Column string
	Ref    func(feature any) any
	// Get reads the value from the typed feature (*ZoneView, *AdminArea,
	// *Region): nil, "" or an empty list when unknown, which every surface
	// leaves out.
	Get func(feature any) any
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
	// Table is the PostGIS relation of the collection with its alias (the
	// alias of the Field.SQL expressions: "layoutmap.zones z"), Where a
	// condition every row of the collection meets ("" for none; cities and
	// counties share a table) and IDSQL the expression of the feature id.
	Table, Where, IDSQL string
	// Geom and Point are the PostGIS columns (EPSG:4326) of the outline
	// and of the representative point (admin areas: the label point), ""
	// when the collection has none; Shape points to the members of the
	// typed feature they fill (nil for none).
	Geom, Point string
	Shape       func(feature any) (*orb.MultiPolygon, *orb.Point)
	// Sorts are the keys items sort by (sortby=key or -key) with their
	// PostGIS expressions; a key the collection lacks orders by id alone.
	// DefaultSort is the key used when a request gives none. Every order
	// ends with the id ascending (see Order).
	Sorts       []SortSpec
	DefaultSort string
}

// SortSpec is one sort key of a collection: its sortby name, PostGIS
// expression and Value, which reads it from the typed feature (as
// Field.Get): a string for a text key, a *float64 (nil: unknown) for a
// number. Text keys compare byte-wise (COLLATE "C", Go's string order);
// numbers put unknown values last in both directions (NULLS LAST). Order
// is the comparison; the PostGIS store's ORDER BY is the same rule.
// Headline keys read the zone's headline figure (SQL alias h), so their
// order depends on the filter's year and measure family.
type SortSpec struct {
	Key      string
	SQL      string
	Text     bool
	Headline bool
	Value    func(feature any) any
}

func textSort(key, sql string, v func(any) any) SortSpec {
	return SortSpec{Key: key, SQL: sql, Text: true, Value: v}
}
func numSort(key, sql string, v func(any) any) SortSpec {
	return SortSpec{Key: key, SQL: sql, Value: v}
}

// headlineSort is a number key read from the zone's headline (ZoneView).
func headlineSort(key, sql string, v func(any) any) SortSpec {
	return SortSpec{Key: key, SQL: sql, Headline: true, Value: v}
}

// Sort returns the sort key called key, or false.
func (s CollectionSchema) Sort(key string) (SortSpec, bool) {
	for _, k := range s.Sorts {
		if k.Key == key {
			return k, true
		}
	}
	return SortSpec{}, false
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

// StoredColumn returns the column of the collection's table that f's
// Column reads, without the alias, when Column is one of the two forms of
// a stored column: "z.level", or "coalesce(z.county_code, ”)" for a
// nullable text column (nullable: "" is stored as NULL). ok is false for
// any other expression (an attribute inside z.attrs, an array of related
// rows), which a store writes its own way.
func (f Field) StoredColumn() (column string, nullable, ok bool) {
	expr := f.Column
	if inner, found := strings.CutPrefix(expr, "coalesce("); found {
		if expr, found = strings.CutSuffix(inner, ", '')"); !found {
			return "", false, false
		}
		nullable = true
	}
	alias, column, found := strings.Cut(expr, ".")
	if !found || !isSQLName(alias) || !isSQLName(column) {
		return "", false, false
	}
	return column, nullable, true
}

// isSQLName reports whether s is a plain lower-case SQL identifier.
func isSQLName(s string) bool {
	for i, c := range s {
		if !(c >= 'a' && c <= 'z' || c == '_' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return s != ""
}

// On returns the fields carried by surface on, in table order.
func (s CollectionSchema) On(on Surface) []Field {
	var out []Field
	for _, f := range s.Fields {
		if f.On&on != 0 {
			out = append(out, f)
		}
	}
	return out
}

// TileFieldsAt returns the fields a tile of zoom z carries.
func (s CollectionSchema) TileFieldsAt(z uint32) []Field {
	var out []Field
	for _, f := range s.Fields {
		if f.On&OnTile != 0 && z >= f.TileMinZoom {
			out = append(out, f)
		}
	}
	return out
}

// properties builds the properties of feature x on surface on: every
// field's Get, unknown values left out; with flat, lists are FlatList
// strings (tiles).
func (s CollectionSchema) properties(x any, on Surface, flat bool) Properties {
	p := make(Properties, len(s.Fields))
	for i := range s.Fields {
		if f := &s.Fields[i]; f.On&on != 0 {
			if v, ok := f.value(x, flat); ok {
				p[f.Name] = v
			}
		}
	}
	return p
}

// value is f's property value of feature x, false when unknown (nil, ""
// or an empty list); with flat, a list is its FlatList string.
func (f *Field) value(x any, flat bool) (any, bool) {
	if f.Get == nil {
		return nil, false
	}
	v := f.Get(x)
	switch t := v.(type) {
	case nil:
		return nil, false
	case string:
		return v, t != ""
	case []string:
		if len(t) == 0 {
			return nil, false
		}
		if flat {
			return FlatList(t), true
		}
		return slices.Clone(t), true
	case []map[string]any:
		return v, len(t) > 0
	}
	return v, true
}

// ZoneAttrs are a zone's plain attributes: values the bundled format,
// imports and exports carry under their field names, that PostGIS keeps in
// zones.attrs (jsonb) and that every surface reads through the zone field
// table (Attr rows). "" is unknown.
type ZoneAttrs struct {
	// ApprovalDate is the month the zone was approved, "YYYY-MM", from the
	// 2018 catalogue's 批准 date quoted in the zone's source.
	ApprovalDate string `json:"approval_date,omitempty"`
}

// ZoneView is a zone as served for a filter year and measure family: the
// zone with its tier and, when it has one, the headline record (see
// ZoneTier).
type ZoneView struct {
	Zone        *Zone
	Tier        string
	Headline    Revenue
	HasHeadline bool
}

// NewZoneView returns the view of z for year and family fam under ts.
func NewZoneView(z *Zone, ts Tiers, year int, fam string) *ZoneView {
	tier, h, ok := ZoneTier(ts, z.Revenue, year, fam)
	return &ZoneView{Zone: z, Tier: tier, Headline: h, HasHeadline: ok}
}

func zoneGet(f func(v *ZoneView) any) func(any) any {
	return func(x any) any { return f(x.(*ZoneView)) }
}
func zoneStr(f func(z *Zone) string) func(any) any {
	return func(x any) any { return f(x.(*ZoneView).Zone) }
}
func headline(f func(h *Revenue) any) func(any) any {
	return func(x any) any {
		if v := x.(*ZoneView); v.HasHeadline {
			return f(&v.Headline)
		}
		return nil
	}
}
func adminGet(f func(a *AdminArea) any) func(any) any {
	return func(x any) any { return f(x.(*AdminArea)) }
}
func regionGet(f func(r *Region) any) func(any) any {
	return func(x any) any { return f(x.(*Region)) }
}

// pointGet reads lon (i = 0) or lat (i = 1) of a point, nil for the zero
// point (unknown).
func pointGet(pt func(x any) [2]float64, i int) func(any) any {
	return func(x any) any {
		p := pt(x)
		if p == ([2]float64{}) {
			return nil
		}
		return p[i]
	}
}

var (
	fName   = Field{Name: "name", Type: TypeString, TitleZH: "名称", TitleEN: "Name", Description: "Official Chinese name.", Queryable: true}
	fNameEN = Field{Name: "name_en", Type: TypeString, TitleZH: "英文名称", TitleEN: "English name", Queryable: true}
	fLon    = Field{Name: "lon", Type: TypeNumber, Unit: "degree", TitleZH: "经度", TitleEN: "Longitude", Description: "Longitude of the label or representative point, WGS84 (CRS84).", On: OnJSON | OnCSV}
	fLat    = Field{Name: "lat", Type: TypeNumber, Unit: "degree", TitleZH: "纬度", TitleEN: "Latitude", Description: "Latitude of the label or representative point, WGS84 (CRS84).", On: OnJSON | OnCSV}
	fSource = Field{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source", Description: "Where the facts of this feature come from (see data/henan/SOURCES.md).", On: OnJSON | OnCSV}
)

// with returns f with the surfaces, SQL and getter of one collection.
func with(f Field, on Surface, sql string, get func(any) any) Field {
	f.On, f.SQL, f.Get = on, sql, get
	return f
}

// stored returns f read back from column into the member ref points to.
func stored(f Field, column string, ref func(any) any) Field {
	f.Column, f.Ref = column, ref
	return f
}

func adminRef(f func(a *AdminArea) any) func(any) any {
	return func(x any) any { return f(x.(*AdminArea)) }
}
func zoneRef(f func(z *Zone) any) func(any) any     { return func(x any) any { return f(x.(*Zone)) } }
func regionRef(f func(r *Region) any) func(any) any { return func(x any) any { return f(x.(*Region)) } }

func adminSchema(id, zh, en, level, desc string) CollectionSchema {
	pt := func(x any) [2]float64 { return [2]float64(x.(*AdminArea).LabelPoint) }
	return CollectionSchema{ID: id, TitleZH: zh, TitleEN: en, Description: desc, DescribeOutlines: true, GeometryTypes: []string{"MultiPolygon"},
		Table: "layoutmap.admin_areas a", Where: "a.level = '" + level + "'", IDSQL: "a.code", DefaultSort: "code",
		Geom: "a.geom", Point: "a.label_point", Shape: func(x any) (*orb.MultiPolygon, *orb.Point) {
			a := x.(*AdminArea)
			return &a.Geom, &a.LabelPoint
		},
		Sorts: []SortSpec{
			textSort("name", "a.name", adminGet(func(a *AdminArea) any { return a.Name })),
			textSort("id", "a.code", adminGet(func(a *AdminArea) any { return a.Code })),
			textSort("code", "a.code", adminGet(func(a *AdminArea) any { return a.Code })),
		}, Fields: []Field{
			// The code is the feature id: the CSV writes it as the id column.
			{Name: "code", Type: TypeString, TitleZH: "行政区划代码", TitleEN: "Division code", Description: "GB/T 2260 code of the " + level + ".", Queryable: true,
				On: OnJSON | OnTile, SQL: "a.code", Get: adminGet(func(a *AdminArea) any { return a.Code }),
				Column: "a.code", Ref: adminRef(func(a *AdminArea) any { return &a.Code })},
			stored(with(fName, OnJSON|OnCSV|OnTile, "NULLIF(a.name, '')", adminGet(func(a *AdminArea) any { return a.Name })),
				"a.name", adminRef(func(a *AdminArea) any { return &a.Name })),
			stored(with(fNameEN, OnJSON|OnCSV|OnTile, "NULLIF(a.name_en, '')", adminGet(func(a *AdminArea) any { return a.NameEN })),
				"a.name_en", adminRef(func(a *AdminArea) any { return &a.NameEN })),
			{Name: "level", Type: TypeString, TitleZH: "级别", TitleEN: "Level", Enum: []string{level}, Queryable: true,
				On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(a.level, '')", Get: adminGet(func(a *AdminArea) any { return a.Level }),
				Column: "a.level", Ref: adminRef(func(a *AdminArea) any { return &a.Level })},
			{Name: "parent_code", Type: TypeString, TitleZH: "上级区划代码", TitleEN: "Parent code", Description: "GB/T 2260 code of the division it belongs to.", Queryable: true,
				On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(a.parent_code, '')", Get: adminGet(func(a *AdminArea) any { return a.ParentCode }),
				Column: "coalesce(a.parent_code, '')", Ref: adminRef(func(a *AdminArea) any { return &a.ParentCode })},
			with(fLat, fLat.On, "", pointGet(pt, 1)),
			with(fLon, fLon.On, "", pointGet(pt, 0)),
			stored(with(fSource, fSource.On, "", adminGet(func(a *AdminArea) any { return a.Source })),
				"a.source", adminRef(func(a *AdminArea) any { return &a.Source })),
		}}
}

// zoneFields is the field table of zones. Its order is the CSV's column
// order and the order GDAL and QGIS show.
var zoneFields = []Field{
	{Name: "id", Type: TypeString, TitleZH: "开发区代码", TitleEN: "Zone id", Description: "The 2018 catalogue's code (G…/S…), or X-… for zones outside it.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "z.id", Get: zoneStr(func(z *Zone) string { return z.ID }),
		Column: "z.id", Ref: zoneRef(func(z *Zone) any { return &z.ID })},
	stored(with(fName, OnJSON|OnCSV|OnTile, "NULLIF(z.name, '')", zoneStr(func(z *Zone) string { return z.Name })),
		"z.name", zoneRef(func(z *Zone) any { return &z.Name })),
	stored(with(fNameEN, OnJSON|OnCSV|OnTile, "NULLIF(z.name_en, '')", zoneStr(func(z *Zone) string { return z.NameEN })),
		"z.name_en", zoneRef(func(z *Zone) any { return &z.NameEN })),
	{Name: "level", Type: TypeString, TitleZH: "级别", TitleEN: "Level", Description: "Zone level as the catalogue states it (国家级…, 省级…).", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(z.level, '')", Get: zoneStr(func(z *Zone) string { return z.Level }),
		Column: "z.level", Ref: zoneRef(func(z *Zone) any { return &z.Level })},
	{Name: "level_en", Type: TypeString, TitleZH: "级别(英文)", TitleEN: "Level (English)",
		On: OnJSON, Get: zoneStr(func(z *Zone) string { return z.LevelEN }),
		Column: "z.level_en", Ref: zoneRef(func(z *Zone) any { return &z.LevelEN })},
	{Name: "city_code", Type: TypeString, TitleZH: "所在市代码", TitleEN: "City code", Description: "GB/T 2260 code of the city the zone lies in.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(z.city_code, '')", Get: zoneStr(func(z *Zone) string { return z.CityCode }),
		Column: "z.city_code", Ref: zoneRef(func(z *Zone) any { return &z.CityCode })},
	{Name: "county_code", Type: TypeString, TitleZH: "所在县代码", TitleEN: "County code", Description: "GB/T 2260 code of the county, when known.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(z.county_code, '')", Get: zoneStr(func(z *Zone) string { return z.CountyCode }),
		Column: "coalesce(z.county_code, '')", Ref: zoneRef(func(z *Zone) any { return &z.CountyCode })},
	{Name: "approval_date", Type: TypeString, TitleZH: "批准时间", TitleEN: "Approval date",
		Description: "Month the zone was approved (YYYY-MM), from the 2018 catalogue's 批准 date quoted in source (\"批准2000.02\" is 2000-02). Absent for zones outside the catalogue.",
		Pattern:     `^[0-9]{4}-(0[1-9]|1[0-2])$`, Queryable: true, Attr: true, On: OnJSON | OnCSV | OnTile, TileMinZoom: 9,
		SQL: "NULLIF(z.attrs->>'approval_date', '')", Get: zoneStr(func(z *Zone) string { return z.ApprovalDate }),
		Column: "coalesce(z.attrs->>'approval_date', '')", Ref: zoneRef(func(z *Zone) any { return &z.ApprovalDate })},
	{Name: "clusters", Type: TypeArray, Items: TypeString, TitleZH: "产业集群", TitleEN: "Clusters", Description: "Ids of the clusters of \"7+28+N\" the zone is linked to (/api/v1/clusters). CSV and tiles: \"|id|id|\" (geo.FlatList).",
		On: OnJSON | OnCSV | OnTile, SQL: "ARRAY(SELECT zc.cluster_id FROM layoutmap.zone_clusters zc WHERE zc.zone_id = z.id AND zc.cluster_id <> '' ORDER BY zc.ord)",
		Get: zoneGet(func(v *ZoneView) any {
			ids := make([]string, len(v.Zone.Clusters))
			for i, c := range v.Zone.Clusters {
				ids[i] = c.ClusterID
			}
			return ids
		})},
	{Name: "tier", Type: TypeString, TitleZH: "营收档次", TitleEN: "Revenue tier", Description: "Tier of the headline figure (t5000 ≥5000亿, t1000, t500, t100, t0 <100亿), or no_data when the zone has no usable figure for the year; with bound lower: at least this tier.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "{tier}", Get: zoneGet(func(v *ZoneView) any { return v.Tier })},
	{Name: "revenue_yi", Type: TypeNumber, Unit: "亿元", TitleZH: "营业收入", TitleEN: "Revenue", Description: "The headline figure in 亿元 (100 million yuan); read it only with measure, bound, period, scope and revenue_year. Absent when unknown.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "h.revenue_yi", Get: headline(func(h *Revenue) any { return h.RevenueYi })},
	{Name: "revenue_year", Type: TypeInteger, TitleZH: "营收年份", TitleEN: "Revenue year", Description: "Year of the headline figure.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "h.revenue_year", Get: headline(func(h *Revenue) any { return h.Year })},
	{Name: "measure", Type: TypeString, TitleZH: "统计口径", TitleEN: "Measure", Description: "What the headline figure measures (主营业务收入, 营业收入, 四上企业营业收入, 规上企业营业收入, 工业总产值): figures of different measures are not comparable.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(h.measure, '')", Get: headline(func(h *Revenue) any { return h.Measure })},
	{Name: "bound", Type: TypeString, TitleZH: "数值性质", TitleEN: "Bound", Description: "What the headline figure says about the full year: exact, lower (突破/超过, or a part-year figure: at least the figure) or upper (at most the figure).", Enum: []string{BoundExact, BoundLower, BoundUpper}, Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(h.eff_bound, '')", Get: headline(func(h *Revenue) any { return EffectiveBound(*h) })},
	{Name: "period", Type: TypeString, TitleZH: "统计期", TitleEN: "Period", Description: "full_year, or the part of the year the figure covers (a part-year figure is a lower bound of the year).",
		On: OnJSON | OnCSV | OnTile, SQL: "h.period", Get: headline(func(h *Revenue) any { return periodOrFull(h.Period) })},
	{Name: "scope", Type: TypeString, TitleZH: "统计范围", TitleEN: "Scope", Description: "What part of the zone the headline figure counts: zone (the whole zone), or the one part the source names, e.g. 食品产业 (the zone's food industry only). A part's figure is a lower bound of the zone's (bound lower): it answers min_revenue and \"at least\" tiers, never max_revenue, and is shown with its scope (\"仅食品产业\", \"food industry only\") on every surface.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(h.scope, '')", Get: headline(func(h *Revenue) any { return ScopeOrZone(h.Scope) })},
	{Name: "revenue_source", Type: TypeString, TitleZH: "营收来源", TitleEN: "Revenue source", Description: "Source of the headline figure.",
		On: OnJSON | OnCSV, Get: headline(func(h *Revenue) any { return h.Source })},
	with(fLat, fLat.On, "", pointGet(func(x any) [2]float64 { return [2]float64(x.(*ZoneView).Zone.Point) }, 1)),
	with(fLon, fLon.On, "", pointGet(func(x any) [2]float64 { return [2]float64(x.(*ZoneView).Zone.Point) }, 0)),
	{Name: "geom_quality", Type: TypeString, TitleZH: "边界精度", TitleEN: "Outline quality", Description: "approximate: the outline is a circle of the approved area around the point, not an official boundary.", Queryable: true,
		On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(z.geom_quality, '')", Get: zoneStr(func(z *Zone) string { return z.GeomQuality }),
		Column: "coalesce(z.geom_quality, '')", Ref: zoneRef(func(z *Zone) any { return &z.GeomQuality })},
	{Name: "point_quality", Type: TypeString, TitleZH: "点位精度", TitleEN: "Point quality", Description: "Where lon/lat come from: geocoded (a POI), county_centroid or city_centroid (only a representative point).", Queryable: true,
		On: OnJSON | OnTile, SQL: "NULLIF(z.point_quality, '')", Get: zoneStr(func(z *Zone) string { return z.PointQuality }),
		Column: "z.point_quality", Ref: zoneRef(func(z *Zone) any { return &z.PointQuality })},
	{Name: "lead_industries", Type: TypeArray, Items: TypeString, TitleZH: "主导产业", TitleEN: "Lead industries",
		On: OnJSON, Get: zoneGet(func(v *ZoneView) any { return v.Zone.LeadIndustries }),
		Column: "z.lead_industries", Ref: zoneRef(func(z *Zone) any { return &z.LeadIndustries })},
	{Name: "approved_area_ha", Type: TypeNumber, Unit: "ha", TitleZH: "核准面积", TitleEN: "Approved area", Description: "Area approved in the 2018 catalogue, hectares.", Queryable: true,
		On: OnJSON, SQL: "z.approved_area_ha::float8", Get: zoneGet(func(v *ZoneView) any {
			if v.Zone.AreaHa == nil {
				return nil
			}
			return *v.Zone.AreaHa
		}), Column: "z.approved_area_ha", Ref: zoneRef(func(z *Zone) any { return &z.AreaHa })},
	{Name: "cluster_links", Type: TypeArray, Items: TypeObject, TitleZH: "集群关联", TitleEN: "Cluster links", Description: "Each link with whether it was derived from lead industries and its source.", Members: []Field{
		{Name: "cluster_id", Type: TypeString, TitleZH: "集群", TitleEN: "Cluster id"},
		{Name: "derived", Type: TypeBoolean, TitleZH: "推导", TitleEN: "Derived"},
		{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source"},
	}, On: OnJSON, Get: zoneGet(func(v *ZoneView) any {
		links := make([]map[string]any, len(v.Zone.Clusters))
		for i, c := range v.Zone.Clusters {
			l := map[string]any{"cluster_id": c.ClusterID, "derived": c.Derived}
			putStr(l, "source", c.Source)
			links[i] = l
		}
		return links
	})},
	{Name: "chains", Type: TypeArray, Items: TypeString, TitleZH: "重点产业链", TitleEN: "Key chains", Description: "Ids of key industrial chains (/api/v1/chains).",
		On: OnJSON, Get: zoneGet(func(v *ZoneView) any { return v.Zone.Chains })},
	{Name: "regions", Type: TypeArray, Items: TypeString, TitleZH: "规划区域", TitleEN: "Planning regions", Description: "Ids of the planning regions whose member cities hold the zone.",
		On: OnJSON, Get: zoneGet(func(v *ZoneView) any { return v.Zone.Regions })},
	{Name: "revenue", Type: TypeArray, Items: TypeObject, TitleZH: "历年营收", TitleEN: "Revenue records", Description: "Every revenue record of the zone, each with its own measure, bound, period and source.", Members: []Field{
		{Name: "year", Type: TypeInteger, TitleZH: "年份", TitleEN: "Year"},
		{Name: "revenue_yi", Type: TypeNumber, Unit: "亿元", TitleZH: "营业收入", TitleEN: "Revenue"},
		{Name: "measure", Type: TypeString, TitleZH: "统计口径", TitleEN: "Measure"},
		{Name: "family", Type: TypeString, TitleZH: "指标类别", TitleEN: "Measure family", Description: "revenue (营业收入 and its scopes) or output (工业总产值): figures of different families are never compared.", Enum: []string{FamilyRevenue, FamilyOutput}},
		{Name: "bound", Type: TypeString, TitleZH: "数值性质", TitleEN: "Bound", Enum: []string{BoundExact, BoundLower, BoundUpper}},
		{Name: "period", Type: TypeString, TitleZH: "统计期", TitleEN: "Period"},
		{Name: "scope", Type: TypeString, TitleZH: "统计范围", TitleEN: "Scope", Description: "zone (the whole zone) or the one part of the zone the figure counts (e.g. 食品产业)."},
		{Name: "source", Type: TypeString, TitleZH: "来源", TitleEN: "Source"},
	}, On: OnJSON, Get: zoneGet(func(v *ZoneView) any {
		recs := make([]map[string]any, len(v.Zone.Revenue))
		for i, r := range v.Zone.Revenue {
			m := map[string]any{"year": r.Year, "revenue_yi": r.RevenueYi}
			putStr(m, "measure", r.Measure)
			putStr(m, "family", FamilyOf(r.Measure))
			putStr(m, "bound", r.Bound)
			putStr(m, "period", r.Period)
			putStr(m, "scope", ScopeOrZone(r.Scope))
			putStr(m, "source", r.Source)
			recs[i] = m
		}
		return recs
	})},
	stored(with(fSource, fSource.On, "", zoneStr(func(z *Zone) string { return z.Source })),
		"z.source", zoneRef(func(z *Zone) any { return &z.Source })),
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
		GeometryTypes: []string{"MultiPolygon", "Point"}, Fields: zoneFields,
		// h is the zone's headline of the filter's year and family.
		Table: "layoutmap.zones z", IDSQL: "z.id", DefaultSort: "name",
		Geom: "z.geom", Point: "z.point", Shape: func(x any) (*orb.MultiPolygon, *orb.Point) {
			z := x.(*Zone)
			return &z.Geom, &z.Point
		},
		Sorts: []SortSpec{
			textSort("name", "z.name", zoneStr(func(z *Zone) string { return z.Name })),
			textSort("id", "z.id", zoneStr(func(z *Zone) string { return z.ID })),
			// The county, or the city when the county is unknown.
			textSort("code", "coalesce(z.county_code, z.city_code)", zoneStr(func(z *Zone) string { return cmp.Or(z.CountyCode, z.CityCode) })),
			headlineSort("revenue", "h.revenue_yi", zoneGet(func(v *ZoneView) any {
				if !v.HasHeadline {
					return (*float64)(nil)
				}
				return &v.Headline.RevenueYi
			})),
			numSort("area", "z.approved_area_ha", zoneGet(func(v *ZoneView) any { return v.Zone.AreaHa })),
		}},
	{ID: CollRegions, TitleZH: "规划区域", TitleEN: "Planning regions",
		Description: "中心引领、两带支撑、四区协同: the planning regions, geometry the union of member cities", GeometryTypes: []string{"MultiPolygon"},
		Table: "layoutmap.planning_regions r", IDSQL: "r.id", DefaultSort: "code",
		Geom: "r.geom", Shape: func(x any) (*orb.MultiPolygon, *orb.Point) { return &x.(*Region).Geom, nil },
		Sorts: []SortSpec{
			textSort("name", "r.name", regionGet(func(r *Region) any { return r.Name })),
			textSort("id", "r.id", regionGet(func(r *Region) any { return r.ID })),
			textSort("code", "r.id", regionGet(func(r *Region) any { return r.ID })),
		}, Fields: []Field{
			{Name: "id", Type: TypeString, TitleZH: "区域代码", TitleEN: "Region id", Queryable: true,
				On: OnJSON | OnCSV | OnTile, SQL: "r.id", Get: regionGet(func(r *Region) any { return r.ID }),
				Column: "r.id", Ref: regionRef(func(r *Region) any { return &r.ID })},
			stored(with(fName, OnJSON|OnCSV|OnTile, "NULLIF(r.name, '')", regionGet(func(r *Region) any { return r.Name })),
				"r.name", regionRef(func(r *Region) any { return &r.Name })),
			stored(with(fNameEN, OnJSON|OnCSV|OnTile, "NULLIF(r.name_en, '')", regionGet(func(r *Region) any { return r.NameEN })),
				"r.name_en", regionRef(func(r *Region) any { return &r.NameEN })),
			{Name: "kind", Type: TypeString, TitleZH: "类型", TitleEN: "Kind", Description: "What kind of region of 中心引领、两带支撑、四区协同 this is.", Queryable: true,
				On: OnJSON | OnCSV | OnTile, SQL: "NULLIF(r.kind, '')", Get: regionGet(func(r *Region) any { return r.Kind }),
				Column: "r.kind", Ref: regionRef(func(r *Region) any { return &r.Kind })},
			{Name: "derived", Type: TypeBoolean, TitleZH: "推导", TitleEN: "Derived", Description: "true when membership was derived from geography rather than listed in the plan.", Queryable: true,
				On: OnJSON | OnCSV | OnTile, SQL: "r.derived", Get: regionGet(func(r *Region) any { return r.Derived }),
				Column: "r.derived", Ref: regionRef(func(r *Region) any { return &r.Derived })},
			{Name: "members", Type: TypeArray, Items: TypeString, TitleZH: "成员城市", TitleEN: "Member cities", Description: "GB/T 2260 codes of the member cities. CSV and tiles: \"|code|code|\" (geo.FlatList).",
				On: OnJSON | OnCSV | OnTile, SQL: "ARRAY(SELECT m.member_code FROM layoutmap.planning_region_members m WHERE m.region_id = r.id AND m.member_code <> '' ORDER BY m.ord)",
				Get:    regionGet(func(r *Region) any { return r.Members }),
				Column: "ARRAY(SELECT m.member_code FROM layoutmap.planning_region_members m WHERE m.region_id = r.id ORDER BY m.ord)",
				Ref:    regionRef(func(r *Region) any { return &r.Members })},
			{Name: "roles", Type: TypeArray, Items: TypeObject, TitleZH: "成员角色", TitleEN: "Member roles", Members: []Field{
				{Name: "code", Type: TypeString, TitleZH: "城市代码", TitleEN: "City code"},
				{Name: "role", Type: TypeString, TitleZH: "角色", TitleEN: "Role"},
			}, On: OnJSON, Get: regionGet(func(r *Region) any {
				codes := make([]string, 0, len(r.Roles))
				for c := range r.Roles {
					codes = append(codes, c)
				}
				slices.Sort(codes)
				roles := make([]map[string]any, len(codes))
				for i, c := range codes {
					roles[i] = map[string]any{"code": c, "role": r.Roles[c]}
				}
				return roles
			})},
			stored(with(fSource, fSource.On, "", regionGet(func(r *Region) any { return r.Source })),
				"r.source", regionRef(func(r *Region) any { return &r.Source })),
		}},
	enterpriseSchema,
}

// LabelFields are the properties of the labels tile layer (not a
// collection): city and county labels carry kind, id, name and name_en;
// zone labels add point_quality and their tier and headline.
var LabelFields = []Field{
	{Name: "kind", Type: TypeString, TitleZH: "标注类型", TitleEN: "Label kind", Description: "city, county or zone", On: OnTile},
	{Name: "id", Type: TypeString, TitleZH: "代码", TitleEN: "Id", Description: "code of the division or zone id", On: OnTile},
	{Name: "name", Type: TypeString, TitleZH: "名称", TitleEN: "Name", On: OnTile},
	{Name: "name_en", Type: TypeString, TitleZH: "英文名称", TitleEN: "English name", On: OnTile},
	{Name: "tier", Type: TypeString, TitleZH: "营收档次", TitleEN: "Revenue tier", Description: "zone labels: revenue tier id", On: OnTile},
	{Name: "revenue_yi", Type: TypeNumber, Unit: "亿元", TitleZH: "营业收入", TitleEN: "Revenue", Description: "zone labels: headline revenue in 亿元", On: OnTile},
	{Name: "bound", Type: TypeString, TitleZH: "数值性质", TitleEN: "Bound", Description: "zone labels: exact, lower (≥) or upper (≤)", On: OnTile},
	{Name: "scope", Type: TypeString, TitleZH: "统计范围", TitleEN: "Scope", Description: "zone labels: zone, or the one part of the zone the figure counts (e.g. 食品产业)", On: OnTile},
	{Name: "point_quality", Type: TypeString, TitleZH: "点位精度", TitleEN: "Point quality", Description: "zone labels: geocoded, or county_centroid/city_centroid when the zone's place is unknown", On: OnTile},
}

// LabelSource is where the labels of one kind take their properties: the
// collection whose features they label, and for each label property
// (LabelFields) the field of that collection's table it copies; "kind" is
// the constant Kind or, when Kind is "", copied too. Point and FID are the
// PostGIS columns of the label point (EPSG:3857) and tile feature id.
type LabelSource struct {
	Label, Collection string
	Kind              string
	Copy              map[string]string
	Point, FID        string
}

// A city or county label is its code, names and level; a zone label adds
// its tier and headline, and point_quality (a style draws a zone whose
// place is unknown as such).
var (
	adminLabelCopy = map[string]string{"kind": "level", "id": "code", "name": "name", "name_en": "name_en"}
	cityLabels     = LabelSource{Label: LabelCity, Collection: CollCities, Copy: adminLabelCopy, Point: "a.label_3857", FID: "a.tile_fid"}
	countyLabels   = LabelSource{Label: LabelCounty, Collection: CollCounties, Copy: adminLabelCopy, Point: "a.label_3857", FID: "a.tile_fid"}
	zoneLabels     = LabelSource{Label: LabelZone, Collection: CollZones, Kind: LabelZone, Copy: map[string]string{"id": "id", "name": "name", "name_en": "name_en",
		"tier": "tier", "revenue_yi": "revenue_yi", "bound": "bound", "scope": "scope", "point_quality": "point_quality"}, Point: "z.point_3857", FID: "z.tile_fid"}
)

// LabelSources are the kinds of label in the order the labels layer
// holds them (each kind by id).
var LabelSources = []LabelSource{cityLabels, countyLabels, zoneLabels}

// Field returns the field of the labelled collection that label property
// name copies, or false.
func (l LabelSource) Field(name string) (Field, bool) {
	if from, ok := l.Copy[name]; ok {
		return Schemas[l.Collection].Field(from)
	}
	return Field{}, false
}

// properties are the label properties of x (the feature the copied
// fields' Get reads): unknown values left out, lists flat.
func (l LabelSource) properties(x any) Properties {
	p := make(Properties, len(LabelFields))
	if l.Kind != "" {
		p["kind"] = l.Kind
	}
	for _, lf := range LabelFields {
		if f, ok := l.Field(lf.Name); ok {
			if v, ok := f.value(x, true); ok {
				p[lf.Name] = v
			}
		}
	}
	return p
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

// LayerFields returns the fields the tile layer carries (at any zoom):
// the OnTile fields of its collection (the province layer is an admin
// layer), LabelFields for labels.
func LayerFields(layer string) []Field {
	if layer == LayerLabels {
		return LabelFields
	}
	for _, l := range Layers {
		if l.Name == layer {
			fs := Schemas[l.Collection].On(OnTile)
			return slices.DeleteFunc(fs, func(f Field) bool { return slices.Contains(l.Without, f.Name) })
		}
	}
	return nil
}

// LayerCollection is the collection whose field table a tile layer uses
// ("" for labels).
func LayerCollection(layer string) string {
	for _, l := range Layers {
		if l.Name == layer {
			return l.Collection
		}
	}
	return ""
}

// unitTexts says what each Field.Unit means, for documents that give a
// field's unit in words (TileJSON field descriptions).
var unitTexts = map[string]string{
	"亿元":     "亿元 (1亿元 = 1e8 yuan, 100 million yuan)",
	"ha":     "ha (hectares)",
	"degree": "degrees (WGS84)",
}

// UnitText is unit in words ("亿元 (1亿元 = 1e8 yuan, …)"), unit itself
// when unknown.
func UnitText(unit string) string {
	if t, ok := unitTexts[unit]; ok {
		return t
	}
	return unit
}
