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
	c, stop, err := startServer(bin, serveArgs)
	if err != nil {
		return err
	}
	defer stop()
	fmt.Printf("server %s pid %d, args %s\n", c.base, c.pid, strings.Join(serveArgs, " "))
	fmt.Printf("%-6s %10s %10s %10s  %s\n", "case", "rss before", "rss after", "peak", "answers")
	if err := c.slowReaders(slow, hold); err != nil {
		return err
	}
	c.flood(flood)
	c.largePNGs(pngs)
	for d := range c.details {
		fmt.Println("  seen:", d)
	}
	return nil
}

// checker is the server under test, as the cases reach it.
type checker struct {
	addr, base string
	pid        int
	client     *http.Client
	mu         sync.Mutex
	details    map[string]bool // status and first words of each 5xx problem detail seen
}

// startServer starts bin serve on a free loopback port with serveArgs and
// waits (up to 60 s) until it is ready; stop interrupts it and waits.
func startServer(bin string, serveArgs []string) (c *checker, stop func(), err error) {
	port, err := freePort()
	if err != nil {
		return nil, nil, err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := append([]string{"serve", "--addr", addr, "--log-level", "warn"}, serveArgs...)
	ctx, cancel := context.WithCancel(context.Background())
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		cancel()
		return nil, nil, fmt.Errorf("starting %s: %w", bin, err)
	}
	stop = func() { _ = cmd.Process.Signal(os.Interrupt); _ = cmd.Wait(); cancel() }
	c = &checker{addr: addr, base: "http://" + addr, pid: cmd.Process.Pid,
		client: &http.Client{Timeout: 60 * time.Second}, details: map[string]bool{}}
	for start := time.Now(); ; time.Sleep(100 * time.Millisecond) {
		if r, err := c.client.Get(c.base + "/readyz"); err == nil {
			r.Body.Close()
			if r.StatusCode == 200 {
				return c, stop, nil
			}
		}
		if time.Since(start) > 60*time.Second {
			stop()
			return nil, nil, fmt.Errorf("server not ready after 60 s")
		}
	}
}

// report prints one case's line: memory before, now and at peak, answers.
func (c *checker) report(name string, before int, answers string) {
	fmt.Printf("%-6s %7d MB %7d MB %7d MB  %s\n", name, before>>10, mem(c.pid, "VmRSS")>>10, mem(c.pid, "VmHWM")>>10, answers)
}

// slowReaders opens n connections that ask for the largest items page and
// do not read for hold, then reads each one's status line.
func (c *checker) slowReaders(n int, hold time.Duration) error {
	before := mem(c.pid, "VmRSS")
	var conns []net.Conn
	for range n {
		conn, err := net.Dial("tcp", c.addr)
		if err != nil {
			return err
		}
		if tc, ok := conn.(*net.TCPConn); ok {
			_ = tc.SetReadBuffer(4096)
		}
		_, _ = io.WriteString(conn, "GET /api/v1/collections/counties/items?limit=10000 HTTP/1.1\r\nHost: loadcheck\r\n\r\n")
		conns = append(conns, conn)
	}
	time.Sleep(hold)
	statuses := map[string]int{}
	for _, conn := range conns {
		_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
		line, _ := bufio.NewReader(conn).ReadString('\n')
		f := strings.Fields(line)
		if len(f) > 1 {
			statuses[f[1]]++
		} else {
			statuses["none"]++
		}
		conn.Close()
	}
	c.report("slow", before, fmt.Sprint(statuses))
	return nil
}

// get fetches path p, noting the detail of a 5xx answer; 0 when the
// request failed.
func (c *checker) get(p string) int {
	r, err := c.client.Get(c.base + p)
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
		c.mu.Lock()
		c.details[fmt.Sprintf("%d %s", r.StatusCode, d)] = true
		c.mu.Unlock()
	}
	_, _ = io.Copy(io.Discard, r.Body)
	return r.StatusCode
}

// flood warms the common tiles, sends n tile requests each with a unique
// min_revenue (8 at a time), then asks whether the common tiles are
// still cached.
func (c *checker) flood(n int) {
	before := mem(c.pid, "VmRSS")
	tiles := []string{"/tiles/8/208/101.mvt", "/tiles/8/209/101.mvt", "/tiles/8/208/102.mvt", "/tiles/7/104/50.mvt", "/tiles/6/52/25.mvt"}
	for range 3 {
		for _, p := range tiles {
			c.get(p)
		}
	}
	statuses := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	next := make(chan int)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				s := c.get(fmt.Sprintf("%s?min_revenue=%d.%d", tiles[i%len(tiles)], i, i%7))
				mu.Lock()
				statuses[fmt.Sprint(s)]++
				mu.Unlock()
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	hits0 := metric(c.client, c.base, "layoutmap_tile_cache_hits_total")
	for _, p := range tiles {
		c.get(p)
	}
	hits := metric(c.client, c.base, "layoutmap_tile_cache_hits_total") - hits0
	c.report("flood", before, fmt.Sprintf("%v; common tiles still cached %d/%d; cache %d MB counted",
		statuses, hits, len(tiles), metric(c.client, c.base, "layoutmap_tile_cache_bytes")>>20))
}

// largePNGs asks for n 4096×4096 PNGs at once.
func (c *checker) largePNGs(n int) {
	before := mem(c.pid, "VmRSS")
	statuses := map[string]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	var slowest time.Duration
	for i := range n {
		wg.Go(func() {
			start := time.Now()
			s := c.get(fmt.Sprintf("/static/map.png?width=4096&height=4096&year=%d", 2018+i%6))
			mu.Lock()
			statuses[fmt.Sprint(s)]++
			slowest = max(slowest, time.Since(start))
			mu.Unlock()
		})
	}
	wg.Wait()
	c.report("png", before, fmt.Sprintf("%v; slowest answer %s", statuses, slowest.Round(100*time.Millisecond)))
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
