package static

import (
	"image/color"
	"math"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/rivo/uniseg"

	"github.com/paulmach/orb"
)

// The display list both backends draw. Coordinates are CSS pixels of the
// image (x right, y down); the PNG backend multiplies by the scale.

type pt struct{ X, Y float64 }

// shape is a set of rings drawn with one style. Closed rings are filled
// with the nonzero rule; Fill or Stroke with alpha 0 are not painted.
type shape struct {
	Rings  [][]pt
	Closed bool
	Fill   color.NRGBA
	Stroke color.NRGBA
	Width  float64   // stroke width
	Dash   []float64 // on, off, … lengths; nil is solid
	// Zone is the id of the zone the shape draws (SVG data-zone), so a
	// report image can be checked against the API and scripted; "" for
	// everything else. Title is its accessible name (SVG <title>).
	Zone, Title string
}

type anchor int

const (
	anchorStart anchor = iota
	anchorMiddle
	anchorEnd
)

// label is one line of text at (X, Y), Y being the baseline.
type label struct {
	X, Y   float64
	S      string
	Size   float64
	Bold   bool
	Fill   color.NRGBA
	Halo   float64 // width of the white halo; 0 none
	Anchor anchor
	// Zone is the id of the zone the text names (SVG data-zone): its
	// label, its call-out number or its key entry; "" for other text.
	Zone string
	// Role is the text's part of the furniture (SVG class), so a check can
	// hold each part to its minimum size; "" for map labels.
	Role string
}

// Roles of text (SVG class attribute).
const (
	roleTitle   = "title"
	roleSource  = "source"
	roleNorth   = "north"
	roleKey     = "key"
	roleCallout = "callout"
	// roleEnterprise: the count on an enterprise bubble.
	roleEnterprise = "enterprise"
	// roleEntLegend: the sample count in the legend's bubble swatch.
	roleEntLegend = "enterprise-legend"
)

// item is a shape or a label.
type item struct {
	shape *shape
	label *label
}

// group is a named layer of the drawing (an SVG <g id=…>).
type group struct {
	ID    string
	Items []item
}

// drawing is the display list of one image.
type drawing struct {
	Width, Height int
	// WidthMM is the printed width (Options.PrintWidthMM): the SVG's
	// width and height are given in mm, its viewBox in CSS px.
	WidthMM float64
	Groups  []*group
	// Title is the accessible name of the image (SVG <title>).
	Title string
	// boxes are the furniture's boxes and mapBox the map's part of the
	// image (all of it but the report layout's bands), for the tests.
	boxes  []namedBox
	mapBox box
	// fitErr is set when the furniture cannot fit (checkFit): the
	// renderer answers it instead of an image.
	fitErr error
}

func (d *drawing) group(id string) *group {
	g := &group{ID: id}
	d.Groups = append(d.Groups, g)
	return g
}

func (g *group) shape(s shape) {
	if len(s.Rings) == 0 {
		return
	}
	g.Items = append(g.Items, item{shape: &s})
}

func (g *group) label(l label) { g.Items = append(g.Items, item{label: &l}) }

// box is an axis-aligned rectangle in CSS pixels.
type box struct{ X0, Y0, X1, Y1 float64 }

func (a box) overlaps(b box) bool {
	return a.X0 < b.X1 && b.X0 < a.X1 && a.Y0 < b.Y1 && b.Y0 < a.Y1
}

func (a box) inside(b box) bool {
	return a.X0 >= b.X0 && a.Y0 >= b.Y0 && a.X1 <= b.X1 && a.Y1 <= b.Y1
}

func (a box) pad(p float64) box { return box{a.X0 - p, a.Y0 - p, a.X1 + p, a.Y1 + p} }

func rectRing(b box) []pt {
	return []pt{{b.X0, b.Y0}, {b.X1, b.Y0}, {b.X1, b.Y1}, {b.X0, b.Y1}}
}

// circleRing approximates a circle of radius r with n points, clockwise in
// screen space like the other rings.
func circleRing(x, y, r float64, n int) []pt {
	ring := make([]pt, n)
	for i := range ring {
		a := 2 * math.Pi * float64(i) / float64(n)
		ring[i] = pt{x + r*math.Cos(a), y + r*math.Sin(a)}
	}
	return ring
}

// textWidth estimates the advance of s at size px. Both backends lay out
// with this estimate, so SVG output does not depend on installed fonts and
// an SVG and a PNG place the same labels. Han and full-width characters are
// one em in Noto Sans CJK; Latin widths are averages of its proportional
// glyphs, rounded up so collision boxes err on the roomy side.
func textWidth(s string, size float64) float64 {
	w := 0.0
	for _, r := range s {
		w += runeEm(r)
	}
	return w * size
}

func runeEm(r rune) float64 {
	switch {
	case r >= 0x2E80 && (unicode.Is(unicode.Han, r) || r >= 0x3000 && r <= 0x303F || r >= 0xFF00 && r <= 0xFF60):
		return 1
	case r == ' ':
		return 0.25
	case r >= '0' && r <= '9':
		return 0.56
	case r >= 'A' && r <= 'Z':
		return 0.66
	case r == 'i' || r == 'l' || r == 'j' || r == 't' || r == 'f' || r == 'r':
		return 0.34
	case r == 'm' || r == 'w':
		return 0.84
	case r >= 'a' && r <= 'z':
		return 0.56
	case r == '·' || r == '.' || r == ',' || r == ':' || r == ';' || r == '(' || r == ')' || r == '-' || r == '/':
		return 0.34
	case r < 0x2E80:
		return 0.6
	default:
		return 1
	}
}

// wrap breaks s into lines of at most maxW px at size, at the line break
// opportunities of Unicode's line breaking algorithm (UAX #14, which
// carries the CJK kinsoku rules: no line starts with a closing bracket or
// a comma, none ends with an opening bracket; Latin breaks between words,
// Han between characters). Of the opportunities on a full line it prefers
// the last at a space, after a clause's punctuation (，、：；) or a closing
// bracket, or before an opening bracket, when that line is
// still at least a third full, so "≥ 下限值（至少在此档）" breaks before "（"
// rather than leave "）" or "业）" behind. A segment wider than a line is
// cut between characters, never before closing punctuation.
func wrap(s string, size, maxW float64) []string {
	type seg struct {
		s         string
		w, trimW  float64 // advance, and without trailing spaces
		preferred bool    // the break before it is a preferred one
	}
	var lines []string
	var line []seg
	width := func(ss []seg) float64 { // of ss as a line (trailing spaces dropped)
		w := 0.0
		for i, g := range ss {
			if i == len(ss)-1 {
				w += g.trimW
			} else {
				w += g.w
			}
		}
		return w
	}
	emit := func(ss []seg) {
		var b strings.Builder
		for _, g := range ss {
			b.WriteString(g.s)
		}
		lines = append(lines, strings.TrimSpace(b.String()))
	}
	prevSpace := false
	state := -1
	for rest := s; rest != ""; {
		var text string
		var must bool
		text, rest, must, state = uniseg.FirstLineSegmentInString(rest, state)
		trimmed := strings.TrimRight(text, " \n\r\t")
		g := seg{s: text, w: textWidth(text, size), trimW: textWidth(trimmed, size), preferred: prevSpace || startsOpening(text)}
		prevSpace = trimmed != text || endsClause(trimmed)
		for len(line) > 0 && width(append(line[:len(line):len(line)], g)) > maxW {
			// Before g, unless an earlier break is a preferred one that
			// keeps the line at least a third full.
			cut := len(line)
			for j := len(line) - 1; j > 0 && !g.preferred; j-- {
				if line[j].preferred && width(line[:j]) >= maxW/3 {
					cut = j
					break
				}
			}
			emit(line[:cut])
			line = slices.Clone(line[cut:])
		}
		if len(line) == 0 && g.trimW > maxW {
			// Longer than a line: cut between characters.
			parts := cutRunes(trimmed, size, maxW)
			lines = append(lines, parts[:len(parts)-1]...)
			last := parts[len(parts)-1]
			g = seg{s: last + text[len(trimmed):], w: textWidth(last+text[len(trimmed):], size), trimW: textWidth(last, size)}
		}
		line = append(line, g)
		if must && rest != "" {
			emit(line)
			line = nil
		}
	}
	if len(line) > 0 {
		emit(line)
	}
	return slices.DeleteFunc(lines, func(s string) bool { return s == "" })
}

// endsClause reports whether s ends a clause: an ideographic comma,
// colon or semicolon, or a closing bracket, after which a break reads
// naturally.
func endsClause(s string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return strings.ContainsRune("，、：；。！？", r) || unicode.Is(unicode.Pe, r)
}

// startsOpening reports whether s begins with opening punctuation (a
// bracket or quote that opens: Unicode Ps or Pi).
func startsOpening(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.In(r, unicode.Ps, unicode.Pi)
}

// cutRunes cuts s (wider than maxW) into pieces at most maxW wide between
// characters, never leaving closing punctuation at the start of a piece.
func cutRunes(s string, size, maxW float64) []string {
	var out []string
	var cur []rune
	w := 0.0
	for _, r := range s {
		rw := runeEm(r) * size
		if w+rw > maxW && len(cur) > 0 {
			if unicode.In(r, unicode.Pe, unicode.Pf, unicode.Po) && len(cur) > 1 {
				// Kinsoku: carry the last character over with it.
				last := cur[len(cur)-1]
				out = append(out, string(cur[:len(cur)-1]))
				cur, w = []rune{last}, runeEm(last)*size
			} else {
				out = append(out, string(cur))
				cur, w = nil, 0
			}
		}
		cur = append(cur, r)
		w += rw
	}
	return append(out, string(cur))
}

func ringsOf(mp orb.MultiPolygon) []orb.Ring {
	var rs []orb.Ring
	for _, p := range mp {
		rs = append(rs, p...)
	}
	return rs
}

func ringsBox(rings [][]pt) (box, bool) {
	b := box{math.Inf(1), math.Inf(1), math.Inf(-1), math.Inf(-1)}
	ok := false
	for _, r := range rings {
		for _, p := range r {
			b.X0, b.Y0 = math.Min(b.X0, p.X), math.Min(b.Y0, p.Y)
			b.X1, b.Y1 = math.Max(b.X1, p.X), math.Max(b.Y1, p.Y)
			ok = true
		}
	}
	return b, ok
}

// clipRing clips a closed ring to b (Sutherland–Hodgman). The result may run
// along b's edges; callers clip to a box a little larger than the image so
// those edges fall outside it.
func clipRing(ring []pt, b box) []pt {
	if len(ring) == 0 {
		return nil
	}
	if rb, _ := ringsBox([][]pt{ring}); rb.inside(b) {
		return ring
	} else if !rb.overlaps(b) {
		return nil
	}
	type edge struct {
		in  func(p pt) bool
		cut func(a, c pt) pt
	}
	lerpX := func(a, c pt, x float64) pt { return pt{x, a.Y + (c.Y-a.Y)*(x-a.X)/(c.X-a.X)} }
	lerpY := func(a, c pt, y float64) pt { return pt{a.X + (c.X-a.X)*(y-a.Y)/(c.Y-a.Y), y} }
	edges := []edge{
		{func(p pt) bool { return p.X >= b.X0 }, func(a, c pt) pt { return lerpX(a, c, b.X0) }},
		{func(p pt) bool { return p.X <= b.X1 }, func(a, c pt) pt { return lerpX(a, c, b.X1) }},
		{func(p pt) bool { return p.Y >= b.Y0 }, func(a, c pt) pt { return lerpY(a, c, b.Y0) }},
		{func(p pt) bool { return p.Y <= b.Y1 }, func(a, c pt) pt { return lerpY(a, c, b.Y1) }},
	}
	out := ring
	for _, e := range edges {
		in := out
		out = make([]pt, 0, len(in)+4)
		for i, cur := range in {
			prev := in[(i+len(in)-1)%len(in)]
			switch ci, pi := e.in(cur), e.in(prev); {
			case ci && pi:
				out = append(out, cur)
			case ci && !pi:
				out = append(out, e.cut(prev, cur), cur)
			case !ci && pi:
				out = append(out, e.cut(prev, cur))
			}
		}
		if len(out) == 0 {
			return nil
		}
	}
	return out
}
