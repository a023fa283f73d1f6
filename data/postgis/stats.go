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
		m AS (SELECT z.id, z.city_code, h.zone_id IS NOT NULL AS head, h.revenue_yi, h.measure, h.bound, h.eff_bound, h.period, %[5]s AS tier
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
	st := geo.Stats{YearBasis: geo.YearBasisFilter, Comparable: []string{}, CityNames: map[string]geo.AdminArea{}}
	st.Clusters = []geo.ClusterStat{}
	clusters := map[string]int{}
	figures := map[string][]geo.MeasureFigures{}
	type tierRow struct {
		ids   []string
		lower int
	}
	tiers := map[string]tierRow{}
	targets := map[float64]tierRow{}
	mins := make([]float64, len(geo.PlanTargets2025.Targets))
	for i, t := range geo.PlanTargets2025.Targets {
		mins[i] = t.MinYi
	}
	minsArg := fmt.Sprintf("$%d", len(args)+1)
	queries := []struct {
		sql  string
		args []any
		scan func(pgx.Rows) error
	}{
		// The 7 clusters in taxonomy order (geo.ClusterStats lists every one).
		{`SELECT id, name, name_en FROM layoutmap.clusters WHERE kind = '` + geo.KindCluster + `' ORDER BY ord`, nil,
			func(r pgx.Rows) error {
				c := geo.ClusterStat{ZoneIDs: []string{}, ByCity: map[string]int{}}
				if err := r.Scan(&c.ClusterID, &c.Name, &c.NameEN); err != nil {
					return err
				}
				clusters[c.ClusterID] = len(st.Clusters)
				st.Clusters = append(st.Clusters, c)
				return nil
			}},
		{with + `SELECT (SELECT year FROM y), count(*), coalesce(array_agg(m.id ORDER BY m.id COLLATE "C") FILTER (WHERE m.head), '{}') FROM m`, args,
			func(r pgx.Rows) error { return r.Scan(&st.Year, &st.Zones, &st.Comparable) }},
		{with + `SELECT c.cluster_id, m.city_code, array_agg(m.id ORDER BY m.id COLLATE "C") FROM m JOIN c ON c.zone_id = m.id GROUP BY 1, 2`, args,
			func(r pgx.Rows) error {
				var id, city string
				var ids []string
				if err := r.Scan(&id, &city, &ids); err != nil {
					return err
				}
				if i, ok := clusters[id]; ok {
					cs := &st.Clusters[i]
					cs.Zones += len(ids)
					cs.ZoneIDs = append(cs.ZoneIDs, ids...)
					if city != "" {
						cs.ByCity[city] += len(ids)
					}
				}
				return nil
			}},
		// geo.ClusterStats' comparable figures; headline periods are stored full_year when unstated.
		{with + `SELECT c.cluster_id, m.measure, array_agg(m.revenue_yi ORDER BY m.id COLLATE "C"), bool_or(m.bound = 'lower')
			FROM m JOIN c ON c.zone_id = m.id
			WHERE m.head AND m.period = 'full_year' AND m.bound IN ('exact', 'lower') GROUP BY 1, 2 ORDER BY 1, 2`, args,
			func(r pgx.Rows) error {
				var id string
				var g geo.MeasureFigures
				if err := r.Scan(&id, &g.Measure, &g.Figures, &g.Lower); err != nil {
					return err
				}
				figures[id] = append(figures[id], g)
				return nil
			}},
		{with + `SELECT m.tier, array_agg(m.id ORDER BY m.id COLLATE "C"), count(*) FILTER (WHERE m.head AND m.eff_bound = 'lower' AND m.tier <> ` +
			fmt.Sprintf("'%s'", geo.TierNoData) + `) FROM m GROUP BY 1`, args,
			func(r pgx.Rows) error {
				var id string
				var t tierRow
				if err := r.Scan(&id, &t.ids, &t.lower); err != nil {
					return err
				}
				tiers[id] = t
				return nil
			}},
		// geo.MeetsMin per target: exact figures and lower bounds at or above it.
		{with + `SELECT t.min_yi, array_agg(m.id ORDER BY m.id COLLATE "C"), count(*) FILTER (WHERE m.eff_bound = 'lower')
			FROM unnest(` + minsArg + `::float8[]) AS t(min_yi) JOIN m ON m.head AND m.eff_bound IN ('exact', 'lower') AND m.revenue_yi >= t.min_yi
			GROUP BY 1`, append(slices.Clip(args), mins),
			func(r pgx.Rows) error {
				var x float64
				var t tierRow
				if err := r.Scan(&x, &t.ids, &t.lower); err != nil {
					return err
				}
				targets[x] = t
				return nil
			}},
		{`SELECT code, name, name_en FROM layoutmap.admin_areas WHERE level = 'city'`, nil,
			func(r pgx.Rows) error {
				a := geo.AdminArea{Level: geo.LevelCity}
				if err := r.Scan(&a.Code, &a.Name, &a.NameEN); err != nil {
					return err
				}
				st.CityNames[a.Code] = a
				return nil
			}},
	}
	batch := &pgx.Batch{}
	batch.Queue(`BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY`)
	for _, q := range queries {
		batch.Queue(q.sql, q.args...)
	}
	batch.Queue(`COMMIT`)
	br := s.pool.SendBatch(ctx, batch)
	if _, err := br.Exec(); err != nil {
		br.Close()
		return geo.Stats{}, err
	}
	for _, q := range queries {
		if err := eachRow(br, q.scan); err != nil {
			br.Close()
			return geo.Stats{}, err
		}
	}
	if _, err := br.Exec(); err != nil {
		br.Close()
		return geo.Stats{}, err
	}
	if err := br.Close(); err != nil {
		return geo.Stats{}, err
	}
	if f.Year == 0 {
		st.YearBasis = geo.YearBasisLatest
		if st.Year == 0 {
			st.YearBasis = geo.YearBasisNone
		}
	}
	for i := range st.Clusters {
		cs := &st.Clusters[i]
		slices.Sort(cs.ZoneIDs)
		cs.Measure, cs.RevenueYi, cs.RevenueN, cs.RevenueBound = geo.ClusterRevenue(figures[cs.ClusterID])
	}
	st.Tiers = make([]geo.TierStat, 0, len(s.tiers)+1)
	cum := 0
	for _, t := range append(slices.Clone(s.tiers), geo.NoDataTier) {
		ts := geo.TierStat{Tier: t, ZoneIDs: append([]string{}, tiers[t.ID].ids...), Lower: tiers[t.ID].lower}
		ts.Zones = len(ts.ZoneIDs)
		if t.ID != geo.TierNoData {
			cum += ts.Zones
			ts.AtOrAbove = cum
		}
		st.Tiers = append(st.Tiers, ts)
	}
	if st.Year != 0 {
		tc := geo.TargetCheck{Plan: geo.PlanTargets2025, Year: st.Year, Family: f.Family(), Zones: st.Zones,
			Comparable: len(st.Comparable), Rows: []geo.TargetRow{}}
		for _, t := range geo.PlanTargets2025.Targets {
			row := geo.TargetRow{PlanTarget: t, ZoneIDs: []string{}, AtOrAbove: len(targets[t.MinYi].ids), Lower: targets[t.MinYi].lower}
			row.ZoneIDs = append(row.ZoneIDs, targets[t.MinYi].ids...)
			row.Met = row.AtOrAbove >= t.Zones
			tc.Rows = append(tc.Rows, row)
		}
		st.Targets = &tc
	}
	return st, nil
}
