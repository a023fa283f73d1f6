package static

import (
	"slices"
	"strings"
	"testing"
	"unicode"
)

// TestWrapLineBreaking: lines break at UAX #14's opportunities with the CJK kinsoku
// rules (no line starts with closing punctuation, none ends with an
// opening bracket), preferring a space or the place before an opening
// bracket; the trial's two legend texts (trial 4, finding 1c) no longer
// leave "）" or "业）" alone on a line. Widths in em at size 10.
func TestWrapLineBreaking(t *testing.T) {
	for _, c := range []struct {
		s    string
		em   float64
		want []string
	}{
		// The trial: "）" alone on its own line.
		{"≥ 下限值（至少在此档）", 10, []string{"≥ 下限值", "（至少在此档）"}},
		// The trial: "业）" left on the next line.
		{"企业 · 合成数据（虚构企业）", 9, []string{"企业 · 合成数据", "（虚构企业）"}},
		{"企业 · 合成数据（虚构企业）", 6, []string{"企业 ·", "合成数据", "（虚构企业）"}},
		// Fits: one line.
		{"≥ 下限值（至少在此档）", 11, []string{"≥ 下限值（至少在此档）"}},
		// Latin between words, the parenthesis kept with its word.
		{"not compared (a year missing, or bounds that fix no change)", 12, []string{"not compared (a year", "missing, or bounds that", "fix no change)"}},
		// No comma or full stop starts a line; Han break between characters.
		{"郑州航空港经济综合实验区，开封", 6, []string{"郑州航空港经", "济综合实验", "区，开封"}},
		// A word longer than a line is cut, never lost.
		{"Zhengzhou", 3, []string{"Zheng", "zhou"}},
		{"", 5, nil},
	} {
		got := wrap(c.s, 10, c.em*10)
		if !slices.Equal(got, c.want) {
			t.Errorf("wrap(%q, %g em) = %q, want %q", c.s, c.em, got, c.want)
		}
		if strings.Join(got, "") != strings.ReplaceAll(strings.Join(strings.Fields(c.s), ""), " ", "") && strings.ReplaceAll(strings.Join(got, ""), " ", "") != strings.ReplaceAll(c.s, " ", "") {
			t.Errorf("wrap(%q) lost text: %q", c.s, got)
		}
		for _, ln := range got {
			if r := []rune(ln)[0]; unicode.In(r, unicode.Pe, unicode.Pf) || strings.ContainsRune("，。、；：！？", r) {
				t.Errorf("wrap(%q, %g em): line %q starts with closing punctuation", c.s, c.em, ln)
			}
			if textWidth(ln, 10) > c.em*10+1e-9 && len([]rune(ln)) > 1 {
				t.Errorf("wrap(%q, %g em): line %q is %.1f em", c.s, c.em, ln, textWidth(ln, 10)/10)
			}
		}
	}
}
