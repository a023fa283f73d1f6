package cql2

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseText(t *testing.T) {
	tests := []struct {
		in, want string // want: the expression written back, or "error: <pos>"
	}{
		{"revenue_yi > 100", `"revenue_yi" > 100`},
		{"100 < revenue_yi", `"revenue_yi" > 100`},
		{"name = 'a''b'", `"name" = 'a''b'`},
		{`"name" <> '郑州'`, `"name" <> '郑州'`},
		{"tier = 't5000' AND revenue_year >= 2022", `("tier" = 't5000') AND ("revenue_year" >= 2022)`},
		{"a = 1 or b = 2 and c = 3", `("a" = 1) OR (("b" = 2) AND ("c" = 3))`},
		{"not (a = 1 OR b IS NULL)", `NOT (("a" = 1) OR ("b" IS NULL))`},
		{"derived = true", `"derived" = TRUE`},
		{"TRUE", `TRUE`},
		{"false OR a = 1", `(FALSE) OR ("a" = 1)`},
		{"county_code IS NOT NULL", `"county_code" IS NOT NULL`},
		{"S_INTERSECTS(geometry, BBOX(113, 34, 114, 35))", `S_INTERSECTS("geometry",BBOX(113,34,114,35))`},
		{"s_intersects(geometry, POINT(113.6 34.7))", `S_INTERSECTS("geometry",POINT(113.6 34.7))`},
		{"S_INTERSECTS(POLYGON((113 34, 114 34, 114 35, 113 34)), geometry)", `S_INTERSECTS("geometry",POLYGON((113 34,114 34,114 35,113 34)))`},
		{"x = -1.5e2", `"x" = -150`},
		{"d > TIMESTAMP('2020-01-01T00:00:00Z')", `"d" > TIMESTAMP('2020-01-01T00:00:00Z')`},
		{"revenue_yi >", "error: column 13"},
		{"revenue_yi > 100 AND", "error: column 21"},
		{"name = name_en", "error: column 8"},
		{"1 = 2", "error: column 1"},
		{"and = 1", "error: column 1"},
		{"name LIKE 'x%'", `"name" LIKE 'x%'`},
		{"name not like '%开发区'", `"name" NOT LIKE '%开发区'`},
		{"name ILIKE 'a%'", `"name" ILIKE 'a%'`}, // the draft's; geo accepts it under cql-text only
		{"revenue_yi BETWEEN 100 AND 500 AND tier = 't100'", `("revenue_yi" BETWEEN 100 AND 500) AND ("tier" = 't100')`},
		{"revenue_yi NOT BETWEEN 100 AND 500", `"revenue_yi" NOT BETWEEN 100 AND 500`},
		{"tier IN ('t5000', 't1000')", `"tier" IN ('t5000', 't1000')`},
		{"revenue_year not in (2022,2023)", `"revenue_year" NOT IN (2022, 2023)`},
		{"name LIKE 'x\\'", "error: column 11"},
		{"name LIKE name_en", "error: column 11"},
		{"'x' LIKE name", "error: column 1"},
		{"tier IN ()", "error: column 10"},
		{"revenue_yi BETWEEN 1", "error: column 21"},
		{"S_INTERSECTS(geometry, BBOX(1,2,3))", "error: column 24"},
		{"S_INTERSECTS(geometry, POLYGON((1 2, 3 4)))", "error: column 24"},
		{"S_INTERSECTS(geometry, POINT(200 10))", "error: column 24"},
		{"d > TIMESTAMP('yesterday')", "error: column 5"},
		{"", "error: column 1"},
		{strings.Repeat("(", 40) + "a = 1" + strings.Repeat(")", 40), "error: column 1"},
	}
	for _, tt := range tests {
		e, err := ParseText(tt.in)
		got := ""
		if err != nil {
			ce, ok := err.(*Error)
			if !ok {
				t.Errorf("ParseText(%q): %v is not an *Error", tt.in, err)
				continue
			}
			got = "error: " + ce.Pos
		} else {
			got = e.String()
			// The written-back form parses to the same tree.
			again, err := ParseText(got)
			if err != nil || again.String() != got {
				t.Errorf("ParseText(%q) round trip: %v, %v", got, again, err)
			}
		}
		if got != tt.want {
			t.Errorf("ParseText(%q) = %s, want %s (err %v)", tt.in, got, tt.want, err)
		}
	}
}

func TestParseJSON(t *testing.T) {
	tests := []struct{ in, want string }{
		{`{"op":">","args":[{"property":"revenue_yi"},100]}`, `"revenue_yi" > 100`},
		{`{"op":"and","args":[{"op":"=","args":[{"property":"tier"},"t5000"]},{"op":"isNull","args":[{"property":"measure"}]}]}`, `("tier" = 't5000') AND ("measure" IS NULL)`},
		{`{"op":"not","args":[{"op":"<=","args":[100,{"property":"revenue_yi"}]}]}`, `NOT ("revenue_yi" >= 100)`},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[113,34,114,35]}]}`, `S_INTERSECTS("geometry",BBOX(113,34,114,35))`},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Point","coordinates":[113.6,34.7]}]}`, `S_INTERSECTS("geometry",POINT(113.6 34.7))`},
		{`{"op":"like","args":[{"property":"name"},"x%"]}`, `"name" LIKE 'x%'`},
		{`{"op":"not","args":[{"op":"between","args":[{"property":"revenue_yi"},100,500]}]}`, `NOT ("revenue_yi" BETWEEN 100 AND 500)`},
		{`{"op":"in","args":[{"property":"tier"},["t5000","t1000"]]}`, `"tier" IN ('t5000', 't1000')`},
		{`{"op":"in","args":[{"property":"tier"},[]]}`, "error: $.args[1]"},
		{`{"op":"like","args":[{"property":"name"},5]}`, "error: $.args[1]"},
		{`{"op":"between","args":[{"property":"x"},1]}`, "error: $"},
		{`{"op":"casei","args":[{"property":"name"}]}`, "error: $.op"},
		{`{"op":"and","args":[{"op":"=","args":[{"property":"a"},1]},{"op":"=","args":[{"property":"a"}]}]}`, "error: $.args[1]"},
		{`{"op":"=","args":[{"property":"a"},{"property":"b"}]}`, "error: $.args[1]"},
		{`{"op":"=","args":[{"property":"a"},[1]]}`, "error: $.args[1]"},
		{`[1]`, "error: $"},
		{`{"op":"s_intersects","args":[{"property":"geometry"},{"bbox":[1,2,"x",4]}]}`, "error: $.args[1].bbox[2]"},
	}
	for _, tt := range tests {
		e, err := ParseJSON(tt.in)
		got := ""
		if err != nil {
			got = "error: " + err.(*Error).Pos
		} else {
			got = e.String()
		}
		if got != tt.want {
			t.Errorf("ParseJSON(%s) = %s, want %s (err %v)", tt.in, got, tt.want, err)
		}
	}
}

func TestCheckAndMatch(t *testing.T) {
	kinds := map[string]Kind{"revenue_yi": KindNumber, "revenue_year": KindNumber, "name": KindString, "derived": KindBool}
	typeOf := func(p string) (Kind, bool) { k, ok := kinds[p]; return k, ok }
	sq := orb.MultiPolygon{{{{113, 34}, {114, 34}, {114, 35}, {113, 35}, {113, 34}}}}
	with := Feature{Properties: map[string]any{"revenue_yi": 1200.5, "revenue_year": 2023, "name": "郑州", "derived": false}, Geometry: sq, Bound: sq.Bound()}
	without := Feature{Properties: map[string]any{"name": "洛阳"}, Geometry: sq, Bound: sq.Bound()}
	with.Properties["name_en"], without.Properties["name_en"] = "Zhengzhou ÄB", "Luoyang"
	kinds["name_en"] = KindString
	tests := []struct {
		expr          string
		with, without bool
	}{
		{"revenue_yi > 1000", true, false},
		{"NOT (revenue_yi > 1000)", false, false}, // unknown stays unknown
		{"revenue_yi > 1000 OR name = '洛阳'", true, true},
		{"NOT (revenue_yi <= 1000) AND name >= '郑'", true, false},
		{"revenue_yi IS NULL", false, true},
		{"revenue_year = 2023", true, false},
		{"derived = false", true, false},
		{"name < '洛'", false, false},
		{"S_INTERSECTS(geometry, BBOX(113.5,34.5,113.6,34.6))", true, true},
		{"S_INTERSECTS(geometry, BBOX(170,34.5,113.6,34.6))", true, true},
		{"S_INTERSECTS(geometry, POINT(115 35))", false, false},
		{"S_INTERSECTS(geometry, POINT(114 35))", true, true},
		{"name LIKE '郑%'", true, false},
		{"name LIKE '_州'", true, false},
		{"name LIKE '%阳'", false, true},
		{"name NOT LIKE '%阳'", true, false},
		{"name LIKE '郑'", false, false},
		{"name LIKE '%'", true, true},
		{"name LIKE '郑\\%'", false, false}, // \% is a literal %
		{"revenue_yi BETWEEN 1200.5 AND 2000", true, false},
		{"revenue_yi NOT BETWEEN 0 AND 1000", true, false}, // absent: unknown
		{"revenue_year IN (2022, 2023)", true, false},
		{"name NOT IN ('洛阳', '开封')", true, false},
		{"name IN ('洛阳') OR revenue_year IN (1999)", false, true},
		// ILIKE (draft cql-text): ASCII letters in either case, others as written.
		{"name_en ILIKE 'zhengZHOU%'", true, false},
		{"name_en LIKE 'zhengzhou%'", false, false},
		{"name_en ILIKE '%äb'", false, false}, // Ä is not ASCII: not folded
		{"name_en ILIKE '%Äb'", true, false},
		{"name_en NOT ILIKE 'LUO%'", true, false},
		{"name ILIKE '郑%'", true, false},
	}
	for _, tt := range tests {
		e, err := ParseText(tt.expr)
		if err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if err := Check(e, typeOf); err != nil {
			t.Fatalf("%s: %v", tt.expr, err)
		}
		if got := Match(e, with); got != tt.with {
			t.Errorf("%s on the zone with revenue: %v", tt.expr, got)
		}
		if got := Match(e, without); got != tt.without {
			t.Errorf("%s on the zone without: %v", tt.expr, got)
		}
	}
	for expr, pos := range map[string]string{
		"colour = 'red'":                 "column 1",
		"revenue_yi = '100'":             "column 1",
		"x = 1 AND name = 3":             "column 1",
		"derived > true":                 "column 1",
		"S_INTERSECTS(geom, POINT(1 2))": "column 1",
		"revenue_yi LIKE '1%'":           "column 1",
		"name BETWEEN 'a' AND 'b'":       "column 1",
		"name IN ('a', 1)":               "column 1",
		"colour IN ('red')":              "column 1",
	} {
		e, err := ParseText(expr)
		if err != nil {
			t.Fatalf("%s: %v", expr, err)
		}
		err = Check(e, typeOf)
		if ce, ok := err.(*Error); !ok || ce.Pos != pos {
			t.Errorf("Check(%s) = %v, want an error at %s", expr, err, pos)
		}
	}
}

func TestLikeMatch(t *testing.T) {
	for _, tt := range []struct {
		s, p string
		want bool
	}{
		{"abc", "abc", true}, {"abc", "a%", true}, {"abc", "%c", true}, {"abc", "%b%", true}, {"abc", "a_c", true},
		{"abc", "a_", false}, {"abc", "", false}, {"", "", true}, {"", "%", true}, {"a%c", "a\\%c", true}, {"abc", "a\\%c", false},
		{"a_c", "a\\_c", true}, {"abc", "a\\_c", false}, {"a\\c", "a\\\\c", true}, {"郑州市", "郑_市", true}, {"郑州市", "%州%", true},
		{"aaab", "%a%b", true}, {"ab", "%a%a%", false}, {"Abc", "abc", false},
	} {
		if got := likeMatch(tt.s, tt.p); got != tt.want {
			t.Errorf("likeMatch(%q, %q) = %v", tt.s, tt.p, got)
		}
	}
}

// TestFilterCRSEdges: a slanted edge of a Web Mercator literal is a
// straight line in Web Mercator, not in CRS84. A point just inside the
// Mercator triangle, on the side where the two lines part, is inside.
func TestFilterCRSEdges(t *testing.T) {
	const r = 6378137.0
	merc := func(lon, lat float64) (float64, float64) {
		return r * lon * math.Pi / 180, r * math.Log(math.Tan(math.Pi/4+lat*math.Pi/360))
	}
	inv := func(x, y float64) (float64, float64) {
		return x / r * 180 / math.Pi, (2*math.Atan(math.Exp(y/r)) - math.Pi/2) * 180 / math.Pi
	}
	// Triangle (113,30) (114,40) (114,30): the slanted edge spans 10° of
	// latitude; the inside is east of it.
	ax, ay := merc(113, 30)
	bx, by := merc(114, 40)
	cx, cy := merc(114, 30)
	// The Mercator midpoint of the slanted edge, moved 200 m towards the inside (east).
	px, py := (ax+bx)/2+200, (ay+by)/2
	lon, lat := inv(px, py)
	// Where CRS84's straight edge passes at that latitude: the point is
	// west of it, outside, so only a Mercator edge keeps it in.
	if edge := 113 + (lat-30)/10; lon > edge {
		t.Fatalf("test geometry: the point (%v, %v) is inside the CRS84 triangle too (edge at %v)", lon, lat, edge)
	}
	wkt := fmt.Sprintf("S_INTERSECTS(geometry, POLYGON((%f %f, %f %f, %f %f, %f %f)))", ax, ay, bx, by, cx, cy, ax, ay)
	e, err := ParseTextIn(wkt, inv)
	if err != nil {
		t.Fatal(err)
	}
	pt := orb.Point{lon, lat}
	if !Match(e, Feature{Geometry: pt, Bound: pt.Bound()}) {
		t.Errorf("the point inside the Web Mercator triangle (%v, %v) does not intersect it", lon, lat)
	}
}
