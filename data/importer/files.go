package importer

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
)

// Limits on what a file may make the parser allocate.
const (
	MaxFileBytes    = 512 << 20
	MaxFeatures     = 100_000
	MaxRevenueRows  = 1_000_000
	maxPointsPerGeo = 5_000_000
)

func problem(file string, n int, unit, format string, args ...any) postgis.Problem {
	return postgis.Problem{Where: fmt.Sprintf("%s %s %d", file, unit, n), Reason: fmt.Sprintf(format, args...)}
}

func readCollection(r io.Reader, file string) (*geojson.FeatureCollection, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("importer: reading %s: %w", file, err)
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("importer: %s is larger than %d bytes", file, MaxFileBytes)
	}
	// RFC 8259 §8.1 lets a parser ignore a byte-order mark; Windows tools
	// write one.
	b = bytes.TrimPrefix(b, []byte("\uFEFF"))
	fc, err := geojson.UnmarshalFeatureCollection(b)
	if err != nil {
		return nil, fmt.Errorf("importer: %s is not a GeoJSON FeatureCollection: %w", file, err)
	}
	if len(fc.Features) > MaxFeatures {
		return nil, fmt.Errorf("importer: %s has more than %d features", file, MaxFeatures)
	}
	return fc, nil
}

// multiPolygon takes a Polygon or MultiPolygon, converting each vertex.
func multiPolygon(g orb.Geometry, conv Converter) (orb.MultiPolygon, error) {
	var mp orb.MultiPolygon
	switch g := g.(type) {
	case orb.Polygon:
		mp = orb.MultiPolygon{g}
	case orb.MultiPolygon:
		mp = g
	case nil:
		return nil, errors.New("has no geometry")
	default:
		return nil, fmt.Errorf("geometry is a %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
	if len(mp) == 0 {
		return nil, errors.New("has an empty geometry (no polygon)")
	}
	n := 0
	for i, p := range mp {
		if len(p) == 0 {
			return nil, fmt.Errorf("has an empty polygon (#%d, no ring)", i+1)
		}
		for _, r := range p {
			if len(r) < 4 {
				return nil, fmt.Errorf("has a ring of %d points, want at least 4", len(r))
			}
			n += len(r)
			for i, pt := range r {
				if !finite(pt) || pt[0] < -180 || pt[0] > 180 || pt[1] < -90 || pt[1] > 90 {
					return nil, fmt.Errorf("has coordinate %v outside lon/lat range", pt)
				}
				r[i] = convert(pt, conv)
			}
		}
	}
	if n > maxPointsPerGeo {
		return nil, fmt.Errorf("has more than %d points", maxPointsPerGeo)
	}
	return mp, nil
}

func finite(p orb.Point) bool {
	return !math.IsNaN(p[0]) && !math.IsNaN(p[1]) && !math.IsInf(p[0], 0) && !math.IsInf(p[1], 0)
}

func convert(p orb.Point, conv Converter) orb.Point {
	if conv == nil {
		return p
	}
	x, y := conv(p[0], p[1])
	return orb.Point{x, y}
}

// point reads a [lon, lat] property.
func point(v any, conv Converter) (orb.Point, error) {
	a, ok := v.([]any)
	if !ok || len(a) != 2 {
		return orb.Point{}, errors.New("must be [lon, lat]")
	}
	x, ok1 := a[0].(float64)
	y, ok2 := a[1].(float64)
	p := orb.Point{x, y}
	if !ok1 || !ok2 || !finite(p) || x < -180 || x > 180 || y < -90 || y > 90 {
		return orb.Point{}, errors.New("must be [lon, lat] in degrees")
	}
	return convert(p, conv), nil
}

func str(p geojson.Properties, k string) string {
	s, _ := p[k].(string)
	return s
}

func strList(v any) ([]string, bool) {
	if v == nil {
		return []string{}, true
	}
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, 0, len(a))
	for _, x := range a {
		s, ok := x.(string)
		if !ok {
			return nil, false
		}
		out = append(out, s)
	}
	return out, true
}

func textOK(ss ...string) bool { return data.TextOK(ss...) }

// lonLat reads the point of a feature: the bundled format's key (point or
// label_point, [lon, lat]), else the API's lon and lat properties.
func lonLat(p geojson.Properties, key string, conv Converter) (orb.Point, bool, error) {
	if v, has := p[key]; has {
		pt, err := point(v, conv)
		return pt, true, err
	}
	x, okx := p["lon"].(float64)
	y, oky := p["lat"].(float64)
	if !okx || !oky {
		return orb.Point{}, false, nil
	}
	pt, err := point([]any{x, y}, conv)
	return pt, true, err
}

// links reads a list of ids given as strings (the API's clusters, chains)
// or as objects carrying the id under key (the bundled format's links).
func links(v any, key string) ([]data.ZoneLink, bool) {
	if v == nil {
		return nil, true
	}
	a, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]data.ZoneLink, 0, len(a))
	for _, x := range a {
		switch x := x.(type) {
		case string:
			out = append(out, data.ZoneLink{ClusterID: x})
		case map[string]any:
			id, _ := x[key].(string)
			src, _ := x["source"].(string)
			der, _ := x["derived"].(bool)
			if id == "" {
				return nil, false
			}
			out = append(out, data.ZoneLink{ClusterID: id, Derived: der, Source: src})
		default:
			return nil, false
		}
	}
	return out, true
}

// revenueRecords reads the API's revenue property: every record of the
// zone, {year, revenue_yi, measure, bound, period, scope, source}.
func revenueRecords(v any, zoneID string) ([]geo.Revenue, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	var recs []geo.Revenue
	if err := json.Unmarshal(b, &recs); err != nil {
		return nil, errors.New("revenue must be a list of {year, revenue_yi, measure, bound, period, scope, source}")
	}
	for i := range recs {
		recs[i].ZoneID = zoneID
		if p := data.ValidateRevenue(recs[i]); p != "" {
			return nil, fmt.Errorf("revenue record %d: %s", i+1, p)
		}
	}
	return recs, nil
}

// ReadAdmin reads admin areas from a GeoJSON FeatureCollection in the
// bundled format (properties code, name, name_en, level, parent_code,
// label_point [lon, lat], source). conv converts coordinates to WGS84 (nil:
// none). origins gets "admin <code>" → "file feature N". Problems name the
// feature (1-based); the error is for an unreadable file.
func ReadAdmin(r io.Reader, file string, conv Converter, origins map[string]string) ([]geo.AdminArea, []postgis.Problem, error) {
	fc, err := readCollection(r, file)
	if err != nil {
		return nil, nil, err
	}
	var out []geo.AdminArea
	var probs []postgis.Problem
	for i, f := range fc.Features {
		n := i + 1
		p := f.Properties
		a := geo.AdminArea{Code: str(p, "code"), Name: str(p, "name"), NameEN: str(p, "name_en"), Level: str(p, "level"),
			ParentCode: str(p, "parent_code"), Source: str(p, "source")}
		if !textOK(a.Code, a.Name, a.NameEN, a.Level, a.ParentCode, a.Source) {
			probs = append(probs, problem(file, n, "feature", "text is not valid UTF-8"))
			continue
		}
		if a.Code == "" || a.Name == "" || a.Source == "" {
			probs = append(probs, problem(file, n, "feature", "code, name and source are required"))
			continue
		}
		if a.Geom, err = multiPolygon(f.Geometry, conv); err != nil {
			probs = append(probs, problem(file, n, "feature", "%s %s", a.Code, err))
			continue
		}
		var has bool
		if a.LabelPoint, has, err = lonLat(p, "label_point", conv); err != nil {
			probs = append(probs, problem(file, n, "feature", "label_point %s", err))
			continue
		} else if !has {
			a.LabelPoint = a.Geom.Bound().Center()
		}
		origins["admin "+a.Code] = fmt.Sprintf("%s feature %d (%s)", file, n, a.Code)
		out = append(out, a)
	}
	if out == nil {
		out = []geo.AdminArea{}
	}
	return out, probs, nil
}

// ZoneFeature is a zone read from a file; HasClusters says whether the
// feature stated its cluster links (else they are derived on import).
type ZoneFeature struct {
	geo.Zone
	HasClusters bool
	HasRevenue  bool // the feature listed its revenue records (the API's revenue property)
}

// ReadZones reads zones from a GeoJSON FeatureCollection in the bundled
// format (feature geometry = outline; properties id, name, name_en, level,
// level_en, city_code, county_code, lead_industries, approved_area_ha,
// point [lon, lat], point_quality, geom_quality, clusters, chains, source).
func ReadZones(r io.Reader, file string, conv Converter, origins map[string]string) ([]ZoneFeature, []postgis.Problem, error) {
	fc, err := readCollection(r, file)
	if err != nil {
		return nil, nil, err
	}
	out := []ZoneFeature{}
	var probs []postgis.Problem
	for i, f := range fc.Features {
		n := i + 1
		zf, why := readZoneFeature(f, file, n, conv)
		if why != "" {
			probs = append(probs, problem(file, n, "feature", "%s", why))
			continue
		}
		origins["zone "+zf.ID] = fmt.Sprintf("%s feature %d (%s)", file, n, zf.ID)
		out = append(out, zf)
	}
	return out, probs, nil
}

// readZoneFeature reads feature n of file as a zone, or says why it cannot.
func readZoneFeature(f *geojson.Feature, file string, n int, conv Converter) (ZoneFeature, string) {
	p := f.Properties
	z := geo.Zone{ID: str(p, "id"), Name: str(p, "name"), NameEN: str(p, "name_en"), Level: str(p, "level"), LevelEN: str(p, "level_en"),
		CityCode: str(p, "city_code"), CountyCode: str(p, "county_code"), PointQuality: str(p, "point_quality"),
		GeomQuality: str(p, "geom_quality"), Source: str(p, "source")}
	if z.ID == "" {
		if id, ok := f.ID.(string); ok {
			z.ID = id
		}
	}
	if !textOK(z.ID, z.Name, z.NameEN, z.Level, z.LevelEN, z.CityCode, z.CountyCode, z.PointQuality, z.GeomQuality, z.Source) {
		return ZoneFeature{}, "text is not valid UTF-8"
	}
	if z.ID == "" || z.Name == "" || z.Source == "" {
		return ZoneFeature{}, "id, name and source are required"
	}
	if why := zoneAttributes(&z, p); why != "" {
		return ZoneFeature{}, why
	}
	if why := placeZone(&z, f, conv); why != "" {
		return ZoneFeature{}, why
	}
	zf := ZoneFeature{Zone: z}
	if why := zoneLinks(&zf, p, file, n); why != "" {
		return ZoneFeature{}, why
	}
	return zf, ""
}

// zoneAttributes reads lead industries, chains, the approved area and the
// plain attributes (geo.ZoneAttrs) into z.
func zoneAttributes(z *geo.Zone, p geojson.Properties) string {
	var ok bool
	if z.LeadIndustries, ok = strList(p["lead_industries"]); !ok {
		return "lead_industries must be a list of strings"
	}
	chains, ok := links(p["chains"], "chain_id")
	if !ok {
		return "chains must be a list of chain ids or of {chain_id, source}"
	}
	z.Chains = []string{}
	for _, c := range chains {
		z.Chains = append(z.Chains, c.ClusterID)
	}
	if v, has := p["approved_area_ha"]; has && v != nil {
		x, ok := v.(float64)
		if !ok || x < 0 || math.IsInf(x, 0) {
			return "approved_area_ha must be a non-negative number"
		}
		z.AreaHa = &x
	}
	var err error
	if z.ZoneAttrs, err = zoneAttrs(p); err != nil {
		return err.Error()
	}
	return ""
}

// placeZone reads the outline and point of z (converted by conv). No
// geometry, or a Point (how the API serves a zone without an outline):
// the zone has no outline and no geom_quality, and is served as its point.
// An outline without geom_quality is official; without a point, its
// point is the centre of the outline's bounds.
func placeZone(z *geo.Zone, f *geojson.Feature, conv Converter) string {
	p := f.Properties
	_, isPoint := f.Geometry.(orb.Point)
	outline := f.Geometry != nil && !isPoint
	if outline && z.GeomQuality == "" {
		z.GeomQuality = geo.GeomOfficial
	}
	if !outline {
		z.GeomQuality = ""
	}
	var err error
	if outline {
		if z.Geom, err = multiPolygon(f.Geometry, conv); err != nil {
			return fmt.Sprintf("%s %s", z.ID, err)
		}
	}
	var has bool
	if z.Point, has, err = lonLat(p, "point", conv); err != nil {
		return fmt.Sprintf("point %s", err)
	} else if !has && isPoint {
		g := f.Geometry.(orb.Point)
		if z.Point, err = point([]any{g[0], g[1]}, conv); err != nil {
			return fmt.Sprintf("point %s", err)
		}
	} else if !has && outline {
		z.Point = z.Geom.Bound().Center()
	} else if !has {
		return "has neither an outline nor a point"
	}
	if z.PointQuality == "" {
		z.PointQuality = geo.PointGeocoded
	}
	return ""
}

// zoneLinks reads the cluster links and revenue records of feature n into
// zf. The API writes cluster ids (clusters) and the links with their
// sources (cluster_links); the bundled format writes the links as
// clusters. A bare id states the link in this file.
func zoneLinks(zf *ZoneFeature, p geojson.Properties, file string, n int) string {
	key := "clusters"
	if _, has := p["cluster_links"]; has {
		key = "cluster_links"
	}
	if v, has := p[key]; has {
		zf.HasClusters = true
		ls, ok := links(v, "cluster_id")
		if !ok {
			return fmt.Sprintf("%s must be a list of cluster ids or of {cluster_id, derived, source}", key)
		}
		zf.Clusters = []geo.ZoneCluster{}
		for _, l := range ls {
			if l.Source == "" {
				l.Source = fmt.Sprintf("stated in %s feature %d", file, n)
			}
			zf.Clusters = append(zf.Clusters, geo.ZoneCluster{ClusterID: l.ClusterID, Derived: l.Derived, Source: l.Source})
		}
	}
	if v, has := p["revenue"]; has && v != nil {
		var err error
		if zf.Revenue, err = revenueRecords(v, zf.ID); err != nil {
			return err.Error()
		}
		zf.HasRevenue = true
	}
	return ""
}

// zoneAttrs reads a zone's plain attributes (geo.ZoneAttrs, the Attr
// fields of the zone table) from a feature's properties by field name; a
// missing or null value is unknown. What the values must look like is
// data.Validate's job.
func zoneAttrs(p map[string]any) (geo.ZoneAttrs, error) {
	var a geo.ZoneAttrs
	for _, f := range geo.Schemas[geo.CollZones].Fields {
		v, has := p[f.Name]
		if !f.Attr || !has || v == nil {
			continue
		}
		b, err := json.Marshal(map[string]any{f.Name: v})
		if err == nil {
			err = json.Unmarshal(b, &a)
		}
		if err != nil {
			return a, fmt.Errorf("%s must be a %s", f.Name, f.Type)
		}
	}
	return a, nil
}

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }
