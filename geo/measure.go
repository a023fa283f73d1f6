package geo

import "slices"

// Measure families: which published statistics may be compared with each
// other. This table is the one place that classifies a measure; tiers,
// thresholds, rankings, plan targets, statistics, tiles and images all ask
// FamilyOf. A figure of one family never places a zone in a tier of
// another: a zone whose only figure is a gross output value has no revenue
// tier, whatever the size of the number.
//
// To add a measure, add it to the Measures of its family (in the order
// Headline should prefer it); to add a family, append a MeasureFamily. An
// unclassified measure belongs to no family: it is shown with its record
// but never headlines.

// Family ids, the values of the measure= filter parameter.
const (
	FamilyRevenue = "revenue" // 营业收入 and its scopes
	FamilyOutput  = "output"  // 工业总产值 (gross industrial output value)
)

// DefaultFamily is the family used when a request names none: the plan's
// tiers and targets speak of 主营业务收入, a revenue measure.
const DefaultFamily = FamilyRevenue

// Measure is one published statistic: its Chinese name as sources print it
// and its English translation.
type Measure struct {
	Name   string `json:"name"`
	NameEN string `json:"name_en"`
}

// MeasureFamily is a set of measures whose figures are comparable with each
// other (as lower or upper bounds at least). Measures are in preference
// order for choosing a zone's headline figure.
type MeasureFamily struct {
	ID       string    `json:"id"`
	Label    string    `json:"label"`
	LabelEN  string    `json:"label_en"`
	Measures []Measure `json:"measures"`
}

// Families lists every measure family, the default first.
var Families = []MeasureFamily{
	{ID: FamilyRevenue, Label: "营业收入", LabelEN: "revenue", Measures: []Measure{
		{"主营业务收入", "main business revenue"},
		{"营业收入", "operating revenue"},
		{"四上企业营业收入", "operating revenue of \"four-above\" enterprises (above designated size)"},
		{"规上企业营业收入", "operating revenue of industrial enterprises above designated size"},
	}},
	{ID: FamilyOutput, Label: "工业总产值", LabelEN: "gross industrial output value", Measures: []Measure{
		{"工业总产值", "gross industrial output value"},
	}},
}

// FamilyOf returns the family id of a measure, or "" for an unclassified one.
func FamilyOf(measure string) string {
	for _, f := range Families {
		if slices.ContainsFunc(f.Measures, func(m Measure) bool { return m.Name == measure }) {
			return f.ID
		}
	}
	return ""
}

// LookupFamily returns the family with the id.
func LookupFamily(id string) (MeasureFamily, bool) {
	for _, f := range Families {
		if f.ID == id {
			return f, true
		}
	}
	return MeasureFamily{}, false
}

// FamilyIDs returns the ids of Families in order.
func FamilyIDs() []string {
	out := make([]string, len(Families))
	for i, f := range Families {
		out[i] = f.ID
	}
	return out
}

// MeasureEN returns the English name of a measure ("" when unknown).
func MeasureEN(measure string) string {
	for _, f := range Families {
		for _, m := range f.Measures {
			if m.Name == measure {
				return m.NameEN
			}
		}
	}
	return ""
}

// measureRank is a measure's position within its family (10 when
// unclassified): Headline prefers lower ranks.
func measureRank(measure string) int {
	for _, f := range Families {
		for i, m := range f.Measures {
			if m.Name == measure {
				return i
			}
		}
	}
	return 10
}

// Periods of part-year figures as the dataset writes them, with their
// Chinese and English labels for display. Unknown periods display as
// written.
var PeriodLabels = map[string][2]string{
	PeriodFullYear: {"全年", "full year"},
	"Q1":           {"一季度", "Q1"},
	"H1":           {"上半年", "H1"},
	"Q1–Q3":        {"前三季度", "Q1–Q3"},
	"Jan–Oct":      {"1—10月", "Jan–Oct"},
	"Jan–Nov":      {"1—11月", "Jan–Nov"},
}
