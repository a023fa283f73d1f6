package static

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image/png"
	"io"
	"math"
)

// Config configures a Renderer.
type Config struct {
	// FontPath is a .ttc/.otf/.ttf with Chinese glyphs for PNG text. Empty
	// searches SystemFonts; a given path that does not load is an error of
	// New, so a misconfigured --font fails at start, not per request.
	FontPath string
	// OutlineCacheBytes bounds the outlines kept projected per dataset
	// version and zoom band (Scene.Version); 0 is
	// DefaultOutlineCacheBytes, negative keeps none.
	OutlineCacheBytes int64
}

// Renderer draws static map images. It is safe for concurrent use.
type Renderer struct {
	fonts    *Fonts
	fontErr  error
	outlines *outlineCache
}

func outlineCacheFor(n int64) *outlineCache {
	if n == 0 {
		n = DefaultOutlineCacheBytes
	}
	return newOutlineCache(n)
}

// New builds a Renderer. Without a configured font and none on the system
// it still succeeds: SVG works, and PNG returns an error wrapping ErrNoFont
// (see Renderer.FontErr).
func New(cfg Config) (*Renderer, error) {
	oc := outlineCacheFor(cfg.OutlineCacheBytes)
	fs, err := LoadFonts(cfg.FontPath)
	if err != nil {
		if cfg.FontPath != "" {
			return nil, err
		}
		return &Renderer{fontErr: err, outlines: oc}, nil
	}
	return &Renderer{fonts: fs, outlines: oc}, nil
}

// NewWithFonts builds a Renderer with the given fonts; nil fonts means PNG
// answers ErrNoFont.
func NewWithFonts(fs *Fonts) *Renderer {
	oc := outlineCacheFor(0)
	if fs == nil {
		return &Renderer{fontErr: ErrNoFont, outlines: oc}
	}
	return &Renderer{fonts: fs, outlines: oc}
}

// FontErr is nil when PNG text can be drawn, else an error wrapping ErrNoFont.
func (r *Renderer) FontErr() error { return r.fontErr }

// Fonts returns the fonts PNG text is drawn with (nil without).
func (r *Renderer) Fonts() *Fonts { return r.fonts }

// Render writes the image of s under o in format (FormatSVG or FormatPNG).
func (r *Renderer) Render(w io.Writer, format string, s *Scene, o Options) error {
	return r.RenderContext(context.Background(), w, format, s, o)
}

// RenderContext is Render stopping with ctx's error once ctx is done: the
// rasterizer checks it between shapes and the encoders between writes, so
// a request past its deadline or abandoned by its client frees its memory
// and CPU instead of finishing an image nobody reads.
func (r *Renderer) RenderContext(ctx context.Context, w io.Writer, format string, s *Scene, o Options) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	w = ctxWriter{ctx, w}
	switch format {
	case FormatSVG:
		return r.SVG(w, s, o)
	case FormatPNG:
		return r.png(ctx, w, s, o)
	default:
		return fmt.Errorf("static: unknown format %q", format)
	}
}

// SVG writes the image as SVG. It needs no font.
func (r *Renderer) SVG(w io.Writer, s *Scene, o Options) error {
	d := layout(s, o, r.outlines)
	if d.fitErr != nil {
		return d.fitErr
	}
	return writeSVG(w, d)
}

// PNG writes the image as PNG of Width·Scale × Height·Scale pixels. It
// returns an error wrapping ErrNoFont when the Renderer has no font.
func (r *Renderer) PNG(w io.Writer, s *Scene, o Options) error {
	return r.png(context.Background(), w, s, o)
}

func (r *Renderer) png(ctx context.Context, w io.Writer, s *Scene, o Options) error {
	if r.fonts == nil {
		if r.fontErr == nil {
			return ErrNoFont
		}
		return r.fontErr
	}
	d := layout(s, o, r.outlines)
	if d.fitErr != nil {
		return d.fitErr
	}
	img, err := rasterize(ctx, d, o.Scale, r.fonts)
	if err != nil {
		return fmt.Errorf("static: drawing png: %w", err)
	}
	ppm := float64(o.Width*o.Scale) / (o.PrintWidthMM() / 1000)
	if err := png.Encode(&physWriter{w: w, ppm: uint32(math.Round(ppm))}, img); err != nil {
		return fmt.Errorf("static: encoding png: %w", err)
	}
	return nil
}

// physWriter passes a PNG through, adding a pHYs chunk (pixels per metre,
// PNG 1.2 §11.3.5.3) after IHDR, so a word processor inserts the image at
// its print width (Options.PrintWidthMM) instead of guessing 96 dpi.
// image/png writes no pHYs of its own.
type physWriter struct {
	w    io.Writer
	ppm  uint32
	seen int // bytes passed before the chunk is inserted
	done bool
}

// ihdrEnd is the length of the PNG signature and the IHDR chunk.
const ihdrEnd = 8 + 4 + 4 + 13 + 4

func (p *physWriter) Write(b []byte) (int, error) {
	if p.done {
		return p.w.Write(b)
	}
	n := 0
	if k := min(len(b), ihdrEnd-p.seen); k > 0 {
		m, err := p.w.Write(b[:k])
		p.seen += m
		n += m
		if err != nil {
			return n, err
		}
		b = b[k:]
	}
	if p.seen < ihdrEnd {
		return n, nil
	}
	chunk := make([]byte, 4+4+9+4)
	binary.BigEndian.PutUint32(chunk[0:], 9)
	copy(chunk[4:], "pHYs")
	binary.BigEndian.PutUint32(chunk[8:], p.ppm)
	binary.BigEndian.PutUint32(chunk[12:], p.ppm)
	chunk[16] = 1 // unit: metre
	binary.BigEndian.PutUint32(chunk[17:], crc32.ChecksumIEEE(chunk[4:17]))
	if _, err := p.w.Write(chunk); err != nil {
		return n, err
	}
	p.done = true
	if len(b) == 0 {
		return n, nil
	}
	m, err := p.w.Write(b)
	return n + m, err
}

// IsNoFont reports whether err means no CJK font is available.
func IsNoFont(err error) bool { return errors.Is(err, ErrNoFont) }

// ctxWriter fails writes once its context is done.
type ctxWriter struct {
	ctx context.Context
	w   io.Writer
}

func (c ctxWriter) Write(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.w.Write(p)
}
