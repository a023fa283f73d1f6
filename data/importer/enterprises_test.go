package importer_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"

	"layoutmap/data/importer"
	lgeo "layoutmap/geo"
)

// GCJ-02 and BD-09 lists land within 1 m of the true WGS84 points.
func TestReadEnterprisesCRS(t *testing.T) {
	truth := []orb.Point{{113.625368, 34.746599}, {112.454040, 34.619682}, {114.341447, 36.097577}, {114.021860, 32.980169}}
	for _, crs := range []string{"wgs84", "gcj02", "bd09"} {
		var b strings.Builder
		b.WriteString("名称,经度,纬度,来源\n")
		for i, p := range truth {
			x, y := p[0], p[1]
			switch crs {
			case "gcj02":
				x, y = lgeo.WGS84ToGCJ02(x, y)
			case "bd09":
				x, y = lgeo.WGS84ToBD09(x, y)
			}
			fmt.Fprintf(&b, "企业%d,%.7f,%.7f,test\n", i, x, y)
		}
		conv, err := importer.ConverterFor(crs)
		if err != nil {
			t.Fatal(err)
		}
		rows, probs, err := importer.ReadEnterprises(strings.NewReader(b.String()), "list.csv", "", conv)
		if err != nil || len(probs) > 0 || len(rows) != len(truth) {
			t.Fatalf("%s: %v %v %d rows", crs, err, probs, len(rows))
		}
		for i, r := range rows {
			if d := geo.Distance(r.Point, truth[i]); d > 1 {
				t.Errorf("%s row %d: %.2f m from the WGS84 point", crs, i+2, d)
			}
			if crs != "wgs84" && geo.Distance(truth[i], orb.Point{r.Point[0] + 0.001, r.Point[1]}) < 1 {
				t.Fatal("the test must tell converted from unconverted points")
			}
		}
	}
}

func TestReadEnterprisesBadRows(t *testing.T) {
	csv := "name,lon,lat,source,year,classes\n" +
		"甲,113.6,34.7,src,2024,专精特新、小巨人\n" +
		"乙,east,34.7,src,,\n" +
		"\n" +
		"丙,113.6,34.7,src,twenty,\n"
	rows, probs, err := importer.ReadEnterprises(strings.NewReader(csv), "list.csv", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Year != 2024 || len(rows[0].Classes) != 2 {
		t.Errorf("rows %+v", rows)
	}
	if len(probs) != 2 || probs[0].Where != "list.csv row 3" || probs[1].Where != "list.csv row 5" {
		t.Errorf("problems %v, want rows 3 and 5 named", probs)
	}
	if _, _, err := importer.ReadEnterprises(strings.NewReader("name,lat,source\n"), "x.csv", "", nil); err == nil || !strings.Contains(err.Error(), "no lon column") {
		t.Errorf("missing column: %v", err)
	}
}

func TestReadEnterprisesGeoJSON(t *testing.T) {
	gj := `{"type":"FeatureCollection","features":[
	 {"type":"Feature","geometry":{"type":"Point","coordinates":[113.6,34.7]},"properties":{"name":"甲","source":"s","chains":["nev_chain"],"classes":"链主;规上","year":2023}},
	 {"type":"Feature","geometry":{"type":"LineString","coordinates":[[113.6,34.7],[113.7,34.8]]},"properties":{"name":"乙","source":"s"}}]}`
	rows, probs, err := importer.ReadEnterprises(strings.NewReader(gj), "list.geojson", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Chains[0] != "nev_chain" || len(rows[0].Classes) != 2 || rows[0].Year != 2023 {
		t.Errorf("rows %+v", rows)
	}
	if len(probs) != 1 || probs[0].Where != "list.geojson feature 2" {
		t.Errorf("problems %v", probs)
	}
}

// GB18030 CSV (Chinese Excel's CSV) reads like UTF-8.
func TestReadEnterprisesGB18030(t *testing.T) {
	gbk := []byte{0xc3, 0xfb, 0xb3, 0xc6} // 名称
	var b bytes.Buffer
	b.Write(gbk)
	b.WriteString(",lon,lat,source\nA,113.6,34.7,s\n")
	rows, probs, err := importer.ReadEnterprises(&b, "gbk.csv", "", nil)
	if err != nil || len(probs) > 0 || len(rows) != 1 || rows[0].Name != "A" {
		t.Fatalf("%v %v %+v", err, probs, rows)
	}
}

// A list whose size the reader knows is read into one allocation of rows
// (a million rows grown by appending copied ~1 GB and held two arrays at
// the peak of a start-up); a reader of unknown size still reads it all.
func TestReadEnterprisesAllocatesOnce(t *testing.T) {
	var b strings.Builder
	b.WriteString("name,lon,lat,source,chains\n")
	for i := range 5000 {
		fmt.Fprintf(&b, "企业%d,%.6f,%.6f,test,%s\n", i, 113.6+float64(i%97)/1000, 34.7+float64(i%89)/1000, strings.Repeat("x", i%40))
	}
	rows, probs, err := importer.ReadEnterprises(strings.NewReader(b.String()), "list.csv", "", nil)
	if err != nil || len(probs) > 0 || len(rows) != 5000 {
		t.Fatalf("read: %v %v %d rows", err, probs, len(rows))
	}
	if c := cap(rows); c < len(rows) || c > len(rows)+len(rows)/16+16 {
		t.Errorf("cap %d for %d rows: not allocated once from the size", c, len(rows))
	}
	plain, _, err := importer.ReadEnterprises(struct{ io.Reader }{strings.NewReader(b.String())}, "list.csv", "", nil)
	if err != nil || len(plain) != 5000 {
		t.Fatalf("unsized reader: %v, %d rows", err, len(plain))
	}
}
