package storetest

import (
	"fmt"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// EnterpriseTilesUniform checks the tile rule of the enterprises layer
// (geo.EnterpriseTileAsPoints) on a store holding a list: for every zoom
// from 0 to the list's point zoom + 1 (and at most 11), every non-empty
// tile over Henan under each filter is cells below the point zoom and
// points from it on, so no view mixes bubbles and points; at the point
// zoom no tile of the whole list exceeds geo.EnterpriseTilePoints, and one
// zoom lower some tile does (the point zoom is the lowest that fits). It
// returns how many cell and point tiles it saw.
func EnterpriseTilesUniform(t *testing.T, s data.EnterpriseStore, filters []geo.Filter) (cellTiles, pointTiles int) {
	t.Helper()
	ctx := t.Context()
	inf, err := s.EnterpriseInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	pz := inf.PointZoom
	top := min(pz+1, 11)
	for _, f := range filters {
		for z := uint32(0); z <= top; z++ {
			densest := 0
			x0, y0 := geo.TileXY(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, z)
			x1, y1 := geo.TileXY(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, z)
			for x := x0; x <= x1; x++ {
				for y := y0; y <= y1; y++ {
					tile, err := s.EnterpriseTile(ctx, geo.TileQuery{Z: z, X: x, Y: y, Filter: f})
					if err != nil {
						t.Fatalf("tile %d/%d/%d: %v", z, x, y, err)
					}
					densest = max(densest, tile.Matched)
					name := fmt.Sprintf("tile %d/%d/%d?%s (point zoom %d)", z, x, y, f.Encode().Encode(), pz)
					switch {
					case tile.Matched == 0:
					case z < pz && len(tile.Points) > 0:
						t.Errorf("%s: %d points below the point zoom, where every tile is cells", name, len(tile.Points))
					case z >= pz && len(tile.Cells) > 0:
						t.Errorf("%s: %d cells from the point zoom on, where every tile is points (it holds %d)", name, len(tile.Cells), tile.Matched)
					case len(tile.Cells) > 0:
						cellTiles++
					default:
						pointTiles++
					}
				}
			}
			if f.Encode().Encode() != "" {
				continue
			}
			if z == pz && densest > geo.EnterpriseTilePoints {
				t.Errorf("at the point zoom %d a tile holds %d enterprises, over the budget of %d", z, densest, geo.EnterpriseTilePoints)
			}
			if pz > 0 && z == pz-1 && densest <= geo.EnterpriseTilePoints {
				t.Errorf("at zoom %d, below the point zoom %d, the densest tile holds %d: points would fit there", z, pz, densest)
			}
		}
	}
	return cellTiles, pointTiles
}
