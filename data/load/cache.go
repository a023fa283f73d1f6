package load

import (
	"bufio"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// The resolved enterprise table is cached next to its list, in a compact
// binary file (".<list>.layoutmap-cache"), so a start-up with an unchanged
// list and dataset skips reading, checking and placing every row (at a
// million rows that is most of the start-up: docs/performance.md). The
// cache is used only when its key matches exactly: the SHA-256 of the
// list's bytes, its datum, the dataset's data.ResolveFingerprint (which
// includes data.ResolverVersion) and the file format. A cache is written
// only for a list that passed every check, and its body carries a CRC-32C,
// so a damaged cache is ignored (and rewritten), never served. Where the
// list's directory is read-only no cache is written and start-up resolves
// the list every time.

// cacheMagic starts every cache file; the digit is the format version.
const cacheMagic = "layoutmap resolved enterprises v1\n"

// cacheKey is what a cache must match to be used.
type cacheKey struct {
	Source      string `json:"source_sha256"`
	SourceBytes int64  `json:"source_bytes"`
	CRS         string `json:"crs"`
	Dataset     string `json:"dataset"`
	Count       int    `json:"count"`
}

// CachePath is where the resolved table of list file is cached.
func CachePath(file string) string {
	return filepath.Join(filepath.Dir(file), "."+filepath.Base(file)+".layoutmap-cache")
}

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// sourceKey hashes the list file.
func sourceKey(file, crs string, ds *data.Dataset) (cacheKey, error) {
	f, err := os.Open(file)
	if err != nil {
		return cacheKey{}, fmt.Errorf("enterprises: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return cacheKey{}, fmt.Errorf("enterprises: reading %s: %w", file, err)
	}
	return cacheKey{Source: hex.EncodeToString(h.Sum(nil)), SourceBytes: n, CRS: cacheCRS(crs), Dataset: data.ResolveFingerprint(ds)}, nil
}

// cacheCRS is the datum as a cache key holds it ("" is WGS84).
func cacheCRS(crs string) string {
	if crs == "" {
		return "wgs84"
	}
	return crs
}

// encoder writes the cache: interned strings (sources, codes, chain lists
// …) once in a table, per-row strings (id, names) inline.
type encoder struct {
	strs  map[string]uint64
	lists map[string]uint64
	table []string
	lset  [][]uint64
	buf   []byte
	key   []byte
}

func (e *encoder) str(s string) uint64 {
	if i, ok := e.strs[s]; ok {
		return i
	}
	e.strs[s] = uint64(len(e.table))
	e.table = append(e.table, s)
	return e.strs[s]
}

func (e *encoder) list(l []string) uint64 {
	e.key = append(e.key[:0], 1) // the key of the empty list
	for _, s := range l {
		e.key = append(append(e.key, s...), 0)
	}
	if i, ok := e.lists[string(e.key)]; ok { // no allocation to look up
		return i
	}
	ix := make([]uint64, len(l))
	for j, s := range l {
		ix[j] = e.str(s)
	}
	e.lists[string(e.key)] = uint64(len(e.lset))
	e.lset = append(e.lset, ix)
	return uint64(len(e.lset) - 1)
}

func (e *encoder) uv(v uint64)     { e.buf = binary.AppendUvarint(e.buf, v) }
func (e *encoder) inline(s string) { e.uv(uint64(len(s))); e.buf = append(e.buf, s...) }
func (e *encoder) f64(v float64) {
	e.buf = binary.LittleEndian.AppendUint64(e.buf, math.Float64bits(v))
}
func (e *encoder) flags(x *geo.Enterprise) byte {
	b := byte(x.Classes) & 0x3F
	if x.ClustersDerived {
		b |= 0x80
	}
	return b
}

// interned are the fields of x kept in the string table, in the cache's
// order.
func interned(x *geo.Enterprise) [7]string {
	return [7]string{x.LocationQuality, x.CityCode, x.CountyCode, x.ZoneID, x.ZoneLink, x.ZoneGeomQuality, x.Source}
}

// row appends the encoding of x (its interned strings and lists already
// in the tables).
func (e *encoder) row(x *geo.Enterprise) {
	e.inline(x.ID)
	e.inline(x.CreditCode)
	e.inline(x.Name)
	e.inline(x.NameEN)
	e.f64(x.Point[0])
	e.f64(x.Point[1])
	for _, s := range interned(x) {
		e.uv(e.str(s))
	}
	e.uv(e.list(x.Chains))
	e.uv(e.list(x.Clusters))
	e.buf = append(e.buf, e.flags(x))
	e.uv(uint64(x.Year))
}

// writeCache writes es under key to path (through a temporary file and a
// rename, so a reader never sees half a cache). The tables come first in
// the file, so they are collected in a first pass and the rows are then
// encoded straight into the file: the cache is never held in memory.
func writeCache(path string, key cacheKey, es []geo.Enterprise) error {
	key.Count = len(es)
	e := &encoder{strs: map[string]uint64{}, lists: map[string]uint64{}}
	for i := range es {
		x := &es[i]
		for _, s := range interned(x) {
			e.str(s)
		}
		e.list(x.Chains)
		e.list(x.Clusters)
	}
	e.uv(uint64(len(e.table)))
	for _, s := range e.table {
		e.inline(s)
	}
	e.uv(uint64(len(e.lset)))
	for _, l := range e.lset {
		e.uv(uint64(len(l)))
		for _, i := range l {
			e.uv(i)
		}
	}
	e.uv(uint64(len(es)))
	head := e.buf
	hk, err := json.Marshal(key)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // after the rename: nothing
	w := bufio.NewWriterSize(tmp, 1<<20)
	crc := crc32.New(crcTable)
	body := io.MultiWriter(w, crc)
	w.WriteString(cacheMagic)
	w.Write(binary.AppendUvarint(nil, uint64(len(hk))))
	w.Write(hk)
	body.Write(head)
	e.buf = make([]byte, 0, 1<<16)
	for i := range es {
		e.row(&es[i])
		if len(e.buf) >= 1<<16-1<<10 || i == len(es)-1 {
			body.Write(e.buf)
			e.buf = e.buf[:0]
		}
	}
	w.Write(binary.LittleEndian.AppendUint32(nil, crc.Sum32()))
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil { // CreateTemp makes it 0600
		return err
	}
	return os.Rename(tmp.Name(), path)
}

var errCache = errors.New("cache does not match or is damaged")

// decoder reads a cache held as one string: every string it returns is a
// substring of it (no copy per row).
type decoder struct {
	s   string
	off int
	err bool
}

func (d *decoder) uv() uint64 {
	var v uint64
	var shift uint
	for {
		if d.off >= len(d.s) || shift > 63 {
			d.err = true
			return 0
		}
		b := d.s[d.off]
		d.off++
		v |= uint64(b&0x7F) << shift
		if b < 0x80 {
			return v
		}
		shift += 7
	}
}

func (d *decoder) inline() string {
	n := d.uv()
	if d.err || n > uint64(len(d.s)-d.off) {
		d.err = true
		return ""
	}
	s := d.s[d.off : d.off+int(n)]
	d.off += int(n)
	return s
}

func (d *decoder) f64() float64 {
	if d.off+8 > len(d.s) {
		d.err = true
		return 0
	}
	var v uint64
	for k := 7; k >= 0; k-- {
		v = v<<8 | uint64(d.s[d.off+k])
	}
	d.off += 8
	return math.Float64frombits(v)
}

func (d *decoder) byte() byte {
	if d.off >= len(d.s) {
		d.err = true
		return 0
	}
	d.off++
	return d.s[d.off-1]
}

// readCache returns the enterprises cached at path under key, or
// errCache.
func readCache(path string, key cacheKey) ([]geo.Enterprise, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, errCache
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, errCache
	}
	var sb strings.Builder
	sb.Grow(int(st.Size()))
	if _, err := io.Copy(&sb, f); err != nil {
		return nil, errCache
	}
	s := sb.String()
	if !strings.HasPrefix(s, cacheMagic) || len(s) < len(cacheMagic)+4 {
		return nil, errCache
	}
	d := &decoder{s: s, off: len(cacheMagic)}
	var got cacheKey
	if hk := d.inline(); d.err || json.Unmarshal([]byte(hk), &got) != nil {
		return nil, errCache
	}
	want := key
	want.Count = got.Count
	if got != want {
		return nil, errCache
	}
	if stringCRC(s[d.off:len(s)-4]) != binary.LittleEndian.Uint32([]byte(s[len(s)-4:])) {
		return nil, errCache
	}
	return decodeRows(s[d.off:len(s)-4], got.Count)
}

// decodeRows decodes the body of a cache (the table, lists and count
// rows); anything malformed is errCache, never a panic (FuzzDecodeRows).
func decodeRows(body string, count int) ([]geo.Enterprise, error) {
	d := &decoder{s: body}
	nt := d.uv()
	if d.err || nt > uint64(len(body)) {
		return nil, errCache
	}
	table := make([]string, nt)
	for i := range table {
		table[i] = d.inline()
	}
	nl := d.uv()
	if d.err || nl > uint64(len(body)) {
		return nil, errCache
	}
	lists := make([][]string, nl)
	for i := range lists {
		n := d.uv()
		if d.err || n > uint64(len(table)) {
			return nil, errCache
		}
		if n == 0 {
			continue // nil, as the resolver leaves an empty list
		}
		lists[i] = make([]string, n)
		for j := range lists[i] {
			k := d.uv()
			if k >= uint64(len(table)) {
				return nil, errCache
			}
			lists[i][j] = table[k]
		}
	}
	n := d.uv()
	if d.err || n != uint64(count) || n > uint64(len(d.s)) {
		return nil, errCache
	}
	str := func() string {
		k := d.uv()
		if k >= uint64(len(table)) {
			d.err = true
			return ""
		}
		return table[k]
	}
	list := func() []string {
		k := d.uv()
		if k >= uint64(len(lists)) {
			d.err = true
			return nil
		}
		return lists[k]
	}
	es := make([]geo.Enterprise, n)
	for i := range es {
		x := &es[i]
		x.ID, x.CreditCode, x.Name, x.NameEN = d.inline(), d.inline(), d.inline(), d.inline()
		x.Point = orb.Point{d.f64(), d.f64()}
		x.LocationQuality, x.CityCode, x.CountyCode, x.ZoneID, x.ZoneLink, x.ZoneGeomQuality, x.Source = str(), str(), str(), str(), str(), str(), str()
		x.Chains, x.Clusters = list(), list()
		fl := d.byte()
		x.Classes, x.ClustersDerived = geo.EnterpriseClassMask(fl&0x3F), fl&0x80 != 0
		x.Year = int(d.uv())
		if d.err {
			return nil, errCache
		}
	}
	if d.off != len(d.s) {
		return nil, errCache
	}
	return es, nil
}

// stringCRC is the CRC-32C of s, a megabyte at a time (crc32 takes bytes;
// copying the whole body at once would double the memory it needs).
func stringCRC(s string) uint32 {
	var crc uint32
	buf := make([]byte, 1<<20)
	for len(s) > 0 {
		n := copy(buf, s)
		crc = crc32.Update(crc, crcTable, buf[:n])
		s = s[n:]
	}
	return crc
}
