package postgis

import (
	"context"
	"fmt"
	"slices"

	"github.com/jackc/pgx/v5"

	"layoutmap/geo"
)

// Pre-aggregated enterprise cells (migration 0007): the cells of every
// unfiltered enterprise tile that holds more than geo.EnterpriseTilePoints
// firms, written by each import from the rows it loads, so that a cold
// unfiltered tile at low zoom is a range read of a few hundred rows
// instead of a GROUP BY over up to the whole list. Filtered tiles and
// point tiles are still cut from layoutmap.enterprises per request. The
// cells follow the embedded store's rule (memstore entIndex.cells): runs
// of the quadkey order, count, mean point, counts per class and chain;
// TestEnterpriseDifferential holds both stores to the same tiles.

// storedCell is one row of layoutmap.enterprise_cells: the cell (zoom
// z+EnterpriseCellBits, quadkey k at that zoom) of a tile of zoom z.
type storedCell struct {
	chain string // the chain filter, "" for none
	z     uint32
	k     uint64
	cell  geo.EnterpriseCell
}

// mortonOrder returns the indexes of es in quadkey order (ties by index)
// and the sorted quadkeys: the order the import writes the rows in (so
// that the firms of a tile or a box share heap pages) and aggregates the
// cells in.
func mortonOrder(es []geo.Enterprise) (order []int32, sorted []uint64) {
	keys := make([]uint64, len(es))
	order = make([]int32, len(es))
	for i := range es {
		keys[i], order[i] = geo.MortonKey(es[i].Point), int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		if keys[a] != keys[b] {
			if keys[a] < keys[b] {
				return -1
			}
			return 1
		}
		return int(a - b)
	})
	sorted = make([]uint64, len(es))
	for j, i := range order {
		sorted[j] = keys[i]
	}
	return order, sorted
}

// aggregateCells computes the stored cells of es (in quadkey order:
// mortonOrder): for every zoom from 0
// to geo.MaxZoom, the cells of each tile with more than
// EnterpriseTilePoints enterprises. The points of a tile, and of a cell,
// are one run of the quadkey order, so each zoom is one pass over it.
func aggregateCells(es []geo.Enterprise, order []int32, sorted []uint64) []storedCell {
	out := aggregateRun(es, order, sorted, "")
	// Per chain: the firms holding it, still in quadkey order.
	byChain := map[string][]int32{}
	keysOf := map[string][]uint64{}
	for j, i := range order {
		for _, c := range es[i].Chains {
			byChain[c] = append(byChain[c], i)
			keysOf[c] = append(keysOf[c], sorted[j])
		}
	}
	for c, idx := range byChain {
		if len(idx) > geo.EnterpriseTilePoints {
			out = append(out, aggregateRun(es, idx, keysOf[c], c)...)
		}
	}
	return out
}

// aggregateRun computes the cells of the tiles over EnterpriseTilePoints
// of the firms es[order[…]] (sorted: their quadkeys, ascending), stored
// under chain.
func aggregateRun(es []geo.Enterprise, order []int32, sorted []uint64, chain string) []storedCell {
	n := len(order)
	// Chains as small integers: one counter array per cell, not a map.
	// chainOf(i) is chainIxs[chainAt[i]:chainAt[i+1]]: one flat array.
	var chainIDs []string
	chainIx := map[string]int32{}
	chainAt := make([]int32, n+1)
	chainIxs := make([]int32, 0, n+n/2)
	for j, i := range order {
		for _, c := range es[i].Chains {
			ix, ok := chainIx[c]
			if !ok {
				ix = int32(len(chainIDs))
				chainIx[c] = ix
				chainIDs = append(chainIDs, c)
			}
			chainIxs = append(chainIxs, ix)
		}
		chainAt[j+1] = int32(len(chainIxs))
	}
	counts := make([]int, len(chainIDs))
	var out []storedCell
	for z := uint32(0); z <= geo.MaxZoom; z++ {
		tshift := 2 * uint(geo.MortonZoom-z)
		cshift := 2 * uint(geo.MortonZoom-z-geo.EnterpriseCellBits)
		for a := 0; a < n; {
			b := a
			for b < n && sorted[b]>>tshift == sorted[a]>>tshift {
				b++
			}
			if b-a <= geo.EnterpriseTilePoints {
				a = b
				continue
			}
			for c := a; c < b; {
				d := c
				var sc storedCell
				sc.chain, sc.z, sc.k = chain, z, sorted[c]>>cshift
				var sx, sy float64
				for ; d < b && sorted[d]>>cshift == sc.k; d++ {
					e := &es[order[d]]
					sc.cell.Count++
					sx += e.Point[0]
					sy += e.Point[1]
					for bit := range geo.EnterpriseClasses {
						if e.Classes&(1<<bit) != 0 {
							sc.cell.Classes[bit]++
						}
					}
					for _, ix := range chainIxs[chainAt[d]:chainAt[d+1]] {
						counts[ix]++
					}
				}
				sc.cell.Z = z + geo.EnterpriseCellBits
				sc.cell.X, sc.cell.Y = geo.MortonXY(sc.k)
				sc.cell.Point = [2]float64{sx / float64(sc.cell.Count), sy / float64(sc.cell.Count)}
				sc.cell.Chains = map[string]int{}
				for ix, v := range counts {
					if v > 0 {
						sc.cell.Chains[chainIDs[ix]] = v
						counts[ix] = 0
					}
				}
				out = append(out, sc)
				c = d
			}
			a = b
		}
	}
	return out
}

// writeEnterpriseCells replaces the stored cells with cells (aggregateCells
// of the list), in the import's transaction.
func writeEnterpriseCells(ctx context.Context, tx pgx.Tx, cells []storedCell) (int, error) {
	if _, err := tx.Exec(ctx, `DELETE FROM layoutmap.enterprise_cells`); err != nil {
		return 0, fmt.Errorf("clearing the enterprise cells: %w", err)
	}
	nc := len(geo.EnterpriseClasses)
	row := make([]any, 9)
	n, err := tx.CopyFrom(ctx, pgx.Identifier{Schema, "enterprise_cells"},
		[]string{"z", "k", "count", "lon", "lat", "classes", "chains", "chain_counts", "chain"},
		pgx.CopyFromSlice(len(cells), func(i int) ([]any, error) {
			c := &cells[i]
			chains := make([]string, 0, len(c.cell.Chains))
			for id := range c.cell.Chains {
				chains = append(chains, id)
			}
			slices.Sort(chains)
			cc := make([]int32, len(chains))
			for j, id := range chains {
				cc[j] = int32(c.cell.Chains[id])
			}
			classes := make([]int32, nc)
			for j := range classes {
				classes[j] = int32(c.cell.Classes[j])
			}
			row[0], row[1], row[2], row[3], row[4] = int16(c.z), int64(c.k), int32(c.cell.Count), c.cell.Point[0], c.cell.Point[1]
			row[5], row[6], row[7], row[8] = classes, chains, cc, c.chain
			return row, nil
		}))
	if err != nil {
		return 0, fmt.Errorf("copying the enterprise cells: %w", err)
	}
	return int(n), nil
}

// storedFilter tells whether what f selects is stored: no criterion at
// all (chain "") or one chain and nothing else; f's bbox counts as a
// criterion (a tile clears it first).
func storedFilter(f geo.Filter) (chain string, ok bool) {
	if len(f.Chain) > 1 {
		return "", false
	}
	if len(f.Chain) == 1 {
		chain = f.Chain[0]
	}
	f.Chain = nil
	w := &where{}
	enterpriseWhere(w, f) // the one list of criteria: any other one rules the stored figures out
	return chain, len(w.clauses) == 0
}

// storedTile is tile z/x/y of the firms holding chain ("": all) from the
// stored cells; ok is false when none is stored for it (a tile of at most
// EnterpriseTilePoints such firms, or a list loaded before migration
// 0007): then the tile is cut from the rows.
func (s *Store) storedTile(ctx context.Context, chain string, z, x, y uint32) (t geo.EnterpriseTile, ok bool, err error) {
	lo, hi := geo.MortonRange(z, x, y)
	shift := 2 * uint(geo.MortonZoom-z-geo.EnterpriseCellBits)
	rows, err := s.pool.Query(ctx, `SELECT k, count, lon, lat, classes, chains, chain_counts FROM layoutmap.enterprise_cells
		WHERE chain = $1 AND z = $2 AND k >= $3 AND k < $4 ORDER BY k`, chain, int16(z), int64(lo>>shift), int64(hi>>shift))
	if err != nil {
		return t, false, err
	}
	var k int64
	var c geo.EnterpriseCell
	var classes, counts []int32
	var chains []string
	_, err = pgx.ForEachRow(rows, []any{&k, &c.Count, &c.Point[0], &c.Point[1], &classes, &chains, &counts}, func() error {
		cell := geo.EnterpriseCell{Z: z + geo.EnterpriseCellBits, Count: c.Count, Point: c.Point, Chains: make(map[string]int, len(chains))}
		cell.X, cell.Y = geo.MortonXY(uint64(k))
		for i, v := range classes {
			if i < len(cell.Classes) {
				cell.Classes[i] = int(v)
			}
		}
		for i, id := range chains {
			cell.Chains[id] = int(counts[i])
		}
		t.Matched += cell.Count
		t.Cells = append(t.Cells, cell)
		return nil
	})
	if err != nil {
		return geo.EnterpriseTile{}, false, err
	}
	return t, len(t.Cells) > 0, nil
}

// storedStats is the JSON of enterprise_meta.stats: the statistics of
// the whole list, without names.
type storedStats struct {
	Total     int            `json:"total"`
	Synthetic int            `json:"synthetic"`
	NoZone    int            `json:"no_zone"`
	Zone      map[string]int `json:"zone"`
	Chain     map[string]int `json:"chain"`
	Cluster   map[string]int `json:"cluster"`
	City      map[string]int `json:"city"`
	Class     map[string]int `json:"class"`
}

// listStats is the statistics of every enterprise of es (key "") and of
// those holding each chain (key: the chain id) by the reference rule:
// what EnterpriseStats answers without a filter and with chain=ID.
func listStats(es []geo.Enterprise) map[string]storedStats {
	whole := geo.NewEnterpriseStats() // listed even when the list is empty
	all := map[string]*geo.EnterpriseStats{"": &whole}
	add := func(k string, e *geo.Enterprise) {
		st := all[k]
		if st == nil {
			n := geo.NewEnterpriseStats()
			st = &n
			all[k] = st
		}
		st.Add(e)
	}
	for i := range es {
		add("", &es[i])
		for _, c := range es[i].Chains {
			add(c, &es[i])
		}
	}
	out := make(map[string]storedStats, len(all))
	for k, st := range all {
		out[k] = storedStats{Total: st.Total, Synthetic: st.Synthetic, NoZone: st.NoZone, Zone: st.ByZone, Chain: st.ByChain,
			Cluster: st.ByCluster, City: st.ByCity, Class: st.ByClass}
	}
	return out
}

// storedListStats reads the statistics of the firms holding chain ("":
// the whole list); ok is false when none are stored (a chain no firm
// holds, or a list loaded before migration 0007).
func (s *Store) storedListStats(ctx context.Context, chain string) (st geo.EnterpriseStats, ok bool, err error) {
	var ss *storedStats
	if err := s.pool.QueryRow(ctx, `SELECT stats -> $1 FROM layoutmap.enterprise_meta`, chain).Scan(&ss); err != nil || ss == nil {
		return st, false, err
	}
	st = geo.NewEnterpriseStats()
	st.Total, st.Synthetic, st.NoZone = ss.Total, ss.Synthetic, ss.NoZone
	for dst, src := range map[*map[string]int]map[string]int{&st.ByZone: ss.Zone, &st.ByChain: ss.Chain, &st.ByCluster: ss.Cluster, &st.ByCity: ss.City, &st.ByClass: ss.Class} {
		if src != nil {
			*dst = src
		}
	}
	return st, true, nil
}
