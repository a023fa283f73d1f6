package main

import (
	"strings"
	"unicode/utf8"

	"layoutmap/geo/placename"
)

// Pinyin is the capitalised pinyin word of a Chinese place name.
func Pinyin(s string) string { return placename.Pinyin(s) }

// adminNameEN gives the English name of an admin area by the usual rule:
// province and city without suffix ("Henan", "Zhengzhou"); districts
// "X District"; counties "X County"; county-level cities bare ("Gongyi").
// Single-character county names keep "xian" in the word (浚县 "Xunxian
// County"), as road signs do, so the name is not a lone syllable.
func adminNameEN(name, level string) string {
	switch level {
	case "province":
		return Pinyin(strings.TrimSuffix(name, "省"))
	case "city":
		return Pinyin(strings.TrimSuffix(name, "市"))
	}
	suffix := ""
	base := name
	switch {
	case strings.HasSuffix(name, "回族区"):
		base, suffix = strings.TrimSuffix(name, "回族区"), " Hui District"
	case strings.HasSuffix(name, "区"):
		base, suffix = strings.TrimSuffix(name, "区"), " District"
	case strings.HasSuffix(name, "县"):
		base, suffix = strings.TrimSuffix(name, "县"), " County"
		if utf8.RuneCountInString(base) == 1 {
			base = name
		}
	case strings.HasSuffix(name, "市"):
		base = strings.TrimSuffix(name, "市")
		if utf8.RuneCountInString(base) == 1 {
			base = name
		}
	}
	return Pinyin(base) + suffix
}
