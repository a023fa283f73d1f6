package data

import (
	"encoding/json"
	"testing"

	"github.com/paulmach/orb"
)

func TestParseMultiPolygon(t *testing.T) {
	tests := []struct {
		name, typ, coords string
		want              orb.MultiPolygon
		wantErr           bool
	}{
		{"multipolygon", "MultiPolygon", `[[[[0,0],[1,0],[1,1],[0,0]]]]`, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, false},
		{"polygon with spaces and exponent", "Polygon", ` [ [ [0, 0] , [1e0,0],[1,1.5E0],[0,0] ] ] `, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1.5}, {0, 0}}}}, false},
		{"third ordinate ignored", "Polygon", `[[[0,0,9],[1,0,9],[1,1,9],[0,0,9]]]`, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 0}}}}, false},
		{"point type", "Point", `[1,2]`, nil, true},
		{"unclosed", "Polygon", `[[[0,0],[1,0],[1,1],[0,1]]]`, nil, true},
		{"short ring", "Polygon", `[[[0,0],[1,0],[0,0]]]`, nil, true},
		{"empty", "MultiPolygon", `[]`, nil, true},
		{"empty polygon", "MultiPolygon", `[[]]`, nil, true},
		{"one ordinate", "Polygon", `[[[0],[1,0],[1,1],[0]]]`, nil, true},
		{"trailing", "Polygon", `[[[0,0],[1,0],[1,1],[0,0]]]]`, nil, true},
		{"truncated", "Polygon", `[[[0,0],[1,0]`, nil, true},
		{"string number", "Polygon", `[[["0",0],[1,0],[1,1],["0",0]]]`, nil, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseMultiPolygon(&rawGeometry{Type: tt.typ, Coordinates: rawJSONBytes(tt.coords)})
			if (err != nil) != tt.wantErr {
				t.Fatalf("err = %v, wantErr %v", err, tt.wantErr)
			}
			if !tt.wantErr && !got.Equal(tt.want) {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

// FuzzParseMultiPolygon: the scanner never panics, and whatever it accepts
// encoding/json reads as the same numbers.
func FuzzParseMultiPolygon(f *testing.F) {
	f.Add(`[[[[0,0],[1,0],[1,1],[0,0]]]]`)
	f.Add(`[[[[113.5,34.1],[113.6,34.1],[113.6,34.2],[113.5,34.1]]],[[[1,1],[2,1],[2,2],[1,1]]]]`)
	f.Add(`[[[[1e400,0]]]]`)
	f.Add(`[[[[-0,-.5]]]]`)
	f.Fuzz(func(t *testing.T, s string) {
		got, err := parseMultiPolygon(&rawGeometry{Type: "MultiPolygon", Coordinates: rawJSONBytes(s)})
		if err != nil {
			return
		}
		var ref [][][][]float64
		if err := json.Unmarshal([]byte(s), &ref); err != nil {
			t.Fatalf("accepted %q, which is not a JSON coordinate array: %v", s, err)
		}
		if len(ref) != len(got) {
			t.Fatalf("%d polygons, json says %d", len(got), len(ref))
		}
		for i := range ref {
			for j := range ref[i] {
				for k := range ref[i][j] {
					if p := got[i][j][k]; p[0] != ref[i][j][k][0] || p[1] != ref[i][j][k][1] {
						t.Fatalf("point %d/%d/%d = %v, json says %v", i, j, k, p, ref[i][j][k])
					}
				}
			}
		}
	})
}
