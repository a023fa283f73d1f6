package main

import (
	"context"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// setZoneName rewrites the name of zone id in the zones.geojson of dir.
func setZoneName(t *testing.T, dir, id, name string) {
	t.Helper()
	p := filepath.Join(dir, "zones.geojson")
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	var fc map[string]any
	if err := json.Unmarshal(b, &fc); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, f := range fc["features"].([]any) {
		f := f.(map[string]any)
		if f["id"] == id {
			f["properties"].(map[string]any)["name"] = name
			found = true
		}
	}
	if !found {
		t.Fatalf("zone %s not in %s", id, p)
	}
	if b, err = json.Marshal(fc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// serveErr runs serve with args and returns its start-up error (nil if
// it came up, then stops it).
func serveErr(t *testing.T, args ...string) error {
	t.Helper()
	var logs syncBuffer
	cfg, err := parseServe(append([]string{"--addr", "127.0.0.1:0"}, args...), env(), &logs)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	ready := make(chan string, 1)
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg, &logs, ready) }()
	select {
	case <-ready:
		cancel()
		<-done
		return nil
	case err := <-done:
		return err
	}
}

// A planner exports the bundled dataset, renames a zone, adds an
// enterprise list and serves the directory without PostGIS: the change
// and the list are served. A changed file under an unchanged manifest, a
// bad zone or a bad enterprise row refuses the whole directory, naming
// file and row.
func TestServeDataDir(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	if err := run(ctx, []string{"export", "--out", dir}, env(), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	const zone, name = "G411031", "郑州经济技术开发区（规划局改名测试）"
	setZoneName(t, dir, zone, name)
	// The manifest no longer matches: refused, naming the file.
	if err := serveErr(t, "--data", dir); err == nil || !strings.Contains(err.Error(), "zones.geojson") || !strings.Contains(err.Error(), "manifest") {
		t.Fatalf("edited file under the export's manifest: %v", err)
	}
	if err := os.Remove(filepath.Join(dir, "manifest.json")); err != nil {
		t.Fatal(err)
	}
	ents := filepath.Join(dir, "enterprises.csv")
	if err := run(ctx, []string{"synth", "enterprises", "--n", "500", "--seed", "4", "--out", ents}, env(), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	base := startServe(t, "--data", dir)
	var z struct{ Properties map[string]any }
	getJSON(t, base+"/api/v1/collections/zones/items/"+zone, &z)
	if z.Properties["name"] != name {
		t.Errorf("served name %v, want the edited %s", z.Properties["name"], name)
	}
	var info struct{ Count, Synthetic int }
	getJSON(t, base+"/api/v1/enterprises/info", &info)
	if info.Count != 500 || info.Synthetic != 500 {
		t.Errorf("enterprises %+v, want 500 synthetic", info)
	}
	var st struct{ Total int }
	getJSON(t, base+"/api/v1/stats/enterprises?group=city", &st)
	if st.Total != 500 {
		t.Errorf("stats total %d", st.Total)
	}

	// The importer's files alone (no meta.json): zones.geojson composed
	// onto the bundled dataset, as `layoutmap import --zones` would.
	only := t.TempDir()
	b, err := os.ReadFile(filepath.Join(dir, "zones.geojson"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(only, "zones.geojson"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	base2 := startServe(t, "--data", only)
	getJSON(t, base2+"/api/v1/collections/zones/items/"+zone, &z)
	if z.Properties["name"] != name {
		t.Errorf("importer-format directory: served name %v, want %s", z.Properties["name"], name)
	}

	// A bad enterprise row: the whole directory is refused, the row named.
	csv, err := os.ReadFile(ents)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.SplitN(string(csv), "\n", 4)
	cols := strings.Split(lines[0], ",")
	row := strings.Split(lines[2], ",")
	for i, c := range cols {
		if strings.TrimPrefix(c, "\uFEFF") == "lat" {
			row[i] = "40.5" // Beijing's latitude: outside Henan
		}
	}
	lines[2] = strings.Join(row, ",")
	if err := os.WriteFile(ents, []byte(strings.Join(lines, "\n")), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := serveErr(t, "--data", dir); err == nil || !strings.Contains(err.Error(), "enterprises.csv") || !strings.Contains(err.Error(), "row 3") {
		t.Errorf("bad enterprise row: %v", err)
	}
	// A zone in an unknown city, in the importer-format directory.
	b = []byte(strings.Replace(string(b), `"city_code":"410100"`, `"city_code":"419999"`, 1))
	if err := os.WriteFile(filepath.Join(only, "zones.geojson"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := serveErr(t, "--data", only); err == nil || !strings.Contains(err.Error(), "zones.geojson") || !strings.Contains(err.Error(), "419999") {
		t.Errorf("zone in an unknown city: %v", err)
	}
	if err := serveErr(t, "--data", t.TempDir()); err == nil || !strings.Contains(err.Error(), "holds no data") {
		t.Errorf("empty directory: %v", err)
	}
}
