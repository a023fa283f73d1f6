//go:build js && wasm

// Command sitewasm is the static site's query engine (`layoutmap
// export-site`): compiled with GOOS=js GOARCH=wasm, it loads the exported
// dataset into the embedded store (data/memstore) and answers the filtered
// requests of the web map's panels with the server's own code: the filter
// contract (geo.ParseFilter, CQL2), the store's selection, sorting and
// statistics, and the response documents of package apidoc. A static host
// thus gives the zone list, statistics and comparison the live server gives
// for the same URL, with no second copy of any rule in JavaScript.
//
// JavaScript API (set on globalThis.layoutmapSite once main runs):
//
//	init(files, site) → "" or an error message
//	    files: {"admin.geojson": Uint8Array, …} (the bundled dataset format,
//	    data.EncodeDataset); site: site.json's text (dataset_version, tiers)
//	get(pathAndQuery) → {status, type, body}
//	    /api/v1/collections/zones/items, /api/v1/collections/enterprises/items
//	    (and items/{id}), /api/v1/stats/clusters,
//	    /api/v1/stats/tiers, /api/v1/stats/change; anything else is a 404
//	    problem (the static files answer the rest).
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"syscall/js"
	"testing/fstest"
	"time"

	"layoutmap/api/apidoc"
	"layoutmap/data"
	"layoutmap/data/memstore"
	"layoutmap/geo"
)

// site is what site.json tells the engine.
type site struct {
	DatasetVersion int64     `json:"dataset_version"`
	Tiers          geo.Tiers `json:"tiers"`
}

var (
	store       *memstore.Store
	version     int64
	enterprises bool // an enterprise list was loaded

	loadMS, indexMS int64
)

// EnterpriseFile is the resolved enterprise list ([]geo.Enterprise as
// JSON) among the dataset files, when the site has one.
const EnterpriseFile = "enterprises.json"

func main() {
	obj := js.Global().Get("Object").New()
	obj.Set("init", js.FuncOf(initFn))
	obj.Set("get", js.FuncOf(getFn))
	// timing: milliseconds spent reading the dataset and indexing it (the
	// page's start-up cost, for docs/performance.md).
	obj.Set("timing", js.FuncOf(func(js.Value, []js.Value) any {
		return map[string]any{"load_ms": loadMS, "index_ms": indexMS}
	}))
	js.Global().Set("layoutmapSite", obj)
	select {} // keep the functions alive
}

func initFn(_ js.Value, args []js.Value) any {
	if len(args) != 2 {
		return "init(files, site): two arguments"
	}
	if err := load(args[0], args[1].String()); err != nil {
		return err.Error()
	}
	return ""
}

func load(files js.Value, siteJSON string) error {
	var s site
	if err := json.Unmarshal([]byte(siteJSON), &s); err != nil {
		return fmt.Errorf("site.json: %w", err)
	}
	fsys := fstest.MapFS{}
	keys := js.Global().Get("Object").Call("keys", files)
	for i := 0; i < keys.Length(); i++ {
		name := keys.Index(i).String()
		arr := files.Get(name)
		b := make([]byte, arr.Get("length").Int())
		js.CopyBytesToGo(b, arr)
		fsys[name] = &fstest.MapFile{Data: b}
	}
	var ents []geo.Enterprise
	if f, ok := fsys[EnterpriseFile]; ok {
		if err := json.Unmarshal(f.Data, &ents); err != nil {
			return fmt.Errorf("%s: %w", EnterpriseFile, err)
		}
		delete(fsys, EnterpriseFile)
	}
	t0 := time.Now()
	ds, err := data.LoadDataset(fsys)
	if err != nil {
		return fmt.Errorf("loading the dataset: %w", err)
	}
	t1 := time.Now()
	ts := s.Tiers
	if len(ts) == 0 {
		ts = geo.DefaultTiers
	}
	st, err := memstore.New(ds, ts)
	if err != nil {
		return fmt.Errorf("indexing the dataset: %w", err)
	}
	loadMS, indexMS = t1.Sub(t0).Milliseconds(), time.Since(t1).Milliseconds()
	if ents != nil {
		if err := st.SetEnterprises(ents); err != nil {
			return fmt.Errorf("indexing the enterprises: %w", err)
		}
	}
	store, version, enterprises = st, s.DatasetVersion, ents != nil
	return nil
}

func getFn(_ js.Value, args []js.Value) any {
	status, typ, body := answer(args[0].String())
	out := js.Global().Get("Object").New()
	out.Set("status", status)
	out.Set("type", typ)
	out.Set("body", body)
	return out
}

// answer routes one request; it never panics into JavaScript.
func answer(target string) (status int, typ, body string) {
	defer func() {
		if r := recover(); r != nil {
			status, typ, body = problem(500, fmt.Sprintf("static site engine: %v", r))
		}
	}()
	if store == nil {
		return problem(503, "the static site's dataset is not loaded yet")
	}
	u, err := url.Parse(target)
	if err != nil {
		return problem(400, "bad URL: "+err.Error())
	}
	q := u.Query()
	ctx := context.Background()
	var doc any
	switch u.Path {
	case "/api/v1/collections/zones/items", "/api/v1/collections/enterprises/items":
		coll := strings.Split(u.Path, "/")[4]
		if coll == geo.CollEnterprises && !enterprises {
			return problem(404, "the static site holds no enterprise list (export-site writes it from the embedded store only)")
		}
		b, err := items(ctx, coll, u.Path, q)
		if err != nil {
			return fail(err)
		}
		return 200, "application/geo+json", string(b)
	case "/api/v1/stats/clusters", "/api/v1/stats/tiers":
		f, err := geo.ParseFilter(q, false)
		if err != nil {
			return fail(err)
		}
		st, err := store.Stats(ctx, geo.StatsQuery{Filter: f})
		if err != nil {
			return fail(err)
		}
		if strings.HasSuffix(u.Path, "clusters") {
			doc = apidoc.Clusters(f, st, version)
		} else {
			doc = apidoc.Tiers(f, st, version)
		}
	case "/api/v1/stats/change":
		f, from, err := apidoc.ParseChange(q)
		if err != nil {
			return fail(err)
		}
		zs, err := store.Zones(ctx, f)
		if err != nil {
			return fail(err)
		}
		doc = apidoc.ChangeOf(f, from, zs, version)
	default:
		if id, ok := strings.CutPrefix(u.Path, "/api/v1/collections/enterprises/items/"); ok && enterprises {
			f, err := store.Item(ctx, geo.CollEnterprises, id)
			if err != nil {
				return fail(err)
			}
			b, err := apidoc.AppendFeature(nil, f, nil)
			if err != nil {
				return fail(err)
			}
			return 200, "application/geo+json", string(b)
		}
		return problem(404, "not available on the static site: "+u.Path+" (it needs the live server)")
	}
	b, err := apidoc.MarshalJSON(doc)
	if err != nil {
		return fail(err)
	}
	return 200, "application/json", string(b)
}

// items is the zones items response: the store's page under the filter
// contract with paging, encoded by apidoc as the server encodes it.
func items(ctx context.Context, coll, path string, q url.Values) ([]byte, error) {
	f, err := geo.ParseFilter(q, true, "f")
	if err != nil {
		return nil, err
	}
	page, err := store.Items(ctx, coll, f)
	if err != nil {
		return nil, err
	}
	links := []map[string]string{}
	if next := f.Offset + len(page.Features); next < page.NumberMatched && len(page.Features) > 0 {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("offset", strconv.Itoa(next))
		links = append(links, map[string]string{"href": path + "?" + nq.Encode(), "rel": "next", "type": "application/geo+json"})
	}
	fc := apidoc.FeatureCollection{NumberMatched: page.NumberMatched, NumberReturned: len(page.Features),
		TimeStamp: time.Now().UTC().Format(time.RFC3339), Links: links}
	if coll == geo.CollEnterprises { // the year rule's note, as the server writes it
		inf, err := store.EnterpriseInfo(ctx)
		if err != nil {
			return nil, err
		}
		_, _, fc.Members = apidoc.EnterpriseYearNote(f.Year, inf.Years)
	}
	return apidoc.AppendFeatureCollection(make([]byte, 0, 1<<16), fc, page.Features)
}

// fail turns an error into a problem: filter mistakes are 400s naming the
// parameters, as on the server.
func fail(err error) (int, string, string) {
	if fes, ok := geo.AsFieldErrors(err); ok {
		b, _ := apidoc.MarshalJSON(map[string]any{"type": "about:blank", "title": "Bad Request", "status": 400,
			"detail": fes.Error(), "invalid-params": fes})
		return 400, "application/problem+json", string(b)
	}
	if errors.Is(err, data.ErrNotFound) {
		return problem(404, err.Error())
	}
	return problem(500, err.Error())
}

func problem(status int, detail string) (int, string, string) {
	title := map[int]string{400: "Bad Request", 404: "Not Found", 500: "Internal Server Error", 503: "Service Unavailable"}[status]
	b, _ := apidoc.MarshalJSON(map[string]any{"type": "about:blank", "title": title, "status": status, "detail": detail})
	return status, "application/problem+json", string(b)
}
