// Command entbench measures the enterprises layer of a running layoutmap
// server (issue 15's targets; figures in docs/performance.md): every tile
// of z5–z8 over Henan, and at z9–z16 the tiles over every zone's point
// (where the firms are densest), one request at a time; then items with a
// bbox around a zone and a chain filter. It prints sizes (raw MVT),
// latency percentiles and status counts. Enterprise tiles are not cached
// by the server, so every request is a cold tile.
//
//	go run ./cmd/entbench --url http://127.0.0.1:8080
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"time"

	"github.com/paulmach/orb"

	"layoutmap/geo"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "layoutmap server")
	flag.Parse()
	if err := run(*base); err != nil {
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

func run(base string) error {
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
	report := func(label string, ss []sample, statuses map[int]int) {
		var ds []time.Duration
		var sizes []int
		for _, s := range ss {
			ds = append(ds, s.dur)
			sizes = append(sizes, s.size)
		}
		slices.Sort(sizes)
		med, mx := 0, 0
		if len(sizes) > 0 {
			med, mx = sizes[len(sizes)/2], sizes[len(sizes)-1]
		}
		fmt.Printf("%-22s n=%-6d status=%v  size median %6.1f KB max %6.1f KB  latency p50 %6.1f ms p99 %6.1f ms max %6.1f ms\n",
			label, len(ss), statuses, float64(med)/1024, float64(mx)/1024,
			ms(pct(ds, 0.5)), ms(pct(ds, 0.99)), ms(pct(ds, 1)))
	}
	tile := func(z, x, y uint32, ss *[]sample, st map[int]int) error {
		s, code, err := fetch(fmt.Sprintf("%s/tiles/enterprises/%d/%d/%d.mvt", base, z, x, y))
		if err != nil {
			return err
		}
		st[code]++
		if code == 200 || code == 204 {
			*ss = append(*ss, s)
		}
		return nil
	}
	var low []sample
	lowSt := map[int]int{}
	for z := uint32(5); z <= 8; z++ {
		x0, y1 := geo.TileXY(geo.HenanBound.Min, z)
		x1, y0 := geo.TileXY(geo.HenanBound.Max, z)
		var ss []sample
		st := map[int]int{}
		for x := x0; x <= x1; x++ {
			for y := y0; y <= y1; y++ {
				if err := tile(z, x, y, &ss, st); err != nil {
					return err
				}
			}
		}
		report(fmt.Sprintf("tiles z%d (all)", z), ss, st)
		low = append(low, ss...)
		for k, v := range st {
			lowSt[k] += v
		}
	}
	report("tiles z5–z8 (all)", low, lowSt)
	var all []sample
	allSt := map[int]int{}
	for z := uint32(9); z <= geo.MaxZoom; z++ {
		var ss []sample
		st := map[int]int{}
		seen := map[[2]uint32]bool{}
		for _, f := range zones.Features {
			x, y := geo.TileXY(orb.Point{f.Properties.Lon, f.Properties.Lat}, z)
			if seen[[2]uint32{x, y}] {
				continue
			}
			seen[[2]uint32{x, y}] = true
			if err := tile(z, x, y, &ss, st); err != nil {
				return err
			}
		}
		report(fmt.Sprintf("tiles z%d (zones)", z), ss, st)
		all = append(all, ss...)
		for k, v := range st {
			allSt[k] += v
		}
	}
	report("tiles z9–z16 (zones)", all, allSt)
	var items []sample
	itSt := map[int]int{}
	chains := []string{"nev_chain", "biomedicine", "superhard_materials", "cold_chain_food"}
	for i, f := range zones.Features {
		p := f.Properties
		url := fmt.Sprintf("%s/api/v1/collections/enterprises/items?bbox=%f,%f,%f,%f&chain=%s&limit=100", base, p.Lon-0.1, p.Lat-0.1, p.Lon+0.1, p.Lat+0.1, chains[i%len(chains)])
		s, code, err := fetch(url)
		if err != nil {
			return err
		}
		itSt[code]++
		items = append(items, s)
	}
	report("items bbox 0.2°+chain", items, itSt)
	var whole []sample
	whSt := map[int]int{}
	for _, c := range chains {
		s, code, err := fetch(base + "/api/v1/collections/enterprises/items?limit=100&chain=" + c)
		if err != nil {
			return err
		}
		whSt[code]++
		whole = append(whole, s)
	}
	report("items chain (province)", whole, whSt)
	// Statistics per zone (and city, chain, cluster, class) for the whole
	// province, then per zone with a chain filter: ten calls each.
	for _, q := range []string{"group=zone", "group=zone&chain=nev_chain", ""} {
		var ss []sample
		st := map[int]int{}
		for range 10 {
			s, code, err := fetch(base + "/api/v1/stats/enterprises?" + q)
			if err != nil {
				return err
			}
			st[code]++
			ss = append(ss, s)
		}
		label := "stats province " + q
		if q == "" {
			label = "stats province all"
		}
		report(label, ss, st)
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
