package geo

import "math"

// The change rule, in one place: how a zone's figure moved between two
// years, and when the two figures may be compared at all. The web map's
// comparison mode, its list, tooltips and print sheet read it through
// GET /api/v1/stats/change; nothing recomputes it elsewhere.
//
//  1. Each year's figure is that year's headline (Headline) of one measure
//     family: a revenue figure is never compared with a gross output value.
//     Measures of the same family may differ (主营业务收入 one year,
//     营业收入 the next); the change then says so (SameMeasure false). So
//     may scopes (the whole zone one year, its food industry only the
//     next): a part's figure is a lower bound of the zone's (rule 2 of
//     revenue.go), and the change says so (SameScope false).
//  2. Bounds (EffectiveBound, so a part-year figure is a lower bound of its
//     year) decide what the difference means. With f the from-figure and t
//     the to-figure:
//     exact→exact: the change is t−f, exact;
//     exact→lower, upper→exact, upper→lower: the change is at least t−f
//     (ChangeBound lower);
//     exact→upper, lower→exact, lower→upper: the change is at most t−f
//     (ChangeBound upper);
//     lower→lower, upper→upper: nothing is known: not comparable.
//  3. A class needs a direction: an exact change takes the class of its
//     percentage; a lower bound of +2 % or more says "up" or "up_strong"
//     (at least); an upper bound of −2 % or less says "down" or
//     "down_strong" (at most); any other bounded change fixes no class and
//     is not comparable.
//  4. A from-figure of 0 gives no percentage and is not comparable.

// Change classes, lowest first, as ChangeRamp colours them.
const (
	ChangeDownStrong = "down_strong"
	ChangeDown       = "down"
	ChangeFlat       = "flat"
	ChangeUp         = "up"
	ChangeUpStrong   = "up_strong"
)

// ChangeClass is one class of change: percentages in [MinPct, MaxPct)
// (nil: unbounded).
type ChangeClass struct {
	ID      string   `json:"id"`
	Label   string   `json:"label"`
	LabelEN string   `json:"label_en"`
	MinPct  *float64 `json:"min_pct"`
	MaxPct  *float64 `json:"max_pct"`
	Color   string   `json:"color"`
}

func pct(x float64) *float64 { return &x }

// ChangeClasses are the classes of rule 3, lowest first.
var ChangeClasses = []ChangeClass{
	{ID: ChangeDownStrong, Label: "明显下降（≤ −10%）", LabelEN: "clear decrease (≤ −10%)", MaxPct: pct(-10), Color: ChangeRamp[0]},
	{ID: ChangeDown, Label: "下降（−10% ~ −2%）", LabelEN: "decrease (−10% to −2%)", MinPct: pct(-10), MaxPct: pct(-2), Color: ChangeRamp[1]},
	{ID: ChangeFlat, Label: "基本持平（±2% 以内）", LabelEN: "about the same (within ±2%)", MinPct: pct(-2), MaxPct: pct(2), Color: ChangeRamp[2]},
	{ID: ChangeUp, Label: "增长（2% ~ 10%）", LabelEN: "increase (2% to 10%)", MinPct: pct(2), MaxPct: pct(10), Color: ChangeRamp[3]},
	{ID: ChangeUpStrong, Label: "明显增长（≥ 10%）", LabelEN: "clear increase (≥ 10%)", MinPct: pct(10), Color: ChangeRamp[4]},
}

// Reasons a change is not comparable.
const (
	NoChangeFrom   = "no comparable figure in the from year"
	NoChangeTo     = "no comparable figure in the to year"
	NoChangeBounds = "the bounds of the two figures fix no change"
	NoChangeZero   = "the from figure is 0"
)

// Change is the movement of one zone's figure from one year to another.
type Change struct {
	From, To    Revenue // the two headlines (zero when missing)
	HasFrom     bool
	HasTo       bool
	Comparable  bool
	Reason      string  // why not comparable ("" when comparable)
	ChangeYi    float64 // To − From, 亿元
	ChangePct   float64 // 100·(To − From)/From
	ChangeBound string  // BoundExact, BoundLower (at least) or BoundUpper (at most)
	SameMeasure bool    // both figures are of the same measure
	SameScope   bool    // both figures count the same part of the zone (Scope)
	Class       string  // a ChangeClasses id when comparable
}

// ZoneChange compares a zone's headline figures of family fam ("" =
// DefaultFamily) in years from and to, following the rules above.
func ZoneChange(recs []Revenue, from, to int, fam string) Change {
	var c Change
	c.From, c.HasFrom = Headline(recs, from, fam)
	c.To, c.HasTo = Headline(recs, to, fam)
	switch {
	case !c.HasFrom:
		c.Reason = NoChangeFrom
		return c
	case !c.HasTo:
		c.Reason = NoChangeTo
		return c
	}
	c.SameMeasure = c.From.Measure == c.To.Measure
	c.SameScope = ScopeOrZone(c.From.Scope) == ScopeOrZone(c.To.Scope)
	c.ChangeYi = c.To.RevenueYi - c.From.RevenueYi
	c.ChangeBound = changeBound(EffectiveBound(c.From), EffectiveBound(c.To))
	if c.ChangeBound == "" {
		c.Reason = NoChangeBounds
		return c
	}
	if c.From.RevenueYi == 0 {
		c.Reason = NoChangeZero
		return c
	}
	c.ChangePct = 100 * c.ChangeYi / c.From.RevenueYi
	c.Class = ClassOfChange(c.ChangePct)
	switch {
	case c.ChangeBound == BoundLower && c.Class != ChangeUp && c.Class != ChangeUpStrong,
		c.ChangeBound == BoundUpper && c.Class != ChangeDown && c.Class != ChangeDownStrong:
		c.Class, c.Reason = "", NoChangeBounds
		return c
	}
	c.Comparable = true
	return c
}

// changeBound is rule 2: what t−f says about the true change.
func changeBound(from, to string) string {
	switch {
	case from == BoundExact && to == BoundExact:
		return BoundExact
	case (from == BoundExact || from == BoundUpper) && (to == BoundExact || to == BoundLower) && !(from == BoundExact && to == BoundExact):
		return BoundLower
	case (from == BoundExact || from == BoundLower) && (to == BoundExact || to == BoundUpper):
		return BoundUpper
	}
	return ""
}

// ClassOfChange is the ChangeClasses id of a percentage change.
func ClassOfChange(p float64) string {
	if math.IsNaN(p) {
		return ""
	}
	for _, c := range ChangeClasses {
		if (c.MinPct == nil || p >= *c.MinPct) && (c.MaxPct == nil || p < *c.MaxPct) {
			return c.ID
		}
	}
	return ""
}
