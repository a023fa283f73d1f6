package postgis

import (
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
	"github.com/twpayne/go-geom"
	"github.com/twpayne/go-geom/encoding/ewkb"
)

// The one conversion point between the database (EWKB, decoded by go-geom)
// and orb, which everything outside this package uses. Queries select
// ST_AsEWKB(geom) as bytea and writes bind ST_GeomFromEWKB($n), so no pgx
// codec registration is needed (github.com/twpayne/pgx-geom is not
// available from the module proxy here).

// SRID of stored geometry: WGS84 lon/lat.
const SRID = 4326

var errGeometryType = errors.New("postgis: unexpected geometry type")

// decodeGeom decodes EWKB into orb. A NULL column (nil bytes) is a nil geometry.
func decodeGeom(b []byte) (orb.Geometry, error) {
	if b == nil {
		return nil, nil
	}
	g, err := ewkb.Unmarshal(b)
	if err != nil {
		return nil, fmt.Errorf("postgis: decoding EWKB: %w", err)
	}
	return geomToOrb(g)
}

// decodeMultiPolygon decodes EWKB of a Polygon or MultiPolygon.
func decodeMultiPolygon(b []byte) (orb.MultiPolygon, error) {
	g, err := decodeGeom(b)
	if err != nil {
		return nil, err
	}
	switch g := g.(type) {
	case nil:
		return nil, nil
	case orb.MultiPolygon:
		return g, nil
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	}
	return nil, fmt.Errorf("%w: %s, want MultiPolygon", errGeometryType, g.GeoJSONType())
}

// decodePoint decodes EWKB of a Point.
func decodePoint(b []byte) (orb.Point, error) {
	g, err := decodeGeom(b)
	if err != nil {
		return orb.Point{}, err
	}
	p, ok := g.(orb.Point)
	if !ok {
		return orb.Point{}, fmt.Errorf("%w: want Point", errGeometryType)
	}
	return p, nil
}

func geomToOrb(g geom.T) (orb.Geometry, error) {
	switch g := g.(type) {
	case *geom.Point:
		if g.Empty() {
			return nil, nil
		}
		return orb.Point{g.X(), g.Y()}, nil
	case *geom.LineString:
		return lineString(g.FlatCoords(), g.Stride()), nil
	case *geom.Polygon:
		return polygon(g), nil
	case *geom.MultiPolygon:
		mp := make(orb.MultiPolygon, g.NumPolygons())
		for i := range mp {
			mp[i] = polygon(g.Polygon(i))
		}
		return mp, nil
	case *geom.MultiLineString:
		ml := make(orb.MultiLineString, g.NumLineStrings())
		for i := range ml {
			l := g.LineString(i)
			ml[i] = lineString(l.FlatCoords(), l.Stride())
		}
		return ml, nil
	case *geom.MultiPoint:
		mp := make(orb.MultiPoint, g.NumPoints())
		for i := range mp {
			p := g.Point(i)
			mp[i] = orb.Point{p.X(), p.Y()}
		}
		return mp, nil
	}
	return nil, fmt.Errorf("%w: %T", errGeometryType, g)
}

func lineString(flat []float64, stride int) orb.LineString {
	ls := make(orb.LineString, len(flat)/stride)
	for i := range ls {
		ls[i] = orb.Point{flat[i*stride], flat[i*stride+1]}
	}
	return ls
}

func polygon(p *geom.Polygon) orb.Polygon {
	out := make(orb.Polygon, p.NumLinearRings())
	for i := range out {
		r := p.LinearRing(i)
		out[i] = orb.Ring(lineString(r.FlatCoords(), r.Stride()))
	}
	return out
}

// encodeMultiPolygon writes an orb MultiPolygon as EWKB with SRID 4326.
func encodeMultiPolygon(mp orb.MultiPolygon) ([]byte, error) {
	coords := make([][][]geom.Coord, len(mp))
	for i, p := range mp {
		coords[i] = make([][]geom.Coord, len(p))
		for j, r := range p {
			coords[i][j] = make([]geom.Coord, len(r))
			for k, pt := range r {
				coords[i][j][k] = geom.Coord{pt[0], pt[1]}
			}
		}
	}
	g, err := geom.NewMultiPolygon(geom.XY).SetCoords(coords)
	if err != nil {
		return nil, fmt.Errorf("postgis: encoding MultiPolygon: %w", err)
	}
	return ewkb.Marshal(g.SetSRID(SRID), binary.LittleEndian)
}

// encodePoint writes an orb Point as EWKB with SRID 4326.
func encodePoint(p orb.Point) ([]byte, error) {
	g := geom.NewPointFlat(geom.XY, []float64{p[0], p[1]}).SetSRID(SRID)
	return ewkb.Marshal(g, binary.LittleEndian)
}
