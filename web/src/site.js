// The static site's data source (`layoutmap export-site`; the page's body
// carries data-site="static"). api.js sends every request here when the
// page is a static site:
//   - the filtered requests (zone items, cluster/tier statistics, change)
//     go to the site's engine, Go compiled to WebAssembly from the server's
//     own filter contract, store and response documents (cmd/sitewasm),
//     loaded once with the exported dataset (data/*);
//   - everything else the server answers the same for every filter
//     (reference, taxonomies, TileJSON, enterprise info) is a file the
//     export wrote from the live API: /api/v1/reference → api/v1/reference.json;
//   - the tiles come from the PMTiles archives through the pmtiles
//     protocol (main.js registers it; TileJSON tile URLs are pmtiles://).
// Every URL is relative to the page, so the site may live under any path.

export const STATIC = typeof document !== 'undefined' && document.body?.dataset.site === 'static';

const ENGINE_PATHS = new Set(['/api/v1/collections/zones/items', '/api/v1/collections/enterprises/items', '/api/v1/stats/clusters', '/api/v1/stats/tiers', '/api/v1/stats/change']);
const base = STATIC ? new URL('.', location.href).href : '';

// fileURL is the site file holding the answer of a root-relative API path.
export function fileURL(path) {
  const [p, q = ''] = path.split('?');
  let file = p.replace(/^\//, '');
  if (q.includes('f=csv')) file += '.csv';
  else if (!/\.[a-z]+$/.test(file)) file += '.json';
  return base + file;
}

// abs is a site-relative file as an absolute URL (the pmtiles protocol
// fetches it with range requests).
export const abs = (file) => base + file;

let info = null;
let engine = null;

// siteInfo is site.json: dataset version and date, synthetic data, archives.
export function siteInfo() {
  info ??= fetch(abs('site.json')).then((r) => {
    if (!r.ok) throw new Error(`site.json: HTTP ${r.status}`);
    return r.json();
  });
  return info;
}

// loadEngine starts the WebAssembly engine with the exported dataset.
function loadEngine() {
  engine ??= (async () => {
    const si = await siteInfo();
    await new Promise((resolve, reject) => {
      const s = document.createElement('script');
      s.src = abs('site/wasm_exec.js');
      s.onload = resolve;
      s.onerror = () => reject(new Error('site/wasm_exec.js did not load'));
      document.head.append(s);
    });
    const go = new globalThis.Go();
    const [wasm, ...files] = await Promise.all([
      WebAssembly.instantiateStreaming(fetch(abs(si.engine)), go.importObject),
      ...si.data_files.map((n) => fetch(abs('data/' + n)).then((r) => {
        if (!r.ok) throw new Error(`data/${n}: HTTP ${r.status}`);
        return r.arrayBuffer();
      })),
    ]);
    go.run(wasm.instance);
    const fsys = {};
    si.data_files.forEach((n, i) => { fsys[n] = new Uint8Array(files[i]); });
    const err = globalThis.layoutmapSite.init(fsys, JSON.stringify({ dataset_version: si.dataset_version, tiers: si.tiers }));
    if (err) throw new Error('static site engine: ' + err);
    return globalThis.layoutmapSite;
  })();
  return engine;
}

// getJSON answers an API request from the engine or a file, with the
// server's status codes and problem bodies.
export async function getJSON(path, { signal, APIError }) {
  const p = path.split('?')[0];
  if (ENGINE_PATHS.has(p) || p.startsWith('/api/v1/collections/enterprises/items/') || p === '/api/v1/stats/enterprises') {
    const e = await loadEngine();
    signal?.throwIfAborted();
    const res = e.get(path);
    const body = JSON.parse(res.body);
    if (res.status !== 200) throw new APIError(res.status, body);
    return body;
  }
  const res = await fetch(fileURL(path), { signal });
  if (!res.ok) throw new APIError(res.status, { detail: `${p}: not part of the static site` });
  const doc = await res.json();
  // TileJSON: the archive through the pmtiles protocol, absolute.
  if (Array.isArray(doc?.tiles)) doc.tiles = doc.tiles.map((t) => t.replace(/^pmtiles:\/\/(?![a-z]+:)/, 'pmtiles://' + base));
  return doc;
}
