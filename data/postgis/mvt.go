package postgis

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// MVT returns the composite vector tile of q, built by PostGIS in one SQL
// round trip: an ST_AsMVT subquery per layer of geo.LayersAt(q.Z), joined
// with || in catalogue order (tegola's MVTForLayers). Rows are chosen with
// geom_3857 && ST_TileEnvelope(…, margin => TileBuffer/TileExtent), which
// the GiST indexes answer, while ST_AsMVTGeom gets the plain envelope with
// geo.TileExtent and geo.TileBuffer (PostGIS docs: no margin there).
// Outlines come pre-simplified per zoom from tile_outlines; feature ids
// are geo.TileFeatureID; properties are the orb encoder's, their columns
// generated from the field tables (tileColumns: absent values are NULL,
// which ST_AsMVT leaves out; lists geo.FlatList's "|a|b|"). The
// zone criteria of q.Filter apply to zones and zone labels exactly as in
// TileFeatures. An empty result is an empty tile. A filter without ids
// (city, cluster, chain, region) costs no extra query; with ids, one more
// checks that they exist.
func (s *Store) MVT(ctx context.Context, q geo.TileQuery) ([]byte, error) {
	return s.MVTLayers(ctx, q, geo.LayersAt(q.Z))
}

// MVTLayers is MVT for the named layers only (a subset of
// geo.LayersAt(q.Z), in that order; see geo.TileParts), so the tile
// service can encode the boundary layers once for every filter and
// append the filtered ones. The filter is checked whichever layers are
// asked for; no layers is an empty tile without a query.
func (s *Store) MVTLayers(ctx context.Context, q geo.TileQuery, layers []string) (_ []byte, err error) {
	if err := s.br.allow("tile"); err != nil {
		return nil, err
	}
	defer s.done("tile", &err)
	if err := q.Check(); err != nil {
		return nil, err
	}
	f := q.Filter
	f.BBox = nil
	if err := s.validate(ctx, geo.CollZones, f, false); err != nil {
		return nil, err
	}
	if len(layers) == 0 {
		return nil, nil
	}
	sql, args, cells := s.mvtSQL(q.Z, f, layers)
	args[0], args[1], args[2] = int(q.Z), int(q.X), int(q.Y)
	if cells {
		args[3], args[4] = -1, -1
		if c, ok := geo.CellOf(q.Z, q.X, q.Y); ok {
			args[3], args[4] = int(c.X), int(c.Y)
		}
	}
	var b []byte
	if err := s.pool.QueryRow(ctx, sql, args...).Scan(&b); err != nil {
		return nil, fmt.Errorf("postgis: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	if len(b) == 0 {
		return nil, nil
	}
	return b, nil
}

// mvtSQL builds the tile query of the named layers at zoom z: $1…$3 are
// z, x, y and, when cells is true, $4 and $5 the tile_outlines cell (the
// returned args hold placeholders for them), every
// other value a further parameter. The SQL text depends on z and on which
// filter fields are set, never on their values.
func (s *Store) mvtSQL(z uint32, f geo.Filter, layers []string) (sql string, args []any, cells bool) {
	w := &where{}
	t := &tileSQL{s: s, w: w, z: z, f: f}
	t.pz, t.px, t.py = w.arg(0), w.arg(0), w.arg(0)
	// The cell placeholders exist only when a layer reads tile_outlines:
	// PostgreSQL cannot type a parameter the statement never uses.
	if cells = slices.ContainsFunc(layers, func(l string) bool { return !geo.LayerFiltered(l) }); cells {
		t.cell = fmt.Sprintf("o.cx = %s AND o.cy = %s", w.arg(0), w.arg(0))
	}
	t.env = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s)", t.pz, t.px, t.py)
	t.benv = fmt.Sprintf("ST_TileEnvelope(%s, %s, %s, margin => %s::float8)", t.pz, t.px, t.py, w.arg(float64(geo.TileBuffer)/geo.TileExtent))
	var parts []string
	for _, layer := range layers {
		switch layer {
		case geo.LayerZones:
			parts = append(parts, asMVT(layer, t.zones()))
		case geo.LayerLabels:
			parts = append(parts, asMVT(layer, t.labels()))
		default:
			if coll := geo.LayerCollection(layer); coll != "" {
				parts = append(parts, asMVT(layer, t.outlines(layer, coll)))
			}
		}
	}
	if len(parts) == 0 {
		return `SELECT ''::bytea`, w.args, cells
	}
	return `SELECT ` + strings.Join(parts, "\n || "), w.args, cells
}

// tileSQL builds the row queries of one tile's layers over one argument
// list: pz, px, py the tile's placeholders, cell the tile_outlines cell
// condition, env and benv the tile envelope without and with the buffer.
type tileSQL struct {
	s                           *Store
	w                           *where
	z                           uint32
	f                           geo.Filter
	pz, px, py, cell, env, benv string
}

func (t *tileSQL) mvtGeom(col string) string {
	return fmt.Sprintf("ST_AsMVTGeom(%s, %s, %d, %d, true)", col, t.env, geo.TileExtent, geo.TileBuffer)
}

// sub gives a layer its own clauses over the shared argument list.
func (t *tileSQL) sub(build func(c *where) string) string {
	c := &where{args: t.w.args}
	s := build(c)
	t.w.args = c.args
	return s
}

// asMVT wraps a row query whose first two columns are fid and geom; every
// other column is a property. OFFSET 0 keeps the row query a subquery:
// flattened, the planner pushes `geom IS NOT NULL` into the scan and
// computes ST_AsMVTGeom twice per row (once for the test, once for the
// output), its dearest step.
func asMVT(layer, rows string) string {
	return fmt.Sprintf(`coalesce((SELECT ST_AsMVT(t, '%s', %d, 'geom', 'fid') FROM (%s OFFSET 0) t WHERE t.geom IS NOT NULL), ''::bytea)`,
		layer, geo.TileExtent, rows)
}

// outlines is the row query of an outline layer (province, cities,
// counties, regions): the cut, simplified outlines of tile_outlines joined
// to the collection's table by its id (the descriptor's Table and IDSQL),
// with the collection's tile columns.
func (t *tileSQL) outlines(layer, coll string) string {
	d := geo.Schemas[coll]
	return t.sub(func(c *where) string {
		return `SELECT o.fid, ` + t.mvtGeom("o.geom_3857") + ` AS geom, ` + t.s.tileColumns(c, coll, t.z) + `
				FROM layoutmap.tile_outlines o JOIN ` + d.Table + ` ON ` + d.IDSQL + ` = o.id
				WHERE o.layer = ` + c.arg(layer) + ` AND ` + t.cell + ` AND o.zmin <= ` + t.pz + ` AND o.zmax >= ` + t.pz + ` AND o.geom_3857 && ` + t.benv + `
				ORDER BY o.id COLLATE "C"`
	})
}

// zones is the row query of the zones layer under the filter: outlines,
// or the point of a zone without one.
func (t *tileSQL) zones() string {
	return t.sub(func(c *where) string {
		from := t.s.zoneFrom(c, t.f)
		c.add("(z.geom_3857 && " + t.benv + " OR (z.geom_3857 IS NULL AND z.point_3857 && " + t.benv + "))")
		return `SELECT z.tile_fid AS fid, ` + t.mvtGeom("coalesce(z.geom_3857, z.point_3857)") + ` AS geom, ` + t.s.tileColumns(c, geo.CollZones, t.z) + `
				FROM ` + from + ` WHERE ` + c.sql() + ` ORDER BY z.id COLLATE "C"`
	})
}

// labels is the row query of the labels layer: for each kind of label of
// geo.LabelSources present at z, the rows of its collection (the
// descriptor's Table and Where; zone labels under the filter) with the
// label properties (geo.LabelFields) copied from the collection's field
// SQL, NULL where the kind has none. Cities, then counties, then zones,
// each by id, as memstore.
func (t *tileSQL) labels() string {
	var parts []string
	for i, src := range geo.LabelSources {
		if t.z < geo.LabelMinZoom[src.Label] {
			continue
		}
		d := geo.Schemas[src.Collection]
		parts = append(parts, t.sub(func(c *where) string {
			from := d.Table
			if src.Collection == geo.CollZones {
				from = t.s.zoneFrom(c, t.f)
			}
			if d.Where != "" {
				c.add(d.Where)
			}
			c.add(src.Point + " && " + t.benv)
			cols := []string{src.FID + " AS fid", t.mvtGeom(src.Point) + " AS geom"}
			for _, lf := range geo.LabelFields {
				cols = append(cols, t.labelColumn(c, src, lf)+" AS "+pgx.Identifier{lf.Name}.Sanitize())
			}
			// ord and k order the rows and are dropped before ST_AsMVT.
			cols = append(cols, fmt.Sprintf("%d AS ord", i), d.IDSQL+" AS k")
			return "SELECT " + strings.Join(cols, ", ") + " FROM " + from + " WHERE " + c.sql()
		}))
	}
	names := []string{"fid", "geom"}
	for _, lf := range geo.LabelFields {
		names = append(names, pgx.Identifier{lf.Name}.Sanitize())
	}
	if len(parts) == 0 {
		return "SELECT NULL::int8 AS fid, NULL::geometry AS geom WHERE false"
	}
	return "SELECT " + strings.Join(names, ", ") + " FROM (" + strings.Join(parts, "\n UNION ALL ") + `) l ORDER BY ord, k COLLATE "C"`
}

// labelColumn is the SQL value of label property lf for labels of src:
// the kind's constant, the copied field's SQL, or a typed NULL.
func (t *tileSQL) labelColumn(c *where, src geo.LabelSource, lf geo.Field) string {
	if lf.Name == "kind" && src.Kind != "" {
		return c.arg(src.Kind) + "::text"
	}
	if f, ok := src.Field(lf.Name); ok {
		return fieldSQL(f, func() string { return t.s.tierExpr(c) })
	}
	return "NULL::" + map[geo.FieldType]string{geo.TypeString: "text", geo.TypeNumber: "float8", geo.TypeInteger: "int8", geo.TypeBoolean: "boolean"}[lf.Type]
}

// zoneFrom is the zones table joined with the headline of the filter year,
// with f's zone criteria added to c (the same clauses Items and
// TileFeatures use, so the three agree with memstore's MatchZone).
func (s *Store) zoneFrom(c *where, f geo.Filter) string {
	from := "layoutmap.zones z LEFT JOIN layoutmap.zone_headline h ON h.zone_id = z.id AND h.year = " + c.arg(f.Year) + " AND h.family = " + c.arg(f.Family())
	s.zoneWhere(c, f)
	return from
}

// writeTileData derives what MVT reads from the stored rows: tile feature
// ids of admin areas and zones, and tile_outlines, the admin and region
// outlines simplified per zoom exactly as memstore does (Douglas–Peucker
// with geo.SimplifyTolerance(z) in degrees; rings under 4 vertices dropped,
// a polygon with its exterior; empty shapes left out). Consecutive zooms
// with the same simplified shape share one row. It runs inside the import
// (or migration) transaction, after the geometry is final.
//
// before is the dataset the import replaces (nil: unknown, as in a
// migration, and every outline is written). The outlines of the admin
// areas and regions that before holds unchanged (changedOutlines) are
// kept; only the others are cut and written. Writing every outline
// (ST_MakeValid on ten thousand cut pieces) is most of a whole-dataset
// import's time, and a zone import or the rollback of a revenue or
// enterprise-list version changes none. The outlines kept follow geo's
// rules (SimplifyZooms, CellZoom, CutCells) as of the import that wrote
// them: a change to those rules needs a migration that calls
// writeTileData(…, nil), as 0002's does.
func writeTileData(ctx context.Context, tx pgx.Tx, before *data.Dataset) error {
	as, err := readAdmin(ctx, tx, "true", nil)
	if err != nil {
		return fmt.Errorf("tile data: reading admin areas: %w", err)
	}
	rs, err := readRegions(ctx, tx, nil, nil)
	if err != nil {
		return fmt.Errorf("tile data: reading regions: %w", err)
	}
	var zoneIDs []string
	rows, err := tx.Query(ctx, `SELECT id FROM layoutmap.zones`)
	if err != nil {
		return fmt.Errorf("tile data: reading zones: %w", err)
	}
	if zoneIDs, err = pgx.CollectRows(rows, pgx.RowTo[string]); err != nil {
		return fmt.Errorf("tile data: reading zones: %w", err)
	}
	fids := func(ids []string) []int64 {
		out := make([]int64, len(ids))
		for i, id := range ids {
			out[i] = int64(geo.TileFeatureID(id)) // < 2^53 by construction
		}
		return out
	}
	codes := make([]string, len(as))
	for i, a := range as {
		codes[i] = a.Code
	}
	if _, err := tx.Exec(ctx, `UPDATE layoutmap.admin_areas a SET tile_fid = k.fid FROM unnest($1::text[], $2::int8[]) k(id, fid) WHERE a.code = k.id`, codes, fids(codes)); err != nil {
		return fmt.Errorf("tile data: admin feature ids: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE layoutmap.zones z SET tile_fid = k.fid FROM unnest($1::text[], $2::int8[]) k(id, fid) WHERE z.id = k.id`, zoneIDs, fids(zoneIDs)); err != nil {
		return fmt.Errorf("tile data: zone feature ids: %w", err)
	}
	as, rs, kept := changedOutlines(before, as, rs)
	b, err := outlineBands(as, rs)
	if err != nil {
		return err
	}
	return b.write(ctx, tx, kept)
}

// outlineKey is a feature of tile_outlines: its layer and id.
type outlineKey struct{ layer, id string }

// adminLayer is the tile layer of an admin area's level.
func adminLayer(level string) string {
	return map[string]string{geo.LevelProvince: geo.LayerProvince, geo.LevelCity: geo.LayerCities, geo.LevelCounty: geo.LayerCounties}[level]
}

// changedOutlines splits the stored admin areas as and regions rs into
// those whose outlines must be written (new, or changed since before: a
// different level or geometry, coordinate for coordinate) and the keys of
// those whose stored outlines stand. Without before, all are written.
func changedOutlines(before *data.Dataset, as []geo.AdminArea, rs []geo.Region) ([]geo.AdminArea, []geo.Region, []outlineKey) {
	if before == nil {
		return as, rs, nil
	}
	var kept []outlineKey
	admin := make(map[string]*geo.AdminArea, len(before.Admin))
	for i := range before.Admin {
		admin[before.Admin[i].Code] = &before.Admin[i]
	}
	var writeA []geo.AdminArea
	for _, a := range as {
		if b, ok := admin[a.Code]; ok && b.Level == a.Level && orb.Equal(b.Geom, a.Geom) {
			kept = append(kept, outlineKey{adminLayer(a.Level), a.Code})
		} else {
			writeA = append(writeA, a)
		}
	}
	regions := make(map[string]*geo.Region, len(before.Regions))
	for i := range before.Regions {
		regions[before.Regions[i].ID] = &before.Regions[i]
	}
	var writeR []geo.Region
	for _, r := range rs {
		if b, ok := regions[r.ID]; ok && orb.Equal(b.Geom, r.Geom) {
			kept = append(kept, outlineKey{geo.LayerRegions, r.ID})
		} else {
			writeR = append(writeR, r)
		}
	}
	return writeA, writeR, kept
}

// bands are the rows of tile_outlines: per feature, each zoom band over
// which its simplified outline and the cell zoom stay the same, cut into
// the cells of that zoom (geo.CutCells: the embedded store's pieces), as
// parallel columns for one unnest. cx and cy are -1 for whole shapes.
type bands struct {
	layers, ids []string
	fidCol      []int64
	zmins, zmax []int16
	cx, cy      []int32
	geoms       [][]byte
}

func (bs *bands) add(layer, id string, fid int64, zmin, zmax int, cx, cy int32, g orb.MultiPolygon) error {
	b, err := encodeMultiPolygon(g)
	if err != nil {
		return err
	}
	bs.layers, bs.ids, bs.fidCol = append(bs.layers, layer), append(bs.ids, id), append(bs.fidCol, fid)
	bs.zmins, bs.zmax, bs.geoms = append(bs.zmins, int16(zmin)), append(bs.zmax, int16(zmax)), append(bs.geoms, b)
	bs.cx, bs.cy = append(bs.cx, cx), append(bs.cy, cy)
	return nil
}

// outlineBands simplifies every admin and region outline per zoom
// (geo.SimplifyZooms) into bands and cuts them into cells.
func outlineBands(as []geo.AdminArea, rs []geo.Region) (*bands, error) {
	bs := &bands{}
	add := func(layer, id string, mp orb.MultiPolygon) error {
		var zs [geo.MaxZoom + 1]orb.MultiPolygon
		geo.SimplifyZooms(mp, &zs)
		fid := int64(geo.TileFeatureID(id))
		for z := geo.MinZoom; z <= geo.MaxZoom; {
			g := zs[z]
			hi := z
			cz := geo.CellZoom(uint32(z))
			// A band ends where the shape changes, and where the cell
			// zoom changes.
			for hi < geo.MaxZoom && geo.CellZoom(uint32(hi+1)) == cz && geo.SameShape(zs[hi+1], g) {
				hi++
			}
			if len(g) > 0 && cz < 0 {
				if err := bs.add(layer, id, fid, z, hi, -1, -1, g); err != nil {
					return err
				}
			} else if len(g) > 0 {
				for _, p := range geo.CutCells(g, uint32(cz)) {
					if err := bs.add(layer, id, fid, z, hi, int32(p.Cell.X), int32(p.Cell.Y), p.Geom); err != nil {
						return err
					}
				}
			}
			z = hi + 1
		}
		return nil
	}
	for _, a := range as {
		if err := add(adminLayer(a.Level), a.Code, a.Geom); err != nil {
			return nil, fmt.Errorf("tile data: admin %s: %w", a.Code, err)
		}
	}
	for _, r := range rs {
		if err := add(geo.LayerRegions, r.ID, r.Geom); err != nil {
			return nil, fmt.Errorf("tile data: region %s: %w", r.ID, err)
		}
	}
	return bs, nil
}

// write replaces the rows of tile_outlines, but those of the features
// kept, with the bands.
func (bs *bands) write(ctx context.Context, tx pgx.Tx, kept []outlineKey) error {
	layers, ids := make([]string, len(kept)), make([]string, len(kept))
	for i, k := range kept {
		layers[i], ids[i] = k.layer, k.id
	}
	if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.tile_outlines o WHERE NOT EXISTS (
			SELECT 1 FROM unnest($1::text[], $2::text[]) k(layer, id) WHERE k.layer = o.layer AND k.id = o.id)`, layers, ids); err != nil {
		return fmt.Errorf("tile data: clearing outlines: %w", err)
	}
	// Pieces are made valid: simplification can make a ring cross itself,
	// and ST_AsMVTGeom's rectangle clipping of an invalid ring can return
	// the whole tile.
	if _, err := tx.Exec(ctx, `WITH k AS (
			SELECT layer, id, fid, zmin, zmax, cx, cy, ST_Transform(ST_GeomFromEWKB(g), 3857) AS geom
			FROM unnest($1::text[], $2::text[], $3::int8[], $4::int2[], $5::int2[], $6::int4[], $7::int4[], $8::bytea[]) AS k(layer, id, fid, zmin, zmax, cx, cy, g))
		INSERT INTO layoutmap.tile_outlines (layer, id, fid, zmin, zmax, cx, cy, geom_3857)
		SELECT layer, id, fid, zmin, zmax, cx, cy, geom FROM (
			SELECT layer, id, fid, zmin, zmax, cx, cy,
				ST_Multi(CASE WHEN cx < 0 THEN geom ELSE ST_CollectionExtract(ST_MakeValid(geom), 3) END) AS geom
			FROM k) v
		WHERE NOT ST_IsEmpty(geom)`,
		bs.layers, bs.ids, bs.fidCol, bs.zmins, bs.zmax, bs.cx, bs.cy, bs.geoms); err != nil {
		return fmt.Errorf("tile data: writing outlines: %w", err)
	}
	return nil
}
