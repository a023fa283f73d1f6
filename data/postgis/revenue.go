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

// ImportRevenue adds a year's statistics without touching geometry: each
// row replaces the stored records of the same zone, year, measure and
// period. Rows naming an unknown or ambiguous zone, or holding impossible
// values, are rejected and then nothing changes. A successful import
// increments the dataset version.
func ImportRevenue(ctx context.Context, url string, rows []RevenueRow, opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Counts: map[string]int{}}
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return rep, fmt.Errorf("postgis: import revenue: connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	err = pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, importLock); err != nil {
			return err
		}
		before, err := readDataset(ctx, tx)
		if err != nil {
			return fmt.Errorf("reading current dataset: %w", err)
		}
		opts.progress("resolving %d revenue rows", len(rows))
		zr, err := tx.Query(ctx, `SELECT id, name FROM layoutmap.zones`)
		if err != nil {
			return err
		}
		byID, byName := map[string]bool{}, map[string][]string{}
		type idName struct{ ID, Name string }
		zs, err := pgx.CollectRows(zr, pgx.RowToStructByPos[idName])
		if err != nil {
			return err
		}
		for _, z := range zs {
			byID[z.ID] = true
			byName[z.Name] = append(byName[z.Name], z.ID)
		}
		var rej []Problem
		type key struct {
			zone, measure, period string
			year                  int
		}
		seen := map[key]string{}
		recs := make([]geo.Revenue, 0, len(rows))
		for _, r := range rows {
			v := r.Revenue
			v.Period = periodOrFull(v.Period)
			switch {
			case byID[r.Zone]:
				v.ZoneID = r.Zone
			case len(byName[r.Zone]) == 1:
				v.ZoneID = byName[r.Zone][0]
			case len(byName[r.Zone]) > 1:
				rej = append(rej, Problem{Where: r.Where, Reason: fmt.Sprintf("zone name %q is ambiguous (%v): use the id", geo.Clip(r.Zone), byName[r.Zone])})
				continue
			default:
				rej = append(rej, Problem{Where: r.Where, Reason: fmt.Sprintf("unknown zone %q", geo.Clip(r.Zone))})
				continue
			}
			if p := data.ValidateRevenue(v); p != "" {
				rej = append(rej, Problem{Where: r.Where, Reason: p})
				continue
			}
			k := key{v.ZoneID, v.Measure, v.Period, v.Year}
			if prev, dup := seen[k]; dup {
				rej = append(rej, Problem{Where: r.Where, Reason: "same zone, year, measure and period as " + prev})
				continue
			}
			seen[k] = r.Where
			recs = append(recs, v)
		}
		if len(rej) > 0 {
			return &RejectedError{Rejected: rej}
		}
		opts.progress("writing %d revenue records", len(recs))
		var ids []string
		var years []int
		var measures, periods []string
		for _, v := range recs {
			ids, years, measures, periods = append(ids, v.ZoneID), append(years, v.Year), append(measures, v.Measure), append(periods, v.Period)
		}
		if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.zone_revenue r USING unnest($1::text[], $2::int[], $3::text[], $4::text[]) AS k(zone_id, year, measure, period)
			WHERE r.zone_id = k.zone_id AND r.year = k.year AND r.measure = k.measure AND r.period = k.period`, ids, years, measures, periods); err != nil {
			return fmt.Errorf("replacing revenue: %w", err)
		}
		var base int
		if err := tx.QueryRow(ctx, `SELECT coalesce(max(ord) + 1, 0) FROM layoutmap.zone_revenue`).Scan(&base); err != nil {
			return err
		}
		out := make([][]any, len(recs))
		for i, v := range recs {
			out[i] = []any{v.ZoneID, v.Year, v.RevenueYi, v.Measure, v.Bound, v.Period, v.Source, base + i}
		}
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, "zone_revenue"}, []string{"zone_id", "year", "revenue_yi", "measure", "bound", "period", "source", "ord"}, pgx.CopyFromRows(out)); err != nil {
			return fmt.Errorf("copying revenue: %w", err)
		}
		slices.Sort(ids)
		if err := writeHeadlines(ctx, tx, slices.Compact(ids)); err != nil {
			return err
		}
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
