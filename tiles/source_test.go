package tiles_test

import (
	"context"
	"strings"
	"testing"

	"layoutmap/tiles"
)

type versionOnly struct{}

func (versionOnly) Version(context.Context) (int64, error) { return 1, nil }

// TestNewNeedsATilePath: feature tiles are optional interfaces, but a
// source must implement one of them; New says which are meant.
func TestNewNeedsATilePath(t *testing.T) {
	defer func() {
		r := recover()
		if msg, _ := r.(string); !strings.Contains(msg, "FeatureSource") {
			t.Errorf("New over a source without tiles: recovered %v, want a panic naming the interfaces", r)
		}
	}()
	tiles.New(versionOnly{}, tiles.Config{})
}
