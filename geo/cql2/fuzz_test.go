package cql2

import (
	"strings"
	"testing"
)

// FuzzParseText: the parser never panics, every error is an *Error with a
// column inside the input, and what parses writes back to text that parses
// to the same tree.
func FuzzParseText(f *testing.F) {
	for _, s := range []string{
		"revenue_yi > 100", "tier = 't5000' AND NOT (name <> 'x' OR county_code IS NULL)",
		"S_INTERSECTS(geometry, BBOX(113,34,114,35))", "S_INTERSECTS(geometry, MULTIPOLYGON(((1 2,3 4,5 6,1 2))))",
		"\"a\"\"b\" = TRUE", "x = -1e300", "d = DATE('2020-01-01')", "((a = 1))", "a = 'unterminated",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseText(s)
		if err != nil {
			ce, ok := err.(*Error)
			if !ok || !strings.HasPrefix(ce.Pos, "column ") || ce.Reason == "" {
				t.Fatalf("ParseText(%q): %#v", s, err)
			}
			return
		}
		text := e.String()
		again, err := ParseText(text)
		if err != nil || again.String() != text {
			t.Fatalf("ParseText(%q) wrote %q, which parses to %v, %v", s, text, again, err)
		}
	})
}

// FuzzParseJSON: never panics; errors carry a JSON path.
func FuzzParseJSON(f *testing.F) {
	for _, s := range []string{
		`{"op":">","args":[{"property":"revenue_yi"},100]}`,
		`{"op":"s_intersects","args":[{"property":"geometry"},{"type":"Polygon","coordinates":[[[1,2],[3,4],[5,6],[1,2]]]}]}`,
		`{"op":"not","args":[{"op":"isNull","args":[{"property":"a"}]}]}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseJSON(s)
		if err != nil {
			if ce, ok := err.(*Error); !ok || !strings.HasPrefix(ce.Pos, "$") {
				t.Fatalf("ParseJSON(%q): %#v", s, err)
			}
			return
		}
		if _, err := ParseText(e.String()); err != nil {
			t.Fatalf("ParseJSON(%q) = %s, which cql2-text rejects: %v", s, e, err)
		}
	})
}

// FuzzParseTextIn: with a latitude-first filter CRS the parser never
// panics, errors are *Error with a column, and what parses is CRS84 that
// parses again (without a conversion) to the same text.
func FuzzParseTextIn(f *testing.F) {
	for _, s := range []string{
		"S_INTERSECTS(geometry, BBOX(34,113,35,114))", "S_INTERSECTS(geometry, POINT(34.7 113.6))",
		"S_INTERSECTS(geometry, BBOX(113,34,114,35))", "S_INTERSECTS(geometry, POLYGON((34 113,34 114,35 114,34 113))) AND a = 1",
	} {
		f.Add(s)
	}
	latFirst := func(x, y float64) (float64, float64) { return y, x }
	f.Fuzz(func(t *testing.T, s string) {
		e, err := ParseTextIn(s, latFirst)
		if err != nil {
			ce, ok := err.(*Error)
			if !ok || !strings.HasPrefix(ce.Pos, "column ") || ce.Reason == "" {
				t.Fatalf("ParseTextIn(%q): %#v", s, err)
			}
			return
		}
		text := e.String()
		again, err := ParseText(text)
		if err != nil || again.String() != text {
			t.Fatalf("ParseTextIn(%q) wrote %q, which parses to %v, %v", s, text, again, err)
		}
	})
}
