// layoutmap web map: filters, ranked list, statistics, zone card, search,
// zh/en, URL state and the embed dialog around one MapLibre map. The same
// bundle runs /embed (body[data-mode=embed]) without the application chrome.
import { Map as MLMap, NavigationControl, ScaleControl, AttributionControl, Popup, setWorkerUrl } from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { t, TIERS, setTiers as setTierLabels } from './i18n.js';
import * as urlstate from './state.js';
import { getJSON, listOf, allItems, csvItems } from './api.js';
import * as styles from './style.js';

/* global __WORKER_FILE__ */
setWorkerUrl(new URL(__WORKER_FILE__, import.meta.url).href);

// Henan's extent (geo.HenanBound without its margin) for the initial view.
const HENAN = [[110.35, 31.38], [116.65, 36.37]];
const mode = document.body.dataset.mode === 'embed' ? 'embed' : 'app';
const embedQ = new URLSearchParams(location.search);
const $ = (sel, root = document) => root.querySelector(sel);
const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null) e.append(kid);
  return e;
};
// fill replaces node's children, skipping null and false like el() does
// (replaceChildren itself would write them as the text "null").
const fill = (node, ...kids) => node.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));

// Test hook: the Chromium tests wait for idle === true after every change.
const probe = (window.__layoutmap = { idle: false, errors: [], mode });

let state = urlstate.parse(location.search);
const data = {
  clusters: [], chains: [], regions: [], cities: [], counties: [], allZones: [],
  zones: [], matched: 0, years: [], statsClusters: null, statsTiers: null, statsFromAPI: { clusters: false, tiers: false },
  tilejson: null, counts: {}, ref: { families: [], tiers: [], plans: [], sources: [], dictionary: {} },
  statsDocs: { clusters: null, tiers: null },
};
let map;
let seq = 0;
const L = (key, vars) => t(state.lang, key, vars);
// prefers-reduced-motion: camera moves jump instead of flying.
const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
const motion = (ms) => (reducedMotion() ? 0 : ms);
// The values of the URL that were dropped (malformed, unknown or stale):
// named in a notice so a broken shared link says what it lost.
let dropped = [...(state.dropped ?? [])];
// The filter of the last fetch, to tell a filter change (zoom to results)
// from a change of colour, language or layers (camera stays).
let lastFilter = null;
let ctl = null;
const nameOf = (o) => (state.lang === 'en' ? o?.name_en || o?.name : o?.name) ?? '';

// ---------- start ----------
init().catch((err) => showError(err));

async function init() {
  applyLang();
  setStatus(L('loading'));
  const [ref, tilejson, clusters, chains, regions, cities] = await Promise.all([
    getJSON('/api/v1/reference'),
    getJSON('/tiles/layout.json'),
    getJSON('/api/v1/clusters').catch(() => []),
    getJSON('/api/v1/chains').catch(() => []),
    getJSON('/api/v1/regions').catch(() => []),
    csvItems('cities').catch(() => []),
  ]);
  data.ref = ref;
  data.sources = new Map((ref.sources ?? []).map((s) => [s.id, s]));
  styles.setTiers(ref.tiers, ref.lower_bound);
  setTierLabels(ref.tiers);
  data.tilejson = tilejson;
  data.clusters = listOf(clusters, 'clusters').filter((c) => !c.kind || c.kind === 'cluster');
  data.chains = listOf(chains, 'chains');
  data.recognised = (Array.isArray(clusters?.recognised) ? clusters.recognised : []).filter((c) => c.scale_class);
  data.regions = listOf(regions, 'regions');
  data.cities = cities.map(adminRow);
  // The one full zone list of the start-up: the year control, the card of
  // a zone outside the filter and the URL check use it, and an unfiltered
  // first view reuses it instead of fetching it again.
  const all = await allItems('zones', {});
  data.allZones = all.features;
  const years = new Set();
  for (const f of all.features) for (const r of f.properties.revenue ?? []) years.add(r.year);
  data.years = [...years].sort((a, b) => b - a);
  dropped.push(...dropUnknown(state));
  if (mode === 'app') buildChrome();
  await refresh({ first: true });
  // Counties only serve search and the card; load them after the map.
  csvItems('counties').then((rows) => {
    data.counties = rows.map(adminRow);
    if (state.zone) renderCard();
  }).catch(() => {});
}

// adminRow turns a CSV row of cities/counties into {code, name, name_en, point}.
function adminRow(r) {
  const lon = Number(r.lon), lat = Number(r.lat);
  return { code: r.code || r.id, name: r.name, name_en: r.name_en, level: r.level, point: r.lon && r.lat && Number.isFinite(lon + lat) ? [lon, lat] : null };
}

// refresh fetches what the filter decides (items, statistics), then
// updates map, list, stats, card, legend and URL. A newer refresh aborts
// the fetches of an older one.
async function refresh({ first = false } = {}) {
  const my = ++seq;
  probe.idle = false;
  setStatus(L('loading'));
  const fq = urlstate.filterParams(state);
  const fkey = fq.toString();
  const filterChanged = lastFilter !== null && lastFilter !== fkey;
  // Choosing a place (city, region) always goes there; other filter
  // changes move the camera only when results leave the view.
  const placeChanged = filterChanged && ['city', 'region'].some((k) => new URLSearchParams(lastFilter).get(k) !== fq.get(k));
  ctl?.abort();
  ctl = new AbortController();
  const { signal } = ctl;
  try {
    if (first && !fkey) {
      data.zones = rankZones(data.allZones);
      data.matched = data.allZones.length;
    } else {
      const items = await allItems('zones', { ...Object.fromEntries(fq), sortby: '-revenue' }, { signal });
      if (my !== seq) return;
      data.zones = rankZones(items.features);
      data.matched = items.numberMatched;
    }
    await loadStats(fq, my, signal);
    if (my !== seq) return;
  } catch (err) {
    if (err?.name === 'AbortError' || my !== seq) return;
    // Whatever failed, the page keeps a working map and controls, so
    // 清除筛选 can always return to the default.
    data.zones = [];
    data.matched = 0;
    showError(err);
    if (!map) createMap();
    if (mode === 'app') { renderList(); renderStats(); renderFilterSummary(); syncControls(); }
    return;
  }
  lastFilter = fkey;
  data.counts = distCounts();
  if (!map) createMap();
  else updateMap();
  if (mode === 'app') { renderList(); renderStats(); renderCard(); renderFilterSummary(); syncControls(); renderFilterBadge(); }
  renderLegend();
  renderNotice();
  writeURL();
  if (mode === 'embed') postHeight();
  setStatus(data.zones.length ? '' : emptyMessage(), !data.zones.length);
  probe.failed = null;
  if (placeChanged) zoomToResults();
  else if (filterChanged) zoomToResults({ onlyIfOutside: true });
  settle(my);
}

// dropUnknown removes from s the ids no taxonomy knows (a city code, a
// cluster, a tier …, e.g. from an old shared link) and returns them as
// "key=value" for the notice.
function dropUnknown(s) {
  const out = [];
  const known = {
    cluster: new Set(data.clusters.map((c) => c.id)),
    chain: new Set(data.chains.map((c) => c.id)),
    tier: new Set((data.ref.tiers ?? []).map((x) => x.id)),
    overlay: new Set(data.regions.map((r) => r.id)),
  };
  for (const [k, set] of Object.entries(known)) {
    const bad = s[k].filter((v) => !set.has(v));
    if (bad.length) { out.push(`${k}=${bad.join(',')}`); s[k] = s[k].filter((v) => set.has(v)); }
  }
  const one = { region: data.regions.map((r) => r.id), city: data.cities.map((c) => c.code), dist: data.clusters.map((c) => c.id),
    zone: data.allZones.map((f) => String(f.id)), year: data.years.map(String) };
  for (const [k, ids] of Object.entries(one)) if (s[k] && !ids.includes(s[k])) { out.push(`${k}=${s[k]}`); s[k] = ''; }
  return out;
}

// renderNotice names the dropped URL values until the user closes it.
function renderNotice() {
  const box = $('#notice');
  if (!box) return;
  if (!dropped.length) { box.hidden = true; fill(box); return; }
  fill(box, el('span', { text: L('droppedValues', { v: dropped.join('; ') }) }),
    el('button', { type: 'button', class: 'icon-btn close', 'aria-label': L('close'), text: '×', onclick: () => { dropped = []; renderNotice(); } }));
  box.hidden = false;
}

// resultsBounds is the box of the filtered zones, null without any.
function resultsBounds() {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const f of data.zones) {
    const g = f.geometry && bboxOf(f.geometry);
    if (!g) continue;
    b[0] = Math.min(b[0], g[0]); b[1] = Math.min(b[1], g[1]); b[2] = Math.max(b[2], g[2]); b[3] = Math.max(b[3], g[3]);
  }
  return Number.isFinite(b[0]) ? b : null;
}

// mapPadding keeps results clear of the card (right on wide screens) and of
// the legend.
function mapPadding() {
  const wide = window.innerWidth > 760;
  if (mode === 'embed') return 24;
  return wide ? { top: 50, bottom: 50, left: 50, right: state.zone ? 440 : 60 } : { top: 40, bottom: 60, left: 30, right: 30 };
}

// zoomToResults fits the map to the filtered zones (the province when the
// filter is empty or matches nothing). onlyIfOutside: only when some result
// lies outside the current view.
function zoomToResults({ onlyIfOutside = false, duration = 600 } = {}) {
  if (!map) return;
  const empty = !urlstate.filterParams(state).toString();
  const b = !empty && resultsBounds();
  const box = b ? [[b[0], b[1]], [b[2], b[3]]] : HENAN;
  if (onlyIfOutside && b) {
    const v = map.getBounds();
    if (v.contains([b[0], b[1]]) && v.contains([b[2], b[3]])) return;
  } else if (onlyIfOutside) return;
  map.fitBounds(box, { padding: mapPadding(), maxZoom: 10, duration: motion(duration) });
}
probe.zoomToResults = () => zoomToResults();
// Test hooks: the filtered zones as the page holds them, and a filter set
// directly (to reach states no control allows, e.g. a server error).
probe.zones = () => data.zones;
probe.setFilterForTest = (patch) => setFilter(patch);

// settle marks the page idle once the map has rendered everything for the
// current state.
function settle(my) {
  const done = () => { if (my === seq) { probe.idle = true; if (mode === 'embed') postHeight(); } };
  if (!map) return;
  if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) {
    map.once('idle', done);
    map.triggerRepaint();
  } else {
    map.once('idle', done);
  }
}

// rankZones orders by headline revenue (descending, unknown last), then name.
function rankZones(features) {
  const rev = (f) => f.properties.revenue_yi;
  return [...features].sort((a, b) => {
    const ra = rev(a), rb = rev(b);
    if ((ra == null) !== (rb == null)) return ra == null ? 1 : -1;
    if (ra != null && ra !== rb) return rb - ra;
    return (a.properties.name ?? '') < (b.properties.name ?? '') ? -1 : (a.properties.name ?? '') > (b.properties.name ?? '') ? 1 : 0;
  });
}

async function loadStats(fq, my, signal) {
  const q = fq.toString();
  const get = (path) => getJSON(path + q, { signal }).then((b) => ({ ok: true, b })).catch((e) => { if (e?.name === 'AbortError') throw e; return { ok: false }; });
  const [c, tr] = await Promise.all([get('/api/v1/stats/clusters?'), get('/api/v1/stats/tiers?')]);
  if (my !== seq) return;
  data.statsFromAPI = { clusters: c.ok, tiers: tr.ok };
  // Statistics come from the server only (one definition of zones per
  // cluster, one year per statistic); when it cannot answer, the panel says
  // so rather than computing different numbers here.
  data.statsClusters = c.ok ? listOf(c.b, 'clusters', 'stats').map(normClusterStat) : [];
  data.statsTiers = tr.ok ? listOf(tr.b, 'tiers', 'stats').map(normTierStat) : [];
  data.statsDocs = { clusters: c.ok ? c.b : null, tiers: tr.ok ? tr.b : null };
}

// normClusterStat accepts by_city as a {code: n} map or a list of
// {city_code, zones}.
function normClusterStat(st) {
  if (!Array.isArray(st.by_city)) return st;
  const m = {};
  for (const c of st.by_city) m[c.city_code] = c.zones;
  return { ...st, by_city: m };
}

// normTierStat accepts {tier: {...}, zones} or a flat {id, label, …, zones}.
function normTierStat(st) {
  return st.tier ? st : { tier: { id: st.id, label: st.label, label_en: st.label_en, min_yi: st.min_yi, target: st.target }, zones: st.zones, at_or_above: st.at_or_above, target_met: st.target_met };
}

function distCounts() {
  if (!state.dist) return {};
  const st = data.statsClusters?.find((s) => s.cluster_id === state.dist);
  return st?.by_city ?? {};
}

// ---------- map ----------
function tileURL() {
  let tpl = data.tilejson.tiles[0];
  // Keep only the path: the page never contacts another origin, whatever
  // host name the server wrote into its TileJSON. String concatenation, not
  // URL(), which would percent-encode {z}/{x}/{y}.
  const m = /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(tpl);
  if (m) tpl = m[1];
  const fq = urlstate.filterParams(state).toString();
  return location.origin + tpl + (fq ? (tpl.includes('?') ? '&' : '?') + fq : '');
}

function zonePoints() {
  // rank: position among zones with a comparable figure (labels of the
  // top-ranked zones at province zoom); 0 for the unranked.
  const rank = new Map(data.zones.filter((f) => f.properties.revenue_yi != null).map((f, i) => [String(f.id), i + 1]));
  return {
    type: 'FeatureCollection',
    features: data.zones.filter((f) => f.geometry).map((f) => {
      const p = f.properties;
      return {
        type: 'Feature', id: String(f.id),
        geometry: { type: 'Point', coordinates: centreOf(f.geometry) },
        properties: {
          id: String(f.id), name: p.name, name_en: p.name_en, tier: p.tier ?? 'no_data', revenue_yi: p.revenue_yi,
          bound: p.bound, clusters: styles.flatList(p.clusters), geom_quality: p.geom_quality,
          located: p.point_quality === 'geocoded', rank: rank.get(String(f.id)) ?? 0,
        },
      };
    }),
  };
}

function styleSpec() {
  const tj = data.tilejson;
  return styles.build({
    tileURL: tileURL(), minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14, bounds: tj.bounds,
    state, clusters: data.clusters, regions: data.regions, zonePoints: zonePoints(), counts: data.counts,
  });
}

function createMap() {
  const embed = mode === 'embed';
  map = new MLMap({
    container: 'map',
    style: styleSpec(),
    ...(state.fit ? { bounds: initialBox(), fitBoundsOptions: { padding: mapPadding(), maxZoom: 10 } } : { center: state.center, zoom: state.zoom }),
    minZoom: 4,
    maxZoom: 14,
    hash: false,
    attributionControl: false,
    dragRotate: false,
    pitchWithRotate: false,
    // In a report the page must scroll past the map: zoom needs Ctrl/two fingers.
    cooperativeGestures: embed,
    canvasContextAttributes: { preserveDrawingBuffer: true, antialias: true },
  });
  probe.map = map;
  map.touchZoomRotate.disableRotation();
  map.addControl(new NavigationControl({ showCompass: false }), 'top-right');
  map.addControl(new ScaleControl({ unit: 'metric' }), 'bottom-left');
  setAttribution();
  map.on('error', (e) => { probe.errors.push(String(e.error?.message ?? e.error ?? e)); console.error('map:', e.error?.message ?? e); });
  const c0 = map.getCenter();
  state.center = [c0.lng, c0.lat];
  state.zoom = map.getZoom();
  map.on('moveend', () => {
    const c = map.getCenter();
    state.center = [c.lng, c.lat];
    state.zoom = map.getZoom();
    writeURL();
  });
  const hoverable = ['zonepoints', 'zonepoints-unknown', 'zones-fill'];
  let hovered = null;
  // Tooltip: name, headline figure with bound, year, period and measure,
  // and tier; on hover with a mouse, on tap on a touch screen.
  const tip = new Popup({ closeButton: false, closeOnClick: false, maxWidth: '280px', className: 'zone-tip', offset: 10 });
  const showTip = (id, lngLat) => {
    const f = findZone(id);
    if (!f) { tip.remove(); return; }
    tip.setLngLat(lngLat).setDOMContent(tipContent(f.properties)).addTo(map);
  };
  probe.tip = tip;
  for (const layer of hoverable) {
    map.on('mousemove', layer, (e) => {
      map.getCanvas().style.cursor = 'pointer';
      const id = String(e.features[0].properties.id);
      if (id !== hovered) setHover(id);
      showTip(id, e.lngLat);
    });
    map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; setHover(null); tip.remove(); });
    map.on('click', layer, (e) => {
      const id = String(e.features[0].properties.id);
      showTip(id, e.lngLat);
      if (mode === 'app') select(id, { fly: false });
    });
  }
  map.on('click', (e) => {
    if (!map.queryRenderedFeatures(e.point, { layers: hoverable.filter((l) => map.getLayer(l)) }).length) tip.remove();
  });
  // An embed that fits its content keeps fitting when its frame is resized,
  // until the reader moves the map.
  let userMoved = false;
  map.on('movestart', (e) => { if (e.originalEvent) userMoved = true; });
  map.on('resize', () => { if (mode === 'embed' && state.fit && !userMoved) zoomToResults({ duration: 0 }); });
  function setHover(id) {
    if (hovered) map.setFeatureState({ source: 'zonepoints', id: hovered }, { hover: false });
    hovered = id;
    if (id) map.setFeatureState({ source: 'zonepoints', id }, { hover: true });
    for (const row of document.querySelectorAll('.zone-row.hover')) row.classList.remove('hover');
    if (id) document.querySelector(`.zone-row[data-id="${CSS.escape(id)}"]`)?.classList.add('hover');
  }
  probe.setHover = setHover;
}

// initialBox is what a view without a camera in the URL shows: the
// filtered zones, or the province.
function initialBox() {
  const b = urlstate.filterParams(state).toString() && resultsBounds();
  return b ? [[b[0], b[1]], [b[2], b[3]]] : HENAN;
}

// tipContent is the tooltip of a zone: name, figure and tier.
function tipContent(p) {
  const tier = (data.ref.tiers ?? []).find((x) => x.id === (p.tier ?? 'no_data'));
  const tierLabel = p.tier && p.tier !== 'no_data' ? (state.lang === 'en' ? tier?.label_en : tier?.label) : '';
  return el('div', { class: 'tip' },
    el('strong', { text: nameOf(p) }),
    el('div', { class: 'tip-fig' }, el('i', { class: 'swatch' + (p.bound === 'lower' ? ' lower' : ''), style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }),
      ` ${p.revenue_yi != null ? headlineText(p) : L('noData')}`),
    tierLabel ? el('div', { class: 'muted small', text: `${L('tierLabel')}: ${p.bound === 'lower' ? L('atLeastTier', { t: tierLabel }) : tierLabel}` }) : null,
    p.point_quality && p.point_quality !== 'geocoded' ? el('div', { class: 'muted small', text: L('unknownLocation') }) : null);
}

// updateMap swaps the style in place (MapLibre diffs it: only changed
// layers, the zone points and, when the filter changed, the tiles reload).
function updateMap() {
  map.setStyle(styleSpec(), { diff: true });
  setAttribution();
}

function attribution() {
  return L('attribution');
}

let attributionControl = null;
let attributionLang = '';
function setAttribution() {
  if (mode === 'embed' || attributionLang === state.lang) return;
  if (attributionControl) map.removeControl(attributionControl);
  attributionControl = new AttributionControl({ compact: true, customAttribution: attribution() });
  map.addControl(attributionControl, 'bottom-right');
  // On a phone the expanded source line would cover the legend and the
  // scale bar: it starts folded (the ⓘ button opens it).
  if (narrow()) {
    const c = map.getContainer().querySelector('.maplibregl-ctrl-attrib');
    c?.classList.remove('maplibregl-compact-show');
    c?.removeAttribute('open');
  }
  attributionLang = state.lang;
}

const narrow = () => window.innerWidth <= 760;
function setPanelOpen(open) {
  document.body.classList.toggle('side-open', open);
  $('#panel-toggle')?.setAttribute('aria-expanded', String(open));
}

// renderFilterBadge: with the panel closed (phones), a chip on the map says
// a filter is active and how many zones match; a tap opens the filters.
function renderFilterBadge() {
  const b = $('#filter-badge');
  if (!b) return;
  const active = urlstate.filterParams(state).toString() !== '';
  b.hidden = !active;
  b.textContent = active ? `⚑ ${L('filtersActive', { n: data.matched })}` : '';
  b.title = active ? filterDescription() : '';
  $('#panel-toggle')?.classList.toggle('has-filter', active);
}

// ---------- selection ----------
function select(id, { fly = true } = {}) {
  state.zone = id || '';
  if (mode === 'app' && id) switchPanel('list', { focus: false });
  // On a phone the panel covers the map: close it so the card shows.
  if (mode === 'app' && id && narrow()) setPanelOpen(false);
  map.setStyle(styleSpec(), { diff: true });
  renderList();
  renderCard();
  writeURL();
  const f = findZone(id);
  if (fly && f?.geometry) {
    const b = bboxOf(f.geometry);
    // Keep the zone clear of the card, which covers the map's right side on wide screens.
    const wide = window.innerWidth > 760;
    const padding = wide ? { top: 60, bottom: 60, left: 60, right: 440 } : { top: 40, bottom: window.innerHeight * 0.5, left: 30, right: 30 };
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { maxZoom: 10.5, padding, duration: motion(600) });
  }
  document.querySelector(`.zone-row[data-id="${CSS.escape(id || '')}"]`)?.scrollIntoView({ block: 'nearest' });
  const my = ++seq;
  probe.idle = false;
  settle(my);
}

function findZone(id) {
  return data.zones.find((f) => String(f.id) === id) ?? data.allZones.find((f) => String(f.id) === id);
}

// ---------- chrome ----------
function buildChrome() {
  $('#lang-toggle').addEventListener('click', () => { state.lang = state.lang === 'zh' ? 'en' : 'zh'; applyLang(); buildPanels(); refresh(); });
  $('#embed-open').addEventListener('click', openEmbed);
  $('#panel-toggle').addEventListener('click', () => setPanelOpen(!document.body.classList.contains('side-open')));
  $('#filter-badge')?.addEventListener('click', () => { setPanelOpen(true); switchPanel('filters'); });
  for (const b of document.querySelectorAll('.tabs [role=tab]')) b.addEventListener('click', () => switchPanel(b.dataset.panel));
  $('.tabs').addEventListener('keydown', (e) => {
    if (e.key !== 'ArrowRight' && e.key !== 'ArrowLeft') return;
    const tabs = [...document.querySelectorAll('.tabs [role=tab]')];
    const i = tabs.indexOf(document.activeElement);
    const n = tabs[(i + (e.key === 'ArrowRight' ? 1 : tabs.length - 1)) % tabs.length];
    switchPanel(n.dataset.panel); n.focus();
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && !$('#card').hidden && !$('#embed-dialog').open) { select(''); $('#map').focus(); }
  });
  setupSearch();
  buildPanels();
  switchPanel(state.panel, { focus: false });
}

function switchPanel(name, { focus = false } = {}) {
  state.panel = name;
  for (const b of document.querySelectorAll('.tabs [role=tab]')) {
    const on = b.dataset.panel === name;
    b.setAttribute('aria-selected', String(on));
    b.tabIndex = on ? 0 : -1;
    $('#panel-' + b.dataset.panel).hidden = !on;
  }
  if (focus) $('#panel-' + name).focus();
  writeURL();
}

function applyLang() {
  document.documentElement.lang = state.lang === 'en' ? 'en' : 'zh-CN';
  document.title = embedQ.get('title') && mode === 'embed' ? embedQ.get('title') : L('title');
  for (const n of document.querySelectorAll('[data-i18n]')) n.textContent = L(n.dataset.i18n);
  for (const n of document.querySelectorAll('[data-i18n-placeholder]')) n.placeholder = L(n.dataset.i18nPlaceholder);
  for (const n of document.querySelectorAll('[data-i18n-aria]')) n.setAttribute('aria-label', L(n.dataset.i18nAria));
  const lt = $('#lang-toggle');
  if (lt) {
    lt.textContent = state.lang === 'zh' ? 'EN' : '中文';
    lt.setAttribute('lang', state.lang === 'zh' ? 'en' : 'zh-CN');
    lt.setAttribute('aria-label', state.lang === 'zh' ? 'English' : '切换到中文');
  }
  $('#side')?.setAttribute('aria-label', L('panels'));
  $('#map')?.setAttribute('aria-label', L('mapLabel'));
  $('#legend')?.setAttribute('aria-label', L('legend'));
}

function buildPanels() {
  buildFilters();
  buildLayers();
  fill($('#panel-list'), el('h2', { text: L('rank') }), el('p', { id: 'list-summary', class: 'muted' }),
    el('div', { class: 'row actions list-actions' },
      // The ranking as the server's CSV (f=csv: the same columns, the same
      // order), for the filter shown.
      el('a', { id: 'list-csv', class: 'chip', href: '#', download: 'zones.csv', text: L('downloadCSV') }),
      el('button', { type: 'button', id: 'copy-link', class: 'chip', text: L('copyLink'), onclick: copyLink })),
    el('ol', { id: 'zone-list', class: 'zone-list' }));
  fill($('#panel-stats'), el('div', { id: 'stats' }));
  if (data.zones.length || data.matched === 0) { renderList(); renderStats(); }
}

function checkList(name, items, selected, onChange) {
  const box = el('div', { class: 'checklist', role: 'group', 'aria-label': name });
  for (const it of items) {
    const id = `${name}-${it.id}`.replace(/[^\w-]/g, '_');
    const cb = el('input', { type: 'checkbox', id, value: it.id, checked: selected.includes(it.id) });
    cb.addEventListener('change', () => onChange([...box.querySelectorAll('input:checked')].map((i) => i.value)));
    box.append(el('label', { for: id, class: 'check' }, cb, el('span', { text: it.label }), it.swatch ? el('i', { class: 'swatch', style: `background:${it.swatch}` }) : null));
  }
  return box;
}

function setFilter(patch) {
  Object.assign(state, patch);
  refresh();
}

// resetFilters returns to the default filter (and drops the URL notice),
// whatever state the page was in.
function resetFilters() {
  dropped = [];
  const d = urlstate.DEFAULTS;
  setFilter(Object.fromEntries(urlstate.FILTER_KEYS.map((k) => [k, Array.isArray(d[k]) ? [] : d[k]])));
  buildFilters();
}

function buildFilters() {
  const p = $('#panel-filters');
  const clusterItems = data.clusters.map((c, i) => ({ id: c.id, label: nameOf(c), swatch: styles.CLUSTER_PALETTE[i % styles.CLUSTER_PALETTE.length] }));
  const chainItems = data.chains.map((c) => ({ id: c.id, label: nameOf(c) }));
  const regionSel = el('select', { id: 'f-region' }, el('option', { value: '', text: L('any') }),
    data.regions.map((r) => el('option', { value: r.id, text: nameOf(r), selected: state.region === r.id })));
  regionSel.addEventListener('change', () => setFilter({ region: regionSel.value }));
  const citySel = el('select', { id: 'f-city' }, el('option', { value: '', text: L('any') }),
    data.cities.map((c) => el('option', { value: c.code, text: nameOf(c), selected: state.city === c.code })));
  citySel.addEventListener('change', () => setFilter({ city: citySel.value }));
  const yearSel = el('select', { id: 'f-year' }, el('option', { value: '', text: L('latest') }),
    data.years.map((y) => el('option', { value: String(y), text: String(y), selected: state.year === String(y) })));
  yearSel.addEventListener('change', () => setFilter({ year: yearSel.value }));
  const minIn = el('input', { id: 'f-min', type: 'number', min: '0', step: '100', inputmode: 'numeric', value: state.min_revenue, placeholder: '1000' });
  minIn.addEventListener('change', () => setFilter({ min_revenue: minIn.value && Number(minIn.value) >= 0 ? String(Number(minIn.value)) : '' }));
  const maxIn = el('input', { id: 'f-max', type: 'number', min: '0', step: '100', inputmode: 'numeric', value: state.max_revenue, 'aria-label': L('thresholdMax') });
  maxIn.addEventListener('change', () => {
    const v = maxIn.value && Number(maxIn.value) >= 0 ? String(Number(maxIn.value)) : '';
    setFilter({ max_revenue: v && state.min_revenue && Number(v) < Number(state.min_revenue) ? '' : v });
  });
  const quick = el('div', { class: 'quick' }, [500, 1000, 5000].map((x) => el('button', {
    type: 'button', class: 'chip', 'aria-pressed': String(state.min_revenue === String(x)), text: `≥${x}亿`,
    onclick: () => setFilter({ min_revenue: state.min_revenue === String(x) ? '' : String(x) }),
  })));
  const tierItems = TIERS.map((x) => ({ id: x.id, label: state.lang === 'en' ? x.en : x.zh, swatch: styles.TIER_COLORS[x.id] }));
  const measureSel = el('select', { id: 'f-measure' },
    el('option', { value: '', text: L('famRevenue'), selected: !state.measure }),
    el('option', { value: 'output', text: L('famOutput'), selected: state.measure === 'output' }));
  measureSel.addEventListener('change', () => setFilter({ measure: measureSel.value }));
  fill(p,
    el('p', { id: 'filter-summary', class: 'summary', role: 'status' }),
    field(L('threshold'), 'f-min', el('div', { class: 'row' }, minIn, el('span', { class: 'unit', text: L('thresholdTo') }), maxIn, el('span', { class: 'unit', text: L('yi') })), quick),
    field(L('year'), 'f-year', yearSel),
    field(L('measureFilter'), 'f-measure', measureSel),
    fieldset(L('clusters'), checkList('cluster', clusterItems, state.cluster, (v) => setFilter({ cluster: v }))),
    el('details', { class: 'chains', open: state.chain.length > 0 || null }, el('summary', { text: `${L('chains')} (${chainItems.length})` }),
      checkList('chain', chainItems, state.chain, (v) => setFilter({ chain: v }))),
    field(L('region'), 'f-region', regionSel),
    field(L('city'), 'f-city', citySel),
    fieldset(L('tiers'), checkList('tier', tierItems, state.tier, (v) => setFilter({ tier: v }))),
    el('div', { class: 'row actions' },
      el('button', { type: 'button', class: 'reset', text: L('reset'), onclick: resetFilters }),
      el('button', { type: 'button', id: 'zoom-results', text: L('zoomResults'), onclick: () => zoomToResults() })),
  );
  renderFilterSummary();
}

function field(label, id, ...inputs) {
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), ...inputs);
}
function fieldset(legend, ...kids) {
  return el('fieldset', {}, el('legend', { text: legend }), ...kids);
}

function syncControls() {
  // Controls are rebuilt from state on language change; here only the
  // pressed state of the quick threshold buttons needs to follow.
  for (const b of document.querySelectorAll('.quick .chip')) b.setAttribute('aria-pressed', String(b.textContent === `≥${state.min_revenue}亿`));
  const m = $('#f-min');
  if (m && document.activeElement !== m) m.value = state.min_revenue;
  const x = $('#f-max');
  if (x && document.activeElement !== x) x.value = state.max_revenue;
  const z = $('#zoom-results');
  if (z) z.disabled = !data.zones.length;
}

function buildLayers() {
  const p = $('#panel-layers');
  const layerItems = urlstate.ALL_LAYERS.map((id) => ({ id, label: L({ boundaries: 'boundaries', counties: 'counties', zones: 'zonesLayer', labels: 'labels' }[id]) }));
  const color = el('div', { class: 'radios', role: 'radiogroup', 'aria-label': L('colorBy') },
    ['auto', 'tier', 'cluster'].map((v) => el('label', { class: 'check' },
      el('input', { type: 'radio', name: 'color', value: v, checked: state.color === v, onchange: () => { state.color = v; refresh(); } }),
      el('span', { text: L({ auto: 'byAuto', tier: 'byTier', cluster: 'byCluster' }[v]) }))));
  const regionItems = data.regions.map((r, i) => ({ id: r.id, label: nameOf(r), swatch: styles.REGION_PALETTE[i % styles.REGION_PALETTE.length] }));
  const distSel = el('select', { id: 'l-dist' }, el('option', { value: '', text: L('distNone') }),
    data.clusters.map((c) => el('option', { value: c.id, text: nameOf(c), selected: state.dist === c.id })));
  distSel.addEventListener('change', () => { state.dist = distSel.value; refresh(); });
  fill(p,
    fieldset(L('layers'), checkList('layer', layerItems, state.layers, (v) => { state.layers = v; refresh(); })),
    fieldset(L('colorBy'), color),
    fieldset(L('overlay'), checkList('overlay', regionItems, state.overlay, (v) => { state.overlay = v; refresh(); })),
    field(L('distribution'), 'l-dist', distSel),
  );
}

function filterDescription() {
  const parts = [];
  if (state.min_revenue) parts.push(`≥ ${state.min_revenue}亿`);
  if (state.max_revenue) parts.push(`≤ ${state.max_revenue}亿`);
  const names = (ids, list) => ids.map((id) => nameOf(list.find((x) => x.id === id)) || id).join('、');
  if (state.cluster.length) parts.push(names(state.cluster, data.clusters));
  if (state.chain.length) parts.push(names(state.chain, data.chains));
  if (state.region) parts.push(names([state.region], data.regions));
  if (state.city) parts.push(nameOf(data.cities.find((c) => c.code === state.city)) || state.city);
  if (state.tier.length) parts.push(state.tier.map((id) => { const x = TIERS.find((y) => y.id === id); return x ? x[state.lang] : id; }).join('、'));
  if (state.measure === 'output') parts.push(L('famOutput'));
  parts.push(state.year ? L('filterYear', { y: state.year }) : L('filterLatest'));
  return parts.join(state.lang === 'en' ? ', ' : '，');
}

function emptyMessage() {
  return L('noMatch', { f: filterDescription() });
}

function renderFilterSummary() {
  const s = $('#filter-summary');
  if (s) s.textContent = `${L('matchCount', { n: data.matched })} · ${filterDescription()}`;
}

function fmtYi(x) {
  if (x == null) return '–';
  return `${x.toLocaleString(state.lang === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 })}亿`;
}

// ---------- figures: one formatting of a figure everywhere ----------
const measureName = (m) => (state.lang === 'en' ? data.ref.dictionary?.measures?.[m] || m : m);
function periodName(per) {
  if (!per || per === 'full_year') return '';
  const d = data.ref.dictionary?.periods?.[per];
  return d ? d[state.lang] ?? d.zh : per;
}
const boundMark = (b) => (b === 'lower' ? '≥' : b === 'upper' ? '≤' : '');
// figureText: "≥217.4亿 (2019, 一季度 四上企业营业收入)" — the figure with its
// bound, year, period and measure, as every surface shows it.
function figureText(v, { bound, year, period, measure }) {
  const parts = [year, [periodName(period), measureName(measure)].filter(Boolean).join(' ')].filter(Boolean);
  return `${boundMark(bound)}${fmtYi(v)}${parts.length ? ` (${parts.join(state.lang === 'en' ? ', ' : '，')})` : ''}`;
}
// headlineText is a zone's headline figure (items/tiles properties).
function headlineText(p) {
  return figureText(p.revenue_yi, { bound: p.bound, year: p.revenue_year, period: p.period, measure: p.measure });
}
// recordBound is a record's bound as a statement about its year (a
// part-year figure is a lower bound), as geo.EffectiveBound.
function recordBound(r) {
  if (!r.period || r.period === 'full_year') return r.bound;
  return r.bound === 'upper' ? '' : 'lower';
}
// otherFigure is the latest figure of another measure family for a zone
// without a comparable one, labelled with its measure: shown, never ranked.
function otherFigure(p) {
  const recs = (p.revenue ?? []).filter((r) => recordBound(r));
  if (!recs.length) return '';
  const r = recs.reduce((a, b) => (b.year > a.year ? b : a));
  return figureText(r.revenue_yi, { bound: recordBound(r), year: r.year, period: r.period, measure: r.measure });
}

// copyLink puts the page's URL (the whole view) on the clipboard.
async function copyLink(e) {
  writeURL();
  const btn = e.currentTarget;
  try { await navigator.clipboard.writeText(location.href); btn.textContent = L('copied'); } catch { btn.textContent = location.href; }
  setTimeout(() => { btn.textContent = L('copyLink'); }, 2500);
}

function renderList() {
  const ol = $('#zone-list');
  if (!ol) return;
  const csv = $('#list-csv');
  if (csv) {
    const q = urlstate.filterParams(state);
    q.set('sortby', '-revenue'); q.set('limit', '10000'); q.set('f', 'csv');
    csv.href = `/api/v1/collections/zones/items?${q}`;
  }
  $('#list-summary').textContent = data.zones.length ? `${L('matchCount', { n: data.matched })} · ${filterDescription()}` : emptyMessage();
  // Zones with a comparable figure are numbered; the others follow,
  // unnumbered, under "无可比数据" (their other figures labelled).
  const ranked = data.zones.filter((f) => f.properties.revenue_yi != null);
  const rest = data.zones.filter((f) => f.properties.revenue_yi == null);
  const row = (f, rank) => {
    const p = f.properties;
    const id = String(f.id);
    const other = rank ? '' : otherFigure(p);
    const btn = el('button', { type: 'button', class: 'zone-row' + (id === state.zone ? ' selected' : '') + (rank ? '' : ' unranked'), 'data-id': id, 'aria-current': id === state.zone ? 'true' : null },
      el('span', { class: 'rank', text: rank ? String(rank) : '' }),
      el('i', { class: 'swatch' + (p.bound === 'lower' ? ' lower' : ''), style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }),
      el('span', { class: 'zname', text: nameOf(p) }),
      el('span', { class: 'zrev', text: rank ? headlineText(p) : other ? `${L('otherFamilies')}: ${other}` : L('noData') }));
    btn.addEventListener('click', () => select(id));
    btn.addEventListener('mouseenter', () => probe.setHover?.(id));
    btn.addEventListener('mouseleave', () => probe.setHover?.(null));
    btn.addEventListener('focus', () => probe.setHover?.(id));
    btn.addEventListener('blur', () => probe.setHover?.(null));
    return el('li', {}, btn);
  };
  const items = ranked.map((f, i) => row(f, i + 1));
  if (rest.length) items.push(el('li', { class: 'group-head', text: `${L('noComparable')} (${rest.length})` }), ...rest.map((f) => row(f, 0)));
  fill(ol, ...items);
}

// yearLine names the one year a statistic uses and its coverage.
function yearLine(doc) {
  if (!doc) return null;
  const basis = L({ filter: 'basisFilter', 'latest comparable': 'basisLatest', none: 'basisNone' }[doc.year_basis] ?? 'basisNone');
  const cov = state.lang === 'en' ? doc.coverage?.text_en : doc.coverage?.text;
  return el('p', { class: 'stat-year' }, el('strong', { text: doc.year ? L('yearOf', { y: doc.year }) : L('basisNone') }), ` (${basis}) · ${cov ?? ''}`);
}

function planLabel(plan) {
  return `${state.lang === 'en' ? plan.title_en : plan.title} ${plan.document}`;
}

function renderStats() {
  const box = $('#stats');
  if (!box) return;
  const cs = data.statsClusters ?? [];
  const max = Math.max(1, ...cs.map((s) => s.zones ?? 0));
  const clusterRows = cs.map((s, i) => {
    const c = data.clusters.find((x) => x.id === s.cluster_id) ?? s;
    const idx = data.clusters.indexOf(c);
    const rev = s.revenue_yi ? ` · ${figureText(s.revenue_yi, { bound: s.revenue_bound, year: s.revenue_year, measure: s.measure })}` : '';
    return el('div', { class: 'bar-row', 'data-cluster': s.cluster_id, 'data-zones': String(s.zones ?? 0) },
      el('span', { class: 'bar-label', text: nameOf(c) || s.cluster_id }),
      el('span', { class: 'bar', style: `width:${(100 * (s.zones ?? 0)) / max}%;background:${styles.CLUSTER_PALETTE[(idx >= 0 ? idx : i) % styles.CLUSTER_PALETTE.length]}` }),
      el('span', { class: 'bar-value', text: `${s.zones ?? 0} ${L('statsZones')}${rev}` }),
      s.measure ? el('span', { class: 'bar-note', text: L('statsComparable', { m: measureName(s.measure), n: s.revenue_n ?? 0 }) }) : null);
  });
  const td = data.statsDocs.tiers;
  const ts = data.statsTiers ?? [];
  const tierRows = ts.map((s) => {
    const tier = s.tier ?? {};
    const x = TIERS.find((y) => y.id === tier.id);
    const label = state.lang === 'en' ? (x?.en ?? tier.label_en) : (x?.zh ?? tier.label);
    return el('tr', { 'data-tier': tier.id },
      el('td', {}, el('i', { class: 'swatch', style: `background:${styles.TIER_COLORS[tier.id] ?? styles.OTHER}` }), ` ${label ?? tier.id}`),
      el('td', { class: 'num', text: String(s.zones ?? 0) }),
      el('td', { class: 'muted small', text: s.lower ? `${L('lower')} ${s.lower}` : '' }));
  });
  const tc = td?.target_check;
  const targets = tc ? el('div', { class: 'targets' },
    el('h3', { text: L('targetHead', { y: tc.year, doc: tc.plan.document }) }),
    el('p', { class: 'muted small', text: `${planLabel(tc.plan)} · ${state.lang === 'en' ? td.coverage?.text_en : td.coverage?.text}` }),
    el('ul', { class: 'plain' }, tc.rows.map((r) => el('li', { class: 'target' + (r.met ? ' met' : ''), 'data-min': String(r.min_yi), 'data-at-or-above': String(r.at_or_above) },
      L('targetRow', { n: r.at_or_above, x: r.min_yi, l: r.lower, t: r.zones })))))
    : el('p', { class: 'muted', text: L('targetNone') });
  const history = (td?.earlier_plans ?? data.ref.plans.slice(1)).map((p) => el('li', {},
    p.targets.map((t) => L('historyRow', { doc: planLabel(p), y: p.target_year, x: t.min_yi, s: p.subject, t: t.zones })).join('；')));
  fill(box,
    el('h2', { text: L('statsClusters') }),
    data.statsFromAPI.clusters ? null : el('p', { class: 'stats-unavailable', text: L('statsUnavailable') }),
    el('p', { class: 'muted', text: filterDescription() }),
    yearLine(data.statsDocs.clusters),
    el('p', { class: 'muted small', id: 'cluster-rule', text: data.ref.zones_per_cluster_rule_text?.[state.lang === 'en' ? 'en' : 'zh'] ?? data.ref.zones_per_cluster_rule ?? '' }),
    el('div', { class: 'bars' }, clusterRows),
    el('h2', { text: L('statsTiers') }),
    data.statsFromAPI.tiers ? null : el('p', { class: 'stats-unavailable', text: L('statsUnavailable') }),
    yearLine(td),
    el('table', { class: 'tiers' }, el('tbody', {}, tierRows)),
    targets,
    el('details', { class: 'history' }, el('summary', { text: L('historyPlans') }), el('ul', {}, history), plannedScale()),
  );
}

// plannedScale lists the plans' scale classes (千亿级, 3000亿级 …) of
// recognised clusters, each labelled with its plan and target year: they
// are targets of their plan, not reported revenue.
function plannedScale() {
  const list = (data.recognised ?? []).filter((c) => !state.city || (c.cities ?? []).includes(state.city));
  if (!list.length) return null;
  const planOf = (c) => {
    const ids = sourceIDs(c.source);
    const p = data.ref.plans.find((x) => ids.includes(x.source));
    if (p) return L('planOf', { plan: planLabel(p), y: p.target_year });
    const s = ids.map((id) => data.sources.get(id)?.title).filter(Boolean);
    return s.length ? L('planUnknown', { src: s.join('; ') }) : '';
  };
  return el('div', { class: 'planned' }, el('h3', { text: `${L('planned')} (${list.length})` }),
    el('p', { class: 'muted', text: L('plannedNote') }),
    el('ul', {}, list.map((c) => el('li', {}, el('strong', { text: c.scale_class }), ` ${nameOf(c)} `,
      el('span', { class: 'muted', text: (c.cities ?? []).map(cityName).join('、') }),
      el('div', { class: 'src', text: planOf(c) })))));
}

function cityName(code) { return nameOf(data.cities.find((c) => c.code === code)) || code || ''; }
function countyName(code) { return nameOf(data.counties.find((c) => c.code === code)) || code || ''; }

// Provenance: rows cite source ids (S13 …) of the shared source list; the
// card shows each as title, publisher, date and link, with the quoted text,
// never the id or a file name.
function sourceIDs(text) {
  return [...new Set([...(text ?? '').matchAll(/(?:^|[^A-Za-z0-9])(S\d{2})(?![0-9])/g)].map((m) => m[1]))];
}
function quoteOf(text) {
  const m = /[“"]([^”"]{4,})[”"]/.exec(text ?? '');
  return m ? m[1] : '';
}
function industryName(term) {
  const en = data.ref.dictionary?.lead_industries?.[term];
  return state.lang === 'en' && en ? `${en} (${term})` : term;
}
function linkText(l) {
  if (l.derived) {
    const m = /lead industry "([^"]+)" contains keyword "([^"]+)"/.exec(l.source ?? '');
    return m ? L('derivedSentence', { l: industryName(m[1]), k: m[2] }) : L('derived');
  }
  const titles = sourceIDs(l.source).map((id) => data.sources.get(id)?.title).filter(Boolean);
  return L('sourcedBy', { s: titles.join('；') || L('sourced') });
}
function sourceItem(id, quotes) {
  const s = data.sources.get(id);
  if (!s) return null;
  // Title and date only: the source list gives no publisher field, and
  // guessing one from its wording named authors and quotes as publishers.
  return el('li', { 'data-source': id },
    el('span', { class: 'src-title', text: s.title }), s.date ? el('span', { class: 'muted', text: ` (${s.date})` }) : null,
    ...(s.urls ?? []).slice(0, 2).map((u) => el('a', { href: u, target: '_blank', rel: 'noopener noreferrer', class: 'src-link', text: new URL(u).host })),
    ...[...new Set(quotes)].map((q) => el('blockquote', { text: q })));
}
function locationText(p) {
  if (p.point_quality === 'geocoded') return L('pqGeocoded');
  const why = /坐标缺:([^;；]+)/.exec(p.source ?? '')?.[1];
  const base = L(p.point_quality === 'county_centroid' ? 'pqCounty' : 'pqCity');
  return why && state.lang === 'zh' ? `${base}；${L('whyUnknown', { r: why })}` : base;
}

function renderCard() {
  const card = $('#card');
  if (!card) return;
  const f = state.zone ? findZone(state.zone) : null;
  if (!f) { card.hidden = true; fill(card); return; }
  const p = f.properties;
  const dl = el('dl');
  const row = (k, ...v) => dl.append(el('dt', { text: L(k) }), el('dd', {}, ...v));
  row('level', state.lang === 'en' ? p.level_en || p.level || '' : p.level || '');
  row('cityCounty', [cityName(p.city_code), p.county_code ? countyName(p.county_code) : ''].filter(Boolean).join(' · '));
  row('lead', (p.lead_industries ?? []).map(industryName).join(state.lang === 'en' ? ', ' : '、') || L('unknown'));
  const links = p.cluster_links ?? (p.clusters ?? []).map((id) => ({ cluster_id: id }));
  row('clusterLinks', links.length ? el('ul', { class: 'plain' }, links.map((l) => {
    const c = data.clusters.find((x) => x.id === l.cluster_id);
    return el('li', {}, `${nameOf(c) || l.cluster_id} `, el('span', { class: 'muted small', text: `(${linkText(l)})` }));
  })) : L('none'));
  row('area', p.approved_area_ha != null ? `${p.approved_area_ha.toLocaleString()} ${L('ha')}` : L('unknown'));
  row('approvalDate', p.approval_date ?? L('unknown'));
  row('geomQuality', p.geom_quality ? L(p.geom_quality === 'approximate' ? 'approximate' : 'official') + (p.geom_quality === 'approximate' ? ` — ${L('approxOutline')}` : '')
    : L(p.point_quality === 'geocoded' ? 'geomNoneArea' : 'geomNoneUnknown'));
  if (p.point_quality) row('pointQuality', locationText(p));
  const recs = p.revenue ?? [];
  const rev = recs.length ? el('table', { class: 'rev' },
    el('thead', {}, el('tr', {}, ['year', 'yi', 'measure', 'bound', 'period'].map((k) => el('th', { text: k === 'year' ? L('year') : L(k) })))),
    el('tbody', {}, recs.map((r) => el('tr', {},
      el('td', { text: String(r.year) }),
      el('td', { class: 'num', text: `${boundMark(recordBound(r))}${r.revenue_yi}` }),
      el('td', { text: measureName(r.measure ?? '') }),
      el('td', { text: L(recordBound(r) || r.bound || 'exact') }),
      el('td', { text: periodName(r.period) || L('fullYear') }),
    )))) : el('p', { text: L('noRevenue') });
  // Sources: every id the zone, its figures and its cluster links cite,
  // with the quotes the figures rest on.
  const quotes = new Map();
  const cite = (text, q) => { for (const id of sourceIDs(text)) { if (!quotes.has(id)) quotes.set(id, []); if (q) quotes.get(id).push(q); } };
  cite(p.source);
  for (const r of recs) cite(r.source, quoteOf(r.source));
  for (const l of links) if (!l.derived) cite(l.source);
  fill(card,
    el('header', {}, el('h2', { id: 'card-title', text: nameOf(p) }),
      el('button', { type: 'button', class: 'icon-btn close', 'aria-label': L('close'), text: '×', onclick: () => select('') })),
    state.lang === 'en' ? el('p', { class: 'muted', lang: 'zh-CN', text: p.name }) : (p.name_en ? el('p', { class: 'muted', lang: 'en', text: p.name_en }) : null),
    p.revenue_yi != null ? el('p', { class: 'headline' }, el('i', { class: 'swatch', style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }), ` ${headlineText(p)}`) : null,
    dl,
    el('h3', { text: L('revenueByYear') }), rev,
    el('h3', { text: L('sources') }), el('ul', { class: 'sources' }, [...quotes].map(([id, qs]) => sourceItem(id, qs))),
  );
  card.hidden = false;
}

function renderLegend() {
  const box = $('#legend');
  if (!box) return;
  if (mode === 'embed' && (embedQ.get('legend') === '0' || embedQ.get('plain') === '1')) { box.hidden = true; return; }
  const items = [];
  const sw = (color, label, cls = '') => el('li', {}, el('i', { class: 'swatch ' + cls, style: `background:${color}` }), ` ${label}`);
  if (state.layers.includes('zones')) {
    const ps = data.zones.map((f) => f.properties);
    if (styles.colorMode(state) === 'cluster') {
      const only = state.color === 'auto' ? state.cluster : null;
      data.clusters.forEach((c, i) => { if (!only || only.includes(c.id)) items.push(sw(styles.CLUSTER_PALETTE[i % styles.CLUSTER_PALETTE.length], nameOf(c))); });
      if (!only) items.push(sw(styles.OTHER, L('otherCluster')));
    } else {
      items.push(el('li', { class: 'legend-head', text: state.year ? L('yearOf', { y: state.year }) : L('mixedYears') }));
      for (const x of TIERS) items.push(sw(styles.TIER_COLORS[x.id], x.id === 'no_data' ? L('noData') : x[state.lang]));
    }
    // Only what the map shows: a lower-bound ring and the geometry
    // qualities present among the filtered zones.
    if (ps.some((p) => p.bound === 'lower' && p.point_quality === 'geocoded')) items.push(el('li', {}, el('i', { class: 'ring' }), ` ${L('lowerBound')}`));
    if (ps.some((p) => p.geom_quality === 'official')) items.push(el('li', {}, el('i', { class: 'outline official' }), ` ${L('officialOutline')}`));
    if (ps.some((p) => p.geom_quality === 'approximate')) items.push(el('li', {}, el('i', { class: 'outline approx' }), ` ${L('approxOutline')}`));
    if (ps.some((p) => !p.geom_quality && p.point_quality === 'geocoded')) items.push(el('li', {}, el('i', { class: 'dot' }), ` ${L('pointOnly')}`));
    if (ps.some((p) => p.point_quality && p.point_quality !== 'geocoded')) items.push(el('li', { 'data-legend': 'unknown-location' }, el('i', { class: 'unknown', text: '?' }), ` ${L('unknownLocation')}`));
  }
  data.regions.forEach((r, i) => { if (state.overlay.includes(r.id)) items.push(sw(styles.REGION_PALETTE[i % styles.REGION_PALETTE.length], nameOf(r), 'region')); });
  if (state.dist) {
    const c = data.clusters.find((x) => x.id === state.dist);
    const max = Math.max(0, ...Object.values(data.counts));
    items.push(el('li', { class: 'legend-head', text: L('distLegend', { c: nameOf(c) || state.dist }) }));
    if (max > 0) {
      const steps = [...new Set([1, Math.ceil(max / 4), Math.ceil(max / 2), Math.ceil((3 * max) / 4), max])].filter((n) => n > 0);
      for (const n of steps) items.push(sw(styles.rampColor(n / max), String(n)));
    } else items.push(el('li', { text: '0' }));
  }
  box.hidden = false;
  if (mode === 'embed') { fill(box, el('h2', { text: L('legend') }), el('ul', {}, items)); return; }
  // Collapsible so it never hides the map on a phone; starts closed there.
  const wasOpen = box.querySelector('details')?.open ?? window.innerWidth > 760;
  fill(box, el('details', { open: wasOpen }, el('summary', { text: L('legend') }), el('ul', {}, items)));
}

function writeURL() {
  if (mode !== 'app') return;
  const qs = urlstate.serialize(state);
  const url = location.pathname + (qs ? '?' + qs : '');
  if (url !== location.pathname + location.search) history.replaceState(null, '', url);
}

// ---------- search ----------
function setupSearch() {
  const input = $('#search');
  const list = $('#search-results');
  let results = [];
  let active = -1;
  let shownQuery = '';
  // The server searches names, abbreviations (经开, 高新, 综保), English
  // names, full pinyin and initials (GET /api/v1/search); a newer query
  // aborts the request of an older one.
  const kindKey = { zone: 'zoneKind', city: 'cityKind', county: 'county' };
  let ctl = null;
  let timer = 0;
  const run = () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { ctl?.abort(); close(); return; }
    timer = setTimeout(async () => {
      ctl?.abort();
      ctl = new AbortController();
      try {
        const body = await getJSON(`/api/v1/search?limit=12&q=${encodeURIComponent(q)}`, { signal: ctl.signal });
        results = body.results.map((r) => ({ kind: kindKey[r.kind], id: String(r.id), o: { name: r.name, name_en: r.name_en, point: r.center } }));
      } catch (e) {
        if (e.name === 'AbortError') return;
        results = [];
      }
      shownQuery = q;
      active = results.length ? 0 : -1;
      draw();
    }, 120);
  };
  const draw = () => {
    list.hidden = false;
    list.dataset.query = shownQuery;
    input.setAttribute('aria-expanded', 'true');
    fill(list, ...(results.length ? results.map((r, i) => el('li', {
      role: 'option', id: `sr-${i}`, 'aria-selected': String(i === active), class: i === active ? 'active' : '',
      onmousedown: (e) => { e.preventDefault(); choose(i); },
    }, el('span', { text: nameOf(r.o) }), el('span', { class: 'muted', text: ` ${L(r.kind)}` }))) : [el('li', { class: 'muted', text: L('searchNone') })]));
    if (active >= 0) input.setAttribute('aria-activedescendant', `sr-${active}`);
  };
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); };
  const choose = (i) => {
    const r = results[i];
    if (!r) return;
    close();
    input.value = nameOf(r.o);
    if (r.kind === 'zoneKind') {
      if (!data.zones.some((f) => String(f.id) === r.id)) { Object.assign(state, { cluster: [], chain: [], region: '', city: '', tier: [], min_revenue: '', max_revenue: '' }); buildFilters(); refresh().then(() => select(r.id)); }
      else select(r.id);
    } else if (r.o.point) {
      map.flyTo({ center: r.o.point, zoom: r.kind === 'county' ? 9.5 : 8.3, duration: motion(600) });
    }
  };
  input.addEventListener('input', run);
  input.addEventListener('focus', () => { if (input.value) run(); });
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!results.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      draw();
    } else if (e.key === 'Enter') { e.preventDefault(); choose(Math.max(0, active)); } else if (e.key === 'Escape') close();
  });
}

// ---------- embed dialog ----------
// embedQuery is the query of /embed and /static for the current filter.
// Without keepView the embed carries no camera and fits its content (the
// province, or the filtered zones with padding) at whatever size it is
// given; with keepView it opens on the current centre and zoom.
function embedQuery(extra, { keepView = false } = {}) {
  const q = new URLSearchParams(urlstate.serialize(state, { withPanel: false }));
  q.delete('zone');
  if (!keepView) { q.delete('center'); q.delete('zoom'); }
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v != null) q.set(k, v);
  return q;
}

// Size presets of the embed (iframe width; its height follows the content)
// and of the images (a Word page is about 16 cm wide: 1200 px at 2× is
// 300 dpi at 10 cm).
const PRESETS = [
  { id: 'narrow', w: 320, h: 360 },
  { id: 'column', w: 600, h: 560 },
  { id: 'wide', w: 1000, h: 800 },
  { id: 'full', w: 0, h: 0 },
];

function openEmbed() {
  const dlg = $('#embed-dialog');
  const title = el('input', { id: 'e-title', type: 'text', value: `${L('title')} · ${filterDescription()}` });
  const legend = el('input', { id: 'e-legend', type: 'checkbox', checked: true });
  const plain = el('input', { id: 'e-plain', type: 'checkbox' });
  const keep = el('input', { id: 'e-keep', type: 'checkbox' });
  const w = el('input', { id: 'e-w', type: 'number', min: '200', max: '4096', value: '1200' });
  const h = el('input', { id: 'e-h', type: 'number', min: '200', max: '4096', value: '800' });
  const snippet = el('textarea', { id: 'e-snippet', rows: '4', readonly: true });
  const png = el('input', { id: 'e-png', type: 'text', readonly: true });
  const svg = el('input', { id: 'e-svg', type: 'text', readonly: true });
  const pngLinks = el('span', { class: 'links', id: 'e-png-links' });
  const svgLink = el('a', { id: 'e-svg-open', target: '_blank', rel: 'noopener', text: L('openSvg') });
  const preview = el('iframe', { id: 'e-preview', title: L('preview'), loading: 'lazy' });
  const previewBox = el('div', { class: 'preview-box' }, preview);
  let preset = 'full';
  const presetBtns = el('div', { class: 'presets', role: 'group', 'aria-label': L('sizePreset') }, PRESETS.map((p) => el('button', {
    type: 'button', 'data-preset': p.id, 'aria-pressed': String(p.id === preset), text: L('preset_' + p.id),
    onclick: () => {
      preset = p.id;
      if (p.w) { w.value = String(p.w * 2); h.value = String(p.h * 2); }
      for (const b of presetBtns.children) b.setAttribute('aria-pressed', String(b.dataset.preset === preset));
      update();
    },
  })));
  let previewSrc = '';
  const update = () => {
    const common = { title: plain.checked ? '' : title.value, legend: legend.checked && !plain.checked ? '1' : '0', plain: plain.checked ? '1' : '', lang: state.lang };
    const eq = embedQuery(common, { keepView: keep.checked });
    const src = `${location.origin}/embed?${eq}`;
    const p = PRESETS.find((x) => x.id === preset);
    const width = p.w ? `width:${p.w}px;max-width:100%` : 'width:100%';
    snippet.value = `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title.value)}" style="${width};border:0" height="${p.h || 520}" loading="lazy"></iframe>\n<script src="${location.origin}/embed.js" async></script>`;
    const sq = embedQuery({ ...common, width: w.value, height: h.value });
    if (!state.layers.length) sq.delete('layers');
    png.value = `${location.origin}/static/map.png?${sq}`;
    svg.value = `${location.origin}/static/map.svg?${sq}`;
    svgLink.href = svg.value;
    fill(pngLinks, L('pngScale'), ...[1, 2, 3].map((k) => {
      const q = new URLSearchParams(sq);
      if (k > 1) q.set('scale', String(k));
      return el('a', { href: `${location.origin}/static/map.png?${q}`, target: '_blank', rel: 'noopener', 'data-scale': String(k),
        text: `${k}× (${Number(w.value) * k}×${Number(h.value) * k})` });
    }));
    // Live preview: the real /embed at the chosen width, scaled to fit.
    const pw = p.w || 600;
    preview.style.width = `${pw}px`;
    preview.style.height = `${Math.round(pw * 0.92) + 90}px`;
    const boxW = Math.min(600, dlg.clientWidth - 40 || 560);
    const k = Math.min(1, boxW / pw);
    preview.style.transform = `scale(${k})`;
    previewBox.style.height = `${Math.round((Math.round(pw * 0.92) + 90) * k)}px`;
    if (src !== previewSrc) { previewSrc = src; preview.src = src; }
  };
  let timer = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(update, 250); };
  for (const i of [legend, plain, keep, w, h]) i.addEventListener('input', update);
  title.addEventListener('input', later);
  const copyBtn = (target) => el('button', { type: 'button', text: L('copy'), onclick: async (e) => {
    target.select();
    try { await navigator.clipboard.writeText(target.value); } catch { document.execCommand?.('copy'); }
    e.target.textContent = L('copied');
  } });
  fill(dlg, el('form', { method: 'dialog', class: 'embed-form' },
    el('header', {}, el('h2', { id: 'embed-title', text: L('embedTitle') }), el('button', { class: 'icon-btn close', value: 'close', 'aria-label': L('close'), text: '×' })),
    field(L('embedMapTitle'), 'e-title', title),
    el('label', { class: 'check', for: 'e-legend' }, legend, L('embedLegend')),
    el('label', { class: 'check', for: 'e-plain' }, plain, L('embedPlain')),
    el('label', { class: 'check', for: 'e-keep' }, keep, L('embedKeepView')),
    el('p', { class: 'muted small', text: L('embedFitNote') }),
    presetBtns,
    previewBox,
    field(L('iframeSnippet'), 'e-snippet', snippet, copyBtn(snippet)),
    el('div', { class: 'row' }, field(L('widthPx'), 'e-w', w), field(L('heightPx'), 'e-h', h)),
    field(L('staticPng'), 'e-png', png, copyBtn(png), pngLinks),
    field(L('staticSvg'), 'e-svg', svg, copyBtn(svg), svgLink),
  ));
  dlg.showModal();
  update();
}

function escapeAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

// ---------- embed page ----------
function postHeight() {
  if (mode !== 'embed' || window.parent === window) return;
  const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
  window.parent.postMessage({ type: 'layoutmap:height', height: h }, '*');
}
if (mode === 'embed') {
  const title = embedQ.get('title');
  const plain = embedQ.get('plain') === '1';
  if (title && !plain) { $('#embed-title').textContent = title; $('#embed-title').hidden = false; }
  const src = $('#embed-source');
  if (plain) src.hidden = true;
  else {
    src.append(L('attribution') + ' ', el('a', { href: '/?' + new URLSearchParams(location.search).toString(), target: '_blank', rel: 'noopener', text: '↗' }));
  }
  new ResizeObserver(() => postHeight()).observe(document.body);
  window.addEventListener('load', postHeight);
}

// ---------- helpers ----------
function setStatus(msg, empty = false) {
  const s = $('#status');
  if (!s) return;
  s.textContent = msg;
  s.hidden = !msg;
  s.classList.toggle('empty', empty);
}

function showError(err) {
  console.error(err);
  setStatus(L('apiError', { e: err?.message ?? String(err) }), true);
  probe.idle = true;
  probe.failed = String(err?.message ?? err);
}

function eachCoord(g, fn) {
  if (!g) return;
  const walk = (c) => (typeof c[0] === 'number' ? fn(c) : c.forEach(walk));
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => eachCoord(x, fn));
  else walk(g.coordinates);
}

function bboxOf(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  eachCoord(g, ([x, y]) => { b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y); });
  return Number.isFinite(b[0]) ? b : null;
}

function centreOf(g) {
  if (g.type === 'Point') return g.coordinates;
  const b = bboxOf(g);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}
