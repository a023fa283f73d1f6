package static

import (
	"math"
	"testing"

	"github.com/paulmach/orb"
)

func TestViewCenterZoom(t *testing.T) {
	// At zoom z the world is 512·2^z px wide, as in MapLibre: moving one
	// degree of longitude at zoom 3 moves 4096/360 px.
	o := DefaultOptions()
	o.Center, o.Zoom = &orb.Point{113.7, 34.75}, 3
	v := NewView(o)
	x, y := v.Pixel(orb.Point{113.7, 34.75})
	if math.Abs(x-400) > 1e-6 || math.Abs(y-300) > 1e-6 {
		t.Errorf("centre at (%v, %v), want (400, 300)", x, y)
	}
	x2, _ := v.Pixel(orb.Point{114.7, 34.75})
	if want := 4096.0 / 360; math.Abs(x2-x-want) > 1e-6 {
		t.Errorf("one degree = %v px, want %v", x2-x, want)
	}
	_, yn := v.Pixel(orb.Point{113.7, 35.75})
	if yn >= y {
		t.Errorf("north is at y %v, not above the centre %v", yn, y)
	}
}

func TestViewFitsBBox(t *testing.T) {
	o := DefaultOptions()
	b := orb.Bound{Min: orb.Point{113, 34}, Max: orb.Point{114.5, 35}}
	o.BBox = &b
	v := NewView(o)
	x0, y1 := v.Pixel(b.Min)
	x1, y0 := v.Pixel(b.Max)
	const eps = 1e-6
	if x0 < -eps || y0 < -eps || x1 > 800+eps || y1 > 600+eps {
		t.Errorf("bbox at (%v,%v)-(%v,%v), not inside 800×600", x0, y0, x1, y1)
	}
	// One axis fills the image exactly.
	if math.Abs(x1-x0-800) > 1e-6 && math.Abs(y1-y0-600) > 1e-6 {
		t.Errorf("bbox spans %v×%v px, fills neither axis", x1-x0, y1-y0)
	}
	vb := v.Bound().Pad(1e-9)
	if !vb.Contains(b.Min) || !vb.Contains(b.Max) {
		t.Errorf("view bound %v does not contain %v", vb, b)
	}
}

func TestNiceLength(t *testing.T) {
	tests := []struct{ mpp, max, want float64 }{
		{1000, 120, 100000},
		{10, 120, 1000},
		{30, 120, 2000},
		{0, 120, 0},
	}
	for _, tt := range tests {
		got, px := niceLength(tt.mpp, tt.max)
		if got != tt.want || px > tt.max {
			t.Errorf("niceLength(%v, %v) = %v m, %v px; want %v m within %v px", tt.mpp, tt.max, got, px, tt.want, tt.max)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s    string
		maxW float64
		want []string
	}{
		{"河南省开发区", 40, []string{"河南省开", "发区"}},
		{"zone outlines approximate", 80, []string{"zone outlines", "approximate"}},
		{"short", 500, []string{"short"}},
	}
	for _, tt := range tests {
		got := wrap(tt.s, 10, tt.maxW)
		if len(got) != len(tt.want) {
			t.Errorf("wrap(%q, %v) = %q, want %q", tt.s, tt.maxW, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("wrap(%q, %v) = %q, want %q", tt.s, tt.maxW, got, tt.want)
			}
			if w := textWidth(got[i], 10); w > tt.maxW {
				t.Errorf("line %q is %v px, over %v", got[i], w, tt.maxW)
			}
		}
	}
}

func TestClipRing(t *testing.T) {
	sq := []pt{{-10, -10}, {10, -10}, {10, 10}, {-10, 10}}
	got := clipRing(sq, box{0, 0, 100, 100})
	b, _ := ringsBox([][]pt{got})
	if b != (box{0, 0, 10, 10}) {
		t.Errorf("clipped square spans %v, want 0,0–10,10", b)
	}
	if clipRing(sq, box{20, 20, 30, 30}) != nil {
		t.Error("a ring outside the box survived clipping")
	}
}

func TestDashLine(t *testing.T) {
	pieces := dashLine([]pt{{0, 0}, {10, 0}}, []float64{3, 2})
	// 0–3, 5–8, and the last on-piece 10–10 is empty.
	if len(pieces) != 2 || pieces[0][1].X != 3 || pieces[1][0].X != 5 || pieces[1][1].X != 8 {
		t.Errorf("dashLine = %v, want [0,3] [5,8]", pieces)
	}
}
