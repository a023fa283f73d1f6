package data

import (
	"cmp"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"layoutmap/geo"
)

// Diff is what an import changes, as a planner reviews it: zones and admin
// areas added, removed or changed (by id/code), and revenue figures
// added, changed or removed. A figure is one zone, year, measure, period
// and scope.
type Diff struct {
	ZonesAdded     []string       `json:"zones_added"`
	ZonesRemoved   []string       `json:"zones_removed"`
	ZonesChanged   []ZoneChange   `json:"zones_changed"`
	AdminAdded     []string       `json:"admin_added"`
	AdminRemoved   []string       `json:"admin_removed"`
	AdminChanged   []string       `json:"admin_changed"`
	FiguresAdded   []FigureChange `json:"figures_added"`
	FiguresChanged []FigureChange `json:"figures_changed"`
	FiguresRemoved []FigureChange `json:"figures_removed"`
}

// ZoneChange names a changed zone and its changed fields (JSON names;
// "geometry" and "point" for the shapes).
type ZoneChange struct {
	ID     string   `json:"id"`
	Fields []string `json:"fields"`
}

// FigureChange is one revenue figure before (Old) and after (New); nil
// when absent.
type FigureChange struct {
	Zone    string       `json:"zone"`
	Year    int          `json:"year"`
	Measure string       `json:"measure"`
	Period  string       `json:"period"`
	Scope   string       `json:"scope"`
	Old     *geo.Revenue `json:"old,omitempty"`
	New     *geo.Revenue `json:"new,omitempty"`
}

// Empty reports a diff without any change.
func (d Diff) Empty() bool {
	return len(d.ZonesAdded)+len(d.ZonesRemoved)+len(d.ZonesChanged)+len(d.AdminAdded)+len(d.AdminRemoved)+
		len(d.AdminChanged)+len(d.FiguresAdded)+len(d.FiguresChanged)+len(d.FiguresRemoved) == 0
}

// Summary is the diff in one line, e.g. "zones +2 −0 ~5; figures +9 ~1 −0;
// admin areas +0 −0 ~0".
func (d Diff) Summary() string {
	return fmt.Sprintf("zones +%d −%d ~%d; figures +%d ~%d −%d; admin areas +%d −%d ~%d",
		len(d.ZonesAdded), len(d.ZonesRemoved), len(d.ZonesChanged),
		len(d.FiguresAdded), len(d.FiguresChanged), len(d.FiguresRemoved),
		len(d.AdminAdded), len(d.AdminRemoved), len(d.AdminChanged))
}

// DiffDatasets compares two datasets (nil: empty). Lists are sorted by id,
// then year, measure and period.
func DiffDatasets(before, after *Dataset) Diff {
	if before == nil {
		before = &Dataset{}
	}
	if after == nil {
		after = &Dataset{}
	}
	d := Diff{ZonesAdded: []string{}, ZonesRemoved: []string{}, ZonesChanged: []ZoneChange{}, AdminAdded: []string{},
		AdminRemoved: []string{}, AdminChanged: []string{}, FiguresAdded: []FigureChange{}, FiguresChanged: []FigureChange{},
		FiguresRemoved: []FigureChange{}}
	d.diffAdmin(before.Admin, after.Admin)
	d.diffZones(before.Zones, after.Zones)
	d.sort()
	return d
}

// diffAdmin lists the admin areas added, removed and changed (any field).
func (d *Diff) diffAdmin(before, after []geo.AdminArea) {
	oldA := map[string]geo.AdminArea{}
	for _, a := range before {
		oldA[a.Code] = a
	}
	for _, a := range after {
		o, ok := oldA[a.Code]
		switch {
		case !ok:
			d.AdminAdded = append(d.AdminAdded, a.Code)
		case !reflect.DeepEqual(o, a):
			d.AdminChanged = append(d.AdminChanged, a.Code)
		}
		delete(oldA, a.Code)
	}
	for c := range oldA {
		d.AdminRemoved = append(d.AdminRemoved, c)
	}
}

// diffZones lists the zones added, removed and changed (which fields) and
// their revenue figures added, changed and removed.
func (d *Diff) diffZones(before, after []geo.Zone) {
	oldZ := map[string]geo.Zone{}
	for _, z := range before {
		oldZ[z.ID] = z
	}
	for _, z := range after {
		o, ok := oldZ[z.ID]
		if !ok {
			d.ZonesAdded = append(d.ZonesAdded, z.ID)
			d.diffFigures(nil, figuresOf(z))
			continue
		}
		delete(oldZ, z.ID)
		if f := zoneFieldsChanged(o, z); len(f) > 0 {
			d.ZonesChanged = append(d.ZonesChanged, ZoneChange{ID: z.ID, Fields: f})
		}
		d.diffFigures(figuresOf(o), figuresOf(z))
	}
	for id, z := range oldZ {
		d.ZonesRemoved = append(d.ZonesRemoved, id)
		d.diffFigures(figuresOf(z), nil)
	}
}

// figureKey identifies a figure: zone, measure, period (unstated is a full
// year), scope (unstated is the whole zone) and year, as data.RevenueKey.
type figureKey struct {
	zone, measure, period, scope string
	year                         int
}

func figuresOf(z geo.Zone) map[figureKey]geo.Revenue {
	m := map[figureKey]geo.Revenue{}
	for _, r := range z.Revenue {
		p := r.Period
		if p == "" {
			p = geo.PeriodFullYear
		}
		m[figureKey{z.ID, r.Measure, p, geo.ScopeOrZone(r.Scope), r.Year}] = r
	}
	return m
}

// diffFigures adds the figures of n not in o, those whose value, bound or
// source changed, and those of o not in n.
func (d *Diff) diffFigures(o, n map[figureKey]geo.Revenue) {
	add := func(list *[]FigureChange, k figureKey, o, n *geo.Revenue) {
		*list = append(*list, FigureChange{Zone: k.zone, Year: k.year, Measure: k.measure, Period: k.period, Scope: k.scope, Old: o, New: n})
	}
	for k, r := range n {
		if or, ok := o[k]; !ok {
			add(&d.FiguresAdded, k, nil, &r)
		} else if or.RevenueYi != r.RevenueYi || or.Bound != r.Bound || or.Source != r.Source {
			add(&d.FiguresChanged, k, &or, &r)
		}
	}
	for k, r := range o {
		if _, ok := n[k]; !ok {
			add(&d.FiguresRemoved, k, &r, nil)
		}
	}
}

// sort orders every list of d by id (figures by zone, year, measure,
// period), so a diff reads the same every time.
func (d *Diff) sort() {
	slices.Sort(d.AdminAdded)
	slices.Sort(d.AdminRemoved)
	slices.Sort(d.AdminChanged)
	slices.Sort(d.ZonesAdded)
	slices.Sort(d.ZonesRemoved)
	slices.SortFunc(d.ZonesChanged, func(a, b ZoneChange) int { return strings.Compare(a.ID, b.ID) })
	for _, l := range []*[]FigureChange{&d.FiguresAdded, &d.FiguresChanged, &d.FiguresRemoved} {
		slices.SortFunc(*l, func(a, b FigureChange) int {
			if c := strings.Compare(a.Zone, b.Zone); c != 0 {
				return c
			}
			if a.Year != b.Year {
				return a.Year - b.Year
			}
			if c := strings.Compare(a.Measure, b.Measure); c != 0 {
				return c
			}
			return cmp.Or(strings.Compare(a.Period, b.Period), strings.Compare(a.Scope, b.Scope))
		})
	}
}

// zoneFieldsChanged lists the fields of a zone that differ, revenue aside
// (figures are diffed one by one).
func zoneFieldsChanged(a, b geo.Zone) []string {
	var f []string
	chk := func(name string, x, y any) {
		if !reflect.DeepEqual(x, y) {
			f = append(f, name)
		}
	}
	chk("name", a.Name, b.Name)
	chk("name_en", a.NameEN, b.NameEN)
	chk("level", a.Level, b.Level)
	chk("level_en", a.LevelEN, b.LevelEN)
	chk("city_code", a.CityCode, b.CityCode)
	chk("county_code", a.CountyCode, b.CountyCode)
	chk("lead_industries", nilIfEmpty(a.LeadIndustries), nilIfEmpty(b.LeadIndustries))
	chk("approved_area_ha", a.AreaHa, b.AreaHa)
	chk("point", a.Point, b.Point)
	chk("point_quality", a.PointQuality, b.PointQuality)
	chk("geometry", a.Geom, b.Geom)
	chk("geom_quality", a.GeomQuality, b.GeomQuality)
	chk("clusters", nilIfEmpty(a.Clusters), nilIfEmpty(b.Clusters))
	chk("chains", nilIfEmpty(a.Chains), nilIfEmpty(b.Chains))
	chk("source", a.Source, b.Source)
	for _, fd := range geo.Schemas[geo.CollZones].Fields {
		if fd.Attr {
			chk(fd.Name, fd.Get(&geo.ZoneView{Zone: &a}), fd.Get(&geo.ZoneView{Zone: &b}))
		}
	}
	return f
}

func nilIfEmpty[T any](s []T) []T {
	if len(s) == 0 {
		return nil
	}
	return s
}
