package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/postgis"
)

// loadBundled returns the bundled dataset for `layoutmap import` without files.
var loadBundled = henan.Load

// dbFlags is the --database-url flag with its DATABASE_URL fallback.
func dbFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	return fs.String("database-url", getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL of a role allowed to write the layoutmap schema (env DATABASE_URL)")
}

// runMigrate applies the embedded schema migrations; a second run is a no-op.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := dbFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("migrate: unexpected arguments %q", fs.Args())
	}
	if *url == "" {
		return errors.New("migrate: --database-url (or DATABASE_URL) is required")
	}
	applied, err := postgis.Migrate(ctx, *url)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	if len(applied) == 0 {
		_, err = fmt.Fprintln(stdout, "schema layoutmap is up to date")
		return err
	}
	_, err = fmt.Fprintf(stdout, "applied migrations %v to schema layoutmap\n", applied)
	return err
}

// runImport loads the bundled dataset (no files) or user files into the
// database in one transaction and prints the report. Rejected items are
// listed on stderr and the command fails with nothing changed.
func runImport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := dbFlag(fs, getenv)
	var o importer.Options
	fs.StringVar(&o.Dir, "dir", "", "directory in the bundled format, as written by `layoutmap export` (replaces the whole dataset)")
	fs.StringVar(&o.AdminFile, "admin", "", "GeoJSON of admin areas in the bundled format (replaces the stored ones)")
	fs.StringVar(&o.ZonesFile, "zones", "", "GeoJSON of development zones in the bundled format (replaces the stored ones)")
	fs.StringVar(&o.RevenueFile, "revenue", "", "revenue table, .csv or .xlsx, columns "+strings.Join(importer.RevenueColumns, ",")+" or their Chinese names (alone: geometry is not touched)")
	fs.StringVar(&o.Encoding, "encoding", importer.EncodingAuto, "encoding of a CSV revenue file: auto (UTF-8, else GB18030), utf-8 or gb18030")
	fs.IntVar(&o.ExpectRows, "expect-rows", 0, "number of figures the revenue file must hold (catches a truncated file); 0: not checked")
	fs.StringVar(&o.CRS, "crs", importer.CRSWGS84, "coordinates of the input files: wgs84, gcj02 or bd09")
	migrate := fs.Bool("migrate", true, "apply pending migrations first")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("import: unexpected arguments %q", fs.Args())
	}
	if *url == "" {
		return errors.New("import: --database-url (or DATABASE_URL) is required")
	}
	if _, err := importer.ConverterFor(o.CRS); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	if o.ExpectRows < 0 {
		return errors.New("import: --expect-rows must be ≥ 0")
	}
	if *migrate {
		if _, err := postgis.Migrate(ctx, *url); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	o.Bundled = loadBundled
	o.Progress = stderr
	start := time.Now()
	rep, err := importer.Run(ctx, *url, o)
	for _, p := range rep.Repaired {
		fmt.Fprintln(stdout, "repaired:", p)
	}
	var rej *postgis.RejectedError
	if errors.As(err, &rej) {
		for _, p := range rej.Rejected {
			fmt.Fprintln(stderr, "rejected:", p)
		}
		return fmt.Errorf("import: %d item(s) rejected; nothing was changed", len(rej.Rejected))
	}
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "imported dataset version %d (%d admin areas, %d zones, %d revenue records, %d repaired) in %s\n",
		rep.Version, rep.Counts["admin_areas"], rep.Counts["zones"], rep.Counts["revenue"], len(rep.Repaired), time.Since(start).Round(time.Millisecond))
	return err
}

// openPostGIS opens the PostGIS store. The pool connects lazily, so the
// server starts while the database is briefly unreachable: this logs a
// warning, /readyz reports the store, and the pool reconnects by itself.
func openPostGIS(ctx context.Context, url string, log *slog.Logger) (data.Store, error) {
	s, err := postgis.Open(ctx, postgis.Config{URL: url, Logger: log, StatementTimeout: 30 * time.Second})
	if err != nil {
		return nil, err
	}
	pctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	if err := s.Ping(pctx); err != nil {
		log.Warn("database not reachable yet; serving and retrying", "store", "postgis", "err", err)
	} else {
		log.Info("database reachable", "store", "postgis")
	}
	return s, nil
}

// runTemplate writes the bilingual revenue templates (.xlsx and .csv).
func runTemplate(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("template", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", ".", "directory to write revenue_template.xlsx and revenue_template.csv to")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("template: unexpected arguments %q", fs.Args())
	}
	x, err := importer.RevenueTemplateXLSX()
	if err != nil {
		return fmt.Errorf("template: %w", err)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("template: %w", err)
	}
	for name, b := range map[string][]byte{"revenue_template.xlsx": x, "revenue_template.csv": importer.RevenueTemplateCSV()} {
		p := filepath.Join(*out, name)
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return fmt.Errorf("template: %w", err)
		}
		fmt.Fprintln(stdout, "wrote", p)
	}
	return nil
}

// runExport writes the whole dataset of either store (the database at
// --database-url, else the embedded one) in the bundled format, which
// `layoutmap import --dir` reads back.
func runExport(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := fs.String("database-url", getenv("DATABASE_URL"), "PostgreSQL/PostGIS URL to export from; empty exports the embedded dataset (env DATABASE_URL)")
	out := fs.String("out", "", "directory to write the dataset to (required)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("export: unexpected arguments %q", fs.Args())
	}
	if *out == "" {
		return errors.New("export: --out DIR is required")
	}
	var ds *data.Dataset
	var err error
	name := "layoutmap export of the embedded dataset"
	if *url != "" {
		ds, err = postgis.ReadDataset(ctx, *url)
		name = "layoutmap export of a PostGIS database"
	} else {
		ds, err = loadBundled()
	}
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	files, err := data.EncodeDataset(ds, name)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	if err := data.WriteDir(*out, files); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "exported %d admin areas, %d zones and %d regions to %s\n", len(ds.Admin), len(ds.Zones), len(ds.Regions), *out)
	return err
}
