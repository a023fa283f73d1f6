package main

import (
	"bufio"
	"bytes"
	"context"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeHost is the address the README's examples use (`make run`).
const readmeHost = "http://127.0.0.1:8080"

// readmeGDALCommands returns the ogr2ogr and ogrinfo lines of the README's
// ```sh blocks, as written, with their line numbers.
func readmeGDALCommands(t *testing.T) (lines []string, at []int) {
	t.Helper()
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	inSh, n := false, 0
	for sc.Scan() {
		n++
		s := sc.Text()
		switch {
		case strings.HasPrefix(s, "```"):
			inSh = !inSh && strings.TrimSpace(strings.TrimPrefix(s, "```")) == "sh"
		case inSh && (strings.HasPrefix(s, "ogr2ogr ") || strings.HasPrefix(s, "ogrinfo ")):
			lines, at = append(lines, s), append(at, n)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return lines, at
}

// TestREADMEGDALExamples runs the README's own GDAL commands, exactly as
// written (through sh, so the quoting is the reader's), against the real
// server in place of 127.0.0.1:8080, in an empty directory: each exits 0
// and prints no warning or error, and the GeoPackage of the -where example
// holds the zones the server's filter selects. Trial 6, finding 9: the
// GPKG example printed four "does not natively support StringList type"
// warnings (clusters, lead_industries, chains, regions) until it said how
// to map the list fields (-mapFieldType StringList=String). A command the
// README marks as needing "a GDAL built with the vector-tiles path" must
// fail on Debian's GDAL 3.6 exactly as the README says.
func TestREADMEGDALExamples(t *testing.T) {
	for _, name := range []string{"ogr2ogr", "ogrinfo"} {
		if _, err := exec.LookPath(name); err != nil {
			t.Fatalf("%s not found: run scripts/deps.sh (apt-get install gdal-bin)", name)
		}
	}
	version, err := exec.Command("ogrinfo", "--version").Output()
	if err != nil {
		t.Fatal(err)
	}
	gdal36 := strings.Contains(string(version), "GDAL 3.6.")
	addr := startServer(t)
	lines, at := readmeGDALCommands(t)
	sawGPKG := false
	for i, line := range lines {
		cmdline := strings.ReplaceAll(line, readmeHost, "http://"+addr)
		dir := t.TempDir()
		ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
		cmd := exec.CommandContext(ctx, "sh", "-c", cmdline)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "NO_PROXY=127.0.0.1", "no_proxy=127.0.0.1", "GDAL_HTTP_TIMEOUT=60", "CPL_DEBUG=OFF")
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		cancel()
		where := "README.md:" + strconv.Itoa(at[i]) + ": " + line
		if strings.Contains(line, "a GDAL built with the vector-tiles path") {
			if gdal36 && (err == nil || !strings.Contains(stdout.String()+stderr.String(), "Unable to open datasource")) {
				t.Errorf("%s: the README says GDAL 3.6 fails to open this; got err %v\n%s%s", where, err, stdout.String(), stderr.String())
			} else if !gdal36 && err != nil {
				t.Errorf("%s: %v\n%s", where, err, stderr.String())
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v\n%s", where, err, stderr.String())
			continue
		}
		for _, l := range strings.Split(stderr.String(), "\n") {
			if strings.Contains(l, "Warning") || strings.Contains(l, "ERROR") || strings.Contains(l, "does not natively support") {
				t.Errorf("%s: GDAL says %q", where, l)
			}
		}
		if strings.HasPrefix(line, "ogr2ogr -f GPKG ") && strings.Contains(line, " -where ") {
			sawGPKG = true
			checkREADMEGeoPackage(t, where, dir, line, addr)
		}
	}
	if !sawGPKG {
		t.Errorf("the README has no `ogr2ogr -f GPKG … -where …` example (of %d GDAL commands): the case proves nothing", len(lines))
	}
}

var (
	gpkgOut   = regexp.MustCompile(`^ogr2ogr -f GPKG (\S+) `)
	whereArg  = regexp.MustCompile(`-where "([^"]+)"`)
	featCount = regexp.MustCompile(`Feature Count: (\d+)`)
)

// checkREADMEGeoPackage: the GeoPackage the README's -where example wrote
// in dir holds as many zones as the server's filter selects (at least
// one), with the list fields as text.
func checkREADMEGeoPackage(t *testing.T, where, dir, line, addr string) {
	t.Helper()
	out, w := gpkgOut.FindStringSubmatch(line), whereArg.FindStringSubmatch(line)
	if out == nil || w == nil {
		t.Errorf("%s: cannot read the output file and -where of the example", where)
		return
	}
	info := gdal(t, "ogrinfo", "-ro", "-so", dir+"/"+out[1], "zones")
	m := featCount.FindStringSubmatch(info)
	var page struct{ NumberMatched int }
	getJSON(t, "http://"+addr+"/api/v1/collections/zones/items?limit=1&filter="+url.QueryEscape(w[1]), &page)
	if m == nil || m[1] != strconv.Itoa(page.NumberMatched) || page.NumberMatched == 0 {
		t.Errorf("%s: the GeoPackage holds %v zones, the server's filter %d", where, m, page.NumberMatched)
	}
	for _, field := range []string{"clusters: String", "lead_industries: String"} {
		if !strings.Contains(info, field) {
			t.Errorf("%s: the GeoPackage has no %q field:\n%s", where, field, info)
		}
	}
}
