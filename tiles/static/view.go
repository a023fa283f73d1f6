package static

import (
	"math"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// WorldSize is the width in pixels of the Web Mercator world at zoom 0.
// MapLibre GL uses 512, so a web-map zoom frames the same ground here.
const WorldSize = 512

// DefaultBound is the default view: Henan with a small margin.
var DefaultBound = orb.Bound{Min: orb.Point{110.3, 31.35}, Max: orb.Point{116.7, 36.4}}

// View maps WGS84 lon/lat to CSS pixels of one image through Web Mercator.
// It is a value; the zero View is not useful, build one with NewView.
type View struct {
	Width, Height int
	Zoom          float64 // MapLibre zoom (512 px world at zoom 0)
	Center        orb.Point
	world         float64 // world size in px at Zoom
	cx, cy        float64 // center in world px
}

// NewView frames o: Center and Zoom as given, or BBox (DefaultBound when
// neither is set) fitted inside Width×Height, centred, keeping its aspect.
func NewView(o Options) View {
	v := View{Width: o.Width, Height: o.Height}
	if o.Center != nil {
		v.Center, v.Zoom = *o.Center, o.Zoom
	} else {
		b := DefaultBound
		if o.BBox != nil {
			b = *o.BBox
		}
		x0, y0 := mercator(b.Min)
		x1, y1 := mercator(b.Max)
		dx, dy := math.Abs(x1-x0), math.Abs(y1-y0)
		zx, zy := math.Inf(1), math.Inf(1)
		if dx > 0 {
			zx = math.Log2(float64(o.Width) / (dx * WorldSize))
		}
		if dy > 0 {
			zy = math.Log2(float64(o.Height) / (dy * WorldSize))
		}
		v.Zoom = math.Min(zx, zy)
		if math.IsInf(v.Zoom, 1) {
			v.Zoom = MaxViewZoom + 1
		}
		v.Center = unmercator((x0+x1)/2, (y0+y1)/2)
	}
	v.world = WorldSize * math.Exp2(v.Zoom)
	mx, my := mercator(v.Center)
	v.cx, v.cy = mx*v.world, my*v.world
	return v
}

// mercator returns the Web Mercator position of p in [0,1]², y down.
func mercator(p orb.Point) (x, y float64) {
	lat := math.Max(-85.05112878, math.Min(85.05112878, p[1]))
	s := math.Sin(lat * math.Pi / 180)
	return (p[0] + 180) / 360, 0.5 - math.Log((1+s)/(1-s))/(4*math.Pi)
}

func unmercator(x, y float64) orb.Point {
	lat := math.Atan(math.Sinh(math.Pi*(1-2*y))) * 180 / math.Pi
	return orb.Point{x*360 - 180, lat}
}

// Pixel returns the CSS pixel of a WGS84 point (x right, y down).
func (v View) Pixel(p orb.Point) (x, y float64) {
	mx, my := mercator(p)
	return mx*v.world - v.cx + float64(v.Width)/2, my*v.world - v.cy + float64(v.Height)/2
}

// LonLat returns the WGS84 point of a CSS pixel (Pixel's inverse).
func (v View) LonLat(x, y float64) orb.Point {
	return unmercator((x+v.cx-float64(v.Width)/2)/v.world, (y+v.cy-float64(v.Height)/2)/v.world)
}

// Bound returns the WGS84 bounds the image covers.
func (v View) Bound() orb.Bound {
	w, h := float64(v.Width)/2, float64(v.Height)/2
	a := unmercator((v.cx-w)/v.world, (v.cy+h)/v.world)
	b := unmercator((v.cx+w)/v.world, (v.cy-h)/v.world)
	return orb.Bound{Min: a, Max: b}
}

// MetresPerPixel is the ground distance of one CSS pixel at the centre.
func (v View) MetresPerPixel() float64 {
	const earthCircumference = 2 * math.Pi * 6378137
	return earthCircumference * math.Cos(v.Center[1]*math.Pi/180) / v.world
}

// TileZoom is the zoom whose layer and label rules (geo.Layers,
// geo.LabelMinZoom) apply to this view.
func (v View) TileZoom() uint32 {
	z := math.Floor(v.Zoom + 1e-9)
	return uint32(math.Max(geo.MinZoom, math.Min(geo.MaxZoom, z)))
}
