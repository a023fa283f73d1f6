// Command entbench measures the enterprises layer of a running layoutmap
// server (issue 15's targets; figures in docs/performance.md): every tile
// of z5–z8 over Henan, and at z9–z16 the tiles over every zone's point
// (where the firms are densest), one request at a time; then items with a
// bbox around a zone and a chain filter. It prints sizes (raw MVT),
// latency percentiles and status counts. Enterprise tiles are not cached
// by the server, so every request is a cold tile. --steps picks some of
// the steps (tiles, zonetiles, items, stats; default all), e.g. only the
// statistics of a freshly started server.
//
//	go run ./cmd/entbench --url http://127.0.0.1:8080 [--steps stats,items]
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "layoutmap server")
	steps := flag.String("steps", "tiles,zonetiles,items,stats", "steps to run, comma-separated: tiles (z5–z8), zonetiles (z9–z16), items, stats")
	flag.Parse()
	if err := run(*base, strings.Split(*steps, ",")); err != nil {
		fmt.Fprintln(os.Stderr, "entbench:", err)
		os.Exit(1)
	}
}

type sample struct {
	dur  time.Duration
	size int
}

func fetch(url string) (sample, int, error) {
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	start := time.Now()
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return sample{}, 0, err
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	return sample{time.Since(start), len(b)}, res.StatusCode, err
}

func pct(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	return ds[min(len(ds)-1, int(p*float64(len(ds))))]
}

func run(base string, steps []string) error {
	all := map[string]func(string, []orb.Point) error{"tiles": provinceTiles, "zonetiles": zoneTiles, "items": enterpriseItems, "stats": enterpriseStats}
	for _, st := range steps {
		if all[st] == nil {
			return fmt.Errorf("unknown step %q (tiles, zonetiles, items, stats)", st)
		}
	}
	var zones struct {
		Features []struct {
			Properties struct {
				Lon, Lat float64
				ID       string
			}
		}
	}
	_, code, err := fetchJSON(base+"/api/v1/collections/zones/items?limit=1000", &zones)
	if err != nil || code != 200 {
		return fmt.Errorf("zones: %d %v", code, err)
	}
	points := make([]orb.Point, len(zones.Features))
	for i, f := range zones.Features {
		points[i] = orb.Point{f.Properties.Lon, f.Properties.Lat}
	}
	for _, st := range []string{"tiles", "zonetiles", "items", "stats"} { // in this order
		if !slices.Contains(steps, st) {
			continue
		}
		if err := all[st](base, points); err != nil {
			return err
		}
	}
	return nil
}

// series is the samples of one line of the report and the count of each
// status.
type series struct {
	ss []sample
	st map[int]int
}

func newSeries() *series { return &series{st: map[int]int{}} }

// get fetches url into the series; keep says which statuses' samples
// count (nil: all).
func (r *series) get(url string, keep func(code int) bool) error {
	s, code, err := fetch(url)
	if err != nil {
		return err
	}
	r.st[code]++
	if keep == nil || keep(code) {
		r.ss = append(r.ss, s)
	}
	return nil
}

func (r *series) add(o *series) {
	r.ss = append(r.ss, o.ss...)
	for k, v := range o.st {
		r.st[k] += v
	}
}

// report prints the series' sizes and latency percentiles.
func (r *series) report(label string) {
	var ds []time.Duration
	var sizes []int
	for _, s := range r.ss {
		ds = append(ds, s.dur)
		sizes = append(sizes, s.size)
	}
	slices.Sort(sizes)
	med, mx := 0, 0
	if len(sizes) > 0 {
		med, mx = sizes[len(sizes)/2], sizes[len(sizes)-1]
	}
	fmt.Printf("%-22s n=%-6d status=%v  size median %6.1f KB max %6.1f KB  latency p50 %6.1f ms p99 %6.1f ms max %6.1f ms\n",
		label, len(r.ss), r.st, float64(med)/1024, float64(mx)/1024,
		ms(pct(ds, 0.5)), ms(pct(ds, 0.99)), ms(pct(ds, 1)))
}

// tile fetches one enterprise tile; only tiles (200) and empty tiles (204)
// count in the figures.
func (r *series) tile(base string, z, x, y uint32) error {
	return r.get(fmt.Sprintf("%s/tiles/enterprises/%d/%d/%d.mvt", base, z, x, y), func(code int) bool { return code == 200 || code == 204 })
}

// provinceTiles fetches every tile of z5–z8 over Henan.
func provinceTiles(base string, _ []orb.Point) error {
	low := newSeries()
	for z := uint32(5); z <= 8; z++ {
		x0, y1 := geo.TileXY(geo.HenanBound.Min, z)
		x1, y0 := geo.TileXY(geo.HenanBound.Max, z)
		r := newSeries()
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				if err := r.tile(base, z, x, y); err != nil {
					return err
				}
			}
		}
		r.report(fmt.Sprintf("tiles z%d (all)", z))
		low.add(r)
	}
	low.report("tiles z5–z8 (all)")
	return nil
}

// zoneTiles fetches, at z9–z16, the tile over each zone's point once.
func zoneTiles(base string, points []orb.Point) error {
	all := newSeries()
	for z := uint32(9); z <= geo.MaxZoom; z++ {
		r := newSeries()
		seen := map[[2]uint32]bool{}
		for _, p := range points {
			x, y := geo.TileXY(p, z)
			if seen[[2]uint32{x, y}] {
				continue
			}
			seen[[2]uint32{x, y}] = true
			if err := r.tile(base, z, x, y); err != nil {
				return err
			}
		}
		r.report(fmt.Sprintf("tiles z%d (zones)", z))
		all.add(r)
	}
	all.report("tiles z9–z16 (zones)")
	return nil
}

var chains = []string{"nev_chain", "biomedicine", "superhard_materials", "cold_chain_food"}

// enterpriseItems fetches items with a bbox of 0.2° around each zone and
// a chain filter, then items of each chain over the province.
func enterpriseItems(base string, points []orb.Point) error {
	items := newSeries()
	for i, p := range points {
		url := fmt.Sprintf("%s/api/v1/collections/enterprises/items?bbox=%f,%f,%f,%f&chain=%s&limit=100", base, p[0]-0.1, p[1]-0.1, p[0]+0.1, p[1]+0.1, chains[i%len(chains)])
		if err := items.get(url, nil); err != nil {
			return err
		}
	}
	items.report("items bbox 0.2°+chain")
	whole := newSeries()
	for _, c := range chains {
		if err := whole.get(base+"/api/v1/collections/enterprises/items?limit=100&chain="+c, nil); err != nil {
			return err
		}
	}
	whole.report("items chain (province)")
	return nil
}

// enterpriseStats fetches statistics per zone (and city, chain, cluster,
// class) for the whole province, then per zone with a chain filter, then
// every group: ten calls each.
func enterpriseStats(base string, _ []orb.Point) error {
	for _, q := range []string{"group=zone", "group=zone&chain=nev_chain", ""} {
		r := newSeries()
		for range 10 {
			if err := r.get(base+"/api/v1/stats/enterprises?"+q, nil); err != nil {
				return err
			}
		}
		label := "stats province " + q
		if q == "" {
			label = "stats province all"
		}
		r.report(label)
	}
	return nil
}

func fetchJSON(url string, v any) (sample, int, error) {
	res, err := http.Get(url)
	if err != nil {
		return sample{}, 0, err
	}
	defer res.Body.Close()
	return sample{}, res.StatusCode, json.NewDecoder(res.Body).Decode(v)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
