package memstore_test

import (
	"bytes"
	"context"
	"sync"
	"testing"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/importer"
	"layoutmap/data/memstore"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// millionStore is the bundled dataset with 1,000,000 synthetic
// enterprises (layoutmap synth, seed 1), read and resolved as
// `serve --enterprises` does: issue 15's scale.
var millionStore = sync.OnceValues(func() (*memstore.Store, error) {
	ds, err := henan.Load()
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 1_000_000, 1, &b); err != nil {
		return nil, err
	}
	rows, probs, err := importer.ReadEnterprises(&b, "synth.csv", "", nil)
	if err != nil || len(probs) > 0 {
		return nil, err
	}
	es, _ := data.ResolveEnterprises(ds, data.NewPlacer(ds), rows)
	s, err := memstore.New(ds, geo.DefaultTiers)
	if err != nil {
		return nil, err
	}
	return s, s.SetEnterprises(es)
})

// Issue 15's target: statistics per zone for the whole province at
// 1,000,000 enterprises ≤ 200 ms (docs/performance.md).
func BenchmarkEnterpriseStats(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    geo.Filter
	}{
		{"province", geo.Filter{}},
		{"chain", geo.Filter{Chain: []string{"nev_chain"}}},
		{"class+region", geo.Filter{Class: []string{"srdi"}, Region: []string{regionID}}},
		{"bbox_zhengzhou", geo.Filter{BBox: bound(113.3, 34.5, 114.0, 35.0)}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				st, err := s.EnterpriseStats(ctx, c.f)
				if err != nil || st.Total == 0 {
					b.Fatal(err, st.Total)
				}
			}
		})
	}
}

func bound(x0, y0, x1, y1 float64) *orb.Bound {
	return &orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
}

// Issue 15's target: items with a bbox and a chain filter p50 ≤ 20 ms at
// 1,000,000 enterprises (0.2° around 郑州经开区, limit 100).
func BenchmarkEnterpriseItemsBBoxChain(b *testing.B) {
	s, err := millionStore()
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	f := geo.Filter{BBox: bound(113.64, 34.63, 113.84, 34.83), Chain: []string{"nev_chain"}, Limit: 100}
	for b.Loop() {
		p, err := s.EnterpriseItems(ctx, f)
		if err != nil || p.NumberMatched == 0 {
			b.Fatal(err, p.NumberMatched)
		}
	}
}
