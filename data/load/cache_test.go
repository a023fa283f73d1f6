package load

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"layoutmap/data"
	"layoutmap/data/henan"
	"layoutmap/data/synth"
	"layoutmap/geo"
)

// writeList writes n synthetic enterprises plus one row with every
// optional field (credit code, English name, clusters, year) to dir.
func writeList(t *testing.T, dir string, n int, seed uint64) string {
	t.Helper()
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	if err := synth.Enterprises(ds, n, seed, &b); err != nil {
		t.Fatal(err)
	}
	cc := "91410000000000123"
	c18, _ := geo.CreditCodeCheck(cc)
	b.WriteString(cc + string(c18) + "," + cc + string(c18) + ",测试企业（虚构）,Test firm (fictitious),113.7,34.75,surveyed,nev_chain;biomedicine,nev,专精特新;链主,,test row,2024\n")
	p := filepath.Join(dir, "enterprises.csv")
	if err := os.WriteFile(p, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

// The cached table is the resolved list, field for field; it is used only
// while list, datum and dataset are unchanged, and a damaged cache is
// ignored and rewritten.
func TestEnterpriseCache(t *testing.T) {
	ds, err := henan.Load()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	file := writeList(t, dir, 3000, 7)
	want, err := Enterprises(ds, file, "", true, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(CachePath(file)); err == nil {
		t.Fatal("noCache wrote a cache")
	}
	first, err := Enterprises(ds, file, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(CachePath(file))
	if err != nil {
		t.Fatalf("no cache written: %v", err)
	}
	key, err := sourceKey(file, "", ds)
	if err != nil {
		t.Fatal(err)
	}
	cached, err := readCache(CachePath(file), key)
	if err != nil {
		t.Fatalf("cache not read back: %v", err)
	}
	for name, got := range map[string][]geo.Enterprise{"first load": first, "cache": cached} {
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s differs from the resolved list", name)
		}
	}
	var full *geo.Enterprise
	for i := range cached {
		if cached[i].CreditCode != "" {
			full = &cached[i]
		}
	}
	if full == nil || full.NameEN == "" || len(full.Chains) != 2 || full.Year != 2024 || full.Classes == 0 || full.ClustersDerived {
		t.Errorf("the full row came back as %+v", full)
	}
	// Another datum, another dataset: not this cache.
	if _, err := readCache(CachePath(file), cacheKey{Source: key.Source, SourceBytes: key.SourceBytes, CRS: "gcj02", Dataset: key.Dataset}); err == nil {
		t.Error("cache used for another datum")
	}
	ds2 := *ds
	ds2.Zones = append([]geo.Zone(nil), ds.Zones...)
	ds2.Zones[0].GeomQuality = geo.GeomOfficial + "x"
	if data.ResolveFingerprint(&ds2) == key.Dataset {
		t.Error("a changed zone outline quality keeps the fingerprint")
	}
	// A changed list is resolved again (and re-cached).
	b, _ := os.ReadFile(file)
	if err := os.WriteFile(file, bytes.Replace(b, []byte("测试企业（虚构）"), []byte("测试企业改名（虚构）"), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	changed, err := Enterprises(ds, file, "", false, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !slicesContainName(changed, "测试企业改名（虚构）") {
		t.Error("the changed list was served from the old cache")
	}
	// A damaged cache is not served.
	c, _ := os.ReadFile(CachePath(file))
	c[len(c)/2] ^= 0x20
	if err := os.WriteFile(CachePath(file), c, 0o644); err != nil {
		t.Fatal(err)
	}
	key2, _ := sourceKey(file, "", ds)
	if _, err := readCache(CachePath(file), key2); err == nil {
		t.Error("a damaged cache was read")
	}
	again, err := Enterprises(ds, file, "", false, nil)
	if err != nil || !reflect.DeepEqual(again, changed) {
		t.Errorf("after a damaged cache: %v", err)
	}
	if st2, _ := os.Stat(CachePath(file)); st2 == nil || st2.ModTime().Before(st.ModTime()) {
		t.Error("the damaged cache was not rewritten")
	}
	// A refused list writes no cache.
	bad := filepath.Join(t.TempDir(), "bad.csv")
	if err := os.WriteFile(bad, []byte("name,lon,lat,source\nx,116.4,39.9,test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Enterprises(ds, bad, "", false, nil); err == nil || !strings.Contains(err.Error(), "bad.csv row 2") {
		t.Errorf("a point in Beijing: %v", err)
	}
	if _, err := os.Stat(CachePath(bad)); err == nil {
		t.Error("a refused list was cached")
	}
}

func slicesContainName(es []geo.Enterprise, name string) bool {
	for i := range es {
		if es[i].Name == name {
			return true
		}
	}
	return false
}

// The cache's row decoder never panics and bounds what it allocates,
// whatever the bytes.
func FuzzDecodeRows(f *testing.F) {
	ds, err := henan.Load()
	if err != nil {
		f.Fatal(err)
	}
	dir := f.TempDir()
	var b bytes.Buffer
	if err := synth.Enterprises(ds, 5, 1, &b); err != nil {
		f.Fatal(err)
	}
	file := filepath.Join(dir, "e.csv")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		f.Fatal(err)
	}
	if _, err := Enterprises(ds, file, "", false, nil); err != nil {
		f.Fatal(err)
	}
	c, err := os.ReadFile(CachePath(file))
	if err != nil {
		f.Fatal(err)
	}
	d := &decoder{s: string(c), off: len(cacheMagic)}
	d.inline()
	f.Add(string(c[d.off:len(c)-4]), 5)
	f.Add("", 0)
	f.Fuzz(func(t *testing.T, body string, n int) {
		es, err := decodeRows(body, n)
		if err == nil && len(es) != n {
			t.Fatalf("%d rows decoded, %d asked", len(es), n)
		}
	})
}

// With CacheLater, Load resolves a new list without writing its cache and
// hands the writing back (Result.WriteCache); once written, the next Load
// reads the list from it (same table, nothing left to write). The cache's
// key is that of the bytes read, as when it is written at once.
func TestEnterpriseCacheLater(t *testing.T) {
	dir := t.TempDir()
	file := writeList(t, dir, 2000, 5)
	o := Options{Dir: dir, Bundled: henan.Load, CacheLater: true}
	r, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(CachePath(file)); err == nil {
		t.Fatal("CacheLater: Load wrote the cache itself")
	}
	if r.WriteCache == nil {
		t.Fatal("CacheLater: a new list and nothing to write")
	}
	r.WriteCache()
	key, err := sourceKey(file, "", r.Dataset)
	if err != nil {
		t.Fatal(err)
	}
	cached, err := readCache(CachePath(file), key)
	if err != nil {
		t.Fatalf("the cache written later does not match the list: %v", err)
	}
	if !reflect.DeepEqual(cached, r.Enterprises) {
		t.Error("the cache written later differs from the list served")
	}
	again, err := Load(o)
	if err != nil {
		t.Fatal(err)
	}
	if again.WriteCache != nil {
		t.Error("a cached list: something to write again")
	}
	if !reflect.DeepEqual(again.Enterprises, r.Enterprises) {
		t.Error("the list read from the cache differs")
	}
	// Without CacheLater the cache is written before Load returns.
	os.Remove(CachePath(file))
	if r, err = Load(Options{Dir: dir, Bundled: henan.Load}); err != nil || r.WriteCache != nil {
		t.Fatal(err, r.WriteCache != nil)
	}
	if _, err := os.Stat(CachePath(file)); err != nil {
		t.Error("no cache after Load without CacheLater")
	}
}
