package postgis

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"
)

// DefaultKeepVersions is how many datasets keep their snapshot (the
// current one included) when ImportOptions.KeepVersions is 0.
const DefaultKeepVersions = 10

// Version kinds.
const (
	KindImport   = "import"
	KindRollback = "rollback"
)

// snapshot zips the bundled-format files of ds.
func snapshot(ds *data.Dataset) ([]byte, error) {
	files, err := data.EncodeDataset(ds, "layoutmap dataset snapshot")
	if err != nil {
		return nil, err
	}
	names := make([]string, 0, len(files))
	for n := range files {
		names = append(names, n)
	}
	sort.Strings(names)
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: n, Method: zip.Deflate})
		if err != nil {
			return nil, err
		}
		if _, err := w.Write(files[n]); err != nil {
			return nil, err
		}
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// restore reads a snapshot back, checking its manifest.
func restore(b []byte) (*data.Dataset, error) {
	zr, err := zip.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		return nil, fmt.Errorf("reading snapshot: %w", err)
	}
	if err := data.CheckManifest(zr); err != nil {
		return nil, fmt.Errorf("snapshot: %w", err)
	}
	return data.LoadDataset(zr)
}

// recordVersion stores the history row and snapshot of the version just
// written, and drops the snapshots beyond the newest keep.
func recordVersion(ctx context.Context, tx pgx.Tx, after *data.Dataset, rep *ImportReport, o ImportOptions) error {
	o.progress("keeping a snapshot of version %d", rep.Version)
	return recordSnapshot(ctx, tx, func() ([]byte, error) { return snapshot(after) }, data.ResolveFingerprint(after), rep, o)
}

// recordUnchanged records a version whose import left the dataset as it
// was (an enterprise list): its snapshot is the previous version's, copied
// in the database, or encoded from ds when that one was not kept.
func recordUnchanged(ctx context.Context, tx pgx.Tx, ds *data.Dataset, rep *ImportReport, o ImportOptions) error {
	var prev []byte
	err := tx.QueryRow(ctx, `SELECT snapshot FROM layoutmap.dataset_versions WHERE version = $1`, rep.Version-1).Scan(&prev)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("reading the previous snapshot: %w", err)
	}
	if prev == nil {
		return recordVersion(ctx, tx, ds, rep, o)
	}
	return recordSnapshot(ctx, tx, func() ([]byte, error) { return prev, nil }, data.ResolveFingerprint(ds), rep, o)
}

// recordSnapshot stores the history row of rep.Version with the snapshot
// snap gives and the dataset's data.ResolveFingerprint (migration 0008),
// and prunes the snapshots beyond the newest o.KeepVersions.
func recordSnapshot(ctx context.Context, tx pgx.Tx, snapOf func() ([]byte, error), fingerprint string, rep *ImportReport, o ImportOptions) error {
	snap, err := snapOf()
	if err != nil {
		return fmt.Errorf("snapshot: %w", err)
	}
	kind := o.Kind
	if kind == "" {
		kind = KindImport
	}
	files := o.Files
	if files == nil {
		files = []string{}
	}
	diff := ""
	if rep.Diff != nil {
		diff = rep.Diff.Summary()
	}
	// enterprise_list: the enterprise list in force at this version, so a
	// rollback restores it with the dataset.
	if _, err := tx.Exec(ctx, `INSERT INTO layoutmap.dataset_versions (version, kind, note, files, counts, diff, snapshot, enterprise_list, resolve_fingerprint)
		VALUES ($1, $2, $3, $4, $5, $6, $7, (SELECT list_version FROM layoutmap.enterprise_meta), $8)`, rep.Version, kind, o.Note, files, rep.Counts, diff, snap, fingerprint); err != nil {
		return fmt.Errorf("recording version: %w", err)
	}
	keep := o.KeepVersions
	if keep <= 0 {
		keep = DefaultKeepVersions
	}
	if _, err := tx.Exec(ctx, `UPDATE layoutmap.dataset_versions SET snapshot = NULL
		WHERE snapshot IS NOT NULL AND version NOT IN (
			SELECT version FROM layoutmap.dataset_versions WHERE snapshot IS NOT NULL ORDER BY version DESC LIMIT $1)`, keep); err != nil {
		return fmt.Errorf("pruning snapshots: %w", err)
	}
	return pruneEnterpriseLists(ctx, tx)
}

// listVersions reads the history, newest first.
func listVersions(ctx context.Context, q querier) ([]data.Version, error) {
	rows, err := q.Query(ctx, `SELECT v.version, v.created_at, v.role, v.kind, v.note, v.files, v.counts, v.diff,
			v.snapshot IS NOT NULL, v.version = m.version
		FROM layoutmap.dataset_versions v CROSS JOIN layoutmap.dataset_meta m ORDER BY v.version DESC`)
	if err != nil {
		return nil, err
	}
	vs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (data.Version, error) {
		var v data.Version
		err := r.Scan(&v.Version, &v.CreatedAt, &v.Role, &v.Kind, &v.Note, &v.Files, &v.Counts, &v.Diff, &v.Restorable, &v.Current)
		return v, err
	})
	if err != nil {
		return nil, err
	}
	if vs == nil {
		vs = []data.Version{}
	}
	return vs, nil
}

// Versions lists the dataset history at url, newest first.
func Versions(ctx context.Context, url string) ([]data.Version, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgis: versions: connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	vs, err := listVersions(ctx, conn)
	if err != nil {
		return nil, fmt.Errorf("postgis: versions: %w", err)
	}
	return vs, nil
}

// Versions lists the dataset history, newest first (GET /api/v1/versions).
func (s *Store) Versions(ctx context.Context) ([]data.Version, error) {
	vs, err := listVersions(ctx, s.pool)
	if err != nil {
		return nil, fmt.Errorf("postgis: versions: %w", err)
	}
	return vs, nil
}

// ErrNoSnapshot is returned by Rollback for a version without a snapshot.
var ErrNoSnapshot = errors.New("postgis: that version has no snapshot (unknown, or older than the versions kept)")

// Rollback restores the dataset of version v as a new version, atomically
// (one transaction, like an import: readers see the old dataset until
// commit). The serving version increases, so ETags and cached tiles follow.
func Rollback(ctx context.Context, url string, v int64, opts ImportOptions) (ImportReport, error) {
	opts.Kind = KindRollback
	opts.Note = fmt.Sprintf("rollback to version %d", v)
	opts.Files = nil
	entBefore, entAfter := -1, -1
	rep, err := importDataset(ctx, url, func(ctx context.Context, tx pgx.Tx, _ *data.Dataset) (*data.Dataset, error) {
		var snap []byte
		err := tx.QueryRow(ctx, `SELECT snapshot FROM layoutmap.dataset_versions WHERE version = $1`, v).Scan(&snap)
		if errors.Is(err, pgx.ErrNoRows) || (err == nil && snap == nil) {
			return nil, fmt.Errorf("version %d: %w", v, ErrNoSnapshot)
		}
		if err != nil {
			return nil, err
		}
		// The enterprise list in force at v comes back with the dataset.
		list, err := enterpriseListAt(ctx, tx, v)
		if err != nil {
			return nil, err
		}
		if entBefore, entAfter, err = restoreEnterpriseList(ctx, tx, list, opts); err != nil {
			return nil, err
		}
		return restore(snap)
	}, opts)
	// The enterprise list comes back too: the report says how many
	// enterprises were served before and are now (the dataset diff
	// covers zones, figures and admin areas only).
	if err == nil && entBefore >= 0 {
		rep.Counts["enterprises_before"], rep.Counts["enterprises"] = entBefore, entAfter
	}
	return rep, err
}
