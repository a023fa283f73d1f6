package geo

import (
	"math"
	"testing"
)

// chinaGrid is a grid of points over China's mainland box plus Henan.
func chinaGrid() [][2]float64 {
	var pts [][2]float64
	for lon := 74.0; lon <= 134.0; lon += 2.5 {
		for lat := 18.0; lat <= 53.0; lat += 2.5 {
			pts = append(pts, [2]float64{lon, lat})
		}
	}
	for lon := 110.3; lon <= 116.7; lon += 0.37 {
		for lat := 31.3; lat <= 36.4; lat += 0.29 {
			pts = append(pts, [2]float64{lon, lat})
		}
	}
	return pts
}

func TestGCJ02RoundTrip(t *testing.T) {
	worst := 0.0
	for _, p := range chinaGrid() {
		glon, glat := WGS84ToGCJ02(p[0], p[1])
		wlon, wlat := GCJ02ToWGS84(glon, glat)
		d := DistanceMeters(p[0], p[1], wlon, wlat)
		worst = math.Max(worst, d)
		if d >= 1 {
			t.Errorf("round trip at %v: %.3f m", p, d)
		}
		// The offset itself is hundreds of metres: the inverse must not be
		// the identity.
		if DistanceMeters(p[0], p[1], glon, glat) < 10 {
			t.Errorf("GCJ offset at %v is under 10 m", p)
		}
	}
	if worst > 0.01 {
		t.Errorf("worst round-trip error %.4f m, want < 1 cm", worst)
	}
}

func TestGCJ02KnownOffsets(t *testing.T) {
	// Zhengzhou: the offset is about +0.0061° lon and −0.0011° lat (the
	// value the boundary analysis in the project notes measured against).
	tests := []struct {
		name            string
		lon, lat        float64
		dlon, dlat, tol float64
	}{
		{"Zhengzhou", 113.65, 34.75, 0.0061, -0.0011, 0.0004},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			g0, g1 := WGS84ToGCJ02(tt.lon, tt.lat)
			if math.Abs(g0-tt.lon-tt.dlon) > tt.tol || math.Abs(g1-tt.lat-tt.dlat) > tt.tol {
				t.Errorf("offset = (%.5f, %.5f), want about (%.4f, %.4f)", g0-tt.lon, g1-tt.lat, tt.dlon, tt.dlat)
			}
		})
	}
}

func TestOutOfChinaUnchanged(t *testing.T) {
	tests := [][2]float64{{2.35, 48.85}, {-74, 40.7}, {139.7, 35.7}, {151.2, -33.9}, {0, 0}, {71.9, 30}, {100, 56}}
	for _, p := range tests {
		for name, f := range map[string]func(float64, float64) (float64, float64){
			"WGS84ToGCJ02": WGS84ToGCJ02, "GCJ02ToWGS84": GCJ02ToWGS84, "GCJ02ToBD09": GCJ02ToBD09,
			"BD09ToGCJ02": BD09ToGCJ02, "BD09ToWGS84": BD09ToWGS84, "WGS84ToBD09": WGS84ToBD09,
		} {
			if lon, lat := f(p[0], p[1]); lon != p[0] || lat != p[1] {
				t.Errorf("%s(%v) = (%v, %v), want unchanged", name, p, lon, lat)
			}
		}
	}
}

func TestBD09RoundTrip(t *testing.T) {
	for _, p := range chinaGrid() {
		blon, blat := WGS84ToBD09(p[0], p[1])
		if d := DistanceMeters(p[0], p[1], blon, blat); d < 100 {
			t.Errorf("BD-09 offset at %v is only %.1f m", p, d)
		}
		wlon, wlat := BD09ToWGS84(blon, blat)
		if d := DistanceMeters(p[0], p[1], wlon, wlat); d >= 1 {
			t.Errorf("BD-09 round trip at %v: %.3f m", p, d)
		}
	}
}

func TestDistanceMeters(t *testing.T) {
	// One degree of latitude is about 111.2 km on the mean sphere.
	if d := DistanceMeters(113, 34, 113, 35); math.Abs(d-111195) > 10 {
		t.Errorf("1° of latitude = %.0f m", d)
	}
	if d := DistanceMeters(113, 34, 113, 34); d != 0 {
		t.Errorf("zero distance = %v", d)
	}
}

func FuzzGCJ02(f *testing.F) {
	f.Add(113.65, 34.75)
	f.Add(116.39, 39.9)
	f.Add(72.004, 0.8293)
	f.Add(-1.0, 200.0)
	f.Add(math.NaN(), 1.0)
	f.Fuzz(func(t *testing.T, lon, lat float64) {
		glon, glat := WGS84ToGCJ02(lon, lat)
		wlon, wlat := GCJ02ToWGS84(glon, glat)
		if OutOfChina(lon, lat) {
			if glon != lon || glat != lat {
				// NaN never compares equal; only finite inputs must be unchanged.
				if !(math.IsNaN(lon) || math.IsNaN(lat)) {
					t.Fatalf("out-of-China point changed: (%v,%v) -> (%v,%v)", lon, lat, glon, glat)
				}
			}
			return
		}
		if math.IsNaN(glon) || math.IsNaN(glat) || math.IsNaN(wlon) || math.IsNaN(wlat) {
			t.Fatalf("NaN for (%v,%v)", lon, lat)
		}
		// The offset is bounded (well under 2 km anywhere in the box)...
		if d := DistanceMeters(lon, lat, glon, glat); d > 2000 {
			t.Fatalf("offset %.0f m at (%v,%v)", d, lon, lat)
		}
		// ...and the inverse recovers the point. Near the box edge the
		// forward transform's input may leave the box (then the inverse
		// stops converging exactly); the error stays within the offset.
		if !OutOfChina(glon, glat) {
			if d := DistanceMeters(lon, lat, wlon, wlat); d > 1 {
				t.Fatalf("round trip (%v,%v): %.3f m", lon, lat, d)
			}
		}
		blon, blat := GCJ02ToBD09(glon, glat)
		g2lon, g2lat := BD09ToGCJ02(blon, blat)
		if !OutOfChina(blon, blat) {
			if d := DistanceMeters(glon, glat, g2lon, g2lat); d > 1 {
				t.Fatalf("BD round trip (%v,%v): %.3f m", glon, glat, d)
			}
		}
	})
}

func BenchmarkGCJ02ToWGS84(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		GCJ02ToWGS84(113.65, 34.75)
	}
}
