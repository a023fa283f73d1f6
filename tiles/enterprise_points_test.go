package tiles_test

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// orbEnterprisePoints is the enterprise point layer through orb's generic
// encoder (a GeoJSON feature per firm): how EncodeEnterprises wrote point
// tiles before its own writer, the reference its bytes must equal.
func orbEnterprisePoints(t *testing.T, pts []geo.Enterprise, z, x, y uint32) []byte {
	t.Helper()
	wrap := func(v []string) string {
		if len(v) == 0 {
			return ""
		}
		return tiles.EnterpriseListSep + strings.Join(v, tiles.EnterpriseListSep) + tiles.EnterpriseListSep
	}
	fc := make([]*geojson.Feature, 0, len(pts))
	for i := range pts {
		e := &pts[i]
		f := geojson.NewFeature(e.Point)
		f.ID = geo.TileFeatureID(e.ID)
		p := f.Properties
		p["id"] = e.ID
		p["name"] = e.Name
		if e.NameEN != "" {
			p["name_en"] = e.NameEN
		}
		p["classes"] = wrap(e.Classes.IDs())
		p["chains"] = wrap(e.Chains)
		if e.ZoneID != "" {
			p["zone_id"] = e.ZoneID
		}
		p["city_code"] = e.CityCode
		p["location_quality"] = e.LocationQuality
		p["synthetic"] = e.Synthetic()
		fc = append(fc, f)
	}
	layer := &mvt.Layer{Name: geo.LayerEnterprisePoints, Version: 2, Extent: geo.TileExtent, Features: fc}
	layer.ProjectToTile(maptile.New(x, y, maptile.Zoom(z)))
	b, err := mvt.Marshal(mvt.Layers{layer})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestEnterprisePointsAsOrb: the point layer EncodeEnterprises writes
// itself is byte for byte what orb's encoder writes for the same firms,
// over random tiles from z0 to z20: firms with and without an English
// name, zone, classes or chains, real and synthetic, shared and unique
// values, numeric and other ids, points on the tile's edges and just
// outside (as a store would never send, still projected alike).
func TestEnterprisePointsAsOrb(t *testing.T) {
	r := rand.New(rand.NewPCG(15, 15))
	chains := []string{"nev_chain", "biomedicine", "superhard_materials", "cold_chain_food"}
	quality := []string{geo.LocSynthetic, geo.LocSurveyed, geo.LocGeocoded}
	for round := range 300 {
		z := uint32(r.IntN(21))
		center := orb.Point{110.4 + r.Float64()*6, 31.4 + r.Float64()*5}
		tile := maptile.At(center, maptile.Zoom(z))
		x, y := tile.X, tile.Y
		bd := geo.TileBound(z, x, y)
		n := 1 + r.IntN(200)
		if round%50 == 0 {
			n = geo.EnterpriseTilePoints
		}
		pts := make([]geo.Enterprise, n)
		for i := range pts {
			e := geo.Enterprise{
				ID:              fmt.Sprintf("synthetic-%06d", r.IntN(1000000)),
				Name:            fmt.Sprintf("合成企业%d", r.IntN(50)),
				Point:           orb.Point{bd.Min[0] + r.Float64()*(bd.Max[0]-bd.Min[0]), bd.Min[1] + r.Float64()*(bd.Max[1]-bd.Min[1])},
				LocationQuality: quality[r.IntN(len(quality))],
				Classes:         geo.EnterpriseClassMask(r.IntN(64)),
				CityCode:        fmt.Sprintf("4101%02d", r.IntN(3)),
			}
			switch r.IntN(6) {
			case 0:
				e.ID = fmt.Sprint(r.Uint64N(1 << 50)) // a numeric id: the feature id is the number
			case 1:
				e.ID = "91410100MA44000" + fmt.Sprint(r.IntN(1000))
			case 2: // on the tile's corners and edges, and just past them
				e.Point = [][2]float64{bd.Min, bd.Max, {bd.Min[0], bd.Max[1]}, {bd.Max[0] + 1e-9, bd.Min[1] - 1e-9}}[r.IntN(4)]
			}
			if r.IntN(2) == 0 {
				e.NameEN = fmt.Sprintf("Firm %d", r.IntN(50))
			}
			if r.IntN(3) > 0 {
				e.ZoneID = fmt.Sprintf("zone_%d", r.IntN(5))
			}
			for _, c := range chains {
				if r.IntN(3) == 0 {
					e.Chains = append(e.Chains, c)
				}
			}
			if r.IntN(4) == 0 {
				e.Name = e.CityCode // a value shared with another key
			}
			pts[i] = e
		}
		got, err := tiles.EncodeEnterprises(geo.EnterpriseTile{Matched: n, Points: pts}, z, x, y, false)
		if err != nil {
			t.Fatal(err)
		}
		if want := orbEnterprisePoints(t, pts, z, x, y); !bytes.Equal(got, want) {
			t.Fatalf("tile %d/%d/%d, %d firms: %d bytes, orb writes %d (first difference at byte %d)", z, x, y, n, len(got), len(want), firstDiff(got, want))
		}
		// And it decodes as MVT with every firm.
		ls, err := mvt.Unmarshal(got)
		if err != nil || len(ls) != 1 || len(ls[0].Features) != n {
			t.Fatalf("tile %d/%d/%d does not decode to %d features: %v", z, x, y, n, err)
		}
	}
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
