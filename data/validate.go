package data

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

// This file is the one place that says what a valid dataset is. The
// bundled-file loader (load.go), the importer (data/importer) and the
// PostGIS writer (data/postgis) all call Validate or ValidateRevenue, so a
// rule changes here once and every way into a store follows. The PostGIS
// schema's CHECK constraints (migrations/0001_init.sql) repeat the simplest
// rules as a last line of defence; they must never be stricter than these.

// Problem is one finding about an item: where it is (a file and row or
// feature, or a kind and id) and why it was refused, worded so that the
// reason says what to fix.
type Problem struct {
	Where  string `json:"where"`
	Reason string `json:"reason"`
}

func (p Problem) String() string { return p.Where + ": " + p.Reason }

// Revenue years accepted: 1949 (the first year of PRC statistics) to 2100.
// The schema's zone_revenue.year CHECK states the same range.
const (
	MinRevenueYear = 1949
	MaxRevenueYear = 2100
)

// MaxValue bounds every stored magnitude (亿元, hectares): larger is a unit
// mistake (yuan typed as 亿元), never a real figure.
const MaxValue = 1e12

var reAdminCode = regexp.MustCompile(`^\d{6}$`)

// TextOK reports whether every string is valid UTF-8 without NUL bytes,
// which PostgreSQL text cannot hold.
func TextOK(ss ...string) bool {
	for _, s := range ss {
		if !utf8.ValidString(s) || strings.IndexByte(s, 0) >= 0 {
			return false
		}
	}
	return true
}

// ValidateRevenue returns why a revenue record cannot be stored, or "".
// Period "" is read as a full year (geo.EffectiveBound).
func ValidateRevenue(r geo.Revenue) string {
	switch {
	case !TextOK(r.ZoneID, r.Measure, r.Bound, r.Period, r.Scope, r.Source):
		return "text is not valid UTF-8 (save the file as UTF-8 or pick its encoding)"
	case r.Year < MinRevenueYear || r.Year > MaxRevenueYear:
		return fmt.Sprintf("year %d is outside %d–%d", r.Year, MinRevenueYear, MaxRevenueYear)
	case !(r.RevenueYi >= 0 && r.RevenueYi < MaxValue):
		return fmt.Sprintf("value_yi %v is not a non-negative number of 亿元", r.RevenueYi)
	case strings.TrimSpace(r.Measure) == "":
		return "measure (口径) is empty: name the statistic, e.g. 营业收入"
	case r.Bound != geo.BoundExact && r.Bound != geo.BoundLower && r.Bound != geo.BoundUpper:
		return fmt.Sprintf("bound %q is not exact, lower or upper", r.Bound)
	case strings.TrimSpace(r.Source) == "":
		return "source (来源) is empty: every figure needs one"
	case geo.ScopeProblem(r.Scope) != "":
		return geo.ScopeProblem(r.Scope) + fmt.Sprintf(" (scope %q)", geo.Clip(r.Scope))
	}
	return ""
}

// Where names an item for a Problem; kind is "admin", "cluster", "keyword",
// "region", "zone" or "revenue" and id its code, id or "zone#n".
type Where func(kind, id string) string

// DefaultWhere names an item by kind and id.
func DefaultWhere(kind, id string) string { return kind + " " + id }

// Validate checks every field and reference of ds and returns every
// problem found (nil when the dataset can be served). where names the
// items (nil: DefaultWhere). It does not modify ds.
func Validate(ds *Dataset, where Where) []Problem {
	if where == nil {
		where = DefaultWhere
	}
	v := validator{where: where, admin: map[string]*geo.AdminArea{}, kinds: map[string]string{}, regions: map[string]bool{}}
	v.adminAreas(ds.Admin)
	v.taxonomy(ds.Taxonomy)
	v.planningRegions(ds.Regions)
	v.zones(ds.Zones)
	return v.probs
}

type validator struct {
	where   Where
	probs   []Problem
	admin   map[string]*geo.AdminArea
	kinds   map[string]string // cluster, chain or recognised id → kind
	regions map[string]bool
}

func (v *validator) bad(kind, id, format string, args ...any) {
	v.probs = append(v.probs, Problem{Where: v.where(kind, id), Reason: fmt.Sprintf(format, args...)})
}

func (v *validator) isLevel(code, level string) bool {
	a := v.admin[code]
	return a != nil && a.Level == level
}

var parentLevel = map[string]string{geo.LevelCity: geo.LevelProvince, geo.LevelCounty: geo.LevelCity}

func (v *validator) adminAreas(as []geo.AdminArea) {
	for i := range as {
		a := &as[i]
		if v.admin[a.Code] != nil {
			v.bad("admin", a.Code, "duplicate code %q", a.Code)
			continue
		}
		v.admin[a.Code] = a
	}
	for _, a := range as {
		switch {
		case !TextOK(a.Code, a.Name, a.NameEN, a.Level, a.ParentCode, a.Source):
			v.bad("admin", a.Code, "text is not valid UTF-8")
		case !reAdminCode.MatchString(a.Code):
			v.bad("admin", a.Code, "code %q is not a 6-digit GB/T 2260 code", a.Code)
		case a.Name == "" || a.Source == "":
			v.bad("admin", a.Code, "name and source are required")
		case a.Level != geo.LevelProvince && a.Level != geo.LevelCity && a.Level != geo.LevelCounty:
			v.bad("admin", a.Code, "level %q is not province, city or county", a.Level)
		case a.Level == geo.LevelProvince && a.ParentCode != "":
			v.bad("admin", a.Code, "the province has a parent_code %q", a.ParentCode)
		case a.Level != geo.LevelProvince && !v.isLevel(a.ParentCode, parentLevel[a.Level]):
			v.bad("admin", a.Code, "%s: parent_code %q is not a %s", a.Level, a.ParentCode, parentLevel[a.Level])
		case emptyGeom(a.Geom):
			v.bad("admin", a.Code, "geometry is empty")
		}
	}
}

func (v *validator) taxonomy(t geo.Taxonomy) {
	for _, g := range []struct {
		kind string
		cs   []geo.Cluster
	}{{geo.KindCluster, t.Clusters}, {geo.KindChain, t.Chains}, {geo.KindRecognised, t.Recognised}} {
		for _, c := range g.cs {
			switch {
			case c.ID == "" || v.kinds[c.ID] != "":
				v.bad(g.kind, c.ID, "empty or duplicate %s id %q", g.kind, c.ID)
				continue
			case c.Kind != g.kind:
				v.bad(g.kind, c.ID, "kind %q, want %q", c.Kind, g.kind)
			case c.Source == "":
				v.bad(g.kind, c.ID, "source is required")
			case !TextOK(c.ID, c.Name, c.NameEN, c.Parent, c.ScaleClass, c.Source):
				v.bad(g.kind, c.ID, "text is not valid UTF-8")
			}
			v.kinds[c.ID] = g.kind
		}
	}
	for _, c := range t.Chains {
		if c.Parent != "" && v.kinds[c.Parent] != geo.KindCluster {
			v.bad(geo.KindChain, c.ID, "unknown parent cluster %q", c.Parent)
		}
	}
	for _, c := range t.Recognised {
		for _, code := range c.Cities {
			if !v.isLevel(code, geo.LevelCity) {
				v.bad(geo.KindRecognised, c.ID, "%q is not a city code", code)
			}
		}
	}
	for _, k := range t.Keywords {
		if k.Keyword == "" || v.kinds[k.ClusterID] != geo.KindCluster {
			v.bad("keyword", k.Keyword, "keyword %q: unknown cluster %q", k.Keyword, k.ClusterID)
		}
	}
}

func (v *validator) planningRegions(rs []geo.Region) {
	for _, r := range rs {
		switch {
		case r.ID == "" || v.regions[r.ID]:
			v.bad("region", r.ID, "empty or duplicate region id %q", r.ID)
			continue
		case r.Kind != geo.RegionCentre && r.Kind != geo.RegionBelt && r.Kind != geo.RegionDemo:
			v.bad("region", r.ID, "bad kind %q (centre, belt or demo)", r.Kind)
		case r.Source == "" || len(r.Members) == 0:
			v.bad("region", r.ID, "source and members are required")
		case !TextOK(r.ID, r.Name, r.NameEN, r.Source):
			v.bad("region", r.ID, "text is not valid UTF-8")
		}
		v.regions[r.ID] = true
		for _, m := range r.Members {
			if !v.isLevel(m, geo.LevelCity) {
				v.bad("region", r.ID, "member %q is not a city code", m)
			}
		}
		for m := range r.Roles {
			if !v.isLevel(m, geo.LevelCity) {
				v.bad("region", r.ID, "role for %q, not a city code", m)
			}
		}
	}
}

func (v *validator) zones(zs []geo.Zone) {
	seen := map[string]bool{}
	for _, z := range zs {
		if z.ID == "" || seen[z.ID] {
			v.bad("zone", z.ID, "empty or duplicate id %q", z.ID)
			continue
		}
		seen[z.ID] = true
		if p := zoneProblem(v, &z); p != "" {
			v.bad("zone", z.ID, "%s", p)
		}
		for _, c := range z.Clusters {
			if v.kinds[c.ClusterID] != geo.KindCluster || c.Source == "" {
				v.bad("zone", z.ID, "cluster link: unknown cluster %q or no source", c.ClusterID)
			}
		}
		for _, c := range z.Chains {
			if v.kinds[c] != geo.KindChain {
				v.bad("zone", z.ID, "chain link %q: unknown chain", c)
			}
		}
		for _, r := range z.Regions {
			if !v.regions[r] {
				v.bad("zone", z.ID, "unknown region %q", r)
			}
		}
		for i, r := range z.Revenue {
			if r.ZoneID != z.ID {
				v.bad("revenue", fmt.Sprintf("%s#%d", z.ID, i+1), "record of zone %q filed under %q", r.ZoneID, z.ID)
			} else if p := ValidateRevenue(r); p != "" {
				v.bad("revenue", fmt.Sprintf("%s#%d", z.ID, i+1), "%s", p)
			}
		}
	}
}

// zoneProblem checks a zone's own fields and its admin codes.
func zoneProblem(v *validator, z *geo.Zone) string {
	switch {
	case !TextOK(z.ID, z.Name, z.NameEN, z.Level, z.LevelEN, z.CityCode, z.CountyCode, z.PointQuality, z.GeomQuality, z.Source) ||
		!TextOK(z.LeadIndustries...):
		return "text is not valid UTF-8"
	case z.Name == "" || z.Source == "":
		return "id, name and source are required"
	case !v.isLevel(z.CityCode, geo.LevelCity):
		return fmt.Sprintf("city_code %q is not a city", z.CityCode)
	case z.CountyCode != "" && (!v.isLevel(z.CountyCode, geo.LevelCounty) || v.admin[z.CountyCode].ParentCode != z.CityCode):
		return fmt.Sprintf("county_code %q is not a county of %s", z.CountyCode, z.CityCode)
	case !slices.Contains([]string{geo.PointGeocoded, geo.PointCountyCentroid, geo.PointCityCentroid}, z.PointQuality):
		return fmt.Sprintf("bad point_quality %q (geocoded, county_centroid or city_centroid)", z.PointQuality)
	// A zone whose place or approved area is unknown has no outline (and
	// no geom_quality): it is served as its point (geo.ZoneGeometry).
	case len(z.Geom) > 0 && z.GeomQuality != geo.GeomOfficial && z.GeomQuality != geo.GeomApproximate:
		return fmt.Sprintf("bad geom_quality %q (official or approximate)", z.GeomQuality)
	case len(z.Geom) == 0 && z.GeomQuality != "":
		return fmt.Sprintf("geom_quality %q given for a zone without an outline", z.GeomQuality)
	case !finitePoint(z.Point[0], z.Point[1]):
		return fmt.Sprintf("point %v is not a lon/lat in degrees", z.Point)
	case len(z.Geom) > 0 && emptyGeom(z.Geom):
		return "geometry is empty"
	case z.AreaHa != nil && !(*z.AreaHa >= 0 && *z.AreaHa < MaxValue):
		return fmt.Sprintf("approved_area_ha %v is not a non-negative number", *z.AreaHa)
	}
	return attrProblem(z)
}

// attrPatterns are the compiled Patterns of the zone field table's
// attributes (geo.Field.Attr).
var attrPatterns = func() map[string]*regexp.Regexp {
	m := map[string]*regexp.Regexp{}
	for _, f := range geo.Schemas[geo.CollZones].Fields {
		if f.Attr && f.Pattern != "" {
			m[f.Name] = regexp.MustCompile(f.Pattern)
		}
	}
	return m
}()

// attrProblem checks the zone's plain attributes against the field table:
// text valid UTF-8 and matching the field's Pattern; "" is unknown and
// always allowed.
func attrProblem(z *geo.Zone) string {
	for _, f := range geo.Schemas[geo.CollZones].Fields {
		if !f.Attr {
			continue
		}
		s, ok := f.Get(&geo.ZoneView{Zone: z}).(string)
		if !ok || s == "" {
			continue
		}
		if !TextOK(s) {
			return "text is not valid UTF-8"
		}
		if re := attrPatterns[f.Name]; re != nil && !re.MatchString(s) {
			return fmt.Sprintf("%s %q does not match %s", f.Name, geo.Clip(s), f.Pattern)
		}
	}
	return ""
}

func finitePoint(x, y float64) bool {
	return !math.IsNaN(x) && !math.IsNaN(y) && x >= -180 && x <= 180 && y >= -90 && y <= 90
}

// emptyGeom reports a geometry without any ring of at least 4 points.
func emptyGeom(mp orb.MultiPolygon) bool {
	for _, p := range mp {
		for _, r := range p {
			if len(r) >= 4 {
				return false
			}
		}
	}
	return true
}
