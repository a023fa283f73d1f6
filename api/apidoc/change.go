package apidoc

import (
	"math"
	"net/url"
	"strconv"

	"layoutmap/geo"
)

// ChangeRule is stated in every response.
const ChangeRule = "A change compares each zone's headline figure (one measure family) of the from year with that of the to year. " +
	"Part-year figures, and figures of one part of a zone (scope, e.g. its food industry only), are lower bounds of the zone's year. exact→exact gives an exact change; exact→lower or upper→exact an 'at least' change; " +
	"exact→upper or lower→exact an 'at most' change; lower→lower and upper→upper fix none. A bounded change is classed only when it fixes a direction " +
	"(at least +2%: increase; at most −2%: decrease). Zones without a figure of the family in either year are not compared. " +
	"变化只比较同一口径族、两年各自的代表数值；下限值与确数之间只给出“至少/至多”的变化，无法确定方向的不分类，缺任一年数据的不比较。"

type ChangeFigure struct {
	Year      int     `json:"year"`
	RevenueYi float64 `json:"revenue_yi"`
	Bound     string  `json:"bound"` // effective bound (a part-year figure is "lower")
	Measure   string  `json:"measure"`
	Period    string  `json:"period"`
	Scope     string  `json:"scope"` // geo.ScopeZone, or the one part of the zone counted
	Source    string  `json:"source,omitempty"`
}

type ChangeRow struct {
	ID          string        `json:"id"`
	Name        string        `json:"name"`
	NameEN      string        `json:"name_en,omitempty"`
	Comparable  bool          `json:"comparable"`
	Reason      string        `json:"reason,omitempty"`
	From        *ChangeFigure `json:"from"`
	To          *ChangeFigure `json:"to"`
	ChangeYi    *float64      `json:"change_yi"`
	ChangePct   *float64      `json:"change_pct"`
	ChangeBound string        `json:"change_bound,omitempty"`
	SameMeasure bool          `json:"same_measure"`
	SameScope   bool          `json:"same_scope"`
	Class       string        `json:"class,omitempty"`
}

type Change struct {
	From           int               `json:"from"`
	To             int               `json:"to"`
	Measure        string            `json:"measure"`
	MeasureZh      string            `json:"measure_label"`
	MeasureEN      string            `json:"measure_label_en"`
	Rule           string            `json:"rule"`
	Classes        []geo.ChangeClass `json:"classes"`
	NumberZones    int               `json:"zones"`
	NumberCompared int               `json:"comparable"`
	Counts         map[string]int    `json:"counts"`
	Filter         map[string]string `json:"filter"`
	DatasetVersion int64             `json:"dataset_version"`
	Rows           []ChangeRow       `json:"rows"`
}

// ChangeOf is the GET /api/v1/stats/change document: every zone of zs
// (the zones f selects) compared from the year from to f.Year under
// geo.ZoneChange.
func ChangeOf(f geo.Filter, from int, zs []geo.Zone, version int64) Change {
	fam, _ := geo.LookupFamily(f.Family())
	doc := Change{From: from, To: f.Year, Measure: fam.ID, MeasureZh: fam.Label, MeasureEN: fam.LabelEN, Rule: ChangeRule,
		Classes: geo.ChangeClasses, NumberZones: len(zs), Counts: map[string]int{}, Filter: EncodedFilter(f), DatasetVersion: version,
		Rows: make([]ChangeRow, 0, len(zs))}
	doc.Filter["from"] = strconv.Itoa(from)
	for _, cl := range geo.ChangeClasses {
		doc.Counts[cl.ID] = 0
	}
	fig := func(r geo.Revenue, ok bool) *ChangeFigure {
		if !ok {
			return nil
		}
		return &ChangeFigure{Year: r.Year, RevenueYi: r.RevenueYi, Bound: geo.EffectiveBound(r), Measure: r.Measure, Period: r.Period, Scope: geo.ScopeOrZone(r.Scope), Source: r.Source}
	}
	round := func(x float64, n int) *float64 {
		p := math.Pow(10, float64(n))
		v := math.Round(x*p) / p
		return &v
	}
	for _, z := range zs {
		ch := geo.ZoneChange(z.Revenue, from, f.Year, f.Measure)
		row := ChangeRow{ID: z.ID, Name: z.Name, NameEN: z.NameEN, Comparable: ch.Comparable, Reason: ch.Reason,
			From: fig(ch.From, ch.HasFrom), To: fig(ch.To, ch.HasTo), ChangeBound: ch.ChangeBound, SameMeasure: ch.SameMeasure, SameScope: ch.SameScope, Class: ch.Class}
		if ch.HasFrom && ch.HasTo {
			row.ChangeYi = round(ch.ChangeYi, 4)
			if ch.From.RevenueYi != 0 {
				row.ChangePct = round(ch.ChangePct, 2)
			}
		}
		if ch.Comparable {
			doc.NumberCompared++
			doc.Counts[ch.Class]++
		}
		doc.Rows = append(doc.Rows, row)
	}
	doc.Counts["not_comparable"] = len(zs) - doc.NumberCompared
	return doc
}

// ParseChange reads the query of GET /api/v1/stats/change: the filter
// contract plus from, both years required and from < year. Mistakes are
// geo.FieldErrors naming the parameters.
func ParseChange(q url.Values) (f geo.Filter, from int, err error) {
	f, err = geo.ParseFilter(q, false, "from")
	fes, _ := geo.AsFieldErrors(err)
	if err != nil && fes == nil {
		return f, 0, err
	}
	from, ferr := strconv.Atoi(q.Get("from"))
	switch {
	case q.Get("from") == "":
		fes = append(fes, &geo.FieldError{Field: "from", Reason: "required: the earlier year of the comparison"})
	case ferr != nil || from < 1949 || from > 2100:
		fes = append(fes, &geo.FieldError{Field: "from", Reason: "must be a year between 1949 and 2100, got " + `"` + geo.Clip(q.Get("from")) + `"`})
	case f.Year != 0 && from >= f.Year:
		fes = append(fes, &geo.FieldError{Field: "from", Reason: "must be before year"})
	}
	if q.Get("year") == "" {
		fes = append(fes, &geo.FieldError{Field: "year", Reason: "required: the later year of the comparison"})
	}
	if len(fes) > 0 {
		return f, 0, fes
	}
	return f, from, nil
}
