package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"layoutmap/data"
	"layoutmap/geo"
)

// querier is what both a pool and a transaction offer; the readers below
// serve the Store (pool) and the importer (its own transaction).
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	SendBatch(ctx context.Context, b *pgx.Batch) pgx.BatchResults
}

// geomExpr is the geometry column as selected: EWKB, or NULL for the rows
// whose id (idCol) is in the text[] skipArg, whose geometry the caller
// already holds (Store.geoms, data.GeometryMemo).
func geomExpr(col, idCol, skipArg string) string {
	return "(CASE WHEN " + idCol + " = ANY(coalesce(" + skipArg + "::text[], '{}')) THEN NULL ELSE ST_AsEWKB(" + col + ") END)"
}

// readStored reads the typed features of collection d (new gives a fresh
// one) meeting cond, a SQL condition over d's alias using args, in id
// order. The columns come from d: each field's Column into its Ref, then
// the outline (NULL for the ids in skip, whose geometry the caller holds)
// and the point, decoded into d.Shape's members; extra are the store's own
// columns, scanned into extraDest of the feature.
func readStored[T any](ctx context.Context, q querier, d geo.CollectionSchema, cond string, skip []string, args []any,
	extra []string, extraDest func(x *T) []any) ([]*T, error) {
	var cols []string
	var refs []func(any) any
	for _, f := range d.Fields {
		if f.Column != "" {
			cols, refs = append(cols, f.Column), append(refs, f.Ref)
		}
	}
	args = append(args, skip)
	cols = append(cols, geomExpr(d.Geom, d.IDSQL, fmt.Sprintf("$%d", len(args))))
	if d.Point != "" {
		cols = append(cols, "ST_AsEWKB("+d.Point+")")
	}
	cols = append(cols, extra...)
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + d.Table + " WHERE " + cond + " ORDER BY " + d.IDSQL + ` COLLATE "C"`
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []*T
	for rows.Next() {
		x := new(T)
		var g, pt []byte
		dest := make([]any, 0, len(cols))
		for _, ref := range refs {
			dest = append(dest, ref(x))
		}
		dest = append(dest, &g)
		if d.Point != "" {
			dest = append(dest, &pt)
		}
		if extraDest != nil {
			dest = append(dest, extraDest(x)...)
		}
		if err := rows.Scan(dest...); err != nil {
			return nil, err
		}
		geom, point := d.Shape(x)
		if *geom, err = decodeMultiPolygon(g); err != nil {
			return nil, err
		}
		if point != nil {
			if *point, err = decodePoint(pt); err != nil {
				return nil, err
			}
		}
		out = append(out, x)
	}
	return out, rows.Err()
}

// values copies the features read by readStored.
func values[T any](ps []*T) []T {
	out := make([]T, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// readAdmin returns admin areas matching where (a SQL condition on alias a
// using args), sorted by code, without the geometry of the codes in skip.
// Cities and counties share the table and columns: the cities descriptor
// gives them.
func readAdmin(ctx context.Context, q querier, where string, skip []string, args ...any) ([]geo.AdminArea, error) {
	as, err := readStored[geo.AdminArea](ctx, q, geo.Schemas[geo.CollCities], where, skip, args, nil, nil)
	return values(as), err
}

// readZones returns fully built zones (clusters, chains, regions, revenue)
// with the given ids (nil: all), sorted by id, without the outline of the
// ids in skip.
func readZones(ctx context.Context, q querier, ids []string, skip []string) ([]geo.Zone, error) {
	d := geo.Schemas[geo.CollZones]
	ps, err := readStored[geo.Zone](ctx, q, d, "$1 OR "+d.IDSQL+" = ANY($2)", skip, []any{ids == nil, ids}, nil, nil)
	if err != nil || len(ps) == 0 {
		return nil, err
	}
	zs := values(ps)
	idx := make(map[string]int, len(zs))
	for i := range zs {
		z := &zs[i]
		if z.LeadIndustries == nil {
			z.LeadIndustries = []string{}
		}
		z.Clusters, z.Chains, z.Regions, z.Revenue = []geo.ZoneCluster{}, []string{}, []string{}, []geo.Revenue{}
		idx[z.ID] = i
	}
	if err := readZoneRelated(ctx, q, zs, idx); err != nil {
		return nil, err
	}
	return zs, nil
}

// readZoneRelated fills the clusters, chains, regions and revenue of zs
// (idx: position of each id) from the related tables, in one round trip:
// a batch of four queries bound to the same id list.
func readZoneRelated(ctx context.Context, q querier, zs []geo.Zone, idx map[string]int) error {
	ids := make([]string, len(zs))
	for i, z := range zs {
		ids[i] = z.ID
	}
	related := []struct {
		sql  string
		scan func(pgx.Rows) error
	}{
		{`SELECT zone_id, cluster_id, derived, source FROM layoutmap.zone_clusters WHERE zone_id = ANY($1) ORDER BY zone_id, ord`, func(r pgx.Rows) error {
			var id string
			var c geo.ZoneCluster
			if err := r.Scan(&id, &c.ClusterID, &c.Derived, &c.Source); err != nil {
				return err
			}
			zs[idx[id]].Clusters = append(zs[idx[id]].Clusters, c)
			return nil
		}},
		{`SELECT zone_id, chain_id FROM layoutmap.zone_chains WHERE zone_id = ANY($1) ORDER BY zone_id, ord`, func(r pgx.Rows) error {
			var id, c string
			if err := r.Scan(&id, &c); err != nil {
				return err
			}
			zs[idx[id]].Chains = append(zs[idx[id]].Chains, c)
			return nil
		}},
		{`SELECT z.id, m.region_id FROM layoutmap.zones z
			JOIN layoutmap.planning_region_members m ON m.member_code = z.city_code
			WHERE z.id = ANY($1) ORDER BY z.id, m.region_id COLLATE "C"`, func(r pgx.Rows) error {
			var id, reg string
			if err := r.Scan(&id, &reg); err != nil {
				return err
			}
			zs[idx[id]].Regions = append(zs[idx[id]].Regions, reg)
			return nil
		}},
		{`SELECT zone_id, year, revenue_yi, measure, bound, period, scope, source FROM layoutmap.zone_revenue
			WHERE zone_id = ANY($1) ORDER BY zone_id, year, measure COLLATE "C", period COLLATE "C", scope COLLATE "C", ord`, func(r pgx.Rows) error {
			var v geo.Revenue
			if err := r.Scan(&v.ZoneID, &v.Year, &v.RevenueYi, &v.Measure, &v.Bound, &v.Period, &v.Scope, &v.Source); err != nil {
				return err
			}
			zs[idx[v.ZoneID]].Revenue = append(zs[idx[v.ZoneID]].Revenue, v)
			return nil
		}},
	}
	batch := &pgx.Batch{}
	for _, r := range related {
		batch.Queue(r.sql, ids)
	}
	br := q.SendBatch(ctx, batch)
	for _, r := range related {
		if err := eachRow(br, r.scan); err != nil {
			br.Close()
			return err
		}
	}
	return br.Close()
}

// eachRow reads the next result of a batch row by row.
func eachRow(br pgx.BatchResults, fn func(pgx.Rows) error) error {
	rows, err := br.Query()
	if err != nil {
		return err
	}
	defer rows.Close() // before the error check below: a failed Scan must still release the connection
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// readRegions returns the planning regions sorted by id (ids nil: all),
// without the geometry of the ids in skip. Roles are this store's own
// column: the role of each member, in the members' order.
func readRegions(ctx context.Context, q querier, ids []string, skip []string) ([]geo.Region, error) {
	d := geo.Schemas[geo.CollRegions]
	roles := map[*geo.Region]*[]string{}
	rs, err := readStored(ctx, q, d, "$1 OR "+d.IDSQL+" = ANY($2)", skip, []any{ids == nil, ids},
		[]string{"ARRAY(SELECT m.role FROM layoutmap.planning_region_members m WHERE m.region_id = r.id ORDER BY m.ord)"},
		func(r *geo.Region) []any {
			roles[r] = new([]string)
			return []any{roles[r]}
		})
	if err != nil {
		return nil, err
	}
	out := make([]geo.Region, len(rs))
	for i, r := range rs {
		for j, role := range *roles[r] {
			if role != "" {
				if r.Roles == nil {
					r.Roles = map[string]string{}
				}
				r.Roles[r.Members[j]] = role
			}
		}
		out[i] = *r
	}
	return out, nil
}

// readTaxonomy returns clusters, chains, recognised clusters and keywords in
// dataset order.
func readTaxonomy(ctx context.Context, q querier) (geo.Taxonomy, error) {
	t := geo.Taxonomy{Clusters: []geo.Cluster{}, Chains: []geo.Cluster{}, Recognised: []geo.Cluster{}, Keywords: []geo.KeywordRule{}}
	rows, err := q.Query(ctx, `SELECT c.id, c.name, c.name_en, c.kind, coalesce(c.parent, ''), c.scale_class, c.source,
			coalesce(array_agg(cc.city_code ORDER BY cc.ord) FILTER (WHERE cc.city_code IS NOT NULL), '{}')
		FROM layoutmap.clusters c LEFT JOIN layoutmap.cluster_cities cc ON cc.cluster_id = c.id
		GROUP BY c.id ORDER BY c.ord`)
	if err != nil {
		return t, err
	}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var c geo.Cluster
			if err := rows.Scan(&c.ID, &c.Name, &c.NameEN, &c.Kind, &c.Parent, &c.ScaleClass, &c.Source, &c.Cities); err != nil {
				return err
			}
			if len(c.Cities) == 0 {
				c.Cities = nil
			}
			switch c.Kind {
			case geo.KindCluster:
				t.Clusters = append(t.Clusters, c)
			case geo.KindChain:
				t.Chains = append(t.Chains, c)
			default:
				t.Recognised = append(t.Recognised, c)
			}
		}
		return rows.Err()
	}()
	if err != nil {
		return t, err
	}
	rows, err = q.Query(ctx, `SELECT keyword, cluster_id FROM layoutmap.cluster_keywords ORDER BY ord`)
	if err != nil {
		return t, err
	}
	t.Keywords, err = pgx.CollectRows(rows, pgx.RowToStructByPos[geo.KeywordRule])
	return t, err
}

// readDataset reads the whole dataset (the importer overlays user files on it).
func readDataset(ctx context.Context, q querier) (*data.Dataset, error) {
	ds := &data.Dataset{}
	var err error
	if ds.Admin, err = readAdmin(ctx, q, "true", nil); err != nil {
		return nil, fmt.Errorf("admin areas: %w", err)
	}
	if ds.Zones, err = readZones(ctx, q, nil, nil); err != nil {
		return nil, fmt.Errorf("zones: %w", err)
	}
	if ds.Taxonomy, err = readTaxonomy(ctx, q); err != nil {
		return nil, fmt.Errorf("taxonomy: %w", err)
	}
	if ds.Regions, err = readRegions(ctx, q, nil, nil); err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	// readRegions answers in id order; a dataset keeps the stored order
	// (ord), so that an export or a re-import does not reorder regions.
	rows, err := q.Query(ctx, `SELECT id FROM layoutmap.planning_regions ORDER BY ord`)
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	order, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("regions: %w", err)
	}
	rank := make(map[string]int, len(order))
	for i, id := range order {
		rank[id] = i
	}
	slices.SortStableFunc(ds.Regions, func(a, b geo.Region) int { return rank[a.ID] - rank[b.ID] })
	if err := q.QueryRow(ctx, `SELECT vintage, attribution FROM layoutmap.dataset_meta`).Scan(&ds.Vintage, &ds.Attribution); err != nil {
		return nil, fmt.Errorf("meta: %w", err)
	}
	slices.SortFunc(ds.Zones, func(a, b geo.Zone) int { return strings.Compare(a.ID, b.ID) })
	return ds, nil
}
