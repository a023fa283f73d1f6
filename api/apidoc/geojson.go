package apidoc

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"

	"layoutmap/geo"
)

// Round6 rounds x as coordinates are written (geo.AppendCoord).
func Round6(x float64) float64 {
	v, _ := strconv.ParseFloat(string(geo.AppendCoord(nil, x)), 64)
	return v
}

// AppendFeature writes one Feature; extra members (links) follow properties.
func AppendFeature(b []byte, f geo.Feature, extra map[string]any) ([]byte, error) {
	b, err := appendFeatureHead(b, f)
	if err != nil {
		return b, err
	}
	if f.GeometryJSON != nil {
		b = append(b, f.GeometryJSON...)
	} else if b, err = geo.AppendGeoJSONGeometry(b, f.Geometry); err != nil {
		return b, fmt.Errorf("apidoc: feature %s: %w", f.ID, err)
	}
	return appendFeatureTail(b, f, extra)
}

// appendFeatureHead writes a Feature up to its geometry.
func appendFeatureHead(b []byte, f geo.Feature) ([]byte, error) {
	b = append(b, `{"type":"Feature","id":`...)
	b, err := appendJSONString(b, f.ID)
	if err != nil {
		return b, err
	}
	return append(b, `,"geometry":`...), nil
}

// appendJSONString writes s as MarshalJSON does. Printable ASCII other
// than the quote and the backslash is written as it is (what encoding/json writes without
// HTML escaping), without the reflection and buffer of MarshalJSON; any
// other string goes through MarshalJSON.
func appendJSONString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			v, err := MarshalJSON(s)
			return append(b, v...), err
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"'), nil
}

// appendFeatureTail writes a Feature from after its geometry.
func appendFeatureTail(b []byte, f geo.Feature, extra map[string]any) ([]byte, error) {
	props := f.PropertiesJSON // kept by the store per dataset version
	if props == nil {
		var err error
		if props, err = geo.PropertiesJSON(f.Properties); err != nil { // map keys sorted: stable output
			return b, fmt.Errorf("apidoc: feature %s properties: %w", f.ID, err)
		}
	}
	b = append(b, `,"properties":`...)
	b = append(b, props...)
	for _, k := range slices.Sorted(maps.Keys(extra)) {
		v, err := MarshalJSON(extra[k])
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

// FeatureCollection is the non-feature part of an items response.
type FeatureCollection struct {
	NumberMatched  int
	NumberReturned int
	TimeStamp      string
	Links          any // marshalled as is
	// Members are foreign members (RFC 7946 §6.1) written after links, in
	// order, e.g. the enterprise year rule's year_note and year_note_zh;
	// a member with a nil Value is left out.
	Members []Member
}

// Member is one foreign member of a FeatureCollection.
type Member struct {
	Name  string
	Value any
}

// EnterpriseYearNote is the year rule's note for enterprise items asked
// for year, given the years of the list in force (geo.EnterpriseYearNote,
// the one wording), as the FeatureCollection's foreign members year_note
// and year_note_zh (named as in /api/v1/stats/enterprises); nil when the
// list describes that year, no year is asked or no list is loaded. The
// server and the static site's engine both write it.
func EnterpriseYearNote(year int, years []geo.YearCount) (en, zh string, members []Member) {
	en, zh = geo.EnterpriseYearNote(year, years)
	if en == "" {
		return "", "", nil
	}
	return en, zh, []Member{{Name: "year_note", Value: en}, {Name: "year_note_zh", Value: zh}}
}

// AppendFeatureCollection writes an OGC API Features items response.
func AppendFeatureCollection(b []byte, fc FeatureCollection, fs []geo.Feature) ([]byte, error) {
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	var err error
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		if b, err = AppendFeature(b, f, nil); err != nil {
			return b, err
		}
	}
	return appendCollectionTail(b, fc)
}

// FeatureCollectionPieces is AppendFeatureCollection as a list of byte
// slices that concatenate to the same document: the geometry of a feature
// that carries its encoding (geo.Feature.GeometryJSON, kept by the store
// per dataset version) is that slice itself, not a copy, so a page of
// large outlines is written (net.Buffers) without copying them. The
// slices must not be modified. Errors are AppendFeatureCollection's, all
// found before anything is returned.
func FeatureCollectionPieces(fc FeatureCollection, fs []geo.Feature) ([][]byte, error) {
	type span struct {
		lo, hi int    // of the arena
		ext    []byte // or an outside slice
	}
	var spans []span
	b := make([]byte, 0, 4096)
	lo := 0
	cut := func() {
		if len(b) > lo {
			spans = append(spans, span{lo: lo, hi: len(b)})
		}
		lo = len(b)
	}
	b = append(b, `{"type":"FeatureCollection","features":[`...)
	var err error
	for i, f := range fs {
		if i > 0 {
			b = append(b, ',')
		}
		if f.GeometryJSON == nil {
			if b, err = AppendFeature(b, f, nil); err != nil {
				return nil, err
			}
			continue
		}
		if b, err = appendFeatureHead(b, f); err != nil {
			return nil, err
		}
		cut()
		spans = append(spans, span{ext: f.GeometryJSON})
		if b, err = appendFeatureTail(b, f, nil); err != nil {
			return nil, err
		}
	}
	if b, err = appendCollectionTail(b, fc); err != nil {
		return nil, err
	}
	cut()
	out := make([][]byte, len(spans))
	for i, s := range spans {
		if s.ext != nil {
			out[i] = s.ext
		} else {
			out[i] = b[s.lo:s.hi:s.hi]
		}
	}
	return out, nil
}

// appendCollectionTail writes an items response after its features.
func appendCollectionTail(b []byte, fc FeatureCollection) ([]byte, error) {
	links, err := MarshalJSON(fc.Links)
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
	for _, m := range fc.Members {
		if m.Value == nil {
			continue
		}
		v, err := MarshalJSON(m.Value)
		if err != nil {
			return b, err
		}
		b = append(b, ',')
		b = strconv.AppendQuote(b, m.Name)
		b = append(b, ':')
		b = append(b, v...)
	}
	return append(b, '}'), nil
}

// MarshalJSON is json.Marshal without HTML escaping: links keep their "&"
// and sources their "<" readable; nothing here is embedded in HTML.
func MarshalJSON(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}
