// URL state: the whole view (camera, layers, colouring, overlays, filters,
// selection, language) lives in the query string, so any state can be shared
// or bookmarked and reloads identically. Filter keys are exactly the API's
// filter contract (geo.FilterParams), so the same string drives /api/v1,
// /tiles, /embed and /static.

export const FILTER_KEYS = ['cluster', 'chain', 'region', 'city', 'tier', 'year', 'measure', 'min_revenue', 'max_revenue'];
const LIST_KEYS = new Set(['cluster', 'chain', 'tier', 'layers', 'overlay', 'ent_class']);
export const ALL_LAYERS = ['boundaries', 'counties', 'zones', 'labels'];
export const PANELS = ['filters', 'list', 'stats', 'chains', 'layers'];

export const DEFAULTS = Object.freeze({
  lang: 'zh',
  center: [113.65, 33.9],
  zoom: 6.2,
  // auto: cluster colours while clusters are ticked, tier colours otherwise.
  color: 'auto',
  layers: ALL_LAYERS,
  overlay: [],
  dist: '',
  cluster: [], chain: [], region: '', city: '', tier: [], year: '', measure: '', min_revenue: '', max_revenue: '',
  zone: '',
  panel: 'filters',
  // compare: the earlier year of the comparison mode (change from compare
  // to year, GET /api/v1/stats/change); needs a year. Not a filter key:
  // items, tiles and statistics take the year, the change route both.
  compare: '',
  // The enterprise layer (issue 15): ent shows it; ent_class and ent_chain
  // filter it (the enterprises' own filter: class and chain of the items,
  // tiles and statistics of /api/v1 enterprises, not the zones' filter).
  ent: false,
  ent_class: [],
  ent_chain: '',
  // ent_sel: the enterprise whose card is open (not kept in the URL).
  ent_sel: '',
  // chain_view: the chain of the 产业链 panel's chain view (its zones
  // highlighted, its enterprises, 链主 and figures listed). Not a filter
  // key: the zones' filter is untouched; picking a chain also sets the
  // enterprise layer's chain (ent_chain) when a list is loaded.
  chain_view: '',
});

const round = (x, n) => Number(x.toFixed(n));

// parse reads a state from a query string. Malformed values are dropped
// and listed in s.dropped as "key=value" (a broken shared link still opens
// the map, and the page names what it ignored); unknown ids are checked
// later against the taxonomies (see dropUnknown in main.js).
export function parse(search) {
  const q = new URLSearchParams(search);
  const s = structuredClone({ ...DEFAULTS, layers: [...DEFAULTS.layers] });
  const dropped = [];
  const drop = (k) => dropped.push(`${k}=${q.get(k)}`);
  const list = (k) => (q.get(k) ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (q.get('lang') === 'en' || q.get('lang') === 'zh') s.lang = q.get('lang');
  else if (q.has('lang')) drop('lang');
  const c = list('center').map(Number);
  const centerOK = c.length === 2 && c.every(Number.isFinite) && Math.abs(c[0]) <= 180 && Math.abs(c[1]) <= 85;
  if (centerOK) s.center = c;
  else if (q.has('center')) drop('center');
  const z = Number(q.get('zoom'));
  const zoomOK = q.has('zoom') && q.get('zoom') !== '' && Number.isFinite(z) && z >= 0 && z <= 16;
  if (zoomOK) s.zoom = z;
  else if (q.has('zoom')) drop('zoom');
  // Without a (valid) camera in the URL the map fits the province, or the results, to its box.
  s.fit = !(centerOK && zoomOK);
  if (['cluster', 'tier', 'auto'].includes(q.get('color'))) s.color = q.get('color');
  else if (q.has('color')) drop('color');
  if (q.has('layers')) {
    const ls = list('layers');
    const good = ls.filter((l) => ALL_LAYERS.includes(l));
    const bad = ls.filter((l) => !ALL_LAYERS.includes(l) && l !== 'none');
    if (bad.length) dropped.push(`layers=${bad.join(',')}`);
    // Only unknown names: keep the default layers rather than an empty map.
    if (good.length || !bad.length) s.layers = good;
  }
  for (const k of ['overlay', 'cluster', 'chain', 'tier']) if (q.has(k)) s[k] = list(k);
  for (const k of ['dist', 'region', 'city', 'zone']) if (q.get(k)) s[k] = q.get(k);
  if (/^\d{4}$/.test(q.get('year') ?? '')) s.year = q.get('year');
  else if (q.get('year')) drop('year');
  // A comparison needs a later year to compare with.
  if (/^\d{4}$/.test(q.get('compare') ?? '') && s.year && Number(q.get('compare')) < Number(s.year)) s.compare = q.get('compare');
  else if (q.get('compare')) drop('compare');
  // measure: the family whose figures set tiers and thresholds; revenue is the default and stays out of URLs.
  if (q.get('measure') === 'output') s.measure = 'output';
  else if (q.get('measure') && q.get('measure') !== 'revenue') drop('measure');
  for (const k of ['min_revenue', 'max_revenue']) {
    const v = q.get(k);
    if (v && /^\d+(\.\d+)?$/.test(v.trim()) && Number.isFinite(Number(v))) s[k] = String(Number(v));
    else if (v) drop(k);
  }
  if (s.min_revenue && s.max_revenue && Number(s.max_revenue) < Number(s.min_revenue)) { dropped.push(`max_revenue=${s.max_revenue}`); s.max_revenue = ''; }
  if (q.get('ent') === '1') s.ent = true;
  else if (q.get('ent') && q.get('ent') !== '0') drop('ent');
  if (q.has('ent_class')) s.ent_class = list('ent_class');
  if (q.get('ent_chain')) s.ent_chain = q.get('ent_chain');
  if (q.get('chain_view')) s.chain_view = q.get('chain_view');
  if (PANELS.includes(q.get('panel'))) s.panel = q.get('panel');
  else if (q.has('panel')) drop('panel');
  s.dropped = dropped;
  return s;
}

// entParams returns the enterprise layer's filter as the API's class and
// chain parameters (items, tiles, statistics of enterprises).
export function entParams(s) {
  const q = new URLSearchParams();
  if (s.ent_class?.length) q.set('class', [...s.ent_class].sort().join(','));
  if (s.ent_chain) q.set('chain', s.ent_chain);
  return q;
}

// filterParams returns the filter contract part of s as URLSearchParams.
export function filterParams(s) {
  const q = new URLSearchParams();
  for (const k of FILTER_KEYS) {
    const v = s[k];
    if (Array.isArray(v) ? v.length : v) q.set(k, Array.isArray(v) ? [...v].sort().join(',') : v);
  }
  return q;
}

// serialize writes s as a query string holding only what differs from the
// defaults, in a stable order.
export function serialize(s, { withPanel = true } = {}) {
  const q = new URLSearchParams();
  if (s.lang !== DEFAULTS.lang) q.set('lang', s.lang);
  q.set('center', `${round(s.center[0], 4)},${round(s.center[1], 4)}`);
  q.set('zoom', String(round(s.zoom, 2)));
  if (s.color !== DEFAULTS.color) q.set('color', s.color);
  if (s.layers.join(',') !== DEFAULTS.layers.join(',')) q.set('layers', s.layers.join(',') || 'none');
  if (s.overlay.length) q.set('overlay', s.overlay.join(','));
  if (s.dist) q.set('dist', s.dist);
  for (const [k, v] of filterParams(s)) q.set(k, v);
  if (s.compare && s.year) q.set('compare', s.compare);
  if (s.zone) q.set('zone', s.zone);
  if (s.ent) q.set('ent', '1');
  if (s.ent_class?.length) q.set('ent_class', [...s.ent_class].sort().join(','));
  if (s.ent_chain) q.set('ent_chain', s.ent_chain);
  if (s.chain_view) q.set('chain_view', s.chain_view);
  if (withPanel && s.panel !== DEFAULTS.panel) q.set('panel', s.panel);
  return q.toString();
}

export function isList(k) { return LIST_KEYS.has(k); }

// createStore is the app's one explicit store: `state` is the view (the URL
// state above, changed only through set/select actions), `data` what the
// server answered for it (taxonomies, the filtered zones, statistics),
// `actions` the operations panels may call (set by main.js), and a tiny
// publish/subscribe so panels re-render on the events they care about:
//   'results'   — a refresh finished (zones, statistics, counts are new);
//   'selection' — the selected zone changed;
//   'lang'      — the interface language changed (controls are rebuilt);
//   'failed'    — a refresh failed (zones empty, controls must still work).
// Modules never keep their own copies of state or data.
export function createStore(state) {
  const subs = new Map();
  return {
    state,
    data: {
      clusters: [], chains: [], regions: [], cities: [], counties: [], allZones: [], recognised: [],
      zones: [], matched: 0, years: [], statsClusters: [], statsTiers: [], statsFromAPI: { clusters: false, tiers: false },
      statsDocs: { clusters: null, tiers: null }, tilejson: null, counts: {}, sources: new Map(),
      ref: { families: [], tiers: [], plans: [], sources: [], dictionary: {}, palettes: null },
      compare: null,
      // ent: the enterprise store (/api/v1/enterprises/info, TileJSON);
      // available false when it holds none (the layer then shows the hint).
      ent: { info: null, tilejson: null, available: false, synthetic: false, yearNote: null, card: null },
      // chainView: what the chain view shows of state.chain_view (main.js
      // loadChainView): {id, key, zones, stats, leaders}; null when closed.
      chainView: null,
    },
    // dropped: URL values that were malformed, unknown or stale, named in
    // the notice until the user closes it.
    dropped: [...(state.dropped ?? [])],
    // entDropped: the link's enterprise values (ent, ent_class, ent_chain)
    // dropped because the server holds no enterprise list; the notice says so.
    entDropped: [],
    actions: {},
    on(topic, fn) {
      if (!subs.has(topic)) subs.set(topic, []);
      subs.get(topic).push(fn);
    },
    emit(topic, detail) {
      for (const fn of subs.get(topic) ?? []) fn(detail);
    },
  };
}
