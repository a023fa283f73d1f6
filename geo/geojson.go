package geo

import (
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"
)

// The GeoJSON geometry encoding of every surface (items, item, and the
// stores' per-version encodings in Feature.GeometryJSON): coordinates
// rounded to CoordDecimals, RFC 7946 winding.

// CoordDecimals is the precision of written coordinates: 6 decimals are
// about 0.1 m, finer than any source layoutmap serves (RFC 7946 §11.2).
const CoordDecimals = 6

var coordScale = math.Pow10(CoordDecimals)

// AppendCoord writes x rounded to CoordDecimals with no trailing zeros.
func AppendCoord(b []byte, x float64) []byte {
	r := math.Round(x*coordScale) / coordScale
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.AppendFloat(b, r, 'f', -1, 64)
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = AppendCoord(b, p[0])
	b = append(b, ',')
	b = AppendCoord(b, p[1])
	return append(b, ']')
}

func appendPoints(b []byte, ps []orb.Point, reverse bool) []byte {
	b = append(b, '[')
	for i := range ps {
		if i > 0 {
			b = append(b, ',')
		}
		j := i
		if reverse {
			j = len(ps) - 1 - i
		}
		b = appendPoint(b, ps[j])
	}
	return append(b, ']')
}

// appendPolygon writes rings with the RFC 7946 §3.1.6 winding: exterior
// counter-clockwise, holes clockwise. Rings are written reversed rather than
// reversed in place, because the polygon belongs to the store.
func appendPolygon(b []byte, p orb.Polygon) []byte {
	b = append(b, '[')
	for i, r := range p {
		if i > 0 {
			b = append(b, ',')
		}
		want := orb.CCW
		if i > 0 {
			want = orb.CW
		}
		o := r.Orientation()
		b = appendPoints(b, r, o != 0 && o != want)
	}
	return append(b, ']')
}

// AppendGeoJSONGeometry writes g as a GeoJSON geometry object (RFC 7946);
// nil is null. Unsupported geometry types are an error.
func AppendGeoJSONGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	switch g := g.(type) {
	case nil:
		return append(b, "null"...), nil
	case orb.Point:
		b = append(b, `{"type":"Point","coordinates":`...)
		b = appendPoint(b, g)
	case orb.MultiPoint:
		b = append(b, `{"type":"MultiPoint","coordinates":`...)
		b = appendPoints(b, g, false)
	case orb.LineString:
		b = append(b, `{"type":"LineString","coordinates":`...)
		b = appendPoints(b, g, false)
	case orb.MultiLineString:
		b = append(b, `{"type":"MultiLineString","coordinates":[`...)
		for i, l := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPoints(b, l, false)
		}
		b = append(b, ']')
	case orb.Ring:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, orb.Polygon{g})
	case orb.Bound:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g.ToPolygon())
	case orb.Polygon:
		b = append(b, `{"type":"Polygon","coordinates":`...)
		b = appendPolygon(b, g)
	case orb.MultiPolygon:
		b = append(b, `{"type":"MultiPolygon","coordinates":[`...)
		for i, p := range g {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendPolygon(b, p)
		}
		b = append(b, ']')
	case orb.Collection:
		b = append(b, `{"type":"GeometryCollection","geometries":[`...)
		for i, m := range g {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = AppendGeoJSONGeometry(b, m); err != nil {
				return b, err
			}
		}
		b = append(b, "]}"...)
		return b, nil
	default:
		return b, fmt.Errorf("geo: encoding GeoJSON geometry: unsupported type %T", g)
	}
	return append(b, '}'), nil
}
