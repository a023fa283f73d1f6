package placename

import (
	"slices"
	"testing"
	"unicode/utf8"
)

func TestPinyin(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"长葛", "Changge"},
		{"漯河", "Luohe"},
		{"新安", "Xin'an"},
		{"召陵", "Shaoling"},
		{"中牟", "Zhongmu"},
		{"郑州", "Zhengzhou"},
	} {
		if got := Pinyin(tc.in); got != tc.want {
			t.Errorf("Pinyin(%s) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"Xin'an County": "xinancounty",
		" Zheng-Zhou ":  "zhengzhou",
		"郑州（经开）":        "郑州经开",
		"":              "",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}

var sample = []Entry{
	{Kind: KindCity, ID: "410100", Name: "郑州市", NameEN: "Zhengzhou"},
	{Kind: KindCounty, ID: "410105", Name: "金水区", NameEN: "Jinshui District"},
	{Kind: KindZone, ID: "a", Name: "郑州经济技术开发区", NameEN: "Zhengzhou ETDZ"},
	{Kind: KindZone, ID: "b", Name: "郑州经开综合保税区"},
	{Kind: KindZone, ID: "c", Name: "河南洛阳工业园区"},
	{Kind: KindZone, ID: "d", Name: "郑州金水高新技术产业开发区"},
}

func ids(hs []Hit) []string {
	var out []string
	for _, h := range hs {
		out = append(out, h.ID)
	}
	return out
}

func TestSearchRanking(t *testing.T) {
	ix := NewIndex(sample)
	for _, tc := range []struct {
		q    string
		want []string
	}{
		{"郑州", []string{"410100", "a", "b", "d"}}, // the city (exact without 市) first
		{"zzjk", []string{"a", "b"}},              // initials of 郑州经开 exact, then a prefix
		{"经开", []string{"a", "b"}},                // abbreviation substring
		{"洛阳工业园", []string{"c"}},                  // without the leading 河南, abbreviated
		{"jinshui", []string{"410105", "d"}},      // county before the zone holding the name
		{"zz", []string{"410100", "a", "b", "d"}}, // initials prefix
		{"jk", nil},                // initials match only as a prefix
		{"ji", []string{"410105"}}, // two letters: prefixes only (Jinshui District), no pinyin substring
		{"gaoxin", []string{"d"}},  // pinyin substring of the abbreviation
		{"nothing at all", nil},
	} {
		if got := ids(ix.Search(tc.q, 10)); !slices.Equal(got, tc.want) {
			t.Errorf("Search(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
	if got := ix.Search("郑州", 2); len(got) != 2 {
		t.Errorf("limit 2: %d hits", len(got))
	}
}

// FuzzSearch: any query is answered without panicking, within the limit,
// and every hit matches by one of the named ways.
func FuzzSearch(f *testing.F) {
	ix := NewIndex(sample)
	for _, s := range []string{"郑州", "zzjk", "经开", "'", "（", "\xff", "a-b c"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, q string) {
		hs := ix.Search(q, 5)
		if len(hs) > 5 {
			t.Fatalf("%d hits over limit", len(hs))
		}
		for _, h := range hs {
			if !slices.Contains([]string{"name", "abbreviation", "name_en", "pinyin", "initials"}, h.Matched) {
				t.Fatalf("hit %s matched %q", h.ID, h.Matched)
			}
		}
		_ = utf8.ValidString(Normalize(q))
	})
}
