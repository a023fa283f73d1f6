package data_test

import (
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"

	"layoutmap/data"
	"layoutmap/data/henan"
)

// realFS copies the bundled files into a MapFS so single files can be
// broken on purpose.
func realFS(t *testing.T) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(henan.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(henan.FS, p)
		if err != nil {
			return err
		}
		m[p] = &fstest.MapFile{Data: b}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestLoadDatasetReal(t *testing.T) {
	ds, err := data.LoadDataset(realFS(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds.Admin) != 176 || len(ds.Zones) != 162 || len(ds.Regions) != 7 || ds.Vintage == "" || ds.Attribution == "" {
		t.Errorf("admin %d zones %d regions %d vintage %q", len(ds.Admin), len(ds.Zones), len(ds.Regions), ds.Vintage)
	}
}

// TestLoadDatasetRejects breaks one reference at a time; the error must
// name the file.
func TestLoadDatasetRejects(t *testing.T) {
	tests := []struct {
		name, file, old, new, wantErr string
	}{
		{"missing file", "taxonomy.json", "", "", "taxonomy.json"},
		{"bad json", "revenue.json", "[", "{", "revenue.json"},
		{"format version", "meta.json", `"format_version": 1`, `"format_version": 99`, "format_version"},
		{"duplicate admin code", "admin.geojson", `"code":"410102"`, `"code":"410103"`, "duplicate code"},
		{"county parent", "admin.geojson", `"parent_code":"410100"`, `"parent_code":"419999"`, "parent"},
		{"unclosed ring", "admin.geojson", `"coordinates":[[[[`, `"coordinates":[[[[1,2],[`, "ring"},
		{"bad coordinates", "admin.geojson", `"coordinates":[[[[`, `"coordinates":[[[[x`, "admin.geojson"},
		{"zone city", "zones.geojson", `"city_code":"410100"`, `"city_code":"410101"`, "city_code"},
		{"zone cluster", "zones.geojson", `"cluster_id":"equipment"`, `"cluster_id":"nope"`, "cluster link"},
		{"zone point quality", "zones.geojson", `"point_quality":"geocoded"`, `"point_quality":"guess"`, "point_quality"},
		{"zone source", "zones.geojson", `"source":"S10:`, `"source":"","x":"`, "source"},
		{"revenue zone", "revenue.json", `"zone_id": "G411031"`, `"zone_id": "G000000"`, "unknown zone"},
		{"revenue bound", "revenue.json", `"bound": "lower"`, `"bound": "maybe"`, "bound"},
		{"region member", "regions.geojson", `"members":["410100"`, `"members":["410101"`, "member"},
		{"chain parent", "taxonomy.json", `"parent": "nev"`, `"parent": "cars"`, "parent cluster"},
		{"keyword cluster", "taxonomy.json", `"cluster_id": "new_materials"`, `"cluster_id": "stone"`, "keyword"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := realFS(t)
			if tt.old == "" {
				delete(m, tt.file)
			} else {
				s := string(m[tt.file].Data)
				if !strings.Contains(s, tt.old) {
					t.Fatalf("%s does not contain %q: the test is stale", tt.file, tt.old)
				}
				m[tt.file] = &fstest.MapFile{Data: []byte(strings.Replace(s, tt.old, tt.new, 1))}
			}
			_, err := data.LoadDataset(m)
			if err == nil {
				t.Fatal("no error")
			}
			if !strings.Contains(err.Error(), tt.wantErr) {
				t.Errorf("error %q does not mention %q", err, tt.wantErr)
			}
		})
	}
}

func BenchmarkLoadDataset(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := data.LoadDataset(henan.FS); err != nil {
			b.Fatal(err)
		}
	}
}
