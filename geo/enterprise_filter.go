package geo

import (
	"fmt"
	"net/url"
	"slices"
	"strings"
)

// EnterpriseParams are the parameters the enterprises collection takes on
// top of the filter contract: class (any of the listed classes) and zone
// (any of the listed zone ids).
var EnterpriseParams = []string{"class", "zone"}

// EnterpriseQuery is the filter of enterprise items, tiles and statistics:
// the filter contract (bbox, city, cluster, chain, region; year is the
// list's year) plus classes and zones. Within a list any value matches;
// across parameters all must.
type EnterpriseQuery struct {
	Filter  Filter
	Classes EnterpriseClassMask // 0: any
	Zones   []string
}

// ParseEnterpriseQuery reads an enterprise query from query values (with
// paging for items). extra names further parameters the caller reads. The
// zone-only revenue parameters (tier, measure, min_revenue, max_revenue)
// and revenue/area sorting are field errors: enterprises have no revenue.
func ParseEnterpriseQuery(q url.Values, paging bool, extra ...string) (EnterpriseQuery, error) {
	f, err := ParseFilter(q, paging, slices.Concat(EnterpriseParams, extra)...)
	errs, _ := AsFieldErrors(err)
	if err != nil && errs == nil {
		return EnterpriseQuery{}, err
	}
	eq := EnterpriseQuery{Filter: f}
	for _, v := range q["class"] {
		for _, c := range strings.Split(v, ",") {
			if c = strings.TrimSpace(c); c == "" {
				continue
			}
			b, ok := ParseEnterpriseClass(c)
			if !ok {
				ids := make([]string, len(EnterpriseClasses))
				for i, ec := range EnterpriseClasses {
					ids[i] = ec.ID + " (" + ec.Name + ")"
				}
				errs = append(errs, &FieldError{Field: "class", Reason: fmt.Sprintf("unknown class %q; classes: %s", Clip(c), strings.Join(ids, ", "))})
				continue
			}
			eq.Classes |= b
		}
	}
	for _, v := range q["zone"] {
		for _, z := range strings.Split(v, ",") {
			if z = strings.TrimSpace(z); z == "" {
				continue
			}
			if !idPattern.MatchString(z) {
				errs = append(errs, &FieldError{Field: "zone", Reason: fmt.Sprintf("%q is not a valid identifier", Clip(z))})
				continue
			}
			if !slices.Contains(eq.Zones, z) {
				eq.Zones = append(eq.Zones, z)
			}
			if len(eq.Zones) > MaxListValues {
				errs = append(errs, &FieldError{Field: "zone", Reason: fmt.Sprintf("more than %d values", MaxListValues)})
				eq.Zones = nil
			}
		}
	}
	for k, given := range map[string]bool{"tier": len(f.Tier) > 0, "measure": f.Measure != "", "min_revenue": f.MinRevenue != nil, "max_revenue": f.MaxRevenue != nil} {
		if given {
			errs = append(errs, &FieldError{Field: k, Reason: "applies to zones (revenue); enterprises have none"})
		}
	}
	if s := strings.TrimPrefix(f.SortBy, "-"); s == "revenue" || s == "area" || s == "code" {
		errs = append(errs, &FieldError{Field: "sortby", Reason: "enterprises sort by id or name"})
	}
	slices.SortFunc(errs, func(a, b *FieldError) int { return strings.Compare(a.Field, b.Field) })
	if len(errs) > 0 {
		return eq, errs
	}
	return eq, nil
}

// Check validates the ids of q against the known vocabulary (kinds city,
// cluster, chain, region, zone); every store calls it.
func (q EnterpriseQuery) Check(known func(kind, id string) bool) FieldErrors {
	var errs FieldErrors
	check := func(kind string, ids []string) {
		for _, id := range ids {
			if !known(kind, id) {
				errs = append(errs, &FieldError{Field: kind, Reason: fmt.Sprintf("unknown %s %q", kind, Clip(id))})
			}
		}
	}
	check("city", q.Filter.City)
	check("cluster", q.Filter.Cluster)
	check("chain", q.Filter.Chain)
	check("region", q.Filter.Region)
	check("zone", q.Zones)
	if q.Filter.CQL != nil {
		errs = append(errs, &FieldError{Field: "filter", Reason: "CQL2 filters are not yet supported on enterprises; use the query parameters"})
	}
	return errs
}

// Encode returns the query as canonical query values (for links).
func (q EnterpriseQuery) Encode() url.Values {
	v := q.Filter.Encode()
	if ids := q.Classes.IDs(); len(ids) > 0 {
		v.Set("class", strings.Join(ids, ","))
	}
	if len(q.Zones) > 0 {
		z := slices.Clone(q.Zones)
		slices.Sort(z)
		v.Set("zone", strings.Join(z, ","))
	}
	return v
}
