package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/mattn/go-isatty"
	"github.com/schollz/progressbar/v3"

	"layoutmap/api"
	"layoutmap/data"
	"layoutmap/geo"
	"layoutmap/tiles"
	"layoutmap/tiles/archive"
)

// DefaultArchiveMaxZoom is the default deepest zoom of `tiles export`: z12
// shows every zone outline at street-block scale; z13–z16 multiply the
// tiles by 4 each for outlines that are approximate anyway.
const DefaultArchiveMaxZoom = 12

// runTiles runs `layoutmap tiles SUBCOMMAND`; export is the only one.
func runTiles(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "export" {
		return errors.New("tiles: usage: layoutmap tiles export --out FILE.pmtiles [--minzoom N] [--maxzoom N] [--filter QUERY] [--database-url URL] [--enterprises FILE]")
	}
	args = args[1:]
	fs := flag.NewFlagSet("tiles export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dbURL := fs.String("database-url", getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL to read (a replica will do); empty exports the embedded dataset (env DATABASE_URL)")
	out := fs.String("out", "", "PMTiles v3 archive to write (required), such as layout.pmtiles")
	minZ := fs.Int("minzoom", 0, "shallowest zoom")
	maxZ := fs.Int("maxzoom", DefaultArchiveMaxZoom, "deepest zoom (at most 16)")
	filter := fs.String("filter", "", "filter contract of the zones layer as a query, such as \"cluster=…&year=2023\" (the parameters of /tiles); empty exports every zone")
	quiet := fs.Bool("quiet", false, "no progress output")
	ents := fs.String("enterprises", getenv("LAYOUTMAP_ENTERPRISES"), "enterprise list the embedded store loads (as serve --enterprises); its layer is written to FILE.enterprises.pmtiles")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("tiles export: unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return errors.New("tiles export: --out FILE.pmtiles is required")
	}
	if *minZ < geo.MinZoom || *maxZ > geo.MaxZoom || *minZ > *maxZ {
		return fmt.Errorf("tiles export: --minzoom %d and --maxzoom %d must lie within %d..%d with min ≤ max", *minZ, *maxZ, geo.MinZoom, geo.MaxZoom)
	}
	vals, err := url.ParseQuery(*filter)
	if err != nil {
		return fmt.Errorf("tiles export: --filter: %w", err)
	}
	f, err := geo.ParseFilter(vals, false)
	if err != nil {
		return fmt.Errorf("tiles export: --filter: %w", err)
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	cfg := serveConfig{DatabaseURL: *dbURL, TileCacheMB: 0, Enterprises: *ents}
	store, _, err := openStore(ctx, cfg, log)
	if err != nil {
		return fmt.Errorf("tiles export: %w", err)
	}
	defer store.Close()
	ts := tileService(store, cfg)
	opt := archive.Options{MinZoom: uint8(*minZ), MaxZoom: uint8(*maxZ), Filter: f, Meta: tiles.Meta{Tiers: store.Tiers()}}
	opt.Progress = progress(stderr, *quiet)
	start := time.Now()
	st, err := archive.Export(ctx, ts, *out, opt)
	if err != nil {
		return fmt.Errorf("tiles export: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %s: z%d–z%d, dataset version %d, %d tiles with data of %d visited, %d distinct, %s in %s\n",
		*out, st.MinZoom, st.MaxZoom, st.Version, st.Addressed, st.Visited, st.Contents, humanBytes(st.Bytes), time.Since(start).Round(time.Millisecond))
	if err != nil {
		return err
	}
	// The enterprise layer, when a list is loaded: its own tileset (as
	// /tiles/enterprises.json is on the server), so its own archive.
	es, ok := store.(data.EnterpriseStore)
	if !ok {
		return nil
	}
	inf, err := es.EnterpriseInfo(ctx)
	if err != nil || inf.Count == 0 {
		return err
	}
	app := api.New(api.Config{Store: store, Logger: log, Version: version, Extra: []func(*fiber.App){api.EnterpriseRoutes(store)}})
	q := f.Encode().Encode()
	tj, code, err := localGet(app, "/tiles/enterprises.json?"+q)
	if err != nil || code != 200 {
		return fmt.Errorf("tiles export: enterprise TileJSON: status %d: %v", code, err)
	}
	entOut := EnterpriseArchivePath(*out)
	start = time.Now()
	est, err := exportEnterprises(ctx, store, entOut, opt, tj)
	if err != nil {
		return fmt.Errorf("tiles export: enterprises: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote %s: z%d–z%d, %d enterprises, %d tiles with data of %d visited, %d distinct, %s in %s\n",
		entOut, est.MinZoom, est.MaxZoom, inf.Count, est.Addressed, est.Visited, est.Contents, humanBytes(est.Bytes), time.Since(start).Round(time.Millisecond))
	return err
}

// EnterpriseArchivePath is where `tiles export --out F` writes the
// enterprise layer: F's name with .enterprises before .pmtiles.
func EnterpriseArchivePath(out string) string {
	return strings.TrimSuffix(out, ".pmtiles") + ".enterprises.pmtiles"
}

// progress draws a progress bar on a terminal and logs every tenth
// elsewhere (a CI log or a pipe).
func progress(stderr io.Writer, quiet bool) func(done, total int) {
	if quiet {
		return nil
	}
	if f, ok := stderr.(*os.File); ok && isatty.IsTerminal(f.Fd()) {
		var bar *progressbar.ProgressBar
		return func(done, total int) {
			if bar == nil {
				bar = progressbar.NewOptions(total, progressbar.OptionSetWriter(f), progressbar.OptionSetDescription("tiles"),
					progressbar.OptionShowCount(), progressbar.OptionShowIts(), progressbar.OptionSetItsString("tiles"),
					progressbar.OptionOnCompletion(func() { fmt.Fprintln(f) }))
			}
			_ = bar.Set(done)
		}
	}
	last := -1
	return func(done, total int) {
		if tenth := done * 10 / total; tenth != last {
			last = tenth
			fmt.Fprintf(stderr, "tiles export: %d of %d tiles (%d%%)\n", done, total, done*100/total)
		}
	}
}

func humanBytes(n int64) string {
	switch {
	case n >= 1<<20:
		return strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64) + " MiB"
	case n >= 1<<10:
		return strconv.FormatFloat(float64(n)/(1<<10), 'f', 1, 64) + " KiB"
	}
	return strconv.FormatInt(n, 10) + " B"
}

// openArchive opens serve's --pmtiles archive and says what it holds.
func openArchive(ctx context.Context, location string, store data.Store, log *slog.Logger) (*archive.Reader, error) {
	r, err := archive.Open(ctx, location)
	if err != nil {
		return nil, fmt.Errorf("serve: --pmtiles: %w", err)
	}
	h := r.Header()
	args := []any{"archive", location, "minzoom", h.MinZoom, "maxzoom", h.MaxZoom, "dataset_version", r.DatasetVersion(), "filter", r.Filter()}
	if v, err := store.Version(ctx); err == nil && v != r.DatasetVersion() {
		log.Warn("tiles come from an archive of another dataset version than the features API's store; export the archive again after an import", append(args, "store_version", v)...)
	} else {
		log.Info("serving tiles from a PMTiles archive", args...)
	}
	return r, nil
}

// withGlyphs is m saying whether the server serves SDF glyphs.
func withGlyphs(m tiles.Meta, glyphs bool) tiles.Meta {
	m.Glyphs = glyphs
	return m
}
