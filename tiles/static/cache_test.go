package static

import (
	"net/url"
	"testing"

	"layoutmap/geo"
)

func TestKey(t *testing.T) {
	parse := func(s string) (Options, geo.Filter) {
		q, _ := url.ParseQuery(s)
		o, f, err := ParseRequest(q)
		if err != nil {
			t.Fatalf("%q: %v", s, err)
		}
		return o, f
	}
	o1, f1 := parse("year=2023&cluster=b,a&width=800&legend=1")
	o2, f2 := parse("cluster=a,b&year=2023")
	base := Key(FormatPNG, 1, o1, f1, "")
	if got := Key(FormatPNG, 1, o2, f2, ""); got != base {
		t.Errorf("equivalent requests: keys %s and %s", base, got)
	}
	o3, f3 := parse("cluster=a&year=2023")
	for name, k := range map[string]string{
		"format":      Key(FormatSVG, 1, o1, f1, ""),
		"version":     Key(FormatPNG, 2, o1, f1, ""),
		"filter":      Key(FormatPNG, 1, o3, f3, ""),
		"attribution": Key(FormatPNG, 1, o1, f1, "other source"),
	} {
		if k == base {
			t.Errorf("a different %s gives the same key %s", name, k)
		}
	}
}
