package main

import (
	"context"
	"fmt"
	"sort"

	"github.com/jackc/pgx/v5"
)

// partition turns the source counties (table src, GCJ-02) into a clean
// planar partition and builds the tables county, city and province.
//
// The source's counties are rounded to a 1/1024° grid independently, so
// almost all of them are invalid (rings touch or cross themselves), 40 pairs
// overlap, there are small gaps, and many counties carry tiny lobes that
// sit in holes of their neighbours. A dissolve of such input leaves slivers
// and pinholes. Instead:
//
//  1. snap every county to the grid and ST_MakeValid it;
//  2. node all county boundaries together and ST_Polygonize them into faces:
//     every face is inside exactly the same set of counties, and neighbouring
//     faces share their edges exactly;
//  3. give each face an owner: the county containing it when there is
//     exactly one; otherwise (gaps: none, overlaps: several) the neighbouring
//     county with the longest shared edge (among the containing counties for
//     an overlap);
//  4. any connected piece of a county smaller than sliverM2 (a lobe or a
//     leftover of the rounding) goes to the neighbour with the longest
//     shared edge; a piece that shares no edge with any other county (a
//     detached bit on the province's edge) is dropped;
//  5. county = union of its faces, city = union of its counties' faces,
//     province = union of all faces. Because faces share edges exactly,
//     these unions have no slivers, and borders are shared by construction.
func partition(ctx context.Context, conn *pgx.Conn, logf func(string, ...any)) error {
	if err := makeFaces(ctx, conn); err != nil {
		return err
	}
	g, err := readFaceGraph(ctx, conn)
	if err != nil {
		return err
	}
	if err := g.assignOwners(logf); err != nil {
		return err
	}
	g.mergeSmallPieces(logf)
	return g.writeUnions(ctx, conn)
}

// makeFaces is steps 1 and 2: the snapped, valid counties (table v) and
// the faces of their noded boundaries (table faces).
func makeFaces(ctx context.Context, conn *pgx.Conn) error {
	setup := []string{
		`CREATE TABLE v AS SELECT code, polys(ST_SnapToGrid(geom, ` + fmt.Sprint(gridDeg) + `)) AS geom FROM src`,
		`CREATE INDEX ON v USING gist (geom)`,
		`CREATE TABLE faces AS
		   SELECT (row_number() OVER ())::int AS id, geom FROM (
		     SELECT (ST_Dump(ST_Polygonize(g))).geom AS geom
		     FROM (SELECT ST_Union(ST_Boundary(geom) ORDER BY code) AS g FROM v) s) t`,
		`CREATE INDEX ON faces USING gist (geom)`,
	}
	for _, s := range setup {
		if _, err := conn.Exec(ctx, s); err != nil {
			return fmt.Errorf("henanbuild: partition: %w\n%s", err, s)
		}
	}
	return nil
}

// face is one face of the partition: its area (m²), the counties
// containing it (sorted) and the owner it is given ("" none yet).
type face struct {
	id     int
	area   float64
	owners []string
	owner  string
}

// edge is a boundary a face shares with face to, of length len (m).
type edge struct {
	to  int
	len float64
}

// faceGraph is the faces in id order with their shared edges.
type faceGraph struct {
	faces map[int]*face
	ids   []int
	adj   map[int][]edge
}

// readFaceGraph reads each face with the counties containing it and the
// edges faces share.
func readFaceGraph(ctx context.Context, conn *pgx.Conn) (*faceGraph, error) {
	g := &faceGraph{faces: map[int]*face{}, adj: map[int][]edge{}}
	rows, err := conn.Query(ctx, `
	  SELECT f.id, ST_Area(f.geom::geography),
	         coalesce(array_agg(v.code ORDER BY v.code) FILTER (WHERE v.code IS NOT NULL), '{}')
	  FROM faces f LEFT JOIN v ON ST_Intersects(v.geom, ST_PointOnSurface(f.geom))
	  GROUP BY f.id, f.geom ORDER BY f.id`)
	if err != nil {
		return nil, fmt.Errorf("henanbuild: partition faces: %w", err)
	}
	for rows.Next() {
		f := &face{}
		if err := rows.Scan(&f.id, &f.area, &f.owners); err != nil {
			return nil, err
		}
		g.faces[f.id] = f
		g.ids = append(g.ids, f.id)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = conn.Query(ctx, `
	  SELECT a.id, b.id, ST_Length(ST_CollectionExtract(ST_Intersection(a.geom, b.geom), 2)::geography)
	  FROM faces a JOIN faces b ON a.id < b.id AND ST_Intersects(a.geom, b.geom)
	  ORDER BY a.id, b.id`)
	if err != nil {
		return nil, fmt.Errorf("henanbuild: partition adjacency: %w", err)
	}
	for rows.Next() {
		var a, b int
		var l float64
		if err := rows.Scan(&a, &b, &l); err != nil {
			return nil, err
		}
		if l > 0 {
			g.adj[a] = append(g.adj[a], edge{b, l})
			g.adj[b] = append(g.adj[b], edge{a, l})
		}
	}
	rows.Close()
	return g, rows.Err()
}

// bestNeighbour is the owner with the longest shared edge around a set of
// faces, limited to allowed owners when given; ties go to the lower code.
func (g *faceGraph) bestNeighbour(set map[int]bool, exclude string, allowed []string) string {
	lens := map[string]float64{}
	for id := range set {
		for _, e := range g.adj[id] {
			if set[e.to] {
				continue
			}
			o := g.faces[e.to].owner
			if o == "" || o == exclude {
				continue
			}
			lens[o] += e.len
		}
	}
	best, bestLen := "", 0.0
	for o, l := range lens {
		if len(allowed) > 0 && !contains(allowed, o) {
			continue
		}
		if l > bestLen || (l == bestLen && o < best) {
			best, bestLen = o, l
		}
	}
	return best
}

// assignOwners is step 3: a face inside one county is that county's; a
// gap or overlap face goes to the neighbour with the longest shared edge
// (for an overlap, among the containing counties first), in rounds until
// every face has an owner.
func (g *faceGraph) assignOwners(logf func(string, ...any)) error {
	var gaps, overlaps, gapArea, overlapArea float64
	for _, id := range g.ids {
		if f := g.faces[id]; len(f.owners) == 1 {
			f.owner = f.owners[0]
		}
	}
	for round := 0; ; round++ {
		progress, pending := false, 0
		for _, id := range g.ids {
			f := g.faces[id]
			if f.owner != "" {
				continue
			}
			o := g.bestNeighbour(map[int]bool{id: true}, "", f.owners)
			if o == "" && len(f.owners) > 1 {
				o = g.bestNeighbour(map[int]bool{id: true}, "", nil)
			}
			if o == "" {
				pending++
				continue
			}
			if len(f.owners) == 0 {
				gaps++
				gapArea += f.area
			} else {
				overlaps++
				overlapArea += f.area
			}
			f.owner = o
			progress = true
		}
		if pending == 0 {
			break
		}
		if !progress || round > 50 {
			return fmt.Errorf("henanbuild: partition: %d faces cannot be assigned", pending)
		}
	}
	logf("partition: %d faces; %d gap faces (%.3f km²) and %d overlap faces (%.3f km²) assigned to a neighbour",
		len(g.ids), int(gaps), gapArea/1e6, int(overlaps), overlapArea/1e6)
	return nil
}

// component is the connected piece of same-owner faces around face id,
// with its area (m²).
func (g *faceGraph) component(id int) (map[int]bool, float64) {
	owner := g.faces[id].owner
	comp := map[int]bool{id: true}
	stack := []int{id}
	area := 0.0
	for len(stack) > 0 {
		c := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		area += g.faces[c].area
		for _, e := range g.adj[c] {
			if !comp[e.to] && g.faces[e.to].owner == owner {
				comp[e.to] = true
				stack = append(stack, e.to)
			}
		}
	}
	return comp, area
}

// mergeSmallPieces is step 4: a connected piece of a county under
// sliverM2 goes to the neighbour with the longest shared edge, or is
// dropped when it shares no edge; repeated until nothing moves.
func (g *faceGraph) mergeSmallPieces(logf func(string, ...any)) {
	for round := 0; round < 20; round++ {
		seen := map[int]bool{}
		moved := 0
		for _, id := range g.ids {
			if seen[id] {
				continue
			}
			owner := g.faces[id].owner
			comp, area := g.component(id)
			for c := range comp {
				seen[c] = true
			}
			if owner == "" || area >= sliverM2 {
				continue
			}
			o := g.bestNeighbour(comp, owner, nil)
			if o == "" {
				// A detached piece on the province's edge: nothing to
				// merge it into, so it is dropped.
				logf("partition: %.4f km² detached piece of %s dropped", area/1e6, owner)
			} else {
				logf("partition: %.4f km² piece of %s given to %s", area/1e6, owner, o)
			}
			for c := range comp {
				g.faces[c].owner = o
			}
			moved++
		}
		if moved == 0 {
			break
		}
	}
}

// writeUnions is step 5: the tables county, city and province as unions
// of their faces, checking the county count.
func (g *faceGraph) writeUnions(ctx context.Context, conn *pgx.Conn) error {
	var fid []int32
	var fown []string
	for _, id := range g.ids {
		fid = append(fid, int32(id))
		fown = append(fown, g.faces[id].owner)
	}
	build := []string{
		`ALTER TABLE faces ADD COLUMN owner text`,
		`UPDATE faces f SET owner = u.o FROM unnest($1::int[], $2::text[]) AS u(i, o) WHERE f.id = u.i`,
		`CREATE TABLE county AS SELECT owner AS code, polys(ST_Union(geom ORDER BY id)) AS geom FROM faces WHERE owner <> '' GROUP BY owner`,
		`CREATE TABLE city AS
		   SELECT CASE WHEN owner = '` + jiyuan + `' THEN owner ELSE substr(owner, 1, 4) || '00' END AS code,
		          polys(ST_Union(geom ORDER BY id)) AS geom
		   FROM faces WHERE owner <> '' GROUP BY 1`,
		`CREATE TABLE province AS SELECT '410000'::text AS code, polys(ST_Union(geom ORDER BY id)) AS geom FROM faces WHERE owner <> ''`,
	}
	for i, s := range build {
		var err error
		if i == 1 {
			_, err = conn.Exec(ctx, s, fid, fown)
		} else {
			_, err = conn.Exec(ctx, s)
		}
		if err != nil {
			return fmt.Errorf("henanbuild: partition: %w\n%s", err, s)
		}
	}
	var n int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM county`).Scan(&n); err != nil {
		return err
	}
	if n != 158 {
		return fmt.Errorf("henanbuild: partition: %d counties after cleaning, want 158", n)
	}
	return nil
}

func contains(ss []string, s string) bool {
	i := sort.SearchStrings(ss, s)
	return i < len(ss) && ss[i] == s
}
