package placename

import (
	"cmp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/paulmach/orb"
)

// Abbreviations are the usual short forms of development-zone names, longest
// first: a planner types 郑州经开区 or 经开 for 郑州经济技术开发区. Each entry
// is applied to a name to make one more searchable form (and its pinyin and
// initials), so 经开, jingkai and zzjk all find 郑州经济技术开发区.
var Abbreviations = []struct{ Long, Short string }{
	{"航空港经济综合实验区", "航空港区"},
	{"高新技术产业开发区", "高新区"},
	{"经济技术开发区", "经开区"},
	{"经济开发区", "经开区"},
	{"综合保税区", "综保区"},
	{"产业集聚区", "集聚区"},
	{"工业园区", "工业园"},
}

// AbbreviationsEN are the usual short forms of the generic part of English
// zone names, longest first, for maps where the full name does not fit
// beside a marker (the web map at province zoom, the static images'
// labels and key); the data keep the full names. ETDZ is the Ministry of
// Commerce's own abbreviation for economic and technological development
// zones.
var AbbreviationsEN = []struct{ Long, Short string }{
	{"Economic and Technological Development Zone", "ETDZ"},
	{"High-tech Industrial Development Zone", "High-tech Zone"},
	{"Advanced Manufacturing Development Zone", "Adv. Mfg. Zone"},
	{"Industrial Agglomeration Zone", "Ind. Agglom. Zone"},
	{"Economic Development Zone", "Econ. Dev. Zone"},
	{"Comprehensive Bonded Zone", "Bonded Zone"},
	{"Airport Economy Zone", "Airport Zone"},
}

// ShortEN applies AbbreviationsEN to an English name.
func ShortEN(name string) string {
	for _, a := range AbbreviationsEN {
		name = strings.Replace(name, a.Long, a.Short, 1)
	}
	return name
}

// Kinds of search entries, in the order results of equal score are listed.
const (
	KindCity   = "city"
	KindCounty = "county"
	KindZone   = "zone"
)

var kindOrder = map[string]int{KindCity: 0, KindCounty: 1, KindZone: 2}

// Entry is one searchable place. Center is where a map goes to show it;
// nil when the place has no known location (a zone without a geocoded
// point is not given a made-up one).
type Entry struct {
	Kind   string     `json:"kind"`
	ID     string     `json:"id"`
	Name   string     `json:"name"`
	NameEN string     `json:"name_en,omitempty"`
	Center *orb.Point `json:"center"`
}

// Hit is an entry that matches a query, with how it matched: "name",
// "abbreviation", "name_en", "pinyin" or "initials".
type Hit struct {
	Entry
	Matched string `json:"matched"`
	score   int
}

// key is one searchable form of an entry's name.
type key struct {
	text  string // normalised
	how   string // what Hit.Matched reports
	latin bool   // pinyin or initials: substring matches need 3+ letters
	init  bool   // initials: prefix and exact matches only
}

// Index answers name searches over cities, counties and zones. Build it once
// per dataset version with NewIndex; it is read-only and safe for
// concurrent use.
type Index struct {
	entries []Entry
	keys    [][]key
}

// NewIndex indexes entries under their names, the names without the
// administrative suffix (郑州 for 郑州市) and without a leading 河南, the
// abbreviated zone names, the full pinyin and initials of each of those,
// and the English name.
func NewIndex(entries []Entry) *Index {
	ix := &Index{entries: slices.Clone(entries), keys: make([][]key, len(entries))}
	for i, e := range ix.entries {
		seen := map[string]bool{}
		add := func(k key) {
			if k.text != "" && !seen[k.how+"\x00"+k.text] {
				seen[k.how+"\x00"+k.text] = true
				ix.keys[i] = append(ix.keys[i], k)
			}
		}
		for _, form := range nameForms(e) {
			add(key{text: Normalize(form.text), how: form.how})
			syl := Syllables(form.text)
			add(key{text: Normalize(strings.Join(syl, "")), how: "pinyin", latin: true})
			var ini strings.Builder
			for _, s := range syl {
				if r, _ := utf8.DecodeRuneInString(s); r < utf8.RuneSelf && unicode.IsLetter(r) {
					ini.WriteRune(r)
				}
			}
			add(key{text: Normalize(ini.String()), how: "initials", latin: true, init: true})
		}
		add(key{text: Normalize(e.NameEN), how: "name_en", latin: true})
	}
	return ix
}

type form struct{ text, how string }

// nameForms lists the Chinese forms an entry is found under.
func nameForms(e Entry) []form {
	forms := []form{{e.Name, "name"}}
	base := strings.TrimPrefix(e.Name, "河南")
	if base != e.Name && utf8.RuneCountInString(base) >= 2 {
		forms = append(forms, form{base, "name"})
	}
	if e.Kind != KindZone {
		for _, suf := range []string{"回族区", "市", "县", "区"} {
			if b, ok := strings.CutSuffix(base, suf); ok && utf8.RuneCountInString(b) >= 2 {
				forms = append(forms, form{b, "name"})
				break
			}
		}
		return forms
	}
	short := base
	for _, a := range Abbreviations {
		short = strings.Replace(short, a.Long, a.Short, 1)
	}
	if short != base {
		forms = append(forms, form{short, "abbreviation"})
		// 郑州经开区 is also typed without its last 区: 郑州经开, zzjk.
		if b, ok := strings.CutSuffix(short, "区"); ok {
			forms = append(forms, form{b, "abbreviation"})
		}
	}
	return forms
}

// Normalize is how names and queries are compared: lower case, without
// spaces, hyphens, apostrophes, middle dots and brackets.
func Normalize(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r), strings.ContainsRune("-'’‘·•()（）[]【】", r):
			return -1
		default:
			return unicode.ToLower(r)
		}
	}, s)
}

// Search returns up to limit entries matching q, best first: an exact match
// of a form before a prefix before a substring; Chinese forms before the
// English name before pinyin before initials (names and abbreviations alike); then cities, counties, zones;
// then shorter names. Pinyin substrings need at least 3 letters, initials
// match only as a prefix, so short Latin queries do not match everything.
func (ix *Index) Search(q string, limit int) []Hit {
	nq := Normalize(q)
	if nq == "" || limit <= 0 {
		return nil
	}
	var hits []Hit
	for i, e := range ix.entries {
		best, how := 0, ""
		for _, k := range ix.keys[i] {
			if s := matchScore(k, nq); s > best {
				best, how = s, k.how
			}
		}
		if best > 0 {
			hits = append(hits, Hit{Entry: e, Matched: how, score: best})
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		return cmp.Or(
			cmp.Compare(b.score, a.score),
			cmp.Compare(kindOrder[a.Kind], kindOrder[b.Kind]),
			cmp.Compare(utf8.RuneCountInString(a.Name), utf8.RuneCountInString(b.Name)),
			strings.Compare(a.ID, b.ID),
		)
	})
	return hits[:min(limit, len(hits))]
}

// matchScore grades one key against a normalised query, 0 for no match.
func matchScore(k key, q string) int {
	bonus := map[string]int{"name": 3, "abbreviation": 3, "name_en": 2, "pinyin": 1, "initials": 0}[k.how]
	switch {
	case k.text == q:
		return 30 + bonus
	case strings.HasPrefix(k.text, q):
		return 20 + bonus
	case k.init:
		return 0
	case k.latin && len(q) < 3:
		return 0
	case strings.Contains(k.text, q):
		return 10 + bonus
	}
	return 0
}
