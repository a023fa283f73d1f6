package postgis

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// Schema is the PostgreSQL schema holding layoutmap's tables.
const Schema = "layoutmap"

//go:embed migrations/*.sql
var migrationFS embed.FS

// Migration is one numbered schema step, embedded in the binary.
type Migration struct {
	Version int
	Name    string
	SQL     string
}

// Migrations returns the embedded migrations in version order. File names
// are NNNN_name.sql; a gap or duplicate number is an error so a mis-numbered
// file cannot be silently skipped.
func Migrations() ([]Migration, error) {
	names, err := fs.Glob(migrationFS, "migrations/*.sql")
	if err != nil {
		return nil, fmt.Errorf("postgis: listing migrations: %w", err)
	}
	var ms []Migration
	for _, n := range names {
		base := path.Base(n)
		num, _, ok := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("postgis: migration %s: name must be NNNN_name.sql", base)
		}
		b, err := migrationFS.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("postgis: reading migration %s: %w", base, err)
		}
		ms = append(ms, Migration{Version: v, Name: base, SQL: string(b)})
	}
	slices.SortFunc(ms, func(a, b Migration) int { return a.Version - b.Version })
	for i, m := range ms {
		if m.Version != i+1 {
			return nil, fmt.Errorf("postgis: migration %s: expected version %d", m.Name, i+1)
		}
	}
	return ms, nil
}

// migrationLock is the pg_advisory_xact_lock key serialising concurrent
// `layoutmap migrate` runs (two replicas starting at once).
const migrationLock = 7_336_001

// recomputeHeadlines marks a migration after which Migrate recomputes every
// stored headline (zone_headline) with the current geo.Headline.
const recomputeHeadlines = "layoutmap:recompute-headlines"

// ErrStandby is returned by Migrate (and so by every import) when the
// database is a read-only streaming replica: writes go to the primary.
var ErrStandby = errors.New("postgis: the database is a read-only standby (a streaming replica): migrate and import on the primary (serve takes it as --write-database-url)")

// Migrate brings the schema at url up to the newest embedded migration in
// one transaction: either every pending step applies or none. It returns the
// versions applied (none when already current, so running it twice is a
// no-op). It creates the postgis extension when missing and allowed.
func Migrate(ctx context.Context, url string) ([]int, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgis: migrate: connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return migrateConn(ctx, conn)
}

func migrateConn(ctx context.Context, conn *pgx.Conn) ([]int, error) {
	ms, err := Migrations()
	if err != nil {
		return nil, err
	}
	// A hot standby would fail on the first write with SQLSTATE 25006;
	// say what the operator has to change instead.
	var standby bool
	if err := conn.QueryRow(ctx, `SELECT pg_is_in_recovery()`).Scan(&standby); err != nil {
		return nil, fmt.Errorf("postgis: migrate: checking for a standby: %w", err)
	}
	if standby {
		return nil, ErrStandby
	}
	var applied []int
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		current, err := prepareMigrations(ctx, tx)
		if err != nil {
			return err
		}
		applied, err = applyMigrations(ctx, tx, ms, current)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: migrate: %w", err)
	}
	return applied, nil
}

// prepareMigrations takes the migration lock, makes sure of the postgis
// extension, the schema and its version table, and returns the version
// applied so far.
func prepareMigrations(ctx context.Context, tx pgx.Tx) (int, error) {
	if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, migrationLock); err != nil {
		return 0, fmt.Errorf("locking: %w", err)
	}
	var hasPostGIS bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'postgis')`).Scan(&hasPostGIS); err != nil {
		return 0, fmt.Errorf("checking postgis: %w", err)
	}
	if !hasPostGIS {
		if _, err := tx.Exec(ctx, `CREATE EXTENSION postgis`); err != nil {
			return 0, fmt.Errorf("creating extension postgis (a superuser may have to run CREATE EXTENSION postgis first): %w", err)
		}
	}
	for _, q := range []string{
		`CREATE SCHEMA IF NOT EXISTS ` + Schema,
		`CREATE TABLE IF NOT EXISTS ` + Schema + `.schema_migrations (
			version    integer PRIMARY KEY,
			name       text NOT NULL,
			applied_at timestamptz NOT NULL DEFAULT now())`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return 0, fmt.Errorf("preparing version table: %w", err)
		}
	}
	var current int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(version), 0) FROM `+Schema+`.schema_migrations`).Scan(&current); err != nil {
		return 0, fmt.Errorf("reading schema version: %w", err)
	}
	return current, nil
}

// applyMigrations applies ms after version current, recording each, then
// derives in Go what the applied migrations need (headlines, tile data).
func applyMigrations(ctx context.Context, tx pgx.Tx, ms []Migration, current int) ([]int, error) {
	var applied []int
	if current > len(ms) {
		return nil, fmt.Errorf("database schema version %d is newer than this binary's %d", current, len(ms))
	}
	for _, m := range ms[current:] {
		if _, err := tx.Exec(ctx, m.SQL); err != nil {
			return nil, fmt.Errorf("applying %s: %w", m.Name, err)
		}
		if _, err := tx.Exec(ctx, `INSERT INTO `+Schema+`.schema_migrations (version, name) VALUES ($1, $2)`, m.Version, m.Name); err != nil {
			return nil, fmt.Errorf("recording %s: %w", m.Name, err)
		}
		applied = append(applied, m.Version)
	}
	recompute := current < 2 && len(ms) >= 2
	for _, m := range ms[current:] {
		recompute = recompute || strings.Contains(m.SQL, recomputeHeadlines)
	}
	if recompute {
		// zone_headline is derived in Go (geo.Headline) from
		// zone_revenue: a migration changing the headline rules or
		// columns carries recomputeHeadlines, and existing data gets
		// the new answers without a re-import.
		if err := writeHeadlines(ctx, tx, nil); err != nil {
			return nil, fmt.Errorf("recomputing headlines: %w", err)
		}
	}
	if current < 2 && len(ms) >= 2 {
		// 0002 added per-zoom outlines and tile ids derived in Go
		// from the rows: fill them for data imported before it.
		if err := writeTileData(ctx, tx, nil); err != nil {
			return nil, fmt.Errorf("filling 0002 tile data: %w", err)
		}
	}
	return applied, nil
}
