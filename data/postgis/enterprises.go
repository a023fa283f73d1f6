package postgis

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// The enterprises collection (issue 15) in PostGIS: table
// layoutmap.enterprises (migration 0006), items through the descriptor
// path (collections.go), tiles cut by quadkey ranges exactly like the
// embedded store, and what is loaded in enterprise_meta.

var _ data.EnterpriseStore = (*Store)(nil)

// enterpriseWhere adds the enterprise criteria of f to w: the filter
// contract plus class and zone, as geo.Filter.MatchEnterprise (bbox
// inclusive; any listed value matches within a parameter).
func enterpriseWhere(w *where, f geo.Filter) {
	if f.BBox != nil {
		w.add(w.bbox("e.point", f.BBox))
	}
	if len(f.City) > 0 {
		w.add("e.city_code = ANY(" + w.arg(f.City) + ")")
	}
	if len(f.Cluster) > 0 {
		w.add("e.clusters && " + w.arg(f.Cluster) + "::text[]")
	}
	if len(f.Chain) > 0 {
		w.add("e.chains && " + w.arg(f.Chain) + "::text[]")
	}
	if len(f.Region) > 0 {
		w.add("e.city_code IN (SELECT member_code FROM layoutmap.planning_region_members WHERE region_id = ANY(" + w.arg(f.Region) + "))")
	}
	if len(f.Class) > 0 {
		w.add("e.classes && " + w.arg(f.ClassMask().IDs()) + "::text[]")
	}
	if len(f.Zone) > 0 {
		w.add("e.zone_id = ANY(" + w.arg(f.Zone) + ")")
	}
	// f.Year selects nothing (geo's year rule, geo/enterprise_year.go).
}

// EnterpriseItems is Items of the enterprises collection (data.EnterpriseStore).
func (s *Store) EnterpriseItems(ctx context.Context, f geo.Filter) (geo.Page, error) {
	return s.Items(ctx, geo.CollEnterprises, f)
}

// EnterpriseItem is Item of the enterprises collection.
func (s *Store) EnterpriseItem(ctx context.Context, id string) (geo.Feature, error) {
	return s.Item(ctx, geo.CollEnterprises, id)
}

// EnterpriseInfo describes the loaded list from enterprise_meta (no scan of
// the table).
func (s *Store) EnterpriseInfo(ctx context.Context) (_ data.EnterpriseInfo, err error) {
	if err := s.br.allow("enterprise info"); err != nil {
		return data.EnterpriseInfo{}, err
	}
	defer s.done("enterprise info", &err)
	var inf data.EnterpriseInfo
	var bbox []float64
	var list, served int64
	var listPrint, servedPrint *string // the versions' data.ResolveFingerprint (migration 0008)
	// Scalar subqueries, not a join: the one-row tables have no
	// statistics, and a join's estimate (hundreds of thousands of rows)
	// would make PostgreSQL JIT-compile the query (~0.4 s per call).
	if err := s.pool.QueryRow(ctx, `SELECT m.list_version, m.count, m.synthetic, m.bbox, m.sources,
			(SELECT d.version FROM layoutmap.dataset_meta d),
			(SELECT v.resolve_fingerprint FROM layoutmap.dataset_versions v WHERE v.version = m.list_version),
			(SELECT v.resolve_fingerprint FROM layoutmap.dataset_versions v WHERE v.version = (SELECT d.version FROM layoutmap.dataset_meta d))
		FROM layoutmap.enterprise_meta m`).Scan(&list, &inf.Count, &inf.Synthetic, &bbox, &inf.Sources,
		&served, &listPrint, &servedPrint); err != nil {
		return data.EnterpriseInfo{}, fmt.Errorf("postgis: enterprise info: %w", err)
	}
	if inf.Years, err = s.enterpriseYears(ctx, list); err != nil {
		return data.EnterpriseInfo{}, err
	}
	if inf.PointZoom, err = s.pointZoomOf(ctx, list); err != nil {
		return data.EnterpriseInfo{}, err
	}
	if len(bbox) == 4 {
		inf.Bound = orb.Bound{Min: orb.Point{bbox[0], bbox[1]}, Max: orb.Point{bbox[2], bbox[3]}}
	}
	if inf.Count > 0 {
		inf.LinksVersion = list // resolved by the list's own import, against the dataset then stored
		inf.LinksStale = linksStale(list, served, listPrint, servedPrint)
	}
	if inf.Sources == nil {
		inf.Sources = []string{}
	}
	return inf, nil
}

// linksStale reports whether the dataset served (version served) differs
// from the one the list's links were resolved against (version list) in
// anything the resolver reads: their data.ResolveFingerprint differ. A
// version recorded without one (before migration 0008, or outside the
// history) cannot be compared: then any later version counts as a change.
func linksStale(list, served int64, listPrint, servedPrint *string) bool {
	if listPrint == nil || servedPrint == nil || *listPrint == "" || *servedPrint == "" {
		return served != list
	}
	return *listPrint != *servedPrint
}

// enterpriseYears counts the served list by year (data.EnterpriseInfo.Years),
// once per list version: a list never changes under its version, and the
// count is a scan of the table.
func (s *Store) enterpriseYears(ctx context.Context, list int64) ([]geo.YearCount, error) {
	s.entYearsMu.Lock()
	defer s.entYearsMu.Unlock()
	if s.entYears != nil && s.entYearsList == list {
		return s.entYears, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT coalesce(year, 0), count(*) FROM layoutmap.enterprises GROUP BY 1 ORDER BY 1`)
	if err != nil {
		return nil, fmt.Errorf("postgis: enterprise years: %w", err)
	}
	ys, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.YearCount, error) {
		var y geo.YearCount
		return y, r.Scan(&y.Year, &y.Count)
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: enterprise years: %w", err)
	}
	s.entYears, s.entYearsList = ys, list
	return ys, nil
}

// pointZoomOf computes the point zoom of list version list once: a zoom
// is over the budget when the import stored cells for it (it stores those
// of exactly the tiles over geo.EnterpriseTilePoints, migration 0007); a
// list loaded before 0007 (no stored statistics) is counted from the rows.
func (s *Store) pointZoomOf(ctx context.Context, list int64) (uint32, error) {
	s.entPointZoomMu.Lock()
	defer s.entPointZoomMu.Unlock()
	if s.entPointZoomOK && s.entPointZoomList == list {
		return s.entPointZoom, nil
	}
	var stored bool
	var maxZ *int16
	if err := s.pool.QueryRow(ctx, `SELECT m.stats IS NOT NULL, (SELECT max(z) FROM layoutmap.enterprise_cells WHERE chain = '')
		FROM layoutmap.enterprise_meta m`).Scan(&stored, &maxZ); err != nil {
		return 0, fmt.Errorf("postgis: enterprise point zoom: %w", err)
	}
	var qerr error
	pz := geo.EnterprisePointZoom(func(z uint32) bool {
		if stored {
			return maxZ != nil && int(z) <= int(*maxZ)
		}
		var over bool
		if qerr == nil {
			qerr = s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM layoutmap.enterprises e GROUP BY e.qk >> $1 HAVING count(*) > $2)`,
				2*(geo.MortonZoom-int(z)), geo.EnterpriseTilePoints).Scan(&over)
		}
		return over
	})
	if qerr != nil {
		return 0, fmt.Errorf("postgis: enterprise point zoom: %w", qerr)
	}
	s.entPointZoom, s.entPointZoomList, s.entPointZoomOK = pz, list, true
	return pz, nil
}

// EnterpriseTile returns the enterprises of tile z/x/y under the filter:
// every matching point from the list's point zoom on, else the
// aggregation cells of zoom z+geo.EnterpriseCellBits with counts per
// class and chain (geo.EnterpriseTileAsPoints). The tile and its cells are
// ranges of the quadkey column (geo.MortonKey, as the embedded store), so
// both stores cut alike; the stored cells are those of the tiles over the
// budget, which are cells at every zoom.
func (s *Store) EnterpriseTile(ctx context.Context, q geo.TileQuery) (_ geo.EnterpriseTile, err error) {
	if err := q.Check(); err != nil {
		return geo.EnterpriseTile{}, err
	}
	if err := s.br.allow("enterprise tile"); err != nil {
		return geo.EnterpriseTile{}, err
	}
	defer s.done("enterprise tile", &err)
	f := q.Filter
	f.BBox = nil // a tile is its own box
	if err := s.validate(ctx, geo.CollEnterprises, f, false); err != nil {
		return geo.EnterpriseTile{}, err
	}
	w := &where{}
	lo, hi := geo.MortonRange(q.Z, q.X, q.Y)
	w.add("e.qk >= " + w.arg(int64(lo)) + " AND e.qk < " + w.arg(int64(hi)))
	enterpriseWhere(w, f)
	cond := w.sql()
	// From the point zoom on a tile is its points, unless it is over the
	// budget: with the point zoom of the list last seen, read them at
	// once, with the list version in the same statement, and count them
	// in Go. That holds if the list is still that one and the tile within
	// the budget; otherwise the tile is decided below as any other.
	if pz, list, ok := s.cachedPointZoom(); ok && q.Z >= pz {
		pts, v, err := s.tilePoints(ctx, cond, w.args)
		if err != nil {
			return geo.EnterpriseTile{}, fmt.Errorf("postgis: enterprise tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		if len(pts) == 0 {
			return geo.EnterpriseTile{}, nil
		}
		if v == list && geo.EnterpriseTileAsPoints(q.Z, pz, len(pts)) {
			return geo.EnterpriseTile{Matched: len(pts), Points: pts}, nil
		}
	}
	if chain, ok := storedFilter(f); ok { // the stored cells may hold it
		t, ok, err := s.storedTile(ctx, chain, q.Z, q.X, q.Y)
		if err != nil {
			return geo.EnterpriseTile{}, fmt.Errorf("postgis: enterprise tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		if ok {
			return t, nil
		}
	}
	// A stored tile is cells at every zoom (it holds more than
	// geo.EnterpriseTilePoints firms); any other needs the list's point
	// zoom, whose list version comes with the count, in the same snapshot
	// and without a query of its own.
	var t geo.EnterpriseTile
	var list int64
	if err := s.pool.QueryRow(ctx, `SELECT count(*), (SELECT list_version FROM layoutmap.enterprise_meta) FROM layoutmap.enterprises e WHERE `+cond,
		w.args...).Scan(&t.Matched, &list); err != nil {
		return t, fmt.Errorf("postgis: enterprise tile: %w", err)
	}
	pointZoom, err := s.pointZoomOf(ctx, list)
	if err != nil {
		return geo.EnterpriseTile{}, err
	}
	if geo.EnterpriseTileAsPoints(q.Z, pointZoom, t.Matched) {
		t.Points, _, err = s.tilePoints(ctx, cond, w.args)
	} else {
		t.Cells, err = s.tileCells(ctx, q.Z, cond, w.args)
	}
	if err != nil {
		return geo.EnterpriseTile{}, fmt.Errorf("postgis: enterprise tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	return t, nil
}

// cachedPointZoom is the point zoom pointZoomOf last computed and the
// list version it is of (ok: there is one).
func (s *Store) cachedPointZoom() (pz uint32, list int64, ok bool) {
	s.entPointZoomMu.Lock()
	defer s.entPointZoomMu.Unlock()
	return s.entPointZoom, s.entPointZoomList, s.entPointZoomOK
}

// tilePoints reads the enterprises meeting cond in id order (Go's string
// order: id is C-collated), with the version of the list they belong to
// (0 when there are none). One statement reads every field of
// geo.Enterprise from its column, as the field table's SQL (geo's
// enterprise schema) gives the properties: NULL is the zero value, empty
// lists are nil; the point from lon and lat, which the import writes from
// the same values as the geometry (enterprise_copy.go). Building property
// maps and reading the rows again by id (readFields, as items do) cost
// more than the query itself on a tile of thousands of firms.
func (s *Store) tilePoints(ctx context.Context, cond string, args []any) ([]geo.Enterprise, int64, error) {
	rows, err := s.pool.Query(ctx, `SELECT (SELECT list_version FROM layoutmap.enterprise_meta),
			e.id, coalesce(e.credit_code, ''), e.name, e.name_en, e.lon, e.lat, e.location_quality,
			e.chains, e.clusters, e.clusters_derived, e.classes, e.city_code, coalesce(e.county_code, ''),
			coalesce(e.zone_id, ''), coalesce(e.zone_link, ''), coalesce(e.zone_geom_quality, ''), e.source, coalesce(e.year, 0)
		FROM layoutmap.enterprises e WHERE `+cond+` ORDER BY e.id`, args...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []geo.Enterprise
	var list int64
	var e geo.Enterprise
	var classes []string
	dest := []any{&list, &e.ID, &e.CreditCode, &e.Name, &e.NameEN, &e.Point[0], &e.Point[1], &e.LocationQuality,
		&e.Chains, &e.Clusters, &e.ClustersDerived, &classes, &e.CityCode, &e.CountyCode,
		&e.ZoneID, &e.ZoneLink, &e.ZoneGeomQuality, &e.Source, &e.Year}
	for rows.Next() {
		e, classes = geo.Enterprise{}, nil
		if err := rows.Scan(dest...); err != nil {
			return nil, 0, err
		}
		e.Classes = geo.MaskOf(classes)
		if len(e.Chains) == 0 {
			e.Chains = nil
		}
		if len(e.Clusters) == 0 {
			e.Clusters = nil
		}
		out = append(out, e)
	}
	return out, list, rows.Err()
}

// tileCells aggregates the enterprises meeting cond into the cells of zoom
// z+EnterpriseCellBits (the quadkey shifted), in quadkey order: count,
// mean point and count per class in one query, counts per chain in a
// second, both in one round trip.
func (s *Store) tileCells(ctx context.Context, z uint32, cond string, args []any) ([]geo.EnterpriseCell, error) {
	cz := z + geo.EnterpriseCellBits
	shift := 2 * (geo.MortonZoom - int(cz))
	cell := fmt.Sprintf("(e.qk >> %d)", shift) // an integer computed here, not input
	classes := ""
	for _, c := range geo.EnterpriseClasses {
		classes += fmt.Sprintf(", count(*) FILTER (WHERE '%s' = ANY(e.classes))", c.ID) // ids of geo, not input
	}
	b := &pgx.Batch{}
	b.Queue(`SELECT `+cell+`, count(*), avg(e.lon), avg(e.lat)`+classes+` FROM layoutmap.enterprises e WHERE `+cond+` GROUP BY 1 ORDER BY 1`, args...)
	b.Queue(`SELECT `+cell+`, ch, count(*) FROM layoutmap.enterprises e, unnest(e.chains) ch WHERE `+cond+` GROUP BY 1, 2`, args...)
	br := s.pool.SendBatch(ctx, b)
	defer br.Close()
	var out []geo.EnterpriseCell
	idx := map[int64]int{}
	err := eachRow(br, func(r pgx.Rows) error {
		var k int64
		var c geo.EnterpriseCell
		dest := []any{&k, &c.Count, &c.Point[0], &c.Point[1]}
		for i := range geo.EnterpriseClasses {
			dest = append(dest, &c.Classes[i])
		}
		if err := r.Scan(dest...); err != nil {
			return err
		}
		c.Z = cz
		c.X, c.Y = geo.MortonXY(uint64(k))
		c.Chains = map[string]int{}
		idx[k] = len(out)
		out = append(out, c)
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = eachRow(br, func(r pgx.Rows) error {
		var k int64
		var ch string
		var n int
		if err := r.Scan(&k, &ch, &n); err != nil {
			return err
		}
		if i, ok := idx[k]; ok {
			out[i].Chains[ch] = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, br.Close()
}

var _ data.EnterpriseStatsStore = (*Store)(nil)

// EnterpriseStats counts the enterprises f selects per zone, city, chain,
// cluster and class (data.EnterpriseStatsStore): geo.EnterpriseStatsOf in
// SQL, the matching rows read once (a materialised CTE) and grouped seven
// ways in one statement, the names of the zones counted and of every city
// in a second.
func (s *Store) EnterpriseStats(ctx context.Context, f geo.Filter) (_ geo.EnterpriseStats, err error) {
	if err := s.br.allow("enterprise stats"); err != nil {
		return geo.EnterpriseStats{}, err
	}
	defer s.done("enterprise stats", &err)
	if err := s.validate(ctx, geo.CollEnterprises, f, false); err != nil {
		return geo.EnterpriseStats{}, err
	}
	w := &where{}
	enterpriseWhere(w, f)
	if chain, ok := storedFilter(f); ok { // the whole list or one chain: counted by the import
		st, ok, err := s.storedListStats(ctx, chain)
		if err != nil {
			return geo.EnterpriseStats{}, fmt.Errorf("postgis: enterprise stats: %w", err)
		}
		if ok {
			if err := s.statsNames(ctx, &st); err != nil {
				return geo.EnterpriseStats{}, fmt.Errorf("postgis: enterprise stats: names: %w", err)
			}
			return st, nil
		}
	}
	rows, err := s.pool.Query(ctx, `WITH m AS MATERIALIZED (
			SELECT e.zone_id, e.city_code, e.chains, e.clusters, e.classes, e.location_quality FROM layoutmap.enterprises e WHERE `+w.sql()+`)
		SELECT 'total', '', count(*) FROM m
		UNION ALL SELECT 'synthetic', '', count(*) FROM m WHERE location_quality = '`+geo.LocSynthetic+`'
		UNION ALL SELECT 'zone', coalesce(zone_id, ''), count(*) FROM m GROUP BY zone_id
		UNION ALL SELECT 'city', city_code, count(*) FROM m GROUP BY city_code
		UNION ALL SELECT 'chain', c, count(*) FROM m, unnest(m.chains) c GROUP BY c
		UNION ALL SELECT 'cluster', c, count(*) FROM m, unnest(m.clusters) c GROUP BY c
		UNION ALL SELECT 'class', c, count(*) FROM m, unnest(m.classes) c GROUP BY c`, w.args...)
	if err != nil {
		return geo.EnterpriseStats{}, fmt.Errorf("postgis: enterprise stats: %w", err)
	}
	st := geo.NewEnterpriseStats()
	var kind, id string
	var n int
	_, err = pgx.ForEachRow(rows, []any{&kind, &id, &n}, func() error {
		switch kind {
		case "total":
			st.Total = n
		case "synthetic":
			st.Synthetic = n
		case "zone":
			if id == "" {
				st.NoZone = n
			} else {
				st.ByZone[id] = n
			}
		default:
			st.Group(kind)[id] = n
		}
		return nil
	})
	if err != nil {
		return geo.EnterpriseStats{}, fmt.Errorf("postgis: enterprise stats: %w", err)
	}
	if err := s.statsNames(ctx, &st); err != nil {
		return geo.EnterpriseStats{}, fmt.Errorf("postgis: enterprise stats: names: %w", err)
	}
	return st, nil
}

// statsNames fills the names of the zones counted and of every city.
func (s *Store) statsNames(ctx context.Context, st *geo.EnterpriseStats) error {
	zones := make([]string, 0, len(st.ByZone))
	for id := range st.ByZone {
		zones = append(zones, id)
	}
	rows, err := s.pool.Query(ctx, `SELECT 'zone', id, name, name_en FROM layoutmap.zones WHERE id = ANY($1)
		UNION ALL SELECT 'city', code, name, name_en FROM layoutmap.admin_areas WHERE level = 'city'`, zones)
	if err != nil {
		return err
	}
	st.ZoneNames, st.CityNames = map[string]geo.Named{}, map[string]geo.Named{}
	var kind, id string
	var nm geo.Named
	_, err = pgx.ForEachRow(rows, []any{&kind, &id, &nm.Name, &nm.NameEN}, func() error {
		if kind == "zone" {
			st.ZoneNames[id] = nm
		} else {
			st.CityNames[id] = nm
		}
		return nil
	})
	return err
}
