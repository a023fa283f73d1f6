package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"layoutmap/admin"
	"layoutmap/geo"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/load"
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
	o, url, migrate, err := parseImport(args, getenv, stderr)
	if err != nil {
		return err
	}
	if migrate && !o.DryRun {
		if _, err := postgis.Migrate(ctx, url); err != nil {
			return fmt.Errorf("import: %w", err)
		}
	}
	o.Bundled = loadBundled
	o.Progress = stderr
	start := time.Now()
	var rep postgis.ImportReport
	if url == "" {
		cur, lerr := loadBundled()
		if lerr != nil {
			return fmt.Errorf("import: %w", lerr)
		}
		fmt.Fprintln(stderr, "checking against the embedded dataset (no --database-url); geometry repairs are checked only with a database")
		rep, err = importer.CheckOffline(o, cur)
	} else {
		rep, err = importer.Run(ctx, url, o)
	}
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
	return printImport(stdout, stderr, rep, o, start)
}

// parseImport reads import's flags into the importer's options, the
// database URL and whether to migrate first, and checks them.
func parseImport(args []string, getenv func(string) string, stderr io.Writer) (o importer.Options, url string, migrate bool, err error) {
	fs := flag.NewFlagSet("import", flag.ContinueOnError)
	fs.SetOutput(stderr)
	urlFlag := dbFlag(fs, getenv)
	fs.StringVar(&o.Dir, "dir", "", "directory in the bundled format, as written by `layoutmap export` (replaces the whole dataset)")
	fs.StringVar(&o.AdminFile, "admin", "", "GeoJSON of admin areas in the bundled format (replaces the stored ones)")
	fs.StringVar(&o.ZonesFile, "zones", "", "GeoJSON of development zones in the bundled format or saved from the API (replaces the stored ones)")
	fs.StringVar(&o.RevenueFile, "revenue", "", "revenue table, .csv or .xlsx, columns "+strings.Join(importer.RevenueColumns, ",")+" or their Chinese names (alone: geometry is not touched)")
	fs.StringVar(&o.EnterprisesFile, "enterprises", "", "enterprise list, .csv, .xlsx or GeoJSON (docs/enterprises.md): replaces the stored list, all or nothing (alone; with --crs)")
	fs.StringVar(&o.Encoding, "encoding", importer.EncodingAuto, "encoding of a CSV revenue or enterprise file: auto (UTF-8, else GB18030), utf-8 or gb18030")
	fs.IntVar(&o.ExpectRows, "expect-rows", 0, "number of figures the revenue file must hold (catches a truncated file); 0: not checked")
	fs.StringVar(&o.CRS, "crs", importer.CRSWGS84, "coordinates of the input files: wgs84, gcj02 or bd09")
	fs.BoolVar(&o.DryRun, "check", false, "dry run: check the files and print the report and the diff against the current dataset; change nothing (without --database-url: against the embedded dataset)")
	fs.BoolVar(&o.DryRun, "dry-run", false, "the same as --check")
	keep := keepFlag(fs, getenv)
	migrateFlag := fs.Bool("migrate", true, "apply pending migrations first (not with --check)")
	if err := fs.Parse(args); err != nil {
		return o, "", false, err
	}
	if fs.NArg() > 0 {
		return o, "", false, fmt.Errorf("import: unexpected arguments %q", fs.Args())
	}
	if *urlFlag == "" && !o.DryRun {
		return o, "", false, errors.New("import: --database-url (or DATABASE_URL) is required")
	}
	if _, err := importer.ConverterFor(o.CRS); err != nil {
		return o, "", false, fmt.Errorf("import: %w", err)
	}
	if o.ExpectRows < 0 {
		return o, "", false, errors.New("import: --expect-rows must be ≥ 0")
	}
	if o.KeepVersions, err = parseKeep(*keep); err != nil {
		return o, "", false, fmt.Errorf("import: %w", err)
	}
	return o, *urlFlag, *migrateFlag, nil
}

// printImport prints the outcome of an import or check that passed: the
// diff, a note on a directory's enterprise list, and the counts.
func printImport(stdout, stderr io.Writer, rep postgis.ImportReport, o importer.Options, start time.Time) error {
	if rep.Diff != nil {
		printDiff(stdout, *rep.Diff)
	}
	if l := rep.EnterpriseLinks; l != nil { // zones changed under a stored enterprise list
		fmt.Fprintln(stderr, "warning: "+l.Message)
		fmt.Fprintln(stderr, "注意："+l.MessageZH)
	}
	noteDirEnterprises(stderr, o.Dir, o.DryRun)
	if o.EnterprisesFile != "" {
		return printEnterpriseImport(stdout, stderr, rep, o.DryRun, time.Since(start))
	}
	var err error
	if o.DryRun {
		_, err = fmt.Fprintf(stdout, "check passed: %d admin areas, %d zones, %d revenue records, %d rows skipped (no figure), %d repaired; nothing was changed\n",
			rep.Counts["admin_areas"], rep.Counts["zones"], rep.Counts["revenue"], rep.Counts["skipped_rows"], len(rep.Repaired))
		return err
	}
	_, err = fmt.Fprintf(stdout, "imported dataset version %d (%d admin areas, %d zones, %d revenue records, %d repaired) in %s\n",
		rep.Version, rep.Counts["admin_areas"], rep.Counts["zones"], rep.Counts["revenue"], len(rep.Repaired), time.Since(start).Round(time.Millisecond))
	return err
}

// noteDirEnterprises says that an enterprise list in an --dir directory
// was not imported (or, dry run, not checked): --dir replaces the dataset
// in one transaction and the list is its own import, made after it so its
// points link to the new zones (serve --data loads both).
func noteDirEnterprises(w io.Writer, dir string, dry bool) {
	if dir == "" {
		return
	}
	for _, name := range load.EnterpriseFiles {
		p := filepath.Join(dir, name)
		if _, err := os.Stat(p); err != nil {
			continue
		}
		if dry {
			fmt.Fprintf(w, "note: %s was not checked: --dir checks the dataset only; check the list with `layoutmap import --enterprises %s --check`\n", p, p)
		} else {
			fmt.Fprintf(w, "note: %s was not imported: --dir imports the dataset only; import the list now with `layoutmap import --enterprises %s`, so its points link to these zones\n", p, p)
		}
	}
}

// printEnterpriseImport says what an enterprise import did (or, dry run,
// would do); a list with synthetic rows (layoutmap synth) gets a warning
// on stderr, as synth's own.
func printEnterpriseImport(w, stderr io.Writer, rep postgis.ImportReport, dry bool, took time.Duration) error {
	if n := rep.Counts["enterprises_synthetic"]; n > 0 {
		fmt.Fprintf(stderr, "warning: %d of %d enterprises are SYNTHETIC (made by layoutmap synth): fictitious firms for demos and tests, never real data; every map, statistic and image drawn from them says \"synthetic\" · 合成数据（虚构企业）\n",
			n, rep.Counts["enterprises"])
	}
	if dry {
		_, err := fmt.Fprintf(w, "check passed: %d enterprises; nothing was changed\n", rep.Counts["enterprises"])
		return err
	}
	_, err := fmt.Fprintf(w, "imported enterprise list as dataset version %d: %d enterprises (before: %d) in %s\n",
		rep.Version, rep.Counts["enterprises"], rep.Counts["enterprises_before"], took.Round(time.Millisecond))
	return err
}

// printDiff writes the diff: one summary line, then each change (lists of
// more than 50 items are cut, saying how many more).
func printDiff(w io.Writer, d data.Diff) {
	fmt.Fprintln(w, "diff:", d.Summary())
	ids := func(label string, l []string) {
		for i, id := range l {
			if i == 50 {
				fmt.Fprintf(w, "  … %d more %s\n", len(l)-50, label)
				break
			}
			fmt.Fprintf(w, "  %s %s\n", label, id)
		}
	}
	ids("zone added:", d.ZonesAdded)
	ids("zone removed:", d.ZonesRemoved)
	for i, c := range d.ZonesChanged {
		if i == 50 {
			fmt.Fprintf(w, "  … %d more zones changed\n", len(d.ZonesChanged)-50)
			break
		}
		fmt.Fprintf(w, "  zone changed: %s (%s)\n", c.ID, strings.Join(c.Fields, ", "))
	}
	ids("admin area added:", d.AdminAdded)
	ids("admin area removed:", d.AdminRemoved)
	ids("admin area changed:", d.AdminChanged)
	fig := func(label string, l []data.FigureChange) {
		for i, f := range l {
			if i == 50 {
				fmt.Fprintf(w, "  … %d more %s\n", len(l)-50, label)
				break
			}
			val := func(r *geo.Revenue) string {
				if r == nil {
					return "none"
				}
				return fmt.Sprintf("%s亿 (%s)", strconv.FormatFloat(r.RevenueYi, 'f', -1, 64), r.Bound)
			}
			// A part's figure (scope not "zone") is another figure than the
			// whole zone's of the same year: say which part.
			scope := ""
			if f.Scope != "" && f.Scope != geo.ScopeZone {
				scope = " scope=" + f.Scope
			}
			fmt.Fprintf(w, "  %s %s %d %s %s%s: %s → %s\n", label, f.Zone, f.Year, f.Measure, f.Period, scope, val(f.Old), val(f.New))
		}
	}
	fig("figure added:", d.FiguresAdded)
	fig("figure changed:", d.FiguresChanged)
	fig("figure removed:", d.FiguresRemoved)
}

// keepFlag is --keep-versions with its LAYOUTMAP_KEEP_VERSIONS fallback.
func keepFlag(fs *flag.FlagSet, getenv func(string) string) *string {
	def := getenv("LAYOUTMAP_KEEP_VERSIONS")
	if def == "" {
		def = strconv.Itoa(postgis.DefaultKeepVersions)
	}
	return fs.String("keep-versions", def, "how many datasets the database keeps for rollback, the new one included (env LAYOUTMAP_KEEP_VERSIONS)")
}

func parseKeep(s string) (int, error) {
	n, err := strconv.Atoi(strings.TrimSpace(s))
	if err != nil || n < 1 {
		return 0, fmt.Errorf("--keep-versions must be a whole number ≥ 1, got %q", s)
	}
	return n, nil
}

// runVersions lists the dataset history kept in the database.
func runVersions(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("versions", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := dbFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("versions: unexpected arguments %q", fs.Args())
	}
	if *url == "" {
		return errors.New("versions: --database-url (or DATABASE_URL) is required: the embedded dataset has no history")
	}
	vs, err := postgis.Versions(ctx, *url)
	if err != nil {
		return fmt.Errorf("versions: %w", err)
	}
	if len(vs) == 0 {
		_, err = fmt.Fprintln(stdout, "no versions recorded yet (the history starts with the first import after migration 0004)")
		return err
	}
	for _, v := range vs {
		mark := " "
		if v.Current {
			mark = "*"
		}
		restorable := "restorable"
		if !v.Restorable {
			restorable = "history only"
		}
		what := v.Kind
		if v.Note != "" {
			what = v.Note
		}
		files := strings.Join(v.Files, ", ")
		if files == "" {
			files = "none (" + v.Kind + ")" // a rollback or migration reads no file
		}
		fmt.Fprintf(stdout, "%s %4d  %s  %-10s %-24s files: %s; %s; %s; %s\n", mark, v.Version,
			v.CreatedAt.UTC().Format("2006-01-02 15:04:05Z"), v.Role, what, files,
			versionCounts(v.Counts), versionDiff(v.Diff), restorable)
	}
	return nil
}

// versionCounts is what a history row counts: an enterprise import records
// only its list (zones and figures are unchanged, not zero), a dataset
// import or a rollback its zones and figures.
func versionCounts(c map[string]int) string {
	_, zones := c["zones"]
	n, ents := c["enterprises"]
	switch {
	case ents && !zones:
		return fmt.Sprintf("%d enterprises (before: %d); zones and revenue unchanged", n, c["enterprises_before"])
	case ents:
		return fmt.Sprintf("%d zones, %d revenue, %d enterprises", c["zones"], c["revenue"], n)
	}
	return fmt.Sprintf("%d zones, %d revenue", c["zones"], c["revenue"])
}

// versionDiff is a history row's dataset diff, or says there was none.
func versionDiff(d string) string {
	if strings.TrimSpace(d) == "" {
		return "no change to zones, figures or admin areas"
	}
	return d
}

// rollbackEnterprises says how the enterprise list changed in a rollback
// (the dataset diff covers zones, figures and admin areas only); "" when
// the report holds no list counts.
func rollbackEnterprises(c map[string]int) string {
	after, ok := c["enterprises"]
	if !ok {
		return ""
	}
	return fmt.Sprintf("enterprises: %d → %d (the list in force at that version)", c["enterprises_before"], after)
}

// runRollback restores a kept version as a new version.
func runRollback(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("rollback", flag.ContinueOnError)
	fs.SetOutput(stderr)
	url := dbFlag(fs, getenv)
	keep := keepFlag(fs, getenv)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return errors.New("rollback: give one version number (see layoutmap versions)")
	}
	v, err := strconv.ParseInt(fs.Arg(0), 10, 64)
	if err != nil || v < 1 {
		return fmt.Errorf("rollback: %q is not a version number", fs.Arg(0))
	}
	if *url == "" {
		return errors.New("rollback: --database-url (or DATABASE_URL) is required")
	}
	n, err := parseKeep(*keep)
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	rep, err := postgis.Rollback(ctx, *url, v, postgis.ImportOptions{Progress: stderr, KeepVersions: n})
	if err != nil {
		return fmt.Errorf("rollback: %w", err)
	}
	if rep.Diff != nil {
		printDiff(stdout, *rep.Diff)
	}
	if s := rollbackEnterprises(rep.Counts); s != "" {
		fmt.Fprintln(stdout, s)
	}
	_, err = fmt.Fprintf(stdout, "restored version %d as dataset version %d\n", v, rep.Version)
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

// runAdmin is `layoutmap admin set-password --file F`: it reads the
// password from stdin (one line; a terminal shows it, so pipe it from a
// password manager) and writes only its bcrypt hash, mode 0600.
func runAdmin(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "set-password" {
		return errors.New("admin: usage: layoutmap admin set-password --file FILE  (password on stdin)")
	}
	fs := flag.NewFlagSet("admin set-password", flag.ContinueOnError)
	fs.SetOutput(stderr)
	file := fs.String("file", "", "where to write the bcrypt hash (serve --admin-password-file reads it)")
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if *file == "" || fs.NArg() > 0 {
		return errors.New("admin set-password: --file FILE is required and takes no arguments")
	}
	line, err := bufio.NewReader(io.LimitReader(stdin, 4096)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("admin set-password: reading the password: %w", err)
	}
	h, err := admin.HashPassword(strings.TrimRight(line, "\r\n"))
	if err != nil {
		return fmt.Errorf("admin set-password: %w", err)
	}
	if err := os.WriteFile(*file, append(h, '\n'), 0o600); err != nil {
		return fmt.Errorf("admin set-password: %w", err)
	}
	_, err = fmt.Fprintf(stdout, "wrote the password hash to %s; serve with --admin-password-file %s\n", *file, *file)
	return err
}
