package api

import (
	"reflect"
	"testing"

	"layoutmap/geo"
)

// TestReferencePalettes: /api/v1/reference serves geo's palettes, the
// ones the web map colours clusters, regions, distributions and changes
// with (web/src/style.js keeps no copy).
func TestReferencePalettes(t *testing.T) {
	app := newApp(t, Config{})
	var ref struct {
		Palettes geo.Palettes `json:"palettes"`
	}
	decode(t, get(t, app, "/api/v1/reference"), &ref)
	if !reflect.DeepEqual(ref.Palettes, geo.MapPalettes()) {
		t.Errorf("reference palettes %+v, want %+v", ref.Palettes, geo.MapPalettes())
	}
	if len(ref.Palettes.Clusters) < 7 || len(ref.Palettes.Change) != 5 || ref.Palettes.Other == "" {
		t.Errorf("palettes incomplete: %+v", ref.Palettes)
	}
}
