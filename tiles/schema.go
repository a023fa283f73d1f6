package tiles

import (
	"strings"

	"layoutmap/geo"
)

// Field types of vector_layers in TileJSON, as martin and tippecanoe write
// them.
const (
	TypeString  = "String"
	TypeNumber  = "Number"
	TypeBoolean = "Boolean"
)

// Field is one property of a tile layer.
type Field struct {
	Name        string
	Type        string
	Description string
}

// listFields hold lists. In tiles they are one string with the values
// between "|" delimiters ("|electronics|equipment|"), because an MVT value
// cannot be a list; a MapLibre filter tests membership with
// ["in", "|electronics|", ["get", "clusters"]] and cannot match a prefix of
// another id by accident.
var listFields = map[string]bool{"clusters": true, "chains": true, "regions": true, "members": true}

var adminFields = []Field{
	{"code", TypeString, "GB/T 2260 code; also the feature id"},
	{"name", TypeString, "Chinese name"},
	{"name_en", TypeString, "English (pinyin) name"},
	{"level", TypeString, "province, city or county"},
	{"parent_code", TypeString, "code of the enclosing division"},
}

// TileFields lists, per layer of geo.Layers, the properties a tile carries.
// Anything else a Source returns is left out, so tiles stay small and both
// encoders agree; nil and empty values are left out too (ST_AsMVT omits
// NULL). Lists are "|"-delimited strings (see listFields).
var TileFields = map[string][]Field{
	geo.LayerProvince: adminFields,
	geo.LayerCities:   adminFields,
	geo.LayerCounties: adminFields,
	geo.LayerZones: {
		{"id", TypeString, "zone id; the MVT feature id is geo.TileFeatureID(id)"},
		{"name", TypeString, "Chinese name"},
		{"name_en", TypeString, "English name"},
		{"level", TypeString, "zone level (national/provincial …)"},
		{"city_code", TypeString, "city code"},
		{"county_code", TypeString, "county code, when known"},
		{"clusters", TypeString, "cluster ids of the 7, as |id|id|"},
		{"chains", TypeString, "chain ids, as |id|id|"},
		{"tier", TypeString, "tier id of the headline figure for the filter year and measure family (with bound lower: at least this tier), or no_data"},
		{"revenue_yi", TypeNumber, "headline figure in 亿元 (100 million yuan), of the filter's measure family (default revenue)"},
		{"revenue_year", TypeNumber, "year of the headline figure"},
		{"measure", TypeString, "statistic of the headline figure (主营业务收入 …)"},
		{"bound", TypeString, "the headline as a statement about the full year: exact, lower (≥; part-year figures are lower bounds) or upper (≤)"},
		{"period", TypeString, "full_year or the part of the year the figure covers (Q1, Jan–Nov …)"},
		{"approved_area_ha", TypeNumber, "approved area in hectares"},
		{"geom_quality", TypeString, "official or approximate outline"},
		{"point_quality", TypeString, "where the zone's point comes from"},
	},
	geo.LayerRegions: {
		{"id", TypeString, "planning-region id"},
		{"name", TypeString, "Chinese name"},
		{"name_en", TypeString, "English name"},
		{"kind", TypeString, "centre, belt or demo"},
		{"members", TypeString, "member city codes, as |code|code|"},
		{"derived", TypeBoolean, "membership derived, not stated by a source"},
	},
	geo.LayerLabels: {
		{"kind", TypeString, "city, county or zone"},
		{"id", TypeString, "code of the division or zone id"},
		{"name", TypeString, "Chinese name"},
		{"name_en", TypeString, "English name"},
		{"tier", TypeString, "zone labels: revenue tier id"},
		{"revenue_yi", TypeNumber, "zone labels: headline revenue in 亿元"},
		{"bound", TypeString, "zone labels: exact, lower (≥) or upper (≤)"},
		{"point_quality", TypeString, "zone labels: geocoded, or county_centroid/city_centroid when the zone's place is unknown"},
	},
}

// tileProperties returns the flat MVT properties of a feature of layer:
// only TileFields, no nil or empty values, lists joined as |a|b|, numbers
// as int64 or float64. props is not modified.
func tileProperties(layer string, props geo.Properties) map[string]any {
	fields := TileFields[layer]
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		v, ok := props[f.Name]
		if !ok || v == nil {
			continue
		}
		if fv, ok := flatValue(f, v); ok {
			out[f.Name] = fv
		}
	}
	return out
}

func flatValue(f Field, v any) (any, bool) {
	switch f.Type {
	case TypeString:
		switch v := v.(type) {
		case string:
			if v == "" {
				return nil, false
			}
			if listFields[f.Name] {
				j := joinList(splitList(v))
				return j, j != ""
			}
			return v, true
		case []string:
			if len(v) == 0 {
				return nil, false
			}
			return joinList(v), true
		case []any:
			s := make([]string, 0, len(v))
			for _, x := range v {
				if str, ok := x.(string); ok {
					s = append(s, str)
				}
			}
			if len(s) == 0 {
				return nil, false
			}
			return joinList(s), true
		}
	case TypeNumber:
		switch v := v.(type) {
		case int:
			return int64(v), true
		case int32:
			return int64(v), true
		case int64:
			return v, true
		case uint32:
			return int64(v), true
		case float32:
			return float64(v), true
		case float64:
			return v, true
		case *float64:
			if v == nil {
				return nil, false
			}
			return *v, true
		}
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, true
		}
	}
	return nil, false
}

// splitList accepts "a,b", "|a|b|" and "a".
func splitList(s string) []string {
	s = strings.Trim(s, "|")
	sep := ","
	if strings.Contains(s, "|") {
		sep = "|"
	}
	var out []string
	for _, p := range strings.Split(s, sep) {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func joinList(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return "|" + strings.Join(s, "|") + "|"
}
