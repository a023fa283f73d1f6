// Package cql2 parses OGC Common Query Language (CQL2, OGC 21-065) filter
// expressions, in the text (cql2-text) and JSON (cql2-json) encodings, into
// one small tree both stores compile: memstore evaluates it (Match),
// PostGIS turns it into SQL with bind parameters.
//
// Supported, and declared as conformance classes: Basic CQL2 (AND, OR, NOT,
// the comparisons = <> < > <= >= between a property and a literal of the
// property's type, IS [NOT] NULL, string, number and boolean literals) and
// spatial S_INTERSECTS between the geometry and a BBOX or WKT literal
// (Basic Spatial Functions with every geometry type, "plus"). Comparisons
// follow SQL's three-valued logic: a comparison with an absent property is
// unknown, NOT unknown is unknown, and only true selects a feature, so both
// stores agree on missing values.
//
// Errors are *Error values naming the position in the expression: a
// 1-based character column for cql2-text, a JSON path for cql2-json.
package cql2

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// Expr is a boolean expression: *And, *Or, *Not, *Const, *Compare,
// *IsNull or *Intersects.
type Expr interface {
	// String writes the expression back as cql2-text.
	String() string
}

// And is true when every argument is (at least two arguments).
type And struct{ Args []Expr }

// Or is true when any argument is (at least two arguments).
type Or struct{ Args []Expr }

// Not negates its argument (unknown stays unknown).
type Not struct{ Arg Expr }

// Const is the literal TRUE or FALSE used as a whole predicate.
type Const struct{ Value bool }

func (e *Const) String() string {
	if e.Value {
		return "TRUE"
	}
	return "FALSE"
}

// Compare compares a property with a literal: Property Op Value.
type Compare struct {
	Property string
	Op       string // "=", "<>", "<", ">", "<=", ">="
	Value    Literal
	Pos      string // where the comparison starts, for errors
}

// IsNull tests whether a property is absent (Not: present).
type IsNull struct {
	Property string
	Not      bool
	Pos      string
}

// Intersects is S_INTERSECTS(Property, Geometry): Property is the feature's
// geometry ("geometry"); the literal is a BBOX (Box set) or any geometry.
type Intersects struct {
	Property string
	// Box is set for a BBOX literal (west may exceed east: across the
	// antimeridian); otherwise Geometry holds the literal.
	Box      *orb.Bound
	Geometry sf.Geometry
	Pos      string
	litPos   string // where the literal starts, for errors
}

// Literal is a string, number or boolean value; Kind says which.
type Literal struct {
	Kind Kind
	Str  string
	Num  float64
	Bool bool
	// Date marks a DATE('…') literal (Kind KindTimestamp).
	Date bool
}

// Kind is the type of a literal.
type Kind int

// Literal kinds.
const (
	KindString Kind = iota + 1
	KindNumber
	KindBool
	KindTimestamp // TIMESTAMP('…') or DATE('…'): parsed, never comparable here
)

func (k Kind) String() string {
	switch k {
	case KindString:
		return "string"
	case KindNumber:
		return "number"
	case KindBool:
		return "boolean"
	case KindTimestamp:
		return "timestamp/date"
	}
	return "unknown"
}

// Error is a mistake in a filter expression, naming where it is.
type Error struct {
	// Pos is "column N" (cql2-text, 1-based, in characters) or a JSON path
	// such as "args[1].args[0]" (cql2-json).
	Pos    string
	Reason string
}

func (e *Error) Error() string { return "at " + e.Pos + ": " + e.Reason }

func errorf(pos, format string, args ...any) *Error {
	return &Error{Pos: pos, Reason: fmt.Sprintf(format, args...)}
}

func (e *And) String() string { return join(e.Args, " AND ") }
func (e *Or) String() string  { return join(e.Args, " OR ") }
func (e *Not) String() string { return "NOT (" + e.Arg.String() + ")" }

func join(args []Expr, sep string) string {
	parts := make([]string, len(args))
	for i, a := range args {
		parts[i] = "(" + a.String() + ")"
	}
	return strings.Join(parts, sep)
}

func (e *Compare) String() string {
	return quoteIdent(e.Property) + " " + e.Op + " " + e.Value.String()
}

func (e *IsNull) String() string {
	if e.Not {
		return quoteIdent(e.Property) + " IS NOT NULL"
	}
	return quoteIdent(e.Property) + " IS NULL"
}

func (e *Intersects) String() string {
	lit := ""
	if e.Box != nil {
		lit = fmt.Sprintf("BBOX(%s,%s,%s,%s)", num(e.Box.Min[0]), num(e.Box.Min[1]), num(e.Box.Max[0]), num(e.Box.Max[1]))
	} else {
		lit = e.Geometry.AsText()
	}
	return "S_INTERSECTS(" + quoteIdent(e.Property) + "," + lit + ")"
}

func (l Literal) String() string {
	switch l.Kind {
	case KindString:
		return "'" + strings.ReplaceAll(l.Str, "'", "''") + "'"
	case KindNumber:
		return num(l.Num)
	case KindBool:
		if l.Bool {
			return "TRUE"
		}
		return "FALSE"
	case KindTimestamp:
		if l.Date {
			return "DATE('" + l.Str + "')"
		}
		return "TIMESTAMP('" + l.Str + "')"
	}
	return "NULL"
}

func num(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// Walk calls fn for e and every expression below it, parents first.
func Walk(e Expr, fn func(Expr)) {
	fn(e)
	switch x := e.(type) {
	case *And:
		for _, a := range x.Args {
			Walk(a, fn)
		}
	case *Or:
		for _, a := range x.Args {
			Walk(a, fn)
		}
	case *Not:
		Walk(x.Arg, fn)
	}
}
