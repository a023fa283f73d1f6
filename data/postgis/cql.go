package postgis

import (
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"layoutmap/geo"
	"layoutmap/geo/cql2"
)

// fieldSQL is the SQL value of field f of the field table (geo.Field.SQL):
// "{tier}" becomes the tier expression (built by tier, which adds its
// parameters to the query), a list is flattened as geo.FlatList does
// ("|a|b|", NULL for none). Its value equals the property as memstore
// serves it (strings NULLIF'd: a property is absent, never "", when
// unknown).
func fieldSQL(f geo.Field, tier func() string) string {
	e := f.SQL
	if strings.Contains(e, "{tier}") {
		e = strings.ReplaceAll(e, "{tier}", tier())
	}
	if f.Type == geo.TypeArray {
		sep := "'" + geo.ListSep + "'"
		e = "NULLIF(" + sep + " || array_to_string(" + e + ", " + sep + ") || " + sep + ", " + sep + " || " + sep + ")"
	}
	return e
}

// tileColumns is the property columns of an ST_AsMVT row query of
// collection coll at zoom z: every field its tiles carry at z
// (geo.CollectionSchema.TileFieldsAt), as its name.
func (s *Store) tileColumns(w *where, coll string, z uint32) string {
	fields := geo.Schemas[coll].TileFieldsAt(z)
	cols := make([]string, len(fields))
	for i, f := range fields {
		cols[i] = fieldSQL(f, func() string { return s.tierExpr(w) }) + " AS " + pgx.Identifier{f.Name}.Sanitize()
	}
	return strings.Join(cols, ", ")
}

// cqlWhere compiles a checked CQL2 expression to SQL with bind parameters:
// AND, OR, NOT and comparisons keep SQL's three-valued logic, which is
// cql2.Match's; text compares byte-wise (COLLATE "C"), as Go does.
func (s *Store) cqlWhere(w *where, coll string, e cql2.Expr) (string, error) {
	switch x := e.(type) {
	case *cql2.And, *cql2.Or:
		var args []cql2.Expr
		op := " AND "
		if a, ok := x.(*cql2.And); ok {
			args = a.Args
		} else {
			args, op = x.(*cql2.Or).Args, " OR "
		}
		parts := make([]string, len(args))
		for i, a := range args {
			p, err := s.cqlWhere(w, coll, a)
			if err != nil {
				return "", err
			}
			parts[i] = p
		}
		return "(" + strings.Join(parts, op) + ")", nil
	case *cql2.Const:
		if x.Value {
			return "TRUE", nil
		}
		return "FALSE", nil
	case *cql2.Not:
		p, err := s.cqlWhere(w, coll, x.Arg)
		if err != nil {
			return "", err
		}
		return "(NOT " + p + ")", nil
	case *cql2.Intersects:
		return cqlIntersects(w, coll, x), nil
	}
	return s.cqlPredicate(w, coll, e)
}

// cqlPredicate compiles a predicate on one queryable property.
func (s *Store) cqlPredicate(w *where, coll string, e cql2.Expr) (string, error) {
	var prop string
	switch x := e.(type) {
	case *cql2.IsNull:
		prop = x.Property
	case *cql2.Compare:
		prop = x.Property
	case *cql2.Like:
		prop = x.Property
	case *cql2.Between:
		prop = x.Property
	case *cql2.In:
		prop = x.Property
	default:
		return "", fmt.Errorf("postgis: cql2 expression %T", e)
	}
	col, err := s.queryableColumn(w, coll, prop)
	if err != nil {
		return "", err
	}
	switch x := e.(type) {
	case *cql2.IsNull:
		if x.Not {
			return "(" + col + " IS NOT NULL)", nil
		}
		return "(" + col + " IS NULL)", nil
	case *cql2.Compare:
		val, err := cqlLiteral(w, x.Value)
		if err != nil {
			return "", err
		}
		if x.Value.Kind == cql2.KindString {
			col += ` COLLATE "C"`
		}
		return "(" + col + " " + x.Op + " " + val + ")", nil
	case *cql2.Like:
		// PostgreSQL's LIKE: % and _ by character, \ the default escape,
		// case-sensitive; byte order irrelevant, COLLATE "C" as everywhere.
		if x.ASCIIFold {
			// The draft cql-text's ILIKE: lower() under COLLATE "C"
			// folds ASCII letters only, as memstore does.
			return "(lower(" + col + ` COLLATE "C")` + notSQL(x.Not) + " LIKE lower(" + w.arg(x.Pattern) + `::text COLLATE "C"))`, nil
		}
		return "(" + col + ` COLLATE "C"` + notSQL(x.Not) + " LIKE " + w.arg(x.Pattern) + "::text)", nil
	case *cql2.Between:
		return "(" + col + notSQL(x.Not) + " BETWEEN " + w.arg(x.Low.Num) + "::float8 AND " + w.arg(x.High.Num) + "::float8)", nil
	}
	x := e.(*cql2.In)
	vals := make([]string, len(x.Values))
	for i, v := range x.Values {
		if vals[i], err = cqlLiteral(w, v); err != nil {
			return "", err
		}
	}
	if x.Values[0].Kind == cql2.KindString {
		col += ` COLLATE "C"`
	}
	return "(" + col + notSQL(x.Not) + " IN (" + strings.Join(vals, ", ") + "))", nil
}

// cqlLiteral is a literal as a typed bind parameter.
func cqlLiteral(w *where, v cql2.Literal) (string, error) {
	switch v.Kind {
	case cql2.KindString:
		return w.arg(v.Str) + "::text", nil
	case cql2.KindNumber:
		return w.arg(v.Num) + "::float8", nil
	case cql2.KindBool:
		return w.arg(v.Bool) + "::boolean", nil
	}
	return "", fmt.Errorf("postgis: cql2 literal of kind %s", v.Kind)
}

// cqlIntersects is S_INTERSECTS on the collection's geometry (the
// descriptor's Geom; a zone without an outline is its point).
func cqlIntersects(w *where, coll string, x *cql2.Intersects) string {
	test := func(g string) string {
		if x.Box != nil {
			return w.bbox(g, x.Box)
		}
		lit := "ST_GeomFromText(" + w.arg(x.Geometry.AsText()) + "::text, 4326)"
		return "(" + g + " && " + lit + " AND ST_Intersects(" + g + ", " + lit + "))"
	}
	d := geo.Schemas[coll]
	if coll == geo.CollZones {
		return zoneGeomMatch(test(d.Geom), test(d.Point))
	}
	return test(d.Geom)
}

func (s *Store) queryableColumn(w *where, coll, prop string) (string, error) {
	f, ok := geo.Schemas[coll].Field(prop)
	if !ok || !f.Queryable || f.SQL == "" {
		// Filter.Check rejects these before; reaching here is a bug.
		return "", fmt.Errorf("postgis: no SQL for queryable %s.%s", coll, prop)
	}
	col := fieldSQL(f, func() string { return s.tierExpr(w) })
	if f.Type == geo.TypeNumber || f.Type == geo.TypeInteger {
		// CQL2 numbers are compared as float8 parameters.
		col = "(" + col + ")::float8"
	}
	return col, nil
}

func notSQL(not bool) string {
	if not {
		return " NOT"
	}
	return ""
}
