package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// ContentTypeGeoJSON is the media type of RFC 7946 GeoJSON.
const ContentTypeGeoJSON = "application/geo+json"

// coordDecimals is the precision of written coordinates: 6 decimals are
// about 0.1 m, finer than any source layoutmap serves (RFC 7946 §11.2).
const coordDecimals = 6

var coordScale = math.Pow10(coordDecimals)

// appendCoord writes x rounded to coordDecimals with no trailing zeros.
func appendCoord(b []byte, x float64) []byte {
	r := math.Round(x*coordScale) / coordScale
	if r == 0 {
		r = 0 // no "-0"
	}
	return strconv.AppendFloat(b, r, 'f', -1, 64)
}

func appendPoint(b []byte, p orb.Point) []byte {
	b = append(b, '[')
	b = appendCoord(b, p[0])
	b = append(b, ',')
	b = appendCoord(b, p[1])
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

// appendGeometry writes g as a GeoJSON geometry object; nil is null.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
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
			if b, err = appendGeometry(b, m); err != nil {
				return b, err
			}
		}
		b = append(b, "]}"...)
		return b, nil
	default:
		return b, fmt.Errorf("api: encoding geometry: unsupported type %T", g)
	}
	return append(b, '}'), nil
}

// cleanProperties drops nil values (GeoJSON clients show "null" as data)
// and rounds the lon/lat properties like the coordinates.
func cleanProperties(p geo.Properties) geo.Properties {
	out := make(geo.Properties, len(p))
	for k, v := range p {
		if x, ok := v.(float64); ok && (k == "lon" || k == "lat") {
			v = round6(x)
		}
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// appendFeature writes one Feature; extra members (links) follow properties.
func appendFeature(b []byte, f geo.Feature, extra map[string]any) ([]byte, error) {
	id, err := marshalJSON(f.ID)
	if err != nil {
		return b, err
	}
	b = append(b, `{"type":"Feature","id":`...)
	b = append(b, id...)
	b = append(b, `,"geometry":`...)
	if b, err = appendGeometry(b, f.Geometry); err != nil {
		return b, fmt.Errorf("api: feature %s: %w", f.ID, err)
	}
	props, err := marshalJSON(cleanProperties(f.Properties)) // map keys sorted: stable output
	if err != nil {
		return b, fmt.Errorf("api: feature %s properties: %w", f.ID, err)
	}
	b = append(b, `,"properties":`...)
	b = append(b, props...)
	for _, k := range sortedKeys(extra) {
		v, err := marshalJSON(extra[k])
		if err != nil {
			return b, err
		}
		b = append(b, ',')
		b = strconv.AppendQuote(b, k)
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// featureCollection is the non-feature part of an items response.
type featureCollection struct {
	NumberMatched  int
	NumberReturned int
	TimeStamp      string
	Links          []Link
}

// appendFeatureCollection writes an OGC API Features items response.
func appendFeatureCollection(b []byte, fc featureCollection, fs []geo.Feature) ([]byte, error) {
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	var err error
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = appendFeature(b, f, nil); err != nil {
			return b, err
		}
	}
	links, err := marshalJSON(fc.Links)
	if err != nil {
		return b, err
	}
	b = append(b, `],"numberMatched":`...)
	b = strconv.AppendInt(b, int64(fc.NumberMatched), 10)
	b = append(b, `,"numberReturned":`...)
	b = strconv.AppendInt(b, int64(fc.NumberReturned), 10)
	b = append(b, `,"timeStamp":`...)
	b = strconv.AppendQuote(b, fc.TimeStamp)
	b = append(b, `,"links":`...)
	b = append(b, links...)
	return append(b, '}'), nil
}

// marshalJSON is json.Marshal without HTML escaping: links keep their "&"
// and sources their "<" readable; nothing here is embedded in HTML.
func marshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
