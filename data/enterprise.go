package data

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/paulmach/orb"
	tgeo "github.com/tidwall/geojson/geometry"
	"github.com/tidwall/rtree"

	"layoutmap/geo"
)

// This file is the one place that says what a valid enterprise is and how
// its derived fields (city, county, zone, clusters) are found. The
// importer, the embedded store's loader and the PostGIS writer all go
// through ResolveEnterprises.

// EnterpriseIn is one enterprise as read from a list, coordinates already
// converted to WGS84. Where names it for problems ("file row 12").
type EnterpriseIn struct {
	Where           string
	ID              string // the list's own id; used when no credit code
	CreditCode      string
	Name            string
	NameEN          string
	Point           orb.Point
	LocationQuality string   // "" reads as geo.LocUnstated
	Chains          []string // chain ids
	Clusters        []string // cluster ids; empty: derived from the chains
	Classes         []string // class ids or Chinese names
	ZoneID          string   // stated zone, or "" to find it by point-in-zone
	Source          string
	Year            int // 0: not stated
}

// Placer finds the admin areas and zone a point lies in. Build it once per
// dataset (NewPlacer); it is safe for concurrent use.
type Placer struct {
	cities, counties, zones placeIndex
}

type placed struct {
	poly []*tgeo.Poly
	code string
	aux  string // county: parent city code; zone: geom quality
}

type placeIndex struct {
	tr    rtree.RTreeG[int]
	items []placed
	rings [][]orb.Ring // per item, for the raster
	ras   raster
}

// raster answers most look-ups without a point-in-polygon test: a grid of
// cells, each holding the item that covers it entirely, none, or
// rasterMixed when an outline passes through it (then find tests the
// polygons). A cell is marked mixed when any outline segment's bound meets
// it, so a cell not marked holds no boundary and one answer for all its
// points; and two unmarked cells that share an edge share the answer (an
// outline between them would cross that edge and mark the cell holding
// the crossing point). Building therefore needs one polygon test per
// connected patch of unmarked cells (flood fill), not one per cell: a fine
// grid costs little more to build than a coarse one, and points land in
// mixed cells (which need the polygon test) in proportion to the cell size.
type raster struct {
	minX, minY float64
	cell       float64 // degrees
	nx, ny     int
	v          []uint16
}

// Cell sizes of the placer's rasters, in degrees. Counties decide every
// point's city and county, and their outlines (~200,000 vertices in the
// bundled dataset) leave a quarter of a 0.01° grid's cells mixed; at
// 0.0025° (~250 m, 4 M cells, 8 MB while a list is resolved) a
// sixteenth. Cities are asked only between county outlines, zones only
// for the points without a stated zone, most of which lie in no zone.
const (
	rasterCell       = 0.01
	rasterCellCounty = 0.0025
)

const (
	rasterMixed     = 0xFFFF
	rasterNone      = 0xFFFE
	rasterUnvisited = 0xFFFD // while building
)

func (ix *placeIndex) build(cell float64) {
	if len(ix.items) == 0 || len(ix.items) >= rasterUnvisited {
		return
	}
	var b orb.Bound
	for i, rs := range ix.rings {
		for _, r := range rs {
			if i == 0 && b == (orb.Bound{}) {
				b = r.Bound()
			}
			b = b.Union(r.Bound())
		}
	}
	r := raster{minX: b.Min[0], minY: b.Min[1], cell: cell, nx: int((b.Max[0]-b.Min[0])/cell) + 1, ny: int((b.Max[1]-b.Min[1])/cell) + 1}
	r.v = make([]uint16, r.nx*r.ny)
	for i := range r.v {
		r.v[i] = rasterUnvisited
	}
	for _, rs := range ix.rings {
		for _, ring := range rs {
			for k := 1; k < len(ring); k++ {
				x0, y0 := r.cellOf(ring[k-1])
				x1, y1 := r.cellOf(ring[k])
				for y := min(y0, y1); y <= max(y0, y1); y++ {
					for x := min(x0, x1); x <= max(x0, x1); x++ {
						r.v[y*r.nx+x] = rasterMixed
					}
				}
			}
		}
	}
	var stack []int32
	var val uint16
	visit := func(n int) {
		if r.v[n] == rasterUnvisited {
			r.v[n] = val
			stack = append(stack, int32(n))
		}
	}
	for c := range r.v {
		if r.v[c] != rasterUnvisited {
			continue
		}
		x, y := c%r.nx, c/r.nx
		val = rasterNone
		if i := ix.slowFind(orb.Point{r.minX + (float64(x)+0.5)*cell, r.minY + (float64(y)+0.5)*cell}); i >= 0 {
			val = uint16(i)
		}
		r.v[c] = val
		stack = append(stack[:0], int32(c))
		for len(stack) > 0 {
			c := int(stack[len(stack)-1])
			stack = stack[:len(stack)-1]
			x, y := c%r.nx, c/r.nx
			if x > 0 {
				visit(c - 1)
			}
			if x < r.nx-1 {
				visit(c + 1)
			}
			if y > 0 {
				visit(c - r.nx)
			}
			if y < r.ny-1 {
				visit(c + r.nx)
			}
		}
	}
	ix.ras, ix.rings = r, nil
}

// cellOf returns the cell of p, clamped to the grid.
func (r *raster) cellOf(p orb.Point) (int, int) {
	x := int((p[0] - r.minX) / r.cell)
	y := int((p[1] - r.minY) / r.cell)
	return max(0, min(r.nx-1, x)), max(0, min(r.ny-1, y))
}

func (ix *placeIndex) add(mp orb.MultiPolygon, code, aux string) {
	if len(mp) == 0 {
		return
	}
	p := placed{code: code, aux: aux}
	for _, pg := range mp {
		if len(pg) == 0 {
			continue
		}
		ring := func(r orb.Ring) []tgeo.Point {
			out := make([]tgeo.Point, len(r))
			for i, q := range r {
				out[i] = tgeo.Point{X: q[0], Y: q[1]}
			}
			return out
		}
		var holes [][]tgeo.Point
		for _, h := range pg[1:] {
			holes = append(holes, ring(h))
		}
		p.poly = append(p.poly, tgeo.NewPoly(ring(pg[0]), holes, tgeo.DefaultIndexOptions))
	}
	var rings []orb.Ring
	for _, pg := range mp {
		rings = append(rings, pg...)
	}
	ix.rings = append(ix.rings, rings)
	b := mp.Bound()
	ix.tr.Insert([2]float64{b.Min[0], b.Min[1]}, [2]float64{b.Max[0], b.Max[1]}, len(ix.items))
	ix.items = append(ix.items, p)
}

// find returns the first area containing pt (by insertion order among the
// candidates, so the answer does not depend on the tree's layout).
func (ix *placeIndex) find(pt orb.Point) *placed {
	if r := &ix.ras; r.v != nil {
		x, y := (pt[0]-r.minX)/r.cell, (pt[1]-r.minY)/r.cell
		if x >= 0 && y >= 0 && int(x) < r.nx && int(y) < r.ny {
			switch v := r.v[int(y)*r.nx+int(x)]; v {
			case rasterNone:
				return nil
			case rasterMixed:
			default:
				return &ix.items[v]
			}
		}
	}
	if i := ix.slowFind(pt); i >= 0 {
		return &ix.items[i]
	}
	return nil
}

// slowFind tests the polygons whose bounds hold pt: the index of the
// first that contains it, or -1.
func (ix *placeIndex) slowFind(pt orb.Point) int {
	best := -1
	q := [2]float64{pt[0], pt[1]}
	tp := tgeo.Point{X: pt[0], Y: pt[1]}
	ix.tr.Search(q, q, func(_, _ [2]float64, i int) bool {
		if best >= 0 && i > best {
			return true
		}
		for _, p := range ix.items[i].poly {
			if p.ContainsPoint(tp) {
				best = i
				break
			}
		}
		return true
	})
	return best
}

// NewPlacer indexes the cities, counties and zone outlines of ds.
func NewPlacer(ds *Dataset) *Placer {
	pl := &Placer{}
	for _, a := range ds.Admin {
		switch a.Level {
		case geo.LevelCity:
			pl.cities.add(a.Geom, a.Code, "")
		case geo.LevelCounty:
			pl.counties.add(a.Geom, a.Code, a.ParentCode)
		}
	}
	for _, z := range ds.Zones {
		if len(z.Geom) > 0 {
			pl.zones.add(z.Geom, z.ID, z.GeomQuality)
		}
	}
	// Three independent grids: built side by side.
	var wg sync.WaitGroup
	for _, b := range []struct {
		ix   *placeIndex
		cell float64
	}{{&pl.cities, rasterCell}, {&pl.counties, rasterCellCounty}, {&pl.zones, rasterCell}} {
		wg.Go(func() { b.ix.build(b.cell) })
	}
	wg.Wait()
	return pl
}

// Admin returns the city and county codes of pt ("" county when it falls
// between county outlines but inside a city); ok is false outside every
// city of the dataset.
func (pl *Placer) Admin(pt orb.Point) (city, county string, ok bool) {
	if c := pl.counties.find(pt); c != nil {
		return c.aux, c.code, true
	}
	if c := pl.cities.find(pt); c != nil {
		return c.code, "", true
	}
	return "", "", false
}

// Zone returns the zone whose outline holds pt and its geom quality, or "".
func (pl *Placer) Zone(pt orb.Point) (id, quality string) {
	if z := pl.zones.find(pt); z != nil {
		return z.code, z.aux
	}
	return "", ""
}

// EnterpriseID is the id of an enterprise without a credit code or list
// id: a hash of its name and point to 1e-6°, stable across imports of the
// same list.
func EnterpriseID(name string, pt orb.Point) string {
	h := sha256.Sum256([]byte(name + "|" + strconv.FormatFloat(pt[0], 'f', 6, 64) + "|" + strconv.FormatFloat(pt[1], 'f', 6, 64)))
	return "e" + hex.EncodeToString(h[:8])
}

// resolveChunk is how many rows a ResolveEnterprises worker takes at a time.
const resolveChunk = 4096

// ResolveEnterprises checks rows against ds and fills the derived fields.
// It returns the enterprises sorted by id and every problem, each naming
// its row; callers import nothing when there is any problem. Rules: a
// point must lie in one of the dataset's cities (outside Henan is
// refused); chains and stated clusters and zones must exist; a credit code
// must pass GB 32100-2015's check and appear once; ids must be unique;
// classes come from geo.EnterpriseClasses; name and source are required.
// It is an EnterpriseStream fed with rows.
func ResolveEnterprises(ds *Dataset, pl *Placer, rows []EnterpriseIn) ([]geo.Enterprise, []Problem) {
	st := NewEnterpriseStream(ds, pl)
	st.Hint(len(rows))
	for lo := 0; lo < len(rows); lo += resolveChunk {
		st.Add(rows[lo:min(lo+resolveChunk, len(rows))])
	}
	return st.Finish()
}

// taxonomyRefs maps each cluster and chain id of t, and its Chinese and
// English names (as /api/v1/clusters and /api/v1/chains list them: a
// planner's list says 新能源汽车 where the API says nev_chain), to its
// taxRef. Names are keyed by kind (taxNameKey), so a cluster and a chain
// of the same name stay apart.
func taxonomyRefs(t geo.Taxonomy) map[string]taxRef {
	tax := map[string]taxRef{}
	add := func(c geo.Cluster, kind, parent string) {
		ref := taxRef{id: c.ID, kind: kind, parent: parent}
		tax[c.ID] = ref
		for _, n := range []string{c.Name, c.NameEN} {
			if n = strings.TrimSpace(n); n != "" {
				tax[taxNameKey(kind, n)] = ref
			}
		}
	}
	for _, c := range t.Clusters {
		add(c, geo.KindCluster, "")
	}
	for _, c := range t.Chains {
		add(c, geo.KindChain, c.Parent)
	}
	return tax
}

// taxNameKey is the key of a taxonomy name in taxonomyRefs' map.
func taxNameKey(kind, name string) string { return kind + "\x00" + name }

// taxExample is the example an unknown chain or cluster's message gives.
var taxExample = map[string]string{geo.KindChain: "nev_chain or 新能源汽车", geo.KindCluster: "new_materials or 新材料"}

// taxRef is a taxonomy id as the dataset holds it, its kind and (for a
// chain) its cluster; zoneRef a zone id and its outline quality. Resolved
// enterprises hold the dataset's strings, never a slice of a row.
type taxRef struct{ id, kind, parent string }
type zoneRef struct{ id, quality string }

// resolveOne checks row r and resolves it into an enterprise: its id,
// city and county (pl), chains, clusters (tax: each taxonomy id),
// classes and zone (zones: each zone). in interns the source. The reason
// is "" for a good row, else the first problem found.
func resolveOne(r *EnterpriseIn, pl *Placer, tax map[string]taxRef, zones map[string]zoneRef, in func(string) string) (geo.Enterprise, string) {
	e := geo.Enterprise{
		CreditCode: strings.ToUpper(strings.TrimSpace(r.CreditCode)), Name: strings.TrimSpace(r.Name), NameEN: strings.TrimSpace(r.NameEN),
		Point: r.Point, LocationQuality: r.LocationQuality, Source: strings.TrimSpace(r.Source), Year: r.Year,
	}
	if e.LocationQuality == "" {
		e.LocationQuality = geo.LocUnstated
	}
	if why := checkEnterprise(r, &e); why != "" {
		return e, why
	}
	e.LocationQuality = geo.LocationQualities[slices.Index(geo.LocationQualities, e.LocationQuality)]
	e.Source = in(e.Source)
	if why := enterpriseIdentity(r, &e); why != "" {
		return e, why
	}
	var ok bool
	if e.CityCode, e.CountyCode, ok = pl.Admin(e.Point); !ok {
		return e, fmt.Sprintf("point %.6f,%.6f is outside Henan (in no city of the dataset): check the coordinates and their datum (--crs on import, --enterprises-crs on serve)", e.Point[0], e.Point[1])
	}
	var why string
	if e.Chains, why = taxonomyIDs(r.Chains, geo.KindChain, "chain", tax); why != "" {
		return e, why
	}
	if e.Clusters, why = taxonomyIDs(r.Clusters, geo.KindCluster, "cluster", tax); why != "" {
		return e, why
	}
	if len(e.Clusters) == 0 {
		// A chain's cluster is known only where a source ties them
		// (taxonomy parent); other chains leave the cluster unknown.
		for _, c := range e.Chains {
			if p := tax[c].parent; p != "" && !slices.Contains(e.Clusters, p) {
				e.Clusters = append(e.Clusters, p)
				e.ClustersDerived = true
			}
		}
	}
	for _, c := range r.Classes {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		b, ok := geo.ParseEnterpriseClass(c)
		if !ok {
			return e, fmt.Sprintf("unknown class %q (规上, 专精特新, 小巨人, 单项冠军, 头雁 or 链主)", geo.Clip(c))
		}
		e.Classes |= b
	}
	if z := strings.TrimSpace(r.ZoneID); z != "" {
		ref, ok := zones[z]
		if !ok {
			return e, fmt.Sprintf("unknown zone %q", geo.Clip(z))
		}
		e.ZoneID, e.ZoneLink, e.ZoneGeomQuality = ref.id, geo.ZoneLinkStated, ref.quality
	} else if id, q := pl.Zone(e.Point); id != "" {
		e.ZoneID, e.ZoneLink, e.ZoneGeomQuality = id, geo.ZoneLinkPointInZone, q
	}
	return e, ""
}

// checkEnterprise checks the text, name, source, point, location quality
// and year of row r (e: its trimmed values).
func checkEnterprise(r *EnterpriseIn, e *geo.Enterprise) string {
	switch {
	case !TextOK(r.ID, r.CreditCode, r.Name, r.NameEN, r.LocationQuality, r.ZoneID, r.Source) || !TextOK(r.Chains...) || !TextOK(r.Clusters...) || !TextOK(r.Classes...):
		return "text is not valid UTF-8 (save the file as UTF-8 or pick its encoding)"
	case e.Name == "":
		return "name (名称) is empty"
	case e.Source == "":
		return "source (来源) is empty: every enterprise needs one"
	case !finitePoint(e.Point[0], e.Point[1]) || e.Point == (orb.Point{}):
		return fmt.Sprintf("point %v is not a lon/lat in degrees", e.Point)
	case !slices.Contains(geo.LocationQualities, e.LocationQuality):
		return fmt.Sprintf("location_quality %q is not one of %s", geo.Clip(e.LocationQuality), strings.Join(geo.LocationQualities, ", "))
	case e.Year != 0 && (e.Year < MinRevenueYear || e.Year > MaxRevenueYear):
		return fmt.Sprintf("year %d is outside %d–%d", e.Year, MinRevenueYear, MaxRevenueYear)
	}
	return ""
}

// enterpriseIdentity sets e's id: the credit code (checked) when given,
// else the row's id (at most 64 bytes), else EnterpriseID of name and
// point.
func enterpriseIdentity(r *EnterpriseIn, e *geo.Enterprise) string {
	if e.CreditCode != "" {
		if why := geo.CheckCreditCode(e.CreditCode); why != "" {
			return why
		}
		e.ID = e.CreditCode
	} else if e.ID = strings.TrimSpace(r.ID); e.ID == "" {
		e.ID = EnterpriseID(e.Name, e.Point)
	} else if len(e.ID) > 64 {
		return fmt.Sprintf("id %q is longer than 64 bytes", geo.Clip(e.ID))
	}
	return ""
}

// taxonomyIDs returns the distinct ids of vals (blank ones skipped), each
// of which must be a taxonomy id of kind (the dataset's string is kept);
// what names the kind in the reason ("chain": /api/v1/chains lists the
// ids).
func taxonomyIDs(vals []string, kind, what string, tax map[string]taxRef) ([]string, string) {
	var ids []string
	for _, c := range vals {
		if c = strings.TrimSpace(c); c == "" {
			continue
		}
		ref, ok := tax[c]
		if !ok || ref.kind != kind {
			ref = tax[taxNameKey(kind, c)]
		}
		if ref.kind != kind {
			return ids, fmt.Sprintf("unknown %s %q: give its id or its name as /api/v1/%ss lists them (e.g. %s)", what, geo.Clip(c), what, taxExample[kind])
		}
		if !slices.Contains(ids, ref.id) {
			ids = append(ids, ref.id)
		}
	}
	return ids, ""
}

// EnterpriseColumns are the columns of an enterprise list in the import
// format (CSV/XLSX; GeoJSON features carry the same properties with the
// point as geometry). Lists (chains, clusters, classes) separate values
// with ";" (also accepted: "；", "、", "|", ","). Only name, lon, lat and
// source are required.
var EnterpriseColumns = []string{"id", "credit_code", "name", "name_en", "lon", "lat", "location_quality", "chains", "clusters", "classes", "zone_id", "source", "year"}

// EnterpriseColumnAliases maps the Chinese headers planners' lists use to
// the columns.
var EnterpriseColumnAliases = map[string]string{
	"统一社会信用代码": "credit_code", "信用代码": "credit_code", "名称": "name", "企业名称": "name", "英文名称": "name_en",
	"经度": "lon", "纬度": "lat", "位置质量": "location_quality", "产业链": "chains", "链": "chains", "产业集群": "clusters",
	"类别": "classes", "企业类别": "classes", "园区": "zone_id", "开发区": "zone_id", "来源": "source", "年份": "year", "编号": "id",
}

// EnterpriseColumn is the index of a column in EnterpriseColumns (-1 if none).
func EnterpriseColumn(name string) int { return slices.Index(EnterpriseColumns, name) }

// SplitList splits a list cell on ";", "；", "、", "|" or "," (also
// "，"), trimming and dropping empty values; a cell of separators and
// spaces gives an empty list (not nil), "" gives nil.
func SplitList(s string) []string {
	if s == "" {
		return nil
	}
	// A byte scan (three lists per row of a million-row list): the
	// separators are ASCII or complete three-byte UTF-8 sequences, whose
	// lead bytes never occur inside another character, so matching bytes
	// finds exactly the separators a rune-by-rune split finds, invalid
	// UTF-8 included (TestSplitListMatchesRunes).
	out := []string{}
	start := 0
	for i := 0; i < len(s); {
		n := listSepLen(s, i)
		if n == 0 {
			i++
			continue
		}
		if v := strings.TrimSpace(s[start:i]); v != "" {
			out = append(out, v)
		}
		i += n
		start = i
	}
	if v := strings.TrimSpace(s[start:]); v != "" {
		out = append(out, v)
	}
	return out
}

// listSepLen is the length of the list separator at s[i], or 0.
func listSepLen(s string, i int) int {
	switch c := s[i]; {
	case c == ';' || c == '|' || c == ',':
		return 1
	case c == 0xEF && i+2 < len(s) && s[i+1] == 0xBC && (s[i+2] == 0x9B || s[i+2] == 0x8C): // ；，
		return 3
	case c == 0xE3 && i+2 < len(s) && s[i+1] == 0x80 && s[i+2] == 0x81: // 、
		return 3
	}
	return 0
}

// ResolverVersion names the rules of ResolveEnterprises; change it with
// them, so a resolved list cached under the old rules (package load) is
// resolved again.
const ResolverVersion = 1

// ResolveFingerprint is a SHA-256 (hex) of everything in ds that
// ResolveEnterprises reads: the taxonomy's cluster and chain ids and
// chains' clusters, the zones' ids, outline qualities and outlines, and
// the admin areas' codes, levels, parents and outlines. Two datasets with
// the same fingerprint resolve every list alike.
func ResolveFingerprint(ds *Dataset) string {
	h := sha256.New()
	var b [8]byte
	str := func(s string) {
		binary.LittleEndian.PutUint64(b[:], uint64(len(s)))
		h.Write(b[:])
		h.Write([]byte(s))
	}
	num := func(n int) {
		binary.LittleEndian.PutUint64(b[:], uint64(n))
		h.Write(b[:])
	}
	geom := func(mp orb.MultiPolygon) {
		num(len(mp))
		for _, pg := range mp {
			num(len(pg))
			for _, r := range pg {
				num(len(r))
				for _, p := range r {
					binary.LittleEndian.PutUint64(b[:], math.Float64bits(p[0]))
					h.Write(b[:])
					binary.LittleEndian.PutUint64(b[:], math.Float64bits(p[1]))
					h.Write(b[:])
				}
			}
		}
	}
	str(strconv.Itoa(ResolverVersion))
	num(len(ds.Taxonomy.Clusters))
	for _, c := range ds.Taxonomy.Clusters {
		str(c.ID)
	}
	num(len(ds.Taxonomy.Chains))
	for _, c := range ds.Taxonomy.Chains {
		str(c.ID)
		str(c.Parent)
	}
	num(len(ds.Zones))
	for _, z := range ds.Zones {
		str(z.ID)
		str(z.GeomQuality)
		geom(z.Geom)
	}
	num(len(ds.Admin))
	for _, a := range ds.Admin {
		str(a.Code)
		str(a.Level)
		str(a.ParentCode)
		geom(a.Geom)
	}
	return hex.EncodeToString(h.Sum(nil))
}
