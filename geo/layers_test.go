package geo

import (
	"slices"
	"testing"
)

// TestTileParts checks what lets the tile encoder concatenate its parts:
// at every zoom the boundary layers come before the filtered ones in the
// catalogue, and together they are LayersAt(z) in order.
func TestTileParts(t *testing.T) {
	for z := uint32(MinZoom); z <= MaxZoom; z++ {
		base, filtered := TileParts(z)
		if got := append(slices.Clone(base), filtered...); !slices.Equal(got, LayersAt(z)) {
			t.Errorf("z%d: base %v + filtered %v is not the catalogue order %v", z, base, filtered, LayersAt(z))
		}
		if slices.Contains(base, LayerZones) || slices.Contains(base, LayerLabels) {
			t.Errorf("z%d: base part %v holds a filtered layer", z, base)
		}
		if z >= 5 && !slices.Contains(filtered, LayerZones) {
			t.Errorf("z%d: zones missing from the filtered part %v", z, filtered)
		}
	}
}
