package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"golang.org/x/sync/singleflight"

	"layoutmap/geo"
	"layoutmap/internal/bytecache"
)

// DefaultCacheBytes bounds the tile cache when Config leaves it zero. The
// whole Henan tileset to z10 fits many times over.
const DefaultCacheBytes = 64 << 20

// PartsShare is the share of the tile cache's byte budget that holds the
// boundary parts of tiles (geo.TileParts) for sources that encode by
// layer: a new filter over a tile whose part is held encodes only zones
// and labels.
const PartsShare = 0.25

// DefaultStaleWait is how long a request waits for the dataset version
// when a cached tile could answer it (see Config.StaleWait).
const DefaultStaleWait = 250 * time.Millisecond

// DefaultFilterShare is the share of the cache that tiles with a revenue
// threshold (min_revenue, max_revenue) may hold together, and that tiles of
// any one other filter may hold (see Config.FilterShare).
const DefaultFilterShare = 0.25

// Config configures a Service. The zero value works.
type Config struct {
	// CacheBytes bounds the cache of encoded tiles: keys, raw and gzip
	// bodies and per-entry overhead are counted (bytecache.EntryOverhead).
	// 0 means DefaultCacheBytes, a negative value disables the cache.
	CacheBytes int64
	// FilterShare bounds, as a fraction of CacheBytes, the tiles of each
	// filter, with every revenue threshold counting as one filter, so a
	// flood of unique filters cannot evict the unfiltered tiles most users
	// share; 0 means DefaultFilterShare, 1 no bound.
	FilterShare float64
	// Simplify runs Douglas–Peucker with geo.SimplifyTolerance(z) on every
	// feature. Leave it off for sources that return geometry already
	// simplified for the zoom (memstore, PostGIS), on for raw sources.
	Simplify bool
	// VersionTTL, when positive, reuses the source's dataset version for
	// this long instead of asking for it on every request. PostGIS answers
	// Version with a query, which would cost a round trip per cached tile;
	// a TTL of a second keeps imports visible within that second. Zero
	// asks every time (right for memstore, whose Version is free).
	VersionTTL time.Duration
	// StaleWait, with VersionTTL, bounds how long a request whose tile is
	// cached under the last known version waits for the source to confirm
	// the version; past it, or when the source fails, the cached tile is
	// served stale (stale-if-error, RFC 5861) instead of waiting for or
	// failing with the store. 0 means DefaultStaleWait.
	StaleWait time.Duration
	// GzipLevel is the compress/gzip level of cached compressed bodies;
	// 0 means gzip.DefaultCompression. Tiles are compressed once, when
	// encoded, never per request.
	GzipLevel int
}

// Encoded is one encoded tile. Body is the MVT, empty for a tile without
// data (HTTP 204). ETag is a weak entity tag naming the dataset version and
// the normalised request, so it changes with every import. Callers must not
// modify it; it is safe for concurrent use.
type Encoded struct {
	Body    []byte
	ETag    string
	Version int64

	gzOnce sync.Once
	gz     []byte
	gzErr  error
	svc    *Service
}

// Gzipped returns Body gzip-compressed. A cached tile is compressed once,
// when it is encoded; with the cache off, only when a client asks for it.
func (e *Encoded) Gzipped() ([]byte, error) {
	e.gzOnce.Do(func() {
		if len(e.Body) > 0 {
			e.gz, e.gzErr = e.svc.gzip(e.Body)
		}
	})
	return e.gz, e.gzErr
}

// Empty reports whether the tile holds no feature.
func (e *Encoded) Empty() bool { return len(e.Body) == 0 }

// Service encodes tiles of a Source and caches them. Safe for concurrent use.
type Service struct {
	src Source
	mvt MVTSource // nil unless src builds tiles itself
	// lsrc and lmvt, when set, encode a tile in two parts (geo.TileParts):
	// boundary layers cached per version and tile, filtered layers per
	// filter.
	lsrc   LayerSource
	lmvt   LayerMVTSource
	fsrc   FeatureSource // features for the orb encoder, when no other path applies
	cfg    Config
	cache  *bytecache.Cache[*Encoded]
	parts  *bytecache.Cache[*Encoded] // boundary parts (geo.TileParts), nil without a cache
	flight singleflight.Group         // tile encodings, by cache key
	vcall  singleflight.Group         // dataset version look-ups
	gzPool sync.Pool

	// hits and misses count Encoded calls answered from the cache or not,
	// stale those answered from it while the store could not be asked,
	// for the server's /metrics.
	hits, misses, stale atomic.Uint64

	verMu    sync.Mutex
	ver      int64
	verTime  time.Time
	verKnown bool
	cacheVer int64 // the version the cached tiles belong to
	now      func() time.Time
}

// ErrVersionSlow is the stale cause when the source did not confirm the
// dataset version within Config.StaleWait.
var ErrVersionSlow = errors.New("tiles: the data store did not confirm the dataset version in time")

// New returns a Service over src. When src implements MVTSource its tiles
// are passed through; otherwise features are encoded with orb.
func New(src Source, cfg Config) *Service {
	s := &Service{src: src, cfg: cfg, now: time.Now}
	s.fsrc, _ = src.(FeatureSource)
	if _, gz := src.(GzipSource); !gz && s.fsrc == nil {
		_, isMVT := src.(MVTSource)
		_, isLayers := src.(LayerSource)
		if !isMVT && !isLayers {
			panic(fmt.Sprintf("tiles: New: %T makes no tiles (implement FeatureSource, LayerSource, MVTSource or GzipSource)", src))
		}
	}
	if m, ok := src.(MVTSource); ok {
		s.mvt = m
		s.lmvt, _ = src.(LayerMVTSource)
	} else {
		s.lsrc, _ = src.(LayerSource)
	}
	if s.cfg.FilterShare <= 0 {
		s.cfg.FilterShare = DefaultFilterShare
	}
	if s.cfg.StaleWait <= 0 {
		s.cfg.StaleWait = DefaultStaleWait
	}
	size := func(e *Encoded) int64 {
		return int64(cap(e.Body)+cap(e.gz)+len(e.ETag)) + int64(unsafe.Sizeof(Encoded{}))
	}
	total := cfg.CacheBytes
	if total == 0 {
		total = DefaultCacheBytes
	}
	if total > 0 {
		tilesMax := total
		if s.lsrc != nil || s.lmvt != nil {
			// Boundary parts get a fixed share of the budget in a cache of
			// their own, so tiles keep their class budgets and counts.
			partsMax := int64(float64(total) * PartsShare)
			tilesMax -= partsMax
			s.parts = bytecache.New(bytecache.Config{MaxBytes: partsMax}, size)
		}
		s.cache = bytecache.New(bytecache.Config{MaxBytes: tilesMax, ClassShare: s.cfg.FilterShare}, size)
	}
	if s.cfg.GzipLevel == 0 {
		s.cfg.GzipLevel = gzip.DefaultCompression
	}
	return s
}

// Tile returns the MVT body of q and its ETag. An empty body means the
// tile holds no data (serve 204). Errors: geo.FieldErrors for a bad z/x/y
// or filter, the source's errors wrapped otherwise.
func (s *Service) Tile(ctx context.Context, q geo.TileQuery) (body []byte, etag string, err error) {
	e, err := s.Encoded(ctx, q)
	if err != nil {
		return nil, "", err
	}
	return e.Body, e.ETag, nil
}

// Encoded returns the encoded tile of q, raw and gzip-compressed, from the
// cache when the dataset version is unchanged. Concurrent requests for the
// same uncached tile encode it once. It is Get without the stale cause.
func (s *Service) Encoded(ctx context.Context, q geo.TileQuery) (*Encoded, error) {
	e, _, err := s.Get(ctx, q)
	return e, err
}

// Get returns the encoded tile of q. When the source cannot confirm the
// dataset version (it fails, or does not answer within Config.StaleWait)
// and the tile is cached under the last known version, that tile comes
// back with stale set to the cause: serve it and say it may be stale.
// Otherwise errors are geo.FieldErrors for a bad query, the source's
// errors wrapped, or the context's.
func (s *Service) Get(ctx context.Context, q geo.TileQuery) (e *Encoded, stale error, err error) {
	if err := Validate(q); err != nil {
		return nil, nil, err
	}
	fk := Key(q)
	v, stale, err := s.DatasetVersion(ctx, func(v int64) bool {
		_, ok := s.cache.Get(cacheKey(v, fk))
		return ok
	})
	if err != nil {
		return nil, nil, fmt.Errorf("tiles: dataset version: %w", err)
	}
	key := cacheKey(v, fk)
	if e, ok := s.cache.Get(key); ok {
		if stale != nil {
			s.stale.Add(1)
		} else {
			s.hits.Add(1)
		}
		return e, stale, nil
	}
	s.misses.Add(1)
	// One encoding per key, whoever asks; it runs under a context detached
	// from the first caller (so that caller hanging up does not fail the
	// others) but keeps its deadline, and each caller stops waiting at its
	// own deadline.
	ch := s.flight.DoChan(key, func() (any, error) {
		if e, ok := s.cache.Get(key); ok {
			return e, nil
		}
		rctx, cancel := Detach(ctx)
		defer cancel()
		e, err := s.render(rctx, q, v, key)
		if err != nil {
			return nil, err
		}
		s.add(v, key, filterClass(q.Filter), e)
		return e, nil
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return nil, nil, r.Err
		}
		return r.Val.(*Encoded), nil, nil
	case <-ctx.Done():
		return nil, nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", q.Z, q.X, q.Y, ctx.Err())
	}
}

// Detach returns a context that is not cancelled with ctx (a client
// hanging up) but keeps ctx's values and deadline: work shared by several
// requests runs under it.
func Detach(ctx context.Context) (context.Context, context.CancelFunc) {
	d := context.WithoutCancel(ctx)
	if dl, ok := ctx.Deadline(); ok {
		return context.WithDeadline(d, dl)
	}
	return context.WithCancel(d)
}

func cacheKey(v int64, fk string) string { return strconv.FormatInt(v, 10) + ":" + fk }

// filterClass is the cache budget class of a tile: none for unfiltered
// tiles, one shared class for every revenue threshold (the values are
// unbounded, the other filters draw on a fixed vocabulary), else the filter.
func filterClass(f geo.Filter) string {
	switch {
	case f.MinRevenue != nil || f.MaxRevenue != nil:
		return "revenue threshold"
	default:
		return f.Encode().Encode()
	}
}

// add caches e unless an import has moved the version on; a newer version
// drops every older tile.
func (s *Service) add(v int64, key, class string, e *Encoded) {
	if s.current(v) {
		s.cache.Set(key, class, e)
	}
}

// addPart caches a boundary part as add caches a tile.
func (s *Service) addPart(v int64, key string, e *Encoded) {
	if s.current(v) {
		s.parts.Set(key, "", e)
	}
}

// current reports whether something rendered under dataset version v may
// be cached: false when an import has moved the version on; a newer v
// becomes the cache's version and drops every older tile and part.
func (s *Service) current(v int64) bool {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	switch {
	case v < s.cacheVer:
		return false
	case v > s.cacheVer:
		s.cacheVer = v
		s.clear()
	}
	return true
}

// clear drops every cached tile and part (a newer dataset version).
func (s *Service) clear() {
	s.cache.Clear()
	if s.parts != nil {
		s.parts.Clear()
	}
}

// DatasetVersion returns the dataset version to serve under: the source's,
// reused within Config.VersionTTL. When the source fails or does not answer
// within Config.StaleWait and cached(last known version) is true, it
// returns the last known version with stale set to the cause. The source
// is asked by one request at a time.
func (s *Service) DatasetVersion(ctx context.Context, cached func(int64) bool) (v int64, stale, err error) {
	s.verMu.Lock()
	last, known := s.ver, s.verKnown
	fresh := known && s.cfg.VersionTTL > 0 && s.now().Sub(s.verTime) < s.cfg.VersionTTL
	s.verMu.Unlock()
	if fresh {
		return last, nil, nil
	}
	if s.cfg.VersionTTL <= 0 {
		// Asked every time (memstore: free, and never fails).
		v, err := s.src.Version(ctx)
		if err != nil {
			if known && cached != nil && cached(last) {
				return last, err, nil
			}
			return 0, nil, err
		}
		s.setVersion(v)
		return v, nil, nil
	}
	ch := s.vcall.DoChan("version", func() (any, error) {
		vctx, cancel := Detach(ctx)
		defer cancel()
		v, err := s.src.Version(vctx)
		if err == nil {
			s.setVersion(v)
		}
		return v, err
	})
	var wait <-chan time.Time
	canStale := known && cached != nil && cached(last)
	if canStale {
		t := time.NewTimer(s.cfg.StaleWait)
		defer t.Stop()
		wait = t.C
	}
	select {
	case r := <-ch:
		if r.Err == nil {
			return r.Val.(int64), nil, nil
		}
		if canStale {
			return last, r.Err, nil
		}
		return 0, nil, r.Err
	case <-wait:
		return last, ErrVersionSlow, nil
	case <-ctx.Done():
		return 0, nil, ctx.Err()
	}
}

func (s *Service) setVersion(v int64) {
	s.verMu.Lock()
	defer s.verMu.Unlock()
	s.ver, s.verTime, s.verKnown = v, s.now(), true
}

func (s *Service) render(ctx context.Context, q geo.TileQuery, version int64, key string) (*Encoded, error) {
	var body []byte
	if g, ok := s.src.(GzipSource); ok {
		raw, gz, err := g.GzipMVT(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		e := &Encoded{Body: raw, Version: version, ETag: etag(key), svc: s}
		e.gzOnce.Do(func() { e.gz = gz })
		return e, nil
	}
	if s.lmvt != nil || s.lsrc != nil {
		b, err := s.renderParts(ctx, q, version)
		if err != nil {
			return nil, err
		}
		body = b
	} else if s.mvt != nil {
		b, err := s.mvt.MVT(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		body = b
	} else {
		feats, err := s.fsrc.TileFeatures(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("tiles: features of %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		body, err = encodeLayers(q, feats, encodeOptions{simplify: s.cfg.Simplify})
		if err != nil {
			return nil, err
		}
	}
	e := &Encoded{Body: body, Version: version, ETag: etag(key), svc: s}
	if s.cache != nil {
		// Compress before caching, so cache hits never compress and the
		// cache's byte count includes the compressed body.
		if _, err := e.Gzipped(); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// renderParts encodes the filtered layers of q and appends them to the
// boundary layers, which are encoded once per dataset version and tile
// and cached (class "", like unfiltered tiles) when the cache is on. The
// filtered part goes first so a bad filter costs no boundary work.
func (s *Service) renderParts(ctx context.Context, q geo.TileQuery, version int64) ([]byte, error) {
	base, filtered := geo.TileParts(q.Z)
	top, err := s.encodePart(ctx, q, filtered)
	if err != nil {
		return nil, err
	}
	bq := geo.TileQuery{Z: q.Z, X: q.X, Y: q.Y}
	var bottom []byte
	if s.parts == nil || len(base) == 0 {
		if bottom, err = s.encodePart(ctx, bq, base); err != nil {
			return nil, err
		}
	} else {
		key := cacheKey(version, "base/"+Key(bq))
		if e, ok := s.parts.Get(key); ok {
			bottom = e.Body
		} else {
			// Tiles of several filters over one uncached tile share one
			// boundary encoding; ctx is already detached (Get).
			v, err, _ := s.flight.Do(key, func() (any, error) {
				if e, ok := s.parts.Get(key); ok {
					return e.Body, nil
				}
				b, err := s.encodePart(ctx, bq, base)
				if err != nil {
					return nil, err
				}
				s.addPart(version, key, &Encoded{Body: b, Version: version, svc: s})
				return b, nil
			})
			if err != nil {
				return nil, err
			}
			bottom = v.([]byte)
		}
	}
	if len(bottom)+len(top) == 0 {
		return nil, nil
	}
	out := make([]byte, 0, len(bottom)+len(top))
	return append(append(out, bottom...), top...), nil
}

// encodePart encodes the named layers of q (none: no bytes).
func (s *Service) encodePart(ctx context.Context, q geo.TileQuery, layers []string) ([]byte, error) {
	if len(layers) == 0 {
		return nil, nil
	}
	if s.lmvt != nil {
		b, err := s.lmvt.MVTLayers(ctx, q, layers)
		if err != nil {
			return nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		return b, nil
	}
	feats, err := s.lsrc.TileLayers(ctx, q, layers)
	if err != nil {
		return nil, fmt.Errorf("tiles: features of %d/%d/%d: %w", q.Z, q.X, q.Y, err)
	}
	return encodeLayers(q, feats, encodeOptions{simplify: s.cfg.Simplify})
}

func (s *Service) gzip(b []byte) ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(len(b)/2 + 64)
	zw, _ := s.gzPool.Get().(*gzip.Writer)
	if zw == nil {
		var err error
		if zw, err = gzip.NewWriterLevel(&buf, s.cfg.GzipLevel); err != nil {
			return nil, fmt.Errorf("tiles: gzip: %w", err)
		}
	} else {
		zw.Reset(&buf)
	}
	defer s.gzPool.Put(zw)
	if _, err := zw.Write(b); err != nil {
		return nil, fmt.Errorf("tiles: gzip: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("tiles: gzip: %w", err)
	}
	return buf.Bytes(), nil
}

// etag is a weak validator (RFC 9110 §8.8.1): the raw and gzip bodies are
// the same representation for If-None-Match purposes.
func etag(key string) string {
	h := fnv.New64a()
	h.Write([]byte(key))
	return fmt.Sprintf(`W/"%x"`, h.Sum64())
}

// CacheStats returns the number of cached tiles and their bytes as counted
// against Config.CacheBytes.
func (s *Service) CacheStats() (entries int, bytes int64) { return s.cache.Stats() }

// CacheCounts returns how many tile requests the cache answered (hits) and
// how many it did not (misses: encoded, or shared with a concurrent
// encoding of the same tile) since New.
func (s *Service) CacheCounts() (hits, misses uint64) { return s.hits.Load(), s.misses.Load() }

// StaleCount returns how many tile requests were answered from the cache
// while the store could not confirm the dataset version.
func (s *Service) StaleCount() uint64 { return s.stale.Load() }

// Version returns the dataset version tiles are encoded under (see
// Config.VersionTTL).
func (s *Service) Version(ctx context.Context) (int64, error) {
	v, _, err := s.DatasetVersion(ctx, nil)
	return v, err
}
