// Package archive writes the composite tileset as a PMTiles v3 archive
// (https://github.com/protomaps/PMTiles/blob/main/spec/v3/spec.md) and
// reads tiles back from one, for static hosting, CDNs and read-only
// servers. The binary format (header, directories, tile IDs) is
// github.com/protomaps/go-pmtiles's; this package decides which tiles go
// in and where they come from.
package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"slices"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
	"github.com/protomaps/go-pmtiles/pmtiles"
	"golang.org/x/sync/errgroup"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// Metadata keys layoutmap adds to the TileJSON it stores as the archive's
// metadata.
const (
	// MetaDatasetVersion is the dataset version (a number) the tiles were
	// encoded from.
	MetaDatasetVersion = "layoutmap:dataset_version"
	// MetaFilter is the filter contract query (such as "cluster=...") the
	// zones layer was filtered with; "" for the whole dataset.
	MetaFilter = "layoutmap:filter"
)

// Options says what to export. The zero MinZoom/MaxZoom export z0..z0.
type Options struct {
	MinZoom, MaxZoom uint8
	// Filter is the filter contract applied to the zones layer (bbox is
	// not allowed: the extent is Meta.Bounds).
	Filter geo.Filter
	// Meta describes the data (bounds, attribution, tiers); its bounds are
	// the extent exported.
	Meta tiles.Meta
	// Workers encode tiles at once; 0 means GOMAXPROCS.
	Workers int
	// Progress, when set, is called after each batch with the tiles done
	// and the total to visit.
	Progress func(done, total int)
}

// Stats describes a written archive.
type Stats struct {
	Version        int64 // dataset version of every tile
	Visited        int   // tiles asked for
	Addressed      int   // tiles with data (empty tiles are left out)
	Contents       int   // distinct tile bodies after deduplication
	Bytes          int64 // archive size
	MinZoom        uint8
	MaxZoom        uint8
	TileDataBytes  int64
	MetadataBytes  int
	DirectoryBytes int
}

// ErrVersionChanged is returned when an import changed the dataset while
// the archive was written: the archive would mix versions, so it is not
// kept; run the export again.
var ErrVersionChanged = errors.New("archive: the dataset version changed during the export")

// Export writes the tiles of svc from opt.MinZoom to opt.MaxZoom covering
// opt.Meta.Bounds (plus one tile around, whose buffers can hold features)
// to the PMTiles v3 file out: tiles gzip-compressed, identical bodies
// stored once, consecutive identical tiles run-length encoded, tile data in
// Hilbert order (clustered). Metadata is the TileJSON of the tileset plus
// MetaDatasetVersion and MetaFilter. The archive is assembled in
// out+".partial" files and renamed into place at the end, so an
// interrupted export leaves no broken archive at out and running it again
// starts over cleanly.
func Export(ctx context.Context, svc *tiles.Service, out string, opt Options) (Stats, error) {
	version := func(ctx context.Context) (int64, error) {
		v, _, err := svc.DatasetVersion(ctx, nil)
		return v, err
	}
	tile := func(ctx context.Context, q geo.TileQuery) ([]byte, int64, error) {
		e, err := svc.Encoded(ctx, q)
		if err != nil || e.Empty() {
			return nil, versionOf(e), err
		}
		gz, err := e.Gzipped()
		return gz, e.Version, err
	}
	meta := func(minZ, maxZ uint8, v int64) (map[string]any, error) { return metadata(opt, minZ, maxZ, v) }
	return ExportTiles(ctx, out, opt, version, tile, meta)
}

func versionOf(e *tiles.Encoded) int64 {
	if e == nil {
		return 0
	}
	return e.Version
}

// TileFunc returns one tile as gzip-compressed MVT (nil when the tile is
// empty) and the dataset version it was encoded from.
type TileFunc func(ctx context.Context, q geo.TileQuery) (gz []byte, version int64, err error)

// MetaFunc returns the archive's metadata (a TileJSON without tile URLs)
// for the zooms that hold data and the dataset version.
type MetaFunc func(minZ, maxZ uint8, version int64) (map[string]any, error)

// ExportTiles is Export for any tileset: tile gives each tile of
// opt.MinZoom..opt.MaxZoom over opt.Meta.Bounds (opt.Filter is passed in
// every query), version the dataset version before and after (an import in
// between fails with ErrVersionChanged), meta the metadata. Used for the
// composite tileset (Export) and the enterprises tileset.
func ExportTiles(ctx context.Context, out string, opt Options, version func(context.Context) (int64, error), tile TileFunc, meta MetaFunc) (Stats, error) {
	var st Stats
	opt, bound, err := opt.checked()
	if err != nil {
		return st, err
	}
	v0, err := version(ctx)
	if err != nil {
		return st, fmt.Errorf("archive: dataset version: %w", err)
	}
	st.Version = v0
	ids := TileIDs(bound, opt.MinZoom, opt.MaxZoom)
	st.Visited = len(ids)

	tmpTiles := out + ".tiles.partial"
	tmpOut := out + ".partial"
	_ = os.Remove(tmpTiles)
	_ = os.Remove(tmpOut)
	tf, err := os.Create(tmpTiles)
	if err != nil {
		return st, fmt.Errorf("archive: creating %s: %w", tmpTiles, err)
	}
	defer os.Remove(tmpTiles)
	defer tf.Close()

	d := &tileData{w: tf, seen: map[[32]byte]uint64{}, minZ: 255}
	batchLen := 64 * opt.Workers
	for start := 0; start < len(ids); start += batchLen {
		batch := ids[start:min(start+batchLen, len(ids))]
		bodies, err := fetchBatch(ctx, batch, opt, tile, v0)
		if err != nil {
			return st, err
		}
		for i, id := range batch {
			if err := d.add(id, bodies[i]); err != nil {
				return st, err
			}
		}
		if opt.Progress != nil {
			opt.Progress(start+len(batch), len(ids))
		}
	}
	st.Addressed = d.addressed
	if st.Addressed == 0 {
		return st, fmt.Errorf("archive: no tile from z%d to z%d holds data", opt.MinZoom, opt.MaxZoom)
	}
	v1, err := version(ctx)
	if err != nil {
		return st, fmt.Errorf("archive: dataset version: %w", err)
	}
	if v1 != v0 {
		return st, fmt.Errorf("%w (%d → %d)", ErrVersionChanged, v0, v1)
	}
	st.Contents, st.TileDataBytes, st.MinZoom, st.MaxZoom = len(d.seen), int64(d.offset), d.minZ, d.maxZ

	md, err := meta(d.minZ, d.maxZ, v0)
	if err != nil {
		return st, err
	}
	metaBytes, err := pmtiles.SerializeMetadata(md, pmtiles.Gzip)
	if err != nil {
		return st, fmt.Errorf("archive: metadata: %w", err)
	}
	root, leaves, _ := pmtiles.BuildDirectories(d.entries, 16384-pmtiles.HeaderV3LenBytes, pmtiles.Gzip)
	st.MetadataBytes, st.DirectoryBytes = len(metaBytes), len(root)+len(leaves)
	h := d.header(bound, len(root), len(metaBytes), len(leaves))
	n, err := writeArchive(out, tmpOut, [][]byte{pmtiles.SerializeHeader(h), root, metaBytes, leaves}, tf)
	if err != nil {
		return st, err
	}
	st.Bytes = int64(h.TileDataOffset) + n
	return st, nil
}

// checked checks the zooms and filter of opt and fills its defaults: the
// workers, and the bound (Henan when unset), returned.
func (opt Options) checked() (Options, orb.Bound, error) {
	if opt.MinZoom > opt.MaxZoom || opt.MaxZoom > geo.MaxZoom {
		return opt, orb.Bound{}, fmt.Errorf("archive: zoom range %d..%d must lie within %d..%d with min ≤ max", opt.MinZoom, opt.MaxZoom, geo.MinZoom, geo.MaxZoom)
	}
	if opt.Filter.BBox != nil {
		return opt, orb.Bound{}, geo.FieldErrors{{Field: "bbox", Reason: "does not apply to a tile archive"}}
	}
	if opt.Workers <= 0 {
		opt.Workers = runtime.GOMAXPROCS(0)
	}
	bound := opt.Meta.Bounds
	if bound == (orb.Bound{}) {
		bound = geo.HenanBound
	}
	return opt, bound, nil
}

// fetchBatch returns the gzipped bodies of the tiles of batch (nil for an
// empty tile), opt.Workers at a time; a tile of another dataset version
// than v0 fails with ErrVersionChanged.
func fetchBatch(ctx context.Context, batch []uint64, opt Options, tile TileFunc, v0 int64) ([][]byte, error) {
	bodies := make([][]byte, len(batch))
	g, gctx := errgroup.WithContext(ctx)
	g.SetLimit(opt.Workers)
	for i, id := range batch {
		g.Go(func() error {
			z, x, y := pmtiles.IDToZxy(id)
			gz, v, err := tile(gctx, geo.TileQuery{Z: uint32(z), X: x, Y: y, Filter: opt.Filter})
			if err != nil {
				return fmt.Errorf("archive: tile %d/%d/%d: %w", z, x, y, err)
			}
			if v != v0 {
				return fmt.Errorf("%w (%d → %d)", ErrVersionChanged, v0, v)
			}
			if len(gz) == 0 {
				return nil
			}
			bodies[i] = gz
			return nil
		})
	}
	return bodies, g.Wait()
}

// tileData is the archive's tile data as written to w: the directory
// entries (consecutive identical tiles run-length encoded), each distinct
// body once (seen: body hash → offset), the zooms that hold data.
type tileData struct {
	w          io.Writer
	entries    []pmtiles.EntryV3
	seen       map[[32]byte]uint64
	offset     uint64
	minZ, maxZ uint8
	addressed  int
}

// add adds tile id with gzipped body b (nil: empty, left out). Ids come in
// ascending order.
func (d *tileData) add(id uint64, b []byte) error {
	if b == nil {
		return nil
	}
	z, _, _ := pmtiles.IDToZxy(id)
	d.minZ, d.maxZ = min(d.minZ, z), max(d.maxZ, z)
	d.addressed++
	sum := sha256.Sum256(b)
	off, dup := d.seen[sum]
	if !dup {
		off = d.offset
		if _, err := d.w.Write(b); err != nil {
			return fmt.Errorf("archive: writing tile data: %w", err)
		}
		d.seen[sum] = off
		d.offset += uint64(len(b))
	}
	if n := len(d.entries); n > 0 {
		last := &d.entries[n-1]
		if last.Offset == off && last.TileID+uint64(last.RunLength) == id {
			last.RunLength++
			return nil
		}
	}
	d.entries = append(d.entries, pmtiles.EntryV3{TileID: id, Offset: off, Length: uint32(len(b)), RunLength: 1})
	return nil
}

// header is the PMTiles v3 header of the archive: root directory,
// metadata and leaf directories of the given lengths, then the tile data;
// bounds and centre from bound.
func (d *tileData) header(bound orb.Bound, rootLen, metaLen, leavesLen int) pmtiles.HeaderV3 {
	h := pmtiles.HeaderV3{
		SpecVersion:         3,
		RootOffset:          pmtiles.HeaderV3LenBytes,
		RootLength:          uint64(rootLen),
		MetadataLength:      uint64(metaLen),
		LeafDirectoryLength: uint64(leavesLen),
		TileDataLength:      d.offset,
		AddressedTilesCount: uint64(d.addressed),
		TileEntriesCount:    uint64(len(d.entries)),
		TileContentsCount:   uint64(len(d.seen)),
		Clustered:           true,
		InternalCompression: pmtiles.Gzip,
		TileCompression:     pmtiles.Gzip,
		TileType:            pmtiles.Mvt,
		MinZoom:             d.minZ,
		MaxZoom:             d.maxZ,
		MinLonE7:            e7(bound.Min[0]),
		MinLatE7:            e7(bound.Min[1]),
		MaxLonE7:            e7(bound.Max[0]),
		MaxLatE7:            e7(bound.Max[1]),
		CenterZoom:          min(max(6, d.minZ), d.maxZ),
		CenterLonE7:         e7(bound.Center()[0]),
		CenterLatE7:         e7(bound.Center()[1]),
	}
	h.MetadataOffset = h.RootOffset + h.RootLength
	h.LeafDirectoryOffset = h.MetadataOffset + h.MetadataLength
	h.TileDataOffset = h.LeafDirectoryOffset + h.LeafDirectoryLength
	return h
}

// writeArchive writes parts (header, directories, metadata) and then the
// tile data of tf to tmpOut, syncs it and renames it to out; it returns
// the bytes of tile data copied.
func writeArchive(out, tmpOut string, parts [][]byte, tf *os.File) (int64, error) {
	of, err := os.Create(tmpOut)
	if err != nil {
		return 0, fmt.Errorf("archive: creating %s: %w", tmpOut, err)
	}
	defer os.Remove(tmpOut)
	defer of.Close()
	for _, part := range parts {
		if _, err := of.Write(part); err != nil {
			return 0, fmt.Errorf("archive: writing %s: %w", tmpOut, err)
		}
	}
	if _, err := tf.Seek(0, io.SeekStart); err != nil {
		return 0, fmt.Errorf("archive: rereading tile data: %w", err)
	}
	n, err := io.Copy(of, tf)
	if err != nil {
		return 0, fmt.Errorf("archive: copying tile data: %w", err)
	}
	if err := of.Sync(); err != nil {
		return 0, fmt.Errorf("archive: writing %s: %w", tmpOut, err)
	}
	if err := of.Close(); err != nil {
		return 0, fmt.Errorf("archive: writing %s: %w", tmpOut, err)
	}
	if err := os.Rename(tmpOut, out); err != nil {
		return 0, fmt.Errorf("archive: moving the archive into place: %w", err)
	}
	_ = syncDir(filepath.Dir(out))
	return n, nil
}

// TileIDs returns the Hilbert tile IDs (pmtiles.ZxyToID) from minZ to maxZ
// of the tiles covering b plus one tile on each side (their buffers can
// reach features inside b), ascending.
func TileIDs(b orb.Bound, minZ, maxZ uint8) []uint64 {
	var ids []uint64
	for z := minZ; z <= maxZ; z++ {
		n := uint32(1) << z
		lo := maptile.At(orb.Point{b.Min[0], b.Max[1]}, maptile.Zoom(z))
		hi := maptile.At(orb.Point{b.Max[0], b.Min[1]}, maptile.Zoom(z))
		x0, y0 := max(int64(lo.X)-1, 0), max(int64(lo.Y)-1, 0)
		x1, y1 := min(int64(hi.X)+1, int64(n-1)), min(int64(hi.Y)+1, int64(n-1))
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				ids = append(ids, pmtiles.ZxyToID(z, uint32(x), uint32(y)))
			}
		}
		if z == 255 {
			break
		}
	}
	slices.Sort(ids)
	return ids
}

// metadata is the TileJSON of the archive's tileset, without the tile URL
// (the archive is the source), with its zoom range and the dataset version.
func metadata(opt Options, minZ, maxZ uint8, version int64) (map[string]any, error) {
	meta := opt.Meta
	meta.DatasetVersion = version
	tj := tiles.NewTileJSON("", opt.Filter, meta)
	tj.MinZoom, tj.MaxZoom = uint32(minZ), uint32(maxZ)
	b, err := json.Marshal(tj)
	if err != nil {
		return nil, fmt.Errorf("archive: metadata: %w", err)
	}
	var m map[string]any
	if err := json.NewDecoder(bytes.NewReader(b)).Decode(&m); err != nil {
		return nil, fmt.Errorf("archive: metadata: %w", err)
	}
	delete(m, "tiles")
	m["format"] = "pbf"
	m[MetaDatasetVersion] = version
	m[MetaFilter] = opt.Filter.Encode().Encode()
	return m, nil
}

func e7(deg float64) int32 { return int32(math.Round(deg * 1e7)) }

// syncDir makes the rename durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
