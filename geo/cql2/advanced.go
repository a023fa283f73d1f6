package cql2

import (
	"strings"
	"unicode/utf8"
)

// Advanced comparison operators (CQL2 conformance class
// advanced-comparison-operators): LIKE, BETWEEN and IN, each optionally
// negated with NOT. Like the basic comparisons they compare a property
// with literals and follow three-valued logic: an absent property makes
// them unknown, and so does their NOT.

// Like is Property [NOT] LIKE Pattern: % matches any run of characters, _
// exactly one character, \ makes the next character literal. Matching is
// case-sensitive and by character (code point), as PostgreSQL's LIKE.
type Like struct {
	Property string
	Pattern  string
	Not      bool
	Pos      string
	// ASCIIFold is the draft cql-text's ILIKE, which CQL2 replaced with
	// CASEI: ASCII letters match either case (as OGR SQL's ILIKE, which
	// GDAL sends). ParseText reads ILIKE; geo accepts it only under
	// filter-lang=cql-text.
	ASCIIFold bool
}

// Between is Property [NOT] BETWEEN Low AND High (inclusive), numbers.
type Between struct {
	Property  string
	Low, High Literal
	Not       bool
	Pos       string
}

// In is Property [NOT] IN (Values…), all literals of the property's kind.
type In struct {
	Property string
	Values   []Literal
	Not      bool
	Pos      string
}

func notWord(not bool) string {
	if not {
		return " NOT"
	}
	return ""
}

func (e *Like) String() string {
	op := " LIKE "
	if e.ASCIIFold {
		op = " ILIKE "
	}
	return quoteIdent(e.Property) + notWord(e.Not) + op + Literal{Kind: KindString, Str: e.Pattern}.String()
}

func (e *Between) String() string {
	return quoteIdent(e.Property) + notWord(e.Not) + " BETWEEN " + e.Low.String() + " AND " + e.High.String()
}

func (e *In) String() string {
	vs := make([]string, len(e.Values))
	for i, v := range e.Values {
		vs[i] = v.String()
	}
	return quoteIdent(e.Property) + notWord(e.Not) + " IN (" + strings.Join(vs, ", ") + ")"
}

// checkPattern rejects a LIKE pattern ending in a lone escape character,
// which PostgreSQL refuses and which has no meaning.
func checkPattern(pos, p string) error {
	n := 0
	for i := len(p) - 1; i >= 0 && p[i] == '\\'; i-- {
		n++
	}
	if n%2 == 1 {
		return errorf(pos, "the LIKE pattern ends with the escape character \\ (write \\\\ for a backslash)")
	}
	return nil
}

// likeMatch matches s against a LIKE pattern, by characters.
func likeMatch(s, pattern string) bool {
	p := []rune(pattern)
	r := []rune(s)
	// Classic wildcard matching with backtracking on the last %.
	var pi, si, starP, starS = 0, 0, -1, 0
	for si < len(r) {
		if pi < len(p) {
			switch c := p[pi]; {
			case c == '%':
				starP, starS = pi, si
				pi++
				continue
			case c == '_':
				pi++
				si++
				continue
			case c == '\\' && pi+1 < len(p):
				if p[pi+1] == r[si] {
					pi += 2
					si++
					continue
				}
			case c == r[si]:
				pi++
				si++
				continue
			}
		}
		if starP < 0 {
			return false
		}
		starS++
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '%' {
		pi++
	}
	return pi == len(p)
}

// evalAdvanced evaluates LIKE, BETWEEN and IN; ok is false for other
// expressions.
func evalAdvanced(e Expr, f *Feature) (t truth, ok bool) {
	var prop string
	var not bool
	var test func(v any) truth
	switch x := e.(type) {
	case *Like:
		prop, not = x.Property, x.Not
		test = func(v any) truth {
			s, isStr := v.(string)
			if !isStr || !utf8.ValidString(s) {
				return unknown
			}
			if x.ASCIIFold {
				return truthOf(likeMatch(asciiLower(s), asciiLower(x.Pattern)))
			}
			return truthOf(likeMatch(s, x.Pattern))
		}
	case *Between:
		prop, not = x.Property, x.Not
		test = func(v any) truth {
			lo, ok1 := compare(v, x.Low)
			hi, ok2 := compare(v, x.High)
			if !ok1 || !ok2 {
				return unknown
			}
			return truthOf(lo >= 0 && hi <= 0)
		}
	case *In:
		prop, not = x.Property, x.Not
		test = func(v any) truth {
			for _, l := range x.Values {
				c, ok := compare(v, l)
				if !ok {
					return unknown
				}
				if c == 0 {
					return yes
				}
			}
			return no
		}
	default:
		return unknown, false
	}
	v, present := f.Properties[prop]
	if !present {
		return unknown, true
	}
	t = test(v)
	if not {
		switch t {
		case yes:
			t = no
		case no:
			t = yes
		}
	}
	return t, true
}

func truthOf(b bool) truth {
	if b {
		return yes
	}
	return no
}

// checkAdvanced holds LIKE, BETWEEN and IN to the queryables: LIKE on
// string properties, BETWEEN on numbers, IN with literals of the
// property's kind.
func checkAdvanced(x Expr, typeOf func(string) (Kind, bool)) error {
	notQueryable := func(pos, p string) error {
		return errorf(pos, "%q is not a queryable property of this collection (see its queryables)", p)
	}
	switch c := x.(type) {
	case *Like:
		k, ok := typeOf(c.Property)
		if !ok {
			return notQueryable(c.Pos, c.Property)
		}
		if k != KindString {
			return errorf(c.Pos, "LIKE applies to string properties; %s is a %s property", c.Property, k)
		}
	case *Between:
		k, ok := typeOf(c.Property)
		if !ok {
			return notQueryable(c.Pos, c.Property)
		}
		if k != KindNumber || c.Low.Kind != KindNumber || c.High.Kind != KindNumber {
			return errorf(c.Pos, "BETWEEN compares a number property with two numbers; %s is a %s property", c.Property, k)
		}
	case *In:
		k, ok := typeOf(c.Property)
		if !ok {
			return notQueryable(c.Pos, c.Property)
		}
		for _, v := range c.Values {
			if v.Kind != k {
				return errorf(c.Pos, "%s is a %s property, IN lists a %s", c.Property, k, v.Kind)
			}
		}
	}
	return nil
}

// asciiLower lowers ASCII letters only, as PostgreSQL's lower() under
// COLLATE "C" and OGR SQL's ILIKE do.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
