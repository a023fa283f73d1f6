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
// header row: the collection's table columns (tableColumns, which the XLSX
// export writes too). Missing properties are empty cells, never "null" or
// 0: unknown stays unknown.
func encodeCSV(cs geo.CollectionSchema, fs []geo.Feature) ([]byte, error) {
	cols := tableColumns(cs)
	var buf bytes.Buffer
	buf.WriteString(utf8BOM)
	w := csv.NewWriter(&buf)
	row := make([]string, len(cols))
	for i, f := range cols {
		row[i] = f.Name
	}
	if err := w.Write(row); err != nil {
		return nil, err
	}
	for _, ft := range fs {
		for i, v := range tableRow(cols, ft) {
			row[i] = csvText(v)
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// tableColumns are the columns of a collection's CSV and XLSX, one list
// for both: id, then the collection's CSV fields in field-table order.
func tableColumns(cs geo.CollectionSchema) []geo.Field {
	return append([]geo.Field{{Name: "id", Type: geo.TypeString}}, csvFields(cs)...)
}

// tableRow is a feature's values for cols, typed by the field table: text
// as string (a list as geo.FlatList), numbers as float64 (lat/lon rounded
// to the 6 decimals written everywhere), integers as int, booleans as
// bool; nil for an unknown value, or one of another type than the table
// says (a bug of the store), so it is an empty cell, never a guess.
func tableRow(cols []geo.Field, ft geo.Feature) []any {
	out := make([]any, len(cols))
	lon, lat, hasPoint := featurePoint(ft)
	for i, f := range cols {
		switch f.Name {
		case "id":
			out[i] = ft.ID
		case "lon", "lat":
			if hasPoint {
				v := lat
				if f.Name == "lon" {
					v = lon
				}
				out[i] = round6(v)
			}
		default:
			out[i] = typedValue(f, ft.Properties[f.Name])
		}
	}
	return out
}

func typedValue(f geo.Field, v any) any {
	switch f.Type {
	case geo.TypeString:
		if s, ok := v.(string); ok {
			return s
		}
	case geo.TypeNumber:
		if x, ok := v.(float64); ok {
			return x
		}
	case geo.TypeInteger:
		if n, ok := v.(int); ok {
			return n
		}
	case geo.TypeBoolean:
		if b, ok := v.(bool); ok {
			return b
		}
	case geo.TypeArray:
		if ss, ok := v.([]string); ok && len(ss) > 0 {
			return geo.FlatList(ss)
		}
	}
	return nil
}

// csvText writes a tableRow value as CSV text: text neutralised (see
// neutralise; a FlatList starts with "|", inert), numbers as Go writes
// them (coordinates already rounded as in GeoJSON), nil as an empty cell.
func csvText(v any) string {
	switch v := v.(type) {
	case string:
		return neutralise(v)
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case int:
		return strconv.Itoa(v)
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
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
