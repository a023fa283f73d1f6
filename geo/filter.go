package geo

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"layoutmap/geo/cql2"
)

// Paging limits of the features API.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
	// MaxListValues bounds comma-separated lists so a request cannot make
	// the parser allocate without limit.
	MaxListValues = 64
	maxParamLen   = 1024
)

// Sort keys the items endpoints accept; a leading '-' sorts descending.
// Every ordering ends with id ascending as the tie-breaker.
var SortKeys = []string{"name", "revenue", "code", "id", "area"}

// Filter is the one filter contract of items, tiles, statistics, /embed and
// /static. Empty fields do not filter. Year 0 means "each zone's latest
// figure" (mixing years; statistics resolve it to one year). Measure is a
// measure family id (FamilyRevenue, FamilyOutput; "" = DefaultFamily): the
// family whose figures set tiers, thresholds and revenue sorting.
// MinRevenue/MaxRevenue are 亿元 and nil when absent.
type Filter struct {
	BBox       *orb.Bound
	City       []string // city codes
	Cluster    []string // cluster ids (the 7)
	Chain      []string // chain ids
	Region     []string // planning-region ids
	Tier       []string // tier ids, may include TierNoData
	Year       int
	Measure    string
	MinRevenue *float64
	MaxRevenue *float64
	Limit      int
	Offset     int
	SortBy     string // "" (store default), "name", "-revenue" …
	// Datetime is the items' datetime parameter as given (validated by
	// ParseDatetime). No feature has a temporal geometry, so per OGC API
	// Features /req/core/fc-time-response C it matches every feature; it is
	// kept only to repeat it in self/next links.
	Datetime string
	// CQL is the items' CQL2 filter (OGC API Features Part 3), nil when
	// none; Filter.Check holds its properties to the collection's
	// queryables.
	CQL *CQLFilter
	// Class and Zone filter the enterprises collection (enterprise_filter.go):
	// class ids (Chinese names are read as ids) and zone ids.
	Class []string
	Zone  []string
	// Props are the property parameters as given (propparams.go), which
	// Encode repeats; their comparisons are part of CQL.Expr.
	Props url.Values
}

// CQLFilter is a parsed filter parameter with its text and language, which
// links repeat as given.
type CQLFilter struct {
	Expr cql2.Expr
	Text string // the filter parameter as given ("" when only property parameters filter)
	Lang string // FilterLangText, FilterLangDraftText or FilterLangJSON, as given
	CRS  string // filter-crs as given ("" for CRS84)
}

// Languages of the filter parameter, and the one CRS of its geometries.
const (
	FilterLangText = "cql2-text"
	FilterLangJSON = "cql2-json"
	// FilterLangDraftText is the name the drafts of OGC API Features Part
	// 3 gave the text encoding before it became CQL2 ("cql-text"). GDAL's
	// OAPIF driver up to 3.6 sends -where clauses to the server only under
	// that name, in a syntax that is also CQL2 text (comparisons with
	// literals, LIKE, IS NULL, AND/OR/NOT), so it is accepted as CQL2 text
	// and listed in filter-lang's enum (/req/filter/filter-lang-param B:
	// the enum lists the encodings the server supports).
	FilterLangDraftText = "cql-text"
	FilterCRS           = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
)

// FieldError is a client mistake in one parameter.
type FieldError struct {
	Field  string `json:"name"`
	Reason string `json:"reason"`
}

func (e *FieldError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Reason) }

// FieldErrors collects every bad parameter of one request.
type FieldErrors []*FieldError

func (es FieldErrors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return "invalid parameters: " + strings.Join(parts, "; ")
}

// AsFieldErrors returns the field errors in err, if any.
func AsFieldErrors(err error) (FieldErrors, bool) {
	var fes FieldErrors
	if errors.As(err, &fes) {
		return fes, true
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return FieldErrors{fe}, true
	}
	return nil, false
}

// FilterParams are the query parameters ParseFilter understands.
var FilterParams = []string{"bbox", "city", "cluster", "chain", "region", "tier", "year", "measure", "min_revenue", "max_revenue", "class", "zone"}

// PagingParams are the parameters of item lists on top of FilterParams.
var PagingParams = []string{"limit", "offset", "sortby", "datetime", "filter", "filter-lang", "filter-crs"}

// IDPatternECMA is the rule for ids in list parameters, spelt for
// ECMA-262 (OpenAPI 3.0 and JSON Schema patterns; \p{Han} is not ECMA-262
// without the u flag): ASCII letters, digits, _ and -, the CJK ideographs of
// the Basic Multilingual Plane (Extension A, the unified block and the
// compatibility block), and · ( ) （ ）. idPattern is the same rule in Go's
// syntax; TestIDPatternsAgree holds them together.
const IDPatternECMA = `^[A-Za-z0-9_\-\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff·()（）]{1,64}$`

var idPattern = regexp.MustCompile(`^[A-Za-z0-9_\-\x{3400}-\x{4dbf}\x{4e00}-\x{9fff}\x{f900}-\x{faff}·()（）]{1,64}$`)

// ParseFilter reads the filter contract (and, with paging, limit/offset/
// sortby) from query values. Parameters not in FilterParams/PagingParams or
// extra are errors, so typos do not silently widen a query. It returns every
// problem as FieldErrors; it never panics and bounds what it allocates.
func ParseFilter(q url.Values, paging bool, extra ...string) (Filter, error) {
	return ParseFilterCRS(q, paging, nil, extra...)
}

// ParseFilterCRS is ParseFilter with the CRSs filter-crs may name besides
// CRS84: filterCRS returns the conversion of a CRS's coordinates to CRS84
// (false: not offered). nil offers CRS84 only.
func ParseFilterCRS(q url.Values, paging bool, filterCRS func(uri string) (cql2.Coords, bool), extra ...string) (Filter, error) {
	f := Filter{Limit: DefaultLimit}
	p := &filterParser{q: q}
	allowed := slices.Concat(FilterParams, extra)
	if paging {
		allowed = append(allowed, PagingParams...)
	}
	p.checkKeys(allowed)
	if v := q.Get("bbox"); v != "" {
		b, err := ParseBBox(v)
		if err != nil {
			p.bad("bbox", "%s", err)
		} else {
			f.BBox = &b
		}
	}
	f.City = p.list("city")
	f.Cluster = p.list("cluster")
	f.Chain = p.list("chain")
	f.Region = p.list("region")
	f.Tier = p.list("tier")
	f.Class = parseClasses(p.list("class"), p.bad)
	f.Zone = p.list("zone")
	p.figures(&f)
	if paging {
		p.paging(&f)
		f.CQL = parseCQL(q, p.bad, filterCRS)
		p.sortBy(&f)
	}
	if len(p.errs) > 0 {
		return f, p.errs
	}
	return f, nil
}

// filterParser reads the parameters q of a filter, collecting one
// FieldError per bad parameter.
type filterParser struct {
	q    url.Values
	errs FieldErrors
}

func (p *filterParser) bad(field, format string, args ...any) {
	p.errs = append(p.errs, &FieldError{Field: field, Reason: fmt.Sprintf(format, args...)})
}

// checkKeys rejects parameters not in allowed, and single-valued ones
// given more than once (lists may repeat).
func (p *filterParser) checkKeys(allowed []string) {
	keys := make([]string, 0, len(p.q))
	for k := range p.q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(allowed, k) {
			p.bad(Clip(k), "unknown parameter; allowed: %s", strings.Join(allowed, ", "))
			continue
		}
		if len(p.q[k]) > 1 && k != "cluster" && k != "chain" && k != "city" && k != "region" && k != "tier" && k != "class" && k != "zone" {
			p.bad(k, "given more than once")
		}
	}
}

// list reads the identifiers of list parameter k: comma-separated, given
// once or repeated, duplicates dropped.
func (p *filterParser) list(k string) []string {
	var out []string
	for _, v := range p.q[k] {
		if len(v) > maxParamLen {
			p.bad(k, "longer than %d bytes", maxParamLen)
			return nil
		}
		for _, id := range strings.Split(v, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !idPattern.MatchString(id) {
				p.bad(k, "%q is not a valid identifier", Clip(id))
				return nil
			}
			if !slices.Contains(out, id) {
				out = append(out, id)
			}
			if len(out) > MaxListValues {
				p.bad(k, "more than %d values", MaxListValues)
				return nil
			}
		}
	}
	return out
}

// figures reads the revenue criteria: year, measure, min_revenue and
// max_revenue.
func (p *filterParser) figures(f *Filter) {
	if v := p.q.Get("year"); v != "" {
		y, err := strconv.Atoi(v)
		if err != nil || y < 1949 || y > 2100 {
			p.bad("year", "must be a year between 1949 and 2100, got %q", Clip(v))
		} else {
			f.Year = y
		}
	}
	if v := p.q.Get("measure"); v != "" {
		if _, ok := LookupFamily(v); !ok {
			p.bad("measure", "must be one of %s, got %q", strings.Join(FamilyIDs(), ", "), Clip(v))
		} else {
			f.Measure = v
		}
	}
	num := func(k string) *float64 {
		v := p.q.Get(k)
		if v == "" {
			return nil
		}
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) || x < 0 || x > 1e9 {
			p.bad(k, "must be a number of 亿元 between 0 and 1e9, got %q", Clip(v))
			return nil
		}
		return &x
	}
	f.MinRevenue = num("min_revenue")
	f.MaxRevenue = num("max_revenue")
	if f.MinRevenue != nil && f.MaxRevenue != nil && *f.MinRevenue > *f.MaxRevenue {
		p.bad("max_revenue", "is below min_revenue")
	}
}

// paging reads limit, offset and datetime.
func (p *filterParser) paging(f *Filter) {
	if v := p.q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		switch {
		case err != nil || n < 1:
			p.bad("limit", "must be a whole number from 1 to %d, got %q", MaxLimit, Clip(v))
		case n > MaxLimit:
			// OGC API Features /req/core/fc-limit-response-1: a limit
			// over the maximum is not an error; the maximum applies.
			f.Limit = MaxLimit
		default:
			f.Limit = n
		}
	}
	if v := p.q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > 1e7 {
			p.bad("offset", "must be a whole number ≥ 0, got %q", Clip(v))
		} else {
			f.Offset = n
		}
	}
	if v := p.q.Get("datetime"); v != "" {
		if err := ParseDatetime(v); err != nil {
			p.bad("datetime", "%s", err)
		} else {
			f.Datetime = v
		}
	}
}

// sortBy reads sortby: a key some collection sorts by (SortKeys), "-" for
// descending.
func (p *filterParser) sortBy(f *Filter) {
	if v := p.q.Get("sortby"); v != "" {
		key := strings.TrimPrefix(strings.TrimPrefix(v, "-"), "+")
		if !slices.Contains(SortKeys, key) {
			p.bad("sortby", "must be one of %s (prefix - for descending), got %q", strings.Join(SortKeys, ", "), Clip(v))
		} else {
			f.SortBy = strings.TrimPrefix(v, "+")
		}
	}
}

// ParseNumbers parses comma-separated finite numbers, as many as shape
// (e.g. "lon,lat") names; the errors name the shape. Every coordinate
// parameter (bbox, the static map's center) is read by it.
func ParseNumbers(s, shape string) ([]float64, error) {
	n := strings.Count(shape, ",") + 1
	if len(s) > 50*n {
		return nil, errors.New("too long")
	}
	parts := strings.Split(s, ",")
	if len(parts) != n {
		return nil, fmt.Errorf("must be %s, got %d numbers", shape, len(parts))
	}
	v := make([]float64, n)
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return nil, fmt.Errorf("%q is not a number", Clip(p))
		}
		v[i] = x
	}
	return v, nil
}

// Validate checks filter ids against the known vocabulary and rejects
// filters that do not apply to a collection. known returns false for an
// unknown id of a kind ("city", "cluster", "chain", "region", "tier").
func (f Filter) Validate(coll string, known func(kind, id string) bool) error {
	if errs := f.validate(coll, known); len(errs) > 0 {
		return errs
	}
	return nil
}

// Check is what a store asks of a filter: Validate and, with paging, the
// limit, offset and sortby bounds, every client mistake in one FieldErrors
// (nil when none). Both stores call it, so they word mistakes alike.
func (f *Filter) Check(coll string, known func(kind, id string) bool, paging bool) FieldErrors {
	errs := f.validate(coll, known)
	if paging {
		errs = append(errs, f.checkPaging()...)
	}
	return errs
}

func (f Filter) validate(coll string, known func(kind, id string) bool) FieldErrors {
	var errs FieldErrors
	if f.CQL != nil {
		if err := cql2.Check(f.CQL.Expr, QueryableKind(coll)); err != nil {
			errs = append(errs, &FieldError{Field: "filter", Reason: err.Error()})
		}
	}
	check := func(kind string, ids []string) {
		for _, id := range ids {
			if !known(kind, id) {
				errs = append(errs, &FieldError{Field: kind, Reason: fmt.Sprintf("unknown %s %q", kind, Clip(id))})
			}
		}
	}
	check("city", f.City)
	check("cluster", f.Cluster)
	check("chain", f.Chain)
	check("region", f.Region)
	check("tier", f.Tier)
	check("zone", f.Zone)
	if _, ok := LookupFamily(f.Measure); f.Measure != "" && !ok {
		errs = append(errs, &FieldError{Field: "measure", Reason: fmt.Sprintf("unknown measure family %q; known: %s", Clip(f.Measure), strings.Join(FamilyIDs(), ", "))})
	}
	if coll == CollEnterprises {
		errs = append(errs, f.enterpriseOnly()...)
	} else if coll != "" {
		// Name the parameter the caller sent: a zone= on zones must not be
		// reported as a bad class.
		for _, p := range []struct {
			name string
			set  bool
		}{{"class", len(f.Class) > 0}, {"zone", len(f.Zone) > 0}} {
			if p.set {
				errs = append(errs, &FieldError{Field: p.name, Reason: p.name + " applies to the enterprises collection only"})
			}
		}
	}
	if coll != CollZones && coll != CollEnterprises && coll != "" {
		zoneOnly := map[string]bool{
			"cluster": len(f.Cluster) > 0, "chain": len(f.Chain) > 0, "tier": len(f.Tier) > 0,
			"year": f.Year != 0, "measure": f.Measure != "", "min_revenue": f.MinRevenue != nil, "max_revenue": f.MaxRevenue != nil,
		}
		for _, k := range FilterParams {
			if zoneOnly[k] {
				errs = append(errs, &FieldError{Field: k, Reason: "applies to the zones collection only"})
			}
		}
		if f.SortBy == "revenue" || f.SortBy == "-revenue" || f.SortBy == "area" || f.SortBy == "-area" {
			errs = append(errs, &FieldError{Field: "sortby", Reason: "revenue and area apply to the zones collection only"})
		}
	}
	return errs
}

// MatchZone reports whether z passes every zone criterion of f except bbox
// (stores test bbox against their index). regionsOf maps a region id to its
// member city codes.
func (f Filter) MatchZone(z *Zone, ts Tiers, regionMembers func(regionID string) []string) bool {
	if len(f.City) > 0 && !slices.Contains(f.City, z.CityCode) {
		return false
	}
	if len(f.Cluster) > 0 && !slices.ContainsFunc(z.Clusters, func(c ZoneCluster) bool { return slices.Contains(f.Cluster, c.ClusterID) }) {
		return false
	}
	if len(f.Chain) > 0 && !slices.ContainsFunc(z.Chains, func(c string) bool { return slices.Contains(f.Chain, c) }) {
		return false
	}
	if len(f.Region) > 0 && !slices.ContainsFunc(f.Region, func(r string) bool { return slices.Contains(regionMembers(r), z.CityCode) }) {
		return false
	}
	if len(f.Tier) > 0 {
		t, _, _ := ZoneTier(ts, z.Revenue, f.Year, f.Measure)
		if !slices.Contains(f.Tier, t) {
			return false
		}
	}
	if f.MinRevenue != nil && !MeetsMin(z.Revenue, f.Year, f.Measure, *f.MinRevenue) {
		return false
	}
	if f.MaxRevenue != nil && !MeetsMax(z.Revenue, f.Year, f.Measure, *f.MaxRevenue) {
		return false
	}
	return true
}

// Encode writes the filter's contract fields back as query values (paging
// excluded), in canonical order, for cache keys, next links and URLs.
func (f Filter) Encode() url.Values {
	q := url.Values{}
	if f.BBox != nil {
		q.Set("bbox", fmt.Sprintf("%g,%g,%g,%g", f.BBox.Min[0], f.BBox.Min[1], f.BBox.Max[0], f.BBox.Max[1]))
	}
	set := func(k string, v []string) {
		if len(v) > 0 {
			s := slices.Clone(v)
			slices.Sort(s)
			q.Set(k, strings.Join(s, ","))
		}
	}
	set("city", f.City)
	set("cluster", f.Cluster)
	set("chain", f.Chain)
	set("region", f.Region)
	set("tier", f.Tier)
	set("class", f.Class)
	set("zone", f.Zone)
	if f.Year != 0 {
		q.Set("year", strconv.Itoa(f.Year))
	}
	if f.Measure != "" && f.Measure != DefaultFamily {
		q.Set("measure", f.Measure)
	}
	if f.MinRevenue != nil {
		q.Set("min_revenue", strconv.FormatFloat(*f.MinRevenue, 'g', -1, 64))
	}
	if f.MaxRevenue != nil {
		q.Set("max_revenue", strconv.FormatFloat(*f.MaxRevenue, 'g', -1, 64))
	}
	if f.Datetime != "" {
		q.Set("datetime", f.Datetime)
	}
	if f.CQL != nil && f.CQL.Text != "" {
		q.Set("filter", f.CQL.Text)
		q.Set("filter-lang", f.CQL.Lang)
		if f.CQL.CRS != "" {
			q.Set("filter-crs", f.CQL.CRS)
		}
	}
	for k, v := range f.Props {
		q[k] = v
	}
	return q
}

// checkPaging rejects limit, offset and sortby values a caller set in code
// (ParseFilter never produces them).
func (f *Filter) checkPaging() FieldErrors {
	var errs FieldErrors
	if f.Limit > MaxLimit || f.Limit < 0 {
		errs = append(errs, &FieldError{Field: "limit", Reason: fmt.Sprintf("must be a whole number from 1 to %d, got %d", MaxLimit, f.Limit)})
	}
	if f.Offset < 0 {
		errs = append(errs, &FieldError{Field: "offset", Reason: fmt.Sprintf("must be a whole number ≥ 0, got %d", f.Offset)})
	}
	if key := strings.TrimPrefix(strings.TrimPrefix(f.SortBy, "-"), "+"); f.SortBy != "" && !slices.Contains(SortKeys, key) {
		errs = append(errs, &FieldError{Field: "sortby", Reason: fmt.Sprintf("must be one of %s, got %q", strings.Join(SortKeys, ", "), Clip(f.SortBy))})
	}
	return errs
}

// Clip shortens user input quoted in an error to 64 bytes and "…", cutting
// at a rune boundary so the message stays valid UTF-8.
func Clip(s string) string {
	if len(s) <= 64 {
		return s
	}
	s = s[:64]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s + "…"
}

// parseCQL reads filter, filter-lang (cql2-text, the default, or
// cql2-json) and filter-crs (CRS84 only). Mistakes go to bad, naming the
// position in the expression.
func parseCQL(q url.Values, bad func(field, format string, args ...any), filterCRS func(string) (cql2.Coords, bool)) *CQLFilter {
	text, lang, crs := q.Get("filter"), q.Get("filter-lang"), q.Get("filter-crs")
	var to cql2.Coords
	if crs != "" && crs != FilterCRS {
		var ok bool
		if filterCRS != nil {
			to, ok = filterCRS(crs)
		}
		if !ok {
			bad("filter-crs", "CRS %q is not offered for filters here", Clip(crs))
			return nil
		}
	}
	if text == "" {
		if lang != "" {
			bad("filter-lang", "given without filter")
		}
		if crs != "" {
			bad("filter-crs", "given without filter")
		}
		return nil
	}
	var e cql2.Expr
	var err error
	switch lang {
	case "", FilterLangText, FilterLangDraftText:
		if lang == "" {
			lang = FilterLangText
		}
		e, err = cql2.ParseTextIn(text, to)
	case FilterLangJSON:
		e, err = cql2.ParseJSONIn(text, to)
	default:
		bad("filter-lang", "must be %s or %s (or %s, the draft name of %s), got %q", FilterLangText, FilterLangJSON, FilterLangDraftText, FilterLangText, Clip(lang))
		return nil
	}
	if err != nil {
		bad("filter", "%s", err)
		return nil
	}
	if lang != FilterLangDraftText {
		var ilike *cql2.Like
		cql2.Walk(e, func(x cql2.Expr) {
			if l, ok := x.(*cql2.Like); ok && l.ASCIIFold && ilike == nil {
				ilike = l
			}
		})
		if ilike != nil {
			bad("filter", "at %s: ILIKE is not CQL2 (the draft filter-lang=%s has it; CQL2's CASEI is not offered): use LIKE", ilike.Pos, FilterLangDraftText)
			return nil
		}
	}
	return &CQLFilter{Expr: e, Text: text, Lang: lang, CRS: crs}
}

// QueryableKind reports the CQL2 literal kind of a queryable property of
// coll (geo.Schemas), for cql2.Check.
func QueryableKind(coll string) func(string) (cql2.Kind, bool) {
	cs := Schemas[coll]
	return func(name string) (cql2.Kind, bool) {
		fd, ok := cs.Field(name)
		if !ok || !fd.Queryable {
			return 0, false
		}
		switch fd.Type {
		case TypeString:
			return cql2.KindString, true
		case TypeNumber, TypeInteger:
			return cql2.KindNumber, true
		case TypeBoolean:
			return cql2.KindBool, true
		}
		return 0, false
	}
}

// Family is the filter's measure family, DefaultFamily when none is given.
func (f Filter) Family() string { return family(f.Measure) }
