package data_test

import (
	"reflect"
	"strings"
	"testing"
	"testing/fstest"

	"layoutmap/data"
	"layoutmap/data/henan"
)

func exported(t *testing.T) fstest.MapFS {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	files, err := data.EncodeDataset(ds, "test export")
	if err != nil {
		t.Fatal(err)
	}
	m := fstest.MapFS{}
	for n, b := range files {
		m[n] = &fstest.MapFile{Data: b}
	}
	return m
}

// The export reads back as exactly the dataset it came from.
func TestExportRoundTrip(t *testing.T) {
	ds, _ := henan.Load()
	m := exported(t)
	if err := data.CheckManifest(m); err != nil {
		t.Fatal(err)
	}
	got, err := data.LoadDataset(m)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, ds) {
		for i := range ds.Zones {
			if !reflect.DeepEqual(got.Zones[i], ds.Zones[i]) {
				t.Fatalf("zone %d differs:\n got %+v\nwant %+v", i, got.Zones[i], ds.Zones[i])
			}
		}
		t.Fatal("dataset differs after export and load")
	}
}

// Case 6 of issue 13 for directories: a file cut at a line boundary, or
// a missing one, is caught by the manifest.
func TestCheckManifest(t *testing.T) {
	m := exported(t)
	b := m["zones.geojson"].Data
	cut := b[:strings.LastIndex(string(b[:len(b)/2]), "\n")+1]
	m["zones.geojson"] = &fstest.MapFile{Data: cut}
	err := data.CheckManifest(m)
	if err == nil || !strings.Contains(err.Error(), "zones.geojson has") || !strings.Contains(err.Error(), "truncated") {
		t.Fatalf("truncated zones.geojson: %v", err)
	}
	m = exported(t)
	delete(m, "revenue.json")
	if err := data.CheckManifest(m); err == nil || !strings.Contains(err.Error(), "revenue.json, which is missing") {
		t.Fatalf("missing revenue.json: %v", err)
	}
	delete(m, data.ManifestFile)
	if err := data.CheckManifest(m); err != nil {
		t.Fatalf("no manifest: %v", err)
	}
}
