package cql2

import (
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// GeometryProperty is the name filters use for a feature's geometry.
const GeometryProperty = "geometry"

// Check holds e to the queryables: every compared property must be one
// (typeOf reports its literal kind), compared with a literal of that kind,
// and S_INTERSECTS must name the geometry. Errors name the position.
func Check(e Expr, typeOf func(property string) (Kind, bool)) error {
	var err error
	Walk(e, func(x Expr) {
		if err != nil {
			return
		}
		switch c := x.(type) {
		case *Compare:
			k, ok := typeOf(c.Property)
			switch {
			case !ok:
				err = errorf(c.Pos, "%q is not a queryable property of this collection (see its queryables)", c.Property)
			case c.Value.Kind != k:
				err = errorf(c.Pos, "%s is a %s property, compared with a %s", c.Property, k, c.Value.Kind)
			case k == KindBool && c.Op != "=" && c.Op != "<>":
				err = errorf(c.Pos, "booleans compare only with = and <>")
			}
		case *IsNull:
			if _, ok := typeOf(c.Property); !ok {
				err = errorf(c.Pos, "%q is not a queryable property of this collection (see its queryables)", c.Property)
			}
		case *Intersects:
			if c.Property != GeometryProperty {
				err = errorf(c.Pos, "S_INTERSECTS applies to the property %q, not %q", GeometryProperty, c.Property)
			}
		case *Like, *Between, *In:
			err = checkAdvanced(c, typeOf)
		}
	})
	return err
}

// truth is SQL's three-valued logic.
type truth int8

const (
	unknown truth = iota
	no
	yes
)

// Feature is what Match reads of a feature: its properties (as served:
// string, int, float64, bool; absent when unknown), its geometry and that
// geometry's bound.
type Feature struct {
	Properties map[string]any
	Geometry   orb.Geometry
	Bound      orb.Bound
}

// Match reports whether e is true for f (unknown, like false, does not
// match). e must have passed Check.
func Match(e Expr, f Feature) bool { return eval(e, &f) == yes }

func eval(e Expr, f *Feature) truth {
	switch x := e.(type) {
	case *And:
		out := yes
		for _, a := range x.Args {
			switch eval(a, f) {
			case no:
				return no
			case unknown:
				out = unknown
			}
		}
		return out
	case *Or:
		out := no
		for _, a := range x.Args {
			switch eval(a, f) {
			case yes:
				return yes
			case unknown:
				out = unknown
			}
		}
		return out
	case *Not:
		switch eval(x.Arg, f) {
		case yes:
			return no
		case no:
			return yes
		}
		return unknown
	case *Const:
		if x.Value {
			return yes
		}
		return no
	case *IsNull:
		_, present := f.Properties[x.Property]
		if present == x.Not {
			return yes
		}
		return no
	case *Compare:
		v, ok := f.Properties[x.Property]
		if !ok {
			return unknown
		}
		c, ok := compare(v, x.Value)
		if !ok {
			return unknown
		}
		if holds(c, x.Op) {
			return yes
		}
		return no
	case *Intersects:
		if intersects(x, f) {
			return yes
		}
		return no
	}
	if t, ok := evalAdvanced(e, f); ok {
		return t
	}
	return unknown
}

// compare orders a property value against a literal: -1, 0, 1.
func compare(v any, l Literal) (int, bool) {
	cmp := func(a, b float64) int {
		switch {
		case a < b:
			return -1
		case a > b:
			return 1
		}
		return 0
	}
	switch l.Kind {
	case KindNumber:
		switch n := v.(type) {
		case float64:
			return cmp(n, l.Num), true
		case int:
			return cmp(float64(n), l.Num), true
		case int64:
			return cmp(float64(n), l.Num), true
		}
	case KindString:
		if s, ok := v.(string); ok {
			// Byte order, which is code point order for UTF-8: PostgreSQL's
			// COLLATE "C".
			switch {
			case s < l.Str:
				return -1, true
			case s > l.Str:
				return 1, true
			}
			return 0, true
		}
	case KindBool:
		if b, ok := v.(bool); ok {
			if b == l.Bool {
				return 0, true
			}
			return 1, true
		}
	}
	return 0, false
}

func holds(c int, op string) bool {
	switch op {
	case "=":
		return c == 0
	case "<>":
		return c != 0
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	case ">=":
		return c >= 0
	}
	return false
}

// BBoxParts splits a box crossing the antimeridian, as geo.BBoxParts.
func BBoxParts(b orb.Bound) []orb.Bound {
	if b.Min[0] <= b.Max[0] {
		return []orb.Bound{b}
	}
	return []orb.Bound{
		{Min: b.Min, Max: orb.Point{180, b.Max[1]}},
		{Min: orb.Point{-180, b.Min[1]}, Max: b.Max},
	}
}

// LiteralGeometry is the literal of x as a geometry: the BBOX's parts as
// envelopes, or the WKT/GeoJSON geometry.
func LiteralGeometry(x *Intersects) []sf.Geometry {
	if x.Box == nil {
		return []sf.Geometry{x.Geometry}
	}
	var out []sf.Geometry
	for _, p := range BBoxParts(*x.Box) {
		out = append(out, sf.NewEnvelope(sf.XY{X: p.Min[0], Y: p.Min[1]}, sf.XY{X: p.Max[0], Y: p.Max[1]}).AsGeometry())
	}
	return out
}

func intersects(x *Intersects, f *Feature) bool {
	if f.Geometry == nil {
		return false
	}
	lits := LiteralGeometry(x)
	meets := false
	for _, l := range lits {
		lo, hi, _ := l.Envelope().MinMaxXYs()
		if (orb.Bound{Min: orb.Point{lo.X, lo.Y}, Max: orb.Point{hi.X, hi.Y}}).Intersects(f.Bound) {
			meets = true
		}
	}
	if !meets {
		return false
	}
	b, err := wkb.Marshal(f.Geometry)
	if err != nil {
		return false
	}
	g, err := sf.UnmarshalWKB(b, sf.NoValidate{})
	if err != nil {
		return false
	}
	for _, l := range lits {
		if sf.Intersects(g, l) {
			return true
		}
	}
	return false
}
