package api

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// ContentTypeCSV is the media type of CSV item lists.
const ContentTypeCSV = "text/csv; charset=utf-8"

// csvColumns are the key properties written per feature, in order. lat and
// lon are the feature's point (zones: their location; areas: label point).
var csvColumns = []string{
	"id", "name", "name_en", "level", "city_code", "county_code", "clusters", "tier",
	"revenue_yi", "revenue_year", "measure", "bound", "period", "revenue_source",
	"lat", "lon", "geom_quality", "source",
}

// utf8BOM makes Excel read the file as UTF-8, so Chinese names survive.
const utf8BOM = "\uFEFF"

// encodeCSV writes features as CSV with a BOM and a header row. Missing
// properties are empty cells, never "null" or 0: unknown stays unknown.
func encodeCSV(fs []geo.Feature) ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	if err := w.Write(csvColumns); err != nil {
		return nil, err
	}
	row := make([]string, len(csvColumns))
	for _, f := range fs {
		lon, lat, hasPoint := featurePoint(f)
		for i, col := range csvColumns {
			switch col {
			case "id":
				row[i] = f.ID
			case "lat", "lon":
				row[i] = ""
				if hasPoint {
					v := lat
					if col == "lon" {
						v = lon
					}
					row[i] = string(appendCoord(nil, v))
				}
			default:
				cell, err := csvCell(f.Properties[col])
				if err != nil {
					return nil, fmt.Errorf("api: csv feature %s %s: %w", f.ID, col, err)
				}
				row[i] = cell
			}
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// featurePoint is the point written to lat/lon: explicit lon/lat
// properties, else a point geometry, else the centre of the geometry's bound.
func featurePoint(f geo.Feature) (lon, lat float64, ok bool) {
	if x, okx := f.Properties["lon"].(float64); okx {
		if y, oky := f.Properties["lat"].(float64); oky {
			return x, y, true
		}
	}
	switch g := f.Geometry.(type) {
	case nil:
		return 0, 0, false
	case orb.Point:
		return g[0], g[1], true
	default:
		c := g.Bound().Center()
		return c[0], c[1], true
	}
}

// csvCell formats one property value; lists join with ";" and cluster links
// are written as their cluster ids.
func csvCell(v any) (string, error) {
	switch v := v.(type) {
	case nil:
		return "", nil
	case string:
		return v, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), nil
	case *float64:
		if v == nil {
			return "", nil
		}
		return strconv.FormatFloat(*v, 'f', -1, 64), nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), nil
	case int:
		return strconv.Itoa(v), nil
	case int64:
		return strconv.FormatInt(v, 10), nil
	case bool:
		return strconv.FormatBool(v), nil
	case []string:
		return strings.Join(v, ";"), nil
	case []geo.ZoneCluster:
		ids := make([]string, len(v))
		for i, z := range v {
			ids[i] = z.ClusterID
		}
		return strings.Join(ids, ";"), nil
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				if id, ok := m["cluster_id"].(string); ok {
					parts = append(parts, id)
					continue
				}
			}
			s, err := csvCell(e)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ";"), nil
	default:
		b, err := json.Marshal(v)
		return string(b), err
	}
}

func (s *server) sendCSV(c *fiber.Ctx, name string, fs []geo.Feature) error {
	body, err := encodeCSV(fs)
	if err != nil {
		return fmt.Errorf("api: encoding csv %s: %w", name, err)
	}
	c.Set(fiber.HeaderContentType, ContentTypeCSV)
	c.Set(fiber.HeaderContentDisposition, `attachment; filename="layoutmap-`+safeFilename(name)+`.csv"`)
	return c.Send(body)
}

// safeFilename keeps ASCII letters, digits, '-' and '_' so an id cannot
// break the Content-Disposition header.
func safeFilename(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	return geo.Clip(b.String())
}
