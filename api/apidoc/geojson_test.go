package apidoc

import (
	"testing"

	"layoutmap/geo"
)

// appendJSONString must write what MarshalJSON writes, for every string.
func TestAppendJSONString(t *testing.T) {
	for _, s := range []string{"", "410102", "zone-郑州", `a"b`, `a\b`, "a<b>&c", "tab\there", "\x00\x1f\x7f", "\u2028\u2029", "\xff\xfe", "/path?x=1&y=2"} {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range []string{"", "410102", `a"b\c`, "郑州\u2028", "\xff"} {
		f.Add(s)
	}
	f.Fuzz(checkJSONString)
}

func checkJSONString(t *testing.T, s string) {
	want, werr := MarshalJSON(s)
	got, gerr := appendJSONString([]byte("x"), s)
	if (werr == nil) != (gerr == nil) || string(got) != "x"+string(want) {
		t.Errorf("appendJSONString(%q) = %s, %v; MarshalJSON %s, %v", s, got, gerr, want, werr)
	}
}

// A feature with its properties' encoding (geo.Feature.PropertiesJSON, as
// the stores keep it) is written with the same bytes as one without.
func TestFeaturePropertiesJSONSameBytes(t *testing.T) {
	f := geo.Feature{ID: "z1", Properties: geo.Properties{"name": "郑州 <经开区> & co", "lon": 113.1234567, "lat": 34.7, "none": nil,
		"revenue": []map[string]any{{"year": 2023, "revenue_yi": 12.5}}}}
	plain, err := AppendFeature(nil, f, map[string]any{"links": []string{"a&b"}})
	if err != nil {
		t.Fatal(err)
	}
	if f.PropertiesJSON, err = geo.PropertiesJSON(f.Properties); err != nil {
		t.Fatal(err)
	}
	kept, err := AppendFeature(nil, f, map[string]any{"links": []string{"a&b"}})
	if err != nil {
		t.Fatal(err)
	}
	if string(plain) != string(kept) {
		t.Errorf("with PropertiesJSON\n%s\nwithout\n%s", kept, plain)
	}
	want := `{"type":"Feature","id":"z1","geometry":null,"properties":{"lat":34.7,"lon":113.123457,"name":"郑州 <经开区> & co","revenue":[{"revenue_yi":12.5,"year":2023}]},"links":["a&b"]}`
	if string(kept) != want {
		t.Errorf("feature\n%s\nwant\n%s", kept, want)
	}
}
