package main

import (
	"bufio"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"

	"layoutmap/data"
	"layoutmap/geo"
)

// The readable provenance of the dataset: sources.json resolves the S-ids
// that rows cite to the entries of the shared source list, and
// dictionary.json translates the Chinese terms rows carry (lead industries,
// measures, periods) so the English UI never shows an untranslated term.

var (
	reSourceLine = regexp.MustCompile(`^- \*\*(S\d+)\*\* — (.*)$`)
	reURL        = regexp.MustCompile(`https?://[^\s;，。)）]+`)
	reDate       = regexp.MustCompile(`\d{4}-\d{2}(?:-\d{2})?`)
	reBookTitle  = regexp.MustCompile(`《[^》]+》`)
)

// sources parses the "- **Sxx** — …" entries of shared/data/SOURCES.md
// (continuation lines are indented) into data.Source records, sorted by id.
func sources(shared string) ([]data.Source, error) {
	f, err := os.Open(filepath.Join(shared, "data", "SOURCES.md"))
	if err != nil {
		return nil, fmt.Errorf("henanbuild: reading the source list: %w", err)
	}
	defer f.Close()
	var out []data.Source
	var cur *data.Source
	var text []string
	flush := func() {
		if cur == nil {
			return
		}
		t := strings.Join(text, " ")
		for _, u := range reURL.FindAllString(t, -1) {
			cur.URLs = append(cur.URLs, strings.TrimRight(u, ".,"))
		}
		cit := strings.TrimSpace(reURL.ReplaceAllString(t, ""))
		cit = strings.ReplaceAll(strings.ReplaceAll(cit, "**", ""), " ; ", " ")
		// The citation is the entry's first sentence (title, publisher,
		// date); the source list's notes after it are for the data's
		// compilers, not for readers of a zone card.
		if i := strings.Index(cit, ". "); i > 0 {
			cit = cit[:i]
		}
		if i := strings.Index(cit, "; "); i > 0 {
			cit = cit[:i]
		}
		cit = strings.TrimRight(strings.TrimSpace(cit), ";.: ")
		cur.Citation = cit
		cur.Date = reDate.FindString(cit)
		// The title: a book-title-marked 《…》 name when there is one, else
		// what precedes the first " (" or ", "; a publisher in parentheses
		// right after the title is kept apart.
		title, rest := cit, ""
		if i := firstIndex(cit, " (", ", "); i > 0 {
			title, rest = strings.TrimSpace(cit[:i]), strings.TrimSpace(cit[i:])
		}
		if m := reBookTitle.FindString(cit); m != "" && !strings.HasPrefix(title, "《") {
			title = m
		}
		cur.Title = strings.TrimSuffix(title, ".")
		// No publisher is split off: the entries do not follow one pattern
		// (authors, issuing bodies, notes and quotes stand where a publisher
		// would), and a wrong publisher on a zone card is a wrong fact.
		// Readers get the citation whole.
		_ = rest
		out = append(out, *cur)
		cur, text = nil, nil
	}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if m := reSourceLine.FindStringSubmatch(line); m != nil {
			flush()
			cur = &data.Source{ID: m[1]}
			text = []string{m[2]}
			continue
		}
		if cur != nil && strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "" {
			text = append(text, strings.TrimSpace(line))
			continue
		}
		flush()
	}
	flush()
	if err := sc.Err(); err != nil {
		return nil, err
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

// dictionary builds the zh→en term table: lead industries from
// tables/terms_en.csv (every lead industry of the zones must be there),
// measures and measure families from geo, periods from geo.PeriodLabels,
// scopes from geo.ScopeTerms.
func (b *builder) dictionary() (data.Dictionary, error) {
	rows, err := readTable("terms_en.csv")
	if err != nil {
		return data.Dictionary{}, err
	}
	d := data.Dictionary{LeadIndustries: map[string]string{}, Measures: map[string]string{}, Periods: map[string]data.Term{}}
	for _, r := range rows {
		d.LeadIndustries[r["zh"]] = r["en"]
	}
	var missing []string
	for _, z := range b.zonesOut {
		for _, t := range z.LeadIndustries {
			if d.LeadIndustries[t] == "" && !slices.Contains(missing, t) {
				missing = append(missing, t)
			}
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return d, fmt.Errorf("henanbuild: tables/terms_en.csv lacks English for lead industries %s", strings.Join(missing, "、"))
	}
	for _, fam := range geo.Families {
		for _, m := range fam.Measures {
			d.Measures[m.Name] = m.NameEN
		}
	}
	for k, v := range geo.PeriodLabels {
		d.Periods[k] = data.Term{Zh: v[0], En: v[1]}
	}
	// Scopes: English of every scope a record carries (geo.ScopeTerms).
	d.Scopes = map[string]string{geo.ScopeZone: geo.ScopeTerms[geo.ScopeZone]}
	for _, r := range b.revOut {
		en := geo.ScopeTerms[r.Scope]
		if en == "" {
			return d, fmt.Errorf("henanbuild: geo.ScopeTerms lacks English for the scope %q of %s %d", r.Scope, r.ZoneID, r.Year)
		}
		d.Scopes[r.Scope] = en
	}
	return d, nil
}

// firstIndex is the smallest index of any of seps in s, or -1.
func firstIndex(s string, seps ...string) int {
	best := -1
	for _, sep := range seps {
		if i := strings.Index(s, sep); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	return best
}
