package static

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/color"
	"os"
	"path/filepath"
	"sync"
	"testing"
)

// testFonts loads the system CJK font once. make test installs
// fonts-noto-cjk; without it these tests fail, naming the fix.
var testFonts = sync.OnceValues(func() (*Fonts, error) { return LoadFonts("") })

func mustFonts(t testing.TB) *Fonts {
	t.Helper()
	fs, err := testFonts()
	if err != nil {
		t.Fatalf("LoadFonts: %v", err)
	}
	return fs
}

// renderLabel draws one label on a white 200×40 image at scale 1.
func renderLabel(t *testing.T, fs *Fonts, s string) *image.RGBA {
	t.Helper()
	d := &drawing{Width: 200, Height: 40}
	g := d.group("t")
	g.shape(shape{Rings: [][]pt{rectRing(box{0, 0, 200, 40})}, Closed: true, Fill: color.NRGBA{255, 255, 255, 255}})
	g.label(label{X: 10, Y: 28, S: s, Size: 20, Fill: color.NRGBA{0, 0, 0, 255}})
	img, err := rasterize(context.Background(), d, 1, fs)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

// ink counts pixels darker than mid grey.
func ink(img *image.RGBA) int {
	n := 0
	for i := 0; i < len(img.Pix); i += 4 {
		if img.Pix[i] < 128 {
			n++
		}
	}
	return n
}

func diff(a, b *image.RGBA) int {
	n := 0
	for i := 0; i < len(a.Pix); i += 4 {
		if d := int(a.Pix[i]) - int(b.Pix[i]); d > 64 || d < -64 {
			n++
		}
	}
	return n
}

// TestChineseGlyphsNotTofu renders Chinese labels and compares them with a
// blank image and with the missing-glyph box the font draws for a code
// point it lacks (U+E000, private use): a label drawn as tofu would match
// the box, one not drawn at all would match the blank.
func TestChineseGlyphsNotTofu(t *testing.T) {
	fs := mustFonts(t)
	blank := renderLabel(t, fs, "")
	tofu := renderLabel(t, fs, "\uE000\uE000\uE000\uE000")
	if ink(tofu) == 0 {
		t.Fatal("the missing-glyph reference drew nothing; the comparison below would prove nothing")
	}
	for _, s := range []string{"郑州经济技术开发区", "洛阳市", "河南省"} {
		img := renderLabel(t, fs, s)
		if ink(img) < 50 {
			t.Errorf("%q: %d dark pixels, want glyphs (blank has %d)", s, ink(img), ink(blank))
		}
		// Same width as four boxes for the first four characters.
		four := renderLabel(t, fs, string([]rune(s)[:4]))
		if d := diff(four, tofu); d < 100 {
			t.Errorf("%q renders like missing-glyph boxes (%d pixels differ)", s, d)
		}
	}
	if d := diff(renderLabel(t, fs, "郑"), renderLabel(t, fs, "州")); d < 30 {
		t.Errorf("郑 and 州 render alike (%d pixels differ): glyphs are not distinct", d)
	}
}

func TestLoadFonts(t *testing.T) {
	fs := mustFonts(t)
	if fs.Regular == nil || fs.Bold == nil || fs.Family == "" {
		t.Fatalf("LoadFonts = %+v", fs)
	}
	t.Logf("font %s (%s)", fs.Path, fs.Family)

	_, err := LoadFonts(filepath.Join(t.TempDir(), "missing.ttc"))
	if err == nil {
		t.Error("LoadFonts of a missing file succeeded")
	}
	notFont := filepath.Join(t.TempDir(), "x.ttf")
	if err := os.WriteFile(notFont, []byte("not a font"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadFonts(notFont); err == nil {
		t.Error("LoadFonts of a non-font succeeded")
	}
	if _, err := New(Config{FontPath: notFont}); err == nil {
		t.Error("New with a bad FontPath succeeded; a bad --font must fail at start")
	}
}

func TestPNGWithoutFont(t *testing.T) {
	r := NewWithFonts(nil)
	err := r.PNG(&bytes.Buffer{}, &Scene{}, DefaultOptions())
	if !errors.Is(err, ErrNoFont) {
		t.Fatalf("PNG without font = %v, want ErrNoFont", err)
	}
	var buf bytes.Buffer
	if err := r.SVG(&buf, &Scene{}, DefaultOptions()); err != nil || buf.Len() == 0 {
		t.Errorf("SVG without font = %v (%d bytes), want an image", err, buf.Len())
	}
}
