package archive

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"sync"

	"github.com/protomaps/go-pmtiles/pmtiles"

	"layoutmap/geo"
)

// Reader reads tiles from a PMTiles v3 archive written by Export: a local
// file or an http(s) URL read with range requests (and the object stores
// go-pmtiles opens: s3://, gs://, azblob://). Directories are cached; safe
// for concurrent use. It is a tiles.Source whose tiles come precompressed,
// so a tiles.Service over it serves the archive's bytes.
type Reader struct {
	bucket pmtiles.Bucket
	key    string
	header pmtiles.HeaderV3
	root   []pmtiles.EntryV3
	meta   map[string]any

	version int64
	filter  string

	mu     sync.Mutex
	leaves map[uint64][]pmtiles.EntryV3 // by offset in the leaf section
}

// maxCachedLeaves bounds the leaf directories kept (each a few hundred KB
// at most); past it the cache starts over.
const maxCachedLeaves = 256

// Open opens the archive at location (a file path or an http(s) URL) and
// reads its header, root directory and metadata. Errors name the location.
func Open(ctx context.Context, location string) (*Reader, error) {
	bucketURL, key, err := pmtiles.NormalizeBucketKey("", "", location)
	if err != nil {
		return nil, fmt.Errorf("archive: %s: %w", location, err)
	}
	b, err := pmtiles.OpenBucket(ctx, bucketURL, "")
	if err != nil {
		return nil, fmt.Errorf("archive: opening %s: %w", location, err)
	}
	r := &Reader{bucket: b, key: key, leaves: map[uint64][]pmtiles.EntryV3{}}
	if err := r.init(ctx); err != nil {
		b.Close()
		return nil, fmt.Errorf("archive: reading %s: %w", location, err)
	}
	return r, nil
}

func (r *Reader) read(ctx context.Context, off, n uint64) ([]byte, error) {
	rc, err := r.bucket.NewRangeReader(ctx, r.key, int64(off), int64(n))
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, int64(n)))
	if err != nil {
		return nil, err
	}
	if uint64(len(b)) != n {
		return nil, fmt.Errorf("short read at %d: %d of %d bytes", off, len(b), n)
	}
	return b, nil
}

func (r *Reader) init(ctx context.Context) error {
	hb, err := r.read(ctx, 0, pmtiles.HeaderV3LenBytes)
	if err != nil {
		return err
	}
	if r.header, err = pmtiles.DeserializeHeader(hb); err != nil {
		return err
	}
	h := r.header
	if h.TileType != pmtiles.Mvt {
		return errors.New("not a vector tile archive")
	}
	rb, err := r.read(ctx, h.RootOffset, h.RootLength)
	if err != nil {
		return err
	}
	r.root = pmtiles.DeserializeEntries(bytes.NewBuffer(rb), h.InternalCompression)
	mb, err := r.read(ctx, h.MetadataOffset, h.MetadataLength)
	if err != nil {
		return err
	}
	raw, err := pmtiles.DeserializeMetadataBytes(bytes.NewReader(mb), h.InternalCompression)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	if err := dec.Decode(&r.meta); err != nil {
		return fmt.Errorf("metadata: %w", err)
	}
	n, ok := r.meta[MetaDatasetVersion].(json.Number)
	if !ok {
		return fmt.Errorf("metadata has no %s: not written by layoutmap tiles export", MetaDatasetVersion)
	}
	if r.version, err = n.Int64(); err != nil {
		return fmt.Errorf("metadata %s: %w", MetaDatasetVersion, err)
	}
	r.filter, _ = r.meta[MetaFilter].(string)
	return nil
}

// Close releases the archive.
func (r *Reader) Close() error { return r.bucket.Close() }

// Header is the archive's PMTiles header.
func (r *Reader) Header() pmtiles.HeaderV3 { return r.header }

// Metadata is the archive's metadata (a TileJSON); numbers are json.Number.
func (r *Reader) Metadata() map[string]any { return r.meta }

// DatasetVersion is the dataset version the tiles were encoded from.
func (r *Reader) DatasetVersion() int64 { return r.version }

// Filter is the filter contract query the zones layer was exported with.
func (r *Reader) Filter() string { return r.filter }

// Gzipped returns the stored (gzip-compressed) body of tile z/x/y; nil
// when the archive has no such tile (no data there).
func (r *Reader) Gzipped(ctx context.Context, z uint8, x, y uint32) ([]byte, error) {
	id := pmtiles.ZxyToID(z, x, y)
	dir := r.root
	for depth := 0; depth < 4; depth++ {
		e, ok := pmtiles.FindTile(dir, id)
		if !ok {
			return nil, nil
		}
		if e.RunLength > 0 {
			b, err := r.read(ctx, r.header.TileDataOffset+e.Offset, uint64(e.Length))
			if err != nil {
				return nil, fmt.Errorf("archive: tile %d/%d/%d: %w", z, x, y, err)
			}
			return b, nil
		}
		var err error
		if dir, err = r.leaf(ctx, e.Offset, e.Length); err != nil {
			return nil, fmt.Errorf("archive: leaf directory of %d/%d/%d: %w", z, x, y, err)
		}
	}
	return nil, fmt.Errorf("archive: tile %d/%d/%d: directories nested too deep", z, x, y)
}

func (r *Reader) leaf(ctx context.Context, off uint64, n uint32) ([]pmtiles.EntryV3, error) {
	r.mu.Lock()
	d, ok := r.leaves[off]
	r.mu.Unlock()
	if ok {
		return d, nil
	}
	b, err := r.read(ctx, r.header.LeafDirectoryOffset+off, uint64(n))
	if err != nil {
		return nil, err
	}
	d = pmtiles.DeserializeEntries(bytes.NewBuffer(b), r.header.InternalCompression)
	r.mu.Lock()
	if len(r.leaves) >= maxCachedLeaves {
		clear(r.leaves)
	}
	r.leaves[off] = d
	r.mu.Unlock()
	return d, nil
}

// check refuses what the archive cannot answer: zooms past the deepest it
// holds (clients overzoom from TileJSON's maxzoom) and filters other than
// the one it was exported with (an unfiltered tile is not an answer to a
// filtered request). Zooms above its minzoom are not refused: TileJSON
// tells clients not to ask, and the server checks a document's filter
// with tile 0/0/0.
func (r *Reader) check(q geo.TileQuery) error {
	var errs geo.FieldErrors
	if q.Z > uint32(r.header.MaxZoom) {
		errs = append(errs, &geo.FieldError{Field: "z", Reason: fmt.Sprintf("this server serves a tile archive of z%d to z%d (TileJSON minzoom/maxzoom); got %d", r.header.MinZoom, r.header.MaxZoom, q.Z)})
	}
	f := q.Filter
	f.BBox = nil
	if got := f.Encode().Encode(); got != r.filter {
		want := r.filter
		if want == "" {
			want = "no filter"
		}
		field := "filter"
		if vals, err := url.ParseQuery(got); err == nil {
			for k := range vals {
				field = k
				break
			}
		}
		errs = append(errs, &geo.FieldError{Field: field, Reason: fmt.Sprintf("this server serves a tile archive exported with %s; other filters are not available here", want)})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Version is the archive's dataset version (tiles.Source).
func (r *Reader) Version(context.Context) (int64, error) { return r.version, nil }

// MVT returns the uncompressed tile (tiles.MVTSource).
func (r *Reader) MVT(ctx context.Context, q geo.TileQuery) ([]byte, error) {
	raw, _, err := r.GzipMVT(ctx, q)
	return raw, err
}

// GzipMVT returns the tile uncompressed and as stored (tiles.GzipSource).
func (r *Reader) GzipMVT(ctx context.Context, q geo.TileQuery) (raw, gz []byte, err error) {
	if err := r.check(q); err != nil {
		return nil, nil, err
	}
	gz, err = r.Gzipped(ctx, uint8(q.Z), q.X, q.Y)
	if err != nil || gz == nil {
		return nil, nil, err
	}
	if r.header.TileCompression != pmtiles.Gzip {
		return nil, nil, fmt.Errorf("archive: tile compression %d is not gzip", r.header.TileCompression)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		return nil, nil, fmt.Errorf("archive: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	raw, err = io.ReadAll(zr)
	if err != nil {
		return nil, nil, fmt.Errorf("archive: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	return raw, gz, nil
}
