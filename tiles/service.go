package tiles

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"hash/fnv"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"layoutmap/geo"
)

// DefaultCacheBytes bounds the tile cache when Config leaves it zero. The
// whole Henan tileset to z10 fits many times over.
const DefaultCacheBytes = 64 << 20

// Config configures a Service. The zero value works.
type Config struct {
	// CacheBytes bounds the LRU of encoded tiles (raw and gzip bodies);
	// 0 means DefaultCacheBytes, a negative value disables the cache.
	CacheBytes int64
	// CacheEntries additionally bounds the number of cached tiles; 0 means
	// no bound on entries.
	CacheEntries int
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
	src    Source
	mvt    MVTSource // nil unless src builds tiles itself
	cfg    Config
	cache  *cache
	flight flightGroup
	gzPool sync.Pool

	// hits and misses count Encoded calls answered from the cache or not,
	// for the server's /metrics.
	hits, misses atomic.Uint64

	verMu   sync.Mutex
	ver     int64
	verTime time.Time
	now     func() time.Time
}

// version returns the dataset version, from the source or, within
// Config.VersionTTL, remembered.
func (s *Service) version(ctx context.Context) (int64, error) {
	if s.cfg.VersionTTL <= 0 {
		return s.src.Version(ctx)
	}
	s.verMu.Lock()
	defer s.verMu.Unlock()
	if t := s.now(); !s.verTime.IsZero() && t.Sub(s.verTime) < s.cfg.VersionTTL {
		return s.ver, nil
	}
	v, err := s.src.Version(ctx)
	if err != nil {
		return 0, err
	}
	s.ver, s.verTime = v, s.now()
	return v, nil
}

// New returns a Service over src. When src implements MVTSource its tiles
// are passed through; otherwise features are encoded with orb.
func New(src Source, cfg Config) *Service {
	s := &Service{src: src, cfg: cfg, now: time.Now}
	if m, ok := src.(MVTSource); ok {
		s.mvt = m
	}
	switch {
	case cfg.CacheBytes == 0:
		s.cache = newCache(DefaultCacheBytes, cfg.CacheEntries)
	case cfg.CacheBytes > 0:
		s.cache = newCache(cfg.CacheBytes, cfg.CacheEntries)
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
// same uncached tile encode it once.
func (s *Service) Encoded(ctx context.Context, q geo.TileQuery) (*Encoded, error) {
	if err := Validate(q); err != nil {
		return nil, err
	}
	v, err := s.version(ctx)
	if err != nil {
		return nil, fmt.Errorf("tiles: dataset version: %w", err)
	}
	key := strconv.FormatInt(v, 10) + ":" + Key(q)
	if e, ok := s.cache.get(key); ok {
		s.hits.Add(1)
		return e, nil
	}
	s.misses.Add(1)
	e, err := s.flight.do(key, func() (*Encoded, error) {
		if e, ok := s.cache.get(key); ok {
			return e, nil
		}
		e, err := s.render(ctx, q, v, key)
		if err != nil {
			return nil, err
		}
		s.cache.add(v, key, e)
		return e, nil
	})
	return e, err
}

func (s *Service) render(ctx context.Context, q geo.TileQuery, version int64, key string) (*Encoded, error) {
	var body []byte
	if s.mvt != nil {
		b, err := s.mvt.MVT(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("tiles: tile %d/%d/%d: %w", q.Z, q.X, q.Y, err)
		}
		body = b
	} else {
		feats, err := s.src.TileFeatures(ctx, q)
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

// CacheStats returns the number of cached tiles and their approximate bytes.
func (s *Service) CacheStats() (entries int, bytes int64) { return s.cache.stats() }

// CacheCounts returns how many tile requests the cache answered (hits) and
// how many it did not (misses: encoded, or shared with a concurrent
// encoding of the same tile) since New.
func (s *Service) CacheCounts() (hits, misses uint64) { return s.hits.Load(), s.misses.Load() }

// Version returns the dataset version tiles are encoded under (see
// Config.VersionTTL).
func (s *Service) Version(ctx context.Context) (int64, error) { return s.version(ctx) }

// flightGroup makes concurrent calls with one key share one execution.
type flightGroup struct {
	mu sync.Mutex
	m  map[string]*flightCall
}

type flightCall struct {
	wg  sync.WaitGroup
	val *Encoded
	err error
}

func (g *flightGroup) do(key string, fn func() (*Encoded, error)) (*Encoded, error) {
	g.mu.Lock()
	if g.m == nil {
		g.m = map[string]*flightCall{}
	}
	if c, ok := g.m[key]; ok {
		g.mu.Unlock()
		c.wg.Wait()
		return c.val, c.err
	}
	c := &flightCall{}
	c.wg.Add(1)
	g.m[key] = c
	g.mu.Unlock()
	c.val, c.err = fn()
	c.wg.Done()
	g.mu.Lock()
	delete(g.m, key)
	g.mu.Unlock()
	return c.val, c.err
}
