package postgis

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/gob"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"
	"layoutmap/geo"
)

// ImportEnterprises replaces the enterprise list at url in one transaction,
// like a dataset import: resolve receives the stored dataset (inside the
// transaction, so it sees a consistent state) and returns the resolved
// enterprises (data.ResolveEnterprises) and the problems of the list's
// rows; any problem rejects the import (a *RejectedError naming each row)
// and nothing changes. The rows are COPYed; the dataset version increases
// and the history records the import with a snapshot of the list (for
// Rollback). With opts.DryRun everything runs and is rolled back.
func ImportEnterprises(ctx context.Context, url string, resolve func(ds *data.Dataset) ([]geo.Enterprise, []Problem), opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Counts: map[string]int{}}
	err := inImportTx(ctx, url, func(tx pgx.Tx) error {
		opts.progress("reading current dataset")
		ds, err := readDataset(ctx, tx)
		if err != nil {
			return fmt.Errorf("reading current dataset: %w", err)
		}
		opts.progress("checking the list against the dataset")
		es, probs := resolve(ds)
		if len(probs) > 0 {
			return &RejectedError{Rejected: probs}
		}
		var before int
		if err := tx.QueryRow(ctx, `SELECT count FROM layoutmap.enterprise_meta`).Scan(&before); err != nil {
			return err
		}
		rep.Counts["enterprises_before"] = before
		if err := bumpVersion(ctx, tx, nil, &rep); err != nil {
			return err
		}
		// The list's snapshot is encoded while the database loads it.
		type encoded struct {
			b   []byte
			err error
		}
		snap := make(chan encoded, 1)
		if !opts.DryRun {
			go func() { b, err := encodeEnterpriseList(es); snap <- encoded{b, err} }()
		}
		if err := writeEnterprises(ctx, tx, es, rep.Version, opts); err != nil {
			if !opts.DryRun {
				<-snap
			}
			return err
		}
		rep.Counts["enterprises"] = len(es)
		rep.Counts["enterprises_synthetic"] = data.EnterpriseInfoOf(es).Synthetic
		if opts.Note == "" {
			opts.Note = fmt.Sprintf("enterprise list: %d enterprises (was %d)", len(es), rep.Counts["enterprises_before"])
		}
		if opts.DryRun {
			rep.DryRun = true
			return errDryRun
		}
		enc := <-snap
		if enc.err != nil {
			return fmt.Errorf("enterprise snapshot: %w", enc.err)
		}
		if err := recordUnchanged(ctx, tx, ds, &rep, opts); err != nil {
			return err
		}
		return keepEnterpriseList(ctx, tx, enc.b, len(es), rep.Version, opts)
	})
	if errors.Is(err, errDryRun) {
		opts.progress("dry run: rolled back, nothing changed")
		return rep, nil
	}
	if err != nil {
		var rej *RejectedError
		if errors.As(err, &rej) {
			rep.Rejected = rej.Rejected
			return rep, rej
		}
		return rep, fmt.Errorf("postgis: enterprise import: %w", err)
	}
	opts.progress("committed dataset version %d", rep.Version)
	return rep, nil
}

// enterpriseIndexes are the secondary indexes of an enterprise slot
// (%[1]s: enterprises_a or enterprises_b), built after the COPY: GiST on
// the point (bbox), B-trees on the quadkey (tiles), name (items by name)
// and city, a partial one on zone, GIN on chains and classes (filters).
var enterpriseIndexes = []string{
	`CREATE INDEX %[1]s_point_idx ON layoutmap.%[1]s USING gist (point)`,
	`CREATE INDEX %[1]s_qk_idx ON layoutmap.%[1]s (qk)`,
	`CREATE INDEX %[1]s_name_idx ON layoutmap.%[1]s (name, id)`,
	`CREATE INDEX %[1]s_city_idx ON layoutmap.%[1]s (city_code)`,
	`CREATE INDEX %[1]s_zone_idx ON layoutmap.%[1]s (zone_id) WHERE zone_id IS NOT NULL`,
	`CREATE INDEX %[1]s_chains_idx ON layoutmap.%[1]s USING gin (chains)`,
	`CREATE INDEX %[1]s_classes_idx ON layoutmap.%[1]s USING gin (classes)`,
}

// writeEnterprises makes es the served list in the caller's transaction:
// it fills the slot not being served (TRUNCATE; COPY with only the primary
// and credit-code keys; the secondary indexes built afterwards, sorted;
// ANALYZE) and points the view layoutmap.enterprises at it. Readers see
// the old list until commit. What is loaded goes to enterprise_meta under
// list version list.
func writeEnterprises(ctx context.Context, tx pgx.Tx, es []geo.Enterprise, list int64, opts ImportOptions) error {
	var cur string
	if err := tx.QueryRow(ctx, `SELECT slot FROM layoutmap.enterprise_meta`).Scan(&cur); err != nil {
		return fmt.Errorf("reading the served slot: %w", err)
	}
	slot := map[string]string{"a": "b", "b": "a"}[cur]
	table := "enterprises_" + slot // a or b: never input
	// The tile cells and statistics are computed while the server loads
	// and indexes the rows.
	type aggregates struct {
		cells []storedCell
		stats map[string]storedStats
	}
	order, keys := mortonOrder(es)
	agg := make(chan aggregates, 1)
	go func() { agg <- aggregates{aggregateCells(es, order, keys), listStats(es)} }()
	opts.progress("loading %d enterprises into %s", len(es), table)
	if _, err := tx.Exec(ctx, `TRUNCATE layoutmap.`+table); err != nil {
		return fmt.Errorf("clearing %s: %w", table, err)
	}
	// The keys go too (the list's ids and credit codes are unique, checked
	// by ResolveEnterprises): they come back below, checked again, from
	// one sorted build each.
	drop := []string{fmt.Sprintf(`ALTER TABLE layoutmap.%[1]s DROP CONSTRAINT IF EXISTS %[1]s_pkey, DROP CONSTRAINT IF EXISTS %[1]s_credit_code_key`, table)}
	for _, ix := range []string{"point", "qk", "name", "city", "zone", "chains", "classes"} {
		drop = append(drop, fmt.Sprintf(`DROP INDEX IF EXISTS layoutmap.%s_%s_idx`, table, ix))
	}
	for _, q := range drop {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("dropping the indexes of %s: %w", table, err)
		}
	}
	if err := copyEnterprises(ctx, tx, table, es, order); err != nil {
		return fmt.Errorf("copying enterprises: %w", err)
	}
	opts.progress("indexing %s", table)
	// Sorts of a million keys in memory rather than on disk.
	build := []string{`SET LOCAL maintenance_work_mem = '256MB'`,
		fmt.Sprintf(`ALTER TABLE layoutmap.%[1]s ADD CONSTRAINT %[1]s_pkey PRIMARY KEY (id), ADD CONSTRAINT %[1]s_credit_code_key UNIQUE (credit_code)`, table)}
	for _, ix := range enterpriseIndexes {
		build = append(build, fmt.Sprintf(ix, table))
	}
	for _, q := range build {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("indexing %s: %w", table, err)
		}
	}
	opts.progress("storing the tile cells and statistics of %s", table)
	a := <-agg
	if _, err := writeEnterpriseCells(ctx, tx, a.cells); err != nil {
		return err
	}
	for _, q := range []string{`ANALYZE layoutmap.` + table, `CREATE OR REPLACE VIEW layoutmap.enterprises AS SELECT * FROM layoutmap.` + table} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("serving %s: %w", table, err)
		}
	}
	inf := data.EnterpriseInfoOf(es)
	bbox := []float64{}
	if inf.Count > 0 {
		bbox = []float64{inf.Bound.Min[0], inf.Bound.Min[1], inf.Bound.Max[0], inf.Bound.Max[1]}
	} else {
		list = 0
	}
	if _, err := tx.Exec(ctx, `UPDATE layoutmap.enterprise_meta SET list_version = $1, slot = $2, count = $3, synthetic = $4, bbox = $5, sources = $6, stats = $7`,
		list, slot, inf.Count, inf.Synthetic, bbox, inf.Sources, a.stats); err != nil {
		return fmt.Errorf("recording the list: %w", err)
	}
	return nil
}

// encodeEnterpriseList is the snapshot of a list: gob, gzip.
func encodeEnterpriseList(es []geo.Enterprise) ([]byte, error) {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestSpeed)
	if err := gob.NewEncoder(zw).Encode(es); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// keepEnterpriseList stores the snapshot of list version (n enterprises)
// and drops the lists no history row with a snapshot names any more.
func keepEnterpriseList(ctx context.Context, tx pgx.Tx, snap []byte, n int, version int64, opts ImportOptions) error {
	opts.progress("keeping a snapshot of the enterprise list")
	if _, err := tx.Exec(ctx, `INSERT INTO layoutmap.enterprise_lists (version, count, snapshot) VALUES ($1, $2, $3)`, version, n, snap); err != nil {
		return fmt.Errorf("enterprise snapshot: %w", err)
	}
	return pruneEnterpriseLists(ctx, tx)
}

func pruneEnterpriseLists(ctx context.Context, tx pgx.Tx) error {
	if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.enterprise_lists l WHERE NOT EXISTS (
		SELECT 1 FROM layoutmap.dataset_versions v WHERE v.enterprise_list = l.version AND v.snapshot IS NOT NULL)
		AND l.version <> (SELECT list_version FROM layoutmap.enterprise_meta)`); err != nil {
		return fmt.Errorf("pruning enterprise snapshots: %w", err)
	}
	return nil
}

// restoreEnterpriseList makes list version the loaded enterprise list (0:
// none) inside a rollback's transaction; nothing is written when it is
// already loaded. A list whose snapshot was dropped is ErrNoSnapshot.
func restoreEnterpriseList(ctx context.Context, tx pgx.Tx, list int64, opts ImportOptions) (before, after int, err error) {
	var cur int64
	if err := tx.QueryRow(ctx, `SELECT list_version, count FROM layoutmap.enterprise_meta`).Scan(&cur, &before); err != nil {
		return 0, 0, err
	}
	if cur == list {
		return before, before, nil
	}
	var es []geo.Enterprise
	if list != 0 {
		var snap []byte
		err := tx.QueryRow(ctx, `SELECT snapshot FROM layoutmap.enterprise_lists WHERE version = $1`, list).Scan(&snap)
		if errors.Is(err, pgx.ErrNoRows) {
			return 0, 0, fmt.Errorf("enterprise list of version %d: %w", list, ErrNoSnapshot)
		}
		if err != nil {
			return 0, 0, err
		}
		zr, err := gzip.NewReader(bytes.NewReader(snap))
		if err != nil {
			return 0, 0, fmt.Errorf("enterprise snapshot %d: %w", list, err)
		}
		if err := gob.NewDecoder(zr).Decode(&es); err != nil {
			return 0, 0, fmt.Errorf("enterprise snapshot %d: %w", list, err)
		}
	}
	if err := writeEnterprises(ctx, tx, es, list, opts); err != nil {
		return 0, 0, err
	}
	return before, len(es), nil
}

// enterpriseListAt is the enterprise list in force at dataset version v.
func enterpriseListAt(ctx context.Context, tx pgx.Tx, v int64) (int64, error) {
	var list int64
	err := tx.QueryRow(ctx, `SELECT enterprise_list FROM layoutmap.dataset_versions WHERE version = $1`, v).Scan(&list)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, fmt.Errorf("version %d: %w", v, ErrNoSnapshot)
	}
	return list, err
}
