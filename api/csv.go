package api

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// ContentTypeCSV is the media type of CSV item lists.
const ContentTypeCSV = "text/csv; charset=utf-8"

// utf8BOM makes Excel read the file as UTF-8, so Chinese names survive.
const utf8BOM = "\uFEFF"

// csvFields are the columns of a collection's CSV after the id: its OnCSV
// fields in table order (a field named id is the id column itself).
func csvFields(cs geo.CollectionSchema) []geo.Field {
	var out []geo.Field
	for _, f := range cs.On(geo.OnCSV) {
		if f.Name != "id" {
			out = append(out, f)
		}
	}
	return out
}

// encodeCSV writes features of collection cs as CSV with a BOM and a
// header row: id, then the collection's CSV fields. Missing properties are
// empty cells, never "null" or 0: unknown stays unknown.
func encodeCSV(cs geo.CollectionSchema, fs []geo.Feature) ([]byte, error) {
	fields := csvFields(cs)
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	header := make([]string, 1, 1+len(fields))
	header[0] = "id"
	for _, f := range fields {
		header = append(header, f.Name)
	}
	if err := w.Write(header); err != nil {
		return nil, err
	}
	row := make([]string, len(header))
	for _, ft := range fs {
		row[0] = neutralise(ft.ID)
		lon, lat, hasPoint := featurePoint(ft)
		for i, f := range fields {
			switch {
			case f.Name == "lon" || f.Name == "lat":
				row[i+1] = ""
				if hasPoint {
					v := lat
					if f.Name == "lon" {
						v = lon
					}
					row[i+1] = string(appendCoord(nil, v))
				}
			default:
				row[i+1] = csvCell(f, ft.Properties[f.Name])
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

// csvCell formats the value v of field f by the field's type: text
// neutralised (see neutralise), numbers and booleans as Go writes them,
// lists of text as geo.FlatList ("|a|b|", inert: it starts with "|"). A value
// of another type than the table says (a bug of the store) or an unknown
// value is an empty cell.
func csvCell(f geo.Field, v any) string {
	switch f.Type {
	case geo.TypeString:
		s, _ := v.(string)
		return neutralise(s)
	case geo.TypeNumber:
		if x, ok := v.(float64); ok {
			return strconv.FormatFloat(x, 'f', -1, 64)
		}
	case geo.TypeInteger:
		if n, ok := v.(int); ok {
			return strconv.Itoa(n)
		}
	case geo.TypeBoolean:
		if b, ok := v.(bool); ok {
			return strconv.FormatBool(b)
		}
	case geo.TypeArray:
		if ss, ok := v.([]string); ok {
			return geo.FlatList(ss)
		}
	}
	return ""
}

func (s *server) sendCSV(c *fiber.Ctx, cs geo.CollectionSchema, name string, fs []geo.Feature) error {
	body, err := encodeCSV(cs, fs)
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

// csvColumns are the zone CSV's columns (id and the zone table's CSV
// fields), which the XLSX export writes.
var csvColumns = func() []string {
	cols := []string{"id"}
	for _, f := range csvFields(geo.Schemas[geo.CollZones]) {
		cols = append(cols, f.Name)
	}
	return cols
}()

// rawCell is a property value as XLSX text and whether it is text; lists
// are geo.FlatList.
func rawCell(v any) (string, bool, error) {
	switch v := v.(type) {
	case nil:
		return "", false, nil
	case string:
		return v, true, nil
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), false, nil
	case int:
		return strconv.Itoa(v), false, nil
	case bool:
		return strconv.FormatBool(v), false, nil
	case []string:
		return geo.FlatList(v), true, nil
	}
	return "", false, fmt.Errorf("no cell for %T", v)
}
