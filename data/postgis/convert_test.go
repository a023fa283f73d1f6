package postgis

import (
	"testing"

	"github.com/paulmach/orb"
)

func TestEWKBRoundTrip(t *testing.T) {
	mp := orb.MultiPolygon{
		{{{113, 34}, {114, 34}, {114, 35}, {113, 35}, {113, 34}}, {{113.2, 34.2}, {113.2, 34.4}, {113.4, 34.4}, {113.2, 34.2}}},
		{{{115, 34}, {116, 34}, {116, 35}, {115, 34}}},
	}
	b, err := encodeMultiPolygon(mp)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decodeMultiPolygon(b)
	if err != nil {
		t.Fatal(err)
	}
	if !orb.Equal(got, mp) {
		t.Fatalf("round trip: got %v, want %v", got, mp)
	}
	pb, err := encodePoint(orb.Point{113.6, 34.7})
	if err != nil {
		t.Fatal(err)
	}
	p, err := decodePoint(pb)
	if err != nil || p != (orb.Point{113.6, 34.7}) {
		t.Fatalf("point round trip: got %v, %v", p, err)
	}
	if _, err := decodePoint(b); err == nil {
		t.Fatal("decodePoint accepted a MultiPolygon")
	}
	if _, err := decodeGeom([]byte{1, 2, 3}); err == nil {
		t.Fatal("garbage EWKB decoded")
	}
}
