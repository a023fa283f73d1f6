package tiles_test

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/maptile/tilecover"

	"layoutmap/data/henan"
	"layoutmap/data/memstore"
	"layoutmap/geo"
	"layoutmap/tiles"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

var (
	storeOnce sync.Once
	store     *memstore.Store
	storeErr  error
)

// henanStore is the embedded store over the bundled Henan dataset, shared
// by the tests of this package (it is read-only).
func henanStore(tb testing.TB) *memstore.Store {
	tb.Helper()
	storeOnce.Do(func() {
		ds, err := henan.Load()
		if err != nil {
			storeErr = err
			return
		}
		store, storeErr = memstore.New(ds, geo.DefaultTiers)
	})
	if storeErr != nil {
		tb.Fatalf("loading the Henan store: %v", storeErr)
	}
	return store
}

// etdz is the point of 郑州经济技术开发区 (zones.csv, WGS84).
var etdz = orb.Point{113.741036, 34.722424}

func tileAt(p orb.Point, z uint32) geo.TileQuery {
	t := maptile.At(p, maptile.Zoom(z))
	return geo.TileQuery{Z: z, X: t.X, Y: t.Y}
}

func decode(tb testing.TB, body []byte) mvt.Layers {
	tb.Helper()
	ls, err := mvt.Unmarshal(body)
	if err != nil {
		tb.Fatalf("decoding tile: %v", err)
	}
	return ls
}

func layerNames(ls mvt.Layers) string {
	var s []string
	for _, l := range ls {
		s = append(s, l.Name)
	}
	return strings.Join(s, ",")
}

func layer(ls mvt.Layers, name string) *mvt.Layer {
	for _, l := range ls {
		if l.Name == name {
			return l
		}
	}
	return nil
}

func TestLayersPerZoom(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	tests := []struct {
		z      uint32
		layers string
		labels []string // label kinds present
	}{
		{5, "province,cities,regions,zones,labels", []string{"city", "zone"}},
		{7, "province,cities,counties,regions,zones,labels", []string{"city", "zone"}},
		{8, "province,cities,counties,regions,zones,labels", []string{"city", "county", "zone"}},
		{11, "province,cities,counties,regions,zones,labels", []string{"zone"}},
		{14, "province,cities,counties,regions,zones,labels", []string{"zone"}},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("z%d", tc.z), func(t *testing.T) {
			body, _, err := svc.Tile(context.Background(), tileAt(etdz, tc.z))
			if err != nil {
				t.Fatal(err)
			}
			ls := decode(t, body)
			if got := layerNames(ls); got != tc.layers {
				t.Errorf("layers = %s, want %s", got, tc.layers)
			}
			kinds := map[string]bool{}
			if l := layer(ls, geo.LayerLabels); l != nil {
				for _, f := range l.Features {
					kinds[fmt.Sprint(f.Properties["kind"])] = true
				}
			}
			var got []string
			for k := range kinds {
				got = append(got, k)
			}
			sort.Strings(got)
			if strings.Join(got, ",") != strings.Join(tc.labels, ",") {
				t.Errorf("label kinds = %v, want %v", got, tc.labels)
			}
		})
	}
}

func TestFeatureIDsAndProperties(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	body, _, err := svc.Tile(context.Background(), tileAt(etdz, 9))
	if err != nil {
		t.Fatal(err)
	}
	ls := decode(t, body)
	for _, l := range ls {
		idKey := "id"
		if l.Name == geo.LayerProvince || l.Name == geo.LayerCities || l.Name == geo.LayerCounties {
			idKey = "code"
		}
		allowed := map[string]bool{}
		for _, f := range tiles.TileFields[l.Name] {
			allowed[f.Name] = true
		}
		for _, f := range l.Features {
			sid, ok := f.Properties[idKey].(string)
			if !ok || sid == "" {
				t.Errorf("%s feature without string %s: %v", l.Name, idKey, f.Properties)
				continue
			}
			if id, _ := f.ID.(float64); uint64(id) != geo.TileFeatureID(sid) {
				t.Errorf("%s %s: MVT id %v, want geo.TileFeatureID = %d", l.Name, sid, f.ID, geo.TileFeatureID(sid))
			}
			for k, v := range f.Properties {
				if !allowed[k] {
					t.Errorf("%s %s: property %s not in TileFields", l.Name, sid, k)
				}
				if v == nil || v == "" || v == "null" {
					t.Errorf("%s %s: property %s = %#v, want it left out", l.Name, sid, k, v)
				}
			}
		}
	}
	zones := layer(ls, geo.LayerZones)
	if zones == nil {
		t.Fatal("no zones layer at z9 over 郑州经开区")
	}
	found := false
	for _, f := range zones.Features {
		if cl, ok := f.Properties["clusters"].(string); ok && !(strings.HasPrefix(cl, "|") && strings.HasSuffix(cl, "|")) {
			t.Errorf("zone %v: clusters %q, want |id|id|", f.Properties["id"], cl)
		}
		if f.Properties["tier"] == nil {
			t.Errorf("zone %v without tier", f.Properties["id"])
		}
		if f.Properties["name"] == "郑州经济技术开发区" {
			found = true
			if f.Properties["geom_quality"] == nil {
				t.Error("郑州经开区 without geom_quality")
			}
		}
	}
	if !found {
		t.Error("郑州经济技术开发区 missing from its z9 tile")
	}
}

// TestTileJSONFieldsAreCarried: every field TileJSON advertises (TileFields)
// is carried by some tile over Henan at some zoom from the field's zoom on,
// and every property a tile carries is advertised. (TileJSON advertised
// chains and approved_area_ha, which no tile carried: issue 10.)
func TestTileJSONFieldsAreCarried(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	seen := map[string]map[string]bool{}
	minZoom := map[string]uint32{}
	for _, l := range geo.Layers {
		for _, f := range tiles.TileFields[l.Name] {
			minZoom[l.Name+"."+f.Name] = f.MinZoom
		}
	}
	for _, z := range []uint32{7, 9} {
		for _, q := range henanTiles(z) {
			body, _, err := svc.Tile(context.Background(), q)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range decode(t, body) {
				if seen[l.Name] == nil {
					seen[l.Name] = map[string]bool{}
				}
				for _, f := range l.Features {
					for k := range f.Properties {
						seen[l.Name][k] = true
						if z < minZoom[l.Name+"."+k] {
							t.Errorf("%s.%s carried at z%d, below its zoom %d", l.Name, k, z, minZoom[l.Name+"."+k])
						}
					}
				}
			}
		}
	}
	for _, l := range geo.Layers {
		for _, f := range tiles.TileFields[l.Name] {
			if !seen[l.Name][f.Name] {
				t.Errorf("TileJSON advertises %s.%s, which no tile at z7 or z9 carries", l.Name, f.Name)
			}
		}
	}
}

// henanTiles lists the tiles over Henan's bound at z.
func henanTiles(z uint32) []geo.TileQuery {
	var out []geo.TileQuery
	for t := range tilecover.Bound(geo.HenanBound, maptile.Zoom(z)) {
		out = append(out, geo.TileQuery{Z: z, X: t.X, Y: t.Y})
	}
	sort.Slice(out, func(i, j int) bool { return tiles.Key(out[i]) < tiles.Key(out[j]) })
	return out
}

// maxZ5Bytes bounds a z5 tile: the bench baseline's county layer alone was
// 58 KB at z5; ours leaves counties out there and simplifies outlines.
const maxZ5Bytes = 60 << 10

func TestZ5TilesSmall(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	var total int
	for _, q := range henanTiles(5) {
		e, err := svc.Encoded(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("z5 tile %s: %d bytes, %d gzip", tiles.Key(q), len(e.Body), len(gz(t, e)))
		total += len(e.Body)
		if len(e.Body) > maxZ5Bytes {
			t.Errorf("z5 tile %s is %d bytes, want ≤ %d", tiles.Key(q), len(e.Body), maxZ5Bytes)
		}
	}
	if total == 0 {
		t.Error("every z5 tile over Henan is empty")
	}
}

// TestFilterZones: the zones layer holds exactly the zones the store's
// filter contract returns, across all tiles covering Henan.
func TestFilterZones(t *testing.T) {
	st := henanStore(t)
	svc := tiles.New(st, tiles.Config{})
	for _, raw := range []string{"min_revenue=5000&year=2023", "min_revenue=1000&year=2023", "tier=no_data"} {
		t.Run(raw, func(t *testing.T) {
			v, _ := url.ParseQuery(raw)
			f, err := geo.ParseFilter(v, false)
			if err != nil {
				t.Fatal(err)
			}
			zs, err := st.Zones(context.Background(), f)
			if err != nil {
				t.Fatal(err)
			}
			var want []string
			for _, z := range zs {
				want = append(want, z.ID)
			}
			if len(want) == 0 {
				t.Fatalf("no zone matches %s in the dataset; the test would prove nothing", raw)
			}
			got := map[string]bool{}
			for _, q := range henanTiles(6) {
				q.Filter = f
				body, _, err := svc.Tile(context.Background(), q)
				if err != nil {
					t.Fatal(err)
				}
				if len(body) == 0 {
					continue
				}
				if l := layer(decode(t, body), geo.LayerZones); l != nil {
					for _, ft := range l.Features {
						got[ft.Properties["id"].(string)] = true
					}
				}
			}
			var gotIDs []string
			for id := range got {
				gotIDs = append(gotIDs, id)
			}
			sort.Strings(gotIDs)
			sort.Strings(want)
			if !slices.Equal(gotIDs, want) {
				t.Errorf("zones in tiles for %s = %v, want %v", raw, gotIDs, want)
			}
		})
	}
}

func TestEmptyTile(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	body, etag, err := svc.Tile(context.Background(), tileAt(orb.Point{-70, 40}, 8)) // New York state
	if err != nil {
		t.Fatal(err)
	}
	if len(body) != 0 || etag == "" {
		t.Errorf("tile outside the data: %d bytes, etag %q; want empty with an etag", len(body), etag)
	}
}

func TestBadTileQuery(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	for _, q := range []geo.TileQuery{{Z: geo.MaxZoom + 1}, {Z: 3, X: 8}, {Z: 0, Y: 1}} {
		_, _, err := svc.Tile(context.Background(), q)
		if _, ok := geo.AsFieldErrors(err); !ok {
			t.Errorf("Tile(%+v) error = %v, want field errors", q, err)
		}
	}
	_, _, err := svc.Tile(context.Background(), geo.TileQuery{Z: 5, X: 26, Y: 12, Filter: geo.Filter{Cluster: []string{"no-such-cluster"}}})
	if _, ok := geo.AsFieldErrors(err); !ok {
		t.Errorf("unknown cluster: error = %v, want field errors", err)
	}
}

// versioned is the Henan store under another dataset version, as after an
// import.
type versioned struct {
	*memstore.Store
	v int64
}

func (s versioned) Version(context.Context) (int64, error) { return s.v, nil }

func TestETagAndCache(t *testing.T) {
	st := henanStore(t)
	q := tileAt(etdz, 8)
	a := tiles.New(st, tiles.Config{})
	b := tiles.New(st, tiles.Config{CacheBytes: -1})
	e1, err := a.Encoded(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	e2, _ := a.Encoded(context.Background(), q)
	if e1 != e2 {
		t.Error("second request did not come from the cache")
	}
	e3, _ := b.Encoded(context.Background(), q)
	if string(e3.Body) != string(e1.Body) || e3.ETag != e1.ETag {
		t.Error("two services encode the same tile differently: ETags cannot work")
	}
	if n, _ := a.CacheStats(); n != 1 {
		t.Errorf("cache holds %d tiles, want 1", n)
	}
	imported := tiles.New(versioned{st, 2}, tiles.Config{})
	e4, _ := imported.Encoded(context.Background(), q)
	if e4.ETag == e1.ETag {
		t.Error("ETag unchanged across dataset versions")
	}
	q.Filter.Year = 2023
	e5, _ := a.Encoded(context.Background(), q)
	if e5.ETag == e1.ETag {
		t.Error("ETag unchanged across filters")
	}
}

func TestImportInvalidatesCache(t *testing.T) {
	st := henanStore(t)
	src := &switchable{Store: st, v: 1}
	svc := tiles.New(src, tiles.Config{})
	q := tileAt(etdz, 8)
	e1, _ := svc.Encoded(context.Background(), q)
	src.set(2)
	e2, _ := svc.Encoded(context.Background(), q)
	if e1 == e2 || e1.ETag == e2.ETag || e2.Version != 2 {
		t.Errorf("after a version bump got version %d etag %s (before: %s); want a fresh tile", e2.Version, e2.ETag, e1.ETag)
	}
	if n, _ := svc.CacheStats(); n != 1 {
		t.Errorf("cache holds %d tiles after the import, want only the new one", n)
	}
}

type switchable struct {
	*memstore.Store
	mu sync.Mutex
	v  int64
}

func (s *switchable) set(v int64) { s.mu.Lock(); s.v = v; s.mu.Unlock() }
func (s *switchable) Version(context.Context) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.v, nil
}

func TestCacheBound(t *testing.T) {
	small := tiles.New(henanStore(t), tiles.Config{CacheBytes: 50 << 10})
	for _, q := range henanTiles(6) {
		if _, err := small.Encoded(context.Background(), q); err != nil {
			t.Fatal(err)
		}
	}
	if _, b := small.CacheStats(); b > 50<<10 {
		t.Errorf("cache holds %d bytes, want ≤ %d", b, 50<<10)
	}
}

// goldenTile is a decoded tile in a stable JSON form: layers in order,
// features sorted by id, properties sorted by key (encoding/json sorts
// map keys), geometry in tile units.
type goldenLayer struct {
	Name     string          `json:"name"`
	Version  uint32          `json:"version"`
	Extent   uint32          `json:"extent"`
	Features []goldenFeature `json:"features"`
}

type goldenFeature struct {
	ID         any            `json:"id"`
	Type       string         `json:"type"`
	Properties map[string]any `json:"properties"`
	Geometry   orb.Geometry   `json:"-"`
	Coords     any            `json:"coordinates"`
}

func goldenJSON(ls mvt.Layers) ([]byte, error) {
	var out []goldenLayer
	for _, l := range ls {
		gl := goldenLayer{Name: l.Name, Version: l.Version, Extent: l.Extent}
		for _, f := range l.Features {
			gl.Features = append(gl.Features, goldenFeature{ID: f.ID, Type: f.Geometry.GeoJSONType(), Properties: f.Properties, Coords: coords(f.Geometry)})
		}
		out = append(out, gl)
	}
	return json.MarshalIndent(out, "", " ")
}

func coords(g orb.Geometry) any {
	switch g := g.(type) {
	case orb.Point:
		return []float64{g[0], g[1]}
	case orb.MultiPoint:
		return g
	case orb.LineString, orb.MultiLineString, orb.Polygon, orb.MultiPolygon:
		return g
	}
	return nil
}

func TestGoldenTile(t *testing.T) {
	svc := tiles.New(henanStore(t), tiles.Config{})
	q := tileAt(etdz, 12)
	body, _, err := svc.Tile(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	got, err := goldenJSON(decode(t, body))
	if err != nil {
		t.Fatal(err)
	}
	name := fmt.Sprintf("tile_%d_%d_%d", q.Z, q.X, q.Y)
	checkGolden(t, name+".json", got)
	checkGolden(t, name+".mvt", body)
}

func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run go test -update to create it): %v", err)
	}
	if string(got) != string(want) {
		t.Errorf("%s differs from the golden file (%d vs %d bytes); review with go test -update and git diff", name, len(got), len(want))
	}
}

func TestGoldenTileJSONAndStyle(t *testing.T) {
	f := geo.Filter{Year: 2023, MinRevenue: ptr(1000.0)}
	for _, tc := range []struct {
		name string
		doc  any
	}{
		{"tilejson.json", tiles.NewTileJSON("", geo.Filter{}, tiles.Meta{})},
		{"tilejson_filtered.json", tiles.NewTileJSON("http://127.0.0.1:8080", f, tiles.Meta{})},
		{"style.json", tiles.NewStyle("", geo.Filter{}, tiles.Meta{}, "zh")},
		{"style_en.json", tiles.NewStyle("http://127.0.0.1:8080", f, tiles.Meta{}, "en")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := json.MarshalIndent(tc.doc, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tc.name, append(b, '\n'))
			if strings.Contains(string(b), "glyphs") || strings.Contains(string(b), "sprite") {
				t.Error("document references glyphs or sprites: the style must need no external resource")
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func gz(t testing.TB, e *tiles.Encoded) []byte {
	t.Helper()
	b, err := e.Gzipped()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestVersionTTL(t *testing.T) {
	src := &switchable{Store: henanStore(t), v: 1}
	svc := tiles.New(src, tiles.Config{VersionTTL: time.Hour})
	q := tileAt(etdz, 8)
	e1, _ := svc.Encoded(context.Background(), q)
	src.set(2)
	e2, _ := svc.Encoded(context.Background(), q)
	if e2 != e1 {
		t.Error("within the TTL the version was asked again")
	}
	short := tiles.New(src, tiles.Config{VersionTTL: time.Nanosecond})
	if e, _ := short.Encoded(context.Background(), q); e.Version != 2 {
		t.Fatalf("version %d, want 2", e.Version)
	}
	src.set(3)
	time.Sleep(time.Millisecond) // let the nanosecond TTL pass
	if e, _ := short.Encoded(context.Background(), q); e.Version != 3 {
		t.Errorf("after the TTL: version %d, want 3", e.Version)
	}
}
