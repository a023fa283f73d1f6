package postgis

import (
	"context"
	"fmt"
	"log/slog"
	"math"
	"net"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// Config configures Open.
type Config struct {
	// URL is the PostgreSQL connection URL; serving needs only SELECT
	// (see docs/postgis.md for the grants).
	URL string
	// Tiers are the revenue tiers in force; nil means geo.DefaultTiers.
	Tiers geo.Tiers
	// MaxConns bounds the pool; 0 means pgxpool's default.
	MaxConns int32
	// StatementTimeout bounds each query on the server, below the HTTP
	// write timeout so a slow query fails before the client gives up; 0: none.
	StatementTimeout time.Duration
	// Logger receives SQL at debug level; nil discards.
	Logger *slog.Logger
}

// Store is the data.Store over PostGIS. It is safe for concurrent use.
type Store struct {
	pool  *pgxpool.Pool
	tiers geo.Tiers
	log   *slog.Logger
	br    *breaker
	dials atomic.Uint64 // connection attempts, for /metrics
	// geoms holds the served geometry of features and its GeoJSON per
	// dataset version, so items encode coordinates once per version.
	geoms data.GeometryMemo
	// entYears: the served enterprise list's counts by year, for list
	// version entYearsList (enterpriseYears).
	entYearsMu   sync.Mutex
	entYears     []geo.YearCount
	entYearsList int64
	// entPointZoom: the served list's point zoom (pointZoomOf),
	// for list version entPointZoomList (valid when entPointZoomOK).
	entPointZoomMu   sync.Mutex
	entPointZoom     uint32
	entPointZoomList int64
	entPointZoomOK   bool
	// props holds the properties items built per dataset version, headline
	// year and family, with their GeoJSON, so a page of known features
	// costs one query (its ids) instead of five and no property encoding
	// (issue 17: items against pg_featureserv).
	props *data.PropertiesMemo
}

var _ data.Store = (*Store)(nil)

// Open creates the connection pool without connecting: the server can start
// while the database is briefly unreachable; Ping says whether it answers
// and the pool reconnects when it returns. A malformed URL is an error.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	pc, err := pgxpool.ParseConfig(cfg.URL)
	if err != nil {
		return nil, fmt.Errorf("postgis: parsing database URL: %w", err)
	}
	if cfg.MaxConns > 0 {
		pc.MaxConns = cfg.MaxConns
	}
	if cfg.StatementTimeout > 0 {
		pc.ConnConfig.RuntimeParams["statement_timeout"] = fmt.Sprint(cfg.StatementTimeout.Milliseconds())
	}
	// Read-only sessions: serving must never write, whatever the role may do.
	pc.ConnConfig.RuntimeParams["default_transaction_read_only"] = "on"
	if pc.ConnConfig.ConnectTimeout == 0 {
		// A frozen server accepts TCP but never answers the startup: give up
		// like a probe does rather than at the request's deadline.
		pc.ConnConfig.ConnectTimeout = DefaultProbeTimeout
	}
	s := &Store{}
	// Count every connection attempt (a reconnect storm shows in /metrics).
	dialer := &net.Dialer{KeepAlive: 5 * time.Minute}
	pc.ConnConfig.DialFunc = func(ctx context.Context, network, addr string) (net.Conn, error) {
		s.dials.Add(1)
		return dialer.DialContext(ctx, network, addr)
	}
	pool, err := pgxpool.NewWithConfig(ctx, pc)
	if err != nil {
		return nil, fmt.Errorf("postgis: creating pool: %w", err)
	}
	ts := cfg.Tiers
	if ts == nil {
		ts = geo.DefaultTiers
	}
	log := cfg.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s.pool, s.tiers, s.log = pool, ts, log
	s.props = data.NewPropertiesMemo(data.PropertiesMemoBytes)
	s.br = newBreaker(s.ping, log)
	return s, nil
}

// Close stops the breaker's probing and closes the pool.
func (s *Store) Close() error { s.br.shutdown(); s.pool.Close(); return nil }

// Ping checks that the database answers and the schema is there. While the
// circuit breaker is open it fails fast with a data.UnavailableError; the
// breaker's own probe decides when the database is back.
func (s *Store) Ping(ctx context.Context) (err error) {
	if err := s.br.allow("ping"); err != nil {
		return err
	}
	defer s.done("ping", &err)
	return s.ping(ctx)
}

func (s *Store) ping(ctx context.Context) error {
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM layoutmap.dataset_meta`).Scan(&v); err != nil {
		return fmt.Errorf("postgis: ping: %w", err)
	}
	return nil
}

// done feeds a call's outcome to the circuit breaker and turns an
// unavailable database into a data.UnavailableError (HTTP 503).
func (s *Store) done(op string, err *error) { *err = s.br.done(op, *err) }

// Health reports the circuit breaker's state and the connection attempts
// made since Open, for /metrics and /readyz.
func (s *Store) Health() data.Health {
	return data.Health{Available: s.br.up(), ConnectAttempts: s.dials.Load(),
		FailedFast: s.br.failFast.Load(), Outages: s.br.outages.Load()}
}

// Tiers returns the revenue tiers in force.
func (s *Store) Tiers() geo.Tiers { return s.tiers }

// Version is the dataset version from dataset_meta; every import bumps it.
func (s *Store) Version(ctx context.Context) (_ int64, err error) {
	if err := s.br.allow("version"); err != nil {
		return 0, err
	}
	defer s.done("version", &err)
	var v int64
	if err := s.pool.QueryRow(ctx, `SELECT version FROM layoutmap.dataset_meta`).Scan(&v); err != nil {
		return 0, fmt.Errorf("postgis: version: %w", err)
	}
	return v, nil
}

// AdminAreas returns the admin areas of a level, sorted by code.
func (s *Store) AdminAreas(ctx context.Context, level string) (_ []geo.AdminArea, err error) {
	if err := s.br.allow("admin areas"); err != nil {
		return nil, err
	}
	defer s.done("admin areas", &err)
	if level != geo.LevelProvince && level != geo.LevelCity && level != geo.LevelCounty {
		return nil, geo.FieldErrors{{Field: "level", Reason: fmt.Sprintf("unknown level %q", geo.Clip(level))}}
	}
	as, err := readAdmin(ctx, s.pool, "a.level = $1", nil, level)
	if err != nil {
		return nil, fmt.Errorf("postgis: admin areas: %w", err)
	}
	return as, nil
}

// Regions returns the planning regions with geometry, in dataset order.
func (s *Store) Regions(ctx context.Context) (_ []geo.Region, err error) {
	if err := s.br.allow("regions"); err != nil {
		return nil, err
	}
	defer s.done("regions", &err)
	rs, err := readRegions(ctx, s.pool, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("postgis: regions: %w", err)
	}
	return rs, nil
}

// Taxonomy returns clusters, chains, recognised clusters and keywords.
func (s *Store) Taxonomy(ctx context.Context) (_ geo.Taxonomy, err error) {
	if err := s.br.allow("taxonomy"); err != nil {
		return geo.Taxonomy{}, err
	}
	defer s.done("taxonomy", &err)
	t, err := readTaxonomy(ctx, s.pool)
	if err != nil {
		return t, fmt.Errorf("postgis: taxonomy: %w", err)
	}
	return t, nil
}

// Collections lists the collections of geo.Registry this store holds, with
// extent, item count and the dataset version; titles and descriptions come
// from the registry, so both stores describe the data alike.
func (s *Store) Collections(ctx context.Context) (_ []geo.Collection, err error) {
	if err := s.br.allow("collections"); err != nil {
		return nil, err
	}
	defer s.done("collections", &err)
	var v int64
	var vintage string
	if err := s.pool.QueryRow(ctx, `SELECT version, vintage FROM layoutmap.dataset_meta`).Scan(&v, &vintage); err != nil {
		return nil, fmt.Errorf("postgis: collections: %w", err)
	}
	// One row per collection held: id, item count and extent.
	var parts []string
	var args []any
	for _, d := range geo.Registry {
		if c, ok := pgCollections[d.ID]; ok {
			args = append(args, d.ID)
			parts = append(parts, fmt.Sprintf("SELECT $%d::text, n::bigint, ext FROM (%s) x(n, ext)", len(args), c.extent))
		}
	}
	rows, err := s.pool.Query(ctx, strings.Join(parts, " UNION ALL "), args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: collections: %w", err)
	}
	defer rows.Close()
	byName := map[string]geo.Collection{}
	for rows.Next() {
		var c geo.Collection
		var ext []byte
		if err := rows.Scan(&c.ID, &c.ItemCount, &ext); err != nil {
			return nil, fmt.Errorf("postgis: collections: %w", err)
		}
		g, err := decodeGeom(ext)
		if err != nil {
			return nil, err
		}
		if g != nil {
			c.Extent = g.Bound()
		}
		byName[c.ID] = c
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgis: collections: %w", err)
	}
	out := make([]geo.Collection, 0, len(geo.Registry))
	for _, d := range geo.Registry {
		held, ok := byName[d.ID]
		if !ok {
			continue
		}
		c := d.Collection(vintage)
		c.Extent, c.ItemCount, c.DatasetVersion = held.Extent, held.ItemCount, v
		out = append(out, c)
	}
	return out, nil
}

// known checks filter ids against the stored vocabulary in one query.
func (s *Store) known(ctx context.Context, f geo.Filter) (func(kind, id string) bool, error) {
	if len(f.City)+len(f.Cluster)+len(f.Chain)+len(f.Region)+len(f.Zone) == 0 {
		// Nothing to look up: no round trip (a tile costs one query).
		return func(kind, id string) bool {
			_, ok := s.tiers.Lookup(id)
			return kind == "tier" && ok
		}, nil
	}
	rows, err := s.pool.Query(ctx, `
		SELECT 'city', code FROM layoutmap.admin_areas WHERE level = 'city' AND code = ANY($1)
		UNION ALL SELECT 'cluster', id FROM layoutmap.clusters WHERE kind = 'cluster' AND id = ANY($2)
		UNION ALL SELECT 'chain', id FROM layoutmap.clusters WHERE kind = 'chain' AND id = ANY($3)
		UNION ALL SELECT 'region', id FROM layoutmap.planning_regions WHERE id = ANY($4)
		UNION ALL SELECT 'zone', id FROM layoutmap.zones WHERE id = ANY($5)`,
		f.City, f.Cluster, f.Chain, f.Region, f.Zone)
	if err != nil {
		return nil, err
	}
	type kv struct{ Kind, ID string }
	found, err := pgx.CollectRows(rows, pgx.RowToStructByPos[kv])
	if err != nil {
		return nil, err
	}
	return func(kind, id string) bool {
		if kind == "tier" {
			_, ok := s.tiers.Lookup(id)
			return ok
		}
		return slices.Contains(found, kv{kind, id})
	}, nil
}

// validate checks coll and f (and, with paging, limit, offset and sortby)
// like memstore does, returning every client mistake as geo.FieldErrors.
func (s *Store) validate(ctx context.Context, coll string, f geo.Filter, paging bool) error {
	if _, ok := pgCollections[coll]; !ok {
		return fmt.Errorf("postgis: %q: %w", geo.Clip(coll), data.ErrUnknownCollection)
	}
	// PostgreSQL text cannot hold NUL or invalid UTF-8: such ids cannot
	// exist, so they are client mistakes, not database errors.
	var errs geo.FieldErrors
	for _, l := range []struct {
		name string
		ids  []string
	}{{"city", f.City}, {"cluster", f.Cluster}, {"chain", f.Chain}, {"region", f.Region}, {"tier", f.Tier}, {"zone", f.Zone}, {"class", f.Class}} {
		for _, id := range l.ids {
			if !storable(id) {
				errs = append(errs, &geo.FieldError{Field: l.name, Reason: "not valid UTF-8 text"})
			}
		}
	}
	if len(errs) > 0 {
		return errs
	}
	known, err := s.known(ctx, f)
	if err != nil {
		return fmt.Errorf("postgis: checking filter: %w", err)
	}
	if errs := f.Check(coll, known, paging); len(errs) > 0 {
		return errs
	}
	return nil
}

// sortKey strips the direction prefix of a sortby value.
func sortKey(sortBy string) string {
	return strings.TrimPrefix(strings.TrimPrefix(sortBy, "-"), "+")
}

// storable reports whether s can be a PostgreSQL text value.
func storable(s string) bool { return utf8.ValidString(s) && !strings.ContainsRune(s, 0) }

// where collects a WHERE clause and its arguments; placeholders are
// numbered from the argument count so clauses compose in any order.
type where struct {
	clauses []string
	args    []any
}

func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return fmt.Sprintf("$%d", len(w.args))
}

func (w *where) add(clause string) { w.clauses = append(w.clauses, clause) }

func (w *where) sql() string {
	if len(w.clauses) == 0 {
		return "true"
	}
	return strings.Join(w.clauses, " AND ")
}

// bbox is the bbox criterion on a geometry column: the index-backed
// envelope test (&&) plus the exact ST_Intersects, once per part of a box
// crossing the antimeridian (geo.BBoxParts), as memstore's geo.IntersectsBBox.
func (w *where) bbox(col string, b *orb.Bound) string {
	var parts []string
	for _, p := range geo.BBoxParts(*b) {
		// ST_Envelope of the diagonal, not ST_MakeEnvelope: a box of zero
		// width or height is then a point or line that ST_Intersects
		// handles, rather than a degenerate polygon that never intersects
		// (simplefeatures' Envelope.AsGeometry does the same in memstore).
		env := fmt.Sprintf("ST_SetSRID(ST_Envelope(ST_MakeLine(ST_MakePoint(%s::float8, %s::float8), ST_MakePoint(%s::float8, %s::float8))), 4326)",
			w.arg(p.Min[0]), w.arg(p.Min[1]), w.arg(p.Max[0]), w.arg(p.Max[1]))
		parts = append(parts, "("+col+" && "+env+" AND ST_Intersects("+col+", "+env+"))")
	}
	return "(" + strings.Join(parts, " OR ") + ")"
}

// zoneGeomMatch is a spatial test of a zone's served geometry: its
// outline, or its point when it has none (memstore's zoneGeometry).
func zoneGeomMatch(onGeom, onPoint string) string {
	return "((z.geom IS NOT NULL AND " + onGeom + ") OR (z.geom IS NULL AND " + onPoint + "))"
}

// zoneWhere adds the zone criteria of f (and its headline join's year) to w.
func (s *Store) zoneWhere(w *where, f geo.Filter) {
	if f.BBox != nil {
		// A zone without an outline is served (and matched) as its point.
		w.add(zoneGeomMatch(w.bbox("z.geom", f.BBox), w.bbox("z.point", f.BBox)))
	}
	if len(f.City) > 0 {
		w.add("z.city_code = ANY(" + w.arg(f.City) + ")")
	}
	if len(f.Cluster) > 0 {
		w.add("EXISTS (SELECT 1 FROM layoutmap.zone_clusters zc WHERE zc.zone_id = z.id AND zc.cluster_id = ANY(" + w.arg(f.Cluster) + "))")
	}
	if len(f.Chain) > 0 {
		w.add("EXISTS (SELECT 1 FROM layoutmap.zone_chains ch WHERE ch.zone_id = z.id AND ch.chain_id = ANY(" + w.arg(f.Chain) + "))")
	}
	if len(f.Region) > 0 {
		w.add("z.city_code IN (SELECT member_code FROM layoutmap.planning_region_members WHERE region_id = ANY(" + w.arg(f.Region) + "))")
	}
	if len(f.Tier) > 0 {
		w.add(s.tierExpr(w) + " = ANY(" + w.arg(f.Tier) + ")")
	}
	if f.MinRevenue != nil {
		w.add("h.eff_bound IN ('exact', 'lower') AND h.revenue_yi >= " + w.arg(*f.MinRevenue))
	}
	if f.MaxRevenue != nil {
		w.add("h.eff_bound IN ('exact', 'upper') AND h.revenue_yi <= " + w.arg(*f.MaxRevenue))
	}
}

// tierExpr is geo.Tiers.Of in SQL with the tiers as parameters: the first
// tier (highest first) whose lower bound the headline reaches, else the
// last; no headline is TierNoData.
func (s *Store) tierExpr(w *where) string {
	ids := make([]string, len(s.tiers))
	mins := make([]float64, len(s.tiers))
	for i, t := range s.tiers {
		ids[i], mins[i] = t.ID, t.MinYi
	}
	// geo.TierOf: an upper bound places a zone only below the lowest
	// band's upper end.
	upperMax := math.Inf(1)
	if len(s.tiers) > 1 {
		upperMax = s.tiers[len(s.tiers)-2].MinYi
	}
	last := w.arg(ids[len(ids)-1])
	return fmt.Sprintf(`(CASE WHEN h.zone_id IS NULL THEN %[1]s
		WHEN h.eff_bound = 'upper' THEN (CASE WHEN h.revenue_yi < %[5]s THEN %[4]s ELSE %[1]s END)
		ELSE coalesce(
		(SELECT t.id FROM unnest(%[2]s::text[], %[3]s::float8[]) WITH ORDINALITY AS t(id, min_yi, n) WHERE h.revenue_yi >= t.min_yi ORDER BY t.n LIMIT 1),
		%[4]s) END)`, w.arg(geo.TierNoData), w.arg(ids), w.arg(mins), last, w.arg(upperMax))
}

// Items returns one page of a collection; NumberMatched comes from the same
// statement as the page (matchedSQL).
func (s *Store) Items(ctx context.Context, coll string, f geo.Filter) (_ geo.Page, err error) {
	if err := s.br.allow("items"); err != nil {
		return geo.Page{}, err
	}
	defer s.done("items", &err)
	if err := s.validate(ctx, coll, f, true); err != nil {
		return geo.Page{}, err
	}
	if f.Limit == 0 {
		f.Limit = geo.DefaultLimit
	}
	page, err := s.items(ctx, coll, f)
	if err != nil {
		return geo.Page{}, fmt.Errorf("postgis: items %s: %w", coll, err)
	}
	return page, nil
}

// items answers Items for a validated filter: the page's ids, the number
// matched and the dataset version in one statement (one snapshot), then
// the page's features.
//
// Without a box, the number matched is exact and costs nothing when the
// page is not full: nothing follows it, so it is offset + the page's
// length. Only a full page asks for the count (matchedSQL): a scalar
// subquery in the CASE's other branch, which PostgreSQL evaluates only
// when a row reaches it. Counting every match with count(*) OVER ()
// instead made PostgreSQL read and sort all of them before the first row
// (a chain over the province: 64,000 of a million rows, seconds), where
// the page alone can stop after limit + offset rows in index order. With
// a box the matches are read and sorted anyway, and counted in that pass.
func (s *Store) items(ctx context.Context, coll string, f geo.Filter) (geo.Page, error) {
	d := geo.Schemas[coll]
	w := &where{}
	from, err := s.selectFrom(coll, w, f)
	if err != nil {
		return geo.Page{}, err
	}
	order := orderBy(d, f.SortBy)
	if f.BBox != nil {
		// A box is read through the spatial index and every match in it
		// sorted for the page: counting them in the same pass costs
		// nothing, where a full page would otherwise read them twice.
		counted := len(w.args)
		sql := fmt.Sprintf(`SELECT %s, count(*) OVER (), (SELECT version FROM layoutmap.dataset_meta) FROM %s ORDER BY %s LIMIT %s OFFSET %s`,
			d.IDSQL, from, order, w.arg(f.Limit), w.arg(f.Offset))
		return s.itemsPage(ctx, coll, f, false, sql, "(SELECT count(*) FROM "+from+")", w.args, counted)
	}
	matched := s.matchedSQL(coll, w, f, from)
	counted := len(w.args) // the arguments of from and matched; limit and offset follow
	lim, off := w.arg(f.Limit), w.arg(f.Offset)
	// row_number() OVER () numbers the page in the order the inner query
	// gives it; count(*) OVER () is the page's own length.
	sql := fmt.Sprintf(`SELECT p.id, CASE WHEN p.n < %[4]s THEN %[5]s + p.n ELSE %[6]s END, (SELECT version FROM layoutmap.dataset_meta)
		FROM (SELECT q.id, row_number() OVER () AS ord, count(*) OVER () AS n
			FROM (SELECT %[1]s AS id FROM %[2]s ORDER BY %[3]s LIMIT %[4]s OFFSET %[5]s) q) p
		ORDER BY p.ord`, d.IDSQL, from, order, lim, off, matched)
	return s.itemsPage(ctx, coll, f, pgCollections[coll].customPlan, sql, matched, w.args, counted)
}

// itemsPage runs the page statement sql (rows: id, number matched,
// dataset version) with args, planned for them when custom
// (pgCollection.customPlan), and builds the page; matched is the number
// matched as an SQL expression over args[:counted], for a page past the
// last, where no row carries it.
func (s *Store) itemsPage(ctx context.Context, coll string, f geo.Filter, custom bool, sql, matched string, args []any, counted int) (geo.Page, error) {
	s.log.DebugContext(ctx, "items", "sql", sql)
	ids, n, version, err := s.pageIDs(ctx, custom, sql, args)
	if err != nil {
		return geo.Page{}, err
	}
	page := geo.Page{Features: []geo.Feature{}, NumberMatched: n}
	if len(ids) == 0 {
		if f.Offset > 0 {
			// Past the last page no row carries the number.
			if err := s.pool.QueryRow(ctx, `SELECT `+matched, args[:counted]...).Scan(&page.NumberMatched); err != nil {
				return geo.Page{}, fmt.Errorf("counting: %w", err)
			}
		}
		return page, nil
	}
	if page.Features, err = s.features(ctx, coll, ids, f.Year, f.Measure, version); err != nil {
		return geo.Page{}, err
	}
	return page, nil
}

// matchedSQL is a scalar SQL expression of the number of items of coll
// under f, whose rows are those of from (selectFrom, arguments in w). It
// counts them, except where the collection knows the number without
// reading the rows (pgCollection.matched).
func (s *Store) matchedSQL(coll string, w *where, f geo.Filter, from string) string {
	count := "(SELECT count(*) FROM " + from + ")"
	if m := pgCollections[coll].matched; m != nil {
		if known := m(w, f); known != "" {
			// NULL (nothing stored for it): counted after all.
			return "coalesce(" + known + ", " + count + ")"
		}
	}
	return count
}

// features builds the features with the ids, in the order given. With a
// dataset version (> 0), geometry comes from the store's memo of that
// version (encoded once, data.GeometryMemo) and properties with their
// GeoJSON from the memo of that version, year and family
// (data.PropertiesMemo); only the features they lack are read from the
// database. Version 0 (and a collection without the memo) reads every
// feature and keeps nothing. The properties returned are the caller's
// (a shallow copy of the memo's).
func (s *Store) features(ctx context.Context, coll string, ids []string, year int, fam string, version int64) ([]geo.Feature, error) {
	c := pgCollections[coll]
	if !c.memo {
		version = 0
	}
	key := func(id string) string { return coll + "/" + id }
	pkey := func(id string) data.PropertiesKey {
		return data.PropertiesKey{Version: version, Coll: coll, ID: id, Year: year, Family: fam}
	}
	held := map[string]data.EncodedGeometry{}
	byID := map[string]geo.Feature{}
	skip, missing := []string{}, []string{}
	if version > 0 {
		for _, id := range ids {
			e, ok := s.geoms.Get(version, key(id))
			if !ok {
				missing = append(missing, id)
				continue
			}
			if p, pj, ok := s.props.Get(pkey(id)); ok {
				byID[id] = geo.Feature{ID: id, Geometry: e.Geometry, GeometryJSON: e.JSON, Properties: p, PropertiesJSON: pj}
				continue
			}
			held[id] = e
			skip = append(skip, id)
			missing = append(missing, id)
		}
	} else {
		missing = ids
	}
	add := func(id string, g func() orb.Geometry, p geo.Properties) error {
		var pj []byte
		if version > 0 {
			p, pj, _ = s.props.Put(pkey(id), p) // an encoding error: encoded (and reported) per request
		}
		if e, ok := held[id]; ok {
			byID[id] = geo.Feature{ID: id, Geometry: e.Geometry, GeometryJSON: e.JSON, Properties: p, PropertiesJSON: pj}
			return nil
		}
		if version <= 0 {
			byID[id] = geo.Feature{ID: id, Geometry: g(), Properties: p}
			return nil
		}
		e, err := s.geoms.Put(version, key(id), g())
		byID[id] = geo.Feature{ID: id, Geometry: e.Geometry, GeometryJSON: e.JSON, Properties: p, PropertiesJSON: pj}
		return err
	}
	if len(missing) > 0 {
		if err := c.read(ctx, s, missing, skip, year, fam, add); err != nil {
			return nil, err
		}
	}
	out := make([]geo.Feature, 0, len(ids))
	for _, id := range ids {
		if f, ok := byID[id]; ok {
			out = append(out, f)
		}
	}
	return out, nil
}

// Item returns one feature or data.ErrNotFound (geometry read each time).
func (s *Store) Item(ctx context.Context, coll, id string) (_ geo.Feature, err error) {
	if err := s.br.allow("item"); err != nil {
		return geo.Feature{}, err
	}
	defer s.done("item", &err)
	if _, ok := pgCollections[coll]; !ok {
		return geo.Feature{}, fmt.Errorf("%w: %q", data.ErrUnknownCollection, geo.Clip(coll))
	}
	if !storable(id) {
		return geo.Feature{}, fmt.Errorf("postgis: item %s: %w", coll, data.ErrNotFound)
	}
	fs, err := s.features(ctx, coll, []string{id}, 0, "", 0)
	if err != nil {
		return geo.Feature{}, fmt.Errorf("postgis: item %s: %w", coll, err)
	}
	if len(fs) == 0 {
		return geo.Feature{}, fmt.Errorf("postgis: item %s %q: %w", coll, geo.Clip(id), data.ErrNotFound)
	}
	return fs[0], nil
}

// Zones returns every zone matching the filter (paging ignored), by id.
func (s *Store) Zones(ctx context.Context, f geo.Filter) (_ []geo.Zone, err error) {
	if err := s.br.allow("zones"); err != nil {
		return nil, err
	}
	defer s.done("zones", &err)
	ids, err := s.zoneIDs(ctx, f)
	if err != nil {
		return nil, err
	}
	zs, err := readZones(ctx, s.pool, ids, nil)
	if err != nil {
		return nil, fmt.Errorf("postgis: zones: %w", err)
	}
	return zs, nil
}

// zoneIDs returns the ids of zones matching f, sorted by id.
func (s *Store) zoneIDs(ctx context.Context, f geo.Filter) ([]string, error) {
	if err := s.validate(ctx, geo.CollZones, f, false); err != nil {
		return nil, err
	}
	w := &where{}
	from, err := s.selectFrom(geo.CollZones, w, f)
	if err != nil {
		return nil, err
	}
	rows, err := s.pool.Query(ctx, `SELECT z.id FROM `+from+` ORDER BY z.id COLLATE "C"`, w.args...)
	if err != nil {
		return nil, fmt.Errorf("postgis: zones: %w", err)
	}
	ids, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, fmt.Errorf("postgis: zones: %w", err)
	}
	if ids == nil {
		ids = []string{}
	}
	return ids, nil
}
