package cql2

import (
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/alecthomas/participle/v2"
	"github.com/alecthomas/participle/v2/lexer"
	"github.com/paulmach/orb"
	sf "github.com/peterstace/simplefeatures/geom"
)

// The cql2-text grammar, following the published BNF (OGC 21-065 Annex B)
// for the supported classes. Keywords are case-insensitive; identifiers
// may be double-quoted.

var textLexer = lexer.MustSimple([]lexer.SimpleRule{
	{Name: "whitespace", Pattern: `[ \t\r\n]+`},
	{Name: "String", Pattern: `'(?:[^']|'')*'`},
	{Name: "Number", Pattern: `[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?`},
	{Name: "Op", Pattern: `<>|<=|>=|=|<|>`},
	{Name: "Punct", Pattern: `[(),]`},
	{Name: "QuotedIdent", Pattern: `"(?:[^"]|"")*"`},
	{Name: "Ident", Pattern: `[A-Za-z_][A-Za-z0-9_.:]*`},
})

type tOr struct {
	And []*tAnd `parser:"@@ ( 'OR' @@ )*"`
}

type tAnd struct {
	Not []*tNot `parser:"@@ ( 'AND' @@ )*"`
}

type tNot struct {
	Pos  lexer.Position
	Not  bool   `parser:"@'NOT'?"`
	Sub  *tOr   `parser:"( '(' @@ ')'"`
	Pred *tPred `parser:"| @@"`
	Bool string `parser:"| @( 'TRUE' | 'FALSE' ) )"`
}

type tPred struct {
	Pos     lexer.Position
	Spatial *tSpatial `parser:"( @@"`
	Left    *tScalar  `parser:"| @@ ("`
	Op      string    `parser:"    @Op"`
	Right   *tScalar  `parser:"    @@"`
	Null    *tNull    `parser:"  | @@"`
	Adv     *tAdv     `parser:"  | @@ ) )"`
}

// tAdv is the rest of an advanced comparison: [NOT] LIKE pattern,
// [NOT] BETWEEN low AND high, [NOT] IN (list).
type tAdv struct {
	Not   bool       `parser:"@'NOT'?"`
	Like  *tScalar   `parser:"(  'LIKE' @@"`
	ILike *tScalar   `parser:" | 'ILIKE' @@"`
	Low   *tScalar   `parser:" | 'BETWEEN' @@"`
	High  *tScalar   `parser:"   'AND' @@"`
	In    []*tScalar `parser:" | 'IN' '(' @@ ( ',' @@ )* ')' )"`
}

type tNull struct {
	Not bool `parser:"'IS' @'NOT'? 'NULL'"`
}

type tSpatial struct {
	Pos  lexer.Position
	Func string `parser:"@'S_INTERSECTS' '('"`
	A    *tGeom `parser:"@@ ','"`
	B    *tGeom `parser:"@@ ')'"`
}

type tGeom struct {
	Pos  lexer.Position
	BBox []string `parser:"(  'BBOX' '(' @Number ( ',' @Number )* ')'"`
	WKT  *tWKT    `parser:" | @@"`
	Prop *tProp   `parser:" | @@ )"`
}

type tWKT struct {
	Type string   `parser:"@( 'POINT' | 'LINESTRING' | 'POLYGON' | 'MULTIPOINT' | 'MULTILINESTRING' | 'MULTIPOLYGON' | 'GEOMETRYCOLLECTION' )"`
	Body *tWKTSeq `parser:"@@"`
}

type tWKTSeq struct {
	Items []*tWKTItem `parser:"'(' @@ ( ',' @@ )* ')'"`
}

type tWKTItem struct {
	Seq   *tWKTSeq `parser:"  @@"`
	Geom  *tWKT    `parser:"| @@"`
	Coord []string `parser:"| @Number @Number+"`
}

type tScalar struct {
	Pos  lexer.Position
	Bool string  `parser:"(  @( 'TRUE' | 'FALSE' )"`
	Time *tTime  `parser:" | @@"`
	Str  string  `parser:" | @String"`
	Num  *string `parser:" | @Number"`
	Prop *tProp  `parser:" | @@ )"`
}

type tTime struct {
	Kind  string `parser:"@( 'TIMESTAMP' | 'DATE' ) '('"`
	Value string `parser:"@String ')'"`
}

type tProp struct {
	Pos    lexer.Position
	Quoted string `parser:"(  @QuotedIdent"`
	Name   string `parser:" | @Ident )"`
}

var textParser = participle.MustBuild[tOr](
	participle.Lexer(textLexer),
	participle.CaseInsensitive("Ident"),
	participle.UseLookahead(4),
)

// reserved words may not be unquoted property names.
var reserved = map[string]bool{
	"AND": true, "OR": true, "NOT": true, "IS": true, "NULL": true, "TRUE": true, "FALSE": true,
	"BBOX": true, "S_INTERSECTS": true, "TIMESTAMP": true, "DATE": true, "LIKE": true, "BETWEEN": true, "IN": true,
	"ILIKE": true,
}

// grammarNames turns the parser's names of grammar rules into words.
var grammarNames = strings.NewReplacer("TScalar", "a property or literal", "TPred", "a predicate", "TNot", "a condition",
	"TAnd", "a condition", "TOr", "a condition", "TGeom", "a geometry (BBOX(…), WKT or the geometry property)",
	"TWKTSeq", "WKT coordinates", "TWKTItem", "WKT coordinates", "TWKT", "a WKT geometry", "TProp", "a property",
	"TSpatial", "S_INTERSECTS(…)", "TNull", "IS [NOT] NULL", "TAdv", "LIKE, BETWEEN or IN", "TTime", "TIMESTAMP(…) or DATE(…)", "<EOF>", "end of the filter")

// MaxLength bounds an expression (text bytes or JSON bytes).
const MaxLength = 4096

// maxDepth bounds nesting, so a hostile expression cannot exhaust the stack.
const maxDepth = 32

// ParseText parses a cql2-text expression. Errors are *Error naming the
// column.
func ParseText(s string) (Expr, error) { return ParseTextIn(s, nil) }

// ParseTextIn parses a cql2-text expression whose geometry literals are in
// the CRS to converts from (filter-crs); nil is CRS84.
func ParseTextIn(s string, to Coords) (Expr, error) {
	e, err := parseText(s)
	if err != nil {
		return nil, err
	}
	return e, finishSpatial(e, to)
}

func parseText(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, errorf("column 1", "longer than %d bytes", MaxLength)
	}
	if !utf8.ValidString(s) {
		return nil, errorf("column 1", "not valid UTF-8")
	}
	if d := nesting(s); d > maxDepth {
		return nil, errorf("column 1", "nested deeper than %d parentheses", maxDepth)
	}
	ast, err := textParser.ParseString("", s)
	if err != nil {
		var pe participle.Error
		if errors.As(err, &pe) {
			return nil, &Error{Pos: column(s, pe.Position()), Reason: grammarNames.Replace(pe.Message())}
		}
		return nil, errorf("column 1", "%v", err)
	}
	return convertOr(s, ast)
}

func nesting(s string) int {
	d, maxD := 0, 0
	for _, r := range s {
		switch r {
		case '(':
			d++
			maxD = max(maxD, d)
		case ')':
			d--
		}
	}
	return maxD
}

// column is the 1-based character column of a lexer position.
func column(s string, p lexer.Position) string {
	off := min(max(p.Offset, 0), len(s))
	return "column " + strconv.Itoa(utf8.RuneCountInString(s[:off])+1)
}

func convertOr(s string, t *tOr) (Expr, error) {
	var args []Expr
	for _, a := range t.And {
		e, err := convertAnd(s, a)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &Or{Args: args}, nil
}

func convertAnd(s string, t *tAnd) (Expr, error) {
	var args []Expr
	for _, n := range t.Not {
		e, err := convertNot(s, n)
		if err != nil {
			return nil, err
		}
		args = append(args, e)
	}
	if len(args) == 1 {
		return args[0], nil
	}
	return &And{Args: args}, nil
}

func convertNot(s string, t *tNot) (Expr, error) {
	var e Expr
	var err error
	switch {
	case t.Bool != "":
		e = &Const{Value: strings.EqualFold(t.Bool, "TRUE")}
	case t.Sub != nil:
		e, err = convertOr(s, t.Sub)
	default:
		e, err = convertPred(s, t.Pred)
	}
	if err != nil {
		return nil, err
	}
	if t.Not {
		return &Not{Arg: e}, nil
	}
	return e, nil
}

// mirror is the operator seen from the other side: 5 < x is x > 5.
var mirror = map[string]string{"=": "=", "<>": "<>", "<": ">", ">": "<", "<=": ">=", ">=": "<="}

func convertPred(s string, t *tPred) (Expr, error) {
	pos := column(s, t.Pos)
	if t.Spatial != nil {
		return convertSpatial(s, t.Spatial)
	}
	if t.Null != nil {
		if t.Left.Prop == nil {
			return nil, errorf(pos, "IS NULL needs a property on its left")
		}
		name, err := propName(s, t.Left.Prop)
		if err != nil {
			return nil, err
		}
		return &IsNull{Property: name, Not: t.Null.Not, Pos: pos}, nil
	}
	if t.Adv != nil {
		return convertAdv(s, pos, t.Left, t.Adv)
	}
	left, right, op := t.Left, t.Right, t.Op
	if left.Prop == nil && right.Prop != nil {
		left, right, op = right, left, mirror[op]
	}
	if left.Prop == nil {
		return nil, errorf(pos, "a comparison needs a property on one side (Basic CQL2 compares a property with a literal)")
	}
	if right.Prop != nil {
		return nil, errorf(column(s, right.Pos), "comparing two properties is not supported (Basic CQL2 compares a property with a literal)")
	}
	name, err := propName(s, left.Prop)
	if err != nil {
		return nil, err
	}
	lit, err := literal(s, right)
	if err != nil {
		return nil, err
	}
	return &Compare{Property: name, Op: op, Value: lit, Pos: pos}, nil
}

func propName(s string, p *tProp) (string, error) {
	if p.Quoted != "" {
		return strings.ReplaceAll(p.Quoted[1:len(p.Quoted)-1], `""`, `"`), nil
	}
	if reserved[strings.ToUpper(p.Name)] {
		return "", errorf(column(s, p.Pos), "%s is a reserved word, not a property; quote it (\"%s\") if a property has that name", p.Name, p.Name)
	}
	return p.Name, nil
}

func literal(s string, t *tScalar) (Literal, error) {
	switch {
	case t.Bool != "":
		return Literal{Kind: KindBool, Bool: strings.EqualFold(t.Bool, "TRUE")}, nil
	case t.Time != nil:
		v := strings.ReplaceAll(t.Time.Value[1:len(t.Time.Value)-1], "''", "'")
		layout := time.RFC3339Nano
		if strings.EqualFold(t.Time.Kind, "DATE") {
			layout = time.DateOnly
		}
		if _, err := time.Parse(layout, v); err != nil {
			return Literal{}, errorf(column(s, t.Pos), "%s literal %q is not valid", strings.ToUpper(t.Time.Kind), v)
		}
		return Literal{Kind: KindTimestamp, Str: v, Date: layout == time.DateOnly}, nil
	case t.Num != nil:
		x, err := strconv.ParseFloat(*t.Num, 64)
		if err != nil {
			return Literal{}, errorf(column(s, t.Pos), "%q is not a number", *t.Num)
		}
		return Literal{Kind: KindNumber, Num: x}, nil
	default:
		return Literal{Kind: KindString, Str: strings.ReplaceAll(t.Str[1:len(t.Str)-1], "''", "'")}, nil
	}
}

func convertSpatial(s string, t *tSpatial) (Expr, error) {
	pos := column(s, t.Pos)
	a, b := t.A, t.B
	if a.Prop == nil && b.Prop != nil {
		a, b = b, a // S_INTERSECTS is symmetric
	}
	if a.Prop == nil || b.Prop != nil {
		return nil, errorf(pos, "S_INTERSECTS needs the geometry property and one geometry literal")
	}
	name, err := propName(s, a.Prop)
	if err != nil {
		return nil, err
	}
	gpos := column(s, b.Pos)
	out := &Intersects{Property: name, Pos: pos, litPos: gpos}
	if b.BBox != nil {
		box, err := bboxOf(gpos, b.BBox)
		if err != nil {
			return nil, err
		}
		out.Box = &box
		return out, nil
	}
	g, err := sf.UnmarshalWKT(wktString(b.WKT))
	if err != nil {
		return nil, errorf(gpos, "invalid WKT literal: %v", err)
	}
	out.Geometry = g
	return out, nil
}

// bboxOf reads the 4 or 6 numbers of a BBOX literal (6: with heights, of
// which the horizontal extent is used), as the bbox parameter does.
func bboxOf(pos string, nums []string) (orb.Bound, error) {
	v := make([]float64, len(nums))
	for i, n := range nums {
		x, err := strconv.ParseFloat(n, 64)
		if err != nil {
			return orb.Bound{}, errorf(pos, "%q is not a number", n)
		}
		v[i] = x
	}
	switch len(v) {
	case 4:
	case 6:
		v = []float64{v[0], v[1], v[3], v[4]}
	default:
		return orb.Bound{}, errorf(pos, "BBOX takes 4 or 6 numbers, got %d", len(v))
	}
	// Ranges are checked by finishSpatial, once in CRS84.
	return orb.Bound{Min: orb.Point{v[0], v[1]}, Max: orb.Point{v[2], v[3]}}, nil
}

// wktString writes the parsed WKT back as text for simplefeatures, which
// checks the structure of each geometry type.
func wktString(w *tWKT) string {
	var b strings.Builder
	b.WriteString(strings.ToUpper(w.Type))
	writeSeq(&b, w.Body)
	return b.String()
}

func writeSeq(b *strings.Builder, s *tWKTSeq) {
	b.WriteByte('(')
	for i, it := range s.Items {
		if i > 0 {
			b.WriteByte(',')
		}
		switch {
		case it.Seq != nil:
			writeSeq(b, it.Seq)
		case it.Geom != nil:
			b.WriteString(wktString(it.Geom))
		default:
			b.WriteString(strings.Join(it.Coord, " "))
		}
	}
	b.WriteByte(')')
}

// convertAdv builds LIKE, BETWEEN and IN, each with a property on the left
// and literals elsewhere (as Basic CQL2's comparisons).
func convertAdv(s, pos string, left *tScalar, t *tAdv) (Expr, error) {
	if left.Prop == nil {
		return nil, errorf(pos, "LIKE, BETWEEN and IN need a property on their left")
	}
	name, err := propName(s, left.Prop)
	if err != nil {
		return nil, err
	}
	lit := func(x *tScalar) (Literal, error) {
		if x.Prop != nil {
			return Literal{}, errorf(column(s, x.Pos), "comparing two properties is not supported (a property is compared with literals)")
		}
		return literal(s, x)
	}
	switch {
	case t.Like != nil || t.ILike != nil:
		pat := t.Like
		if pat == nil {
			pat = t.ILike
		}
		p, err := lit(pat)
		if err != nil {
			return nil, err
		}
		if p.Kind != KindString {
			return nil, errorf(column(s, pat.Pos), "a LIKE pattern is a string literal")
		}
		if err := checkPattern(column(s, pat.Pos), p.Str); err != nil {
			return nil, err
		}
		return &Like{Property: name, Pattern: p.Str, Not: t.Not, Pos: pos, ASCIIFold: t.ILike != nil}, nil
	case t.Low != nil:
		lo, err := lit(t.Low)
		if err != nil {
			return nil, err
		}
		hi, err := lit(t.High)
		if err != nil {
			return nil, err
		}
		return &Between{Property: name, Low: lo, High: hi, Not: t.Not, Pos: pos}, nil
	default:
		out := &In{Property: name, Not: t.Not, Pos: pos}
		for _, x := range t.In {
			v, err := lit(x)
			if err != nil {
				return nil, err
			}
			out.Values = append(out.Values, v)
		}
		return out, nil
	}
}
