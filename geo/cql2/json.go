package cql2

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	sf "github.com/peterstace/simplefeatures/geom"
)

// ParseJSON parses a cql2-json expression: {"op": "and"|"or"|"not"|"="|
// "<>"|"<"|">"|"<="|">="|"isNull"|"s_intersects", "args": […]}, properties as
// {"property": "name"}, literals as JSON strings, numbers, booleans,
// {"timestamp": …} or {"date": …}, {"bbox": [w,s,e,n]} and GeoJSON
// geometry objects. Errors are *Error naming the JSON path.
func ParseJSON(s string) (Expr, error) { return ParseJSONIn(s, nil) }

// ParseJSONIn parses a cql2-json expression whose geometry literals are in
// the CRS to converts from (filter-crs); nil is CRS84.
func ParseJSONIn(s string, to Coords) (Expr, error) {
	e, err := parseJSON(s)
	if err != nil {
		return nil, err
	}
	return e, finishSpatial(e, to)
}

func parseJSON(s string) (Expr, error) {
	if len(s) > MaxLength {
		return nil, errorf("$", "longer than %d bytes", MaxLength)
	}
	dec := json.NewDecoder(strings.NewReader(s))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, errorf("$", "not JSON: %v", err)
	}
	if dec.More() {
		return nil, errorf("$", "more than one JSON value")
	}
	return jsonExpr(v, "$", 0)
}

// jsonExpr reads the boolean expression v at path (a JSON path for
// errors), depth levels deep.
func jsonExpr(v any, path string, depth int) (Expr, error) {
	if depth > maxDepth {
		return nil, errorf(path, "nested deeper than %d", maxDepth)
	}
	if b, ok := v.(bool); ok {
		return &Const{Value: b}, nil
	}
	op, args, err := jsonOp(v, path)
	if err != nil {
		return nil, err
	}
	argPath := func(i int) string { return fmt.Sprintf("%s.args[%d]", path, i) }
	switch strings.ToLower(op) {
	case "and", "or", "not":
		return jsonLogic(op, args, path, argPath, depth)
	case "=", "<>", "<", ">", "<=", ">=":
		return jsonCompare(op, args, path, argPath)
	case "isnull":
		if len(args) != 1 {
			return nil, errorf(path, "isNull takes 1 argument, got %d", len(args))
		}
		p, ok := property(args[0])
		if !ok {
			return nil, errorf(argPath(0), "isNull needs a property")
		}
		return &IsNull{Property: p, Pos: path}, nil
	case "like", "between", "in":
		return jsonAdvanced(strings.ToLower(op), args, path, argPath)
	case "s_intersects":
		return jsonIntersects(args, path, argPath)
	}
	return nil, errorf(path+".op", "operator %q is not supported; supported: and, or, not, =, <>, <, >, <=, >=, isNull, like, between, in, s_intersects", op)
}

// jsonOp reads the op and args of an operation object; no other member
// is allowed.
func jsonOp(v any, path string) (op string, args []any, err error) {
	m, ok := v.(map[string]any)
	if !ok {
		return "", nil, errorf(path, "a boolean expression must be true, false or an object with op and args")
	}
	op, _ = m["op"].(string)
	args, ok = m["args"].([]any)
	if op == "" || !ok {
		return "", nil, errorf(path, "a boolean expression needs \"op\" (a string) and \"args\" (an array)")
	}
	for k := range m {
		if k != "op" && k != "args" {
			return "", nil, errorf(path, "unexpected member %q", k)
		}
	}
	return op, args, nil
}

// jsonLogic reads and, or (at least 2 arguments) and not (1).
func jsonLogic(op string, args []any, path string, argPath func(int) string, depth int) (Expr, error) {
	if strings.EqualFold(op, "not") {
		if len(args) != 1 {
			return nil, errorf(path, "not takes 1 argument, got %d", len(args))
		}
		e, err := jsonExpr(args[0], argPath(0), depth+1)
		if err != nil {
			return nil, err
		}
		return &Not{Arg: e}, nil
	}
	if len(args) < 2 {
		return nil, errorf(path, "%s takes at least 2 arguments, got %d", op, len(args))
	}
	var es []Expr
	for i, a := range args {
		e, err := jsonExpr(a, argPath(i), depth+1)
		if err != nil {
			return nil, err
		}
		es = append(es, e)
	}
	if strings.EqualFold(op, "and") {
		return &And{Args: es}, nil
	}
	return &Or{Args: es}, nil
}

// jsonCompare reads a comparison of a property with a literal, on either
// side (the literal first mirrors the operator).
func jsonCompare(op string, args []any, path string, argPath func(int) string) (Expr, error) {
	if len(args) != 2 {
		return nil, errorf(path, "%s takes 2 arguments, got %d", op, len(args))
	}
	p0, ok0 := property(args[0])
	p1, ok1 := property(args[1])
	switch {
	case ok0 && ok1:
		return nil, errorf(argPath(1), "comparing two properties is not supported (Basic CQL2 compares a property with a literal)")
	case ok0:
		lit, err := jsonLiteral(args[1], argPath(1))
		if err != nil {
			return nil, err
		}
		return &Compare{Property: p0, Op: op, Value: lit, Pos: path}, nil
	case ok1:
		lit, err := jsonLiteral(args[0], argPath(0))
		if err != nil {
			return nil, err
		}
		return &Compare{Property: p1, Op: mirror[op], Value: lit, Pos: path}, nil
	}
	return nil, errorf(path, "a comparison needs a property on one side")
}

// jsonIntersects reads s_intersects of the geometry property and a
// geometry literal, in either order.
func jsonIntersects(args []any, path string, argPath func(int) string) (Expr, error) {
	if len(args) != 2 {
		return nil, errorf(path, "s_intersects takes 2 arguments, got %d", len(args))
	}
	lit, li := args[1], 1
	p, ok := property(args[0])
	if !ok {
		p, ok = property(args[1])
		lit, li = args[0], 0
	}
	if !ok {
		return nil, errorf(path, "s_intersects needs the geometry property and one geometry literal")
	}
	return jsonSpatial(p, lit, argPath(li), path)
}

func property(v any) (string, bool) {
	m, ok := v.(map[string]any)
	if !ok || len(m) != 1 {
		return "", false
	}
	p, ok := m["property"].(string)
	return p, ok && p != ""
}

func jsonLiteral(v any, path string) (Literal, error) {
	switch x := v.(type) {
	case string:
		return Literal{Kind: KindString, Str: x}, nil
	case bool:
		return Literal{Kind: KindBool, Bool: x}, nil
	case json.Number:
		f, err := strconv.ParseFloat(string(x), 64)
		if err != nil {
			return Literal{}, errorf(path, "%s is not a number", x)
		}
		return Literal{Kind: KindNumber, Num: f}, nil
	case map[string]any:
		for k, layout := range map[string]string{"timestamp": time.RFC3339Nano, "date": time.DateOnly} {
			if t, ok := x[k].(string); ok && len(x) == 1 {
				if _, err := time.Parse(layout, t); err != nil {
					return Literal{}, errorf(path, "%s %q is not valid", k, t)
				}
				return Literal{Kind: KindTimestamp, Str: t, Date: k == "date"}, nil
			}
		}
	}
	return Literal{}, errorf(path, "expected a string, number, boolean, timestamp or date literal")
}

func jsonSpatial(prop string, lit any, litPath, path string) (Expr, error) {
	out := &Intersects{Property: prop, Pos: path, litPos: litPath}
	m, ok := lit.(map[string]any)
	if !ok {
		return nil, errorf(litPath, "expected {\"bbox\": […]} or a GeoJSON geometry")
	}
	if raw, ok := m["bbox"].([]any); ok && len(m) == 1 {
		nums := make([]string, len(raw))
		for i, n := range raw {
			x, ok := n.(json.Number)
			if !ok {
				return nil, errorf(fmt.Sprintf("%s.bbox[%d]", litPath, i), "not a number")
			}
			nums[i] = string(x)
		}
		box, err := bboxOf(litPath, nums)
		if err != nil {
			return nil, err
		}
		out.Box = &box
		return out, nil
	}
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(m); err != nil {
		return nil, errorf(litPath, "%v", err)
	}
	g, err := sf.UnmarshalGeoJSON(buf.Bytes())
	if err != nil {
		return nil, errorf(litPath, "invalid GeoJSON geometry: %v", err)
	}
	out.Geometry = g
	return out, nil
}

// jsonAdvanced reads like ([property, pattern]), between ([property, low,
// high]) and in ([property, [values…]]).
func jsonAdvanced(op string, args []any, path string, argPath func(int) string) (Expr, error) {
	want := map[string]int{"like": 2, "between": 3, "in": 2}[op]
	if len(args) != want {
		return nil, errorf(path, "%s takes %d arguments, got %d", op, want, len(args))
	}
	p, ok := property(args[0])
	if !ok {
		return nil, errorf(argPath(0), "%s needs a property as its first argument", op)
	}
	switch op {
	case "like":
		pat, ok := args[1].(string)
		if !ok {
			return nil, errorf(argPath(1), "a like pattern is a string")
		}
		if err := checkPattern(argPath(1), pat); err != nil {
			return nil, err
		}
		return &Like{Property: p, Pattern: pat, Pos: path}, nil
	case "between":
		lo, err := jsonLiteral(args[1], argPath(1))
		if err != nil {
			return nil, err
		}
		hi, err := jsonLiteral(args[2], argPath(2))
		if err != nil {
			return nil, err
		}
		return &Between{Property: p, Low: lo, High: hi, Pos: path}, nil
	}
	list, ok := args[1].([]any)
	if !ok || len(list) == 0 {
		return nil, errorf(argPath(1), "in needs a non-empty array of literals")
	}
	out := &In{Property: p, Pos: path}
	for i, v := range list {
		l, err := jsonLiteral(v, fmt.Sprintf("%s[%d]", argPath(1), i))
		if err != nil {
			return nil, err
		}
		out.Values = append(out.Values, l)
	}
	return out, nil
}
