package tiles

import (
	"encoding/binary"
	"math"
	"math/bits"
	"slices"

	"layoutmap/geo"
)

// The enterprises point layer is written straight to protobuf here,
// without orb's generic path (a GeoJSON feature and a property map per
// firm, a sort of the keys and an interface-keyed map lookup per value, a
// protobuf struct per feature and per value): for a tile at the budget of
// geo.EnterpriseTilePoints firms that path cost ~30 ms of CPU and over
// 100,000 allocations, most of a cold point tile. The bytes are those orb
// writes for the same layer (TestEnterprisePointsAsOrb): the same
// projection, the keys of each feature in sorted order, keys and values
// numbered in order of first use, equal values shared, and the fields of
// each message in field-number order.

// Keys of an enterprise point feature (EncodeEnterprises), in the sorted
// order orb tags them.
const (
	pkChains = iota
	pkCityCode
	pkClasses
	pkID
	pkLocationQuality
	pkName
	pkNameEN
	pkSynthetic
	pkZoneID
	pointKeyCount
)

var pointKeys = [pointKeyCount]string{"chains", "city_code", "classes", "id", "location_quality", "name", "name_en", "synthetic", "zone_id"}

func init() {
	if !slices.IsSorted(pointKeys[:]) {
		panic("tiles: enterprise point keys out of order")
	}
	if geo.TileExtent&(geo.TileExtent-1) != 0 {
		panic("tiles: the enterprise point layer assumes a power-of-two extent")
	}
}

// pointLayer numbers keys and values as a layer is written.
type pointLayer struct {
	keyIdx  [pointKeyCount]int32 // -1: not used yet
	keys    []string
	strIdx  map[string]uint32
	boolIdx [2]int32 // false, true; -1: not used yet
	values  []byte   // the encoded Tile.Value messages, each with tag and length
	nvalues uint32
}

func (l *pointLayer) key(k int) uint32 {
	if l.keyIdx[k] < 0 {
		l.keyIdx[k] = int32(len(l.keys))
		l.keys = append(l.keys, pointKeys[k])
	}
	return uint32(l.keyIdx[k])
}

func (l *pointLayer) str(s string) uint32 {
	if i, ok := l.strIdx[s]; ok {
		return i
	}
	i := l.nvalues
	l.nvalues++
	l.strIdx[s] = i
	// Tile.Value{string_value (1)}
	l.values = append(l.values, 0x22)
	l.values = binary.AppendUvarint(l.values, uint64(1+uvarintLen(uint64(len(s)))+len(s)))
	l.values = append(l.values, 0x0a)
	l.values = binary.AppendUvarint(l.values, uint64(len(s)))
	l.values = append(l.values, s...)
	return i
}

func (l *pointLayer) boolean(b bool) uint32 {
	k := 0
	if b {
		k = 1
	}
	if l.boolIdx[k] < 0 {
		l.boolIdx[k] = int32(l.nvalues)
		l.nvalues++
		// Tile.Value{bool_value (7)}
		l.values = append(l.values, 0x22, 2, 0x38, byte(k))
	}
	return uint32(l.boolIdx[k])
}

func uvarintLen(v uint64) int {
	n := 1
	for v >= 0x80 {
		v >>= 7
		n++
	}
	return n
}

// encodeEnterprisePoints is the MVT tile of one layer
// geo.LayerEnterprisePoints holding the firms pts of tile z/x/y, as
// EncodeEnterprises documents it.
func encodeEnterprisePoints(pts []geo.Enterprise, z, x, y uint32) []byte {
	l := &pointLayer{strIdx: make(map[string]uint32, 3*len(pts)+16), boolIdx: [2]int32{-1, -1}}
	for i := range l.keyIdx {
		l.keyIdx[i] = -1
	}
	// orb's projection for a power-of-two extent (mvt.newProjection):
	// world pixels at zoom z + log2(extent), minus the tile's origin,
	// floored.
	n := uint32(bits.TrailingZeros32(geo.TileExtent))
	level := z + n
	minx, miny := float64(uint64(x)<<n), float64(uint64(y)<<n)
	features := make([]byte, 0, 64*len(pts))
	var tags [2 * pointKeyCount]uint32
	var msg []byte
	nt := 0
	tag := func(k int, v uint32) {
		tags[nt], tags[nt+1] = l.key(k), v
		nt += 2
	}
	for i := range pts {
		e := &pts[i]
		nt = 0
		// Keys in sorted order, values numbered as orb meets them.
		tag(pkChains, l.str(wrapList(e.Chains)))
		tag(pkCityCode, l.str(e.CityCode))
		tag(pkClasses, l.str(wrapList(e.Classes.IDs())))
		tag(pkID, l.str(e.ID))
		tag(pkLocationQuality, l.str(e.LocationQuality))
		tag(pkName, l.str(e.Name))
		if e.NameEN != "" {
			tag(pkNameEN, l.str(e.NameEN))
		}
		tag(pkSynthetic, l.boolean(e.Synthetic()))
		if e.ZoneID != "" {
			tag(pkZoneID, l.str(e.ZoneID))
		}
		px, py := toPlanar(e.Point[0], e.Point[1], level)
		gx, gy := int32(math.Floor(px-minx)), int32(math.Floor(py-miny))

		// Tile.Feature: id (1), tags (2, packed), type (3), geometry (4, packed).
		msg = msg[:0]
		msg = append(msg, 0x08)
		msg = binary.AppendUvarint(msg, geo.TileFeatureID(e.ID))
		tl := 0
		for _, t := range tags[:nt] {
			tl += uvarintLen(uint64(t))
		}
		msg = append(msg, 0x12)
		msg = binary.AppendUvarint(msg, uint64(tl))
		for _, t := range tags[:nt] {
			msg = binary.AppendUvarint(msg, uint64(t))
		}
		msg = append(msg, 0x18, 1) // POINT
		zx, zy := uint32((gx<<1)^(gx>>31)), uint32((gy<<1)^(gy>>31))
		msg = append(msg, 0x22)
		msg = binary.AppendUvarint(msg, uint64(1+uvarintLen(uint64(zx))+uvarintLen(uint64(zy))))
		msg = append(msg, 9) // MoveTo, one point
		msg = binary.AppendUvarint(msg, uint64(zx))
		msg = binary.AppendUvarint(msg, uint64(zy))

		features = append(features, 0x12)
		features = binary.AppendUvarint(features, uint64(len(msg)))
		features = append(features, msg...)
	}
	// Tile.Layer: name (1), features (2), keys (3), values (4), extent (5), version (15).
	name := geo.LayerEnterprisePoints
	layer := make([]byte, 0, len(features)+len(l.values)+256)
	layer = append(layer, 0x0a)
	layer = binary.AppendUvarint(layer, uint64(len(name)))
	layer = append(layer, name...)
	layer = append(layer, features...)
	for _, k := range l.keys {
		layer = append(layer, 0x1a)
		layer = binary.AppendUvarint(layer, uint64(len(k)))
		layer = append(layer, k...)
	}
	layer = append(layer, l.values...)
	layer = append(layer, 0x28)
	layer = binary.AppendUvarint(layer, uint64(geo.TileExtent))
	layer = append(layer, 0x78, 2)
	// Tile: layers (3).
	out := make([]byte, 0, len(layer)+8)
	out = append(out, 0x1a)
	out = binary.AppendUvarint(out, uint64(len(layer)))
	return append(out, layer...)
}

// toPlanar is orb's mercator.ToPlanar (internal to orb): world
// coordinates of a point at level, written as orb writes it so that the
// floating-point results are the same.
func toPlanar(lng, lat float64, level uint32) (x, y float64) {
	maxtiles := float64(uint64(1 << level))
	x = (lng/360.0 + 0.5) * maxtiles
	siny := math.Sin(lat * math.Pi / 180.0)
	if siny > 0.9999 {
		y = 0
	} else if siny < -0.9999 {
		y = maxtiles - 1
	} else {
		lat = 0.5 + 0.5*math.Log((1.0+siny)/(1.0-siny))/(-2*math.Pi)
		y = lat * maxtiles
	}
	return
}
