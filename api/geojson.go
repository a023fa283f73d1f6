package api

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// ContentTypeGeoJSON is the media type of RFC 7946 GeoJSON.
const ContentTypeGeoJSON = "application/geo+json"

// The geometry encoder is geo's (geo.AppendGeoJSONGeometry): stores
// encode each feature's geometry once per dataset version with it
// (geo.Feature.GeometryJSON), and features without one are encoded here
// per request with the same code.

// appendCoord writes x rounded to geo.CoordDecimals with no trailing zeros.
func appendCoord(b []byte, x float64) []byte { return geo.AppendCoord(b, x) }

// appendGeometry writes g as a GeoJSON geometry object; nil is null.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) { return geo.AppendGeoJSONGeometry(b, g) }

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
	if f.GeometryJSON != nil {
		b = append(b, f.GeometryJSON...)
	} else if b, err = appendGeometry(b, f.Geometry); err != nil {
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
