package static

import (
	"math"
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

func TestParseRequest(t *testing.T) {
	tests := []struct {
		name  string
		query string
		check func(t *testing.T, o Options, f geo.Filter)
	}{
		{"defaults", "", func(t *testing.T, o Options, f geo.Filter) {
			if o.Width != 800 || o.Height != 600 || o.Scale != 1 || !o.Legend || o.Plain || o.Lang != LangZH || o.Color != ColorTier {
				t.Errorf("got %+v, want the defaults", o)
			}
			if !slices.Equal(o.Layers, DefaultLayers) {
				t.Errorf("layers = %v, want %v", o.Layers, DefaultLayers)
			}
		}},
		{"bbox is the view, not a zone filter", "bbox=113,34,114.5,35&year=2023&min_revenue=1000", func(t *testing.T, o Options, f geo.Filter) {
			if o.BBox == nil || o.BBox.Min != (orb.Point{113, 34}) {
				t.Errorf("view bbox = %v", o.BBox)
			}
			if f.BBox != nil {
				t.Errorf("filter bbox = %v, want nil", f.BBox)
			}
			if f.Year != 2023 || f.MinRevenue == nil || *f.MinRevenue != 1000 {
				t.Errorf("filter = %+v", f)
			}
		}},
		{"center and zoom", "center=113.7,34.75&zoom=9.5&width=1024&height=768&scale=2", func(t *testing.T, o Options, f geo.Filter) {
			if o.Center == nil || *o.Center != (orb.Point{113.7, 34.75}) || o.Zoom != 9.5 || o.Width != 1024 || o.Height != 768 || o.Scale != 2 {
				t.Errorf("got %+v", o)
			}
		}},
		{"layers reordered to drawing order", "layers=zones,regions,cities", func(t *testing.T, o Options, f geo.Filter) {
			if want := []string{"cities", "regions", "zones"}; !slices.Equal(o.Layers, want) {
				t.Errorf("layers = %v, want %v", o.Layers, want)
			}
		}},
		{"the web map's layer names", "layers=boundaries,counties,zones,labels&overlay=centre,belt_yellow_river&dist=equipment", func(t *testing.T, o Options, f geo.Filter) {
			if want := []string{"province", "cities", "counties", "zones", "labels"}; !slices.Equal(o.Layers, want) {
				t.Errorf("layers = %v, want %v", o.Layers, want)
			}
			if !slices.Equal(o.Overlay, []string{"centre", "belt_yellow_river"}) || o.Dist != "equipment" {
				t.Errorf("overlay %v dist %q", o.Overlay, o.Dist)
			}
		}},
		{"print width", "width=1600&width_mm=160", func(t *testing.T, o Options, f geo.Filter) {
			if o.WidthMM != 160 || o.PrintWidthMM() != 160 || math.Abs(o.PrintDPI()-254) > 1e-9 {
				t.Errorf("width_mm %v print %v mm at %v dpi, want 160 mm at 254 dpi", o.WidthMM, o.PrintWidthMM(), o.PrintDPI())
			}
			if got := o.Encode().Get("width_mm"); got != "160" {
				t.Errorf("Encode width_mm = %q", got)
			}
		}},
		{"print width by default: natural at 96 dpi, at most 180 mm", "width=600", func(t *testing.T, o Options, f geo.Filter) {
			if o.WidthMM != 0 || math.Abs(o.PrintWidthMM()-158.75) > 1e-9 {
				t.Errorf("600 px prints at %v mm, want 158.75", o.PrintWidthMM())
			}
			o.Width = 1600
			if o.PrintWidthMM() != DefaultPrintWidthMM {
				t.Errorf("1600 px prints at %v mm, want %v", o.PrintWidthMM(), DefaultPrintWidthMM)
			}
		}},
		{"no layers", "layers=none", func(t *testing.T, o Options, f geo.Filter) {
			if len(o.Layers) != 0 {
				t.Errorf("layers = %v, want none", o.Layers)
			}
		}},
		{"furniture switches", "legend=0&plain=1&lang=en&color=cluster&title=%E9%83%91%E5%B7%9E", func(t *testing.T, o Options, f geo.Filter) {
			if o.Legend || !o.Plain || o.Lang != LangEN || o.Color != ColorCluster || o.Title != "郑州" {
				t.Errorf("got %+v", o)
			}
		}},
		{"filter lists", "cluster=a,b&city=410100&tier=t1000,no_data", func(t *testing.T, o Options, f geo.Filter) {
			if !slices.Equal(f.Cluster, []string{"a", "b"}) || !slices.Equal(f.City, []string{"410100"}) || len(f.Tier) != 2 {
				t.Errorf("filter = %+v", f)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			o, f, err := ParseRequest(q)
			if err != nil {
				t.Fatalf("ParseRequest(%q): %v", tt.query, err)
			}
			tt.check(t, o, f)
		})
	}
}

func TestParseRequestErrors(t *testing.T) {
	tests := []struct {
		query string
		field string
	}{
		{"width=10", "width"},
		{"width=5000", "width"},
		{"width=abc", "width"},
		{"height=4097", "height"},
		{"scale=0", "scale"},
		{"scale=5", "scale"},
		{"scale=1.5", "scale"},
		{"width=4096&height=4096&scale=2", "scale"},
		{"bbox=113,34,113,35", "bbox"},
		{"bbox=1,2,3", "bbox"},
		{"bbox=113,34,113.000001,34.000001", "bbox"},
		{"center=113,34", "zoom"},
		{"zoom=5", "zoom"},
		{"center=113,34&zoom=30", "zoom"},
		{"center=200,34&zoom=5", "center"},
		{"center=113&zoom=5", "center"},
		{"center=113,34&zoom=5&bbox=110,31,117,37", "center"},
		{"layers=roads", "layers"},
		{"overlay=a%20b", "overlay"},
		{"dist=a,b", "dist"},
		{"lang=fr", "lang"},
		{"legend=yes", "legend"},
		{"plain=2", "plain"},
		{"color=rainbow", "color"},
		{"title=" + strings.Repeat("长", MaxTitleRunes+1), "title"},
		{"title=a%0Ab", "title"},
		{"year=1800", "year"},
		{"min_revenue=-1", "min_revenue"},
		{"cluster=a%3Bb", "cluster"},
		{"limit=5", "limit"},
		{"widht=800", "widht"},
		{"width=800&width=900", "width"},
		{"width_mm=0", "width_mm"},
		{"width_mm=-180", "width_mm"},
		{"width_mm=NaN", "width_mm"},
		{"width_mm=abc", "width_mm"},
		{"width=4096&width_mm=100", "width_mm"}, // 1040 px per inch
		{"width=64&width_mm=180", "width_mm"},   // 9 px per inch
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			q, err := url.ParseQuery(tt.query)
			if err != nil {
				t.Fatal(err)
			}
			_, _, err = ParseRequest(q)
			fes, ok := geo.AsFieldErrors(err)
			if !ok {
				t.Fatalf("ParseRequest(%q) = %v, want field errors", tt.query, err)
			}
			if !slices.ContainsFunc(fes, func(fe *geo.FieldError) bool { return fe.Field == tt.field }) {
				t.Errorf("ParseRequest(%q) = %v, want an error naming %q", tt.query, fes, tt.field)
			}
		})
	}
}

func TestOptionsEncodeRoundTrip(t *testing.T) {
	for _, query := range []string{
		"", "bbox=113,34,114.5,35&width=1000&scale=2", "center=113.7,34.75&zoom=9.5&lang=en&legend=0",
		"layers=cities,zones&plain=1&color=cluster&title=T", "layers=none&overlay=b,a&dist=x",
	} {
		q, _ := url.ParseQuery(query)
		o, _, err := ParseRequest(q)
		if err != nil {
			t.Fatalf("%q: %v", query, err)
		}
		o2, _, err := ParseRequest(o.Encode())
		if err != nil {
			t.Fatalf("%q re-parsed: %v", o.Encode().Encode(), err)
		}
		if o.Encode().Encode() != o2.Encode().Encode() {
			t.Errorf("round trip of %q: %q then %q", query, o.Encode().Encode(), o2.Encode().Encode())
		}
	}
}

func FuzzParseRequest(f *testing.F) {
	for _, s := range []string{"", "bbox=113,34,114,35", "center=113,34&zoom=9", "width=4096&height=4096&scale=4",
		"layers=cities,,zones", "title=%E9%83%91", "zoom=NaN&center=1,1", "bbox=-180,-90,180,90"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		o, _, err := ParseRequest(q)
		if err != nil {
			if _, ok := geo.AsFieldErrors(err); !ok {
				t.Fatalf("ParseRequest(%q) error %v is not field errors", query, err)
			}
			return
		}
		if o.Width < MinSide || o.Width > MaxSide || o.Height < MinSide || o.Height > MaxSide || o.Scale < 1 || o.Scale > MaxScale ||
			o.Width*o.Scale*o.Height*o.Scale > MaxPixels {
			t.Fatalf("ParseRequest(%q) accepted size %dx%d@%d", query, o.Width, o.Height, o.Scale)
		}
		v := NewView(o)
		if math.IsNaN(v.Zoom) || v.Zoom > MaxViewZoom {
			t.Fatalf("ParseRequest(%q) accepted zoom %v", query, v.Zoom)
		}
	})
}
