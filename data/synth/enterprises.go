// Package synth writes clearly synthetic data for benchmarks, demos and
// tests: never real facts, never mixed into the bundled dataset. Every
// name, id and source it writes says "synthetic".
package synth

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/paulmach/orb"

	"layoutmap/data"
	"layoutmap/geo"
)

// Source is the source of every synthetic enterprise.
const Source = "synthetic: layoutmap synth enterprises (fictitious firms for benchmarks and demos, not real data)"

// Share of synthetic enterprises placed in development zones; the rest
// spread over the counties. Counties weigh 1 + 3 × their zones, so cities
// with many zones (Zhengzhou) hold more firms. These proportions are a
// plausible shape for load tests, not a statistic.
const zoneShare = 0.55

// Class shares (independent draws; 小巨人 only among 专精特新).
var classShares = []struct {
	id    string
	share float64
}{
	{"above_scale", 0.6}, {"srdi", 0.15}, {"single_champion", 0.003}, {"leading_goose", 0.005}, {"chain_leader", 0.001},
}

type target struct {
	zone   *geo.Zone
	county *geo.AdminArea
	bound  orb.Bound
}

// Enterprises writes n synthetic enterprises as CSV in the import format
// (data.EnterpriseColumns), deterministic for a seed. Points lie in the
// dataset's counties and zones (placed with the same Placer the importer
// uses, so every row imports).
func Enterprises(ds *data.Dataset, n int, seed uint64, w io.Writer) error {
	if n < 0 || n > 50_000_000 {
		return fmt.Errorf("synth: --n must be from 0 to 50000000, got %d", n)
	}
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	pl := data.NewPlacer(ds)
	var counties []*geo.AdminArea
	var cw []float64
	zonesIn := map[string]int{}
	for i := range ds.Zones {
		zonesIn[ds.Zones[i].CountyCode]++
	}
	for i := range ds.Admin {
		if a := &ds.Admin[i]; a.Level == geo.LevelCounty {
			counties = append(counties, a)
			cw = append(cw, 1+3*float64(zonesIn[a.Code]))
		}
	}
	if len(counties) == 0 || len(ds.Zones) == 0 || len(ds.Taxonomy.Chains) == 0 {
		return fmt.Errorf("synth: the dataset has no counties, zones or chains to place firms in")
	}
	ccum := cumulative(cw)
	zb := make([]orb.Bound, len(ds.Zones))
	for i := range ds.Zones {
		zb[i] = ds.Zones[i].Geom.Bound()
	}
	cb := make([]orb.Bound, len(counties))
	for i, c := range counties {
		cb[i] = c.Geom.Bound()
	}
	bw := bufio.NewWriterSize(w, 1<<20)
	cw2 := csv.NewWriter(bw)
	if err := cw2.Write(data.EnterpriseColumns); err != nil {
		return err
	}
	digits := len(strconv.Itoa(max(n, 1)))
	row := make([]string, len(data.EnterpriseColumns))
	for i := 1; i <= n; i++ {
		var t target
		if rng.Float64() < zoneShare {
			k := rng.IntN(len(ds.Zones))
			t.zone, t.bound = &ds.Zones[k], zb[k]
		} else {
			k := pick(ccum, rng.Float64())
			t.county, t.bound = counties[k], cb[k]
		}
		pt, zoneID := place(rng, pl, t)
		num := fmt.Sprintf("%0*d", digits, i)
		chains := chainsFor(rng, ds, t.zone)
		for j := range row {
			row[j] = ""
		}
		set := func(col, v string) { row[data.EnterpriseColumn(col)] = v }
		set("id", "synthetic-"+num)
		set("name", "合成企业"+num+"号（虚构）")
		set("name_en", "Synthetic enterprise "+num+" (fictitious)")
		set("lon", strconv.FormatFloat(pt[0], 'f', 6, 64))
		set("lat", strconv.FormatFloat(pt[1], 'f', 6, 64))
		set("location_quality", geo.LocSynthetic)
		set("chains", strings.Join(chains, ";"))
		set("classes", strings.Join(classesFor(rng), ";"))
		set("zone_id", zoneID)
		set("source", Source)
		set("year", "2025")
		if err := cw2.Write(row); err != nil {
			return err
		}
	}
	cw2.Flush()
	if err := cw2.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func cumulative(w []float64) []float64 {
	out := make([]float64, len(w))
	s := 0.0
	for i, v := range w {
		s += v
		out[i] = s
	}
	for i := range out {
		out[i] /= s
	}
	return out
}

func pick(cum []float64, u float64) int {
	for i, c := range cum {
		if u < c {
			return i
		}
	}
	return len(cum) - 1
}

// place draws a point in t: inside a zone's outline (stated zone), near a
// zone's point when it has no outline (σ ≈ 1.5 km, zone stated), or
// uniformly in a county. Points are rounded to 1e-6° first, so what is
// checked is what the file holds.
func place(rng *rand.Rand, pl *data.Placer, t target) (orb.Point, string) {
	round := func(p orb.Point) orb.Point {
		return orb.Point{math.Round(p[0]*1e6) / 1e6, math.Round(p[1]*1e6) / 1e6}
	}
	for range 10000 {
		switch {
		case t.zone != nil && len(t.zone.Geom) > 0:
			b := t.bound
			p := round(orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])})
			if id, _ := pl.Zone(p); id == t.zone.ID {
				if _, _, ok := pl.Admin(p); ok {
					return p, t.zone.ID
				}
			}
		case t.zone != nil:
			p := round(orb.Point{t.zone.Point[0] + rng.NormFloat64()*0.015, t.zone.Point[1] + rng.NormFloat64()*0.0135})
			if _, _, ok := pl.Admin(p); ok {
				return p, t.zone.ID
			}
		default:
			b := t.bound
			p := round(orb.Point{b.Min[0] + rng.Float64()*(b.Max[0]-b.Min[0]), b.Min[1] + rng.Float64()*(b.Max[1]-b.Min[1])})
			if _, county, ok := pl.Admin(p); ok && county == t.county.Code {
				return p, "" // the importer links it by point-in-zone when it falls in one
			}
		}
	}
	// An outline the draws cannot hit (a sliver): its label point.
	if t.zone != nil {
		return round(t.zone.Point), t.zone.ID
	}
	return round(t.county.LabelPoint), ""
}

// chainsFor draws one chain (a tenth of firms two), from the zone's chains
// when it has any.
func chainsFor(rng *rand.Rand, ds *data.Dataset, z *geo.Zone) []string {
	draw := func() string {
		if z != nil && len(z.Chains) > 0 && rng.Float64() < 0.8 {
			return z.Chains[rng.IntN(len(z.Chains))]
		}
		return ds.Taxonomy.Chains[rng.IntN(len(ds.Taxonomy.Chains))].ID
	}
	out := []string{draw()}
	if rng.Float64() < 0.1 {
		if c := draw(); c != out[0] {
			out = append(out, c)
		}
	}
	return out
}

func classesFor(rng *rand.Rand) []string {
	var out []string
	for _, c := range classShares {
		if rng.Float64() < c.share {
			out = append(out, c.id)
			if c.id == "srdi" && rng.Float64() < 0.1 {
				out = append(out, "little_giant")
			}
		}
	}
	return out
}
