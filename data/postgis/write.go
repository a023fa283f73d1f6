package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"layoutmap/data"
	"layoutmap/geo"
)

// Problem is one finding of an import: where (file and row/feature, or
// kind and id) and why. It is data.Problem, the validator's.
type Problem = data.Problem

// ImportReport says what an import did. Repaired lists geometries made
// valid with ST_MakeValid; Rejected is empty after a successful import.
type ImportReport struct {
	Version  int64          `json:"version"`
	Counts   map[string]int `json:"counts"`
	Repaired []Problem      `json:"repaired"`
	Rejected []Problem      `json:"rejected"`
	// Diff compares the stored dataset before and after (as read back, so
	// repairs and derived fields show as they will be served).
	Diff *data.Diff `json:"diff,omitempty"`
	// DryRun: everything was checked and written inside the transaction,
	// then rolled back; Version is what the import would have produced.
	DryRun bool `json:"dry_run,omitempty"`
	// EnterpriseLinks: the stored enterprise list's links this import
	// leaves stale (zones or admin areas changed under them), with what to
	// do; nil when none (enterprise_links.go).
	EnterpriseLinks *EnterpriseLinks `json:"enterprise_links,omitempty"`
}

// RejectedError is returned when rows could not be accepted; nothing was
// changed in the database.
type RejectedError struct{ Rejected []Problem }

func (e *RejectedError) Error() string {
	var b strings.Builder
	// No "postgis:" prefix: the same rules refuse a data directory read by
	// the embedded store (serve --data), where no database is involved.
	fmt.Fprintf(&b, "import rejected %d item(s), nothing was changed", len(e.Rejected))
	for i, p := range e.Rejected {
		if i == 20 {
			fmt.Fprintf(&b, "; … %d more", len(e.Rejected)-20)
			break
		}
		b.WriteString("; " + p.String())
	}
	return b.String()
}

// ImportOptions tune an import.
type ImportOptions struct {
	// Progress receives one line per step; nil discards.
	Progress io.Writer
	// Origin names where an item came from ("zones.geojson feature 12") for
	// the report; kind is "admin", "zone", "revenue"; nil uses kind and id.
	Origin func(kind, id string) string
	// RecomputeRegions rebuilds each planning region's geometry as the
	// union of its members' stored outlines (after admin areas change).
	RecomputeRegions bool
	// DryRun does the whole import inside its transaction, fills the report
	// (repairs, rejections, diff) and rolls back: nothing changes.
	DryRun bool
	// Files names the imported files for the version history.
	Files []string
	// KeepVersions is how many dataset snapshots to keep (the new one
	// included); 0 means DefaultKeepVersions.
	KeepVersions int
	// Kind and Note describe the version (set by Rollback).
	Kind, Note string
}

func (o ImportOptions) where(kind, id string) string {
	if o.Origin != nil {
		if w := o.Origin(kind, id); w != "" {
			return w
		}
	}
	return kind + " " + id
}

func (o ImportOptions) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}

// inImportTx runs fn in one transaction on its own connection to url,
// holding the import lock, so imports of every kind are serialised and
// all-or-nothing. Callers wrap its error with the import's name.
func inImportTx(ctx context.Context, url string, fn func(pgx.Tx) error) error {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return fmt.Errorf("connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	return pgx.BeginFunc(ctx, conn, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock($1)`, importLock); err != nil {
			return err
		}
		return fn(tx)
	})
}

// importLock serialises imports; readers are never blocked (MVCC).
const importLock = 7_336_002

// ImportDataset replaces the whole dataset at url in one transaction. build
// receives the dataset currently stored (empty on a fresh database), which
// it must not modify, and returns the one to store; it runs inside the transaction so it sees a
// consistent state. Rows are staged, checked, invalid geometries repaired
// with ST_MakeValid, then swapped in; on any rejection or error (including
// ctx cancellation) nothing changes. Each successful import increments the
// dataset version.
func ImportDataset(ctx context.Context, url string, build func(current *data.Dataset) (*data.Dataset, error), opts ImportOptions) (ImportReport, error) {
	return importDataset(ctx, url, func(_ context.Context, _ pgx.Tx, cur *data.Dataset) (*data.Dataset, error) { return build(cur) }, opts)
}

// errDryRun rolls a dry run's transaction back.
var errDryRun = errors.New("dry run")

// finish ends an import inside its transaction: it reads the new dataset
// back, diffs it against before, and then either rolls back (dry run) or
// records the version with its snapshot.
func finish(ctx context.Context, tx pgx.Tx, before *data.Dataset, rep *ImportReport, opts ImportOptions) error {
	after, err := readDataset(ctx, tx)
	if err != nil {
		return fmt.Errorf("reading the new dataset back: %w", err)
	}
	d := data.DiffDatasets(before, after)
	rep.Diff = &d
	if rep.EnterpriseLinks, err = enterpriseLinks(ctx, tx, d); err != nil {
		return err
	}
	if opts.DryRun {
		rep.DryRun = true
		return errDryRun
	}
	return recordVersion(ctx, tx, after, rep, opts)
}

func importDataset(ctx context.Context, url string, build func(ctx context.Context, tx pgx.Tx, current *data.Dataset) (*data.Dataset, error), opts ImportOptions) (ImportReport, error) {
	rep := ImportReport{Counts: map[string]int{}}
	err := inImportTx(ctx, url, func(tx pgx.Tx) error {
		opts.progress("reading current dataset")
		cur, err := readDataset(ctx, tx)
		if err != nil {
			return fmt.Errorf("reading current dataset: %w", err)
		}
		// build must not modify cur: the diff compares against it.
		before := cur
		ds, err := build(ctx, tx, cur)
		if err != nil {
			return err
		}
		if rej := checkDataset(ds, opts); len(rej) > 0 {
			return &RejectedError{Rejected: rej}
		}
		if err := writeDataset(ctx, tx, before, ds, opts, &rep); err != nil {
			return err
		}
		if err := bumpVersion(ctx, tx, ds, &rep); err != nil {
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
		return rep, fmt.Errorf("postgis: import: %w", err)
	}
	opts.progress("committed dataset version %d", rep.Version)
	return rep, nil
}

func bumpVersion(ctx context.Context, tx pgx.Tx, ds *data.Dataset, rep *ImportReport) error {
	var vintage, attribution any
	if ds != nil {
		vintage, attribution = ds.Vintage, ds.Attribution
	}
	return tx.QueryRow(ctx, `UPDATE layoutmap.dataset_meta SET version = version + 1, imported_at = now(),
		vintage = coalesce($1, vintage), attribution = coalesce($2, attribution) RETURNING version`, vintage, attribution).Scan(&rep.Version)
}

// checkDataset is data.Validate naming items by their origin, so the
// report names every bad item instead of the first constraint hit.
func checkDataset(ds *data.Dataset, o ImportOptions) []Problem {
	return data.Validate(ds, o.where)
}

// writeDataset stages every table with COPY, repairs invalid geometry, and
// swaps the staged rows in (DELETE + INSERT in the caller's transaction, so
// readers see the old dataset until commit and are never blocked). before
// is the dataset being replaced (writeTileData keeps its tile outlines
// when they still hold).
func writeDataset(ctx context.Context, tx pgx.Tx, before, ds *data.Dataset, o ImportOptions, rep *ImportReport) error {
	if err := stageDataset(ctx, tx, ds, o); err != nil {
		return err
	}
	if err := repairStaged(ctx, tx, o, rep); err != nil {
		return err
	}
	if err := swapInStaged(ctx, tx, o); err != nil {
		return err
	}
	nrev, nclusters, err := copyRelated(ctx, tx, ds)
	if err != nil {
		return err
	}
	if err := writeHeadlines(ctx, tx, nil); err != nil {
		return err
	}
	if o.RecomputeRegions {
		o.progress("recomputing planning-region outlines")
		if _, err := tx.Exec(ctx, `UPDATE layoutmap.planning_regions r SET geom = u.geom
			FROM (SELECT m.region_id, ST_Multi(ST_CollectionExtract(ST_MakeValid(ST_Union(a.geom)), 3)) AS geom
				FROM layoutmap.planning_region_members m JOIN layoutmap.admin_areas a ON a.code = m.member_code
				GROUP BY m.region_id) u
			WHERE u.region_id = r.id`); err != nil {
			return fmt.Errorf("recomputing region outlines: %w", err)
		}
	}
	// Surface deferred foreign-key failures here, with context, not at COMMIT.
	if _, err := tx.Exec(ctx, `SET CONSTRAINTS ALL IMMEDIATE`); err != nil {
		return fmt.Errorf("checking references: %w", err)
	}
	o.progress("simplifying outlines per zoom for tiles")
	if err := writeTileData(ctx, tx, before); err != nil {
		return err
	}
	rep.Counts["admin_areas"] = len(ds.Admin)
	rep.Counts["zones"] = len(ds.Zones)
	rep.Counts["revenue"] = nrev
	rep.Counts["regions"] = len(ds.Regions)
	rep.Counts["clusters"] = nclusters
	return nil
}

// stageDataset COPYs admin areas, zones and regions into temporary
// staging tables (geometry as EWKB, decoded by repairStaged).
func stageDataset(ctx context.Context, tx pgx.Tx, ds *data.Dataset, o ImportOptions) error {
	o.progress("staging %d admin areas, %d zones, %d regions", len(ds.Admin), len(ds.Zones), len(ds.Regions))
	if _, err := tx.Exec(ctx, `
		CREATE TEMP TABLE s_admin (code text, name text, name_en text, level text, parent_code text, label_point bytea, geom bytea, source text) ON COMMIT DROP;
		`+zoneStaging.create()+`;
		CREATE TEMP TABLE s_regions (id text, name text, name_en text, kind text, derived bool, geom bytea, source text, ord int) ON COMMIT DROP`); err != nil {
		return fmt.Errorf("creating staging tables: %w", err)
	}
	adminRows := make([][]any, len(ds.Admin))
	for i, a := range ds.Admin {
		lp, err := encodePoint(a.LabelPoint)
		if err != nil {
			return err
		}
		g, err := encodeMultiPolygon(a.Geom)
		if err != nil {
			return err
		}
		adminRows[i] = []any{a.Code, a.Name, a.NameEN, a.Level, nullIfEmpty(a.ParentCode), lp, g, a.Source}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"s_admin"}, []string{"code", "name", "name_en", "level", "parent_code", "label_point", "geom", "source"}, pgx.CopyFromRows(adminRows)); err != nil {
		return fmt.Errorf("copying admin areas: %w", err)
	}
	zoneRows := make([][]any, len(ds.Zones))
	for i := range ds.Zones {
		row, err := zoneStaging.row(&ds.Zones[i])
		if err != nil {
			return fmt.Errorf("zone %s: %w", ds.Zones[i].ID, err)
		}
		zoneRows[i] = row
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{zoneStaging.name}, zoneStaging.cols, pgx.CopyFromRows(zoneRows)); err != nil {
		return fmt.Errorf("copying zones: %w", err)
	}
	regRows := make([][]any, len(ds.Regions))
	for i, r := range ds.Regions {
		g, err := encodeMultiPolygon(r.Geom)
		if err != nil {
			return err
		}
		regRows[i] = []any{r.ID, r.Name, r.NameEN, r.Kind, r.Derived, g, r.Source, i}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{"s_regions"}, []string{"id", "name", "name_en", "kind", "derived", "geom", "source", "ord"}, pgx.CopyFromRows(regRows)); err != nil {
		return fmt.Errorf("copying regions: %w", err)
	}

	return nil
}

// repairStaged decodes the staged geometry and repairs what ST_IsValid
// rejects with ST_MakeValid (reported in rep.Repaired); a geometry with no
// area left is rejected.
func repairStaged(ctx context.Context, tx pgx.Tx, o ImportOptions, rep *ImportReport) error {
	o.progress("validating geometry")
	// Decode once into geometry columns, then repair what ST_IsValid rejects.
	for _, q := range []string{
		`ALTER TABLE s_admin ALTER COLUMN geom TYPE geometry USING ST_GeomFromEWKB(geom), ALTER COLUMN label_point TYPE geometry USING ST_GeomFromEWKB(label_point)`,
		zoneStaging.decode(),
		`ALTER TABLE s_regions ALTER COLUMN geom TYPE geometry USING ST_GeomFromEWKB(geom)`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("decoding staged geometry: %w", err)
		}
	}
	var rejected []Problem
	for _, t := range []struct{ table, key, kind string }{{"s_admin", "code", "admin"}, {zoneStaging.name, "id", "zone"}, {"s_regions", "id", "region"}} {
		rows, err := tx.Query(ctx, `UPDATE `+t.table+` s SET geom = ST_Multi(ST_CollectionExtract(ST_MakeValid(s.geom), 3))
			FROM (SELECT `+t.key+` AS k, ST_IsValidReason(geom) AS why FROM `+t.table+` WHERE NOT ST_IsValid(geom)) bad
			WHERE s.`+t.key+` = bad.k RETURNING s.`+t.key+`, bad.why, ST_IsEmpty(s.geom)`)
		if err != nil {
			return fmt.Errorf("repairing %s geometry: %w", t.kind, err)
		}
		type fix struct {
			ID, Why string
			Empty   bool
		}
		fixes, err := pgx.CollectRows(rows, pgx.RowToStructByPos[fix])
		if err != nil {
			return fmt.Errorf("repairing %s geometry: %w", t.kind, err)
		}
		for _, f := range fixes {
			if f.Empty {
				rejected = append(rejected, Problem{Where: o.where(t.kind, f.ID), Reason: "invalid geometry (" + f.Why + ") has no area after ST_MakeValid"})
			} else {
				rep.Repaired = append(rep.Repaired, Problem{Where: o.where(t.kind, f.ID), Reason: "invalid geometry repaired with ST_MakeValid: " + f.Why})
			}
		}
	}
	if len(rejected) > 0 {
		return &RejectedError{Rejected: rejected}
	}

	return nil
}

// swapInStaged replaces the stored rows with the staged ones (related
// tables are emptied here and filled by copyRelated).
func swapInStaged(ctx context.Context, tx pgx.Tx, o ImportOptions) error {
	o.progress("swapping in the new dataset")
	for _, q := range []string{
		`SET CONSTRAINTS ALL DEFERRED`,
		`DELETE FROM layoutmap.zone_headline`, `DELETE FROM layoutmap.zone_revenue`, `DELETE FROM layoutmap.zone_clusters`,
		`DELETE FROM layoutmap.zone_chains`, `DELETE FROM layoutmap.zones`, `DELETE FROM layoutmap.planning_region_members`,
		`DELETE FROM layoutmap.planning_regions`, `DELETE FROM layoutmap.cluster_keywords`, `DELETE FROM layoutmap.cluster_cities`,
		`DELETE FROM layoutmap.clusters`, `DELETE FROM layoutmap.admin_areas`,
		`INSERT INTO layoutmap.admin_areas (code, name, name_en, level, parent_code, label_point, geom, source)
			SELECT code, name, name_en, level, parent_code, label_point, ST_Multi(geom), source FROM s_admin`,
		zoneStaging.insert(),
		`INSERT INTO layoutmap.planning_regions (id, name, name_en, kind, derived, geom, source, ord)
			SELECT id, name, name_en, kind, derived, ST_Multi(geom), source, ord FROM s_regions`,
	} {
		if _, err := tx.Exec(ctx, q); err != nil {
			return fmt.Errorf("swapping: %w", err)
		}
	}
	return nil
}

// copyRelated COPYs the small related tables (taxonomy, zone links,
// revenue, region members) straight into place; it returns the number of
// revenue records and of taxonomy entries.
func copyRelated(ctx context.Context, tx pgx.Tx, ds *data.Dataset) (nrev, nclusters int, err error) {
	// Small related tables: COPY straight into place.
	var clusterRows, cityRows, kwRows, zcRows, chainRows, revRows, memberRows [][]any
	for i, c := range slices.Concat(ds.Taxonomy.Clusters, ds.Taxonomy.Chains, ds.Taxonomy.Recognised) {
		clusterRows = append(clusterRows, []any{c.ID, c.Name, c.NameEN, c.Kind, nullIfEmpty(c.Parent), c.ScaleClass, c.Source, i})
		for j, city := range c.Cities {
			cityRows = append(cityRows, []any{c.ID, city, j})
		}
	}
	for i, k := range ds.Taxonomy.Keywords {
		kwRows = append(kwRows, []any{k.Keyword, k.ClusterID, i})
	}
	n := 0
	for _, z := range ds.Zones {
		for i, c := range z.Clusters {
			zcRows = append(zcRows, []any{z.ID, c.ClusterID, c.Derived, c.Source, i})
		}
		for i, c := range z.Chains {
			chainRows = append(chainRows, []any{z.ID, c, i})
		}
		for _, r := range z.Revenue {
			revRows = append(revRows, []any{z.ID, r.Year, r.RevenueYi, r.Measure, r.Bound, periodOrFull(r.Period), geo.ScopeOrZone(r.Scope), r.Source, n})
			n++
		}
	}
	for _, r := range ds.Regions {
		for i, m := range r.Members {
			memberRows = append(memberRows, []any{r.ID, m, r.Roles[m], i})
		}
	}
	for _, c := range []struct {
		table string
		cols  []string
		rows  [][]any
	}{
		{"clusters", []string{"id", "name", "name_en", "kind", "parent", "scale_class", "source", "ord"}, clusterRows},
		{"cluster_cities", []string{"cluster_id", "city_code", "ord"}, cityRows},
		{"cluster_keywords", []string{"keyword", "cluster_id", "ord"}, kwRows},
		{"zone_clusters", []string{"zone_id", "cluster_id", "derived", "source", "ord"}, zcRows},
		{"zone_chains", []string{"zone_id", "chain_id", "ord"}, chainRows},
		{"zone_revenue", []string{"zone_id", "year", "revenue_yi", "measure", "bound", "period", "scope", "source", "ord"}, revRows},
		{"planning_region_members", []string{"region_id", "member_code", "role", "ord"}, memberRows},
	} {
		if _, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, c.table}, c.cols, pgx.CopyFromRows(c.rows)); err != nil {
			return 0, 0, fmt.Errorf("copying %s: %w", c.table, err)
		}
	}
	return len(revRows), len(clusterRows), nil
}

// periodOrFull stores an unstated period as a full year, which is how
// geo.EffectiveBound reads "".
func periodOrFull(p string) string {
	if p == "" {
		return geo.PeriodFullYear
	}
	return p
}

// zoneStaging stages zones for import; its columns come from the zone
// descriptor.
var zoneStaging = stagingOf(geo.Schemas[geo.CollZones], "s_zones", func(x any) any { return x.(*geo.Zone).ZoneAttrs })

// staging is how the rows of a collection are staged for import, derived
// from its descriptor d: the stored column of every field that reads one
// back (Field.StoredColumn, valued through its Ref), then the point and the
// outline as EWKB (decoded by repairStaged), then, when the collection has
// plain attributes (Attr fields), the attrs jsonb object (migration 0005)
// that attrs gives. The staging table takes its column types from the
// stored table.
type staging struct {
	d        geo.CollectionSchema
	name     string   // the temporary table
	table    string   // the stored table, "layoutmap.zones"
	alias    string   // its alias in d's SQL, "z"
	cols     []string // every staged column, in row order
	refs     []func(any) any
	nullable []bool          // of the columns read through refs
	geom, pt string          // columns of the outline and point ("" none)
	attrs    func(x any) any // the attrs object of x; nil without attributes
}

func stagingOf(d geo.CollectionSchema, name string, attrs func(any) any) staging {
	s := staging{d: d, name: name}
	s.table, s.alias, _ = strings.Cut(d.Table, " ")
	for _, f := range d.Fields {
		if col, nullable, ok := f.StoredColumn(); ok {
			s.cols, s.refs, s.nullable = append(s.cols, col), append(s.refs, f.Ref), append(s.nullable, nullable)
		}
		if f.Attr {
			s.attrs = attrs
		}
	}
	if d.Point != "" {
		s.pt = strings.TrimPrefix(d.Point, s.alias+".")
		s.cols = append(s.cols, s.pt)
	}
	s.geom = strings.TrimPrefix(d.Geom, s.alias+".")
	s.cols = append(s.cols, s.geom)
	if s.attrs != nil {
		s.cols = append(s.cols, "attrs")
	}
	return s
}

// create is the statement creating the empty staging table, its columns
// typed as the stored table's (geometry as bytea).
func (s staging) create() string {
	sel := make([]string, len(s.cols))
	for i, c := range s.cols {
		sel[i] = s.alias + "." + c
		if c == s.geom || c == s.pt {
			sel[i] = "ST_AsEWKB(" + sel[i] + ") AS " + c
		}
	}
	return "CREATE TEMP TABLE " + s.name + " ON COMMIT DROP AS SELECT " + strings.Join(sel, ", ") +
		" FROM " + s.table + " " + s.alias + " WITH NO DATA"
}

// decode is the statement turning the staged EWKB into geometry columns.
func (s staging) decode() string {
	q := "ALTER TABLE " + s.name + " ALTER COLUMN " + s.geom + " TYPE geometry USING ST_GeomFromEWKB(" + s.geom + ")"
	if s.pt != "" {
		q += ", ALTER COLUMN " + s.pt + " TYPE geometry USING ST_GeomFromEWKB(" + s.pt + ")"
	}
	return q
}

// insert is the statement copying the staged rows into the stored table
// (outlines as MultiPolygons).
func (s staging) insert() string {
	sel := slices.Clone(s.cols)
	sel[slices.Index(sel, s.geom)] = "ST_Multi(" + s.geom + ")"
	return "INSERT INTO " + s.table + " (" + strings.Join(s.cols, ", ") + ") SELECT " + strings.Join(sel, ", ") + " FROM " + s.name
}

// row returns the staged values of feature x (a pointer to d's typed
// feature), in the order of cols.
func (s staging) row(x any) ([]any, error) {
	row := make([]any, 0, len(s.cols))
	for i, ref := range s.refs {
		row = append(row, storedValue(ref(x), s.nullable[i]))
	}
	geom, point := s.d.Shape(x)
	if point != nil {
		pt, err := encodePoint(*point)
		if err != nil {
			return nil, err
		}
		row = append(row, pt)
	}
	var g []byte // no outline: NULL, the feature is served as its point
	if len(*geom) > 0 {
		var err error
		if g, err = encodeMultiPolygon(*geom); err != nil {
			return nil, err
		}
	}
	row = append(row, g)
	if s.attrs != nil {
		// The plain attributes as one object.
		attrs, err := json.Marshal(s.attrs(x))
		if err != nil {
			return nil, fmt.Errorf("attributes: %w", err)
		}
		row = append(row, string(attrs))
	}
	return row, nil
}

// storedValue is the value to store of the member p points to (a Ref):
// "" as NULL in a nullable column, a nil list as the empty list (list
// columns are NOT NULL DEFAULT '{}').
func storedValue(p any, nullable bool) any {
	switch v := p.(type) {
	case *string:
		if nullable {
			return nullIfEmpty(*v)
		}
		return *v
	case *[]string:
		if *v == nil {
			return []string{}
		}
		return *v
	case **float64:
		return *v
	case *bool:
		return *v
	case *int:
		return *v
	}
	return p
}

func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// writeHeadlines recomputes zone_headline for the zones (nil: all) from
// zone_revenue with geo.Headline, for every measure family, every year with
// a record and year 0 (each zone's latest figure).
func writeHeadlines(ctx context.Context, tx pgx.Tx, zoneIDs []string) error {
	rows, err := tx.Query(ctx, `SELECT zone_id, year, revenue_yi, measure, bound, period, scope, source FROM layoutmap.zone_revenue
		WHERE $1 OR zone_id = ANY($2) ORDER BY zone_id, ord`, zoneIDs == nil, zoneIDs)
	if err != nil {
		return fmt.Errorf("reading revenue: %w", err)
	}
	recs, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (geo.Revenue, error) {
		var v geo.Revenue
		err := r.Scan(&v.ZoneID, &v.Year, &v.RevenueYi, &v.Measure, &v.Bound, &v.Period, &v.Scope, &v.Source)
		return v, err
	})
	if err != nil {
		return fmt.Errorf("reading revenue: %w", err)
	}
	if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.zone_headline WHERE $1 OR zone_id = ANY($2)`, zoneIDs == nil, zoneIDs); err != nil {
		return fmt.Errorf("clearing headlines: %w", err)
	}
	byZone := map[string][]geo.Revenue{}
	var order []string
	for _, r := range recs {
		if _, ok := byZone[r.ZoneID]; !ok {
			order = append(order, r.ZoneID)
		}
		byZone[r.ZoneID] = append(byZone[r.ZoneID], r)
	}
	var out [][]any
	for _, id := range order {
		zr := byZone[id]
		for _, fam := range geo.FamilyIDs() {
			for _, y := range geo.HeadlineYears(zr) {
				if h, ok := geo.Headline(zr, y, fam); ok {
					out = append(out, []any{id, fam, y, h.RevenueYi, geo.EffectiveBound(h), h.Year, h.Measure, h.Bound, periodOrFull(h.Period), geo.ScopeOrZone(h.Scope)})
				}
			}
		}
	}
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, "zone_headline"}, []string{"zone_id", "family", "year", "revenue_yi", "eff_bound", "revenue_year", "measure", "bound", "period", "scope"}, pgx.CopyFromRows(out)); err != nil {
		return fmt.Errorf("writing headlines: %w", err)
	}
	return nil
}

// ReadDataset reads the whole stored dataset at url in one read-only,
// repeatable-read transaction (a consistent snapshot even while an import
// commits), for export and for the dry run's diff.
func ReadDataset(ctx context.Context, url string) (*data.Dataset, error) {
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		return nil, fmt.Errorf("postgis: reading dataset: connecting: %w", err)
	}
	defer conn.Close(context.WithoutCancel(ctx))
	var ds *data.Dataset
	err = pgx.BeginTxFunc(ctx, conn, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}, func(tx pgx.Tx) error {
		ds, err = readDataset(ctx, tx)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("postgis: reading dataset: %w", err)
	}
	return ds, nil
}
