package tiles

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"layoutmap/geo"
)

// ParseRequest reads a tile request: z, x and y as they appear in the path
// (y may carry the ".mvt" suffix) and the query holding the filter contract
// (cluster, chain, region, city, tier, year, min_revenue, max_revenue).
// Every problem comes back as geo.FieldErrors naming the parameter: a
// non-numeric or out-of-range z/x/y, z beyond geo.MaxZoom, bbox (a tile is
// its own bbox) or any unknown parameter. It never panics and bounds what
// it reads.
func ParseRequest(z, x, y string, query url.Values) (geo.TileQuery, error) {
	var errs geo.FieldErrors
	q := geo.TileQuery{}
	zv, zerr := parseCoord("z", z, geo.MaxZoom)
	if zerr != nil {
		errs = append(errs, zerr)
	}
	q.Z = zv
	limit := uint32(1)<<q.Z - 1
	if zerr != nil {
		limit = 1<<geo.MaxZoom - 1 // check x/y syntax anyway
	}
	xv, xerr := parseCoord("x", x, limit)
	if xerr != nil {
		errs = append(errs, xerr)
	}
	yv, yerr := parseCoord("y", strings.TrimSuffix(y, ".mvt"), limit)
	if yerr != nil {
		errs = append(errs, yerr)
	}
	q.X, q.Y = xv, yv
	f, ferr := geo.ParseFilter(query, false)
	if fes, ok := geo.AsFieldErrors(ferr); ok {
		errs = append(errs, fes...)
	} else if ferr != nil {
		return geo.TileQuery{}, fmt.Errorf("tiles: parsing filter: %w", ferr)
	}
	if f.BBox != nil {
		errs = append(errs, &geo.FieldError{Field: "bbox", Reason: "does not apply to tiles: a tile is its own bbox"})
	}
	if len(errs) > 0 {
		return geo.TileQuery{}, errs
	}
	f.BBox = nil
	f.Limit = 0
	q.Filter = f
	return q, nil
}

// parseCoord parses a tile coordinate in [0, max].
func parseCoord(field, s string, max uint32) (uint32, *geo.FieldError) {
	if s == "" || len(s) > 10 {
		return 0, &geo.FieldError{Field: field, Reason: fmt.Sprintf("must be a whole number from 0 to %d, got %q", max, clipText(s))}
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, &geo.FieldError{Field: field, Reason: fmt.Sprintf("must be a whole number from 0 to %d, got %q", max, clipText(s))}
		}
	}
	v, err := strconv.ParseUint(s, 10, 32)
	if err != nil || v > uint64(max) {
		what := "out of range"
		if field == "z" {
			what = fmt.Sprintf("beyond the maximum zoom %d", geo.MaxZoom)
		}
		return 0, &geo.FieldError{Field: field, Reason: fmt.Sprintf("%s: must be from 0 to %d, got %s", what, max, clipText(s))}
	}
	return uint32(v), nil
}

// Validate checks a query built in code rather than parsed: z within
// geo.MinZoom..geo.MaxZoom and x, y inside the zoom's grid.
func Validate(q geo.TileQuery) error {
	if q.Z > geo.MaxZoom {
		return geo.FieldErrors{{Field: "z", Reason: fmt.Sprintf("beyond the maximum zoom %d, got %d", geo.MaxZoom, q.Z)}}
	}
	n := uint32(1) << q.Z
	var errs geo.FieldErrors
	if q.X >= n {
		errs = append(errs, &geo.FieldError{Field: "x", Reason: fmt.Sprintf("out of range: must be from 0 to %d, got %d", n-1, q.X)})
	}
	if q.Y >= n {
		errs = append(errs, &geo.FieldError{Field: "y", Reason: fmt.Sprintf("out of range: must be from 0 to %d, got %d", n-1, q.Y)})
	}
	if len(errs) > 0 {
		return errs
	}
	return nil
}

// Key is the normalised request: "z/x/y" and the filter in canonical form.
// Two requests meaning the same tile have the same key.
func Key(q geo.TileQuery) string {
	k := strconv.FormatUint(uint64(q.Z), 10) + "/" + strconv.FormatUint(uint64(q.X), 10) + "/" + strconv.FormatUint(uint64(q.Y), 10)
	if f := q.Filter.Encode().Encode(); f != "" {
		k += "?" + f
	}
	return k
}

func clipText(s string) string {
	if len(s) > 16 {
		return s[:16] + "…"
	}
	return s
}
