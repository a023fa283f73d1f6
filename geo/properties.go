package geo

import (
	"cmp"
	"slices"
	"strings"
)

// This file builds feature properties from the field tables of schema.go.
// Both stores build feature properties here, so the items API, CSV export,
// tiles and the PostGIS store agree on names, types and the rule "unknown
// is left out".
//
// Two shapes exist:
//   - the feature properties (ZoneProperties, AdminProperties,
//     RegionProperties, the OnJSON fields) for GeoJSON and CSV: scalars,
//     []string and, for cluster_links, revenue and roles, []map[string]any;
//   - the tile properties (ZoneTileProperties …, the OnTile fields, and
//     the label properties), flat scalars only, because an MVT value is a
//     string, number or bool. Lists are FlatList strings ("|a|b|") there.
//
// Property values are string, int, float64, bool, []string or
// []map[string]any. A nil, empty or unknown value is never stored (orb writes
// nil as the string "null"; ST_AsMVT and the GeoJSON encoder leave NULL out).

// What both stores answer, beyond the property schema (the memstore is the
// reference implementation; the PostGIS store replicates it):
//
// Filter per collection:
//   - bbox: an item matches when the bounding box of its served geometry
//     intersects the bbox, edges included (PostGIS: geom && envelope).
//     Zones are served with their outline (Geom), or their Point when they
//     have no outline.
//   - city: cities: the city itself; counties: the parent city; zones:
//     CityCode; regions: regions having one of the cities as a member.
//   - region: cities: members of the region; counties: counties whose parent
//     city is a member; zones: zones whose CityCode is a member; regions: the
//     region itself.
//   - cluster, chain, tier, year, min_revenue, max_revenue: zones only
//     (Filter.MatchZone); Filter.Validate rejects them elsewhere.
//   - Limit 0 means DefaultLimit; Limit above MaxLimit or a negative
//     Offset is a FieldError, never clamped.
//
// Items: Feature.ID is the zone or region id, or the admin code; item
// properties come from ZoneProperties (for the filter year),
// AdminProperties and RegionProperties. Item of a zone uses year 0.
//
// Tiles: for each layer of LayersAt(z), the features whose geometry bounds
// intersect the tile bound grown by TileBuffer/TileExtent of a tile on each
// side in tile space (ST_TileEnvelope(z, x, y, margin => 64/4096.0)).
// Outlines of the province, cities, counties and regions are simplified by
// Douglas–Peucker with SimplifyTolerance(z) in degrees, rings under 4
// vertices dropped, shapes left empty omitted. The zones layer holds zones
// passing Filter.MatchZone (bbox and paging ignored: the tile is the
// extent) with their served geometry, unsimplified. The labels layer holds
// label points inside the buffered bound: cities (z ≥ LabelMinZoom[city]),
// counties (z ≥ LabelMinZoom[county]), zones passing the filter
// (z ≥ LabelMinZoom[zone], at Zone.Point); in that order, each by id.
// Tile properties: AdminTileProperties (province, cities, counties),
// RegionTileProperties, ZoneTileProperties, AdminLabelProperties and
// ZoneLabelProperties. Every layer of the zoom is present, even empty.

// Label kinds of the labels tile layer.
const (
	LabelCity   = LevelCity
	LabelCounty = LevelCounty
	LabelZone   = "zone"
)

// ZoneProperties returns the feature properties of z, with the tier and the
// headline revenue record of year (0: each zone's latest year, see
// Headline). z is not modified; slices in the result are fresh copies.
//
// Keys: id, name, name_en, level, level_en, city_code, county_code,
// lead_industries, approved_area_ha, lon and lat (the zone's Point, whose
// origin point_quality gives), point_quality, geom_quality, clusters
// (cluster ids), cluster_links ({cluster_id, derived, source}), chains,
// regions, tier, revenue_yi, revenue_year, measure, bound, period, scope,
// revenue_source (the headline record of family fam; bound is its
// EffectiveBound, so a part-year or part-of-zone figure reads "lower"),
// revenue (every record: {year, revenue_yi, measure, family, bound, period,
// scope, source}, bound as published) and source.
func ZoneProperties(z *Zone, ts Tiers, year int, fam string) Properties {
	return Schemas[CollZones].properties(NewZoneView(z, ts, year, fam), OnJSON, false)
}

func periodOrFull(p string) string {
	if p == "" {
		return PeriodFullYear
	}
	return p
}

// AdminProperties returns the feature properties of an admin area: code,
// name, name_en, level, parent_code, lat and lon (the label point), source.
// a is not modified.
func AdminProperties(a *AdminArea) Properties {
	return Schemas[CollCities].properties(a, OnJSON, false)
}

// RegionProperties returns the feature properties of a planning region: id,
// name, name_en, kind, members (city codes), roles ({code, role}, sorted by
// code), derived, source. r is not modified.
func RegionProperties(r *Region) Properties {
	return Schemas[CollRegions].properties(r, OnJSON, false)
}

// ZoneTileProperties returns the flat tile properties of z for year: the
// OnTile fields of the zone table (lists as FlatList), at every zoom (the
// encoder applies TileMinZoom).
func ZoneTileProperties(z *Zone, ts Tiers, year int, fam string) Properties {
	return Schemas[CollZones].properties(NewZoneView(z, ts, year, fam), OnTile, true)
}

// AdminTileProperties returns the flat tile properties of an admin area:
// code, name, name_en, level, parent_code.
func AdminTileProperties(a *AdminArea) Properties {
	return Schemas[CollCities].properties(a, OnTile, true)
}

// RegionTileProperties returns the flat tile properties of a region: id,
// name, name_en, kind, members (FlatList), derived.
func RegionTileProperties(r *Region) Properties {
	return Schemas[CollRegions].properties(r, OnTile, true)
}

// AdminLabelProperties returns the labels-layer properties of a city or
// county label: kind (LabelCity/LabelCounty = the level), id (the code),
// name, name_en.
func AdminLabelProperties(a *AdminArea) Properties {
	// Cities and counties copy the same fields; the kind is the level.
	return cityLabels.properties(a)
}

// ZoneLabelProperties returns the labels-layer properties of a zone label:
// kind (LabelZone), id, name, name_en, point_quality (so a style can draw
// a zone whose place is unknown as such), tier and, with a headline figure
// for year and family fam, revenue_yi and bound.
func ZoneLabelProperties(z *Zone, ts Tiers, year int, fam string) Properties {
	return zoneLabels.properties(NewZoneView(z, ts, year, fam))
}

func putStr(p map[string]any, k, v string) {
	if v != "" {
		p[k] = v
	}
}

// Sort order of items (the sortby parameter). Both stores follow it exactly;
// the PostGIS store replicates it in ORDER BY:
//
//   - name: Name compared by Unicode code point (Go string order, SQL
//     COLLATE "C"); -name descending.
//   - revenue: RevenueYi of the headline record for the filter year and
//     measure family (see Headline; year 0 = each zone's latest). Zones without a headline
//     figure come last in both directions (SQL NULLS LAST for both).
//   - area: AreaHa; zones without an approved area last in both directions.
//   - code: admin areas: Code; zones: CountyCode, or CityCode when the county
//     is unknown; regions: ID.
//   - id: ID (admin areas: Code).
//
// Every ordering ends with id ascending as the final tie-breaker, also for
// descending keys, so paging is stable. The empty sortby is the default:
// "code" for admin areas and regions, "name" for zones.

// SortKey is one item's value of the key of an Order and its id, the
// final tie-breaker.
type SortKey struct {
	ID   string
	Text string
	Num  *float64 // nil: unknown
}

// Order is a sortby ("name", "-revenue" …; "" the collection's
// DefaultSort) resolved against a collection's descriptor: the SortSpec of
// the key (nil when the collection lacks it: id alone) and the direction.
// It is the rule the PostGIS store writes as ORDER BY: text byte-wise,
// numbers with unknown values last in both directions, id ascending last.
type Order struct {
	Spec *SortSpec
	Desc bool
}

// Order resolves sortby on s.
func (s CollectionSchema) Order(sortby string) Order {
	key := strings.TrimPrefix(strings.TrimPrefix(sortby, "-"), "+")
	if key == "" {
		key = s.DefaultSort
	}
	o := Order{Desc: strings.HasPrefix(sortby, "-")}
	for i := range s.Sorts {
		if s.Sorts[i].Key == key {
			o.Spec = &s.Sorts[i]
		}
	}
	return o
}

// Key returns the sort key of feature x (what the key's Value reads) with
// id.
func (o Order) Key(x any, id string) SortKey {
	k := SortKey{ID: id}
	if o.Spec != nil {
		switch v := o.Spec.Value(x).(type) {
		case string:
			k.Text = v
		case *float64:
			k.Num = v
		}
	}
	return k
}

// ZoneKey returns the sort key of zone z for the filter year and family
// (a Headline key reads the headline of that year and family).
func (o Order) ZoneKey(z *Zone, year int, fam string) SortKey {
	v := &ZoneView{Zone: z}
	if o.ByHeadline() {
		v.Headline, v.HasHeadline = Headline(z.Revenue, year, fam)
	}
	return o.Key(v, z.ID)
}

// ByHeadline reports whether the order reads the zone's headline figure,
// so that it differs by the filter's year and measure family.
func (o Order) ByHeadline() bool { return o.Spec != nil && o.Spec.Headline }

// Compare orders a and b: <0, 0 or >0 like cmp.Compare; 0 only for the
// same id.
func (o Order) Compare(a, b SortKey) int {
	c := 0
	switch {
	case o.Spec == nil:
	case o.Spec.Text:
		c = cmp.Compare(a.Text, b.Text)
		if o.Desc {
			c = -c
		}
	default:
		c = compareNullsLast(a.Num, b.Num, o.Desc)
	}
	if c != 0 {
		return c
	}
	return cmp.Compare(a.ID, b.ID)
}

func compareNullsLast(a, b *float64, desc bool) int {
	switch {
	case a == nil && b == nil:
		return 0
	case a == nil:
		return 1
	case b == nil:
		return -1
	}
	if desc {
		return cmp.Compare(*b, *a)
	}
	return cmp.Compare(*a, *b)
}

// DefaultSort returns the sortby used when a request gives none for coll:
// the descriptor's DefaultSort ("name" for zones, "code" for admin areas
// and regions, "id" for enterprises).
func DefaultSort(coll string) string {
	if s, ok := Schemas[coll]; ok && s.DefaultSort != "" {
		return s.DefaultSort
	}
	return "code"
}

// SortZones sorts zs in place by sortby ("" = DefaultSort(CollZones)) for
// the filter year and family, with id ascending as the final tie-breaker.
func SortZones(zs []Zone, sortby string, year int, fam string) {
	o := Schemas[CollZones].Order(sortby)
	keys := make(map[string]SortKey, len(zs))
	for i := range zs {
		keys[zs[i].ID] = o.ZoneKey(&zs[i], year, fam)
	}
	slices.SortStableFunc(zs, func(a, b Zone) int { return o.Compare(keys[a.ID], keys[b.ID]) })
}

// SortAdminAreas sorts as in place by sortby ("" = "code"); cities and
// counties sort alike.
func SortAdminAreas(as []AdminArea, sortby string) {
	o := Schemas[CollCities].Order(sortby)
	slices.SortStableFunc(as, func(a, b AdminArea) int { return o.Compare(o.Key(&a, a.Code), o.Key(&b, b.Code)) })
}

// SortRegions sorts rs in place by sortby ("" = "code", i.e. id).
func SortRegions(rs []Region, sortby string) {
	o := Schemas[CollRegions].Order(sortby)
	slices.SortStableFunc(rs, func(a, b Region) int { return o.Compare(o.Key(&a, a.ID), o.Key(&b, b.ID)) })
}
