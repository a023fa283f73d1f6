package memstore_test

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"

	"layoutmap/data"
	"layoutmap/data/memstore"
	"layoutmap/data/storetest"
	"layoutmap/geo"
)

// newStore builds a Store over the bundled dataset.
func newStore(t testing.TB) *memstore.Store {
	t.Helper()
	s, err := memstore.New(loadDataset(t), geo.DefaultTiers)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return s
}

func TestConformance(t *testing.T) {
	storetest.Run(t, newStore(t))
}

func TestNewRejectsBadDatasets(t *testing.T) {
	ds := loadDataset(t)
	tests := []struct {
		name   string
		mutate func(ds *data.Dataset)
	}{
		{"no province", func(ds *data.Dataset) {
			ds.Admin = slices.DeleteFunc(ds.Admin, func(a geo.AdminArea) bool { return a.Level == geo.LevelProvince })
		}},
		{"duplicate city", func(ds *data.Dataset) { ds.Admin = append(ds.Admin, ds.Admin[1]) }},
		{"county with unknown parent", func(ds *data.Dataset) {
			i := slices.IndexFunc(ds.Admin, func(a geo.AdminArea) bool { return a.Level == geo.LevelCounty })
			ds.Admin[i].ParentCode = "999900"
		}},
		{"unknown level", func(ds *data.Dataset) { ds.Admin[1].Level = "town" }},
		{"duplicate zone", func(ds *data.Dataset) { ds.Zones = append(ds.Zones, ds.Zones[0]) }},
		{"zone in unknown city", func(ds *data.Dataset) { ds.Zones[0].CityCode = "999900" }},
		{"duplicate region", func(ds *data.Dataset) { ds.Regions = append(ds.Regions, ds.Regions[0]) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := *ds
			c.Admin, c.Zones, c.Regions = slices.Clone(ds.Admin), slices.Clone(ds.Zones), slices.Clone(ds.Regions)
			tt.mutate(&c)
			if _, err := memstore.New(&c, geo.DefaultTiers); err == nil {
				t.Errorf("New accepted a dataset with %s", tt.name)
			}
		})
	}
	if _, err := memstore.New(nil, geo.DefaultTiers); err == nil {
		t.Errorf("New(nil) succeeded")
	}
	if _, err := memstore.New(ds, nil); err == nil {
		t.Errorf("New without tiers succeeded")
	}
}

// TestResultsAreCopies checks that callers may mutate what they get.
func TestResultsAreCopies(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	tile := maptile.At(orb.Point{113.74, 34.72}, 8)
	q := geo.TileQuery{Z: 8, X: tile.X, Y: tile.Y}
	first, err := s.TileFeatures(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range first {
		for _, f := range l.Features {
			f.Properties["name"] = "x"
			if mp, ok := f.Geometry.(orb.MultiPolygon); ok {
				mp[0][0][0] = orb.Point{0, 0}
			}
		}
	}
	again, err := s.TileFeatures(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range again {
		for _, f := range l.Features {
			if f.Properties["name"] == "x" {
				t.Fatalf("layer %s feature %s: properties shared between calls", l.Layer, f.ID)
			}
			if mp, ok := f.Geometry.(orb.MultiPolygon); ok && mp[0][0][0] == (orb.Point{0, 0}) {
				t.Fatalf("layer %s feature %s: geometry shared between calls", l.Layer, f.ID)
			}
		}
	}
	p, err := s.Items(ctx, geo.CollCities, geo.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	// Items and Item share the store's geometry (read only, as documented)
	// with its GeoJSON encoded once: the same bytes on every call.
	f, err := s.Item(ctx, geo.CollCities, p.Features[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	want, err := geo.AppendGeoJSONGeometry(nil, f.Geometry)
	if err != nil {
		t.Fatal(err)
	}
	g := p.Features[0].GeometryJSON
	if string(g) != string(want) || string(f.GeometryJSON) != string(want) {
		t.Errorf("GeometryJSON is not the encoding of the geometry")
	} else if &g[0] != &f.GeometryJSON[0] {
		t.Errorf("GeometryJSON encoded again for a second request")
	}
	p.Features[0].Properties["name"] = "x"
	if f.Properties["name"] == "x" {
		t.Errorf("Items properties shared with the store")
	}
}

// TestConcurrentReads runs readers in parallel; with -race it proves the
// store needs no locks.
func TestConcurrentReads(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for z := uint32(5); z <= 9; z++ {
				tile := maptile.At(orb.Point{113.74, 34.72}, maptile.Zoom(z))
				if _, err := s.TileFeatures(ctx, geo.TileQuery{Z: z, X: tile.X, Y: tile.Y}); err != nil {
					t.Error(err)
				}
			}
			if _, err := s.Items(ctx, geo.CollZones, geo.Filter{SortBy: "-revenue", Offset: i}); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
}

// TestOutlinesPerZoom checks that outlines get simpler as zoom falls, and
// that every city survives from z5 up.
func TestOutlinesPerZoom(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	count := func(z uint32) (vertices, cities int) {
		lfs, err := s.TileFeatures(ctx, geo.TileQuery{Z: z, X: 0, Y: 0})
		if z > 0 {
			// The tile holding Zhengzhou: counties and cities around it.
			tile := maptile.At(orb.Point{113.74, 34.72}, maptile.Zoom(z))
			lfs, err = s.TileFeatures(ctx, geo.TileQuery{Z: z, X: tile.X, Y: tile.Y})
		}
		if err != nil {
			t.Fatal(err)
		}
		for _, l := range lfs {
			if l.Layer != geo.LayerCities {
				continue
			}
			cities = len(l.Features)
			for _, f := range l.Features {
				for _, p := range f.Geometry.(orb.MultiPolygon) {
					for _, r := range p {
						vertices += len(r)
					}
				}
			}
		}
		return vertices, cities
	}
	prev := 0
	for _, z := range []uint32{3, 5, 7, 9} {
		v, c := count(z)
		if c == 0 {
			t.Fatalf("z%d: no cities", z)
		}
		if prev > 0 && v/c <= prev {
			t.Errorf("z%d: %d vertices per city, not more than %d at the zoom below", z, v/c, prev)
		}
		prev = v / c
	}
}

// TestPropertiesJSONKept checks that items carry their properties' GeoJSON
// (geo.PropertiesJSON of the properties returned), made once per feature,
// year and family and shared by later requests, and that it differs
// where the year or family changes the properties.
func TestPropertiesJSONKept(t *testing.T) {
	s := newStore(t)
	ctx := context.Background()
	for _, f := range []geo.Filter{{Limit: 50}, {Limit: 50, Year: 2022}, {Limit: 50, Measure: geo.FamilyOutput},
		{Limit: 50, BBox: &orb.Bound{Min: orb.Point{113.5, 34.6}, Max: orb.Point{113.9, 34.9}}}} {
		for _, coll := range []string{geo.CollZones, geo.CollCounties, geo.CollRegions} {
			if coll != geo.CollZones && (f.Year != 0 || f.Measure != "") {
				continue // year and measure apply to zones only
			}
			first, err1 := s.Items(ctx, coll, f)
			again, err2 := s.Items(ctx, coll, f)
			if err1 != nil || err2 != nil {
				t.Fatalf("items %s %v: %v %v", coll, f.Encode(), err1, err2)
			}
			for i, ft := range first.Features {
				want, err := geo.PropertiesJSON(ft.Properties)
				if err != nil {
					t.Fatal(err)
				}
				a, b := ft.PropertiesJSON, again.Features[i].PropertiesJSON
				if string(a) != string(want) {
					t.Errorf("%s %s %v: PropertiesJSON\n%s\nwant\n%s", coll, ft.ID, f.Encode(), a, want)
				} else if &a[0] != &b[0] {
					t.Errorf("%s %s %v: properties encoded again for a second request", coll, ft.ID, f.Encode())
				}
			}
		}
	}
	y0, _ := s.Items(ctx, geo.CollZones, geo.Filter{Limit: 200})
	y22, _ := s.Items(ctx, geo.CollZones, geo.Filter{Limit: 200, Year: 2022})
	differ := 0
	for i := range y0.Features {
		if string(y0.Features[i].PropertiesJSON) != string(y22.Features[i].PropertiesJSON) {
			differ++
		}
	}
	if differ == 0 {
		t.Error("year=2022 gives the same properties as the latest year for every zone")
	}
}
