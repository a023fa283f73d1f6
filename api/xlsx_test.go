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

// TestItemsXLSXMatchesCSV: f=xlsx of a filtered, sorted ranking has the
// CSV's header and, cell by cell, its values (numbers as number cells,
// empty stays empty, text unneutralised), plus the notes sheet naming the
// filter.
func TestItemsXLSXMatchesCSV(t *testing.T) {
	app := newApp(t, Config{})
	for _, q := range []string{
		"sortby=-revenue&limit=10000",
		"min_revenue=500&sortby=-revenue&limit=10000",
		"cluster=electronics&year=2023&sortby=-revenue&limit=10000",
	} {
		t.Run(q, func(t *testing.T) {
			cr := get(t, app, "/api/v1/collections/zones/items?f=csv&"+q)
			xr := get(t, app, "/api/v1/collections/zones/items?f=xlsx&"+q)
			if xr.status != 200 || xr.ctype() != mediaXLSX {
				t.Fatalf("xlsx: %d %s %s", xr.status, xr.ctype(), geo.Clip(string(xr.body)))
			}
			if cd := xr.header.Get("Content-Disposition"); !strings.Contains(cd, `filename="layoutmap-zones.xlsx"`) {
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
			got, err := x.GetRows("zones", excelize.Options{RawCellValue: true})
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(want) || len(want) < 2 {
				t.Fatalf("xlsx %d rows, csv %d", len(got), len(want))
			}
			for i := range want {
				for j, w := range want[i] {
					g := ""
					if j < len(got[i]) {
						g = got[i][j]
					}
					w = strings.TrimPrefix(w, "'") // the CSV's formula neutralising
					if wf, err := strconv.ParseFloat(w, 64); err == nil && i > 0 {
						gf, err := strconv.ParseFloat(g, 64)
						if err != nil || gf != wf {
							t.Errorf("row %d %s: xlsx %q, csv %q", i, want[0][j], g, w)
						}
						continue
					}
					if g != w {
						t.Errorf("row %d %s: xlsx %q, csv %q", i, want[0][j], g, w)
					}
				}
			}
			// A number column holds number cells, not text.
			col := -1
			for j, h := range want[0] {
				if h == "revenue_yi" {
					col = j
				}
			}
			for i := 1; i < len(want); i++ {
				if want[i][col] == "" {
					continue
				}
				axis, _ := excelize.CoordinatesToCellName(col+1, i+1)
				if typ, _ := x.GetCellType("zones", axis); typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
					t.Errorf("%s revenue_yi is a text cell", axis)
				}
				break
			}
			note, _ := x.GetCellValue("notes", "B1")
			for _, kv := range strings.Split(q, "&") {
				if k, _, _ := strings.Cut(kv, "="); k != "sortby" && k != "limit" && !strings.Contains(note, kv) {
					t.Errorf("notes filter %q lacks %q", note, kv)
				}
			}
		})
	}
	if r := get(t, app, "/api/v1/collections/zones/items?f=xls"); r.status != 400 || !strings.Contains(string(r.body), "xlsx") {
		t.Errorf("f=xls: %d %s, want 400 naming xlsx", r.status, r.body)
	}
}
