package static

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"golang.org/x/image/font/opentype"
	"golang.org/x/image/font/sfnt"
)

// ErrNoFont means no font with Chinese glyphs was found, so a PNG would
// show empty boxes instead of names. The SVG needs no font on the server.
var ErrNoFont = errors.New("static: no CJK font found for PNG labels; install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk) or pass --font with a .ttc/.otf/.ttf that has Chinese glyphs")

// SystemFonts are the places searched, in order, when Config.FontPath is
// empty: Noto Sans CJK / Source Han Sans as Debian, Ubuntu, Fedora, Arch
// and Alpine install them, then WenQuanYi.
var SystemFonts = []string{
	"/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
	"/usr/share/fonts/noto/NotoSansCJK-Regular.ttc",
	"/usr/share/fonts/adobe-source-han-sans/SourceHanSans-Regular.ttc",
	"/usr/share/fonts/opentype/source-han-sans/SourceHanSans-Regular.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
	"/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
	"/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
}

// Fonts are the faces the PNG renderer draws text with. sfnt.Font is safe
// for concurrent use; faces built from it are not, so each render makes its
// own.
type Fonts struct {
	Regular *sfnt.Font
	Bold    *sfnt.Font // Regular when no bold face was found
	Path    string
	Family  string
}

// probe is text a usable face must cover: Han characters of city names and
// the Latin of the English labels.
const probe = "郑州开发区洛阳河南省 Henan 0123456789"

// LoadFonts opens the font at path, or the first of SystemFonts that loads
// when path is empty. From a collection (.ttc) it picks the Simplified
// Chinese face ("… SC"), else the first face covering probe. Next to a
// "Regular" file it looks for the matching "Bold" one. It returns ErrNoFont
// (wrapped, with the reason) when nothing usable is found.
func LoadFonts(path string) (*Fonts, error) {
	if path != "" {
		fs, err := loadFontFile(path)
		if err != nil {
			return nil, fmt.Errorf("static: font %s: %w", path, err)
		}
		return fs, nil
	}
	var reasons []string
	for _, p := range SystemFonts {
		fs, err := loadFontFile(p)
		if err == nil {
			return fs, nil
		}
		if !errors.Is(err, os.ErrNotExist) {
			reasons = append(reasons, p+": "+err.Error())
		}
	}
	if len(reasons) > 0 {
		return nil, fmt.Errorf("%w (%s)", ErrNoFont, strings.Join(reasons, "; "))
	}
	return nil, ErrNoFont
}

func loadFontFile(path string) (*Fonts, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	reg, fam, err := pickFace(b)
	if err != nil {
		return nil, err
	}
	fs := &Fonts{Regular: reg, Bold: reg, Path: path, Family: fam}
	base := filepath.Base(path)
	if strings.Contains(base, "Regular") {
		bp := filepath.Join(filepath.Dir(path), strings.Replace(base, "Regular", "Bold", 1))
		if bb, err := os.ReadFile(bp); err == nil {
			if bold, _, err := pickFace(bb); err == nil {
				fs.Bold = bold
			}
		}
	}
	return fs, nil
}

// pickFace parses a font file or collection and returns its best face for
// Simplified Chinese.
func pickFace(b []byte) (*sfnt.Font, string, error) {
	c, err := opentype.ParseCollection(b)
	if err != nil {
		return nil, "", fmt.Errorf("parsing: %w", err)
	}
	var buf sfnt.Buffer
	var first *sfnt.Font
	firstFam := ""
	for i := 0; i < c.NumFonts(); i++ {
		f, err := c.Font(i)
		if err != nil {
			continue
		}
		if !covers(f, &buf, probe) {
			continue
		}
		fam, _ := f.Name(&buf, sfnt.NameIDFamily)
		if strings.Contains(fam, "Mono") {
			continue
		}
		if strings.HasSuffix(fam, " SC") || strings.Contains(fam, "SC ") || strings.Contains(fam, "CN") {
			return f, fam, nil
		}
		if first == nil {
			first, firstFam = f, fam
		}
	}
	if first == nil {
		return nil, "", errors.New("no face covers Chinese and Latin text")
	}
	return first, firstFam, nil
}

// covers reports whether f has a glyph for every rune of s.
func covers(f *sfnt.Font, buf *sfnt.Buffer, s string) bool {
	for _, r := range s {
		if r == ' ' {
			continue
		}
		if gi, err := f.GlyphIndex(buf, r); err != nil || gi == 0 {
			return false
		}
	}
	return true
}
