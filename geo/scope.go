package geo

import "strings"

// Scope of a revenue figure: what part of the zone it counts (Revenue.Scope,
// the field "scope" of the zone field table). A source states most figures
// for the whole zone (ScopeZone); some count one industry of it (漯河经开区's
// "食品产业年营收超过1500亿元": the food industry only) or a smaller area (the
// 2019 产业集聚区 of a management committee, smaller than today's zone). Such
// a figure is a lower bound of the zone's figure (EffectiveBound), so it
// answers "zones ≥ X" but is always shown with its scope (ScopeText), and
// sums leave it out. Scopes are written as the source names the part, in
// Chinese; ScopeTerms gives the English of the known ones (the bundled
// dataset's dictionary.json copies it); an unknown scope (a planner's
// import) is shown as written in both languages.

// ScopeTerms maps the scopes the bundled dataset uses to English.
var ScopeTerms = map[string]string{
	ScopeZone:   "whole zone",
	"食品产业":      "food industry",
	"经济技术产业集聚区": "Economic-Technological Industrial Agglomeration District",
	"航空港产业集聚区":  "Airport Industrial Agglomeration District",
	"高新技术产业集聚区": "High-Tech Industrial Agglomeration District",
}

// ScopeZoneZH is the Chinese label of ScopeZone.
const ScopeZoneZH = "全区"

// ScopeMaxRunes bounds the length of a scope (a name, not a sentence).
const ScopeMaxRunes = 40

// ScopeText is the mark a figure of scope s carries in language lang
// ("en" or Chinese otherwise): "" for the whole zone, "仅食品产业" or
// "food industry only" for a part.
func ScopeText(s, lang string) string {
	if s == "" || s == ScopeZone {
		return ""
	}
	if lang == "en" {
		en := ScopeTerms[s]
		if en == "" {
			en = s
		}
		return en + " only"
	}
	return "仅" + s
}

// ScopeProblem says what is wrong with a scope as written ("" when it is
// fine): a scope names a part of the zone, so it is short, one line, and
// not a number, a bound or a list.
func ScopeProblem(s string) string {
	switch {
	case s == "" || s == ScopeZone:
		return ""
	case strings.TrimSpace(s) != s:
		return "scope has leading or trailing spaces"
	case len([]rune(s)) > ScopeMaxRunes:
		return "scope is longer than 40 characters: name the part of the zone the figure counts (e.g. 食品产业), or leave it empty for the whole zone"
	case strings.ContainsAny(s, "|;\n\r\t"):
		return "scope holds a list separator: a figure counts one part of the zone (e.g. 食品产业)"
	case strings.Trim(s, "0123456789.,-+ ") == "":
		return "scope is a number: name the part of the zone the figure counts (e.g. 食品产业), or leave it empty for the whole zone"
	}
	return ""
}
