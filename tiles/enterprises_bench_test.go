package tiles_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/geo"
	"layoutmap/tiles"
)

// BenchmarkEncodeEnterprisePoints encodes a point tile of the enterprises
// layer at the budget (geo.EnterpriseTilePoints firms, the size of the
// largest z14 tile of the 1M synthetic list), the Go share of a cold
// point tile on either store.
func BenchmarkEncodeEnterprisePoints(b *testing.B) {
	const z, x, y = 14, 13325, 6479
	bd := geo.TileBound(z, x, y)
	r := rand.New(rand.NewPCG(1, 2))
	chains := []string{"nev_chain", "biomedicine", "superhard_materials", "cold_chain_food", "new_materials"}
	t := geo.EnterpriseTile{}
	for i := range geo.EnterpriseTilePoints {
		e := geo.Enterprise{
			ID: fmt.Sprintf("SYN%015d", i), Name: fmt.Sprintf("合成企业%06d（synthetic）", i), NameEN: fmt.Sprintf("Synthetic firm %06d", i),
			Point:           orb.Point{bd.Min[0] + r.Float64()*(bd.Max[0]-bd.Min[0]), bd.Min[1] + r.Float64()*(bd.Max[1]-bd.Min[1])},
			LocationQuality: geo.LocSynthetic, Chains: []string{chains[i%len(chains)]}, Classes: geo.EnterpriseClassMask(1 << (i % 3)),
			CityCode: "410100", ZoneID: fmt.Sprintf("z%d", i%7),
		}
		t.Points = append(t.Points, e)
	}
	t.Matched = len(t.Points)
	body, err := tiles.EncodeEnterprises(t, z, x, y, true)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := tiles.EncodeEnterprises(t, z, x, y, true); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(body)), "tile_bytes")
}
