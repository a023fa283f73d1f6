package postgis

import (
	"fmt"
	"strings"

	"layoutmap/geo"
	"layoutmap/geo/cql2"
)

// queryableSQL maps each queryable property of each collection
// (geo.Schemas, Queryable) to the SQL expression whose value equals the
// property as memstore serves it: strings NULLIF'd, since a property is
// absent, never "", when unknown; zone headline fields from the year's
// headline join (alias h). "{tier}" stands for Store.tierExpr. A test holds
// this map to the queryables.
var queryableSQL = map[string]map[string]string{
	geo.CollZones: {
		"id": "z.id", "name": "NULLIF(z.name, '')", "name_en": "NULLIF(z.name_en, '')", "level": "NULLIF(z.level, '')",
		"city_code": "NULLIF(z.city_code, '')", "county_code": "NULLIF(z.county_code, '')",
		"approved_area_ha": "z.approved_area_ha::float8", "point_quality": "NULLIF(z.point_quality, '')",
		"geom_quality": "NULLIF(z.geom_quality, '')", "tier": "{tier}", "revenue_yi": "h.revenue_yi",
		"revenue_year": "h.revenue_year::float8", "measure": "NULLIF(h.measure, '')", "bound": "NULLIF(h.eff_bound, '')",
	},
	geo.CollCities:   adminQueryables,
	geo.CollCounties: adminQueryables,
	geo.CollRegions: {
		"id": "r.id", "name": "NULLIF(r.name, '')", "name_en": "NULLIF(r.name_en, '')", "kind": "NULLIF(r.kind, '')", "derived": "r.derived",
	},
}

var adminQueryables = map[string]string{
	"code": "a.code", "name": "NULLIF(a.name, '')", "name_en": "NULLIF(a.name_en, '')", "level": "a.level", "parent_code": "NULLIF(a.parent_code, '')",
}

// geomColumn is the geometry S_INTERSECTS tests, per collection alias.
var geomColumn = map[string]string{geo.CollZones: "z.geom", geo.CollCities: "a.geom", geo.CollCounties: "a.geom", geo.CollRegions: "r.geom"}

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
	case *cql2.IsNull:
		col, err := s.queryableColumn(w, coll, x.Property)
		if err != nil {
			return "", err
		}
		if x.Not {
			return "(" + col + " IS NOT NULL)", nil
		}
		return "(" + col + " IS NULL)", nil
	case *cql2.Compare:
		col, err := s.queryableColumn(w, coll, x.Property)
		if err != nil {
			return "", err
		}
		var val string
		switch x.Value.Kind {
		case cql2.KindString:
			col += ` COLLATE "C"`
			val = w.arg(x.Value.Str) + "::text"
		case cql2.KindNumber:
			val = w.arg(x.Value.Num) + "::float8"
		case cql2.KindBool:
			val = w.arg(x.Value.Bool) + "::boolean"
		default:
			return "", fmt.Errorf("postgis: cql2 literal of kind %s", x.Value.Kind)
		}
		return "(" + col + " " + x.Op + " " + val + ")", nil
	case *cql2.Like:
		col, err := s.queryableColumn(w, coll, x.Property)
		if err != nil {
			return "", err
		}
		// PostgreSQL's LIKE: % and _ by character, \ the default escape,
		// case-sensitive; byte order irrelevant, COLLATE "C" as everywhere.
		return "(" + col + ` COLLATE "C"` + notSQL(x.Not) + " LIKE " + w.arg(x.Pattern) + "::text)", nil
	case *cql2.Between:
		col, err := s.queryableColumn(w, coll, x.Property)
		if err != nil {
			return "", err
		}
		return "(" + col + notSQL(x.Not) + " BETWEEN " + w.arg(x.Low.Num) + "::float8 AND " + w.arg(x.High.Num) + "::float8)", nil
	case *cql2.In:
		col, err := s.queryableColumn(w, coll, x.Property)
		if err != nil {
			return "", err
		}
		vals := make([]string, len(x.Values))
		for i, v := range x.Values {
			switch v.Kind {
			case cql2.KindString:
				vals[i] = w.arg(v.Str) + "::text"
			case cql2.KindNumber:
				vals[i] = w.arg(v.Num) + "::float8"
			case cql2.KindBool:
				vals[i] = w.arg(v.Bool) + "::boolean"
			default:
				return "", fmt.Errorf("postgis: cql2 IN literal of kind %s", v.Kind)
			}
		}
		if x.Values[0].Kind == cql2.KindString {
			col += ` COLLATE "C"`
		}
		return "(" + col + notSQL(x.Not) + " IN (" + strings.Join(vals, ", ") + "))", nil
	case *cql2.Intersects:
		test := func(g string) string {
			if x.Box != nil {
				return w.bbox(g, x.Box)
			}
			lit := "ST_GeomFromText(" + w.arg(x.Geometry.AsText()) + "::text, 4326)"
			return "(" + g + " && " + lit + " AND ST_Intersects(" + g + ", " + lit + "))"
		}
		if coll == geo.CollZones {
			return zoneGeomMatch(test("z.geom"), test("z.point")), nil
		}
		return test(geomColumn[coll]), nil
	}
	return "", fmt.Errorf("postgis: cql2 expression %T", e)
}

func (s *Store) queryableColumn(w *where, coll, prop string) (string, error) {
	col, ok := queryableSQL[coll][prop]
	if !ok {
		// Filter.Check rejects these before; reaching here is a bug.
		return "", fmt.Errorf("postgis: no SQL for queryable %s.%s", coll, prop)
	}
	if col == "{tier}" {
		return s.tierExpr(w), nil
	}
	return col, nil
}

func notSQL(not bool) string {
	if not {
		return " NOT"
	}
	return ""
}
