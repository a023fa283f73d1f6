package postgis

import (
	"context"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// The items and item path is driven by the collection descriptors
// (geo.Registry): the table, id expression, fixed condition and sort keys
// of each collection come from its descriptor, and the enterprises'
// properties are read column by column from its field table (Field.SQL).
// What is this store's own is below, one entry per collection: the joins a
// filter needs, the filter's criteria in SQL (the rules of geo's
// Match* functions) and how a page's features are read. A collection not
// listed here is one this store does not hold.

// addFeature receives one feature of a page: its id, a function giving its
// geometry (called only when the store's memo lacks it) and its properties.
type addFeature func(id string, g func() orb.Geometry, p geo.Properties) error

// pgCollection is this store's queries of one collection.
type pgCollection struct {
	// join returns what follows the descriptor's table in FROM (zones: the
	// headline of the filter's year and family), adding its arguments.
	join func(s *Store, w *where, f geo.Filter) string
	// filter adds the criteria of f (bbox, city, region …) to w.
	filter func(s *Store, w *where, f geo.Filter)
	// read builds the features with ids (skip: geometry already held).
	read func(ctx context.Context, s *Store, ids, skip []string, year int, fam string, add addFeature) error
	// memo: features keep their encoded geometry per dataset version
	// (data.GeometryMemo); not for a collection of a million points.
	memo bool
	// extent is a query of one row: the item count and the EWKB of the
	// extent (a collection with no item is not listed).
	extent string
	// customPlan: plan each page statement for its own arguments
	// (pgx.QueryExecModeCacheDescribe: the unnamed statement, one round
	// trip) instead of the prepared statement, whose generic plan
	// PostgreSQL adopts after five runs. On a million enterprises the
	// generic plan of a chain page ignores both the chain's share of the
	// rows and the limit: it read all 64,000 firms of a chain through the
	// GIN index to keep 100 (1.4 s), where the plan for the arguments
	// walks the id index and stops at the 100th (tens of ms). Not for a
	// page in a box: planning PostGIS's selectivity per request cost more
	// than the generic plan, which reads the box through the spatial
	// index anyway.
	customPlan bool
	// matched, when set, is a scalar SQL expression of the number of
	// items f selects that needs no scan of the rows, adding its
	// arguments to w, or "" when it has none for f; the expression may
	// be NULL (not known after all: the rows are counted).
	matched func(w *where, f geo.Filter) string
}

// extentOf is the extent query of a geometry expression over a descriptor's
// table and condition.
func extentOf(coll, geom string) string {
	d := geo.Schemas[coll]
	w := d.Where
	if w == "" {
		w = "true"
	}
	return "SELECT count(*), ST_AsEWKB(ST_Envelope(ST_Extent(" + geom + ")::geometry)) FROM " + d.Table + " WHERE " + w
}

// pgCollections are the collections this store holds.
var pgCollections = map[string]pgCollection{
	geo.CollCities:   adminCollection(geo.LevelCity),
	geo.CollCounties: adminCollection(geo.LevelCounty),
	geo.CollZones: {
		join: func(s *Store, w *where, f geo.Filter) string {
			return " LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z.id AND h.year = " + w.arg(f.Year) + " AND h.family = " + w.arg(f.Family())
		},
		filter: func(s *Store, w *where, f geo.Filter) { s.zoneWhere(w, f) },
		read: func(ctx context.Context, s *Store, ids, skip []string, year int, fam string, add addFeature) error {
			zs, err := readZones(ctx, s.pool, ids, skip)
			if err != nil {
				return err
			}
			for _, z := range zs {
				if err := add(z.ID, func() orb.Geometry { return geo.ZoneGeometry(&z) }, zoneProperties(z, s.tiers, year, fam)); err != nil {
					return err
				}
			}
			return nil
		},
		memo:   true,
		extent: extentOf(geo.CollZones, "coalesce(z.geom, z.point)"),
	},
	geo.CollRegions: {
		filter: func(s *Store, w *where, f geo.Filter) {
			if f.BBox != nil {
				w.add(w.bbox("r.geom", f.BBox))
			}
			if len(f.Region) > 0 {
				w.add("r.id = ANY(" + w.arg(f.Region) + ")")
			}
			if len(f.City) > 0 {
				w.add("EXISTS (SELECT 1 FROM layoutmap.planning_region_members m WHERE m.region_id = r.id AND m.member_code = ANY(" + w.arg(f.City) + "))")
			}
		},
		read: func(ctx context.Context, s *Store, ids, skip []string, _ int, _ string, add addFeature) error {
			rs, err := readRegions(ctx, s.pool, ids, skip)
			if err != nil {
				return err
			}
			for _, r := range rs {
				if err := add(r.ID, func() orb.Geometry { return r.Geom }, regionProperties(r)); err != nil {
					return err
				}
			}
			return nil
		},
		memo:   true,
		extent: extentOf(geo.CollRegions, "r.geom"),
	},
	geo.CollEnterprises: {
		filter: func(s *Store, w *where, f geo.Filter) { enterpriseWhere(w, f) },
		read: func(ctx context.Context, s *Store, ids, _ []string, _ int, _ string, add addFeature) error {
			return readFields(ctx, s.pool, geo.Schemas[geo.CollEnterprises], "e.point", ids, add)
		},
		customPlan: true,
		// The statistics the import stored hold the number of firms of
		// the whole list and of each chain (enterprise_cells.go).
		matched: func(w *where, f geo.Filter) string {
			if f.CQL != nil {
				return ""
			}
			chain, ok := storedFilter(f)
			if !ok {
				return ""
			}
			return "(SELECT (m.stats -> " + w.arg(chain) + "::text ->> 'total')::bigint FROM layoutmap.enterprise_meta m)"
		},
		// From what the import recorded: no scan of a million rows.
		extent: `SELECT count, CASE WHEN cardinality(bbox) = 4 THEN ST_AsEWKB(ST_MakeEnvelope(bbox[1], bbox[2], bbox[3], bbox[4], 4326)) END
			FROM layoutmap.enterprise_meta WHERE count > 0`,
	},
}

// adminCollection is the cities or counties collection (level); the
// descriptor's Where keeps the level.
func adminCollection(level string) pgCollection {
	// A county belongs to a city and region through its parent.
	codeCol := "a.code"
	if level == geo.LevelCounty {
		codeCol = "a.parent_code"
	}
	return pgCollection{
		filter: func(s *Store, w *where, f geo.Filter) {
			if f.BBox != nil {
				w.add(w.bbox("a.geom", f.BBox))
			}
			if len(f.City) > 0 {
				w.add(codeCol + " = ANY(" + w.arg(f.City) + ")")
			}
			if len(f.Region) > 0 {
				w.add(codeCol + " IN (SELECT member_code FROM layoutmap.planning_region_members WHERE region_id = ANY(" + w.arg(f.Region) + "))")
			}
		},
		read: func(ctx context.Context, s *Store, ids, skip []string, _ int, _ string, add addFeature) error {
			as, err := readAdmin(ctx, s.pool, "a.code = ANY($1) AND a.level = $2", skip, ids, level)
			if err != nil {
				return err
			}
			for _, a := range as {
				if err := add(a.Code, func() orb.Geometry { return a.Geom }, adminProperties(a)); err != nil {
					return err
				}
			}
			return nil
		},
		memo:   true,
		extent: extentOf(geo.Schemas[cityOrCounty(level)].ID, "a.geom"),
	}
}

func cityOrCounty(level string) string {
	if level == geo.LevelCounty {
		return geo.CollCounties
	}
	return geo.CollCities
}

// selectFrom is the FROM and WHERE of coll's items under f: the
// descriptor's table and condition, the store's joins and criteria, and a
// CQL2 filter.
func (s *Store) selectFrom(coll string, w *where, f geo.Filter) (string, error) {
	d, c := geo.Schemas[coll], pgCollections[coll]
	from := d.Table
	if c.join != nil {
		from += c.join(s, w, f)
	}
	if d.Where != "" {
		w.add(d.Where)
	}
	c.filter(s, w, f)
	if f.CQL != nil {
		cond, err := s.cqlWhere(w, coll, f.CQL.Expr)
		if err != nil {
			return "", err
		}
		w.add(cond)
	}
	return from + " WHERE " + w.sql(), nil
}

// orderBy is the ORDER BY of sortBy ("" the descriptor's DefaultSort, a
// leading "-" descending) on collection d, replicating
// geo.CompareSortKeys: unknown numbers last in both directions, the id
// ascending always last, text byte-wise (C collation, Go's string order).
// A key the collection lacks orders by id alone (as memstore, whose sort
// key of such a feature is empty).
func orderBy(d geo.CollectionSchema, sortBy string) string {
	key := sortKey(sortBy)
	if key == "" {
		key = d.DefaultSort
	}
	col := "1"
	if k, ok := d.Sort(key); ok {
		col = k.SQL
		if k.Text {
			col += ` COLLATE "C"`
		}
	}
	dir := " ASC NULLS LAST"
	if strings.HasPrefix(sortBy, "-") {
		dir = " DESC NULLS LAST"
	}
	return col + dir + ", " + d.IDSQL + ` COLLATE "C" ASC`
}

// readFields reads the features of d with ids (in any order), their
// properties from the field table: each OnJSON field's SQL expression is
// selected and scanned by its type; NULL leaves the property out (lists
// are kept, empty or not). geom is the geometry column.
func readFields(ctx context.Context, q querier, d geo.CollectionSchema, geom string, ids []string, add addFeature) error {
	fields := d.On(geo.OnJSON)
	cols := make([]string, 0, len(fields)+2)
	cols = append(cols, d.IDSQL, "ST_AsEWKB("+geom+")")
	for _, f := range fields {
		if f.SQL == "" {
			return fmt.Errorf("%s field %s has no SQL expression", d.ID, f.Name)
		}
		cols = append(cols, f.SQL)
	}
	sql := "SELECT " + strings.Join(cols, ", ") + " FROM " + d.Table + " WHERE " + d.IDSQL + " = ANY($1)"
	rows, err := q.Query(ctx, sql, ids)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var g []byte
		dest := make([]any, len(fields)+2)
		dest[0], dest[1] = &id, &g
		vals := make([]any, len(fields))
		for i, f := range fields {
			vals[i] = scanTarget(f)
			dest[i+2] = vals[i]
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		p := make(geo.Properties, len(fields))
		for i, f := range fields {
			if v := fieldValue(vals[i]); v != nil {
				p[f.Name] = v
			}
		}
		pt, err := decodePoint(g)
		if err != nil {
			return err
		}
		if err := add(id, func() orb.Geometry { return pt }, p); err != nil {
			return err
		}
	}
	return rows.Err()
}

// scanTarget is where a value of field f is scanned (a pointer, so NULL is
// nil).
func scanTarget(f geo.Field) any {
	switch f.Type {
	case geo.TypeString:
		return new(*string)
	case geo.TypeInteger:
		return new(*int64)
	case geo.TypeNumber:
		return new(*float64)
	case geo.TypeBoolean:
		return new(*bool)
	case geo.TypeArray:
		return new([]string)
	}
	return new(any)
}

// fieldValue is the property value of a scanned target, nil for NULL;
// integers are int and lists never nil, as the typed features give them.
func fieldValue(v any) any {
	switch t := v.(type) {
	case **string:
		if *t != nil {
			return **t
		}
	case **int64:
		if *t != nil {
			return int(**t)
		}
	case **float64:
		if *t != nil {
			return **t
		}
	case **bool:
		if *t != nil {
			return **t
		}
	case *[]string:
		if *t == nil {
			return []string{}
		}
		return *t
	case *any:
		return *t
	}
	return nil
}

// pageIDs runs an items query: the ids of one page in order, the number
// matched and the dataset version, in one statement (one snapshot).
func (s *Store) pageIDs(ctx context.Context, custom bool, sql string, args []any) (ids []string, matched int, version int64, err error) {
	if custom { // pgCollection.customPlan
		args = append([]any{pgx.QueryExecModeCacheDescribe}, args...)
	}
	rows, err := s.pool.Query(ctx, sql, args...)
	if err != nil {
		return nil, 0, 0, err
	}
	type idCount struct {
		ID      string
		Count   int
		Version int64
	}
	hits, err := pgx.CollectRows(rows, pgx.RowToStructByPos[idCount])
	if err != nil || len(hits) == 0 {
		return nil, 0, 0, err
	}
	ids = make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids, hits[0].Count, hits[0].Version, nil
}
