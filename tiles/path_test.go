package tiles

import (
	"net/url"
	"strings"
	"testing"

	"layoutmap/geo"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name       string
		z, x, y    string
		query      string
		wantFields []string // bad fields, in order; nil: valid
		want       geo.TileQuery
	}{
		{name: "z0", z: "0", x: "0", y: "0.mvt", want: geo.TileQuery{}},
		{name: "henan z5", z: "5", x: "26", y: "12", want: geo.TileQuery{Z: 5, X: 26, Y: 12}},
		{name: "max zoom corner", z: "16", x: "65535", y: "65535.mvt", want: geo.TileQuery{Z: 16, X: 65535, Y: 65535}},
		{name: "filter", z: "8", x: "210", y: "101", query: "min_revenue=5000&year=2023",
			want: geo.TileQuery{Z: 8, X: 210, Y: 101, Filter: geo.Filter{Year: 2023, MinRevenue: ptr(5000.0)}}},
		{name: "beyond max zoom", z: "17", x: "0", y: "0", wantFields: []string{"z"}},
		{name: "huge zoom", z: "99999999999", x: "0", y: "0", wantFields: []string{"z"}},
		{name: "negative zoom", z: "-1", x: "0", y: "0", wantFields: []string{"z"}},
		{name: "x out of range", z: "5", x: "32", y: "0", wantFields: []string{"x"}},
		{name: "y out of range", z: "0", x: "0", y: "1.mvt", wantFields: []string{"y"}},
		{name: "non-numeric", z: "a", x: "1.5", y: "0x1", wantFields: []string{"z", "x", "y"}},
		{name: "empty", z: "", x: "", y: ".mvt", wantFields: []string{"z", "x", "y"}},
		{name: "plus sign", z: "+5", x: "1", y: "1", wantFields: []string{"z"}},
		{name: "bad filter", z: "5", x: "1", y: "1", query: "min_revenue=abc", wantFields: []string{"min_revenue"}},
		{name: "unknown parameter", z: "5", x: "1", y: "1", query: "limit=5", wantFields: []string{"limit"}},
		{name: "bbox does not apply", z: "5", x: "1", y: "1", query: "bbox=110,31,116,36", wantFields: []string{"bbox"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			v, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			got, err := ParseRequest(tc.z, tc.x, tc.y, v)
			if tc.wantFields == nil {
				if err != nil {
					t.Fatalf("ParseRequest: %v, want no error", err)
				}
				if Key(got) != Key(tc.want) {
					t.Errorf("ParseRequest = %s, want %s", Key(got), Key(tc.want))
				}
				return
			}
			fes, ok := geo.AsFieldErrors(err)
			if !ok {
				t.Fatalf("ParseRequest error = %v, want field errors on %v", err, tc.wantFields)
			}
			var fields []string
			for _, fe := range fes {
				fields = append(fields, fe.Field)
			}
			if strings.Join(fields, ",") != strings.Join(tc.wantFields, ",") {
				t.Errorf("bad fields = %v, want %v (%v)", fields, tc.wantFields, err)
			}
		})
	}
}

func TestKeyNormalises(t *testing.T) {
	a, err := ParseRequest("8", "210", "101", url.Values{"cluster": {"b,a"}, "year": {"2023"}})
	if err != nil {
		t.Fatal(err)
	}
	b, err := ParseRequest("8", "210", "101.mvt", url.Values{"year": {"2023"}, "cluster": {"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if Key(a) != Key(b) {
		t.Errorf("keys differ for the same tile: %q vs %q", Key(a), Key(b))
	}
	if want := "8/210/101?cluster=a%2Cb&year=2023"; Key(a) != want {
		t.Errorf("Key = %q, want %q", Key(a), want)
	}
}

// FuzzParseRequest: never a panic; either a valid tile inside the zoom's
// grid or field errors only.
func FuzzParseRequest(f *testing.F) {
	for _, s := range [][4]string{
		{"5", "26", "12.mvt", ""}, {"16", "65535", "0", "year=2023"}, {"17", "0", "0", ""},
		{"-1", "x", "1.5", "min_revenue=NaN"}, {"4294967296", "0", "0", "cluster=%zz"},
		{"0", "0", "0.mvt.mvt", "tier=no_data&tier=t500"}, {"", "", "", "bbox=1,2,3,4"},
	} {
		f.Add(s[0], s[1], s[2], s[3])
	}
	f.Fuzz(func(t *testing.T, z, x, y, rawQuery string) {
		v, err := url.ParseQuery(rawQuery)
		if err != nil {
			return
		}
		q, err := ParseRequest(z, x, y, v)
		if err != nil {
			if _, ok := geo.AsFieldErrors(err); !ok {
				t.Fatalf("ParseRequest(%q, %q, %q, %q) error %v is not a field error", z, x, y, rawQuery, err)
			}
			return
		}
		if verr := Validate(q); verr != nil {
			t.Fatalf("ParseRequest accepted %q/%q/%q but Validate says %v", z, x, y, verr)
		}
	})
}

func ptr[T any](v T) *T { return &v }
