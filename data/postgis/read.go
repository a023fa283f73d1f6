package postgis

import (
	"context"
	"encoding/json"
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

const adminCols = `a.code, a.name, a.name_en, a.level, coalesce(a.parent_code, ''), ST_AsEWKB(a.label_point), %s, a.source`

func scanAdmin(rows pgx.Rows) ([]geo.AdminArea, error) {
	defer rows.Close()
	var out []geo.AdminArea
	for rows.Next() {
		var a geo.AdminArea
		var lp, g []byte
		if err := rows.Scan(&a.Code, &a.Name, &a.NameEN, &a.Level, &a.ParentCode, &lp, &g, &a.Source); err != nil {
			return nil, err
		}
		var err error
		if a.LabelPoint, err = decodePoint(lp); err != nil {
			return nil, err
		}
		if a.Geom, err = decodeMultiPolygon(g); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// readAdmin returns admin areas matching where (a SQL condition on alias a
// using args), sorted by code, without the geometry of the codes in skip.
func readAdmin(ctx context.Context, q querier, where string, skip []string, args ...any) ([]geo.AdminArea, error) {
	args = append(args, skip)
	sql := fmt.Sprintf(`SELECT `+adminCols+` FROM layoutmap.admin_areas a WHERE %s ORDER BY a.code COLLATE "C"`,
		geomExpr("a.geom", "a.code", fmt.Sprintf("$%d", len(args))), where)
	rows, err := q.Query(ctx, sql, args...)
	if err != nil {
		return nil, err
	}
	return scanAdmin(rows)
}

// readZones returns fully built zones (clusters, chains, regions, revenue)
// with the given ids (nil: all), sorted by id, without the outline of the
// ids in skip.
func readZones(ctx context.Context, q querier, ids []string, skip []string) ([]geo.Zone, error) {
	all := ids == nil
	rows, err := q.Query(ctx, `SELECT z.id, z.name, z.name_en, z.level, z.level_en, z.city_code, coalesce(z.county_code, ''),
			z.lead_industries, z.approved_area_ha, ST_AsEWKB(z.point), z.point_quality, `+geomExpr("z.geom", "z.id", "$3")+`, coalesce(z.geom_quality, ''), z.source, z.attrs
		FROM layoutmap.zones z WHERE $1 OR z.id = ANY($2) ORDER BY z.id COLLATE "C"`, all, ids, skip)
	if err != nil {
		return nil, err
	}
	var zs []geo.Zone
	idx := map[string]int{}
	err = func() error {
		defer rows.Close()
		for rows.Next() {
			var z geo.Zone
			var pt, g, attrs []byte
			if err := rows.Scan(&z.ID, &z.Name, &z.NameEN, &z.Level, &z.LevelEN, &z.CityCode, &z.CountyCode,
				&z.LeadIndustries, &z.AreaHa, &pt, &z.PointQuality, &g, &z.GeomQuality, &z.Source, &attrs); err != nil {
				return err
			}
			if err := json.Unmarshal(attrs, &z.ZoneAttrs); err != nil {
				return fmt.Errorf("zone %s attributes: %w", z.ID, err)
			}
			var err error
			if z.Point, err = decodePoint(pt); err != nil {
				return err
			}
			if z.Geom, err = decodeMultiPolygon(g); err != nil {
				return err
			}
			if z.LeadIndustries == nil {
				z.LeadIndustries = []string{}
			}
			z.Clusters, z.Chains, z.Regions, z.Revenue = []geo.ZoneCluster{}, []string{}, []string{}, []geo.Revenue{}
			idx[z.ID] = len(zs)
			zs = append(zs, z)
		}
		return rows.Err()
	}()
	if err != nil || len(zs) == 0 {
		return zs, err
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
		{`SELECT zone_id, year, revenue_yi, measure, bound, period, source FROM layoutmap.zone_revenue
			WHERE zone_id = ANY($1) ORDER BY zone_id, year, measure COLLATE "C", ord`, func(r pgx.Rows) error {
			var v geo.Revenue
			if err := r.Scan(&v.ZoneID, &v.Year, &v.RevenueYi, &v.Measure, &v.Bound, &v.Period, &v.Source); err != nil {
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
// without the geometry of the ids in skip.
func readRegions(ctx context.Context, q querier, ids []string, skip []string) ([]geo.Region, error) {
	rows, err := q.Query(ctx, `SELECT r.id, r.name, r.name_en, r.kind, r.derived, `+geomExpr("r.geom", "r.id", "$3")+`, r.source,
			coalesce(array_agg(m.member_code ORDER BY m.ord) FILTER (WHERE m.member_code IS NOT NULL), '{}'),
			coalesce(array_agg(m.role ORDER BY m.ord) FILTER (WHERE m.member_code IS NOT NULL), '{}')
		FROM layoutmap.planning_regions r LEFT JOIN layoutmap.planning_region_members m ON m.region_id = r.id
		WHERE $1 OR r.id = ANY($2) GROUP BY r.id ORDER BY r.id COLLATE "C"`, ids == nil, ids, skip)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []geo.Region
	for rows.Next() {
		var r geo.Region
		var g []byte
		var roles []string
		if err := rows.Scan(&r.ID, &r.Name, &r.NameEN, &r.Kind, &r.Derived, &g, &r.Source, &r.Members, &roles); err != nil {
			return nil, err
		}
		if r.Geom, err = decodeMultiPolygon(g); err != nil {
			return nil, err
		}
		for i, role := range roles {
			if role != "" {
				if r.Roles == nil {
					r.Roles = map[string]string{}
				}
				r.Roles[r.Members[i]] = role
			}
		}
		out = append(out, r)
	}
	return out, rows.Err()
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
