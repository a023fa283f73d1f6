// layoutmap web map: the entry of the app page and the /embed page
// (body[data-mode=embed], without the application chrome). It owns the
// store (state.js: view state, server data, events) and the actions that
// change it — refresh, setFilter, select, resetFilters — and mounts one
// module per panel (panels/*), the map (map.js), search and the embed
// dialog. Panels render from the store on its events; none keeps state.
import { setWorkerUrl, addProtocol } from 'maplibre-gl';
import { Protocol as PMTilesProtocol } from 'pmtiles';
import 'maplibre-gl/dist/maplibre-gl.css';
import './app.css';
import { setTiers as setTierLabels } from './i18n.js';
import * as urlstate from './state.js';
import { getJSON, listOf, allItems, csvItems } from './api.js';
import * as styles from './style.js';
import { $, el, narrow, bboxOf } from './dom.js';
import { formatters } from './format.js';
import { createMapView } from './map.js';
import { mountFilters } from './panels/filters.js';
import { mountList } from './panels/list.js';
import { mountStats } from './panels/stats.js';
import { mountLayers } from './panels/layers.js';
import { mountCard } from './panels/card.js';
import { mountLegend } from './panels/legend.js';
import { mountSearch } from './panels/search.js';
import { mountPrint } from './panels/print.js';
import { mountEnterprises } from './panels/enterprises.js';
import { mountChains } from './panels/chains.js';
import { openEmbed } from './embed-dialog.js';
import * as site from './site.js';

/* global __WORKER_FILE__ */
setWorkerUrl(new URL(__WORKER_FILE__, import.meta.url).href);

// The static site reads its tiles from PMTiles archives (HTTP range
// requests), through the pmtiles package's MapLibre protocol.
if (site.STATIC) addProtocol('pmtiles', new PMTilesProtocol().tile);

const mode = document.body.dataset.mode === 'embed' ? 'embed' : 'app';
const embedQ = new URLSearchParams(location.search);
// A /embed page opened by itself in a browser tab (someone previewing the
// snippet's URL) fills the window: map, legend and source line on one
// screen, so the fit to the results is made for the map the reader sees.
// In a frame the map's height keeps following its width (embed.js sizes
// the frame to the content; a height from the frame would shrink the map
// at every round).
if (mode === 'embed' && window.parent === window) document.body.classList.add('embed-standalone');

const store = urlstate.createStore(urlstate.parse(location.search));
// Test hook: the Chromium tests (and scripts/web-timing.mjs) wait for
// idle === true after every change.
store.probe = window.__layoutmap = { idle: false, errors: [], mode };
store.seq = 0;
const { state, data, actions, probe } = store;
const f = formatters(store);
const L = f.L;
const view = createMapView(store, { mode });
// The filter of the last fetch, to tell a filter change (zoom to results)
// from a change of colour, language or layers (camera stays).
let lastFilter = null;
let ctl = null;

Object.assign(actions, {
  refresh, setFilter, select, resetFilters, writeURL, setEnt, selectEnterprise, setChainView,
  zoomToResults: () => view.zoomToResults(),
  findZone: (id) => view.findZone(id),
  flyTo: (p, z) => view.flyTo(p, z),
  print: () => printMap(),
});

// ---------- start ----------
init().catch((err) => showError(err));

async function init() {
  applyLang();
  setStatus(L('loading'));
  const [ref, tilejson, clusters, chains, regions, cities, entInfo] = await Promise.all([
    getJSON('/api/v1/reference'),
    getJSON('/tiles/layout.json'),
    getJSON('/api/v1/clusters').catch(() => []),
    getJSON('/api/v1/chains').catch(() => []),
    getJSON('/api/v1/regions').catch(() => []),
    csvItems('cities').catch(() => []),
    // A store without enterprise routes (PostGIS) answers 404: no layer.
    getJSON('/api/v1/enterprises/info').catch(() => null),
  ]);
  if (site.STATIC) await showSiteInfo(entInfo);
  data.ent.info = entInfo;
  if (entInfo?.count > 0) {
    data.ent.tilejson = await getJSON('/tiles/enterprises.json').catch(() => null);
    data.ent.available = !!data.ent.tilejson;
    data.ent.synthetic = entInfo.synthetic > 0;
  }
  data.ref = ref;
  data.sources = new Map((ref.sources ?? []).map((s) => [s.id, s]));
  styles.setReference(ref);
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
  // Sorted as the ranking (the server's order, not re-sorted here).
  const all = await allItems('zones', { sortby: '-revenue' });
  data.allZones = all.features;
  const years = new Set();
  for (const z of all.features) for (const r of z.properties.revenue ?? []) years.add(r.year);
  data.years = [...years].sort((a, b) => b - a);
  store.dropped.push(...dropUnknown(state));
  if (mode === 'app') mountChrome();
  else mountEmbedPage();
  await refresh({ first: true });
  // Counties only serve search and the card; load them after the map.
  csvItems('counties').then((rows) => {
    data.counties = rows.map(adminRow);
    store.emit('counties');
  }).catch(() => {});
}

// showSiteInfo states, on the static site, what the page shows: the
// dataset version and its date, the export date, and synthetic data.
async function showSiteInfo(entInfo) {
  const si = await site.siteInfo();
  data.site = si;
  probe.site = si;
  const date = si.dataset_date || '';
  const exported = (si.exported_at || '').slice(0, 10);
  const synthetic = si.synthetic || entInfo?.synthetic > 0;
  const text = () => L('siteInfo', { v: si.dataset_version, date: date ? L('siteDate', { d: date }) : '', exported }) +
    (synthetic ? ' · ' + L('siteSynthetic') : '');
  const p = el('p', { id: 'site-info', class: 'site-info', role: 'note', text: text() });
  (document.querySelector('header.top') ?? document.body).append(p);
  store.on('lang', () => { p.textContent = text(); });
}

// adminRow turns a CSV row of cities/counties into {code, name, name_en, point}.
function adminRow(r) {
  const lon = Number(r.lon), lat = Number(r.lat);
  return { code: r.code || r.id, name: r.name, name_en: r.name_en, level: r.level, point: r.lon && r.lat && Number.isFinite(lon + lat) ? [lon, lat] : null };
}

// refresh fetches what the filter decides (items, statistics), then
// updates the map and tells the panels ('results'). A newer refresh aborts
// the fetches of an older one.
async function refresh({ first = false } = {}) {
  const my = ++store.seq;
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
      data.zones = data.allZones;
      data.matched = data.allZones.length;
    } else {
      const items = await allItems('zones', { ...Object.fromEntries(fq), sortby: '-revenue' }, { signal });
      if (my !== store.seq) return;
      data.zones = items.features;
      data.matched = items.numberMatched;
    }
    await Promise.all([loadStats(fq, my, signal), loadChange(fq, my, signal), loadChainView(my, signal), loadEntYear(my, signal)]);
    if (my !== store.seq) return;
  } catch (err) {
    if (err?.name === 'AbortError' || my !== store.seq) return;
    // Whatever failed, the page keeps a working map and controls, so
    // 清除筛选 can always return to the default.
    data.zones = [];
    data.matched = 0;
    showError(err);
    if (!view.map) view.create();
    data.compare = null;
    if (mode === 'app') store.emit('failed');
    return;
  }
  lastFilter = fkey;
  data.counts = distCounts();
  if (!view.map) view.create();
  else view.update();
  store.emit('results');
  writeURL();
  setStatus(data.zones.length ? '' : f.emptyMessage(), !data.zones.length);
  probe.failed = null;
  if (placeChanged) view.zoomToResults();
  else if (filterChanged) view.zoomToResults({ onlyIfOutside: true });
  view.settle(my);
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
    zone: data.allZones.map((z) => String(z.id)), year: data.years.map(String), compare: data.years.map(String) };
  for (const [k, ids] of Object.entries(one)) if (s[k] && !ids.includes(s[k])) { out.push(`${k}=${s[k]}`); s[k] = ''; }
  if (s.compare && !s.year) { out.push(`compare=${s.compare}`); s.compare = ''; }
  // The enterprise layer: only with enterprises loaded; its classes and chain by id.
  // Without a list its values are named apart (store.entDropped: the
  // notice says no list is loaded, not that they are invalid).
  if (!data.ent.available) {
    if (s.ent) store.entDropped.push('ent=1');
    if (s.ent_class.length) store.entDropped.push(`ent_class=${s.ent_class.join(',')}`);
    if (s.ent_chain) store.entDropped.push(`ent_chain=${s.ent_chain}`);
    Object.assign(s, { ent: false, ent_class: [], ent_chain: '' });
  }
  const entClasses = new Set((data.ref.enterprise_classes ?? []).map((c) => c.id));
  const badClass = s.ent_class.filter((v) => !entClasses.has(v));
  if (badClass.length) { out.push(`ent_class=${badClass.join(',')}`); s.ent_class = s.ent_class.filter((v) => entClasses.has(v)); }
  if (s.ent_chain && !known.chain.has(s.ent_chain)) { out.push(`ent_chain=${s.ent_chain}`); s.ent_chain = ''; }
  if (s.chain_view && !known.chain.has(s.chain_view)) { out.push(`chain_view=${s.chain_view}`); s.chain_view = ''; }
  // The static site's enterprise archive is unfiltered: no class or chain filter there.
  if (site.STATIC && (s.ent_class.length || s.ent_chain)) {
    if (s.ent_class.length) out.push(`ent_class=${s.ent_class.join(',')}`);
    if (s.ent_chain) out.push(`ent_chain=${s.ent_chain}`);
    s.ent_class = []; s.ent_chain = '';
  }
  return out;
}

// Test hooks: the filtered zones as the page holds them, and a filter set
// directly (to reach states no control allows, e.g. a server error).
probe.zoomToResults = () => view.zoomToResults();
probe.zones = () => data.zones;
probe.setFilterForTest = (patch) => setFilter(patch);
// Test hook: replace the comparison the server gave with a document of the
// same shape (the bundled data has no comparable pair, so the Chromium
// tests draw the change classes from SYNTHETIC rows), as refresh would.
probe.setCompareForTest = (doc) => {
  data.compare = doc;
  view.update();
  store.emit('results');
  const my = ++store.seq;
  probe.idle = false;
  view.settle(my);
};

async function loadStats(fq, my, signal) {
  const q = fq.toString();
  const get = (path) => getJSON(path + q, { signal }).then((b) => ({ ok: true, b })).catch((e) => { if (e?.name === 'AbortError') throw e; return { ok: false }; });
  const [c, tr] = await Promise.all([get('/api/v1/stats/clusters?'), get('/api/v1/stats/tiers?')]);
  if (my !== store.seq) return;
  data.statsFromAPI = { clusters: c.ok, tiers: tr.ok };
  // Statistics come from the server only (one definition of zones per
  // cluster, one year per statistic); when it cannot answer, the panel says
  // so rather than computing different numbers here.
  data.statsClusters = c.ok ? listOf(c.b, 'clusters', 'stats').map(normClusterStat) : [];
  data.statsTiers = tr.ok ? listOf(tr.b, 'tiers', 'stats').map(normTierStat) : [];
  data.statsDocs = { clusters: c.ok ? c.b : null, tiers: tr.ok ? tr.b : null };
}

// loadChange fetches the comparison (GET /api/v1/stats/change: the one
// change rule, geo.ZoneChange) when the view compares two years.
async function loadChange(fq, my, signal) {
  if (!(state.compare && state.year)) { data.compare = null; return; }
  const q = new URLSearchParams(fq);
  q.set('from', state.compare);
  const doc = await getJSON('/api/v1/stats/change?' + q, { signal });
  if (my !== store.seq) return;
  data.compare = { from: doc.from, to: doc.to, rows: doc.rows, classes: doc.classes, counts: doc.counts, comparable: doc.comparable, zones: doc.zones, rule: doc.rule };
}

// loadChainView fetches what the chain view shows of state.chain_view:
// the chain's zones (items?chain=, with the filter's year and measure so
// each figure is the one the map uses), and with an enterprise list the
// chain's enterprise statistics and its 链主 (class=chain_leader). Kept
// while chain, year and measure stay the same.
async function loadChainView(my, signal) {
  const id = state.chain_view;
  if (!id) { data.chainView = null; return; }
  const zq = { chain: id, sortby: '-revenue' };
  if (state.year) zq.year = state.year;
  if (state.measure) zq.measure = state.measure;
  const key = new URLSearchParams({ ...zq, ent: String(data.ent.available) }).toString();
  if (data.chainView?.key === key) return;
  const ent = data.ent.available;
  const [zones, stats, leaders] = await Promise.all([
    allItems('zones', zq, { signal }),
    ent ? getJSON('/api/v1/stats/enterprises?' + new URLSearchParams({ chain: id }), { signal }) : null,
    ent ? allItems('enterprises', { chain: id, class: 'chain_leader', limit: '500' }, { signal }) : null,
  ]);
  if (my !== store.seq) return;
  data.chainView = { id, key, zones: zones.features, stats, leaders: leaders?.features ?? null };
}

// loadEntYear asks the server whether the enterprise list describes the
// map's year (geo's year rule: year selects no enterprise, the list in
// force is drawn; /api/v1/stats/enterprises says "no list for 2023,
// nearest list 2025"), for the legend and the panels.
async function loadEntYear(my, signal) {
  // The static site has no enterprise statistics (they need the server): no year note there.
  if (!data.ent.available || !state.year || site.STATIC) { data.ent.yearNote = null; return; }
  if (data.ent.yearNote?.year === state.year) return;
  const doc = await getJSON('/api/v1/stats/enterprises?' + new URLSearchParams({ year: state.year, group: 'class' }), { signal });
  if (my !== store.seq) return;
  data.ent.yearNote = { year: state.year, zh: doc.year_note_zh ?? '', en: doc.year_note ?? '' };
}

// setChainView shows the chain view of chain id ('' closes it): the map
// highlights the chain's zones and, with an enterprise list, shows the
// layer filtered to the chain; the camera fits the chain's zones.
async function setChainView(id) {
  state.chain_view = id || '';
  if (data.ent.available) Object.assign(state, id ? { ent: true, ent_chain: id } : { ent_chain: '' });
  // An open enterprise card of a firm outside the chain would cover the
  // chain's zones: it closes (as does a zone card of another zone, below).
  if (id && state.ent_sel && !(data.ent.card?.id === state.ent_sel && data.ent.card.chains.includes(id))) state.ent_sel = '';
  store.emit('ent');
  await refresh();
  if (id && state.chain_view === id && state.zone && data.chainView?.id === id && !data.chainView.zones.some((z) => String(z.id) === state.zone)) {
    select('', { fly: false });
  }
  const zs = data.chainView?.zones ?? [];
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  for (const z of zs) {
    const g = z.geometry && bboxOf(z.geometry);
    if (g) { b[0] = Math.min(b[0], g[0]); b[1] = Math.min(b[1], g[1]); b[2] = Math.max(b[2], g[2]); b[3] = Math.max(b[3], g[3]); }
  }
  if (id && Number.isFinite(b[0])) {
    const my = ++store.seq;
    probe.idle = false;
    view.map.once('moveend', () => view.settle(my));
    view.fitBox(b);
  }
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

// distCounts: the server's zones per city of the distribution cluster.
function distCounts() {
  if (!state.dist) return {};
  const st = data.statsClusters?.find((s) => s.cluster_id === state.dist);
  return st?.by_city ?? {};
}

// setEnt changes the enterprise layer (shown, class, chain): only the
// style's enterprise source and layers change (the zones stay as fetched).
function setEnt(patch) {
  Object.assign(state, patch);
  if (!view.map) return;
  view.update();
  store.emit('ent');
  writeURL();
  const my = ++store.seq;
  probe.idle = false;
  view.settle(my);
}

// selectEnterprise opens (or with '' closes) the enterprise card; fly: a
// point to centre on.
function selectEnterprise(id, { fly = null } = {}) {
  state.ent_sel = id || '';
  if (id && mode === 'app' && narrow()) setPanelOpen(false);
  if (fly && view.map) view.flyTo(fly, Math.max(view.map.getZoom(), 13));
  store.emit('ent');
  const my = ++store.seq;
  probe.idle = false;
  view.settle(my);
}

function setFilter(patch) {
  Object.assign(state, patch);
  return refresh();
}

// resetFilters returns to the default filter (and drops the URL notice),
// whatever state the page was in.
function resetFilters() {
  store.dropped = [];
  store.entDropped = [];
  const d = urlstate.DEFAULTS;
  setFilter({ ...Object.fromEntries(urlstate.FILTER_KEYS.map((k) => [k, Array.isArray(d[k]) ? [] : d[k]])), compare: '' });
  store.emit('rebuild-filters');
}

function writeURL() {
  if (mode !== 'app') return;
  const qs = urlstate.serialize(state);
  const url = location.pathname + (qs ? '?' + qs : '');
  if (url !== location.pathname + location.search) history.replaceState(null, '', url);
}

// ---------- selection ----------
function select(id, { fly = true } = {}) {
  state.zone = id || '';
  if (mode === 'app' && id) switchPanel('list', { focus: false });
  // On a phone the panel covers the map: close it so the card shows.
  if (mode === 'app' && id && narrow()) setPanelOpen(false);
  view.update();
  store.emit('selection');
  writeURL();
  if (fly) view.fitZone(view.findZone(id));
  const my = ++store.seq;
  probe.idle = false;
  view.settle(my);
}

// ---------- chrome (app page) ----------
function setPanelOpen(open) {
  document.body.classList.toggle('side-open', open);
  $('#panel-toggle')?.setAttribute('aria-expanded', String(open));
}

function mountChrome() {
  const filters = mountFilters(store);
  const list = mountList(store);
  const stats = mountStats(store);
  const layers = mountLayers(store);
  const ents = mountEnterprises(store);
  store.ents = ents;
  const chains = mountChains(store);
  mountCard(store);
  mountLegend(store, { mode, embedQ });
  mountSearch(store);
  mountPrint(store, view);
  $('#lang-toggle').addEventListener('click', () => {
    state.lang = state.lang === 'zh' ? 'en' : 'zh';
    applyLang();
    store.emit('lang');
    refresh();
  });
  $('#embed-open').addEventListener('click', () => openEmbed(store));
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
    if (e.key === 'Escape' && !$('#ent-card').hidden && !$('#embed-dialog').open) { selectEnterprise(''); return; }
    if (e.key === 'Escape' && !$('#card').hidden && !$('#embed-dialog').open) { select(''); $('#map').focus(); }
  });
  filters.build();
  layers.build();
  list.build();
  stats.build();
  chains.build();
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

// printMap prints the page's print layout (app.css @media print: A4
// landscape with map, title, legend, ranking table and sources).
function printMap() {
  window.print();
}

// ---------- embed page ----------
function mountEmbedPage() {
  mountLegend(store, { mode, embedQ });
  const postHeight = () => {
    if (window.parent === window) return;
    const h = Math.ceil(document.documentElement.getBoundingClientRect().height);
    window.parent.postMessage({ type: 'layoutmap:height', height: h }, '*');
  };
  store.on('results', postHeight);
  store.on('idle', postHeight);
  const title = embedQ.get('title');
  const plain = embedQ.get('plain') === '1';
  if (title && !plain) { $('#embed-title').textContent = title; $('#embed-title').hidden = false; }
  const src = $('#embed-source');
  if (plain) src.hidden = true;
  else src.append(L('attribution') + ' ', el('a', { href: '/?' + new URLSearchParams(location.search).toString(), target: '_blank', rel: 'noopener', text: '↗' }));
  new ResizeObserver(() => postHeight()).observe(document.body);
  window.addEventListener('load', postHeight);
}

// ---------- status ----------
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
