package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"layoutmap/data/postgis"
)

// The history line of an enterprise import counts its list, not "0 zones,
// 0 revenue"; an empty diff says so; a rollback names the enterprises.
func TestVersionAndRollbackLines(t *testing.T) {
	for _, tc := range []struct {
		counts map[string]int
		want   string
	}{
		{map[string]int{"enterprises": 20000, "enterprises_before": 0}, "20000 enterprises (before: 0); zones and revenue unchanged"},
		{map[string]int{"zones": 162, "revenue": 70, "admin_areas": 195}, "162 zones, 70 revenue"},
		{map[string]int{"zones": 162, "revenue": 70, "enterprises": 0, "enterprises_before": 20000}, "162 zones, 70 revenue, 0 enterprises"},
	} {
		if got := versionCounts(tc.counts); got != tc.want {
			t.Errorf("versionCounts(%v) = %q, want %q", tc.counts, got, tc.want)
		}
	}
	if got := versionDiff(""); !strings.Contains(got, "no change") {
		t.Errorf("empty diff: %q", got)
	}
	if got := versionDiff("zones +1 −0 ~0"); got != "zones +1 −0 ~0" {
		t.Errorf("diff: %q", got)
	}
	if got := rollbackEnterprises(map[string]int{"enterprises": 0, "enterprises_before": 20000}); got != "enterprises: 20000 → 0 (the list in force at that version)" {
		t.Errorf("rollback: %q", got)
	}
	if got := rollbackEnterprises(map[string]int{"zones": 3}); got != "" {
		t.Errorf("rollback without list counts: %q", got)
	}
}

// An enterprise import of a synthetic list warns on stderr (dry run and
// real import); a real list does not.
func TestEnterpriseImportWarnsSynthetic(t *testing.T) {
	for _, dry := range []bool{true, false} {
		var out, errw bytes.Buffer
		rep := postgis.ImportReport{Version: 2, Counts: map[string]int{"enterprises": 500, "enterprises_synthetic": 500}}
		if err := printEnterpriseImport(&out, &errw, rep, dry, time.Second); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(errw.String(), "warning: 500 of 500 enterprises are SYNTHETIC") || !strings.Contains(errw.String(), "合成数据") {
			t.Errorf("dry %v: stderr %q", dry, errw.String())
		}
		out.Reset()
		errw.Reset()
		rep.Counts["enterprises_synthetic"] = 0
		if err := printEnterpriseImport(&out, &errw, rep, dry, time.Second); err != nil || errw.Len() != 0 {
			t.Errorf("real list: stderr %q, %v", errw.String(), err)
		}
	}
}

// import --dir names an enterprise list in the directory that it leaves
// alone (checked or imported with --enterprises), instead of ignoring it.
func TestImportDirNotesEnterprises(t *testing.T) {
	dir := t.TempDir()
	var w bytes.Buffer
	noteDirEnterprises(&w, dir, true)
	if w.Len() != 0 {
		t.Fatalf("no list: %q", w.String())
	}
	if err := os.WriteFile(filepath.Join(dir, "enterprises.csv"), []byte("id\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	noteDirEnterprises(&w, dir, true)
	if !strings.Contains(w.String(), "enterprises.csv was not checked") || !strings.Contains(w.String(), "--enterprises "+filepath.Join(dir, "enterprises.csv")+" --check") {
		t.Errorf("--check: %q", w.String())
	}
	w.Reset()
	noteDirEnterprises(&w, dir, false)
	if !strings.Contains(w.String(), "enterprises.csv was not imported") {
		t.Errorf("import: %q", w.String())
	}
}
