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
func encodeCSV(fs []geo.Feature, csvColumns []string) ([]byte, error) {
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
				row[i] = neutralise(f.ID)
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

// formulaStart are the first characters that make a spreadsheet program
// read a cell as a formula (OWASP "CSV injection"): = + - @, tab and CR.
const formulaStart = "=+-@\t\r"

// neutralise makes a text cell inert in spreadsheet programs by prefixing
// a single quote when it starts with a formula character, as OWASP
// recommends; Excel and LibreOffice then show the text as written. Only
// text cells are passed here, so numbers (-3.5) stay numbers. The importer
// (data/importer) strips the quote again, so exports round-trip.
func neutralise(s string) string {
	if s != "" && strings.IndexByte(formulaStart, s[0]) >= 0 {
		return "'" + s
	}
	return s
}

// csvCell formats one property value; lists join with ";" and cluster links
// are written as their cluster ids. Text is neutralised (see neutralise);
// numbers and booleans are not text.
func csvCell(v any) (string, error) {
	cell, text, err := rawCell(v)
	if text {
		cell = neutralise(cell)
	}
	return cell, err
}

// rawCell is csvCell before neutralising: the cell and whether it is text.
func rawCell(v any) (string, bool, error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), false, nil
	case *float64:
		if v == nil {
			return "", false, nil
		}
		return strconv.FormatFloat(*v, 'f', -1, 64), false, nil
	case float32:
		return strconv.FormatFloat(float64(v), 'f', -1, 32), false, nil
	case int:
		return strconv.Itoa(v), false, nil
	case int64:
		return strconv.FormatInt(v, 10), false, nil
	case bool:
		return strconv.FormatBool(v), false, nil
	case []string:
		return strings.Join(v, ";"), true, nil
	case []geo.ZoneCluster:
		ids := make([]string, len(v))
		for i, z := range v {
			ids[i] = z.ClusterID
		}
		return strings.Join(ids, ";"), true, nil
	case []any:
		parts := make([]string, 0, len(v))
		for _, e := range v {
			if m, ok := e.(map[string]any); ok {
				if id, ok := m["cluster_id"].(string); ok {
					parts = append(parts, id)
					continue
				}
			}
			s, _, err := rawCell(e)
			if err != nil {
				return "", true, err
			}
			parts = append(parts, s)
		}
		return strings.Join(parts, ";"), true, nil
	default:
		b, err := json.Marshal(v)
		return string(b), true, err
	}
}

func (s *server) sendCSV(c *fiber.Ctx, coll, name string, fs []geo.Feature) error {
	cols := csvColumns
	if d, ok := geo.LookupCollection(coll); ok && d.CSVColumns != nil {
		cols = d.CSVColumns
	}
	body, err := encodeCSV(fs, cols)
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
