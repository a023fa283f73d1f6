package tiles_test

import (
	"bytes"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// layerLog records which layers a LayerSource was asked for.
type layerLog struct {
	tiles.Source
	ls  tiles.LayerSource
	mu  sync.Mutex
	got [][]string
}

func (l *layerLog) TileLayers(ctx context.Context, q geo.TileQuery, layers []string) ([]geo.LayerFeatures, error) {
	l.mu.Lock()
	l.got = append(l.got, slices.Clone(layers))
	l.mu.Unlock()
	return l.ls.TileLayers(ctx, q, layers)
}

func (l *layerLog) asked() [][]string {
	l.mu.Lock()
	defer l.mu.Unlock()
	out := l.got
	l.got = nil
	return out
}

// TestTilePartsShareBoundaries: a tile encoded in two parts (boundary
// layers cached per tile, filtered layers per filter) is byte for byte the
// tile encoded in one piece, and a new filter over a tile asks the source
// for zones and labels only.
func TestTilePartsShareBoundaries(t *testing.T) {
	st := henanStore(t)
	ctx := t.Context()
	log := &layerLog{Source: st, ls: st}
	parts := tiles.New(log, tiles.Config{})
	whole := tiles.New(struct {
		tiles.Source
		tiles.FeatureSource
	}{st, st}, tiles.Config{CacheBytes: -1})
	rev := 50.0
	filters := []geo.Filter{{}, {MinRevenue: &rev}, {Year: 2022}, {Cluster: []string{"equipment"}}}
	for _, z := range []uint32{3, 5, 8, 11, 14} {
		q0 := tileAt(etdz, z)
		base, filtered := geo.TileParts(z)
		for i, f := range filters {
			q := q0
			q.Filter = f
			got, _, err := parts.Tile(ctx, q)
			if err != nil {
				t.Fatalf("z%d %+v: %v", z, f, err)
			}
			want, _, err := whole.Tile(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(want) == 0 || !bytes.Equal(got, want) {
				t.Errorf("z%d %+v: parts give %d bytes, the one-piece tile %d", z, f, len(got), len(want))
			}
			asked := log.asked()
			wantAsked := [][]string{filtered}
			if i == 0 && len(base) > 0 {
				wantAsked = append(wantAsked, base)
			}
			if fmt.Sprint(asked) != fmt.Sprint(wantAsked) {
				t.Errorf("z%d filter %d: source asked for %v, want %v", z, i, asked, wantAsked)
			}
		}
	}
}

// TestEncodingLeavesStoreIntact: the embedded store hands its own outlines
// to the encoder (TileLayers copies nothing), so encoding tiles must not
// change them: the store's features are the same before and after.
func TestEncodingLeavesStoreIntact(t *testing.T) {
	st := henanStore(t)
	ctx := t.Context()
	var qs []geo.TileQuery
	for _, z := range []uint32{3, 5, 8, 11, 14} {
		qs = append(qs, tileAt(etdz, z))
	}
	snapshot := func() string {
		var b bytes.Buffer
		for _, q := range qs {
			ls, err := st.TileFeatures(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprint(&b, ls)
		}
		return b.String()
	}
	before := snapshot()
	svc := tiles.New(st, tiles.Config{CacheBytes: -1, Simplify: true})
	for _, q := range qs {
		if _, _, err := svc.Tile(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if after := snapshot(); after != before {
		t.Error("encoding tiles changed the store's outlines")
	}
}
