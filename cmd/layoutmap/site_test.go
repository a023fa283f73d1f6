package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"log"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/protomaps/go-pmtiles/pmtiles"

	"layoutmap/data"
	"layoutmap/tiles/archive"
)

// verifyArchive runs go-pmtiles' own Verify (which logs some problems as
// "Invalid …" and still returns nil, so its log is checked too) and opens
// the archive.
func verifyArchive(t *testing.T, file string) *archive.Reader {
	t.Helper()
	var vlog bytes.Buffer
	if err := pmtiles.Verify(log.New(&vlog, "", 0), file); err != nil || strings.Contains(vlog.String(), "Invalid") {
		t.Fatalf("pmtiles verify %s: %v\n%s", file, err, vlog.String())
	}
	r, err := archive.Open(context.Background(), file)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// TestExportSite runs the real export-site over the embedded dataset with
// a small synthetic enterprise list and checks what a static host gets:
// the marked web map and its engine, site.json (version, synthetic), the
// API documents as the live server answers them, both archives passing
// go-pmtiles' verify with the dataset version in their metadata and the
// live server's tiles in them, and the dataset the engine loads.
func TestExportSite(t *testing.T) {
	dir := t.TempDir()
	ents := filepath.Join(dir, "enterprises-synthetic.csv")
	var stdout, stderr bytes.Buffer
	if err := run(context.Background(), []string{"synth", "enterprises", "--n", "500", "--seed", "2", "--out", ents}, env(), &stdout, &stderr); err != nil {
		t.Fatalf("synth: %v\n%s", err, stderr.String())
	}
	site := filepath.Join(dir, "site")
	stdout.Reset()
	stderr.Reset()
	args := []string{"export-site", site, "--minzoom", "5", "--maxzoom", "7", "--enterprises", ents, "--quiet"}
	if err := run(context.Background(), args, env(), &stdout, &stderr); err != nil {
		t.Fatalf("export-site: %v\n%s", err, stderr.String())
	}
	if !strings.Contains(stdout.String(), "dataset version 1 (holds synthetic data), tiles z5–z7") {
		t.Errorf("export-site output: %q", stdout.String())
	}
	if _, err := os.Stat(site + ".partial"); !os.IsNotExist(err) {
		t.Errorf("partial directory left: %v", err)
	}
	read := func(name string) []byte {
		t.Helper()
		b, err := os.ReadFile(filepath.Join(site, filepath.FromSlash(name)))
		if err != nil {
			t.Fatalf("the site lacks %s: %v", name, err)
		}
		return b
	}

	// The web map, marked as the static site, with relative asset paths
	// that exist, and the engine with Go's loader.
	index := string(read("index.html"))
	if !strings.Contains(index, `<body data-site="static"`) || strings.Contains(index, `"/assets/`) {
		t.Errorf("index.html not made a static page:\n%.600s", index)
	}
	for _, ref := range strings.Split(index, `"assets/`)[1:] {
		read("assets/" + ref[:strings.IndexByte(ref, '"')])
	}
	if wasm := read(SiteEngine); !bytes.HasPrefix(wasm, []byte("\x00asm")) {
		t.Errorf("%s is not WebAssembly", SiteEngine)
	}
	if !bytes.Contains(read("site/wasm_exec.js"), []byte("globalThis.Go")) {
		t.Error("site/wasm_exec.js is not Go's loader")
	}
	read("fonts/fonts.css")

	var info siteInfo
	if err := json.Unmarshal(read(SiteFile), &info); err != nil {
		t.Fatal(err)
	}
	if info.DatasetVersion != 1 || !info.Synthetic || info.SyntheticNote == "" || info.ExportedAt == "" || len(info.Tiers) == 0 ||
		info.Archive != SiteArchive || info.EntArchive != SiteEntArchive || info.MinZoom != 5 || info.MaxZoom != 7 {
		t.Errorf("site.json: %+v", info)
	}
	if !slices.Contains(info.DataFiles, SiteEnterpriseFile) || !slices.Contains(info.DataFiles, "zones.geojson") {
		t.Errorf("data files %v", info.DataFiles)
	}

	// The documents are the live server's answers.
	live := startServe(t, "--enterprises", ents)
	for _, d := range append(siteDocs[:len(siteDocs):len(siteDocs)], struct{ req, file string }{"/api/v1/enterprises/info", "api/v1/enterprises/info.json"}) {
		code, _, want := get(t, live+d.req, "identity")
		want = bytes.ReplaceAll(want, []byte(`"`+live+`/`), []byte(`"/`)) // links: root-relative on the site
		if code != http.StatusOK || !bytes.Equal(read(d.file), want) {
			t.Errorf("%s differs from the live %s (%d)", d.file, d.req, code)
		}
	}
	for _, tj := range []string{"tiles/layout.json", "tiles/enterprises.json"} {
		var doc struct {
			Tiles   []string `json:"tiles"`
			MinZoom int      `json:"minzoom"`
			Version int64    `json:"layoutmap:dataset_version"`
		}
		if err := json.Unmarshal(read(tj), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc.Tiles) != 1 || !strings.HasPrefix(doc.Tiles[0], "pmtiles://tiles/") || doc.MinZoom != 5 || doc.Version != 1 {
			t.Errorf("%s: %+v", tj, doc)
		}
	}

	// Both archives pass verify, carry the version, and hold the live tiles.
	for _, c := range []struct{ file, liveTile, layer string }{
		{SiteArchive, "/tiles/", "zones"},
		{SiteEntArchive, "/tiles/enterprises/", "enterprise_cells"},
	} {
		r := verifyArchive(t, filepath.Join(site, c.file))
		if v := r.DatasetVersion(); v != 1 {
			t.Errorf("%s: metadata dataset version %d", c.file, v)
		}
		if h := r.Header(); h.MinZoom != 5 || h.MaxZoom != 7 {
			t.Errorf("%s: zooms %d–%d", c.file, h.MinZoom, h.MaxZoom)
		}
		if !strings.Contains(string(mustJSON(t, r.Metadata()["vector_layers"])), `"`+c.layer+`"`) {
			t.Errorf("%s: vector_layers lack %s", c.file, c.layer)
		}
		n := 0
		for _, id := range archive.TileIDs(boundOf(r.Header()), 5, 7) {
			z, x, y := pmtiles.IDToZxy(id)
			stored, err := r.Gzipped(context.Background(), z, x, y)
			if err != nil {
				t.Fatal(err)
			}
			path := c.liveTile + itoa(int(z)) + "/" + itoa(int(x)) + "/" + itoa(int(y)) + ".mvt"
			code, _, body := get(t, live+path, "identity")
			if stored == nil {
				if code != http.StatusNoContent {
					t.Errorf("%s: live %d, the archive has no tile", path, code)
				}
				continue
			}
			n++
			if code != http.StatusOK || !bytes.Equal(gunzip(t, stored), body) {
				t.Errorf("%s: archive tile differs from the live one (%d)", path, code)
			}
		}
		if n == 0 {
			t.Errorf("%s holds no tile", c.file)
		}
	}

	// The dataset the engine loads is the served one.
	fsys := os.DirFS(filepath.Join(site, SiteDataDir))
	ds, err := data.LoadDataset(fsys)
	if err != nil {
		t.Fatalf("the engine's dataset does not load: %v", err)
	}
	_, _, zones := get(t, live+"/api/v1/collections/zones/items?limit=1", "identity")
	var fc struct{ NumberMatched int }
	if err := json.Unmarshal(zones, &fc); err != nil || fc.NumberMatched != len(ds.Zones) {
		t.Errorf("site dataset has %d zones, the server %d (%v)", len(ds.Zones), fc.NumberMatched, err)
	}

	// Exporting again replaces the earlier export; a directory that is
	// not one is refused and left alone.
	if err := run(context.Background(), args, env(), io.Discard, io.Discard); err != nil {
		t.Errorf("export over an earlier export: %v", err)
	}
	other := filepath.Join(dir, "other")
	if err := os.MkdirAll(other, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(other, "keep.txt"), []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	err = run(context.Background(), []string{"export-site", other, "--maxzoom", "5"}, env(), io.Discard, io.Discard)
	if err == nil || !strings.Contains(err.Error(), "not an exported site") {
		t.Errorf("export into a foreign directory: %v", err)
	}
	if _, err := os.Stat(filepath.Join(other, "keep.txt")); err != nil {
		t.Errorf("foreign directory touched: %v", err)
	}
	for _, bad := range [][]string{{"export-site"}, {"export-site", site, "--minzoom", "9", "--maxzoom", "8"}, {"export-site", site, "extra", "x"}} {
		if err := run(context.Background(), bad, env(), io.Discard, io.Discard); err == nil {
			t.Errorf("%v: no error", bad)
		}
	}
}

// TestTilesExportEnterprises: with enterprises loaded, tiles export writes
// the enterprise layer to FILE.enterprises.pmtiles next to the composite.
func TestTilesExportEnterprises(t *testing.T) {
	dir := t.TempDir()
	ents := filepath.Join(dir, "e.csv")
	if err := run(context.Background(), []string{"synth", "enterprises", "--n", "300", "--seed", "4", "--out", ents}, env(), io.Discard, io.Discard); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "layout.pmtiles")
	var stdout bytes.Buffer
	if err := run(context.Background(), []string{"tiles", "export", "--out", out, "--minzoom", "5", "--maxzoom", "6", "--enterprises", ents, "--quiet"}, env(), &stdout, io.Discard); err != nil {
		t.Fatal(err)
	}
	entOut := filepath.Join(dir, "layout.enterprises.pmtiles")
	if EnterpriseArchivePath(out) != entOut || !strings.Contains(stdout.String(), "300 enterprises") {
		t.Errorf("output %q", stdout.String())
	}
	verifyArchive(t, out)
	r := verifyArchive(t, entOut)
	if r.Header().AddressedTilesCount == 0 || r.DatasetVersion() != 1 {
		t.Errorf("enterprise archive: %+v, version %d", r.Header(), r.DatasetVersion())
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
