package static

import (
	"context"
	"image"
	"image/color"
	"image/draw"
	"math"

	"golang.org/x/image/font"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
	"golang.org/x/image/vector"
)

// raster draws a display list into an RGBA image at a device-pixel scale.
// It is single-use and not safe for concurrent use.
type raster struct {
	img   *image.RGBA
	scale float64
	z     vector.Rasterizer
	fonts *Fonts
	faces map[faceKey]font.Face
}

type faceKey struct {
	size float64
	bold bool
}

// rasterize renders d at scale (device pixels per CSS pixel).
func rasterize(ctx context.Context, d *drawing, scale int, fonts *Fonts) (*image.RGBA, error) {
	r := &raster{
		img:   image.NewRGBA(image.Rect(0, 0, d.Width*scale, d.Height*scale)),
		scale: float64(scale),
		fonts: fonts,
		faces: map[faceKey]font.Face{},
	}
	defer func() {
		for _, f := range r.faces {
			f.Close()
		}
	}()
	for _, g := range d.Groups {
		for _, it := range g.Items {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
			switch {
			case it.shape != nil:
				r.shape(it.shape)
			case it.label != nil:
				if err := r.text(it.label); err != nil {
					return nil, err
				}
			}
		}
	}
	return r.img, nil
}

func (r *raster) shape(s *shape) {
	dev := make([][]pt, len(s.Rings))
	for i, ring := range s.Rings {
		dr := make([]pt, len(ring))
		for j, p := range ring {
			dr[j] = pt{p.X * r.scale, p.Y * r.scale}
		}
		dev[i] = dr
	}
	if s.Closed && s.Fill.A > 0 {
		r.fill(dev, s.Fill)
	}
	if s.Stroke.A > 0 && s.Width > 0 {
		var dash []float64
		for _, x := range s.Dash {
			dash = append(dash, x*r.scale)
		}
		r.fill(strokeRings(dev, s.Closed, s.Width*r.scale, dash), s.Stroke)
	}
}

// fill paints rings with the nonzero rule. The rasterizer covers only the
// rings' bounds, so small shapes cost little on a large image.
func (r *raster) fill(rings [][]pt, c color.NRGBA) {
	b, ok := ringsBox(rings)
	if !ok {
		return
	}
	rect := image.Rect(int(math.Floor(b.X0)), int(math.Floor(b.Y0)), int(math.Ceil(b.X1))+1, int(math.Ceil(b.Y1))+1).Intersect(r.img.Bounds())
	if rect.Empty() {
		return
	}
	ox, oy := float64(rect.Min.X), float64(rect.Min.Y)
	r.z.Reset(rect.Dx(), rect.Dy())
	for _, ring := range rings {
		if len(ring) < 3 {
			continue
		}
		r.z.MoveTo(float32(ring[0].X-ox), float32(ring[0].Y-oy))
		for _, p := range ring[1:] {
			r.z.LineTo(float32(p.X-ox), float32(p.Y-oy))
		}
		r.z.ClosePath()
	}
	r.z.DrawOp = draw.Over
	r.z.Draw(r.img, rect, image.NewUniform(c), image.Point{})
}

// strokeRings turns polylines into polygons covering a stroke of width w:
// one quad per segment and a round join at every vertex, all wound the
// same way so overlaps add up instead of cancelling (the rasterizer's
// accumulation is nonzero-like).
func strokeRings(lines [][]pt, closed bool, w float64, dash []float64) [][]pt {
	var out [][]pt
	hw := w / 2
	for _, line := range lines {
		if closed && len(line) > 1 {
			line = append(line[:len(line):len(line)], line[0])
		}
		pieces := [][]pt{line}
		if len(dash) > 1 {
			pieces = dashLine(line, dash)
		}
		for _, pc := range pieces {
			for i := 0; i+1 < len(pc); i++ {
				a, b := pc[i], pc[i+1]
				dx, dy := b.X-a.X, b.Y-a.Y
				l := math.Hypot(dx, dy)
				if l < 1e-9 {
					continue
				}
				nx, ny := -dy/l*hw, dx/l*hw
				out = append(out, positive([]pt{{a.X + nx, a.Y + ny}, {b.X + nx, b.Y + ny}, {b.X - nx, b.Y - ny}, {a.X - nx, a.Y - ny}}))
			}
			if hw >= 0.75 {
				// Joins matter only once a line is wider than about a pixel
				// and a half; thinner lines show no gap at a bend.
				for i := 1; i+1 < len(pc); i++ {
					out = append(out, positive(circleRing(pc[i].X, pc[i].Y, hw, 8)))
				}
			}
		}
	}
	return out
}

// positive returns ring wound with positive signed area.
func positive(ring []pt) []pt {
	a := 0.0
	for i := range ring {
		j := (i + 1) % len(ring)
		a += ring[i].X*ring[j].Y - ring[j].X*ring[i].Y
	}
	if a < 0 {
		for i, j := 0, len(ring)-1; i < j; i, j = i+1, j-1 {
			ring[i], ring[j] = ring[j], ring[i]
		}
	}
	return ring
}

// dashLine cuts a polyline into the "on" pieces of the dash pattern.
func dashLine(line []pt, dash []float64) [][]pt {
	var out [][]pt
	idx, left, on := 0, dash[0], true
	var cur []pt
	if on {
		cur = []pt{line[0]}
	}
	for i := 0; i+1 < len(line); i++ {
		a, b := line[i], line[i+1]
		segLen := math.Hypot(b.X-a.X, b.Y-a.Y)
		pos := 0.0
		for segLen-pos > left {
			pos += left
			t := pos / segLen
			p := pt{a.X + (b.X-a.X)*t, a.Y + (b.Y-a.Y)*t}
			if on {
				cur = append(cur, p)
				out = append(out, cur)
				cur = nil
			} else {
				cur = []pt{p}
			}
			on = !on
			idx = (idx + 1) % len(dash)
			left = dash[idx]
			if left <= 0 {
				left = 1e-3
			}
		}
		left -= segLen - pos
		if on {
			cur = append(cur, b)
		}
	}
	if on && len(cur) > 1 {
		out = append(out, cur)
	}
	return out
}

func (r *raster) face(size float64, bold bool) (font.Face, error) {
	k := faceKey{size, bold}
	if f, ok := r.faces[k]; ok {
		return f, nil
	}
	sf := r.fonts.Regular
	if bold {
		sf = r.fonts.Bold
	}
	f, err := opentype.NewFace(sf, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingNone})
	if err != nil {
		return nil, err
	}
	r.faces[k] = f
	return f, nil
}

// text draws a label: glyph coverage into an alpha mask once, the halo as
// that mask dilated by a disc, then the glyphs.
func (r *raster) text(l *label) error {
	face, err := r.face(l.Size*r.scale, l.Bold)
	if err != nil {
		return err
	}
	x, y := l.X*r.scale, l.Y*r.scale
	adv := font.MeasureString(face, l.S)
	switch l.Anchor {
	case anchorMiddle:
		x -= float64(adv) / 64 / 2
	case anchorEnd:
		x -= float64(adv) / 64
	}
	halo := int(math.Ceil(l.Halo * r.scale / 2))
	bounds, _ := font.BoundString(face, l.S)
	fx, fy := math.Floor(x), math.Floor(y)
	dot := fixed.Point26_6{X: fixed.Int26_6((x - fx) * 64), Y: fixed.Int26_6((y - fy) * 64)}
	mr := image.Rect(bounds.Min.X.Floor()-halo-1, bounds.Min.Y.Floor()-halo-1, bounds.Max.X.Ceil()+halo+2, bounds.Max.Y.Ceil()+halo+2)
	if mr.Empty() {
		return nil
	}
	mask := image.NewAlpha(mr)
	(&font.Drawer{Dst: mask, Src: image.Opaque, Face: face, Dot: dot}).DrawString(l.S)
	dst := mr.Add(image.Pt(int(fx), int(fy)))
	if halo > 0 {
		hm := dilate(mask, float64(l.Halo*r.scale/2))
		draw.DrawMask(r.img, dst, image.NewUniform(colHalo), image.Point{}, hm, mr.Min, draw.Over)
	}
	draw.DrawMask(r.img, dst, image.NewUniform(l.Fill), image.Point{}, mask, mr.Min, draw.Over)
	return nil
}

// dilate returns the maximum of m over a disc of radius rad around each
// pixel: a halo that follows the glyph outlines.
func dilate(m *image.Alpha, rad float64) *image.Alpha {
	out := image.NewAlpha(m.Rect)
	ri := int(math.Ceil(rad))
	w, h := m.Rect.Dx(), m.Rect.Dy()
	for dy := -ri; dy <= ri; dy++ {
		for dx := -ri; dx <= ri; dx++ {
			if float64(dx*dx+dy*dy) > rad*rad+0.5 {
				continue
			}
			for y := max(0, -dy); y < min(h, h-dy); y++ {
				src := m.Pix[(y+dy)*m.Stride:]
				dst := out.Pix[y*out.Stride:]
				for x := max(0, -dx); x < min(w, w-dx); x++ {
					if v := src[x+dx]; v > dst[x] {
						dst[x] = v
					}
				}
			}
		}
	}
	return out
}
