// Command loadcheck reproduces issue 12's hostile-client cases against a
// layoutmap server it starts on a loopback port, and prints the server's
// resident memory (VmRSS) before and after each, and its peak (VmHWM):
//
//	slow   N connections ask for the largest items page and never read
//	flood  M tiles, each with a unique min_revenue, then the common tiles
//	png    K concurrent 4096×4096 PNGs
//
// It only ever talks to 127.0.0.1 and bounds everything it sends.
//
//	go run ./cmd/loadcheck [--bin bin/layoutmap] [--slow 100] [--flood 5000] [--png 8] [-- serve flags…]
//
// See docs/reliability.md for results.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"sync"
	"time"
)

func main() {
	bin := flag.String("bin", "bin/layoutmap", "layoutmap binary to start (make build)")
	slow := flag.Int("slow", 100, "connections that request the largest items page and never read (≤ 500)")
	hold := flag.Duration("hold", 10*time.Second, "how long the slow connections stay open")
	flood := flag.Int("flood", 5000, "tile requests with a unique min_revenue each (≤ 100000)")
	pngs := flag.Int("png", 8, "concurrent 4096×4096 PNG requests (≤ 64)")
	flag.Parse()
	*slow, *flood, *pngs = min(*slow, 500), min(*flood, 100000), min(*pngs, 64)
	if err := run(*bin, flag.Args(), *slow, *hold, *flood, *pngs); err != nil {
		fmt.Fprintln(os.Stderr, "loadcheck:", err)
		os.Exit(1)
	}
}

func run(bin string, serveArgs []string, slow int, hold time.Duration, flood, pngs int) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"serve", "--addr", addr, "--log-level", "warn"}, serveArgs...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	defer func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait() }()
	base := "http://" + addr
	client := &http.Client{Timeout: 60 * time.Second}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if r, err := client.Get(base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				break
			}
		}
		if time.Since(start) > 60*time.Second {
			return fmt.Errorf("server not ready after 60 s")
		}
	}
	pid := cmd.Process.Pid
	fmt.Printf("server %s pid %d, args %s\n", base, pid, strings.Join(serveArgs, " "))
	fmt.Printf("%-6s %10s %10s %10s  %s\n", "case", "rss before", "rss after", "peak", "answers")
	report := func(name string, before int, answers string) {
		fmt.Printf("%-6s %7d MB %7d MB %7d MB  %s\n", name, before>>10, mem(pid, "VmRSS")>>10, mem(pid, "VmHWM")>>10, answers)
	}

	// slow readers
	before := mem(pid, "VmRSS")
	var conns []net.Conn
	for range slow {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return err
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		_, _ = io.WriteString(c, "GET /api/v1/collections/counties/items?limit=10000 HTTP/1.1\r\nHost: loadcheck\r\n\r\n")
		conns = append(conns, c)
	}
	time.Sleep(hold)
	statuses := map[string]int{}
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(c).ReadString('\n')
		f := strings.Fields(line)
		if len(f) > 1 {
			statuses[f[1]]++
		} else {
			statuses["none"]++
		}
		c.Close()
	}
	report("slow", before, fmt.Sprint(statuses))

	// cache-key flood, then the common tiles
	before = mem(pid, "VmRSS")
	tiles := []string{"/tiles/8/208/101.mvt", "/tiles/8/209/101.mvt", "/tiles/8/208/102.mvt", "/tiles/7/104/50.mvt", "/tiles/6/52/25.mvt"}
	details := map[string]bool{} // first words of each problem detail seen
	var dmu sync.Mutex
	get := func(p string) int {
		r, err := client.Get(base + p)
		if err != nil {
			return 0
		}
		defer r.Body.Close()
		if r.StatusCode >= 500 {
			b, _ := io.ReadAll(io.LimitReader(r.Body, 4096))
			var pr struct{ Detail string }
			_ = json.Unmarshal(b, &pr)
			d := pr.Detail
			if i := strings.Index(d, ":"); i > 0 {
				d = d[:i]
			}
			dmu.Lock()
			details[fmt.Sprintf("%d %s", r.StatusCode, d)] = true
			dmu.Unlock()
		}
		_, _ = io.Copy(io.Discard, r.Body)
		return r.StatusCode
	}
	for range 3 {
		for _, p := range tiles {
			get(p)
		}
	}
	statuses = map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				s := get(fmt.Sprintf("%s?min_revenue=%d.%d", tiles[i%len(tiles)], i, i%7))
				mu.Lock()
				statuses[fmt.Sprint(s)]++
				mu.Unlock()
			}
		})
	}
	for i := range flood {
		next <- i
	}
	close(next)
	wg.Wait()
	hits0 := metric(client, base, "layoutmap_tile_cache_hits_total")
	for _, p := range tiles {
		get(p)
	}
	hits := metric(client, base, "layoutmap_tile_cache_hits_total") - hits0
	report("flood", before, fmt.Sprintf("%v; common tiles still cached %d/%d; cache %d MB counted",
		statuses, hits, len(tiles), metric(client, base, "layoutmap_tile_cache_bytes")>>20))

	// concurrent large PNGs
	before = mem(pid, "VmRSS")
	statuses = map[string]int{}
	var slowest time.Duration
	for i := range pngs {
		wg.Go(func() {
			start := time.Now()
			s := get(fmt.Sprintf("/static/map.png?width=4096&height=4096&year=%d", 2018+i%6))
			mu.Lock()
			statuses[fmt.Sprint(s)]++
			slowest = max(slowest, time.Since(start))
			mu.Unlock()
		})
	}
	wg.Wait()
	report("png", before, fmt.Sprintf("%v; slowest answer %s", statuses, slowest.Round(100*time.Millisecond)))
	for d := range details {
		fmt.Println("  seen:", d)
	}
	return nil
}

// mem reads a kB figure (VmRSS, VmHWM) of a process from /proc.
func mem(pid int, field string) int {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			var kb int
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb
		}
	}
	return 0
}

// metric reads one unlabelled value from /metrics.
func metric(client *http.Client, base, name string) int {
	r, err := client.Get(base + "/metrics")
	if err != nil {
		return 0
	}
	defer r.Body.Close()
	sc := bufio.NewScanner(r.Body)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), name+" "); ok {
			var n int
			fmt.Sscan(v, &n)
			return n
		}
	}
	return 0
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
