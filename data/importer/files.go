package importer

import (
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

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
	n := 0
	for _, p := range mp {
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

func textOK(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
			return false
		}
	}
	return true
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
			probs = append(probs, problem(file, n, "feature", "%s", err))
			continue
		}
		if v, ok := p["label_point"]; ok {
			if a.LabelPoint, err = point(v, conv); err != nil {
				probs = append(probs, problem(file, n, "feature", "label_point %s", err))
				continue
			}
		} else {
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
	var out []ZoneFeature
	var probs []postgis.Problem
	for i, f := range fc.Features {
		n := i + 1
		p := f.Properties
		z := geo.Zone{ID: str(p, "id"), Name: str(p, "name"), NameEN: str(p, "name_en"), Level: str(p, "level"), LevelEN: str(p, "level_en"),
			CityCode: str(p, "city_code"), CountyCode: str(p, "county_code"), PointQuality: str(p, "point_quality"),
			GeomQuality: str(p, "geom_quality"), Source: str(p, "source")}
		if z.ID == "" {
			if id, ok := f.ID.(string); ok {
				z.ID = id
			}
		}
		bad := func(format string, args ...any) { probs = append(probs, problem(file, n, "feature", format, args...)) }
		if !textOK(z.ID, z.Name, z.NameEN, z.Level, z.LevelEN, z.CityCode, z.CountyCode, z.PointQuality, z.GeomQuality, z.Source) {
			bad("text is not valid UTF-8")
			continue
		}
		if z.ID == "" || z.Name == "" || z.Source == "" {
			bad("id, name and source are required")
			continue
		}
		if z.GeomQuality == "" {
			z.GeomQuality = geo.GeomOfficial
		}
		var ok bool
		if z.LeadIndustries, ok = strList(p["lead_industries"]); !ok {
			bad("lead_industries must be a list of strings")
			continue
		}
		if z.Chains, ok = strList(p["chains"]); !ok {
			bad("chains must be a list of chain ids")
			continue
		}
		if v, has := p["approved_area_ha"]; has && v != nil {
			x, ok := v.(float64)
			if !ok || x < 0 || math.IsInf(x, 0) {
				bad("approved_area_ha must be a non-negative number")
				continue
			}
			z.AreaHa = &x
		}
		if z.Geom, err = multiPolygon(f.Geometry, conv); err != nil {
			bad("%s", err)
			continue
		}
		if v, has := p["point"]; has {
			if z.Point, err = point(v, conv); err != nil {
				bad("point %s", err)
				continue
			}
		} else {
			z.Point = z.Geom.Bound().Center()
		}
		if z.PointQuality == "" {
			z.PointQuality = geo.PointGeocoded
		}
		zf := ZoneFeature{Zone: z}
		if v, has := p["clusters"]; has {
			zf.HasClusters = true
			b, _ := json.Marshal(v)
			if err := json.Unmarshal(b, &zf.Clusters); err != nil {
				bad("clusters must be a list of {cluster_id, derived, source}")
				continue
			}
		}
		origins["zone "+z.ID] = fmt.Sprintf("%s feature %d (%s)", file, n, z.ID)
		out = append(out, zf)
	}
	if out == nil {
		out = []ZoneFeature{}
	}
	return out, probs, nil
}

// RevenueColumns are the revenue CSV's header, in order.
var RevenueColumns = []string{"zone", "year", "value_yi", "measure", "bound", "period", "source"}

// ReadRevenue reads the revenue CSV (UTF-8, optional BOM, header
// RevenueColumns): zone is a zone id or exact name, value_yi is 亿元,
// bound exact|lower|upper, period full_year (or empty) or a part of the
// year such as Q1 or Jan-Nov. Problems name the row (header = row 1).
func ReadRevenue(r io.Reader, file string) ([]postgis.RevenueRow, []postgis.Problem, error) {
	cr := csv.NewReader(io.LimitReader(r, MaxFileBytes))
	cr.FieldsPerRecord = -1
	head, err := cr.Read()
	if err != nil {
		return nil, nil, fmt.Errorf("importer: reading %s header: %w", file, err)
	}
	if len(head) > 0 {
		head[0] = strings.TrimPrefix(head[0], "\ufeff")
	}
	for i := range head {
		head[i] = strings.TrimSpace(head[i])
	}
	if strings.Join(head, ",") != strings.Join(RevenueColumns, ",") {
		return nil, nil, fmt.Errorf("importer: %s header is %q, want %q", file, strings.Join(head, ","), strings.Join(RevenueColumns, ","))
	}
	var out []postgis.RevenueRow
	var probs []postgis.Problem
	for row := 2; ; row++ {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			probs = append(probs, problem(file, row, "row", "%s", err))
			var pe *csv.ParseError
			if errors.As(err, &pe) && pe.Err == csv.ErrFieldCount {
				continue
			}
			break
		}
		if row > MaxRevenueRows {
			return nil, nil, fmt.Errorf("importer: %s has more than %d rows", file, MaxRevenueRows)
		}
		if len(rec) != len(RevenueColumns) {
			probs = append(probs, problem(file, row, "row", "has %d columns, want %d", len(rec), len(RevenueColumns)))
			continue
		}
		for i := range rec {
			rec[i] = strings.TrimSpace(rec[i])
		}
		if !textOK(rec...) {
			probs = append(probs, problem(file, row, "row", "text is not valid UTF-8"))
			continue
		}
		year, err := strconv.Atoi(rec[1])
		if err != nil || year < 1949 || year > 2100 {
			probs = append(probs, problem(file, row, "row", "year %q is not a year between 1949 and 2100", rec[1]))
			continue
		}
		v, err := strconv.ParseFloat(rec[2], 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) || v < 0 {
			probs = append(probs, problem(file, row, "row", "value_yi %q is not a non-negative number of 亿元", rec[2]))
			continue
		}
		rv := geo.Revenue{Year: year, RevenueYi: v, Measure: rec[3], Bound: rec[4], Period: rec[5], Source: rec[6]}
		switch {
		case rec[0] == "":
			probs = append(probs, problem(file, row, "row", "zone is empty"))
			continue
		case rv.Measure == "":
			probs = append(probs, problem(file, row, "row", "measure is empty"))
			continue
		case rv.Bound != geo.BoundExact && rv.Bound != geo.BoundLower && rv.Bound != geo.BoundUpper:
			probs = append(probs, problem(file, row, "row", "bound %q is not exact, lower or upper", rv.Bound))
			continue
		case rv.Source == "":
			probs = append(probs, problem(file, row, "row", "source is empty: every figure needs one"))
			continue
		}
		out = append(out, postgis.RevenueRow{Where: fmt.Sprintf("%s row %d", file, row), Zone: rec[0], Revenue: rv})
	}
	return out, probs, nil
}

func containsStr(s, sub string) bool { return strings.Contains(s, sub) }
