package geo

// The revenue rules, in one place. Every surface (both stores, tiles,
// statistics, static images, CSV) reads a zone's figure through Headline
// and its tier through ZoneTier; the PostGIS store stores Headline's
// answers (zone_headline) and recomputes them in a migration whenever these
// rules change.
//
//  1. A figure belongs to a measure family (FamilyOf). Only figures of the
//     requested family (default FamilyRevenue) are candidates; a zone with
//     figures of another family only has "no comparable figure".
//  2. A part-year figure (Q1, Jan–Nov …) that is exact or a lower bound is a
//     lower bound of its full year: revenue does not go negative. A
//     part-year upper bound says nothing about the year and is no candidate.
//     Likewise a figure of one part of the zone (Scope not ScopeZone: one
//     industry such as 食品产业, or a smaller area) that is exact or a lower
//     bound is a lower bound of the whole zone's figure, and a part's upper
//     bound is no candidate. Such a figure therefore answers "zones ≥ X"
//     and "at least tier X" (it proves them), never "≤ X" or an exact
//     tier, and every surface shows its scope beside it ("仅食品产业",
//     "food industry only"); statistics that add figures up leave it out
//     (see ClusterStats), as they leave out part-year figures.
//  3. Year 0 means the latest year with a candidate, per zone (the map's
//     "latest figure of each zone" mode, which mixes years; statistics never
//     use it for plan targets, see LatestComparableYear).
//  4. Among a year's candidates: full-year before part-year, then the
//     whole zone before a part of it, then the family's measure order
//     (主营业务收入 first), then exact before lower before upper bounds,
//     then the larger figure, then the measure name, then the scope.
//  5. Bound of the headline (EffectiveBound): exact, lower or upper, as a
//     statement about the full year.
//  6. Tier (ZoneTier): an exact figure lies in the band containing it; a
//     lower bound places the zone "at least" in the band containing the
//     bound (tier = that band, bound = lower, shown as "≥"); an upper bound
//     places it only when the bound falls in the lowest band, otherwise the
//     zone has no comparable tier (TierNoData).
//  7. Thresholds: min_revenue=x matches exact figures ≥ x and lower bounds
//     ≥ x; max_revenue=x matches exact figures ≤ x and upper bounds ≤ x.
//  8. tier=X matches zones whose ZoneTier is X, exact or "at least" (a
//     lower bound in band X means "X or higher"); at_or_above counts in the
//     statistics are therefore exact for lower bounds.

var boundRank = map[string]int{BoundExact: 0, BoundLower: 1, BoundUpper: 2}

// EffectiveBound is how a record bounds the whole zone's full-year figure:
// a part-year figure, or a figure of a part of the zone (WholeZone false),
// that is exact or a lower bound is a lower bound of it (revenue does not
// go negative); a part-year or part-of-zone upper bound says nothing and
// yields "".
func EffectiveBound(r Revenue) string {
	if FullYear(r) && WholeZone(r) {
		return r.Bound
	}
	if r.Bound == BoundExact || r.Bound == BoundLower {
		return BoundLower
	}
	return ""
}

// FullYear reports whether r covers its whole year.
func FullYear(r Revenue) bool { return r.Period == PeriodFullYear || r.Period == "" }

// WholeZone reports whether r counts the whole zone (Scope "" or
// ScopeZone).
func WholeZone(r Revenue) bool { return r.Scope == "" || r.Scope == ScopeZone }

// ScopeOrZone is the stored and served form of a scope: ScopeZone for "".
func ScopeOrZone(s string) string {
	if s == "" {
		return ScopeZone
	}
	return s
}

// family returns "" → DefaultFamily.
func family(f string) string {
	if f == "" {
		return DefaultFamily
	}
	return f
}

// candidate reports whether r can headline family fam.
func candidate(r Revenue, fam string) bool {
	return FamilyOf(r.Measure) == fam && EffectiveBound(r) != ""
}

// Headline picks the one record of family fam ("" = DefaultFamily) that
// stands for a zone in year (0: the zone's latest year with a candidate),
// following the rules at the top of this file. recs is not modified. ok is
// false when no record qualifies.
func Headline(recs []Revenue, year int, fam string) (best Revenue, ok bool) {
	fam = family(fam)
	if year == 0 {
		for _, r := range recs {
			if r.Year > year && candidate(r, fam) {
				year = r.Year
			}
		}
	}
	for _, r := range recs {
		if r.Year != year || !candidate(r, fam) {
			continue
		}
		if !ok || better(r, best) {
			best, ok = r, true
		}
	}
	return best, ok
}

func better(a, b Revenue) bool {
	if af, bf := FullYear(a), FullYear(b); af != bf {
		return af
	}
	if aw, bw := WholeZone(a), WholeZone(b); aw != bw {
		return aw
	}
	if ra, rb := measureRank(a.Measure), measureRank(b.Measure); ra != rb {
		return ra < rb
	}
	if ra, rb := boundRank[a.Bound], boundRank[b.Bound]; ra != rb {
		return ra < rb
	}
	if a.RevenueYi != b.RevenueYi {
		return a.RevenueYi > b.RevenueYi
	}
	if a.Measure != b.Measure {
		return a.Measure < b.Measure
	}
	return ScopeOrZone(a.Scope) < ScopeOrZone(b.Scope)
}

// TierOf is the tier id a headline figure with effective bound eff (see
// EffectiveBound) places a zone in under ts, following rule 6: exact and
// lower bounds take the band of the figure (a lower bound meaning "at
// least" that band); an upper bound only places a zone when it falls in the
// lowest band; anything else is TierNoData.
func TierOf(ts Tiers, yi float64, eff string) string {
	switch eff {
	case BoundExact, BoundLower:
		return ts.Of(yi)
	case BoundUpper:
		if last := ts[len(ts)-1]; len(ts) == 1 || yi < ts[len(ts)-2].MinYi {
			return last.ID
		}
	}
	return TierNoData
}

// ZoneTier is the tier id of a zone for year and family fam under ts
// (TierNoData without a comparable figure), with the headline record used
// and whether there is one. A zone whose headline is a lower bound is "at
// least" in the returned tier: EffectiveBound(h) == BoundLower.
func ZoneTier(ts Tiers, recs []Revenue, year int, fam string) (string, Revenue, bool) {
	h, ok := Headline(recs, year, fam)
	if !ok {
		return TierNoData, Revenue{}, false
	}
	return TierOf(ts, h.RevenueYi, EffectiveBound(h)), h, true
}

// MeetsMin reports whether the headline figure for year and family is known
// to be ≥ x: an exact figure ≥ x, or a lower bound ≥ x (part-year figures
// count as lower bounds of the year).
func MeetsMin(recs []Revenue, year int, fam string, x float64) bool {
	h, ok := Headline(recs, year, fam)
	if !ok {
		return false
	}
	b := EffectiveBound(h)
	return (b == BoundExact || b == BoundLower) && h.RevenueYi >= x
}

// MeetsMax reports whether the headline figure for year and family is known
// to be ≤ x: an exact figure ≤ x, or an upper bound ≤ x.
func MeetsMax(recs []Revenue, year int, fam string, x float64) bool {
	h, ok := Headline(recs, year, fam)
	if !ok {
		return false
	}
	b := EffectiveBound(h)
	return (b == BoundExact || b == BoundUpper) && h.RevenueYi <= x
}

// HeadlineYears returns 0 and every year with a record in recs, ascending
// after 0: the years a store must precompute headlines for.
func HeadlineYears(recs []Revenue) []int {
	years := []int{0}
	for _, r := range recs {
		found := false
		for _, y := range years {
			if y == r.Year {
				found = true
			}
		}
		if !found {
			years = append(years, r.Year)
		}
	}
	return years
}
