package api

import (
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/project"

	"layoutmap/geo"
	"layoutmap/geo/cql2"
)

// Coordinate reference systems, OGC API Features Part 2 (OGC 18-058r1).
//
// Both stores hold lon/lat degrees in WGS 84 (CRS84 axis order); the API
// reprojects on the way out (crs) and on the way in (bbox-crs), so the
// rule is in one place and both stores answer alike. EPSG:4326 and
// EPSG:4490 are latitude-first, as their EPSG definitions and Part 2
// (/req/crs/fc-crs-action, /req/crs/fc-bbox-crs-action) require.
//
// EPSG:4490 is CGCS2000 (China Geodetic Coordinate System 2000), China's
// official geodetic datum. Its ellipsoid and WGS 84's differ by 0.1 mm in
// the semi-minor axis and the frames agree to a few centimetres, well below
// the 6 decimals (~0.1 m) written and the accuracy of the sources (county
// outlines, zone locations from published maps), so EPSG:4490 coordinates
// are the WGS 84 numbers in latitude-first order: no datum shift is applied,
// and none would change a written digit.

// CRS URIs (the OGC's http://www.opengis.net/def/crs/ register).
const (
	CRS84       = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	CRSEPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
	CRSEPSG4490 = "http://www.opengis.net/def/crs/EPSG/0/4490"
	CRSEPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"
)

// crsDef is one CRS the API offers.
type crsDef struct {
	uri string
	// latFirst: coordinates are written and bbox-crs read latitude first.
	latFirst bool
	// mercator: Web Mercator metres (EPSG:3857, spherical, R = 6378137 m).
	mercator bool
	// note explains the CRS in the collection metadata, zh and en.
	note map[string]string
}

// crsList is every CRS of every collection, the storage CRS first.
var crsList = []crsDef{
	{uri: CRS84, note: map[string]string{
		"zh": "WGS 84 经纬度（经度在前），存储坐标系，GeoJSON（RFC 7946）默认",
		"en": "WGS 84 longitude/latitude (longitude first): the storage CRS and GeoJSON's (RFC 7946) default",
	}},
	{uri: CRSEPSG4326, latFirst: true, note: map[string]string{
		"zh": "WGS 84 经纬度，纬度在前（EPSG 轴序）；bbox 也按纬度在前",
		"en": "WGS 84 latitude/longitude, latitude first (EPSG axis order); bbox-crs boxes too",
	}},
	{uri: CRSEPSG4490, latFirst: true, note: map[string]string{
		"zh": "CGCS2000 国家大地坐标系，纬度在前。在本数据的精度（6 位小数，约 0.1 米）下与 WGS 84 数值相同，不做转换",
		"en": "CGCS2000 (China Geodetic Coordinate System 2000), latitude first. At this data's precision (6 decimals, about 0.1 m) numerically equal to WGS 84, so no datum shift is applied",
	}},
	{uri: CRSEPSG3857, mercator: true, note: map[string]string{
		"zh": "Web 墨卡托（球面），单位米，保留 2 位小数",
		"en": "Web Mercator (spherical), metres, 2 decimals",
	}},
}

// crsURIs lists the offered CRS URIs, CRS84 first (collection "crs").
func crsURIs() []string {
	out := make([]string, len(crsList))
	for i, d := range crsList {
		out[i] = d.uri
	}
	return out
}

// crsNotes maps each CRS URI to its zh/en note (collection "crs_notes").
func crsNotes() map[string]map[string]string {
	out := make(map[string]map[string]string, len(crsList))
	for _, d := range crsList {
		out[d.uri] = d.note
	}
	return out
}

// lookupCRS finds an offered CRS by URI; "" is CRS84. The safe CURIE
// [EPSG:4326] and the OGC's https spelling name the same CRS.
func lookupCRS(s string) (crsDef, bool) {
	if s == "" {
		return crsList[0], true
	}
	s = strings.TrimSpace(s)
	if strings.HasPrefix(s, "[") && strings.HasSuffix(s, "]") {
		auth, code, ok := strings.Cut(s[1:len(s)-1], ":")
		if !ok {
			return crsDef{}, false
		}
		switch strings.ToUpper(auth) {
		case "EPSG":
			s = "http://www.opengis.net/def/crs/EPSG/0/" + code
		case "OGC":
			s = "http://www.opengis.net/def/crs/OGC/1.3/" + code
		}
	}
	s = strings.Replace(s, "https://www.opengis.net/", "http://www.opengis.net/", 1)
	for _, d := range crsList {
		if d.uri == s {
			return d, true
		}
	}
	return crsDef{}, false
}

// crsError is the 400 for a CRS this API does not offer
// (/req/crs/fc-crs-valid-value, /req/crs/fc-bbox-crs-valid-value).
func crsError(param, got string) *geo.FieldError {
	hint := ""
	if auth, code, ok := strings.Cut(strings.TrimSpace(got), ":"); ok && !strings.Contains(code, "/") && auth != "" && code != "" {
		// A bare CURIE: OGC names a CRS by URI, or by a safe CURIE in brackets.
		hint = fmt.Sprintf(" (a CRS is named by its URI, or by a safe CURIE in brackets: [%s:%s])", auth, code)
	}
	return &geo.FieldError{Field: param, Reason: fmt.Sprintf("CRS %s is not offered%s; offered: %s", quoteClip(got), hint, strings.Join(crsURIs(), ", "))}
}

// isCRS84 reports whether coordinates pass through unchanged.
func (d crsDef) isCRS84() bool { return !d.latFirst && !d.mercator }

// header is the Content-Crs value (/req/crs/ogc-crs-header): the URI in
// angle brackets.
func (d crsDef) header() string { return "<" + d.uri + ">" }

// mercatorMax is the Web Mercator half-width in metres (π·R).
const mercatorMax = math.Pi * orb.EarthRadius

// point converts a CRS84 point into this CRS, in the CRS's axis order.
func (d crsDef) point(p orb.Point) orb.Point {
	switch {
	case d.mercator:
		m := project.WGS84.ToMercator(p)
		// Centimetres: finer digits of a projected metre say nothing.
		return orb.Point{math.Round(m[0]*100) / 100, math.Round(m[1]*100) / 100}
	case d.latFirst:
		return orb.Point{p[1], p[0]}
	}
	return p
}

// geometry returns g in this CRS; g belongs to the store and is not
// modified (a converted copy is returned).
func (d crsDef) geometry(g orb.Geometry) orb.Geometry {
	if g == nil || d.isCRS84() {
		return g
	}
	return project.Geometry(orb.Clone(g), d.point)
}

// features returns fs with their geometries in this CRS (copies; the
// store's features are shared and read-only).
func (d crsDef) features(fs []geo.Feature) []geo.Feature {
	if d.isCRS84() {
		return fs
	}
	out := make([]geo.Feature, len(fs))
	for i, f := range fs {
		f.Geometry = d.geometry(f.Geometry)
		f.GeometryJSON = nil // the store's encoding is in CRS84
		out[i] = f
	}
	return out
}

// parseBBox reads a bbox given in this CRS (bbox-crs) and returns it in
// CRS84, the stores' CRS: 4 numbers (or 6 with heights) in this CRS's axis
// order; a west edge east of the east edge crosses the antimeridian, as in
// CRS84. Web Mercator maps its x and y to longitude and latitude
// independently, so a Mercator box is exactly a longitude/latitude box.
func (d crsDef) parseBBox(s string) (orb.Bound, error) {
	if d.isCRS84() {
		return geo.ParseBBox(s)
	}
	shape4, shape6 := "minLat,minLon,maxLat,maxLon", "minLat,minLon,minHeight,maxLat,maxLon,maxHeight"
	if d.mercator {
		shape4, shape6 = "minX,minY,maxX,maxY", "minX,minY,minHeight,maxX,maxY,maxHeight"
	}
	var v []float64
	if strings.Count(s, ",") == 5 {
		v6, err := geo.ParseNumbers(s, shape6)
		if err != nil {
			return orb.Bound{}, err
		}
		if v6[2] > v6[5] {
			return orb.Bound{}, fmt.Errorf("minHeight must not exceed maxHeight")
		}
		v = []float64{v6[0], v6[1], v6[3], v6[4]}
	} else {
		var err error
		if v, err = geo.ParseNumbers(s, shape4); err != nil {
			return orb.Bound{}, fmt.Errorf("%w (or 6 numbers with heights)", err)
		}
	}
	var lonlat string
	if d.mercator {
		for _, x := range v {
			if math.Abs(x) > mercatorMax*(1+1e-12) {
				return orb.Bound{}, fmt.Errorf("outside ±%.8f m (Web Mercator)", mercatorMax)
			}
		}
		if v[1] > v[3] {
			return orb.Bound{}, fmt.Errorf("minY must not exceed maxY")
		}
		sw := project.Mercator.ToWGS84(orb.Point{v[0], v[1]})
		ne := project.Mercator.ToWGS84(orb.Point{v[2], v[3]})
		lonlat = fmt.Sprintf("%s,%s,%s,%s", clampDeg(sw[0], 180), clampDeg(sw[1], 90), clampDeg(ne[0], 180), clampDeg(ne[1], 90))
	} else {
		lonlat = fmt.Sprintf("%v,%v,%v,%v", v[1], v[0], v[3], v[2])
	}
	b, err := geo.ParseBBox(lonlat)
	if err != nil && d.latFirst {
		// ParseBBox names CRS84's axes; say them in this CRS's order.
		msg := strings.NewReplacer("minLat must not exceed maxLat", "minLat (1st number) must not exceed maxLat (3rd)",
			"outside -180,-90,180,90", "outside -90,-180,90,180 (latitude first)").Replace(err.Error())
		return orb.Bound{}, fmt.Errorf("%s", msg)
	}
	return b, err
}

// clampDeg writes a degree value, clamped to ±limit against rounding at
// the Mercator edges.
func clampDeg(x, limit float64) string {
	return fmt.Sprint(math.Max(-limit, math.Min(limit, x)))
}

// filterCoords is the filter-crs rule (OGC API Features Part 3
// /req/filter/filter-crs-param): the CRSs offered for output may name a
// filter's geometry literals too, which are converted to CRS84 before the
// stores see them. Latitude-first CRSs take BBOX(minLat,minLon,maxLat,
// maxLon) and lat/lon WKT; a Web Mercator BBOX is exactly a lon/lat box.
func filterCoords(uri string) (cql2.Coords, bool) {
	d, ok := lookupCRS(uri)
	if !ok {
		return nil, false
	}
	switch {
	case d.mercator:
		return func(x, y float64) (float64, float64) {
			if math.Abs(x) > mercatorMax*(1+1e-12) || math.Abs(y) > mercatorMax*(1+1e-12) {
				return math.NaN(), math.NaN() // outside Web Mercator: an error, not a clamp
			}
			p := project.Mercator.ToWGS84(orb.Point{x, y})
			return p[0], p[1]
		}, true
	case d.latFirst:
		return func(x, y float64) (float64, float64) { return y, x }, true
	}
	return nil, true
}

// crsParams reads crs and bbox-crs from q (and removes them and a
// non-CRS84 bbox, which it parses, so geo.ParseFilter sees only what it
// knows). It returns the output CRS and, when bbox-crs is given and not
// CRS84, the bbox in CRS84.
func crsParams(q url.Values) (out crsDef, bbox *orb.Bound, errs geo.FieldErrors) {
	out = crsList[0]
	for _, p := range []string{"crs", "bbox-crs"} {
		if len(q[p]) > 1 {
			errs = append(errs, &geo.FieldError{Field: p, Reason: "given more than once"})
		}
	}
	if v := q.Get("crs"); v != "" {
		d, ok := lookupCRS(v)
		if !ok {
			errs = append(errs, crsError("crs", v))
		} else {
			out = d
		}
	}
	q.Del("crs")
	if v := q.Get("bbox-crs"); v != "" {
		d, ok := lookupCRS(v)
		switch {
		case !ok:
			errs = append(errs, crsError("bbox-crs", v))
		case q.Get("bbox") == "":
			errs = append(errs, &geo.FieldError{Field: "bbox-crs", Reason: "given without bbox"})
		case !d.isCRS84():
			b, err := d.parseBBox(q.Get("bbox"))
			if err != nil {
				errs = append(errs, &geo.FieldError{Field: "bbox", Reason: fmt.Sprintf("%s (bbox-crs %s)", err, d.uri)})
			} else {
				bbox = &b
			}
			q.Del("bbox")
		}
	}
	q.Del("bbox-crs")
	return out, bbox, errs
}

// HeaderContentCRS names the CRS of the coordinates in a features
// response (OGC API Features Part 2).
const HeaderContentCRS = "Content-Crs"

// crsQuery is "?crs=…" for a CRS other than CRS84, for self links.
func crsQuery(d crsDef) string {
	if d.isCRS84() {
		return ""
	}
	return "?crs=" + url.QueryEscape(d.uri)
}

// crsParamDocs documents crs and bbox-crs for the OpenAPI document.
func crsParamDocs() []obj {
	enum := crsURIs()
	return []obj{
		param("crs", "query", "CRS of the response's coordinates (OGC API Features Part 2), named in the Content-Crs header: CRS84 (default, lon/lat), EPSG:4326 (lat/lon: latitude first), EPSG:4490 (CGCS2000, lat/lon; numerically the WGS 84 values at 6 decimals) or EPSG:3857 (Web Mercator metres, 2 decimals). CSV's lat/lon columns stay WGS 84 degrees (Content-Crs says CRS84). Another CRS is a 400.",
			obj{"type": "string", "enum": enum, "default": CRS84}),
		param("bbox-crs", "query", "CRS of bbox (OGC API Features Part 2), in that CRS's axis order: EPSG:4326 and EPSG:4490 boxes are minLat,minLon,maxLat,maxLon; EPSG:3857 minX,minY,maxX,maxY in metres. Another CRS is a 400.",
			obj{"type": "string", "enum": enum, "default": CRS84}),
	}
}
