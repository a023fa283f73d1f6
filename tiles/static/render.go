package static

import (
	"context"
	"errors"
	"fmt"
	"image/png"
	"io"
)

// Config configures a Renderer.
type Config struct {
	// FontPath is a .ttc/.otf/.ttf with Chinese glyphs for PNG text. Empty
	// searches SystemFonts; a given path that does not load is an error of
	// New, so a misconfigured --font fails at start, not per request.
	FontPath string
}

// Renderer draws static map images. It is safe for concurrent use.
type Renderer struct {
	fonts   *Fonts
	fontErr error
}

// New builds a Renderer. Without a configured font and none on the system
// it still succeeds: SVG works, and PNG returns an error wrapping ErrNoFont
// (see Renderer.FontErr).
func New(cfg Config) (*Renderer, error) {
	fs, err := LoadFonts(cfg.FontPath)
	if err != nil {
		if cfg.FontPath != "" {
			return nil, err
		}
		return &Renderer{fontErr: err}, nil
	}
	return &Renderer{fonts: fs}, nil
}

// NewWithFonts builds a Renderer with the given fonts; nil fonts means PNG
// answers ErrNoFont.
func NewWithFonts(fs *Fonts) *Renderer {
	if fs == nil {
		return &Renderer{fontErr: ErrNoFont}
	}
	return &Renderer{fonts: fs}
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
	return writeSVG(w, layout(s, o))
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
	img, err := rasterize(ctx, layout(s, o), o.Scale, r.fonts)
	if err != nil {
		return fmt.Errorf("static: drawing png: %w", err)
	}
	if err := png.Encode(w, img); err != nil {
		return fmt.Errorf("static: encoding png: %w", err)
	}
	return nil
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
