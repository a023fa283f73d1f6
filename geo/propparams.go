package geo

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strconv"

	"layoutmap/geo/cql2"
)

// Property parameters: `?city_code=410100` on items selects the features
// whose queryable city_code equals 410100, as OGC API Features Part 3's
// "queryables as query parameters" (/req/queryables-query-parameters/
// parameters) and Part 1's /rec/core/fc-filters describe. Every queryable
// of a collection with a simple value (string, number, integer, boolean)
// gets one, except where a parameter of the filter contract already has
// that name (zones' tier and measure keep the contract's meaning: tier a
// list of tiers, measure a measure family), so that class is not declared.
//
// GDAL 3.6's OAPIF driver pushes a -where clause to the server only for
// fields it finds as query parameters of the items path in the OpenAPI
// document; these parameters are how it learns them.

// PropertyParams returns the property parameters of coll in field-table
// order: its simple queryables whose names no other items parameter takes
// (FilterParams, PagingParams and reserved, the caller's own parameters).
func PropertyParams(coll string, reserved ...string) []Field {
	var out []Field
	for _, fd := range Schemas[coll].Fields {
		if !fd.Queryable || slices.Contains(FilterParams, fd.Name) || slices.Contains(PagingParams, fd.Name) || slices.Contains(reserved, fd.Name) {
			continue
		}
		switch fd.Type {
		case TypeString, TypeNumber, TypeInteger, TypeBoolean:
			out = append(out, fd)
		}
	}
	return out
}

// PropertyFilter reads the property parameters of coll from q: it returns
// the equality comparisons they ask for (nil when none), the parameters as
// given (links repeat them), and q without them. A value that is not of
// the queryable's type, or a parameter given twice, is a FieldError.
func PropertyFilter(coll string, q url.Values, reserved ...string) (cql2.Expr, url.Values, url.Values, FieldErrors) {
	var args []cql2.Expr
	var errs FieldErrors
	given := url.Values{}
	rest := url.Values{}
	props := PropertyParams(coll, reserved...)
	for k, v := range q {
		rest[k] = v
	}
	for _, fd := range props {
		vs, ok := q[fd.Name]
		if !ok {
			continue
		}
		delete(rest, fd.Name)
		if len(vs) > 1 {
			errs = append(errs, &FieldError{Field: fd.Name, Reason: "given more than once"})
			continue
		}
		v := vs[0]
		if len(v) > maxParamLen {
			errs = append(errs, &FieldError{Field: fd.Name, Reason: fmt.Sprintf("longer than %d bytes", maxParamLen)})
			continue
		}
		lit, err := propertyLiteral(fd, v)
		if err != nil {
			errs = append(errs, &FieldError{Field: fd.Name, Reason: err.Error()})
			continue
		}
		given.Set(fd.Name, v)
		args = append(args, &cql2.Compare{Property: fd.Name, Op: "=", Value: lit, Pos: "parameter " + fd.Name})
	}
	switch {
	case len(errs) > 0:
		return nil, nil, rest, errs
	case len(args) == 0:
		return nil, nil, rest, nil
	case len(args) == 1:
		return args[0], given, rest, nil
	}
	// Field-table order already; a stable order keeps cache keys stable.
	return &cql2.And{Args: args}, given, rest, nil
}

func propertyLiteral(fd Field, v string) (cql2.Literal, error) {
	switch fd.Type {
	case TypeNumber, TypeInteger:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return cql2.Literal{}, fmt.Errorf("must be a number (the queryable %s is a %s), got %q", fd.Name, fd.Type, Clip(v))
		}
		if fd.Type == TypeInteger && x != math.Trunc(x) {
			return cql2.Literal{}, fmt.Errorf("must be a whole number, got %q", Clip(v))
		}
		return cql2.Literal{Kind: cql2.KindNumber, Num: x}, nil
	case TypeBoolean:
		b, err := strconv.ParseBool(v)
		if err != nil || (v != "true" && v != "false") {
			return cql2.Literal{}, fmt.Errorf("must be true or false, got %q", Clip(v))
		}
		return cql2.Literal{Kind: cql2.KindBool, Bool: b}, nil
	}
	return cql2.Literal{Kind: cql2.KindString, Str: v}, nil
}

// WithProperties adds the property parameters' comparisons (from
// PropertyFilter) to f's CQL2 filter, AND-ed with it; props are the
// parameters as given, which Encode repeats.
func (f *Filter) WithProperties(e cql2.Expr, props url.Values) {
	if e == nil {
		return
	}
	f.Props = props
	if f.CQL == nil {
		f.CQL = &CQLFilter{Expr: e}
		return
	}
	f.CQL = &CQLFilter{Expr: &cql2.And{Args: []cql2.Expr{f.CQL.Expr, e}}, Text: f.CQL.Text, Lang: f.CQL.Lang, CRS: f.CQL.CRS}
}

// DraftCompat adapts a filter given as cql-text (FilterLangDraftText) to
// what its clients send: GDAL holds a boolean field as an integer 0/1
// (OGR's OFSTBoolean), so its -where "derived = 1" arrives as a boolean
// queryable compared with the number 1. Under cql-text only, such a 0 or 1
// is read as FALSE or TRUE; cql2-text keeps CQL2's strict typing.
func DraftCompat(coll string, f *CQLFilter) {
	if f == nil || f.Lang != FilterLangDraftText {
		return
	}
	kind := QueryableKind(coll)
	cql2.Walk(f.Expr, func(x cql2.Expr) {
		c, ok := x.(*cql2.Compare)
		if !ok || c.Value.Kind != cql2.KindNumber || (c.Value.Num != 0 && c.Value.Num != 1) {
			return
		}
		if k, ok := kind(c.Property); ok && k == cql2.KindBool {
			c.Value = cql2.Literal{Kind: cql2.KindBool, Bool: c.Value.Num == 1}
		}
	})
}
