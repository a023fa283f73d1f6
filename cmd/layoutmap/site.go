package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/paulmach/orb"

	"layoutmap/api"
	"layoutmap/data"
	"layoutmap/data/postgis"
	"layoutmap/geo"
	"layoutmap/tiles"
	"layoutmap/tiles/archive"
	"layoutmap/web"
)

// Files of an exported static site (layoutmap export-site DIR).
const (
	// SiteFile describes the site: dataset version and date, synthetic
	// data, tiers, archives (the web map reads it first).
	SiteFile = "site.json"
	// SiteArchive and SiteEntArchive are the PMTiles archives of the
	// composite tileset and the enterprises tileset.
	SiteArchive    = "tiles/layout.pmtiles"
	SiteEntArchive = "tiles/enterprises.pmtiles"
	// SiteDataDir holds the dataset in the bundled format, which the
	// site's WebAssembly engine (cmd/sitewasm) loads.
	SiteDataDir = "data"
	// SiteEnterpriseFile is the resolved enterprise list in SiteDataDir
	// (cmd/sitewasm's EnterpriseFile).
	SiteEnterpriseFile = "enterprises.json"
	// SiteEngine is the engine built by scripts/web.sh into web/dist.
	SiteEngine = "site/site.wasm"
)

// siteInfo is site.json.
type siteInfo struct {
	Name             string    `json:"name"`
	DatasetVersion   int64     `json:"dataset_version"`
	DatasetDate      string    `json:"dataset_date,omitempty"` // date of the version's import (PostGIS); "" when the store keeps none
	ExportedAt       string    `json:"exported_at"`
	LayoutmapVersion string    `json:"layoutmap_version"`
	Store            string    `json:"store"`
	Synthetic        bool      `json:"synthetic"`
	SyntheticNote    string    `json:"synthetic_note,omitempty"`
	Attribution      string    `json:"attribution,omitempty"`
	Vintage          string    `json:"vintage,omitempty"`
	Tiers            geo.Tiers `json:"tiers"`
	MinZoom          uint8     `json:"minzoom"`
	MaxZoom          uint8     `json:"maxzoom"`
	Archive          string    `json:"archive"`
	EntArchive       string    `json:"enterprises_archive,omitempty"`
	DataFiles        []string  `json:"data_files"`
	Engine           string    `json:"engine"`
}

// siteDocs are the filter-independent answers of the live API that the
// static site serves as files, by request path → file in DIR.
var siteDocs = []struct{ req, file string }{
	{"/api/v1/reference", "api/v1/reference.json"},
	{"/api/v1/clusters", "api/v1/clusters.json"},
	{"/api/v1/chains", "api/v1/chains.json"},
	{"/api/v1/regions", "api/v1/regions.json"},
	{"/api/v1/collections/cities/items?limit=10000&f=csv", "api/v1/collections/cities/items.csv"},
	{"/api/v1/collections/counties/items?limit=10000&f=csv", "api/v1/collections/counties/items.csv"},
}

// runExportSite is `layoutmap export-site DIR`: the web map as a static
// site (see docs/deploy.md "Static site").
func runExportSite(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("export-site", flag.ContinueOnError)
	fl.SetOutput(stderr)
	dbURL := fl.String("database-url", getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL to read (a replica will do); empty exports the embedded dataset (env DATABASE_URL)")
	entFile := fl.String("enterprises", getenv("LAYOUTMAP_ENTERPRISES"), "enterprise list the embedded store loads (as serve --enterprises); its layer goes into the site")
	minZ := fl.Int("minzoom", 0, "shallowest zoom of the tile archive")
	maxZ := fl.Int("maxzoom", DefaultArchiveMaxZoom, "deepest zoom of the tile archive (at most 16; the map overzooms beyond it)")
	quiet := fl.Bool("quiet", false, "no progress output")
	// DIR may come before or after the flags.
	var dir string
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		dir, args = args[0], args[1:]
	}
	if err := fl.Parse(args); err != nil {
		return err
	}
	if dir == "" && fl.NArg() == 1 {
		dir = fl.Arg(0)
	} else if fl.NArg() > 0 {
		return fmt.Errorf("export-site: unexpected arguments %q", fl.Args())
	}
	if dir == "" {
		return errors.New("export-site: usage: layoutmap export-site DIR [--minzoom N] [--maxzoom N] [--database-url URL] [--enterprises FILE]")
	}
	if *minZ < geo.MinZoom || *maxZ > geo.MaxZoom || *minZ > *maxZ {
		return fmt.Errorf("export-site: --minzoom %d and --maxzoom %d must lie within %d..%d with min ≤ max", *minZ, *maxZ, geo.MinZoom, geo.MaxZoom)
	}
	webFS := web.FS()
	if _, err := fs.Stat(webFS, SiteEngine); err != nil || !web.Built(webFS) {
		return errors.New("export-site: this binary has no built web map or site engine (web/dist/" + SiteEngine + "); run `make build`")
	}
	if err := checkSiteDir(dir); err != nil {
		return err
	}
	start := time.Now()
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := serveConfig{DatabaseURL: *dbURL, Enterprises: *entFile, TileCacheMB: 0}
	store, ds, ents, err := openSiteStore(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("export-site: %w", err)
	}
	defer store.Close()

	tmp := strings.TrimRight(dir, string(filepath.Separator)) + ".partial"
	if err := os.RemoveAll(tmp); err != nil {
		return fmt.Errorf("export-site: %w", err)
	}
	defer os.RemoveAll(tmp)
	info, err := writeSite(ctx, tmp, store, ds, ents, webFS, uint8(*minZ), uint8(*maxZ), progress(stderr, *quiet), log)
	if err != nil {
		return fmt.Errorf("export-site: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return fmt.Errorf("export-site: replacing %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return fmt.Errorf("export-site: moving the site into place: %w", err)
	}
	size, files := dirSize(dir)
	syn := ""
	if info.Synthetic {
		syn = " (holds synthetic data)"
	}
	_, err = fmt.Fprintf(stdout, "wrote the static site %s: dataset version %d%s, tiles z%d–z%d, %d files, %s in %s\n",
		dir, info.DatasetVersion, syn, info.MinZoom, info.MaxZoom, files, humanBytes(size), time.Since(start).Round(time.Millisecond))
	return err
}

// checkSiteDir refuses to replace a directory that is not an earlier export.
func checkSiteDir(dir string) error {
	ents, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("export-site: %w", err)
	}
	if len(ents) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, SiteFile)); err != nil {
		return fmt.Errorf("export-site: %s exists and is not an exported site (no %s); choose an empty or new directory", dir, SiteFile)
	}
	return nil
}

// openSiteStore opens the store as serve would and reads its whole dataset.
// The enterprise list comes with the embedded store only (PostGIS has no
// reader of the whole resolved list): nil otherwise.
func openSiteStore(ctx context.Context, cfg serveConfig, log *slog.Logger) (data.Store, *data.Dataset, []geo.Enterprise, error) {
	if cfg.DatabaseURL == "" {
		s, r, err := loadEmbedded(cfg, log, false)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("loading embedded dataset: %w", err)
		}
		return s, r.Dataset, r.Enterprises, nil
	}
	s, _, err := openStore(ctx, cfg, log)
	if err != nil {
		return nil, nil, nil, err
	}
	ds, err := postgis.ReadDataset(ctx, cfg.DatabaseURL)
	if err != nil {
		s.Close()
		return nil, nil, nil, err
	}
	return s, ds, nil, nil
}

// writeSite writes the whole site into dir (which it creates).
func writeSite(ctx context.Context, dir string, store data.Store, ds *data.Dataset, ents []geo.Enterprise, webFS fs.FS, minZ, maxZ uint8, prog func(done, total int), log *slog.Logger) (siteInfo, error) {
	var info siteInfo
	v0, err := store.Version(ctx)
	if err != nil {
		return info, fmt.Errorf("dataset version: %w", err)
	}
	// 1. The web map, with its pages marked as the static site and its
	// root-relative asset paths made relative (a site may live under a
	// path on its host).
	if err := copyWeb(webFS, dir); err != nil {
		return info, err
	}
	// 2. The tile archives.
	ts := tiles.New(store, tiles.Config{CacheBytes: -1})
	opt := archive.Options{MinZoom: minZ, MaxZoom: maxZ, Meta: tiles.Meta{Tiers: store.Tiers()}, Progress: prog}
	if err := os.MkdirAll(filepath.Join(dir, "tiles"), 0o755); err != nil {
		return info, err
	}
	st, err := archive.Export(ctx, ts, filepath.Join(dir, SiteArchive), opt)
	if err != nil {
		return info, err
	}
	// 3. The live API's filter-independent answers, from the same code
	// the server runs (an in-process app, no network).
	meta := tiles.Meta{Tiers: store.Tiers(), MinZoom: uint32(st.MinZoom), MaxZoom: uint32(st.MaxZoom)}
	app := api.New(api.Config{Store: store, Logger: log, Version: version, Extra: []func(*fiber.App){
		api.TileRoutes(api.TilesConfig{Tiles: ts, Meta: meta}), api.StatsRoutes(store), api.EnterpriseRoutes(store),
	}})
	get := func(target string) ([]byte, int, error) { return localGet(app, target) }
	if err := writeSiteDocs(get, dir, st); err != nil {
		return info, err
	}
	// 4. The enterprise layer, when a list is loaded.
	ei, err := writeSiteEnterprises(ctx, get, store, dir, opt)
	if err != nil {
		return info, err
	}
	if ei.Count > 0 {
		info.EntArchive = SiteEntArchive
	}
	// 5. The dataset for the engine.
	if info.DataFiles, err = writeEngineData(dir, ds, ents); err != nil {
		return info, err
	}
	// 6. site.json, once everything is written from one version.
	if v1, err := store.Version(ctx); err != nil || v1 != v0 || st.Version != v0 {
		return info, fmt.Errorf("%w; run the export again", archive.ErrVersionChanged)
	}
	info.describe(ctx, store, ds, v0, st, ei)
	b, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return info, err
	}
	return info, writeFile(dir, SiteFile, append(b, '\n'))
}

// writeSiteDocs writes the API documents of siteDocs and the composite
// TileJSON (pointing at the archive of st), read through get.
func writeSiteDocs(get func(string) ([]byte, int, error), dir string, st archive.Stats) error {
	for _, d := range siteDocs {
		b, code, err := get(d.req)
		if err != nil || code != http.StatusOK {
			return fmt.Errorf("reading %s from the API: status %d: %v", d.req, code, err)
		}
		if err := writeFile(dir, d.file, b); err != nil {
			return err
		}
	}
	return writeTileJSON(get, "/tiles/layout.json", dir, "tiles/layout.json", SiteArchive, st)
}

// siteEnterprises is what the site says of the enterprise list (the
// API's enterprise info); Count 0 when none is loaded.
type siteEnterprises struct {
	Count     int    `json:"count"`
	Synthetic int    `json:"synthetic"`
	Note      string `json:"note"`
}

// writeSiteEnterprises writes, when the store holds enterprises, their
// info document, archive and TileJSON.
func writeSiteEnterprises(ctx context.Context, get func(string) ([]byte, int, error), store data.Store, dir string, opt archive.Options) (siteEnterprises, error) {
	var ei siteEnterprises
	entInfo, code, err := get("/api/v1/enterprises/info")
	if err != nil {
		return ei, err
	}
	if code == http.StatusOK {
		if err := json.Unmarshal(entInfo, &ei); err != nil {
			return ei, fmt.Errorf("enterprise info: %w", err)
		}
	}
	if ei.Count == 0 {
		return ei, nil
	}
	if err := writeFile(dir, "api/v1/enterprises/info.json", entInfo); err != nil {
		return ei, err
	}
	tj, _, err := get("/tiles/enterprises.json")
	if err != nil {
		return ei, err
	}
	est, err := exportEnterprises(ctx, store, filepath.Join(dir, SiteEntArchive), opt, tj)
	if err != nil {
		return ei, err
	}
	return ei, writeTileJSON(get, "/tiles/enterprises.json", dir, "tiles/enterprises.json", SiteEntArchive, est)
}

// writeEngineData writes the engine's dataset (engineDataset) and, when it
// is small enough, the resolved enterprise list; it returns the file
// names, sorted.
func writeEngineData(dir string, ds *data.Dataset, ents []geo.Enterprise) ([]string, error) {
	files, err := data.EncodeDataset(engineDataset(ds), "layoutmap static site dataset (admin and region outlines as bounding boxes)")
	if err != nil {
		return nil, err
	}
	if ents != nil && len(ents) <= SiteEngineMaxEnterprises {
		// The resolved list, so the engine answers the enterprise panel's
		// items as the server does (its stats need the server).
		if files[SiteEnterpriseFile], err = json.Marshal(ents); err != nil {
			return nil, fmt.Errorf("enterprise list: %w", err)
		}
	}
	var names []string
	for name, b := range files {
		if err := writeFile(dir, path.Join(SiteDataDir, name), b); err != nil {
			return nil, err
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return names, nil
}

// describe fills the site's description: dataset version v0 and date,
// export time, store, synthetic note, tiers, zooms and files.
func (info *siteInfo) describe(ctx context.Context, store data.Store, ds *data.Dataset, v0 int64, st archive.Stats, ei siteEnterprises) {
	info.Name = "河南省开发区与产业集群布局图 · layoutmap static site"
	info.DatasetVersion = v0
	info.DatasetDate = datasetDate(ctx, store)
	info.ExportedAt = time.Now().UTC().Format(time.RFC3339)
	info.LayoutmapVersion = version
	info.Store = "embedded"
	if _, ok := store.(*postgis.Store); ok {
		info.Store = "postgis"
	}
	info.Synthetic = ei.Synthetic > 0
	info.SyntheticNote = ei.Note
	info.Tiers = store.Tiers()
	info.MinZoom, info.MaxZoom = st.MinZoom, st.MaxZoom
	info.Archive = SiteArchive
	info.Engine = SiteEngine
	info.Attribution = ds.Attribution
	info.Vintage = ds.Vintage
}

// engineDataset is ds with every admin and region outline replaced by its
// bounding box. The engine never returns or draws them (its filters use
// codes and members, its routes return zones and enterprises; the map's
// outlines come from the archive at full detail), and parsing the full
// boundaries in WebAssembly dominated the page's start: 6.6 MiB of GeoJSON,
// seconds on a loaded machine.
func engineDataset(ds *data.Dataset) *data.Dataset {
	out := *ds
	out.Admin = slices.Clone(ds.Admin)
	for i := range out.Admin {
		out.Admin[i].Geom = boxOf(out.Admin[i].Geom)
	}
	out.Regions = slices.Clone(ds.Regions)
	for i := range out.Regions {
		out.Regions[i].Geom = boxOf(out.Regions[i].Geom)
	}
	return &out
}

func boxOf(mp orb.MultiPolygon) orb.MultiPolygon {
	if len(mp) == 0 {
		return mp
	}
	return orb.MultiPolygon{mp.Bound().ToPolygon()}
}

// SiteEngineMaxEnterprises bounds the enterprise list the engine loads:
// a larger list (about 500 bytes of JSON each) would make every visit
// download and parse it before the first answer. Above it the site still
// has the enterprise layer's archive; its panel counts need the server.
const SiteEngineMaxEnterprises = 20000

// localHost is the host of localGet's requests; the links the API writes
// with it become root-relative paths (the API's, as on a live server).
const localHost = "layoutmap.invalid"

// localGet answers target with the in-process app (no network).
func localGet(app *fiber.App, target string) ([]byte, int, error) {
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Host = localHost
	resp, err := app.Test(req, -1)
	if err != nil {
		return nil, 0, fmt.Errorf("GET %s: %w", target, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	return bytes.ReplaceAll(b, []byte(`"http://`+localHost+`/`), []byte(`"/`)), resp.StatusCode, err
}

// writeTileJSON stores the server's TileJSON at file with its tile URL
// pointing at the archive through the pmtiles protocol (a path relative to
// the site; the web map makes it absolute) and the archive's zooms.
func writeTileJSON(get func(string) ([]byte, int, error), req, dir, file, arch string, st archive.Stats) error {
	b, code, err := get(req)
	if err != nil || code != http.StatusOK {
		return fmt.Errorf("reading %s from the API: status %d: %v", req, code, err)
	}
	var tj map[string]any
	if err := json.Unmarshal(b, &tj); err != nil {
		return fmt.Errorf("%s: %w", req, err)
	}
	tj["tiles"] = []string{"pmtiles://" + arch + "/{z}/{x}/{y}"}
	tj["minzoom"], tj["maxzoom"] = st.MinZoom, st.MaxZoom
	tj[archive.MetaDatasetVersion] = st.Version
	out, err := json.MarshalIndent(tj, "", "  ")
	if err != nil {
		return err
	}
	return writeFile(dir, file, out)
}

// exportEnterprises writes the enterprises tileset (all enterprises, no
// class or chain filter) as a PMTiles archive; tileJSON is the server's
// /tiles/enterprises.json, which becomes the metadata.
func exportEnterprises(ctx context.Context, store data.Store, out string, opt archive.Options, tileJSON []byte) (archive.Stats, error) {
	es, ok := store.(data.EnterpriseStore)
	if !ok {
		return archive.Stats{}, errors.New("the store holds no enterprises")
	}
	inf, err := es.EnterpriseInfo(ctx)
	if err != nil {
		return archive.Stats{}, err
	}
	synthetic := inf.Synthetic > 0
	tile := func(ctx context.Context, q geo.TileQuery) ([]byte, int64, error) {
		v, err := store.Version(ctx)
		if err != nil {
			return nil, 0, err
		}
		t, err := es.EnterpriseTile(ctx, q)
		if err != nil {
			return nil, v, err
		}
		body, err := tiles.EncodeEnterprises(t, q.Z, q.X, q.Y, synthetic)
		if err != nil || len(body) == 0 {
			return nil, v, err
		}
		var b bytes.Buffer
		zw := gzip.NewWriter(&b)
		if _, err := zw.Write(body); err != nil {
			return nil, v, err
		}
		if err := zw.Close(); err != nil {
			return nil, v, err
		}
		return b.Bytes(), v, nil
	}
	meta := func(minZ, maxZ uint8, v int64) (map[string]any, error) {
		var m map[string]any
		if err := json.Unmarshal(tileJSON, &m); err != nil {
			return nil, fmt.Errorf("enterprise TileJSON: %w", err)
		}
		delete(m, "tiles")
		m["minzoom"], m["maxzoom"], m["format"] = minZ, maxZ, "pbf"
		m[archive.MetaDatasetVersion] = v
		m[archive.MetaFilter] = ""
		return m, nil
	}
	if inf.Count > 0 {
		opt.Meta.Bounds = inf.Bound
	}
	return archive.ExportTiles(ctx, out, opt, store.Version, tile, meta)
}

// datasetDate is the date of the version being served, when the store
// keeps a history (PostGIS), else "".
func datasetDate(ctx context.Context, store data.Store) string {
	vl, ok := store.(data.VersionLister)
	if !ok {
		return ""
	}
	vs, err := vl.Versions(ctx)
	if err != nil {
		return ""
	}
	for _, v := range vs {
		if v.Current {
			return v.CreatedAt.UTC().Format("2006-01-02")
		}
	}
	return ""
}

// copyWeb copies the built web map into dir. Its pages get
// data-site="static" on <body> (the app then reads files and the engine
// instead of the API) and relative asset paths.
func copyWeb(webFS fs.FS, dir string) error {
	return fs.WalkDir(webFS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || p == ".gitkeep" {
			return err
		}
		b, err := fs.ReadFile(webFS, p)
		if err != nil {
			return err
		}
		if p == "index.html" || p == "embed.html" {
			s := string(b)
			s = strings.Replace(s, "<body ", `<body data-site="static" `, 1)
			s = strings.ReplaceAll(s, `"/assets/`, `"assets/`)
			s = strings.ReplaceAll(s, `"/fonts/`, `"fonts/`)
			if !strings.Contains(s, `data-site="static"`) {
				return fmt.Errorf("web map %s: no <body> to mark as the static site", p)
			}
			b = []byte(s)
		}
		return writeFile(dir, p, b)
	})
}

func writeFile(dir, name string, b []byte) error {
	p := filepath.Join(dir, filepath.FromSlash(name))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	return os.WriteFile(p, b, 0o644)
}

// dirSize is the total size and number of files under dir.
func dirSize(dir string) (int64, int) {
	var n int64
	var files int
	_ = filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
				files++
			}
		}
		return nil
	})
	return n, files
}
