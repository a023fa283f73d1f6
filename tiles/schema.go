package tiles

import (
	"layoutmap/geo"
)

// Field types of vector_layers in TileJSON, as martin and tippecanoe write
// them.
const (
	TypeString  = "String"
	TypeNumber  = "Number"
	TypeBoolean = "Boolean"
)

// Field is one property of a tile layer: its name, TileJSON type, the
// zoom from which tiles carry it and its declaration (titles, unit,
// description) in the collection descriptor.
type Field struct {
	Name    string
	Type    string
	MinZoom uint32
	Def     geo.Field
}

// TileFields lists, per layer of geo.Layers, the properties a tile
// carries: the OnTile fields of the layer's field table (geo.LayerFields),
// the one declaration of each field. Anything else a Source returns is left
// out, so tiles stay small and both encoders agree; nil and empty values
// are left out too (ST_AsMVT omits NULL). Lists are geo.FlatList strings
// ("|a|b|"): a MapLibre filter tests membership of id with
// ["in", "|id|", ["coalesce", ["get", "clusters"], ""]].
var TileFields = func() map[string][]Field {
	m := map[string][]Field{}
	for _, l := range geo.Layers {
		for _, f := range geo.LayerFields(l.Name) {
			m[l.Name] = append(m[l.Name], Field{Name: f.Name, Type: tileType(f.Type), MinZoom: f.TileMinZoom, Def: f})
		}
	}
	return m
}()

// tileType is the TileJSON type of a field: lists are flat strings.
func tileType(t geo.FieldType) string {
	switch t {
	case geo.TypeNumber, geo.TypeInteger:
		return TypeNumber
	case geo.TypeBoolean:
		return TypeBoolean
	}
	return TypeString
}

// tileProperties returns the MVT properties of a feature of layer at zoom
// z: only TileFields from their zoom, no nil or empty values, numbers as
// int64 or float64. props is not modified.
func tileProperties(layer string, z uint32, props geo.Properties) map[string]any {
	fields := TileFields[layer]
	out := make(map[string]any, len(fields))
	for _, f := range fields {
		if z < f.MinZoom {
			continue
		}
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

// flatValue is v as an MVT value of field f; sources give geo's tile
// properties (strings, lists already flat, numbers, booleans).
func flatValue(f Field, v any) (any, bool) {
	switch f.Type {
	case TypeString:
		if s, ok := v.(string); ok && s != "" {
			return s, true
		}
	case TypeNumber:
		switch v := v.(type) {
		case int:
			return int64(v), true
		case int64:
			return v, true
		case float64:
			return v, true
		}
	case TypeBoolean:
		if b, ok := v.(bool); ok {
			return b, true
		}
	}
	return nil, false
}
