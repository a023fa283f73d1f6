package geo

import (
	"fmt"
	"slices"
	"strings"
)

// The filter contract on the enterprises collection: bbox, city, cluster,
// chain, region as for zones, year accepted and selecting nothing (the year
// rule, enterprise_year.go), plus class (any of
// the listed classes) and zone (any of the listed zones). Within a list any
// value matches; across parameters all must. Revenue parameters do not
// apply: enterprises carry no revenue.

// parseClasses reads class values (ids or Chinese names) as ids.
func parseClasses(vs []string, bad func(field, format string, args ...any)) []string {
	var out []string
	for _, v := range vs {
		b, ok := ParseEnterpriseClass(v)
		if !ok {
			ids := make([]string, len(EnterpriseClasses))
			for i, ec := range EnterpriseClasses {
				ids[i] = ec.ID + " (" + ec.Name + ")"
			}
			bad("class", "unknown class %q; classes: %s", Clip(v), strings.Join(ids, ", "))
			continue
		}
		if id := b.IDs()[0]; !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// enterpriseOnly rejects the parts of f that do not apply to enterprises.
func (f Filter) enterpriseOnly() FieldErrors {
	var errs FieldErrors
	for _, k := range []struct {
		name  string
		given bool
	}{{"tier", len(f.Tier) > 0}, {"measure", f.Measure != ""}, {"min_revenue", f.MinRevenue != nil}, {"max_revenue", f.MaxRevenue != nil}} {
		if k.given {
			errs = append(errs, &FieldError{Field: k.name, Reason: "applies to zones (revenue); enterprises carry none"})
		}
	}
	if s := strings.TrimPrefix(f.SortBy, "-"); s == "revenue" || s == "area" || s == "code" {
		errs = append(errs, &FieldError{Field: "sortby", Reason: "enterprises sort by id or name"})
	}
	if f.CQL != nil {
		errs = append(errs, &FieldError{Field: "filter", Reason: "CQL2 filters are not yet supported on enterprises; use the query parameters (bbox, city, cluster, chain, region, class, zone, year)"})
	}
	return errs
}

// ClassMask is the mask of f.Class (0: any class).
func (f Filter) ClassMask() EnterpriseClassMask { return MaskOf(f.Class) }

// MatchEnterprise reports whether e passes f, bbox included (bounds are
// inclusive, as for every collection). It is the reference rule; stores
// may evaluate it faster but must agree (the differential test holds them
// to it). regionMembers maps a region id to its member city codes. f.Year
// selects nothing (the year rule of enterprise_year.go).
func (f Filter) MatchEnterprise(e *Enterprise, regionMembers func(regionID string) []string) bool {
	switch {
	case f.BBox != nil && !f.BBox.Contains(e.Point):
		return false
	case len(f.City) > 0 && !slices.Contains(f.City, e.CityCode):
		return false
	case len(f.Cluster) > 0 && !slices.ContainsFunc(e.Clusters, func(c string) bool { return slices.Contains(f.Cluster, c) }):
		return false
	case len(f.Chain) > 0 && !slices.ContainsFunc(e.Chains, func(c string) bool { return slices.Contains(f.Chain, c) }):
		return false
	case len(f.Region) > 0 && !slices.ContainsFunc(f.Region, func(r string) bool { return slices.Contains(regionMembers(r), e.CityCode) }):
		return false
	case len(f.Class) > 0 && e.Classes&f.ClassMask() == 0:
		return false
	case len(f.Zone) > 0 && !slices.Contains(f.Zone, e.ZoneID):
		return false
	}
	return true
}

// EnterpriseCell is one aggregation cell of the enterprises tile layer:
// the XYZ tile Z/X/Y it covers (zoom = tile zoom + EnterpriseCellBits),
// how many enterprises match in it, per class (index of
// EnterpriseClasses) and per chain id, and the mean of their points
// (where the bubble is drawn; always inside the cell).
type EnterpriseCell struct {
	Z, X, Y uint32
	Count   int
	Classes [8]int
	Chains  map[string]int
	Point   [2]float64
}

// EnterpriseTile is what a store gives for one tile of the enterprises
// layer: every matching enterprise (Points) when at most
// EnterpriseTilePoints match in the tile, else every non-empty cell.
// Matched is the number of matching enterprises in the tile either way.
type EnterpriseTile struct {
	Matched int
	Points  []Enterprise
	Cells   []EnterpriseCell
}

// CellBound is the WGS84 bound of a cell (for items over the same area).
func (c EnterpriseCell) Bound() string {
	b := TileBound(c.Z, c.X, c.Y)
	return fmt.Sprintf("%g,%g,%g,%g", b.Min[0], b.Min[1], b.Max[0], b.Max[1])
}
