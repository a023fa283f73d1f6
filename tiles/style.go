package tiles

import (
	"slices"

	"layoutmap/geo"
)

// Style is a MapLibre style (spec version 8) for the composite tiles. With
// Meta.Glyphs its glyphs URL is the server's SDF glyph ranges
// (/fonts/{fontstack}/{range}.pbf, package glyphs), which MapLibre Native
// and style-spec ≤ 20 require for text layers; without it maplibre-gl ≥
// 5.11 draws label text locally with the fonts named in text-font. It has
// no sprite and references nothing outside this server.
type Style struct {
	Version  int                    `json:"version"`
	Name     string                 `json:"name"`
	Glyphs   string                 `json:"glyphs,omitempty"`
	Metadata StyleMetadata          `json:"metadata"`
	Center   [2]float64             `json:"center"`
	Zoom     float64                `json:"zoom"`
	Sources  map[string]StyleSource `json:"sources"`
	Layers   []StyleLayer           `json:"layers"`
}

// StyleMetadata tells clients (the web map's legend) what the colours mean.
type StyleMetadata struct {
	Language  string      `json:"layoutmap:language"`
	TierColor []TierColor `json:"layoutmap:tier_colors"`
}

// TierColor is the fill colour of one revenue tier.
type TierColor struct {
	Tier    string `json:"tier"`
	Label   string `json:"label"`
	LabelEN string `json:"label_en"`
	Color   string `json:"color"`
}

// StyleSource is a vector source with inline tile URLs.
type StyleSource struct {
	Type        string     `json:"type"`
	Tiles       []string   `json:"tiles"`
	MinZoom     uint32     `json:"minzoom"`
	MaxZoom     uint32     `json:"maxzoom"`
	Bounds      [4]float64 `json:"bounds"`
	Attribution string     `json:"attribution"`
}

// Expr is a MapLibre expression or literal array.
type Expr = []any

// StyleLayer is one style layer.
type StyleLayer struct {
	ID          string  `json:"id"`
	Type        string  `json:"type"`
	Source      string  `json:"source,omitempty"`
	SourceLayer string  `json:"source-layer,omitempty"`
	MinZoom     float64 `json:"minzoom,omitempty"`
	MaxZoom     float64 `json:"maxzoom,omitempty"`
	Filter      Expr    `json:"filter,omitempty"`
	Layout      *Layout `json:"layout,omitempty"`
	Paint       *Paint  `json:"paint,omitempty"`
}

// Layout holds the layout properties layoutmap uses.
type Layout struct {
	Visibility         string   `json:"visibility,omitempty"`
	LineJoin           string   `json:"line-join,omitempty"`
	LineCap            string   `json:"line-cap,omitempty"`
	TextField          any      `json:"text-field,omitempty"`
	TextFont           []string `json:"text-font,omitempty"`
	TextSize           any      `json:"text-size,omitempty"`
	TextMaxWidth       float64  `json:"text-max-width,omitempty"`
	TextVariableAnchor []string `json:"text-variable-anchor,omitempty"`
	TextRadialOffset   float64  `json:"text-radial-offset,omitempty"`
	TextPadding        float64  `json:"text-padding,omitempty"`
	SymbolSortKey      any      `json:"symbol-sort-key,omitempty"`
}

// Paint holds the paint properties layoutmap uses.
type Paint struct {
	BackgroundColor   string    `json:"background-color,omitempty"`
	FillColor         any       `json:"fill-color,omitempty"`
	FillOpacity       any       `json:"fill-opacity,omitempty"`
	LineColor         any       `json:"line-color,omitempty"`
	LineWidth         any       `json:"line-width,omitempty"`
	LineOpacity       any       `json:"line-opacity,omitempty"`
	LineDasharray     []float64 `json:"line-dasharray,omitempty"`
	CircleColor       any       `json:"circle-color,omitempty"`
	CircleRadius      any       `json:"circle-radius,omitempty"`
	CircleStrokeColor any       `json:"circle-stroke-color,omitempty"`
	CircleStrokeWidth float64   `json:"circle-stroke-width,omitempty"`
	TextColor         string    `json:"text-color,omitempty"`
	TextHaloColor     string    `json:"text-halo-color,omitempty"`
	TextHaloWidth     float64   `json:"text-halo-width,omitempty"`
}

// SourceID is the style's one source.
const SourceID = "layoutmap"

// NoDataColor fills zones without a comparable figure: grey, so "no
// data" never reads as "small" (geo.NoDataColor, the one palette).
const NoDataColor = geo.NoDataColor

// TierColors returns the fill colour of each tier of ts (geo.Tier.Color,
// the one palette the web map and the static images use too), highest
// first, then the no-data colour.
func TierColors(ts geo.Tiers) []TierColor {
	out := make([]TierColor, 0, len(ts)+1)
	for _, t := range ts {
		c := t.Color
		if c == "" {
			c = geo.TierPalette[len(geo.TierPalette)-1]
		}
		out = append(out, TierColor{Tier: t.ID, Label: t.Label, LabelEN: t.LabelEN, Color: c})
	}
	return append(out, TierColor{Tier: geo.TierNoData, Label: geo.NoDataTier.Label, LabelEN: geo.NoDataTier.LabelEN, Color: NoDataColor})
}

// GlyphsPath is the glyphs URL template under the server's base URL.
const GlyphsPath = "/fonts/{fontstack}/{range}.pbf"

// Fonts named in text-font. Without a glyphs URL MapLibre uses them as CSS
// font families, so the first one the page provides (the web map serves
// Noto Sans SC) draws the labels; sans-serif is the last resort.
var Fonts = []string{"Noto Sans SC", "Noto Sans CJK SC", "sans-serif"}

// NewStyle returns the MapLibre style of the tiles served under baseURL
// (see TileURL) with filter f. lang "en" labels in English (falling back
// to Chinese); anything else labels in Chinese (falling back to English).
func NewStyle(baseURL string, f geo.Filter, m Meta, lang string) Style {
	m = m.withDefaults()
	tj := NewTileJSON(baseURL, f, m)
	if lang != "en" {
		lang = "zh"
	}
	name := Expr{"coalesce", Expr{"get", "name"}, Expr{"get", "name_en"}}
	if lang == "en" {
		name = Expr{"coalesce", Expr{"get", "name_en"}, Expr{"get", "name"}}
	}
	colors := TierColors(m.Tiers)
	glyphs := ""
	if m.Glyphs {
		glyphs = baseURL + GlyphsPath
	}
	return Style{
		Version:  8,
		Name:     "layoutmap",
		Glyphs:   glyphs,
		Metadata: StyleMetadata{Language: lang, TierColor: colors},
		Center:   [2]float64{tj.Center[0], tj.Center[1]},
		Zoom:     tj.Center[2],
		Sources: map[string]StyleSource{SourceID: {
			Type: "vector", Tiles: tj.Tiles, MinZoom: tj.MinZoom, MaxZoom: tj.MaxZoom,
			Bounds: tj.Bounds, Attribution: tj.Attribution,
		}},
		Layers: slices.Concat(boundaryLayers(), zoneLayers(tierColorExpr(colors)), labelLayers(name)),
	}
}

// tierColorExpr is the fill colour of a feature's tier (colors: TierColors,
// the no-data colour last).
func tierColorExpr(colors []TierColor) Expr {
	e := Expr{"match", Expr{"get", "tier"}}
	for _, c := range colors[:len(colors)-1] {
		e = append(e, c.Tier, c.Color)
	}
	return append(e, NoDataColor)
}

// zoomLinear interpolates linearly by zoom between stops (zoom, value …).
func zoomLinear(stops ...float64) Expr {
	e := Expr{"interpolate", Expr{"linear"}, Expr{"zoom"}}
	for _, s := range stops {
		e = append(e, s)
	}
	return e
}

// vec is a layer of the vector source.
func vec(id, typ, layer string) StyleLayer {
	return StyleLayer{ID: id, Type: typ, Source: SourceID, SourceLayer: layer}
}

func isKind(k string) Expr { return Expr{"==", Expr{"get", "kind"}, k} }

// boundaryLayers are the background, the province, regions, counties and
// cities, bottom first.
func boundaryLayers() []StyleLayer {
	return []StyleLayer{
		{ID: "background", Type: "background", Paint: &Paint{BackgroundColor: "#eef1f4"}},
		withPaint(vec("province-fill", "fill", geo.LayerProvince), &Paint{FillColor: "#fbfaf6"}),
		// Planning regions overlap (a city sits in a belt and a demonstration
		// region), so their overlay starts hidden; the web map switches it on.
		withLayout(withPaint(vec("regions-fill", "fill", geo.LayerRegions), &Paint{
			FillColor:   Expr{"match", Expr{"get", "kind"}, geo.RegionCentre, "#6a51a3", geo.RegionBelt, "#2171b5", "#238b45"},
			FillOpacity: 0.08,
		}), &Layout{Visibility: "none"}),
		withLayout(withPaint(vec("counties-line", "line", geo.LayerCounties), &Paint{
			LineColor: "#c9c2b6", LineWidth: zoomLinear(7, 0.4, 12, 1.2), LineDasharray: []float64{3, 2},
		}), &Layout{LineJoin: "round"}),
		withLayout(withPaint(vec("cities-line", "line", geo.LayerCities), &Paint{
			LineColor: "#8f8678", LineWidth: zoomLinear(5, 0.7, 12, 2),
		}), &Layout{LineJoin: "round"}),
		withLayout(withPaint(vec("regions-line", "line", geo.LayerRegions), &Paint{
			LineColor:     Expr{"match", Expr{"get", "kind"}, geo.RegionCentre, "#6a51a3", geo.RegionBelt, "#2171b5", "#238b45"},
			LineWidth:     zoomLinear(5, 1.2, 12, 3),
			LineOpacity:   0.6,
			LineDasharray: []float64{4, 2},
		}), &Layout{Visibility: "none", LineJoin: "round"}),
		withLayout(withPaint(vec("province-line", "line", geo.LayerProvince), &Paint{
			LineColor: "#5b5346", LineWidth: zoomLinear(5, 1.5, 12, 3.5),
		}), &Layout{LineJoin: "round"}),
	}
}

// zoneLayers are the zones' fills, outlines and points, coloured by
// tierColor.
func zoneLayers(tierColor Expr) []StyleLayer {
	approximate := Expr{"!=", Expr{"get", "geom_quality"}, geo.GeomOfficial}
	noData := Expr{"==", Expr{"get", "tier"}, geo.TierNoData}
	located := Expr{"==", Expr{"get", "point_quality"}, geo.PointGeocoded}
	return []StyleLayer{
		withPaint(vec("zones-fill", "fill", geo.LayerZones), &Paint{
			FillColor:   tierColor,
			FillOpacity: Expr{"case", noData, 0.45, approximate, 0.6, 0.8},
		}),
		withFilter(withPaint(vec("zones-line-official", "line", geo.LayerZones), &Paint{
			LineColor: "#4a1d0a", LineWidth: zoomLinear(8, 0.5, 14, 1.5),
		}), Expr{"==", Expr{"get", "geom_quality"}, geo.GeomOfficial}),
		// Approximate outlines (circles of the approved area) are dashed,
		// so nobody reads them as surveyed boundaries.
		withFilter(withPaint(vec("zones-line-approximate", "line", geo.LayerZones), &Paint{
			LineColor: "#4a1d0a", LineWidth: zoomLinear(8, 0.5, 14, 1.5), LineDasharray: []float64{2, 2},
		}), approximate),
		// Zone points keep zones visible at low zooms, where their outlines
		// are smaller than a pixel.
		withMaxZoom(withFilter(withPaint(vec("zones-point", "circle", geo.LayerLabels), &Paint{
			CircleColor: tierColor, CircleRadius: zoomLinear(5, 2.5, 10, 5),
			CircleStrokeColor: "#ffffff", CircleStrokeWidth: 0.8,
		}), Expr{"all", isKind(labelKindZone), located}), 11),
		// A zone whose place is unknown (served at its county's or city's
		// point, no outline) is a hollow marker at every zoom, never a dot
		// that reads as located.
		withFilter(withPaint(vec("zones-point-unknown", "circle", geo.LayerLabels), &Paint{
			CircleColor: "#ffffff", CircleRadius: 5, CircleStrokeColor: tierColor, CircleStrokeWidth: 2,
		}), Expr{"all", isKind(labelKindZone), Expr{"!", located}}),
	}
}

// labelLayers are the city, county and zone labels, reading name.
func labelLayers(name Expr) []StyleLayer {
	return []StyleLayer{
		labelLayer(vec("labels-city", "symbol", geo.LayerLabels), isKind(geo.LevelCity), name, zoomLinear(5, 12, 10, 16), 0, "#2f2a24"),
		labelLayer(vec("labels-county", "symbol", geo.LayerLabels), isKind(geo.LevelCounty), name, zoomLinear(8, 11, 12, 13), float64(geo.LabelMinZoom[geo.LevelCounty]), "#5b5346"),
		labelLayer(vec("labels-zone", "symbol", geo.LayerLabels), isKind(labelKindZone), name, zoomLinear(9, 10, 14, 13), 9, "#4a1d0a"),
	}
}

func withPaint(l StyleLayer, p *Paint) StyleLayer   { l.Paint = p; return l }
func withLayout(l StyleLayer, o *Layout) StyleLayer { l.Layout = o; return l }
func withFilter(l StyleLayer, f Expr) StyleLayer    { l.Filter = f; return l }
func withMaxZoom(l StyleLayer, z float64) StyleLayer {
	l.MaxZoom = z
	return l
}

func labelLayer(l StyleLayer, filter, text Expr, size any, minZoom float64, color string) StyleLayer {
	l.Filter = filter
	l.MinZoom = minZoom
	l.Layout = &Layout{
		TextField: text, TextFont: Fonts, TextSize: size, TextMaxWidth: 8,
		TextVariableAnchor: []string{"center", "top", "bottom"}, TextRadialOffset: 0.6, TextPadding: 2,
	}
	l.Paint = &Paint{TextColor: color, TextHaloColor: "#ffffff", TextHaloWidth: 1.4}
	return l
}

// labelKindZone is the kind of zone label points (geo.LevelCity and
// geo.LevelCounty name the others).
const labelKindZone = "zone"
