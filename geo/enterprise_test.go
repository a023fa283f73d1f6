package geo

import (
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestCheckCreditCode(t *testing.T) {
	for _, tc := range []struct {
		code string
		ok   bool
		want string // part of the reason
	}{
		{"9144030071526726XG", true, ""}, // 腾讯科技(深圳)有限公司, as published
		{"914403001922038216", true, ""}, // 华为技术有限公司, as published
		{"9144030071526726XH", false, "check character"},
		{"914403001922038217", false, "check character"},
		{"9144030071526726X", false, "17 characters"},
		{"9144030071526726IG", false, "not in GB 32100"},
		{"9144030071526726xg", false, "not in GB 32100"},
		{"", false, "0 characters"},
	} {
		got := CheckCreditCode(tc.code)
		if (got == "") != tc.ok || !strings.Contains(got, tc.want) {
			t.Errorf("CheckCreditCode(%q) = %q, want ok=%v containing %q", tc.code, got, tc.ok, tc.want)
		}
	}
}

// Changing any one character of a valid code is caught: the check is a
// weighted sum mod 31 with weights prime to 31.
func TestCreditCodeCatchesEverySingleChange(t *testing.T) {
	valid := "914403001922038216"
	for i := 0; i < 17; i++ {
		for _, c := range []byte(creditAlphabet) {
			if c == valid[i] {
				continue
			}
			s := valid[:i] + string(c) + valid[i+1:]
			if CheckCreditCode(s) == "" {
				t.Fatalf("%s (position %d changed) passes the check", s, i+1)
			}
		}
	}
}

func TestParseEnterpriseClass(t *testing.T) {
	for in, want := range map[string]string{"规上": "above_scale", "规上企业": "above_scale", "专精特新": "srdi", "小巨人": "little_giant",
		"单项冠军": "single_champion", "头雁": "leading_goose", "链主": "chain_leader", "chain_leader": "chain_leader"} {
		m, ok := ParseEnterpriseClass(in)
		if !ok || len(m.IDs()) != 1 || m.IDs()[0] != want {
			t.Errorf("ParseEnterpriseClass(%q) = %v %v, want %s", in, m.IDs(), ok, want)
		}
	}
	if _, ok := ParseEnterpriseClass("独角兽"); ok {
		t.Error("独角兽 is not a class of the lists")
	}
}

// Every point of a tile has a key in the tile's Morton range, and points
// of other tiles do not.
func TestMortonRangeHoldsTileExactly(t *testing.T) {
	pts := []orb.Point{{113.62, 34.75}, {112.45, 34.62}, {114.3, 36.1}, {111.2, 32.9}, {115.9, 32.1}}
	for _, p := range pts {
		k := MortonKey(p)
		for z := uint32(0); z <= MaxZoom+EnterpriseCellBits; z++ {
			x, y := TileXY(p, z)
			lo, hi := MortonRange(z, x, y)
			if k < lo || k >= hi {
				t.Fatalf("%v z%d: key %d outside its tile %d/%d/%d range [%d,%d)", p, z, k, z, x, y, lo, hi)
			}
			lo2, hi2 := MortonRange(z, x+1, y)
			if k >= lo2 && k < hi2 {
				t.Fatalf("%v z%d: key in the neighbour's range", p, z)
			}
			if b := TileBound(z, x, y); !b.Contains(p) {
				t.Fatalf("%v not in TileBound(%d,%d,%d) = %v", p, z, x, y, b)
			}
		}
	}
}

func TestParseFilterEnterprises(t *testing.T) {
	f, err := ParseFilter(url.Values{"class": {"专精特新,chain_leader"}, "zone": {"S410001"}, "chain": {"nev_chain"}, "limit": {"5"}}, true)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(f.Class, ","); got != "srdi,chain_leader" || f.Zone[0] != "S410001" || f.Chain[0] != "nev_chain" || f.Limit != 5 {
		t.Fatalf("parsed %+v", f)
	}
	if got := f.Encode().Get("class"); got != "chain_leader,srdi" {
		t.Errorf("encoded class = %q", got)
	}
	known := func(kind, id string) bool { return true }
	if errs := f.Check(CollEnterprises, known, true); len(errs) > 0 {
		t.Errorf("enterprises: %v", errs)
	}
	if errs := f.Check(CollZones, known, true); len(errs) != 2 || errs[0].Field != "class" || errs[1].Field != "zone" {
		t.Errorf("class and zone on zones: %v", errs)
	}
	// zone= alone on zones names zone, not class.
	z, _ := ParseFilter(url.Values{"zone": {"S410001"}}, true)
	if errs := z.Check(CollZones, known, true); len(errs) != 1 || errs[0].Field != "zone" {
		t.Errorf("zone on zones: %v", errs)
	}
	_, err = ParseFilter(url.Values{"class": {"独角兽"}}, true)
	if fes, ok := AsFieldErrors(err); !ok || len(fes) != 1 || fes[0].Field != "class" {
		t.Fatalf("errors %v", err)
	}
	g, _ := ParseFilter(url.Values{"tier": {"t1"}, "sortby": {"-revenue"}}, true)
	errs := g.Check(CollEnterprises, known, true)
	if len(errs) != 2 || errs[0].Field != "tier" || errs[1].Field != "sortby" {
		t.Errorf("revenue parameters on enterprises: %v", errs)
	}
}
