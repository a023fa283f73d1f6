package glyphs

import (
	"fmt"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"layoutmap/tiles/static"
)

// decode reads a glyphs PBF back: the stack's name and range, and its glyphs.
func decode(t *testing.T, b []byte) (name, rng string, gs []Glyph) {
	t.Helper()
	fields := func(b []byte, fn func(num protowire.Number, typ protowire.Type, v []byte, x uint64)) {
		for len(b) > 0 {
			num, typ, n := protowire.ConsumeTag(b)
			if n < 0 {
				t.Fatal("bad tag")
			}
			b = b[n:]
			switch typ {
			case protowire.BytesType:
				v, m := protowire.ConsumeBytes(b)
				if m < 0 {
					t.Fatal("bad bytes")
				}
				fn(num, typ, v, 0)
				b = b[m:]
			case protowire.VarintType:
				x, m := protowire.ConsumeVarint(b)
				if m < 0 {
					t.Fatal("bad varint")
				}
				fn(num, typ, nil, x)
				b = b[m:]
			default:
				t.Fatalf("unexpected wire type %d", typ)
			}
		}
	}
	fields(b, func(num protowire.Number, _ protowire.Type, stack []byte, _ uint64) {
		if num != 1 {
			t.Fatalf("top-level field %d", num)
		}
		fields(stack, func(num protowire.Number, _ protowire.Type, v []byte, _ uint64) {
			switch num {
			case 1:
				name = string(v)
			case 2:
				rng = string(v)
			case 3:
				var g Glyph
				fields(v, func(num protowire.Number, _ protowire.Type, v []byte, x uint64) {
					switch num {
					case 1:
						g.ID = uint32(x)
					case 2:
						g.Bitmap = v
					case 3:
						g.Width = uint32(x)
					case 4:
						g.Height = uint32(x)
					case 5:
						g.Left = int32(protowire.DecodeZigZag(x))
					case 6:
						g.Top = int32(protowire.DecodeZigZag(x))
					case 7:
						g.Advance = uint32(x)
					}
				})
				gs = append(gs, g)
			}
		})
	})
	return name, rng, gs
}

func server(t *testing.T) *Server {
	t.Helper()
	fs, err := static.LoadFonts("")
	if err != nil {
		t.Fatalf("no CJK font (scripts/deps.sh installs fonts-noto-cjk): %v", err)
	}
	return New(fs.Regular)
}

func TestRanges(t *testing.T) {
	s := server(t)
	for _, c := range []struct {
		start int
		r     rune
	}{{0, 'A'}, {0x9000, '郑'}, {0x6c00, '河'}} {
		b, err := s.Range("Noto Sans SC", c.start)
		if err != nil {
			t.Fatal(err)
		}
		name, rng, gs := decode(t, b)
		if name != "Noto Sans SC" || rng != fmt.Sprintf("%d-%d", c.start, c.start+255) || len(gs) == 0 {
			t.Fatalf("range %d: stack %q range %q, %d glyphs", c.start, name, rng, len(gs))
		}
		var g *Glyph
		for i := range gs {
			if gs[i].ID < uint32(c.start) || gs[i].ID > uint32(c.start+255) {
				t.Errorf("glyph %d outside range %s", gs[i].ID, rng)
			}
			if len(gs[i].Bitmap) > 0 && len(gs[i].Bitmap) != int((gs[i].Width+2*Buffer)*(gs[i].Height+2*Buffer)) {
				t.Errorf("glyph %d: bitmap %d bytes for %dx%d", gs[i].ID, len(gs[i].Bitmap), gs[i].Width, gs[i].Height)
			}
			if gs[i].ID == uint32(c.r) {
				g = &gs[i]
			}
		}
		if g == nil {
			t.Fatalf("no glyph for %q", c.r)
		}
		W := int(g.Width + 2*Buffer)
		at := func(x, y int) byte { return g.Bitmap[y*W+x] }
		// The buffer's corner is far outside the outline (near 0), the
		// field has values above the edge (191 = cutoff 0.25) somewhere
		// inside, and the advance and size are those of a 24 px face.
		inside := 0
		for _, v := range g.Bitmap {
			if v > 191 {
				inside++
			}
		}
		if at(0, 0) > 64 || inside == 0 || g.Advance < 10 || g.Advance > 30 || g.Height < 10 || g.Height > 30 || g.Top < -12 || g.Top > 2 {
			t.Errorf("%q: corner %d, %d pixels inside, advance %d, %dx%d, left %d top %d", c.r, at(0, 0), inside, g.Advance, g.Width, g.Height, g.Left, g.Top)
		}
	}
	if _, err := s.Range("Noto Sans SC", 100); err == nil {
		t.Error("a start that is not a multiple of 256 was accepted")
	}
}

func TestEDT(t *testing.T) {
	// One zero in a row of five: squared distances 4 1 0 1 4.
	g := []float64{inf, inf, 0, inf, inf}
	edt(g, 5, 1)
	for i, want := range []float64{4, 1, 0, 1, 4} {
		if g[i] != want {
			t.Fatalf("edt = %v", g)
		}
	}
}

func BenchmarkRangeCJK(b *testing.B) {
	fs, err := static.LoadFonts("")
	if err != nil {
		b.Fatal(err)
	}
	s := New(fs.Regular)
	for b.Loop() {
		if _, err := s.render(0x9000); err != nil {
			b.Fatal(err)
		}
	}
}
