package api

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

func TestAppendGeometry(t *testing.T) {
	cw := orb.Ring{{0, 0}, {0, 1}, {1, 1}, {1, 0}, {0, 0}}  // clockwise
	ccw := orb.Ring{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}} // counter-clockwise
	holeCCW := orb.Ring{{0.2, 0.2}, {0.8, 0.2}, {0.8, 0.8}, {0.2, 0.8}, {0.2, 0.2}}
	cases := []struct {
		name string
		g    orb.Geometry
		want string
	}{
		{"nil", nil, `null`},
		{"point rounds to 6 decimals", orb.Point{113.12345678, 34.9999999}, `{"type":"Point","coordinates":[113.123457,35]}`},
		{"no negative zero", orb.Point{-0.0000001, 0}, `{"type":"Point","coordinates":[0,0]}`},
		{"negative kept", orb.Point{-1.5, -0.25}, `{"type":"Point","coordinates":[-1.5,-0.25]}`},
		{"cw exterior reversed", orb.Polygon{cw}, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`},
		{"ccw exterior kept", orb.Polygon{ccw}, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]]]}`},
		{"ccw hole reversed", orb.Polygon{ccw, holeCCW}, `{"type":"Polygon","coordinates":[[[0,0],[1,0],[1,1],[0,1],[0,0]],[[0.2,0.2],[0.2,0.8],[0.8,0.8],[0.8,0.2],[0.2,0.2]]]}`},
		{"multipolygon", orb.MultiPolygon{{cw}}, `{"type":"MultiPolygon","coordinates":[[[[0,0],[1,0],[1,1],[0,1],[0,0]]]]}`},
		{"linestring", orb.LineString{{1, 2}, {3, 4}}, `{"type":"LineString","coordinates":[[1,2],[3,4]]}`},
		{"multilinestring", orb.MultiLineString{{{1, 2}, {3, 4}}}, `{"type":"MultiLineString","coordinates":[[[1,2],[3,4]]]}`},
		{"multipoint", orb.MultiPoint{{1, 2}}, `{"type":"MultiPoint","coordinates":[[1,2]]}`},
		{"collection keeps every member", orb.Collection{orb.Point{1, 2}, orb.Point{3, 4}}, `{"type":"GeometryCollection","geometries":[{"type":"Point","coordinates":[1,2]},{"type":"Point","coordinates":[3,4]}]}`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := appendGeometry(nil, tc.g)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tc.want {
				t.Errorf("got  %s\nwant %s", got, tc.want)
			}
			if !json.Valid(got) {
				t.Errorf("not valid JSON: %s", got)
			}
		})
	}
	t.Run("input not modified", func(t *testing.T) {
		p := orb.Polygon{cw.Clone()}
		if _, err := appendGeometry(nil, p); err != nil {
			t.Fatal(err)
		}
		if !p[0].Equal(cw) {
			t.Errorf("polygon modified: %v", p)
		}
	})
}

func TestAppendFeatureDropsNil(t *testing.T) {
	b, err := appendFeature(nil, geo.Feature{ID: "a&b", Properties: geo.Properties{"x": nil, "y": 1.5, "s": "<甲>"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"type":"Feature","id":"a&b","geometry":null,"properties":{"s":"<甲>","y":1.5}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
}

func TestCSVCell(t *testing.T) {
	str := geo.Field{Type: geo.TypeString}
	num := geo.Field{Type: geo.TypeNumber}
	integer := geo.Field{Type: geo.TypeInteger}
	boolean := geo.Field{Type: geo.TypeBoolean}
	list := geo.Field{Type: geo.TypeArray, Items: geo.TypeString}
	cases := []struct {
		f    geo.Field
		v    any
		want string
	}{
		{str, nil, ""}, {str, "甲", "甲"}, {num, 1.25, "1.25"}, {num, nil, ""}, {integer, 2023, "2023"}, {boolean, true, "true"},
		{boolean, false, "false"}, {list, []string{"a", "b"}, "|a|b|"}, {list, []string{}, ""}, {list, nil, ""},
		{num, 1e21, "1000000000000000000000"},
		// A value of another type than the table says is no value.
		{num, "1", ""}, {str, 1.5, ""},
		// Issue 13 case 5 (OWASP CSV injection): text starting with = + - @
		// tab or CR gets a leading quote; numbers stay numbers; a list
		// starts with "|" and is inert.
		{str, `=HYPERLINK("http://x","y")`, `'=HYPERLINK("http://x","y")`}, {str, "+86 371", "'+86 371"}, {str, "-甲", "'-甲"},
		{str, "@SUM(A1)", "'@SUM(A1)"}, {str, "\tx", "'\tx"}, {str, "\rx", "'\rx"}, {str, "a=b", "a=b"}, {str, "'quoted", "'quoted"},
		{num, -3.5, "-3.5"}, {integer, -7, "-7"}, {list, []string{"=a", "b"}, "|=a|b|"},
	}
	for _, tc := range cases {
		if got := csvText(typedValue(tc.f, tc.v)); got != tc.want {
			t.Errorf("csvText(typedValue(%s, %#v)) = %q; want %q", tc.f.Type, tc.v, got, tc.want)
		}
	}
}
