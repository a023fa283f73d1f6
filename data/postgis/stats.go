package postgis

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"layoutmap/geo"
)

// Stats computes the statistics in SQL: the zones the filter selects joined
// with their precomputed headline (zone_headline, written with geo.Headline)
// of the resolved year, grouped by cluster and city, by cluster and
// measure, by tier and by plan target, with no geometry read. The year, the
// selection and the groups are one batch in one read-only snapshot. The
// rules are the stores' shared ones: the tier is tierExpr (geo.TierOf), the
// comparable figures of a cluster sum are geo.ClusterStats' (full-year,
// exact or lower), and the majority measure and its sum are
// geo.ClusterRevenue over the grouped figures in zone-id order, so the
// answers equal geo.StatsOf over the zones (TestDifferential).
func (s *Store) Stats(ctx context.Context, q geo.StatsQuery) (_ geo.Stats, err error) {
	if err := s.br.allow("stats"); err != nil {
		return geo.Stats{}, err
	}
	defer s.done("stats", &err)
	f := q.Filter
	if err := s.validate(ctx, geo.CollZones, f, false); err != nil {
		return geo.Stats{}, err
	}
	st, err := s.stats(ctx, f)
	if err != nil {
		return geo.Stats{}, fmt.Errorf("postgis: stats: %w", err)
	}
	return st, nil
}

// statsSQL returns the CTEs y (the resolved year), m (the selected zones
// with headline and tier, no geometry) and c (their distinct cluster
// links), and their arguments.
func (s *Store) statsSQL(f geo.Filter) (string, []any, error) {
	w := &where{}
	fam := w.arg(f.Family())
	// The default year: the latest with a headline of the family among
	// the zones the year-independent criteria select (geo.LatestComparableYear).
	base := geo.YearIndependent(f)
	s.zoneWhere(w, base)
	if base.CQL != nil {
		cond, err := s.cqlWhere(w, geo.CollZones, base.CQL.Expr)
		if err != nil {
			return "", nil, err
		}
		w.add(cond)
	}
	baseWhere := w.sql()
	w.clauses = nil
	year := w.arg(f.Year)
	s.zoneWhere(w, f)
	if f.CQL != nil {
		cond, err := s.cqlWhere(w, geo.CollZones, f.CQL.Expr)
		if err != nil {
			return "", nil, err
		}
		w.add(cond)
	}
	tier := s.tierExpr(w)
	sql := fmt.Sprintf(`WITH y AS (SELECT CASE WHEN %[1]s::int <> 0 THEN %[1]s::int ELSE coalesce((
			SELECT max(hh.year) FROM layoutmap.zones z
			LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z.id AND h.year = 0 AND h.family = %[2]s
			JOIN layoutmap.zone_headline hh ON hh.zone_id = z.id AND hh.family = %[2]s AND hh.year <> 0
			WHERE %[3]s), 0) END AS year),
		m AS (SELECT z.id, z.city_code, h.zone_id IS NOT NULL AS head, h.revenue_yi, h.measure, h.bound, h.eff_bound, h.period, h.scope, %[5]s AS tier
			FROM layoutmap.zones z
			LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z.id AND h.year = (SELECT year FROM y) AND h.family = %[2]s
			WHERE %[4]s),
		c AS (SELECT DISTINCT zc.zone_id, zc.cluster_id FROM layoutmap.zone_clusters zc JOIN m ON m.id = zc.zone_id)
		`, year, fam, baseWhere, w.sql(), tier)
	return sql, w.args, nil
}

// stats runs the grouped queries of Stats as one batch: one round trip,
// one read-only repeatable-read transaction (one snapshot of an import).
func (s *Store) stats(ctx context.Context, f geo.Filter) (geo.Stats, error) {
	with, args, err := s.statsSQL(f)
	if err != nil {
		return geo.Stats{}, err
	}
	r := &statsRows{
		st:       geo.Stats{YearBasis: geo.YearBasisFilter, Comparable: []string{}, CityNames: map[string]geo.AdminArea{}, Clusters: []geo.ClusterStat{}},
		clusters: map[string]int{}, figures: map[string][]geo.MeasureFigures{},
		tiers: map[string]statsIDs{}, targets: map[float64]statsIDs{},
	}
	if err := readSnapshot(ctx, s.pool, r.queries(with, args)); err != nil {
		return geo.Stats{}, err
	}
	return r.finish(f, s.tiers), nil
}

// statsQuery is one query of a batch and how to scan each of its rows.
type statsQuery struct {
	sql  string
	args []any
	scan func(pgx.Rows) error
}

// statsIDs are the zones of one tier or target, and how many of them count
// through a lower bound.
type statsIDs struct {
	ids   []string
	lower int
	part  []string // ids counted through a figure of one part of the zone
}

// statsRows collects the rows of the statistics queries: the statistics
// being built, each cluster's position in them, the comparable figures
// per cluster, the zones per tier id and per plan target (MinYi).
type statsRows struct {
	st       geo.Stats
	clusters map[string]int
	figures  map[string][]geo.MeasureFigures
	tiers    map[string]statsIDs
	targets  map[float64]statsIDs
}

// queries are the statistics queries over the zones CTE with (statsSQL,
// arguments args), scanning into r.
func (r *statsRows) queries(with string, args []any) []statsQuery {
	mins := make([]float64, len(geo.PlanTargets2025.Targets))
	for i, t := range geo.PlanTargets2025.Targets {
		mins[i] = t.MinYi
	}
	minsArg := fmt.Sprintf("$%d", len(args)+1)
	return []statsQuery{
		// The 7 clusters in taxonomy order (geo.ClusterStats lists every one).
		{`SELECT id, name, name_en FROM layoutmap.clusters WHERE kind = '` + geo.KindCluster + `' ORDER BY ord`, nil,
			func(row pgx.Rows) error {
				c := geo.ClusterStat{ZoneIDs: []string{}, ByCity: map[string]int{}}
				if err := row.Scan(&c.ClusterID, &c.Name, &c.NameEN); err != nil {
					return err
				}
				r.clusters[c.ClusterID] = len(r.st.Clusters)
				r.st.Clusters = append(r.st.Clusters, c)
				return nil
			}},
		{with + `SELECT (SELECT year FROM y), count(*), coalesce(array_agg(m.id ORDER BY m.id COLLATE "C") FILTER (WHERE m.head), '{}') FROM m`, args,
			func(row pgx.Rows) error { return row.Scan(&r.st.Year, &r.st.Zones, &r.st.Comparable) }},
		{with + `SELECT c.cluster_id, m.city_code, array_agg(m.id ORDER BY m.id COLLATE "C") FROM m JOIN c ON c.zone_id = m.id GROUP BY 1, 2`, args,
			func(row pgx.Rows) error {
				var id, city string
				var ids []string
				if err := row.Scan(&id, &city, &ids); err != nil {
					return err
				}
				if i, ok := r.clusters[id]; ok {
					cs := &r.st.Clusters[i]
					cs.Zones += len(ids)
					cs.ZoneIDs = append(cs.ZoneIDs, ids...)
					if city != "" {
						cs.ByCity[city] += len(ids)
					}
				}
				return nil
			}},
		// geo.ClusterStats' comparable figures; headline periods are stored full_year, scopes zone, when unstated.
		{with + `SELECT c.cluster_id, m.measure, array_agg(m.revenue_yi ORDER BY m.id COLLATE "C"), bool_or(m.bound = 'lower')
			FROM m JOIN c ON c.zone_id = m.id
			WHERE m.head AND m.period = 'full_year' AND m.scope = 'zone' AND m.bound IN ('exact', 'lower') GROUP BY 1, 2 ORDER BY 1, 2`, args,
			func(row pgx.Rows) error {
				var id string
				var g geo.MeasureFigures
				if err := row.Scan(&id, &g.Measure, &g.Figures, &g.Lower); err != nil {
					return err
				}
				r.figures[id] = append(r.figures[id], g)
				return nil
			}},
		{with + `SELECT m.tier, array_agg(m.id ORDER BY m.id COLLATE "C"), count(*) FILTER (WHERE m.head AND m.eff_bound = 'lower' AND m.tier <> ` +
			fmt.Sprintf("'%s'", geo.TierNoData) + `) FROM m GROUP BY 1`, args,
			func(row pgx.Rows) error {
				var id string
				var t statsIDs
				if err := row.Scan(&id, &t.ids, &t.lower); err != nil {
					return err
				}
				r.tiers[id] = t
				return nil
			}},
		// geo.MeetsMin per target: exact figures and lower bounds at or above it.
		{with + `SELECT t.min_yi, array_agg(m.id ORDER BY m.id COLLATE "C"), count(*) FILTER (WHERE m.eff_bound = 'lower'),
				coalesce(array_agg(m.id ORDER BY m.id COLLATE "C") FILTER (WHERE m.scope <> 'zone'), '{}')
			FROM unnest(` + minsArg + `::float8[]) AS t(min_yi) JOIN m ON m.head AND m.eff_bound IN ('exact', 'lower') AND m.revenue_yi >= t.min_yi
			GROUP BY 1`, append(slices.Clip(args), mins),
			func(row pgx.Rows) error {
				var x float64
				var t statsIDs
				if err := row.Scan(&x, &t.ids, &t.lower, &t.part); err != nil {
					return err
				}
				r.targets[x] = t
				return nil
			}},
		{`SELECT code, name, name_en FROM layoutmap.admin_areas WHERE level = 'city'`, nil,
			func(row pgx.Rows) error {
				a := geo.AdminArea{Level: geo.LevelCity}
				if err := row.Scan(&a.Code, &a.Name, &a.NameEN); err != nil {
					return err
				}
				r.st.CityNames[a.Code] = a
				return nil
			}},
	}
}

// readSnapshot runs queries as one batch in one read-only repeatable-read
// transaction, each row to its scan.
func readSnapshot(ctx context.Context, q querier, queries []statsQuery) error {
	batch := &pgx.Batch{}
	batch.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	for _, q := range queries {
		batch.Queue(q.sql, q.args...)
	}
	batch.Queue(`COMMIT`)
	br := q.SendBatch(ctx, batch)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return err
	}
	for _, q := range queries {
		if err := eachRow(br, q.scan); err != nil {
			br.Close()
			return err
		}
	}
	if _, err := br.Exec(); err != nil {
		br.Close()
		return err
	}
	return br.Close()
}

// finish completes the statistics of filter f from the rows: year basis,
// cluster revenue, the tiers of ts (cumulative) and the plan targets.
func (r *statsRows) finish(f geo.Filter, ts []geo.Tier) geo.Stats {
	st := r.st
	if f.Year == 0 {
		st.YearBasis = geo.YearBasisLatest
		if st.Year == 0 {
			st.YearBasis = geo.YearBasisNone
		}
	}
	for i := range st.Clusters {
		cs := &st.Clusters[i]
		slices.Sort(cs.ZoneIDs)
		cs.Measure, cs.RevenueYi, cs.RevenueN, cs.RevenueBound = geo.ClusterRevenue(r.figures[cs.ClusterID])
	}
	st.Tiers = make([]geo.TierStat, 0, len(ts)+1)
	cum := 0
	for _, t := range append(slices.Clone(ts), geo.NoDataTier) {
		tr := r.tiers[t.ID]
		stat := geo.TierStat{Tier: t, ZoneIDs: append([]string{}, tr.ids...), Lower: tr.lower}
		stat.Zones = len(stat.ZoneIDs)
		if t.ID != geo.TierNoData {
			cum += stat.Zones
			stat.AtOrAbove = cum
		}
		st.Tiers = append(st.Tiers, stat)
	}
	if st.Year != 0 {
		tc := geo.TargetCheck{Plan: geo.PlanTargets2025, Year: st.Year, Family: f.Family(), Zones: st.Zones,
			Comparable: len(st.Comparable), Rows: []geo.TargetRow{}}
		for _, t := range geo.PlanTargets2025.Targets {
			x := r.targets[t.MinYi]
			row := geo.TargetRow{PlanTarget: t, ZoneIDs: []string{}, AtOrAbove: len(x.ids), Lower: x.lower, PartScope: []string{}}
			row.ZoneIDs = append(row.ZoneIDs, x.ids...)
			row.PartScope = append(row.PartScope, x.part...)
			row.Met = row.AtOrAbove >= t.Zones
			tc.Rows = append(tc.Rows, row)
		}
		st.Targets = &tc
	}
	return st
}
