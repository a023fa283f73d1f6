// URL state: the whole view (camera, layers, colouring, overlays, filters,
// selection, language) lives in the query string, so any state can be shared
// or bookmarked and reloads identically. Filter keys are exactly the API's
// filter contract (geo.FilterParams), so the same string drives /api/v1,
// /tiles, /embed and /static.

export const FILTER_KEYS = ['cluster', 'chain', 'region', 'city', 'tier', 'year', 'measure', 'min_revenue'];
const LIST_KEYS = new Set(['cluster', 'chain', 'tier', 'layers', 'overlay']);
export const ALL_LAYERS = ['boundaries', 'counties', 'zones', 'labels'];

export const DEFAULTS = Object.freeze({
  lang: 'zh',
  center: [113.65, 33.9],
  zoom: 6.2,
  color: 'tier',
  layers: ALL_LAYERS,
  overlay: [],
  dist: '',
  cluster: [], chain: [], region: '', city: '', tier: [], year: '', measure: '', min_revenue: '',
  zone: '',
  panel: 'filters',
});

const round = (x, n) => Number(x.toFixed(n));

// parse reads a state from a query string, ignoring malformed values (a
// broken shared link still opens the map).
export function parse(search) {
  const q = new URLSearchParams(search);
  const s = structuredClone({ ...DEFAULTS, layers: [...DEFAULTS.layers] });
  const list = (k) => (q.get(k) ?? '').split(',').map((v) => v.trim()).filter(Boolean);
  if (q.get('lang') === 'en' || q.get('lang') === 'zh') s.lang = q.get('lang');
  const c = list('center').map(Number);
  if (c.length === 2 && c.every(Number.isFinite) && Math.abs(c[0]) <= 180 && Math.abs(c[1]) <= 85) s.center = c;
  // Without a camera in the URL the map fits the province to its box.
  s.fit = !(q.has('center') && q.has('zoom'));
  const z = Number(q.get('zoom'));
  if (q.has('zoom') && Number.isFinite(z) && z >= 0 && z <= 16) s.zoom = z;
  if (q.get('color') === 'cluster' || q.get('color') === 'tier') s.color = q.get('color');
  if (q.has('layers')) s.layers = list('layers').filter((l) => ALL_LAYERS.includes(l));
  for (const k of ['overlay', 'cluster', 'chain', 'tier']) if (q.has(k)) s[k] = list(k);
  for (const k of ['dist', 'region', 'city', 'zone']) if (q.get(k)) s[k] = q.get(k);
  if (/^\d{4}$/.test(q.get('year') ?? '')) s.year = q.get('year');
  // measure: the family whose figures set tiers and thresholds; revenue is the default and stays out of URLs.
  if (q.get('measure') === 'output') s.measure = 'output';
  const min = q.get('min_revenue');
  if (min && Number.isFinite(Number(min)) && Number(min) >= 0) s.min_revenue = String(Number(min));
  if (['filters', 'list', 'stats', 'layers'].includes(q.get('panel'))) s.panel = q.get('panel');
  return s;
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
  if (s.zone) q.set('zone', s.zone);
  if (withPanel && s.panel !== DEFAULTS.panel) q.set('panel', s.panel);
  return q.toString();
}

export function isList(k) { return LIST_KEYS.has(k); }
