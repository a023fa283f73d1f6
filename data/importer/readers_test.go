package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"layoutmap/api"
	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// apiGet fetches a path from the real API over the embedded dataset.
func apiGet(t *testing.T, path string) []byte {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		t.Fatal(err)
	}
	app := api.New(api.Config{Store: s})
	res, err := app.Test(httptest.NewRequest("GET", path, nil), 60_000)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", path, res.StatusCode, b)
	}
	return b
}

// Case 1: the bundled files import unchanged.
func TestReadBundledFiles(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	f, _ := os.Open("../henan/zones.geojson")
	defer f.Close()
	zs, probs, err := ReadZones(f, "zones.geojson", nil, map[string]string{})
	if err != nil || len(probs) != 0 {
		t.Fatalf("zones: %v %v", err, probs)
	}
	if len(zs) != len(ds.Zones) {
		t.Fatalf("%d zones, want %d", len(zs), len(ds.Zones))
	}
	chains := 0
	for _, z := range zs {
		chains += len(z.Chains)
		if !z.HasClusters {
			t.Fatalf("zone %s: clusters not read", z.ID)
		}
	}
	if chains == 0 {
		t.Fatal("no chain links read from the bundled file (it stores them as objects)")
	}
	a, _ := os.Open("../henan/admin.geojson")
	defer a.Close()
	as, probs, err := ReadAdmin(a, "admin.geojson", nil, map[string]string{})
	if err != nil || len(probs) != 0 || len(as) != len(ds.Admin) {
		t.Fatalf("admin: %d areas, %v %v", len(as), err, probs)
	}
}

// Case 2: the API's own GeoJSON and CSV output import unchanged, and say
// the same as the dataset they came from.
func TestReadAPIOutput(t *testing.T) {
	ds, _ := henan.Load()
	b := apiGet(t, "/api/v1/collections/zones/items?limit=10000")
	zs, probs, err := ReadZones(bytes.NewReader(b), "items.json", nil, map[string]string{})
	if err != nil || len(probs) != 0 {
		t.Fatalf("zones: %v %v", err, probs)
	}
	if len(zs) != len(ds.Zones) {
		t.Fatalf("%d zones, want %d", len(zs), len(ds.Zones))
	}
	want := map[string]geo.Zone{}
	for _, z := range ds.Zones {
		want[z.ID] = z
	}
	for _, z := range zs {
		w := want[z.ID]
		if z.Name != w.Name || z.CityCode != w.CityCode || len(z.Clusters) != len(w.Clusters) || len(z.Chains) != len(w.Chains) ||
			len(z.Revenue) != len(w.Revenue) || z.Point != w.Point || len(z.Geom) != len(w.Geom) {
			t.Fatalf("zone %s read back as %+v, want %+v", z.ID, z.Zone, w)
		}
		for i, c := range z.Clusters {
			if c != w.Clusters[i] {
				t.Fatalf("zone %s link %d: %+v, want %+v", z.ID, i, c, w.Clusters[i])
			}
		}
	}
	csv := apiGet(t, "/api/v1/collections/zones/items?limit=10000&f=csv")
	rt, err := ReadRevenueTable(bytes.NewReader(csv), "zones.csv", EncodingAuto)
	if err != nil {
		t.Fatal(err)
	}
	if len(rt.Rejected) != 0 {
		t.Fatalf("rejected %v", rt.Rejected)
	}
	// The CSV carries each zone's headline of the default family
	// (revenue): a zone with only an output value (济源) has none.
	withRevenue := 0
	for _, z := range ds.Zones {
		if _, ok := geo.Headline(z.Revenue, 0, ""); ok {
			withRevenue++
		}
	}
	if len(rt.Rows) != withRevenue || rt.Skipped != len(ds.Zones)-withRevenue {
		t.Fatalf("%d figures, %d skipped; want %d and %d", len(rt.Rows), rt.Skipped, withRevenue, len(ds.Zones)-withRevenue)
	}
	for _, r := range rt.Rows {
		h, ok := geo.Headline(want[r.Zone].Revenue, 0, "")
		if !ok || h.RevenueYi != r.Revenue.RevenueYi || h.Year != r.Revenue.Year || h.Measure != r.Revenue.Measure || h.Source != r.Revenue.Source {
			t.Fatalf("%s: %+v, want the headline %+v", r.Where, r.Revenue, h)
		}
	}
}

// Case 3: a byte-order mark before GeoJSON is ignored.
func TestReadZonesBOM(t *testing.T) {
	b, _ := os.ReadFile("testdata/zones.geojson")
	zs, probs, err := ReadZones(bytes.NewReader(append([]byte("\uFEFF"), b...)), "bom.geojson", nil, map[string]string{})
	if err != nil || len(probs) != 0 || len(zs) != 2 {
		t.Fatalf("%d zones, %v %v", len(zs), err, probs)
	}
}

const zhCSV = "开发区,年份,营业收入（亿元）,口径,界限,期间,来源\n" +
	"郑州经济技术开发区,2023年,\"5,000\",营业收入,下限,全年,S13 河南日报\n" +
	"G411162,2021,735.7,四上企业营业收入,精确,,S23\n"

func checkZhRows(t *testing.T, rt *RevenueTable) {
	t.Helper()
	if len(rt.Rejected) != 0 || len(rt.Rows) != 2 {
		t.Fatalf("rows %+v rejected %v", rt.Rows, rt.Rejected)
	}
	r := rt.Rows[0]
	if r.Zone != "郑州经济技术开发区" || r.Revenue.Year != 2023 || r.Revenue.RevenueYi != 5000 || r.Revenue.Bound != geo.BoundLower ||
		r.Revenue.Period != geo.PeriodFullYear || r.Revenue.Measure != "营业收入" || r.Revenue.Source != "S13 河南日报" {
		t.Fatalf("row 2: %+v", r)
	}
	if r := rt.Rows[1]; r.Zone != "G411162" || r.Revenue.RevenueYi != 735.7 || r.Revenue.Bound != geo.BoundExact || r.Revenue.Period != geo.PeriodFullYear {
		t.Fatalf("row 3: %+v", r)
	}
}

// Case 4: CSV in UTF-8 with and without BOM and in GB18030 (detected or
// chosen) with Chinese headers read alike; GB18030 read as UTF-8 is a
// clear error.
func TestReadRevenueEncodings(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(zhCSV)
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct{ name, in, enc, wantEnc string }{
		{"utf-8", zhCSV, EncodingAuto, EncodingUTF8},
		{"utf-8 bom", "\uFEFF" + zhCSV, EncodingAuto, EncodingUTF8},
		{"gb18030 detected", gb, EncodingAuto, EncodingGB18030},
		{"gb18030 chosen", gb, "GBK", EncodingGB18030},
	} {
		t.Run(tt.name, func(t *testing.T) {
			rt, err := ReadRevenueTable(strings.NewReader(tt.in), "r.csv", tt.enc)
			if err != nil {
				t.Fatal(err)
			}
			if rt.Encoding != tt.wantEnc {
				t.Errorf("encoding %s, want %s", rt.Encoding, tt.wantEnc)
			}
			checkZhRows(t, rt)
		})
	}
	_, err = ReadRevenueTable(strings.NewReader(gb), "r.csv", EncodingUTF8)
	var te *TableError
	if !errors.As(err, &te) || te.Row != 1 || !strings.Contains(err.Error(), "r.csv row 1: is not valid UTF-8") || !strings.Contains(err.Error(), "--encoding gb18030") {
		t.Fatalf("GB18030 read as UTF-8: %v", err)
	}
}

// xlsxFile writes a workbook with a notes sheet first and the rows on a
// second sheet; formula sets a formula (without a cached value) at a cell.
func xlsxFile(t *testing.T, rows [][]any, formulaCell, formula string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	f.SetSheetName("Sheet1", "说明 notes")
	f.SetCellValue("说明 notes", "A1", "填写说明")
	if _, err := f.NewSheet("数据 data"); err != nil {
		t.Fatal(err)
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := f.SetSheetRow("数据 data", cell, &r); err != nil {
			t.Fatal(err)
		}
	}
	if formulaCell != "" {
		if err := f.SetCellFormula("数据 data", formulaCell, formula); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// An .xlsx with Chinese headers on its second sheet, numbers as numbers.
func TestReadRevenueXLSX(t *testing.T) {
	b := xlsxFile(t, [][]any{
		{"开发区", "年份", "营业收入（亿元）", "口径", "界限", "期间", "来源"},
		{"郑州经济技术开发区", 2023, 5000, "营业收入", "下限", "全年", "S13 河南日报"},
		{nil, nil, nil, nil, nil, nil, nil},
		{"G411162", 2021, 735.7, "四上企业营业收入", "exact", "", "S23"},
	}, "", "")
	rt, err := ReadRevenueTable(bytes.NewReader(b), "r.xlsx", EncodingAuto)
	if err != nil {
		t.Fatal(err)
	}
	if rt.Sheet != "数据 data" {
		t.Errorf("sheet %q", rt.Sheet)
	}
	checkZhRows(t, rt)
	if rt.Rows[1].Where != "r.xlsx sheet 数据 data row 4" {
		t.Errorf("where %q", rt.Rows[1].Where)
	}
	// A formula cell without a computed value names its cell and the fix.
	b = xlsxFile(t, [][]any{
		{"zone", "year", "value_yi", "measure", "bound", "period", "source"},
		{"G411162", 2021, nil, "营业收入", "exact", "", "S23"},
	}, "C2", "SUM(1,2)")
	_, err = ReadRevenueTable(bytes.NewReader(b), "f.xlsx", EncodingAuto)
	if err == nil || err.Error() != "importer: f.xlsx sheet 数据 data row 2 column C: holds the formula =SUM(1,2) without a computed value; fix: open the file in Excel and save it again, or copy the column and Paste Special → Values" {
		t.Fatalf("formula: %v", err)
	}
}

// Hostile and broken files get a clear error, never a crash or a huge
// allocation.
func TestReadTableRefuses(t *testing.T) {
	// A zip bomb: a 300 MB sheet of spaces that deflates to a few hundred KB.
	var bomb bytes.Buffer
	zw := zip.NewWriter(&bomb)
	w, _ := zw.Create("xl/worksheets/sheet1.xml")
	chunk := bytes.Repeat([]byte(" "), 1<<20)
	for range 300 {
		w.Write(chunk)
	}
	zw.Close()
	if bomb.Len() > 2<<20 {
		t.Fatalf("bomb is %d bytes", bomb.Len())
	}
	cases := []struct {
		name string
		in   io.Reader
		want string
	}{
		{"zip bomb", bytes.NewReader(bomb.Bytes()), "inflates to more than 256 MB: refused as a possible zip bomb"},
		{"200 MB CSV", io.LimitReader(repeatReader("G411162,2021,1,m,exact,,s\n"), 200<<20), "is larger than 64 MB"},
		{"xls", bytes.NewReader([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0}), "Excel 97–2003 .xls"},
		{"utf-16", bytes.NewReader([]byte{0xFF, 0xFE, 'z', 0}), "UTF-16"},
		{"binary", strings.NewReader("zone,year\x00"), "NUL byte"},
		{"empty", strings.NewReader("\n\n"), "is empty"},
		{"not xlsx", bytes.NewReader(append([]byte("PK\x03\x04"), make([]byte, 40)...)), "not an .xlsx"},
		{"bad quote", strings.NewReader("zone,year,value_yi,measure,source\n\"a,2023\n"), "x.csv row 2 column"},
		{"no column", strings.NewReader("开发区,年份,口径,来源\n"), "no value_yi column"},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ReadRevenueTable(tt.in, "x.csv", EncodingAuto)
			var te *TableError
			if !errors.As(err, &te) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !strings.HasPrefix(err.Error(), "importer: x.csv") {
				t.Fatalf("error %q does not name the file", err)
			}
		})
	}
}

type repeatReader string

func (r repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		n += copy(p[n:], r)
	}
	return n, nil
}

func FuzzReadTable(f *testing.F) {
	f.Add([]byte(zhCSV))
	gb, _ := simplifiedchinese.GB18030.NewEncoder().String(zhCSV)
	f.Add([]byte(gb))
	f.Add([]byte("\uFEFFzone,year,value_yi,measure,bound,period,source\n'=1,2023,1,m,exact,,s\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		rt, err := ReadRevenueTable(bytes.NewReader(in), "f.csv", EncodingAuto)
		if err != nil {
			var te *TableError
			if !errors.As(err, &te) {
				t.Fatalf("error of type %T: %v", err, err)
			}
			return
		}
		for _, r := range rt.Rows {
			if r.Zone == "" || r.Revenue.Source == "" || r.Revenue.Measure == "" || !(r.Revenue.RevenueYi >= 0) {
				t.Fatalf("accepted %+v", r)
			}
		}
	})
}

func FuzzReadXLSX(f *testing.F) {
	f.Add([]byte("PK\x03\x04"))
	fx := excelize.NewFile()
	fx.SetSheetRow("Sheet1", "A1", &[]any{"zone", "year", "value_yi", "measure", "source"})
	fx.SetSheetRow("Sheet1", "A2", &[]any{"G411162", 2021, 1.5, "m", "s"})
	var buf bytes.Buffer
	fx.Write(&buf)
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, in []byte) {
		if !bytes.HasPrefix(in, magicZip) {
			in = append(append([]byte{}, magicZip...), in...)
		}
		_, err := ReadRevenueTable(bytes.NewReader(in), "f.xlsx", EncodingAuto)
		if err != nil {
			var te *TableError
			if !errors.As(err, &te) {
				t.Fatalf("error of type %T: %v", err, err)
			}
		}
	})
}

// Case 6: a CSV cut at a line boundary is caught by the expected row
// count, before the database is touched.
func TestImportTruncatedCSV(t *testing.T) {
	var b strings.Builder
	b.WriteString("zone,year,value_yi,measure,bound,period,source\n")
	for i := range 100 {
		b.WriteString("G411162," + strconv.Itoa(1950+i) + ",1,营业收入,exact,,s\n")
	}
	lines := strings.SplitAfter(b.String(), "\n")
	path := filepath.Join(t.TempDir(), "cut.csv")
	if err := os.WriteFile(path, []byte(strings.Join(lines[:41], "")), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(t.Context(), "postgres://127.0.0.1:1/none", Options{RevenueFile: path, ExpectRows: 100})
	var te *TableError
	if !errors.As(err, &te) || err.Error() != "importer: cut.csv: has 40 data rows, 100 expected: the file looks truncated or padded, nothing was imported; fix: export the whole table again, or correct the expected row count" {
		t.Fatalf("truncated file: %v", err)
	}
}

// The shipped templates are what `layoutmap template` writes, and both
// read back as the example figure.
func TestTemplates(t *testing.T) {
	x, err := RevenueTemplateXLSX()
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range map[string][]byte{"revenue_template.xlsx": x, "revenue_template.csv": RevenueTemplateCSV()} {
		path := filepath.Join("..", "..", "docs", "templates", name)
		got, err := os.ReadFile(path)
		if err != nil || !bytes.Equal(got, want) {
			t.Fatalf("%s is stale (run: go run ./cmd/layoutmap template --out docs/templates): %v", path, err)
		}
		rt, err := ReadRevenueTable(bytes.NewReader(got), name, EncodingAuto)
		if err != nil || len(rt.Rejected) != 0 || len(rt.Rows) != 1 {
			t.Fatalf("%s: %v %+v", name, err, rt)
		}
		r := rt.Rows[0]
		if r.Zone != "郑州经济技术开发区" || r.Revenue.Year != 2023 || r.Revenue.RevenueYi != 5000 || r.Revenue.Bound != geo.BoundLower || r.Revenue.Measure != "营业收入" {
			t.Fatalf("%s: %+v", name, r)
		}
	}
}
