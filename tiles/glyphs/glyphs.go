// Package glyphs renders the signed-distance-field glyph ranges MapLibre
// styles load from their "glyphs" URL (/fonts/{fontstack}/{start}-{end}.pbf):
// for each code point of a 256-wide range the font covers, a 24 px glyph
// with a 3 px buffer, its distance field (radius 8, cutoff 0.25, as
// MapLibre's TinySDF and node-fontnik make them) and its metrics, encoded
// as the glyphs protocol buffer MapLibre reads. Ranges are rendered on
// first request and kept (martin and tileserver-gl serve the same files
// pre-rendered).
package glyphs

import (
	"fmt"
	"image"
	"math"
	"sync"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
	"golang.org/x/image/math/fixed"
	"golang.org/x/sync/singleflight"
	"google.golang.org/protobuf/encoding/protowire"
)

// Rendering constants shared with MapLibre: glyphs are drawn at 24 px with
// a 3 px buffer; the distance field spans 8 px with the edge at 0.25.
const (
	Size   = 24
	Buffer = 3
	Radius = 8.0
	Cutoff = 0.25
	// BaselineAscent is subtracted from a glyph's top (its height above the
	// baseline): MapLibre's shaping places the baseline as for a font with
	// an ascender of 25 px at 24 px (its local TinySDF glyphs are shifted
	// alike), so glyph tops are "above the baseline minus 25".
	BaselineAscent = 25
	// RangeSize is the number of code points in one file.
	RangeSize = 256
	// MaxCodePoint is the last code point served (the Basic Multilingual
	// Plane, as MapLibre requests).
	MaxCodePoint = 0xFFFF
)

// Server renders and caches the glyph ranges of one font.
type Server struct {
	font   *sfnt.Font
	mu     sync.Mutex
	cache  map[int][]byte
	flight singleflight.Group
}

// New returns a Server drawing with f (sfnt.Font is safe for concurrent
// use; each render makes its own face).
func New(f *sfnt.Font) *Server {
	return &Server{font: f, cache: map[int][]byte{}}
}

// FontName is the full name of the font drawn with (part of validators).
func (s *Server) FontName() string {
	n, err := s.font.Name(nil, sfnt.NameIDFull)
	if err != nil {
		return "unknown"
	}
	return n
}

// Range returns the glyphs PBF of code points start..start+255 for the
// named font stack. start must be a multiple of RangeSize within the BMP.
func (s *Server) Range(fontstack string, start int) ([]byte, error) {
	if start < 0 || start > MaxCodePoint || start%RangeSize != 0 {
		return nil, fmt.Errorf("glyphs: range start %d is not a multiple of %d within 0–%d", start, RangeSize, MaxCodePoint)
	}
	s.mu.Lock()
	b, ok := s.cache[start]
	s.mu.Unlock()
	if !ok {
		v, err, _ := s.flight.Do(fmt.Sprint(start), func() (any, error) { return s.render(start) })
		if err != nil {
			return nil, err
		}
		b = v.([]byte)
		s.mu.Lock()
		s.cache[start] = b
		s.mu.Unlock()
	}
	// The stack name is part of the message; the glyphs are the font's.
	return encodeStack(fontstack, start, b), nil
}

// render returns the encoded glyph messages of one range.
func (s *Server) render(start int) ([]byte, error) {
	face, err := opentype.NewFace(s.font, &opentype.FaceOptions{Size: Size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, fmt.Errorf("glyphs: face: %w", err)
	}
	defer face.Close()
	var buf sfnt.Buffer
	var out []byte
	for r := rune(start); r < rune(start+RangeSize); r++ {
		if idx, err := s.font.GlyphIndex(&buf, r); err != nil || idx == 0 {
			continue
		}
		g, ok := glyph(face, r)
		if !ok {
			continue
		}
		out = protowire.AppendTag(out, 3, protowire.BytesType)
		out = protowire.AppendBytes(out, g)
	}
	return out, nil
}

// Glyph is one decoded glyph (for tests and tools).
type Glyph struct {
	ID            uint32
	Bitmap        []byte
	Width, Height uint32
	Left, Top     int32
	Advance       uint32
}

// glyph encodes one glyph message: id, SDF bitmap of (width+6)×(height+6),
// width, height, left, top (bitmap top above the baseline, less
// BaselineAscent) and advance.
func glyph(face font.Face, r rune) ([]byte, bool) {
	dr, mask, mp, adv, ok := face.Glyph(fixed.Point26_6{}, r)
	if !ok {
		return nil, false
	}
	w, h := dr.Dx(), dr.Dy()
	var b []byte
	b = protowire.AppendTag(b, 1, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(r))
	if w > 0 && h > 0 {
		b = protowire.AppendTag(b, 2, protowire.BytesType)
		b = protowire.AppendBytes(b, sdf(mask, mp, w, h))
	}
	b = protowire.AppendTag(b, 3, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(w))
	b = protowire.AppendTag(b, 4, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(h))
	b = protowire.AppendTag(b, 5, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(dr.Min.X)))
	b = protowire.AppendTag(b, 6, protowire.VarintType)
	b = protowire.AppendVarint(b, protowire.EncodeZigZag(int64(-dr.Min.Y-BaselineAscent)))
	b = protowire.AppendTag(b, 7, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(adv.Round()))
	return b, true
}

// encodeStack wraps glyph messages in glyphs { stacks { name, range, glyphs } }.
func encodeStack(name string, start int, glyphs []byte) []byte {
	var st []byte
	st = protowire.AppendTag(st, 1, protowire.BytesType)
	st = protowire.AppendString(st, name)
	st = protowire.AppendTag(st, 2, protowire.BytesType)
	st = protowire.AppendString(st, fmt.Sprintf("%d-%d", start, start+RangeSize-1))
	st = append(st, glyphs...)
	var out []byte
	out = protowire.AppendTag(out, 1, protowire.BytesType)
	return protowire.AppendBytes(out, st)
}

// sdf turns the w×h coverage of mask (from mp) into a signed distance
// field of (w+2·Buffer)×(h+2·Buffer) bytes: 255·(1 − (d/Radius + Cutoff)),
// d the distance to the outline in pixels, negative inside; as TinySDF.
func sdf(mask image.Image, mp image.Point, w, h int) []byte {
	W, H := w+2*Buffer, h+2*Buffer
	n := W * H
	outer, inner := make([]float64, n), make([]float64, n)
	for i := range outer {
		outer[i], inner[i] = inf, 0
	}
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			_, _, _, a16 := mask.At(mp.X+x, mp.Y+y).RGBA()
			a := float64(a16) / 0xffff
			if a == 0 {
				continue
			}
			i := (y+Buffer)*W + x + Buffer
			switch {
			case a >= 1:
				outer[i], inner[i] = 0, inf
			default:
				d := 0.5 - a
				outer[i], inner[i] = math.Max(d, 0)*math.Max(d, 0), math.Max(-d, 0)*math.Max(-d, 0)
			}
		}
	}
	edt(outer, W, H)
	edt(inner, W, H)
	out := make([]byte, n)
	for i := range out {
		d := math.Sqrt(outer[i]) - math.Sqrt(inner[i])
		v := math.Round(255 - 255*(d/Radius+Cutoff))
		out[i] = byte(math.Max(0, math.Min(255, v)))
	}
	return out
}

const inf = 1e20

// edt is the 2D squared Euclidean distance transform of grid in place
// (Felzenszwalb & Huttenlocher), columns then rows.
func edt(grid []float64, w, h int) {
	m := max(w, h)
	f, z := make([]float64, m), make([]float64, m+1)
	v := make([]int, m)
	for x := 0; x < w; x++ {
		edt1d(grid, x, w, h, f, v, z)
	}
	for y := 0; y < h; y++ {
		edt1d(grid, y*w, 1, w, f, v, z)
	}
}

func edt1d(grid []float64, offset, stride, length int, f []float64, v []int, z []float64) {
	v[0] = 0
	z[0], z[1] = -inf, inf
	f[0] = grid[offset]
	k := 0
	for q := 1; q < length; q++ {
		f[q] = grid[offset+q*stride]
		q2 := float64(q * q)
		var s float64
		for {
			r := v[k]
			s = (f[q] - f[r] + q2 - float64(r*r)) / float64(q-r) / 2
			if s <= z[k] && k > 0 {
				k--
				continue
			}
			if s <= z[k] {
				k--
			}
			break
		}
		k++
		v[k] = q
		z[k] = s
		z[k+1] = inf
	}
	k = 0
	for q := 0; q < length; q++ {
		for z[k+1] < float64(q) {
			k++
		}
		r := v[k]
		qr := float64(q - r)
		grid[offset+q*stride] = f[r] + qr*qr
	}
}
