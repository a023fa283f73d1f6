package postgis

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"

	"layoutmap/geo"
)

// RevenueRow is one row of a revenue file: Zone is a zone id or its exact
// name; Where names the file and row for the report.
type RevenueRow struct {
	Where   string
	Zone    string
	Revenue geo.Revenue
}

// ImportRevenue adds a year's statistics without touching geometry, through
// data.MergeRevenue (the one revenue merge of loader, importer and this
// writer; data.RevenueDuplicateRule): each row replaces the stored figure of
// the same zone, year, measure, period and scope; two such rows in one import, rows
// naming an unknown or ambiguous zone, or holding impossible values, are
// rejected and then nothing changes. A successful import
// increments the dataset version.
func ImportRevenue(ctx context.Context, url string, rows []RevenueRow, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Counts: map[string]int{}}
	err := inImportTx(ctx, url, func(tx pgx.Tx) error {
		before, err := readDataset(ctx, tx)
		if err != nil {
			return fmt.Errorf("reading current dataset: %w", err)
		}
		opts.progress("resolving %d revenue rows", len(rows))
		// The stored figures of every zone, then the one revenue merge
		// (data.MergeRevenue, data.RevenueDuplicateRule), then the touched
		// zones' figures rewritten as merged.
		zs, err := storedRevenue(ctx, tx)
		if err != nil {
			return err
		}
		batch := make([]data.RevenueIn, len(rows))
		for i, r := range rows {
			batch[i] = data.RevenueIn{Where: r.Where, Zone: r.Zone, Revenue: r.Revenue}
		}
		merged, rej := data.MergeRevenue(zs, batch)
		if len(rej) > 0 {
			return &RejectedError{Rejected: rej}
		}
		if err := writeMergedRevenue(ctx, tx, merged, opts); err != nil {
			return err
		}
		recs := rows
		rep.Counts["revenue"] = len(recs)
		if err := bumpVersion(ctx, tx, nil, &rep); err != nil {
			return err
		}
		return finish(ctx, tx, before, &rep, opts)
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
		return rep, fmt.Errorf("postgis: import revenue: %w", err)
	}
	opts.progress("committed dataset version %d", rep.Version)
	return rep, nil
}

// storedRevenue is every zone (id and name) with its stored figures, by id.
func storedRevenue(ctx context.Context, tx pgx.Tx) ([]geo.Zone, error) {
	zr, err := tx.Query(ctx, `SELECT id, name FROM layoutmap.zones ORDER BY id COLLATE "C"`)
	if err != nil {
		return nil, err
	}
	type idName struct{ ID, Name string }
	ins, err := pgx.CollectRows(zr, pgx.RowToStructByPos[idName])
	if err != nil {
		return nil, err
	}
	zs := make([]geo.Zone, len(ins))
	idx := make(map[string]int, len(ins))
	for i, z := range ins {
		zs[i] = geo.Zone{ID: z.ID, Name: z.Name}
		idx[z.ID] = i
	}
	rr, err := tx.Query(ctx, `SELECT zone_id, year, revenue_yi, measure, bound, period, scope, source FROM layoutmap.zone_revenue ORDER BY zone_id, ord`)
	if err != nil {
		return nil, err
	}
	stored, err := pgx.CollectRows(rr, func(r pgx.CollectableRow) (geo.Revenue, error) {
		var v geo.Revenue
		err := r.Scan(&v.ZoneID, &v.Year, &v.RevenueYi, &v.Measure, &v.Bound, &v.Period, &v.Scope, &v.Source)
		return v, err
	})
	if err != nil {
		return nil, err
	}
	for _, v := range stored {
		if i, ok := idx[v.ZoneID]; ok {
			zs[i].Revenue = append(zs[i].Revenue, v)
		}
	}
	return zs, nil
}

// writeMergedRevenue replaces the figures of the zones in merged (zone id
// → every figure after the merge) and their headlines.
func writeMergedRevenue(ctx context.Context, tx pgx.Tx, merged map[string][]geo.Revenue, opts ImportOptions) error {
	ids := make([]string, 0, len(merged))
	for id := range merged {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	opts.progress("writing the figures of %d zones", len(ids))
	if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.zone_revenue WHERE zone_id = ANY($1)`, ids); err != nil {
		return fmt.Errorf("replacing revenue: %w", err)
	}
	var base int
	if err := tx.QueryRow(ctx, `SELECT coalesce(max(ord) + 1, 0) FROM layoutmap.zone_revenue`).Scan(&base); err != nil {
		return err
	}
	var out [][]any
	for _, id := range ids {
		for _, v := range merged[id] {
			out = append(out, []any{v.ZoneID, v.Year, v.RevenueYi, v.Measure, v.Bound, periodOrFull(v.Period), geo.ScopeOrZone(v.Scope), v.Source, base + len(out)})
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, "zone_revenue"}, []string{"zone_id", "year", "revenue_yi", "measure", "bound", "period", "scope", "source", "ord"}, pgx.CopyFromRows(out)); err != nil {
		return fmt.Errorf("copying revenue: %w", err)
	}
	return writeHeadlines(ctx, tx, ids)
}
