package data

import (
	"cmp"
	"fmt"
	"slices"

	"layoutmap/geo"
)

// RevenueIn is one incoming revenue figure: Zone is a zone id or, when no
// id matches, a zone's exact name; Where names its origin (file and row)
// for problems.
type RevenueIn struct {
	Where   string
	Zone    string
	Revenue geo.Revenue
}

// RevenueKey identifies a figure: zone, year, measure, period (an
// unstated period is the full year) and scope (unstated: the whole zone),
// so a zone's food-industry figure and its whole revenue of one year are
// two figures.
type RevenueKey struct {
	ZoneID, Measure, Period, Scope string
	Year                           int
}

// KeyOf is the key of r.
func KeyOf(r geo.Revenue) RevenueKey {
	return RevenueKey{ZoneID: r.ZoneID, Measure: r.Measure, Period: periodOrFull(r.Period), Scope: geo.ScopeOrZone(r.Scope), Year: r.Year}
}

func periodOrFull(p string) string {
	if p == "" {
		return geo.PeriodFullYear
	}
	return p
}

// RevenueDuplicateRule is the one duplicate rule of MergeRevenue, stated
// where imports report it.
const RevenueDuplicateRule = "Within one file or import, two figures of the same zone, year, measure, period and scope are an error naming both " +
	"(nothing is imported); a figure replaces the stored figure of the same zone, year, measure, period and scope, and leaves the zone's other figures."

// MergeRevenue is the one revenue merge: the bundled-dataset loader, the
// planners' importer and the PostGIS revenue writer all call it, so they
// agree on duplicates (RevenueDuplicateRule) and on what a figure must be.
//
// zones are the known zones with their stored figures (Revenue). Each
// figure of batch is resolved to a zone (id, else a unique exact name),
// its period normalised (unstated: full year) and checked with
// ValidateRevenue. It returns, for every zone the batch touches, the zone's
// merged figures sorted by year, measure and period, and every problem
// (unknown or ambiguous zone, invalid figure, duplicate within the batch).
// Callers import nothing when there is a problem. zones is not modified.
func MergeRevenue(zones []geo.Zone, batch []RevenueIn) (map[string][]geo.Revenue, []Problem) {
	byID := make(map[string]int, len(zones))
	byName := map[string][]string{}
	for i := range zones {
		byID[zones[i].ID] = i
		byName[zones[i].Name] = append(byName[zones[i].Name], zones[i].ID)
	}
	var probs []Problem
	seen := map[RevenueKey]string{}
	incoming := map[string][]geo.Revenue{}
	for _, in := range batch {
		v := in.Revenue
		v.Period = periodOrFull(v.Period)
		v.Scope = geo.ScopeOrZone(v.Scope)
		switch _, ok := byID[in.Zone]; {
		case ok:
			v.ZoneID = in.Zone
		case len(byName[in.Zone]) == 1:
			v.ZoneID = byName[in.Zone][0]
		case len(byName[in.Zone]) > 1:
			probs = append(probs, Problem{Where: in.Where, Reason: fmt.Sprintf("zone name %q is ambiguous (%v): use the id", geo.Clip(in.Zone), byName[in.Zone])})
			continue
		default:
			probs = append(probs, Problem{Where: in.Where, Reason: fmt.Sprintf("unknown zone %q", geo.Clip(in.Zone))})
			continue
		}
		if p := ValidateRevenue(v); p != "" {
			probs = append(probs, Problem{Where: in.Where, Reason: p})
			continue
		}
		k := KeyOf(v)
		if prev, dup := seen[k]; dup {
			probs = append(probs, Problem{Where: in.Where, Reason: "same zone, year, measure, period and scope as " + prev})
			continue
		}
		seen[k] = in.Where
		incoming[v.ZoneID] = append(incoming[v.ZoneID], v)
	}
	out := make(map[string][]geo.Revenue, len(incoming))
	for id, recs := range incoming {
		merged := slices.DeleteFunc(slices.Clone(zones[byID[id]].Revenue), func(o geo.Revenue) bool {
			o.ZoneID = id
			_, replaced := seen[KeyOf(o)]
			return replaced
		})
		merged = append(merged, recs...)
		slices.SortStableFunc(merged, func(a, b geo.Revenue) int {
			return cmp.Or(cmp.Compare(a.Year, b.Year), cmp.Compare(a.Measure, b.Measure), cmp.Compare(periodOrFull(a.Period), periodOrFull(b.Period)),
				cmp.Compare(geo.ScopeOrZone(a.Scope), geo.ScopeOrZone(b.Scope)))
		})
		out[id] = merged
	}
	return out, probs
}
