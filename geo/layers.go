package geo

import "math"

// Tile layer catalogue: which layers a composite tile carries at which zoom,
// and how much detail. Both stores and the tile encoder read it, so the
// embedded and PostGIS tiles agree. Low zooms leave out counties and county
// labels so a z5 tile stays small and legible.

// MinZoom and MaxZoom bound the tileset; requests outside are errors.
const (
	MinZoom = 0
	MaxZoom = 16
	// TileExtent and TileBuffer are shared by the orb and ST_AsMVT encoders.
	TileExtent = 4096
	TileBuffer = 64
)

// LayerSpec says from which zoom a layer appears and which collection's
// field table gives its properties (LayerFields), less the fields in
// Without, which its features never have.
type LayerSpec struct {
	Name       string
	MinZoom    uint32
	MaxZoom    uint32
	Collection string
	Without    []string
}

// Layers is the catalogue in tile order.
var Layers = []LayerSpec{
	{LayerProvince, 0, MaxZoom, CollCities, []string{"parent_code"}}, // the province has no parent
	{LayerCities, 0, MaxZoom, CollCities, nil},
	{LayerCounties, 7, MaxZoom, CollCounties, nil},
	{LayerRegions, 0, MaxZoom, CollRegions, nil},
	{LayerZones, 5, MaxZoom, CollZones, nil},
	{LayerLabels, 0, MaxZoom, "", nil},
}

// LayersAt returns the layer names present at zoom z, in tile order.
func LayersAt(z uint32) []string {
	var out []string
	for _, l := range Layers {
		if z >= l.MinZoom && z <= l.MaxZoom {
			out = append(out, l.Name)
		}
	}
	return out
}

// Label kinds in the labels layer and the zoom from which each appears.
// Zone label points come with the zones layer (z5): below z9 a zone's
// outline is smaller than a pixel, so the style draws the point as a dot
// coloured by tier and adds the zone's name only from z9. County labels
// wait for z8, where they no longer pile up.
var LabelMinZoom = map[string]uint32{
	LevelCity:   0,
	LevelCounty: 8,
	"zone":      5,
}

// SimplifyTolerance is the Douglas–Peucker tolerance in degrees for zoom z:
// about a quarter of a pixel of a 256 px tile at the equator, so shapes stay
// within a pixel of the source while z5 tiles drop most vertices.
func SimplifyTolerance(z uint32) float64 {
	return 360.0 / (256 * math.Exp2(float64(z))) / 4
}

// TileFeatureID is the numeric MVT feature id of a feature with string id
// (an admin code, a zone or region id). MVT ids are unsigned integers and
// MapLibre keeps them as JavaScript numbers, so the result stays below 2^53:
// all-digit ids up to 15 digits (GB/T 2260 codes) are used as they are, any
// other id is hashed (FNV-1a 64, top bits dropped). The string id travels as
// a property too, because hashes can collide in theory. Both encoders (orb
// and ST_AsMVT, which gets it as a stored column) use this one function.
func TileFeatureID(id string) uint64 {
	if n := len(id); n > 0 && n <= 15 {
		var v uint64
		digits := true
		for i := 0; i < n; i++ {
			c := id[i]
			if c < '0' || c > '9' {
				digits = false
				break
			}
			v = v*10 + uint64(c-'0')
		}
		if digits {
			return v
		}
	}
	const offset, prime = 14695981039346656037, 1099511628211
	h := uint64(offset)
	for i := 0; i < len(id); i++ {
		h ^= uint64(id[i])
		h *= prime
	}
	// 1<<52 keeps hashed ids apart from the 15-digit range of codes.
	return h&(1<<52-1) | 1<<52
}

// LayerFiltered reports whether the features of a layer depend on the zone
// criteria of a tile's filter: zones, and labels (which carry zone label
// points). Every other layer depends only on the dataset version and z/x/y.
func LayerFiltered(name string) bool { return name == LayerZones || name == LayerLabels }

// TileParts splits LayersAt(z) into the boundary layers, which depend only
// on the dataset version and z/x/y, and the filtered layers (LayerFiltered).
// The catalogue lists every boundary layer first, and an MVT tile is a
// sequence of layers, so the encoding of base followed by the encoding of
// filtered is byte for byte the encoding of the whole tile: the boundary
// part can be encoded once and shared by every filter.
func TileParts(z uint32) (base, filtered []string) {
	for _, name := range LayersAt(z) {
		if LayerFiltered(name) {
			filtered = append(filtered, name)
		} else {
			base = append(base, name)
		}
	}
	return base, filtered
}
