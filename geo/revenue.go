package geo

// measureRank orders measures for choosing a zone's headline figure: the
// plan's tiers speak of 主营业务收入, so it wins, then the broadest others.
var measureRank = map[string]int{
	"主营业务收入":   0,
	"营业收入":     1,
	"四上企业营业收入": 2,
	"规上企业营业收入": 3,
	"工业总产值":    4,
}

func rankOf(m string) int {
	if r, ok := measureRank[m]; ok {
		return r
	}
	return 10
}

var boundRank = map[string]int{BoundExact: 0, BoundLower: 1, BoundUpper: 2}

// EffectiveBound is how a record bounds the whole year's figure: a part-year
// figure that is exact or a lower bound is a lower bound of the full year
// (revenue does not go negative); a part-year upper bound says nothing and
// yields "".
func EffectiveBound(r Revenue) string {
	if r.Period == PeriodFullYear || r.Period == "" {
		return r.Bound
	}
	if r.Bound == BoundExact || r.Bound == BoundLower {
		return BoundLower
	}
	return ""
}

// Headline picks the one record that stands for a zone in year (0: the
// latest year with any record): full-year before part-year, then measure
// (主营业务收入 first), then exact before bounds, then the larger figure.
// recs is not modified. ok is false when no record qualifies.
func Headline(recs []Revenue, year int) (best Revenue, ok bool) {
	if year == 0 {
		for _, r := range recs {
			if r.Year > year && EffectiveBound(r) != "" {
				year = r.Year
			}
		}
	}
	for _, r := range recs {
		if r.Year != year || EffectiveBound(r) == "" {
			continue
		}
		if !ok || better(r, best) {
			best, ok = r, true
		}
	}
	return best, ok
}

func better(a, b Revenue) bool {
	af, bf := a.Period == PeriodFullYear, b.Period == PeriodFullYear
	if af != bf {
		return af
	}
	if ra, rb := rankOf(a.Measure), rankOf(b.Measure); ra != rb {
		return ra < rb
	}
	if ra, rb := boundRank[a.Bound], boundRank[b.Bound]; ra != rb {
		return ra < rb
	}
	if a.RevenueYi != b.RevenueYi {
		return a.RevenueYi > b.RevenueYi
	}
	return a.Measure < b.Measure
}

// ZoneTier is the tier id of a zone for year under ts (TierNoData without a
// headline figure), with the headline record used.
func ZoneTier(ts Tiers, recs []Revenue, year int) (string, Revenue, bool) {
	h, ok := Headline(recs, year)
	if !ok {
		return TierNoData, Revenue{}, false
	}
	return ts.Of(h.RevenueYi), h, true
}

// MeetsMin reports whether the headline figure for year is known to be ≥ x:
// an exact figure ≥ x, or a lower bound ≥ x (part-year figures count as
// lower bounds of the year).
func MeetsMin(recs []Revenue, year int, x float64) bool {
	h, ok := Headline(recs, year)
	if !ok {
		return false
	}
	b := EffectiveBound(h)
	return (b == BoundExact || b == BoundLower) && h.RevenueYi >= x
}

// MeetsMax reports whether the headline figure for year is known to be ≤ x:
// an exact figure ≤ x, or an upper bound ≤ x.
func MeetsMax(recs []Revenue, year int, x float64) bool {
	h, ok := Headline(recs, year)
	if !ok {
		return false
	}
	b := EffectiveBound(h)
	return (b == BoundExact || b == BoundUpper) && h.RevenueYi <= x
}
