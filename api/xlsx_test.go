package api

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"

	"layoutmap/geo"
)

// TestItemsXLSXMatchesCSV: f=xlsx of every collection (and a filtered,
// sorted zone ranking) has the CSV's header and, cell by cell, its values
// (text unneutralised), in a sheet named after the collection; each cell's
// type follows the field table (number and integer fields are number
// cells, booleans boolean cells, text is text, unknown is no cell); the
// notes sheet names the filter and explains every column.
func TestItemsXLSXMatchesCSV(t *testing.T) {
	es, err := entStore()
	if err != nil {
		t.Fatal(err)
	}
	app := entApp(t, es)
	for _, tc := range []struct{ coll, q string }{
		{"cities", "limit=10000"},
		{"counties", "limit=10000"},
		{"regions", "limit=10000"},
		{"zones", "sortby=-revenue&limit=10000"},
		{"zones", "min_revenue=500&sortby=-revenue&limit=10000"},
		{"zones", "cluster=electronics&year=2023&sortby=-revenue&limit=10000"},
		{"enterprises", "limit=300"},
	} {
		t.Run(tc.coll+"?"+tc.q, func(t *testing.T) {
			base := "/api/v1/collections/" + tc.coll + "/items?"
			cr := get(t, app, base+"f=csv&"+tc.q)
			xr := get(t, app, base+"f=xlsx&"+tc.q)
			if xr.status != 200 || xr.ctype() != mediaXLSX {
				t.Fatalf("xlsx: %d %s %s", xr.status, xr.ctype(), geo.Clip(string(xr.body)))
			}
			if cd := xr.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="layoutmap-`+tc.coll+`.xlsx"`) {
				t.Errorf("Content-Disposition %q", cd)
			}
			want, err := csv.NewReader(bytes.NewReader(bytes.TrimPrefix(cr.body, []byte(utf8BOM)))).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			x, err := excelize.OpenReader(bytes.NewReader(xr.body))
			if err != nil {
				t.Fatal(err)
			}
			defer x.Close()
			if sheets := x.GetSheetList(); len(sheets) != 2 || sheets[0] != tc.coll || sheets[1] != "notes" {
				t.Errorf("sheets %v, want [%s notes]", sheets, tc.coll)
			}
			got, err := x.GetRows(tc.coll, excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || len(want) < 2 {
				t.Fatalf("xlsx %d rows, csv %d", len(got), len(want))
			}
			// The columns are the collection's, from its field table.
			cols := tableColumns(geo.Schemas[tc.coll])
			if len(want[0]) != len(cols) {
				t.Fatalf("csv header %v, field table %d columns", want[0], len(cols))
			}
			typed := map[geo.FieldType]int{}
			for i := range want {
				for j, w := range want[i] {
					g := ""
					if j < len(got[i]) {
						g = got[i][j]
					}
					if i == 0 {
						if g != w || w != cols[j].Name {
							t.Errorf("header %d: xlsx %q, csv %q, field table %q", j, g, w, cols[j].Name)
						}
						continue
					}
					w = strings.TrimPrefix(w, "'") // the CSV's formula neutralising
					axis, _ := excelize.CoordinatesToCellName(j+1, i+1)
					typ, _ := x.GetCellType(tc.coll, axis)
					if w == "" {
						if g != "" {
							t.Errorf("%s %s: xlsx %q, csv empty", axis, cols[j].Name, g)
						}
						continue
					}
					switch cols[j].Type {
					case geo.TypeNumber, geo.TypeInteger:
						wf, _ := strconv.ParseFloat(w, 64)
						gf, err := strconv.ParseFloat(g, 64)
						if err != nil || gf != wf || (typ != excelize.CellTypeUnset && typ != excelize.CellTypeNumber) {
							t.Errorf("%s %s: xlsx %q (cell type %v), csv %q: want a number cell", axis, cols[j].Name, g, typ, w)
						}
					case geo.TypeBoolean:
						if typ != excelize.CellTypeBool || (g == "1") != (w == "true") {
							t.Errorf("%s %s: xlsx %q (cell type %v), csv %q: want a boolean cell", axis, cols[j].Name, g, typ, w)
						}
					default:
						if g != w || (typ != excelize.CellTypeSharedString && typ != excelize.CellTypeInlineString) {
							t.Errorf("%s %s: xlsx %q (cell type %v), csv %q: want a text cell", axis, cols[j].Name, g, typ, w)
						}
					}
					typed[cols[j].Type]++
				}
			}
			if typed[geo.TypeString] == 0 || len(typed) < 2 {
				t.Errorf("cells checked by type: %v; the test would prove little", typed)
			}
			note, _ := x.GetCellValue("notes", "B1")
			for _, kv := range strings.Split(tc.q, "&") {
				if k, _, _ := strings.Cut(kv, "="); k != "sortby" && k != "limit" && !strings.Contains(note, kv) {
					t.Errorf("notes filter %q lacks %q", note, kv)
				}
			}
			notes, _ := x.GetRows("notes")
			explained := map[string]bool{}
			for _, r := range notes {
				if len(r) == 2 && r[1] != "" {
					explained[r[0]] = true
				}
			}
			for _, c := range cols[1:] {
				if !explained[c.Name] {
					t.Errorf("notes sheet does not explain column %s", c.Name)
				}
			}
		})
	}
	if r := get(t, app, "/api/v1/collections/zones/items?f=xls"); r.status != 400 || !strings.Contains(string(r.body), "xlsx") {
		t.Errorf("f=xls: %d %s, want 400 naming xlsx", r.status, r.body)
	}
}
