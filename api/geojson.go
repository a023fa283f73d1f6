package api

import (
	"github.com/paulmach/orb"

	"layoutmap/api/apidoc"
	"layoutmap/geo"
)

// ContentTypeGeoJSON is the media type of RFC 7946 GeoJSON.
const ContentTypeGeoJSON = "application/geo+json"

// The geometry and properties encoders are geo's
// (geo.AppendGeoJSONGeometry, geo.PropertiesJSON): stores encode each
// feature's geometry once per dataset version with them
// (geo.Feature.GeometryJSON) and its properties once per dataset version,
// headline year and measure family (geo.Feature.PropertiesJSON); features
// without them are encoded here per request with the same code.

// appendCoord writes x rounded to geo.CoordDecimals with no trailing zeros.
func appendCoord(b []byte, x float64) []byte { return geo.AppendCoord(b, x) }

// appendGeometry writes g as a GeoJSON geometry object; nil is null.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) { return geo.AppendGeoJSONGeometry(b, g) }

// The feature encoding is apidoc's (shared with the static site).
func appendFeature(b []byte, f geo.Feature, extra map[string]any) ([]byte, error) {
	return apidoc.AppendFeature(b, f, extra)
}

type featureCollection = apidoc.FeatureCollection

func appendFeatureCollection(b []byte, fc featureCollection, fs []geo.Feature) ([]byte, error) {
	return apidoc.AppendFeatureCollection(b, fc, fs)
}

func marshalJSON(v any) ([]byte, error) { return apidoc.MarshalJSON(v) }
