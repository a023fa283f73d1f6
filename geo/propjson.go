package geo

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// The GeoJSON "properties" encoding of every surface that writes feature
// properties as JSON (items, item, the static site, and the stores'
// per-version encodings in Feature.PropertiesJSON).

// CleanProperties drops nil values (GeoJSON clients show "null" as data)
// and rounds the lon/lat properties like the coordinates (AppendCoord).
// p is not modified.
func CleanProperties(p Properties) Properties {
	out := make(Properties, len(p))
	for k, v := range p {
		if x, ok := v.(float64); ok && (k == "lon" || k == "lat") {
			v, _ = strconv.ParseFloat(string(AppendCoord(nil, x)), 64)
		}
		if v != nil {
			out[k] = v
		}
	}
	return out
}

// PropertiesJSON encodes p as a GeoJSON properties object: CleanProperties,
// then encoding/json with keys sorted (stable bytes) and without HTML
// escaping (links keep their "&", sources their "<"). The error is
// encoding/json's (a value it cannot encode, such as NaN).
func PropertiesJSON(p Properties) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(CleanProperties(p)); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
