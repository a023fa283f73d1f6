// Command layoutmap serves Henan's industrial layout: the features API,
// vector tiles, the web map and static images, over the embedded dataset or
// a PostGIS database.
//
//	layoutmap [serve] [--addr 127.0.0.1:8080] [--database-url URL] [--log-level info] [--request-timeout 10s]
//	                  [--cors-origins O] [--embed-origins O] [--font FILE] [--tile-cache-mb 256]
//	layoutmap version
//	layoutmap migrate --database-url URL
//	layoutmap import  --database-url URL ...
//	layoutmap import  --check [--database-url URL] ...
//	layoutmap versions --database-url URL
//	layoutmap rollback --database-url URL V
//	layoutmap export  [--database-url URL] --out DIR
//	layoutmap template --out DIR
//
// Every flag falls back to an environment variable (LAYOUTMAP_ADDR,
// DATABASE_URL, LAYOUTMAP_LOG_LEVEL, LAYOUTMAP_REQUEST_TIMEOUT,
// LAYOUTMAP_CORS_ORIGINS, LAYOUTMAP_EMBED_ORIGINS, LAYOUTMAP_FONT,
// LAYOUTMAP_TILE_CACHE_MB, LAYOUTMAP_PPROF). This is the
// only package that reads flags and the environment; it wires the store into
// the api package.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/gofiber/fiber/v2"

	"layoutmap/admin"
	"layoutmap/api"
	"layoutmap/data"
	"layoutmap/data/memstore"
	"layoutmap/data/postgis"
	"layoutmap/tiles"
	"layoutmap/tiles/glyphs"
	"layoutmap/tiles/static"
	"layoutmap/web"
)

// version is set at build time: -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr); err != nil {
		printError(os.Stderr, err)
		stop()
		os.Exit(1)
	}
}

// printError writes err for a person at a terminal: a refused list or
// dataset (data.ProblemsError) one problem per line, as `import` reports
// rejected rows, rather than every row on one line.
func printError(w io.Writer, err error) {
	var pe *data.ProblemsError
	if !errors.As(err, &pe) {
		fmt.Fprintln(w, "layoutmap:", err)
		return
	}
	head, _, _ := strings.Cut(err.Error(), pe.Error())
	fmt.Fprintf(w, "layoutmap: %s%d problem(s):\n", head, len(pe.Problems))
	for i, p := range pe.Problems {
		if i == 100 {
			fmt.Fprintf(w, "  … %d more\n", len(pe.Problems)-100)
			break
		}
		fmt.Fprintln(w, " ", p.String())
	}
}

// helpIsNoError treats -h as success: the flag package has printed the usage.
func helpIsNoError(err error) error {
	if errors.Is(err, flag.ErrHelp) {
		return nil
	}
	return err
}

// run is main without the process: tests call it with their own context,
// arguments, environment and writers. It returns when the command is done
// or, for serve, when ctx is cancelled and the server has shut down.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	cmd := "serve"
	if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
		// The command list, not only serve's flags: a new user's first question.
		_, err := fmt.Fprint(stdout, usage)
		return err
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		cmd, args = args[0], args[1:]
	}
	switch cmd {
	case "serve":
		cfg, err := parseServe(args, getenv, stderr)
		if errors.Is(err, flag.ErrHelp) {
			return nil // the flag package has printed the usage
		}
		if err != nil {
			return err
		}
		cfg.applyBudget = true
		return serve(ctx, cfg, stderr, nil)
	case "version":
		_, err := fmt.Fprintln(stdout, "layoutmap", version)
		return err
	case "migrate":
		return helpIsNoError(runMigrate(ctx, args, getenv, stdout, stderr))
	case "import":
		return helpIsNoError(runImport(ctx, args, getenv, stdout, stderr))
	case "versions":
		return helpIsNoError(runVersions(ctx, args, getenv, stdout, stderr))
	case "rollback":
		return helpIsNoError(runRollback(ctx, args, getenv, stdout, stderr))
	case "admin":
		return helpIsNoError(runAdmin(args, os.Stdin, stdout, stderr))
	case "export":
		return helpIsNoError(runExport(ctx, args, getenv, stdout, stderr))
	case "template":
		return helpIsNoError(runTemplate(args, stdout, stderr))
	case "tiles":
		return helpIsNoError(runTiles(ctx, args, getenv, stdout, stderr))
	case "export-site":
		return helpIsNoError(runExportSite(ctx, args, getenv, stdout, stderr))
	case "synth":
		return helpIsNoError(runSynth(args, getenv, stdout, stderr))
	case "help":
		_, err := fmt.Fprint(stdout, usage)
		return err
	default:
		return fmt.Errorf("unknown command %q\n%s", cmd, usage)
	}
}

const usage = `usage: layoutmap [command] [flags]

commands:
  serve     serve the API, tiles and web map (default)
  version   print the version
  migrate   apply database migrations (needs --database-url)
  import    import data into the database (needs --database-url)
  versions  list the dataset versions kept in the database
  rollback  restore a kept version V as a new version: rollback V
  admin     admin set-password --file F: store the /admin password's bcrypt hash (password read from stdin)
  export    write the whole dataset (--database-url, else embedded) to --out DIR in the import format
  template  write the bilingual revenue templates (.xlsx, .csv) to --out DIR
  synth enterprises  write a clearly synthetic enterprise list (--n N --seed S --out FILE) for benchmarks and demos
  tiles export  write the tileset as a PMTiles v3 archive (--out FILE.pmtiles, --minzoom, --maxzoom, --filter)
                and, with enterprises loaded, FILE.enterprises.pmtiles
  export-site DIR  write the web map as a static site (PMTiles, data, WebAssembly filters) for any static host or CDN

run "layoutmap serve -h" for the serve flags.
`

// serveConfig is the parsed serve command line.
type serveConfig struct {
	Addr           string
	DatabaseURL    string
	LogLevel       slog.Level
	RequestTimeout time.Duration
	CORSOrigins    []string
	EmbedOrigins   []string
	PublicURL      string
	TrustedProxies []string
	FontPath       string
	// ApprovalNumber is the map approval number (审图号) drawn in the
	// footer of static images (--map-approval-number); "" draws none.
	ApprovalNumber string
	TileCacheMB    int
	// MaxRender bounds images drawn at once (--max-render-concurrency).
	MaxRender int
	// MaxImagePixels bounds one image's width·scale × height·scale.
	MaxImagePixels int
	// MaxPixelsPerSecond bounds PNG pixels drawn per second (0: none).
	MaxPixelsPerSecond int
	// applyBudget sets the process's soft memory limit to the budget; only
	// the real command does (tests share one process between servers).
	applyBudget bool
	PprofAddr   string // loopback address of the profiler; "" keeps it off
	// PMTiles, when set, is a PMTiles archive (file or http(s) URL) the
	// tiles are served from instead of being encoded from the store.
	PMTiles string
	// AdminHash is the /admin password's bcrypt hash; nil keeps /admin off.
	AdminHash []byte
	// WriteDatabaseURL is the DSN /admin imports through.
	WriteDatabaseURL string
	KeepVersions     int
	// Enterprises is an enterprise list (CSV, XLSX or GeoJSON) the
	// embedded store loads at start-up; EnterprisesCRS its datum.
	Enterprises    string
	EnterprisesCRS string
	// DataDir is a data directory the embedded store serves instead of
	// the bundled dataset (package load); DataCRS the datum of its
	// importer-format files.
	DataDir string
	DataCRS string
}

// parseServe reads serve's flags, each falling back to its environment
// variable, then validates them.
func parseServe(args []string, getenv func(string) string, stderr io.Writer) (serveConfig, error) {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	f := defineServeFlags(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return serveConfig{}, err
	}
	if fs.NArg() > 0 {
		return serveConfig{}, fmt.Errorf("serve: unexpected arguments %q", fs.Args())
	}
	cfg := serveConfig{Addr: *f.addr, DatabaseURL: *f.dbURL, WriteDatabaseURL: *f.writeURL, PMTiles: *f.pmt, Enterprises: *f.ents, EnterprisesCRS: *f.entsCRS,
		DataDir: *f.dataDir, DataCRS: *f.dataCRS}
	for _, step := range []func(*serveConfig) error{f.storeSettings, f.httpSettings, f.limitSettings} {
		if err := step(&cfg); err != nil {
			return serveConfig{}, err
		}
	}
	if _, _, err := net.SplitHostPort(cfg.Addr); err != nil {
		return serveConfig{}, fmt.Errorf("serve: --addr: %w", err)
	}
	return cfg, nil
}

// serveFlags are serve's flags as given (text), before validation.
type serveFlags struct {
	addr, dbURL, writeURL, adminFile, keep, pmt     *string
	ents, entsCRS, dataDir, dataCRS                 *string
	level, timeout, cors, embed, publicURL, proxies *string
	font, approval, pprofAddr                       *string
	tileCache, maxRender, maxPixels, pixelRate      *string
}

// defineServeFlags defines serve's flags on fs, each with its environment
// variable as the default.
func defineServeFlags(fs *flag.FlagSet, getenv func(string) string) *serveFlags {
	env := func(k, def string) string {
		if v := getenv(k); v != "" {
			return v
		}
		return def
	}
	f := &serveFlags{}
	f.addr = fs.String("addr", env("LAYOUTMAP_ADDR", "127.0.0.1:8080"), "listen address (env LAYOUTMAP_ADDR)")
	f.dbURL = fs.String("database-url", env("DATABASE_URL", ""), "PostgreSQL/PostGIS URL; empty serves the embedded dataset (env DATABASE_URL)")
	f.level = fs.String("log-level", env("LAYOUTMAP_LOG_LEVEL", "info"), "debug, info, warn or error (env LAYOUTMAP_LOG_LEVEL)")
	f.timeout = fs.String("request-timeout", env("LAYOUTMAP_REQUEST_TIMEOUT", api.DefaultRequestTimeout.String()), "deadline of one request's store calls (env LAYOUTMAP_REQUEST_TIMEOUT)")
	f.cors = fs.String("cors-origins", env("LAYOUTMAP_CORS_ORIGINS", ""), "comma-separated origins allowed to call the API from browsers, * for any; empty disables CORS (env LAYOUTMAP_CORS_ORIGINS)")
	f.embed = fs.String("embed-origins", env("LAYOUTMAP_EMBED_ORIGINS", ""), "comma-separated origins allowed to frame /embed (CSP frame-ancestors); empty allows any site, since /embed is a read-only view meant for reports (env LAYOUTMAP_EMBED_ORIGINS)")
	f.font = fs.String("font", env("LAYOUTMAP_FONT", ""), "CJK font file (.ttc/.otf/.ttf) for labels in /static/map.png; empty searches the system (env LAYOUTMAP_FONT)")
	f.approval = fs.String("map-approval-number", env("LAYOUTMAP_MAP_APPROVAL_NUMBER", ""), "map approval number (审图号) this deployment holds, drawn as a footer line of /static/map.png and .svg; empty draws none (the source line says the boundaries are not officially reviewed either way) (env LAYOUTMAP_MAP_APPROVAL_NUMBER)")
	f.publicURL = fs.String("public-url", env("LAYOUTMAP_PUBLIC_URL", ""), "scheme://host[/prefix] clients reach this server at; when set it is the base of every link (features, TileJSON, style) and forwarding headers are ignored (env LAYOUTMAP_PUBLIC_URL)")
	f.proxies = fs.String("trusted-proxies", env("LAYOUTMAP_TRUSTED_PROXIES", ""), "comma-separated IPs or CIDRs of reverse proxies whose Forwarded (RFC 7239) or X-Forwarded-Host/-Proto headers build links when --public-url is empty; from other peers those headers are ignored (env LAYOUTMAP_TRUSTED_PROXIES)")
	f.tileCache = fs.String("tile-cache-mb", env("LAYOUTMAP_TILE_CACHE_MB", "256"), "memory for the cache of encoded tiles, MB; 0 disables it (env LAYOUTMAP_TILE_CACHE_MB)")
	f.maxRender = fs.String("max-render-concurrency", env("LAYOUTMAP_MAX_RENDER_CONCURRENCY", "0"), "static images drawn at once (each 4096² PNG holds ~130 MB while drawn); 0 is the number of CPUs (env LAYOUTMAP_MAX_RENDER_CONCURRENCY)")
	f.maxPixels = fs.String("max-image-pixels", env("LAYOUTMAP_MAX_IMAGE_PIXELS", strconv.Itoa(static.MaxPixels)), "largest static image, width·scale × height·scale pixels (4 bytes each while drawn) (env LAYOUTMAP_MAX_IMAGE_PIXELS)")
	f.pprofAddr = fs.String("pprof", env("LAYOUTMAP_PPROF", ""), "loopback address (such as 127.0.0.1:6060) for Go's profiler at /debug/pprof/; empty keeps it off (env LAYOUTMAP_PPROF)")
	f.adminFile = fs.String("admin-password-file", env("LAYOUTMAP_ADMIN_PASSWORD_FILE", ""), "file with the bcrypt hash of the /admin password (layoutmap admin set-password); empty keeps /admin off (env LAYOUTMAP_ADMIN_PASSWORD_FILE)")
	f.writeURL = fs.String("write-database-url", env("LAYOUTMAP_WRITE_DATABASE_URL", ""), "PostGIS URL of a role that may import, used only by /admin; serving keeps --database-url (env LAYOUTMAP_WRITE_DATABASE_URL)")
	f.keep = keepFlag(fs, getenv)
	f.pixelRate = fs.String("max-image-pixels-per-second", env("LAYOUTMAP_MAX_IMAGE_PIXELS_PER_SECOND", "0"), "PNG pixels drawn per second over all requests; past it requests wait up to 5 s, then 503; 0 is no limit (env LAYOUTMAP_MAX_IMAGE_PIXELS_PER_SECOND)")
	f.ents = fs.String("enterprises", env("LAYOUTMAP_ENTERPRISES", ""), "enterprise list (CSV, XLSX or GeoJSON; see docs/enterprises.md) the embedded store serves; every row is checked and any bad row stops the start-up (env LAYOUTMAP_ENTERPRISES)")
	f.entsCRS = fs.String("enterprises-crs", env("LAYOUTMAP_ENTERPRISES_CRS", "wgs84"), "datum of the enterprise list's coordinates: wgs84, gcj02 or bd09 (env LAYOUTMAP_ENTERPRISES_CRS)")
	f.dataDir = fs.String("data", env("LAYOUTMAP_DATA", ""), "data directory the embedded store serves instead of the bundled dataset: a `layoutmap export` directory, or any of admin.geojson, zones.geojson, revenue.csv/.xlsx (composed onto the bundled dataset as an import would), plus enterprises.csv/.xlsx/.geojson when present; every file is checked and any bad row stops the start-up (env LAYOUTMAP_DATA)")
	f.dataCRS = fs.String("data-crs", env("LAYOUTMAP_DATA_CRS", "wgs84"), "datum of the coordinates of --data's admin.geojson and zones.geojson when the directory is not in the bundled format: wgs84, gcj02 or bd09 (env LAYOUTMAP_DATA_CRS)")
	f.pmt = fs.String("pmtiles", env("LAYOUTMAP_PMTILES", ""), "PMTiles archive (file or http(s) URL, from `layoutmap tiles export`) to serve tiles from instead of encoding them; the other routes still read the store (env LAYOUTMAP_PMTILES)")
	return f
}

// storeSettings checks the flags choosing the store and what it loads
// (enterprises, data directory, /admin's password and write DSN, kept
// versions) against each other.
func (f *serveFlags) storeSettings(c *serveConfig) error {
	if c.Enterprises != "" && c.DatabaseURL != "" {
		return errors.New("serve: --enterprises loads a list into the embedded store; with --database-url import it once with `layoutmap import --enterprises FILE` instead")
	}
	if c.DataDir != "" && c.DatabaseURL != "" {
		return errors.New("serve: --data loads a directory into the embedded store; with --database-url the data comes from PostGIS (load the directory with `layoutmap import --dir`)")
	}
	if *f.adminFile != "" {
		h, err := admin.ReadHashFile(*f.adminFile)
		if err != nil {
			return fmt.Errorf("serve: --admin-password-file: %w", err)
		}
		c.AdminHash = h
	}
	if c.WriteDatabaseURL != "" && c.DatabaseURL == "" {
		return errors.New("serve: --write-database-url needs --database-url (the read-only DSN serving uses)")
	}
	k, err := parseKeep(*f.keep)
	if err != nil {
		return fmt.Errorf("serve: %w", err)
	}
	c.KeepVersions = k
	return nil
}

// httpSettings reads the flags of logging, request deadlines, origins,
// links, the static images' font and approval number, and the profiler.
func (f *serveFlags) httpSettings(c *serveConfig) error {
	if err := c.LogLevel.UnmarshalText([]byte(*f.level)); err != nil {
		return fmt.Errorf("serve: --log-level: %w", err)
	}
	d, err := time.ParseDuration(*f.timeout)
	if err != nil || d <= 0 {
		return fmt.Errorf("serve: --request-timeout must be a positive duration such as 10s, got %q", *f.timeout)
	}
	c.RequestTimeout = d
	c.CORSOrigins = splitList(*f.cors)
	c.EmbedOrigins = splitList(*f.embed)
	c.FontPath = *f.font
	if err := static.CheckApprovalNumber(*f.approval); err != nil {
		return fmt.Errorf("serve: --map-approval-number: %w", err)
	}
	c.ApprovalNumber = strings.TrimSpace(*f.approval)
	if *f.publicURL != "" {
		u, err := url.Parse(*f.publicURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("serve: --public-url must be http(s)://host[:port][/prefix], got %q", *f.publicURL)
		}
		c.PublicURL = strings.TrimSuffix(*f.publicURL, "/")
	}
	c.TrustedProxies = splitList(*f.proxies)
	for _, p := range c.TrustedProxies {
		if _, _, err := net.ParseCIDR(p); err != nil && net.ParseIP(p) == nil {
			return fmt.Errorf("serve: --trusted-proxies: %q is neither an IP nor a CIDR", p)
		}
	}
	c.PprofAddr = *f.pprofAddr
	return nil
}

// limitSettings reads the memory and drawing limits.
func (f *serveFlags) limitSettings(c *serveConfig) error {
	mb, err := strconv.Atoi(strings.TrimSpace(*f.tileCache))
	if err != nil || mb < 0 {
		return fmt.Errorf("serve: --tile-cache-mb must be a whole number ≥ 0, got %q", *f.tileCache)
	}
	c.TileCacheMB = mb
	if c.MaxRender, err = strconv.Atoi(strings.TrimSpace(*f.maxRender)); err != nil || c.MaxRender < 0 {
		return fmt.Errorf("serve: --max-render-concurrency must be a whole number ≥ 0, got %q", *f.maxRender)
	}
	if c.MaxPixelsPerSecond, err = strconv.Atoi(strings.TrimSpace(*f.pixelRate)); err != nil || c.MaxPixelsPerSecond < 0 {
		return fmt.Errorf("serve: --max-image-pixels-per-second must be a whole number ≥ 0, got %q", *f.pixelRate)
	}
	if c.MaxImagePixels, err = strconv.Atoi(strings.TrimSpace(*f.maxPixels)); err != nil || c.MaxImagePixels < 1 || c.MaxImagePixels > static.MaxPixels {
		return fmt.Errorf("serve: --max-image-pixels must be a whole number from 1 to %d, got %q", static.MaxPixels, *f.maxPixels)
	}
	return nil
}

// serve opens the store, listens and serves until ctx is done, then shuts
// down gracefully. When ready is not nil it receives the bound address
// once the listener is open (tests listen on port 0).
func serve(ctx context.Context, cfg serveConfig, stderr io.Writer, ready chan<- string) error {
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.MaxImagePixels <= 0 {
		cfg.MaxImagePixels = static.MaxPixels
	}
	if cfg.applyBudget {
		if mb := applyMemoryBudget(cfg); mb > 0 {
			log.Info("memory budget", "mb", mb, "tile_cache_mb", cfg.TileCacheMB, "max_render_concurrency", cfg.MaxRender, "note", "Go soft memory limit (GOMEMLIMIT unset); see docs/reliability.md")
		}
	}
	store, storeName, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer background.Wait() // last: after the server and the store
	defer store.Close()
	if cfg.applyBudget {
		if pct, live := tuneGC(); pct > 0 && pct != 100 {
			log.Info("collector tuned to the resident data", "gogc", pct, "live_heap_mb", live, "headroom_mb", gcHeadroomMB, "note", "GOGC unset; see docs/reliability.md")
		}
	}
	if cfg.PprofAddr != "" {
		if _, err := startPprof(ctx, cfg.PprofAddr, log); err != nil {
			return err
		}
	}

	ts := tileService(store, cfg)
	meta := tiles.Meta{Tiers: store.Tiers()}
	if cfg.PMTiles != "" {
		ar, err := openArchive(ctx, cfg.PMTiles, store, log)
		if err != nil {
			return err
		}
		defer ar.Close()
		ts = tiles.New(ar, tiles.Config{CacheBytes: tileCacheBytes(cfg)})
		h := ar.Header()
		meta.MinZoom, meta.MaxZoom = uint32(h.MinZoom), uint32(h.MaxZoom)
	}
	st, err := api.NewStatic(api.StaticConfig{Store: store, FontPath: cfg.FontPath, ApprovalNumber: cfg.ApprovalNumber, Logger: log, Versions: ts,
		MaxConcurrent: cfg.MaxRender, MaxPixels: cfg.MaxImagePixels, MaxPixelsPerSecond: cfg.MaxPixelsPerSecond})
	if err != nil {
		return fmt.Errorf("serve: static images: %w", err)
	}
	extra := extraRoutes(store, ts, meta, st, cfg, log)
	app := api.New(api.Config{
		Store:          store,
		Logger:         log,
		Version:        version,
		RequestTimeout: cfg.RequestTimeout,
		CORSOrigins:    cfg.CORSOrigins,
		PublicURL:      cfg.PublicURL,
		TrustedProxies: cfg.TrustedProxies,
		Extra:          extra,
		TileCache:      ts,
		Static:         st,
	})
	return listenAndServe(ctx, app, cfg, storeName, log, ready)
}

// listenAndServe serves app on cfg.Addr until ctx is done, then shuts it
// down, giving requests in flight their deadline plus a margin.
func listenAndServe(ctx context.Context, app *fiber.App, cfg serveConfig, storeName string, log *slog.Logger, ready chan<- string) error {
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("serve: listening on %s: %w", cfg.Addr, err)
	}
	addr := ln.Addr().String()
	log.Info("serving", "store", storeName, "addr", addr, "url", "http://"+addr+"/", "version", version)
	if ready != nil {
		ready <- addr
	}
	errc := make(chan error, 1)
	go func() { errc <- app.Listener(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	log.Info("shutting down")
	// Requests in flight get their own deadline plus a margin to finish.
	sctx, cancel := context.WithTimeout(context.Background(), cfg.RequestTimeout+5*time.Second)
	defer cancel()
	if err := app.ShutdownWithContext(sctx); err != nil {
		return fmt.Errorf("serve: shutting down: %w", err)
	}
	// A stop asked for during start-up (seconds with a large enterprise
	// list) can come before the listener goroutine has started serving;
	// Shutdown then finds no server and it would serve on: closing the
	// listener ends it either way.
	ln.Close()
	if err := <-errc; err != nil && !errors.Is(err, net.ErrClosed) {
		return fmt.Errorf("serve: %w", err)
	}
	log.Info("stopped")
	return nil
}

// openStore returns the PostGIS store when a database URL is set, else the
// embedded one, and a name for the startup log.
func openStore(ctx context.Context, cfg serveConfig, log *slog.Logger) (data.Store, string, error) {
	if cfg.DatabaseURL != "" {
		s, err := openPostGIS(ctx, cfg.DatabaseURL, log)
		if err != nil {
			return nil, "", fmt.Errorf("serve: opening database: %w", err)
		}
		return s, "postgis", nil
	}
	start := time.Now()
	s, err := openEmbedded(cfg, log)
	if err != nil {
		return nil, "", fmt.Errorf("serve: loading embedded dataset: %w", err)
	}
	log.Info("embedded dataset loaded", "store", "memstore", "dur_ms", time.Since(start).Milliseconds())
	return s, "embedded (memstore)", nil
}

// extraRoutes are the route groups beyond the features API: tiles,
// statistics, static images and the web map.
func extraRoutes(store data.Store, ts *tiles.Service, meta tiles.Meta, st *api.Static, cfg serveConfig, log *slog.Logger) []func(*fiber.App) {
	// SDF glyphs for the style's text layers, from the CJK font static
	// PNGs use; without one the style has no glyphs URL (maplibre-gl draws
	// labels locally; MapLibre Native cannot).
	var gs *glyphs.Server
	if fonts, ferr := static.LoadFonts(cfg.FontPath); ferr == nil {
		gs = glyphs.New(fonts.Regular)
	} else {
		log.Warn("no glyphs for the style: no CJK font", "err", ferr)
	}
	routes := []func(*fiber.App){
		api.TileRoutes(api.TilesConfig{Tiles: ts, Meta: withGlyphs(meta, gs != nil), Glyphs: gs}),
		api.StatsRoutes(store),
		api.VersionRoutes(store),
		api.SearchRoutes(store),
		st.Register,
	}
	if r := api.EnterpriseRoutes(store); r != nil {
		routes = append(routes, r)
	}
	if a := admin.Routes(admin.Config{PasswordHash: cfg.AdminHash, WriteURL: cfg.WriteDatabaseURL, KeepVersions: cfg.KeepVersions, Logger: log}); a != nil {
		routes = append(routes, a)
	}
	return append(routes,
		// The web map last: its routes (/, /embed, /assets, /fonts) do not
		// overlap the API's, and it answers 503 naming `make build` when the
		// binary was built without web/dist.
		api.Web(api.WebConfig{FS: web.FS(), EmbedOrigins: cfg.EmbedOrigins}),
	)
}

// tileService is the tile encoder and cache; /metrics reads its counts.
func tileService(store data.Store, cfg serveConfig) *tiles.Service {
	tcfg := tiles.Config{CacheBytes: tileCacheBytes(cfg)}
	if cfg.DatabaseURL != "" {
		// PostGIS answers Version with a query; a second's reuse keeps
		// cached tiles cheap while an import still shows within a second.
		tcfg.VersionTTL = time.Second
	}
	return tiles.New(store, tcfg)
}

// tileCacheBytes is tiles.Config.CacheBytes for --tile-cache-mb (0: off).
func tileCacheBytes(cfg serveConfig) int64 {
	if cfg.TileCacheMB == 0 {
		return -1
	}
	return int64(cfg.TileCacheMB) << 20
}

// splitList splits a comma-separated flag value, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, o := range strings.Split(s, ",") {
		if o = strings.TrimSpace(o); o != "" {
			out = append(out, o)
		}
	}
	return out
}

// Every data.Store can feed the tile service: tiles declares what it needs
// in geo types, so it does not import data. How a store makes tiles is an
// optional interface: features for the encoder (embedded), or ST_AsMVT
// tiles (PostGIS).
var (
	_ tiles.Source         = data.Store(nil)
	_ tiles.LayerSource    = (*memstore.Store)(nil)
	_ tiles.FeatureSource  = (*memstore.Store)(nil)
	_ tiles.LayerMVTSource = (*postgis.Store)(nil)
	_ tiles.MVTSource      = (*postgis.Store)(nil)
)
