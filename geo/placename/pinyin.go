// Package placename holds what layoutmap knows about Chinese place and zone
// names: their Hanyu Pinyin (with the readings Henan's place names use), the
// usual abbreviations of development-zone names, and a search index over
// names, pinyin, initials and abbreviations.
package placename

import (
	"strings"

	"github.com/mozillazg/go-pinyin"
)

// charOverride fixes characters whose default (most frequent) reading is
// wrong in Henan place names. Checked by reading the generated names.
var charOverride = map[rune]string{
	'长': "chang", // 长垣, 长葛 (not zhang)
	'浚': "xun",   // 浚县 (not jun)
	'漯': "luo",   // 漯河 (not ta)
	'泌': "bi",    // 泌阳 (not mi)
	'荥': "xing",  // 荥阳 (not ying)
	'尉': "yu",    // 尉氏 (not wei)
	'柘': "zhe",
	'郏': "jia",
	'渑': "mian", // 渑池 (not sheng)
	'单': "shan",
	'台': "tai",
	'乐': "le", // 南乐
	'陕': "shan",
	'瀍': "chan",
	'叶': "ye",
	'华': "hua",
	'蔡': "cai",
	'睢': "sui",
	'濮': "pu",
	'郾': "yan",
	'鄢': "yan",
	'淅': "xi",
	'浉': "shi",
	'湛': "zhan",
	'洛': "luo",
	'都': "du",   // 魏都, 殷都 (not dou)
	'沈': "shen", // 沈丘
	'柏': "bai",  // 桐柏
	'伊': "yi",
	'宛': "wan",
	'汝': "ru",
	'行': "xing",
	'济': "ji",
	'虞': "yu",
	'颍': "ying",
	'澧': "li",
	'汴': "bian",
	'涧': "jian",
	'许': "xu",
	'省': "sheng",
}

// phraseOverride fixes readings that depend on the neighbouring character.
var phraseOverride = map[string][]string{
	"南召": {"nan", "zhao"},
	"召陵": {"shao", "ling"},
	"解放": {"jie", "fang"},
	"中牟": {"zhong", "mu"},
	"牟":  {"mu"},
	"龙亭": {"long", "ting"},
}

// Syllables returns the toneless pinyin of s, one syllable per Chinese
// character; other characters (digits, Latin letters, brackets) come back
// as themselves, one per rune.
func Syllables(s string) []string {
	a := pinyin.NewArgs()
	var out []string
	rs := []rune(s)
	for i := 0; i < len(rs); {
		matched := false
		for _, n := range []int{2, 1} {
			if i+n <= len(rs) {
				if p, ok := phraseOverride[string(rs[i:i+n])]; ok {
					out = append(out, p...)
					i += n
					matched = true
					break
				}
			}
		}
		if matched {
			continue
		}
		if p, ok := charOverride[rs[i]]; ok {
			out = append(out, p)
		} else if ps := pinyin.SinglePinyin(rs[i], a); len(ps) > 0 {
			out = append(out, ps[0])
		} else {
			out = append(out, string(rs[i]))
		}
		i++
	}
	return out
}

// JoinPinyin writes syllables as one capitalised word with the apostrophe
// rule of Hanyu Pinyin (Xin'an, Bo'ai, Long'an).
func JoinPinyin(syl []string) string {
	var b strings.Builder
	for i, s := range syl {
		if i > 0 && s != "" && strings.ContainsRune("aoe", rune(s[0])) {
			b.WriteByte('\'')
		}
		b.WriteString(s)
	}
	w := b.String()
	if w == "" {
		return w
	}
	return strings.ToUpper(w[:1]) + w[1:]
}

// Pinyin is the capitalised pinyin word of a Chinese place name.
func Pinyin(s string) string { return JoinPinyin(Syllables(s)) }
