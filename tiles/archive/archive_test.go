package archive

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/protomaps/go-pmtiles/pmtiles"

	"layoutmap/geo"
)

// TestTileIDs: ascending, no duplicates, and each zoom covers the bound's
// tiles plus a ring of one tile.
func TestTileIDs(t *testing.T) {
	for _, tc := range []struct {
		b          orb.Bound
		minZ, maxZ uint8
		want       int
	}{
		{geo.HenanBound, 0, 0, 1},
		{geo.HenanBound, 5, 5, 4 * 4}, // 2×2 tiles at z5, plus the ring
		{orb.Bound{Min: orb.Point{113.6, 34.7}, Max: orb.Point{113.6, 34.7}}, 10, 10, 9},
	} {
		ids := TileIDs(tc.b, tc.minZ, tc.maxZ)
		if len(ids) != tc.want || !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
			t.Errorf("%v z%d–%d: %d ids (sorted %v), want %d", tc.b, tc.minZ, tc.maxZ, len(ids), slices.IsSorted(ids), tc.want)
		}
		for _, id := range ids {
			if z, _, _ := pmtiles.IDToZxy(id); z < tc.minZ || z > tc.maxZ {
				t.Errorf("id %d at z%d outside z%d–%d", id, z, tc.minZ, tc.maxZ)
			}
		}
	}
}

// TestOpenRejects: files that are not layoutmap PMTiles archives fail with
// an error naming the file.
func TestOpenRejects(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "notes.pmtiles")
	if err := os.WriteFile(bad, []byte(strings.Repeat("not an archive ", 20)), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, loc := range []string{bad, filepath.Join(dir, "missing.pmtiles")} {
		if _, err := Open(context.Background(), loc); err == nil || !strings.Contains(err.Error(), filepath.Base(loc)) {
			t.Errorf("Open(%s): %v", loc, err)
		}
	}
}
