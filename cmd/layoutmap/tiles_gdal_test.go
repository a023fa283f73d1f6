package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestGDALDiscoversOGCTiles: GDAL finds and reads the OGC API – Tiles
// tilesets with no URL template typed in.
//
//   - GDAL's OGCAPI driver, given only a collection's URL, follows its
//     tilesets-vector link to the tilesets, the tileset, and the tiling
//     scheme, and parses the tile matrix set without an error. Debian 12's
//     GDAL 3.6.2 is built without the driver's vector-tiles path (its
//     library lacks the code: the path sits under OGR_ENABLE_DRIVER_GML,
//     which that CMake build does not define for the driver), so it then
//     reports no layers; where GDAL has the path, the test also requires
//     the zones it reads.
//   - GDAL itself uses the served WebMercatorQuad definition: the COG
//     driver tiling a raster with TILING_SCHEME=<our document> gives the
//     same grid (origin, pixel size, zoom) as with its built-in
//     GoogleMapsCompatible.
//   - The tile the tileset's item template names is read by GDAL's MVT
//     driver: the zones collection's tile has the zones layer only.
//   - The OGCAPI driver reads the features with -oo API=ITEMS (with API
//     AUTO it prefers the tilesets, which this GDAL build cannot read).
func TestGDALDiscoversOGCTiles(t *testing.T) {
	addr := startServer(t)
	api := "http://" + addr + "/api/v1"
	dir := t.TempDir()

	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "ogrinfo", "-ro", "-so", "OGCAPI:"+api+"/collections/zones")
	cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "CPL_DEBUG=ON")
	out, err := cmd.CombinedOutput()
	log := string(out)
	fetched := regexp.MustCompile(`HTTP: Fetch\((\S+)\)`).FindAllStringSubmatch(log, -1)
	var paths []string
	for _, m := range fetched {
		paths = append(paths, strings.TrimPrefix(m[1], api))
	}
	want := []string{"/collections/zones", "/collections/zones/tiles", "/collections/zones/tiles/WebMercatorQuad", "/tileMatrixSets/WebMercatorQuad"}
	if strings.Join(paths, " ") != strings.Join(want, " ") && !strings.HasPrefix(strings.Join(paths, " "), strings.Join(want, " ")+" ") {
		t.Errorf("OGCAPI driver fetched %v, want %v first\n%s", paths, want, log)
	}
	if strings.Contains(log, "ERROR") {
		t.Errorf("OGCAPI driver reports an error:\n%s", log)
	}
	if err == nil {
		// A GDAL with the vector-tiles path: layers per tile matrix.
		if !strings.Contains(log, "Layer name:") {
			t.Errorf("OGCAPI opened the tileset without layers:\n%s", log)
		}
	} else {
		t.Logf("GDAL's OGCAPI driver discovered the tileset but has no vector-tiles path in this build (%v)", err)
	}

	// The OGCAPI driver reads the collection's features through its items
	// (API=ITEMS hands them to the OAPIF driver): every zone, all fields,
	// and a -where pushed to the server like OAPIF's.
	var page struct{ NumberMatched int }
	getJSON(t, api+"/collections/zones/items?limit=1", &page)
	info := gdal(t, "ogrinfo", "-ro", "-so", "-al", "-oo", "API=ITEMS", "OGCAPI:"+api+"/collections/zones")
	if want := fmt.Sprintf("Feature Count: %d\n", page.NumberMatched); page.NumberMatched == 0 || !strings.Contains(info, want) || !strings.Contains(info, "\nrevenue_yi: Real") {
		t.Errorf("OGCAPI API=ITEMS on zones: want %q and revenue_yi in\n%s", want, info)
	}
	getJSON(t, api+"/collections/zones/items?limit=1&filter=revenue_yi%20%3E%201000", &page)
	info = gdal(t, "ogrinfo", "-ro", "-so", "-al", "-oo", "API=ITEMS", "-where", "revenue_yi > 1000", "OGCAPI:"+api+"/collections/zones")
	if want := fmt.Sprintf("Feature Count: %d\n", page.NumberMatched); page.NumberMatched == 0 || !strings.Contains(info, want) {
		t.Errorf("OGCAPI API=ITEMS -where on zones: want %q in\n%s", want, info)
	}

	// The tile matrix set as GDAL's own tiling.
	var tmsDoc json.RawMessage
	getJSON(t, api+"/tileMatrixSets/WebMercatorQuad", &tmsDoc)
	tmsFile := filepath.Join(dir, "WebMercatorQuad.json")
	if err := os.WriteFile(tmsFile, tmsDoc, 0o644); err != nil {
		t.Fatal(err)
	}
	src := filepath.Join(dir, "src.tif")
	gdal(t, "gdal_create", "-of", "GTiff", "-outsize", "16", "16", "-a_srs", "EPSG:3857", "-a_ullr", "12500000", "4200000", "12600000", "4100000", src)
	grid := func(scheme string) string {
		dst := filepath.Join(dir, filepath.Base(scheme)+".tif")
		gdal(t, "gdal_translate", "-q", "-of", "COG", "-co", "TILING_SCHEME="+scheme, src, dst)
		info := gdal(t, "gdalinfo", dst)
		var lines []string
		for _, l := range strings.Split(info, "\n") {
			if strings.HasPrefix(l, "Origin =") || strings.HasPrefix(l, "Pixel Size =") || strings.Contains(l, "ZOOM_LEVEL=") || strings.HasPrefix(l, "Size is") {
				lines = append(lines, strings.TrimSpace(l))
			}
		}
		return strings.Join(lines, "; ")
	}
	ours, builtin := grid(tmsFile), grid("GoogleMapsCompatible")
	if ours != builtin || !strings.Contains(ours, "ZOOM_LEVEL=") {
		t.Errorf("COG tiled with the served WebMercatorQuad: %s\nwith GDAL's GoogleMapsCompatible: %s", ours, builtin)
	}

	// The template's tile, read by the MVT driver.
	var ts struct {
		Links []struct{ Href, Rel, Type string }
	}
	getJSON(t, api+"/collections/zones/tiles/WebMercatorQuad", &ts)
	var tmpl string
	for _, l := range ts.Links {
		if l.Rel == "item" && l.Type == "application/vnd.mapbox-vector-tile" {
			tmpl = l.Href
		}
	}
	res, err := http.Get(strings.NewReplacer("{tileMatrix}", "8", "{tileRow}", "101", "{tileCol}", "208").Replace(tmpl))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("tile from %s: %d %s", tmpl, res.StatusCode, body)
	}
	tileDir := filepath.Join(dir, "8", "208")
	if err := os.MkdirAll(tileDir, 0o755); err != nil {
		t.Fatal(err)
	}
	tile := filepath.Join(tileDir, "101.pbf")
	if err := os.WriteFile(tile, body, 0o644); err != nil {
		t.Fatal(err)
	}
	info = gdal(t, "ogrinfo", "-ro", "-so", "-al", "-oo", "Z=8", "-oo", "X=208", "-oo", "Y=101", "MVT:"+tile)
	if strings.Count(info, "Layer name:") != 1 || !strings.Contains(info, "Layer name: zones\n") || strings.Contains(info, "Feature Count: 0\n") {
		t.Errorf("MVT driver on the zones collection's tile:\n%s", info)
	}
}
