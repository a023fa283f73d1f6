package memstore

import (
	"cmp"
	"context"
	"fmt"
	"math/bits"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// entIndex holds the enterprises collection in memory, built to stay fast
// at a million points:
//   - es sorted by id (the default order of items), with the filter fields
//     again as small columns (bit masks and indexes) so a scan of every
//     enterprise tests integers, not strings;
//   - byKey, the enterprises sorted by their quadkey (geo.MortonKey): the
//     points of any tile or aggregation cell are one run of it, found by
//     binary search, so a tile never looks at points outside itself;
//   - the same order answers the items' bbox (searchBBox).
type entIndex struct {
	es      []geo.Enterprise
	chain   []uint64 // bit i: chainIDs[i]
	cluster []uint32 // bit i: clusterIDs[i]
	city    []uint8  // index in cityIDs
	zone    []uint16 // index in zoneIDs + 1; 0: no zone
	// class is the class mask, with classSynthetic set for an enterprise
	// made by layoutmap synth: a scan never touches es.
	class []uint8

	byKey []int32     // indexes of es by quadkey, then id
	keys  []uint64    // keys[i] is the quadkey of es[byKey[i]]
	kpts  []orb.Point // kpts[i] is the point of es[byKey[i]]: bbox tests read memory in order
	// kclass and kchain are class and chain again in quadkey order: a
	// tile's cells read the run's points, classes and chains in order
	// (an unfiltered z5 tile is half a million firms: reading them through
	// es cost a cache miss each, 60–300 ms a tile).
	kclass []uint8
	kchain []uint64
	byName []int32 // indexes of es by name, then id
	// byNameDesc: by name descending, equal names by id ascending (the
	// tie rule of geo.Order, as PostGIS's ORDER BY … DESC, id ASC).
	byNameDesc []int32
	bound      orb.Bound

	info data.EnterpriseInfo

	// props keeps each enterprise's properties and their GeoJSON once
	// built (data.PropertiesMemo), bounded by EnterprisePropertiesMemoBytes
	// apart from the zones' memo: a million points must neither push the
	// zones out nor grow without bound. One per index, so a list set again
	// never serves the properties of the one before.
	props *data.PropertiesMemo

	chainIDs, clusterIDs, cityIDs, zoneIDs []string
	chainBit, clusterBit, cityIdx, zoneIdx map[string]int
}

// SetEnterprises loads the enterprises collection (resolved by
// data.ResolveEnterprises against this store's dataset, sorted by id). Call
// it before the store serves: it is not safe concurrently with queries.
// Without it the collection is empty.
func (s *Store) SetEnterprises(es []geo.Enterprise) error {
	if len(es) > 1<<31-1 {
		return fmt.Errorf("memstore: %d enterprises are more than the index holds", len(es))
	}
	ix, err := s.newEntIndex()
	if err != nil {
		return err
	}
	if err := ix.fillColumns(es); err != nil {
		return err
	}
	// The two orders are independent: sort them on two cores.
	byName := make(chan struct{})
	go func() { ix.sortByName(); close(byName) }()
	ix.sortByKey()
	<-byName
	ix.info.PointZoom = geo.EnterprisePointZoom(func(z uint32) bool { return geo.MaxTileRun(ix.keys, z) > geo.EnterpriseTilePoints })
	if len(es) > 0 {
		ix.info.LinksVersion = 1 // resolved against this store's dataset (Version)
	}
	s.ent = ix
	return nil
}

// newEntIndex numbers the taxonomy's chains and clusters, the cities and
// the zones: the bits and indexes of the index's columns.
func (s *Store) newEntIndex() (*entIndex, error) {
	ix := &entIndex{chainBit: map[string]int{}, clusterBit: map[string]int{}, cityIdx: map[string]int{}, zoneIdx: map[string]int{},
		props: data.NewPropertiesMemo(EnterprisePropertiesMemoBytes)}
	for _, c := range s.tax.Chains {
		ix.chainBit[c.ID] = len(ix.chainIDs)
		ix.chainIDs = append(ix.chainIDs, c.ID)
	}
	for _, c := range s.tax.Clusters {
		ix.clusterBit[c.ID] = len(ix.clusterIDs)
		ix.clusterIDs = append(ix.clusterIDs, c.ID)
	}
	for _, c := range s.cities {
		ix.cityIdx[c.Code] = len(ix.cityIDs)
		ix.cityIDs = append(ix.cityIDs, c.Code)
	}
	for _, z := range s.zones {
		ix.zoneIdx[z.ID] = len(ix.zoneIDs)
		ix.zoneIDs = append(ix.zoneIDs, z.ID)
	}
	if len(ix.chainIDs) > 64 || len(ix.clusterIDs) > 32 || len(ix.cityIDs) > 255 || len(ix.zoneIDs) > 65534 {
		return nil, fmt.Errorf("memstore: enterprises: the taxonomy or admin lists are larger than the index's masks")
	}
	return ix, nil
}

// fillColumns checks es (sorted by unique id, every chain, cluster, city
// and zone known) and fills the filter columns, the quadkeys, the info
// and the bound.
func (ix *entIndex) fillColumns(es []geo.Enterprise) error {
	n := len(es)
	ix.es = es
	ix.chain, ix.cluster = make([]uint64, n), make([]uint32, n)
	ix.city, ix.zone, ix.class = make([]uint8, n), make([]uint16, n), make([]uint8, n)
	ix.byKey, ix.keys = make([]int32, n), make([]uint64, n)
	for i := range es {
		e := &es[i]
		if i > 0 && es[i-1].ID >= e.ID {
			return fmt.Errorf("memstore: enterprises not sorted by unique id at %q", e.ID)
		}
		for _, c := range e.Chains {
			b, ok := ix.chainBit[c]
			if !ok {
				return fmt.Errorf("memstore: enterprise %s: unknown chain %q", e.ID, c)
			}
			ix.chain[i] |= 1 << b
		}
		for _, c := range e.Clusters {
			b, ok := ix.clusterBit[c]
			if !ok {
				return fmt.Errorf("memstore: enterprise %s: unknown cluster %q", e.ID, c)
			}
			ix.cluster[i] |= 1 << b
		}
		c, ok := ix.cityIdx[e.CityCode]
		if !ok {
			return fmt.Errorf("memstore: enterprise %s: unknown city %q", e.ID, e.CityCode)
		}
		ix.city[i] = uint8(c)
		if e.ZoneID != "" {
			z, ok := ix.zoneIdx[e.ZoneID]
			if !ok {
				return fmt.Errorf("memstore: enterprise %s: unknown zone %q", e.ID, e.ZoneID)
			}
			ix.zone[i] = uint16(z + 1)
		}
		ix.class[i] = uint8(e.Classes)
		if e.Synthetic() {
			ix.info.Synthetic++
			ix.class[i] |= classSynthetic
		}
		if len(ix.info.Sources) < 100 && !slices.Contains(ix.info.Sources, e.Source) {
			ix.info.Sources = append(ix.info.Sources, e.Source)
		}
		ix.byKey[i] = int32(i)
		ix.keys[i] = geo.MortonKey(e.Point)
		if i == 0 {
			ix.bound = e.Point.Bound()
		} else {
			ix.bound = ix.bound.Extend(e.Point)
		}
	}
	ix.info.Count, ix.info.Bound = n, ix.bound
	ix.info.Years = geo.EnterpriseYearsOf(es)
	if ix.info.Sources == nil {
		ix.info.Sources = []string{}
	}
	return nil
}

// sortByKey orders byKey by quadkey, then id (keys[i] holds the quadkey
// of enterprise i until then, of byKey[i] after). It sorts (key, index)
// pairs held together rather than indexes compared through the keys'
// array: no cache miss per comparison (a third of the time at a million).
func (ix *entIndex) sortByKey() {
	type keyIdx struct {
		key uint64
		i   int32
	}
	ps := make([]keyIdx, len(ix.keys))
	for i, k := range ix.keys {
		ps[i] = keyIdx{k, int32(i)}
	}
	slices.SortFunc(ps, func(a, b keyIdx) int {
		if a.key != b.key {
			return cmp.Compare(a.key, b.key)
		}
		return cmp.Compare(a.i, b.i)
	})
	ix.kpts = make([]orb.Point, len(ps))
	ix.kclass, ix.kchain = make([]uint8, len(ps)), make([]uint64, len(ps))
	for k, p := range ps {
		ix.byKey[k], ix.keys[k], ix.kpts[k] = p.i, p.key, ix.es[p.i].Point
		ix.kclass[k], ix.kchain[k] = ix.class[p.i], ix.chain[p.i]
	}
}

// searchBBox calls fn for every enterprise whose point lies in b, bounds
// included (orb.Bound.Contains, the reference rule's test; a box with
// Min above Max holds nothing), in quadkey order. The quadkey order is the
// spatial index: the box is covered by at most 8×8 tiles of one zoom,
// each tile's points are one run of byKey found by binary search, so the
// points looked at are those of the box and a thin margin around it. (An
// R-tree over a million points took longer to build than everything else
// of start-up together, and ~60 MB; this needs nothing beyond the order
// the tiles already use.)
func (ix *entIndex) searchBBox(b orb.Bound, fn func(i int32)) {
	if b.Min[0] > b.Max[0] || b.Min[1] > b.Max[1] || len(ix.keys) == 0 {
		return
	}
	// Tiles at MortonZoom of the corners (y grows southwards).
	x0, y0 := geo.TileXY(orb.Point{b.Min[0], b.Max[1]}, geo.MortonZoom)
	x1, y1 := geo.TileXY(orb.Point{b.Max[0], b.Min[1]}, geo.MortonZoom)
	shift := uint(0)
	for shift < geo.MortonZoom && ((x1>>shift)-(x0>>shift) >= 8 || (y1>>shift)-(y0>>shift) >= 8) {
		shift++
	}
	z := uint32(geo.MortonZoom - shift)
	for y := y0 >> shift; y <= y1>>shift; y++ {
		for x := x0 >> shift; x <= x1>>shift; x++ {
			lo, hi := geo.MortonRange(z, x, y)
			a, _ := slices.BinarySearch(ix.keys, lo)
			for k := a; k < len(ix.keys) && ix.keys[k] < hi; k++ {
				if b.Contains(ix.kpts[k]) {
					fn(ix.byKey[k])
				}
			}
		}
	}
}

func (ix *entIndex) sortByName() {
	es := ix.es
	ix.byName = make([]int32, len(es))
	for i := range ix.byName {
		ix.byName[i] = int32(i)
	}
	slices.SortFunc(ix.byName, func(a, b int32) int {
		if c := strings.Compare(es[a].Name, es[b].Name); c != 0 {
			return c
		}
		return int(a - b)
	})
	// Runs of equal names, last run first, each run in id order.
	ix.byNameDesc = make([]int32, 0, len(es))
	for hi := len(ix.byName); hi > 0; {
		lo := hi - 1
		for lo > 0 && es[ix.byName[lo-1]].Name == es[ix.byName[hi-1]].Name {
			lo--
		}
		ix.byNameDesc = append(ix.byNameDesc, ix.byName[lo:hi]...)
		hi = lo
	}
}

// classSynthetic marks a synthetic enterprise in entIndex.class (the six
// classes use bits 0–5).
const classSynthetic = 0x80

func init() {
	collections[geo.CollEnterprises] = collection{
		page: func(ctx context.Context, s *Store, f *geo.Filter) (geo.Page, error) { return s.enterpriseItems(ctx, f) },
		item: func(s *Store, id string) (geo.Feature, bool) { return s.enterpriseItem(id) },
		extent: func(s *Store) (orb.Bound, int) {
			if s.ent == nil {
				return orb.Bound{}, 0
			}
			return s.ent.bound, len(s.ent.es)
		},
	}
}

// entMatch is a filter compiled to the index's columns.
type entMatch struct {
	bbox    *orb.Bound
	chain   uint64
	cluster uint32
	classes geo.EnterpriseClassMask
	city    []bool // by city index; nil: any
	zone    []bool // by zone index + 1; nil: any
	ix      *entIndex
}

func (ix *entIndex) compile(f *geo.Filter, regionMembers map[string][]string) entMatch {
	m := entMatch{bbox: f.BBox, classes: f.ClassMask(), ix: ix} // f.Year selects nothing (geo's year rule)
	for _, c := range f.Chain {
		m.chain |= 1 << ix.chainBit[c]
	}
	for _, c := range f.Cluster {
		m.cluster |= 1 << ix.clusterBit[c]
	}
	cities := slices.Clone(f.City)
	if len(f.Region) > 0 {
		// A city must be in the city list (when given) and in one of the
		// regions: intersect.
		var inRegions []string
		for _, r := range f.Region {
			inRegions = append(inRegions, regionMembers[r]...)
		}
		if len(cities) == 0 {
			cities = inRegions
		} else {
			cities = slices.DeleteFunc(cities, func(c string) bool { return !slices.Contains(inRegions, c) })
			if len(cities) == 0 {
				cities = []string{"\x00none"}
			}
		}
	}
	if len(cities) > 0 {
		m.city = make([]bool, len(ix.cityIDs))
		for _, c := range cities {
			if i, ok := ix.cityIdx[c]; ok {
				m.city[i] = true
			}
		}
	}
	if len(f.Zone) > 0 {
		m.zone = make([]bool, len(ix.zoneIDs)+1)
		for _, z := range f.Zone {
			if i, ok := ix.zoneIdx[z]; ok {
				m.zone[i+1] = true
			}
		}
	}
	return m
}

// all reports whether the filter takes every enterprise (bbox aside).
func (m *entMatch) all() bool {
	return m.chain == 0 && m.cluster == 0 && m.classes == 0 && m.city == nil && m.zone == nil
}

func (m *entMatch) match(i int32) bool {
	ix := m.ix
	switch {
	case m.chain != 0 && ix.chain[i]&m.chain == 0,
		m.cluster != 0 && ix.cluster[i]&m.cluster == 0,
		m.classes != 0 && geo.EnterpriseClassMask(ix.class[i])&m.classes == 0,
		m.city != nil && !m.city[ix.city[i]],
		m.zone != nil && !m.zone[ix.zone[i]],
		m.bbox != nil && !m.bbox.Contains(ix.es[i].Point):
		return false
	}
	return true
}

// matchKey is match for the enterprise at position k of the quadkey order,
// reading chain and class from the key-ordered columns (in order along a
// tile's run) and the enterprise's own columns only for the other tests.
func (m *entMatch) matchKey(k int) bool {
	ix := m.ix
	if m.chain != 0 && ix.kchain[k]&m.chain == 0 || m.classes != 0 && geo.EnterpriseClassMask(ix.kclass[k])&m.classes == 0 {
		return false
	}
	if m.cluster == 0 && m.city == nil && m.zone == nil && m.bbox == nil {
		return true
	}
	return m.match(ix.byKey[k])
}

// EnterprisePropertiesMemoBytes bounds the enterprises' properties memo,
// in estimated bytes (data.PropertiesMemo: about 3× the JSON per entry,
// ~1.9 KB for a synthetic firm, so some 35,000 firms): the firms asked for
// most often (W-TinyLFU) are encoded once, while the store with a million
// points stays under issue 15's 1 GB (docs/performance.md).
const EnterprisePropertiesMemoBytes = 64 << 20

// feature is the served feature of e: its properties built and encoded
// once and kept while asked for (ix.props; the map is the caller's copy,
// the encoding shared and read only).
func (ix *entIndex) feature(e *geo.Enterprise) geo.Feature {
	p, pj := ix.props.Properties(data.PropertiesKey{Version: 1, Coll: geo.CollEnterprises, ID: e.ID},
		func() geo.Properties { return geo.EnterpriseProperties(e) })
	return geo.Feature{ID: e.ID, Geometry: e.Point, Properties: p, PropertiesJSON: pj}
}

// EnterpriseItems is Items of the enterprises collection: one page under
// f, sorted by id (default) or name, NumberMatched counting every match.
// Client mistakes in f are geo.FieldErrors.
func (s *Store) EnterpriseItems(ctx context.Context, f geo.Filter) (geo.Page, error) {
	if errs := f.Check(geo.CollEnterprises, s.isKnown, true); len(errs) > 0 {
		return geo.Page{}, errs
	}
	return s.enterpriseItems(ctx, &f)
}

// EnterpriseItem is Item of the enterprises collection.
func (s *Store) EnterpriseItem(ctx context.Context, id string) (geo.Feature, error) {
	if f, ok := s.enterpriseItem(id); ok {
		return f, ctx.Err()
	}
	return geo.Feature{}, fmt.Errorf("memstore: enterprise %q: %w", geo.Clip(id), data.ErrNotFound)
}

// enterpriseItems answers Items for the enterprises collection without
// building a sort key per match: the orders are precomputed.
func (s *Store) enterpriseItems(ctx context.Context, f *geo.Filter) (geo.Page, error) {
	page := geo.Page{Features: []geo.Feature{}}
	ix := s.ent
	if ix == nil {
		return page, nil
	}
	m := ix.compile(f, s.regionMembers)
	desc := strings.HasPrefix(f.SortBy, "-")
	byName := strings.TrimPrefix(f.SortBy, "-") == "name"
	var order []int32 // matches in sort order, when collected
	if f.BBox != nil {
		b := f.BBox
		ix.searchBBox(*b, func(i int32) {
			if m.match(i) {
				order = append(order, i)
			}
		})
		if byName {
			names := ix.byName
			if desc {
				names = ix.byNameDesc
			}
			rank := rankOf(names)
			slices.SortFunc(order, func(a, b int32) int { return int(rank[a] - rank[b]) })
		} else {
			slices.Sort(order)
			if desc {
				slices.Reverse(order)
			}
		}
		page.NumberMatched = len(order)
		for k := f.Offset; k < len(order) && len(page.Features) < f.Limit; k++ {
			page.Features = append(page.Features, ix.feature(&ix.es[order[k]]))
		}
		return page, ctx.Err()
	}
	n := len(ix.es)
	at := func(k int) int32 { // k-th enterprise in sort order
		switch {
		case byName && desc:
			return ix.byNameDesc[k]
		case byName:
			return ix.byName[k]
		case desc:
			return int32(n - 1 - k)
		}
		return int32(k)
	}
	all := m.all()
	for k := 0; k < n; k++ {
		if k&0xFFFF == 0 && ctx.Err() != nil {
			return geo.Page{}, ctx.Err()
		}
		i := at(k)
		if !all && !m.match(i) {
			continue
		}
		if page.NumberMatched >= f.Offset && len(page.Features) < f.Limit {
			page.Features = append(page.Features, ix.feature(&ix.es[i]))
		}
		page.NumberMatched++
		if all && len(page.Features) == f.Limit {
			page.NumberMatched = n
			break
		}
	}
	return page, nil
}

// rankOf is the position of each enterprise in order.
func rankOf(order []int32) []int32 {
	r := make([]int32, len(order))
	for k, i := range order {
		r[i] = int32(k)
	}
	return r
}

func (s *Store) enterpriseItem(id string) (geo.Feature, bool) {
	ix := s.ent
	if ix == nil {
		return geo.Feature{}, false
	}
	k, ok := slices.BinarySearchFunc(ix.es, id, func(e geo.Enterprise, id string) int { return strings.Compare(e.ID, id) })
	if !ok {
		return geo.Feature{}, false
	}
	return ix.feature(&ix.es[k]), true
}

// EnterpriseTile returns the enterprises of tile z/x/y under f: every
// matching point from the list's point zoom on, else the aggregation
// cells (geo.EnterpriseTileAsPoints, geo.EnterpriseCellBits). Client
// mistakes in f are geo.FieldErrors.
func (s *Store) EnterpriseTile(ctx context.Context, q geo.TileQuery) (geo.EnterpriseTile, error) {
	if err := q.Check(); err != nil {
		return geo.EnterpriseTile{}, err
	}
	f := q.Filter
	if errs := f.Check(geo.CollEnterprises, s.isKnown, false); len(errs) > 0 {
		return geo.EnterpriseTile{}, errs
	}
	ix := s.ent
	var t geo.EnterpriseTile
	if ix == nil {
		return t, ctx.Err()
	}
	f.BBox = nil // a tile is its own box
	m := ix.compile(&f, s.regionMembers)
	lo, hi := geo.MortonRange(q.Z, q.X, q.Y)
	a, _ := slices.BinarySearch(ix.keys, lo)
	b, _ := slices.BinarySearch(ix.keys, hi)
	all := m.all()
	if all {
		t.Matched = b - a
	} else {
		for k := a; k < b; k++ {
			if (k-a)&0xFFFF == 0 && ctx.Err() != nil {
				return geo.EnterpriseTile{}, ctx.Err()
			}
			if m.matchKey(k) {
				t.Matched++
			}
		}
	}
	if geo.EnterpriseTileAsPoints(q.Z, ix.info.PointZoom, t.Matched) {
		t.Points = make([]geo.Enterprise, 0, t.Matched)
		for k := a; k < b; k++ {
			if all || m.matchKey(k) {
				t.Points = append(t.Points, ix.es[ix.byKey[k]])
			}
		}
		sort.Slice(t.Points, func(i, j int) bool { return t.Points[i].ID < t.Points[j].ID })
		return t, ctx.Err()
	}
	t.Cells = ix.cells(q.Z, a, b, &m, all)
	return t, ctx.Err()
}

// cells aggregates the run byKey[a:b] of a tile of zoom z into the cells
// of zoom z+EnterpriseCellBits, reading the key-ordered columns.
func (ix *entIndex) cells(z uint32, a, b int, m *entMatch, all bool) []geo.EnterpriseCell {
	cz := z + geo.EnterpriseCellBits
	shift := 2 * uint(geo.MortonZoom-cz)
	type acc struct {
		cell   geo.EnterpriseCell
		chains [64]int32
		sx, sy float64
	}
	var cur *acc
	var curKey uint64
	var out []geo.EnterpriseCell
	flush := func() {
		if cur == nil {
			return
		}
		c := cur.cell
		c.Point = [2]float64{cur.sx / float64(c.Count), cur.sy / float64(c.Count)}
		c.Chains = map[string]int{}
		for b, v := range cur.chains {
			if v > 0 {
				c.Chains[ix.chainIDs[b]] = int(v)
			}
		}
		out = append(out, c)
	}
	keys, pts, class, chain := ix.keys[a:b], ix.kpts[a:b], ix.kclass[a:b], ix.kchain[a:b]
	// The run is sorted by quadkey, so each cell's points are consecutive.
	for k := range keys {
		if !all && !m.matchKey(a+k) {
			continue
		}
		ck := keys[k] >> shift
		if cur == nil || ck != curKey {
			flush()
			x, y := geo.MortonXY(ck)
			cur, curKey = &acc{cell: geo.EnterpriseCell{Z: cz, X: x, Y: y}}, ck
		}
		cur.cell.Count++
		cur.sx += pts[k][0]
		cur.sy += pts[k][1]
		for c := class[k] &^ classSynthetic; c != 0; c &= c - 1 {
			cur.cell.Classes[bits.TrailingZeros8(c)]++
		}
		for ch := chain[k]; ch != 0; ch &= ch - 1 {
			cur.chains[bits.TrailingZeros64(ch)]++
		}
	}
	flush()
	return out
}

// EnterpriseCount is the number of enterprises loaded (0: none imported).
func (s *Store) EnterpriseCount() int {
	if s.ent == nil {
		return 0
	}
	return len(s.ent.es)
}

// EnterpriseInfo describes the loaded list (data.EnterpriseStore).
func (s *Store) EnterpriseInfo(ctx context.Context) (data.EnterpriseInfo, error) {
	ix := s.ent
	if ix == nil {
		return data.EnterpriseInfo{Sources: []string{}, Years: []geo.YearCount{}}, ctx.Err()
	}
	return ix.info, ctx.Err()
}
