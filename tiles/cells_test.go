package tiles_test

import (
	"bytes"
	"context"
	"os"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data/memstore"
	"layoutmap/geo"
	"layoutmap/tiles"
)

// wholeOutlines is the reference the embedded store's cell pieces are held
// to: the boundary layers built as before cells, from every whole outline
// (geo.SimplifyZooms of the dataset's shapes) whose bound meets the
// buffered tile, in code order; the filtered layers come from the store.
type wholeOutlines struct {
	st     *memstore.Store
	layers map[string][]wholeShape // by layer, in code/id order
}

type wholeShape struct {
	id    string
	bound orb.Bound
	zooms [geo.MaxZoom + 1]orb.MultiPolygon
	props geo.Properties
}

func (w *wholeOutlines) Version(context.Context) (int64, error) { return 1, nil }

func (w *wholeOutlines) TileLayers(ctx context.Context, q geo.TileQuery, layers []string) ([]geo.LayerFeatures, error) {
	inner, err := w.st.TileLayers(ctx, q, layers)
	if err != nil {
		return nil, err
	}
	bound := q.Tile().Bound(float64(geo.TileBuffer) / geo.TileExtent)
	for i := range inner {
		shapes, ok := w.layers[inner[i].Layer]
		if !ok {
			continue
		}
		fs := []geo.Feature{}
		for _, s := range shapes {
			if g := s.zooms[q.Z]; g != nil && bound.Intersects(s.bound) {
				fs = append(fs, geo.Feature{ID: s.id, Geometry: g, Properties: s.props})
			}
		}
		inner[i].Features = fs
	}
	return inner, nil
}

func newWholeOutlines(t *testing.T) *wholeOutlines {
	w := &wholeOutlines{st: henanStore(t), layers: map[string][]wholeShape{}}
	add := func(layer, id string, mp orb.MultiPolygon, props geo.Properties) {
		s := wholeShape{id: id, bound: mp.Bound(), props: props}
		geo.SimplifyZooms(mp, &s.zooms)
		w.layers[layer] = append(w.layers[layer], s)
	}
	ctx := context.Background()
	for _, level := range []string{geo.LevelProvince, geo.LevelCity, geo.LevelCounty} {
		as, err := henanStore(t).AdminAreas(ctx, level)
		if err != nil {
			t.Fatal(err)
		}
		layer := map[string]string{geo.LevelProvince: geo.LayerProvince, geo.LevelCity: geo.LayerCities, geo.LevelCounty: geo.LayerCounties}[level]
		for i := range as {
			add(layer, as[i].Code, as[i].Geom, geo.AdminTileProperties(&as[i]))
		}
	}
	rs, err := henanStore(t).Regions(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for i := range rs {
		add(geo.LayerRegions, rs[i].ID, rs[i].Geom, geo.RegionTileProperties(&rs[i]))
	}
	return w
}

// TestCellsSameTiles: tiles the embedded store makes from outline pieces
// cut into cells (geo.CutCells) are byte for byte the tiles made from the
// whole outlines, over Henan: every tile from z5 to z10, every 5th column
// and row from z11 to z14 (LAYOUTMAP_CELLS_FULL=1: every tile to z13 and
// every 3rd at z14, about 37,000 tiles).
func TestCellsSameTiles(t *testing.T) {
	if testing.Short() {
		t.Skip("encodes thousands of tiles twice")
	}
	ref := tiles.New(newWholeOutlines(t), tiles.Config{CacheBytes: -1})
	got := tiles.New(henanStore(t), tiles.Config{CacheBytes: -1})
	ctx := context.Background()
	full := os.Getenv("LAYOUTMAP_CELLS_FULL") == "1"
	var n, nonEmpty int
	for z := uint32(5); z <= 14; z++ {
		step := uint32(1)
		switch {
		case full && z == 14:
			step = 3
		case !full && z >= 11:
			step = 5
		}
		lo := maptile.At(orb.Point{geo.HenanBound.Min[0], geo.HenanBound.Max[1]}, maptile.Zoom(z))
		hi := maptile.At(orb.Point{geo.HenanBound.Max[0], geo.HenanBound.Min[1]}, maptile.Zoom(z))
		for x := lo.X; x <= hi.X; x += step {
			for y := lo.Y; y <= hi.Y; y += step {
				q := geo.TileQuery{Z: z, X: x, Y: y}
				a, err := ref.Encoded(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				b, err := got.Encoded(ctx, q)
				if err != nil {
					t.Fatal(err)
				}
				n++
				if len(a.Body) > 0 {
					nonEmpty++
				}
				if !bytes.Equal(a.Body, b.Body) {
					t.Errorf("tile %d/%d/%d: %d bytes from cells, %d from whole outlines", z, x, y, len(b.Body), len(a.Body))
				}
			}
		}
	}
	t.Logf("%d tiles compared (%d not empty)", n, nonEmpty)
}
