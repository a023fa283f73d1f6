package api

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

// TestGeoJSONRFC7946 checks every feature of every collection as served:
// lon/lat inside Henan's surroundings, at most 6 decimals, exterior rings
// counter-clockwise and holes clockwise, rings closed.
func TestGeoJSONRFC7946(t *testing.T) {
	app := newApp(t, Config{})
	for _, coll := range []string{"cities", "counties", "zones", "regions"} {
		t.Run(coll, func(t *testing.T) {
			r := get(t, app, "/api/v1/collections/"+coll+"/items?limit=10000")
			var fc struct {
				NumberMatched int `json:"numberMatched"`
				Features      []struct {
					ID       string `json:"id"`
					Geometry struct {
						Type        string          `json:"type"`
						Coordinates json.RawMessage `json:"coordinates"`
					} `json:"geometry"`
				} `json:"features"`
			}
			decode(t, r, &fc)
			if len(fc.Features) == 0 || len(fc.Features) != fc.NumberMatched {
				t.Fatalf("%d features of %d matched", len(fc.Features), fc.NumberMatched)
			}
			for _, f := range fc.Features {
				var polys [][][][2]json.Number
				switch f.Geometry.Type {
				case "MultiPolygon":
					if err := json.Unmarshal(f.Geometry.Coordinates, &polys); err != nil {
						t.Fatalf("%s: %v", f.ID, err)
					}
				case "Polygon":
					var p [][][2]json.Number
					if err := json.Unmarshal(f.Geometry.Coordinates, &p); err != nil {
						t.Fatalf("%s: %v", f.ID, err)
					}
					polys = append(polys, p)
				case "Point":
					continue
				default:
					t.Errorf("%s: geometry type %q", f.ID, f.Geometry.Type)
					continue
				}
				for _, p := range polys {
					for i, ring := range p {
						if len(ring) < 4 || ring[0] != ring[len(ring)-1] {
							t.Errorf("%s: ring %d not closed or too short (%d points)", f.ID, i, len(ring))
							continue
						}
						area := 0.0
						for j := range ring {
							x, y := num(t, ring[j][0]), num(t, ring[j][1])
							if x < 109 || x > 117.5 || y < 30.5 || y > 37 {
								t.Fatalf("%s: point %v outside Henan's surroundings (lon/lat swapped?)", f.ID, ring[j])
							}
							for _, n := range ring[j] {
								if k := strings.IndexByte(string(n), '.'); k >= 0 && len(n)-k-1 > 6 {
									t.Fatalf("%s: coordinate %s has more than 6 decimals", f.ID, n)
								}
							}
							if j > 0 {
								area += num(t, ring[j-1][0])*y - x*num(t, ring[j-1][1])
							}
						}
						if ccw := area > 0; ccw != (i == 0) {
							t.Errorf("%s: ring %d has signed area %g; want exterior CCW (>0), holes CW (<0)", f.ID, i, area)
						}
					}
				}
			}
		})
	}
}

func num(t *testing.T, n json.Number) float64 {
	x, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		t.Fatalf("coordinate %q: %v", n, err)
	}
	return x
}
