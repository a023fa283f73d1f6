// The MapLibre style of the web map, built in the browser from the server's
// TileJSON so the app controls colouring, overlays and filters. It has no
// `glyphs` and no sprite: labels are drawn locally by MapLibre (≥ 5.11) with
// the Noto Sans SC subsets declared in `font-faces`, served by layoutmap.

/* global __FONT_FACES__ */
import { STATIC as SITE, abs } from './site.js';
export const FONT = 'Noto Sans SC';

// TIER_COLORS and PALETTE are filled from /api/v1/reference (setReference):
// the one tier palette (geo.Tier.Color) and the cluster, region,
// distribution and change palettes (geo.MapPalettes) that
// /styles/layout.json and the static images use too. There is no client
// copy of any colour of the data.
export const TIER_COLORS = {};
export const PALETTE = { cluster: [], region: [], dist: [], change: [], other: '', no_data: '', lower_bound: '', not_comparable: '', not_comparable_ring: '', enterprise: '', highlight: '' };
export function setReference(ref) {
  for (const k of Object.keys(TIER_COLORS)) delete TIER_COLORS[k];
  for (const t of ref.tiers ?? []) TIER_COLORS[t.id] = t.color;
  const p = ref.palettes ?? {};
  Object.assign(PALETTE, { cluster: p.clusters ?? [], region: p.regions ?? [], dist: p.dist_ramp ?? [], change: p.change ?? [],
    other: p.other, no_data: p.no_data, lower_bound: p.lower_bound, not_comparable: p.not_comparable, not_comparable_ring: p.not_comparable_ring,
    enterprise: p.enterprise, highlight: p.highlight });
}
export const clusterColor = (i) => (i < 0 || !PALETTE.cluster.length ? PALETTE.other : PALETTE.cluster[i % PALETTE.cluster.length]);
export const regionColorAt = (i) => PALETTE.region[i % PALETTE.region.length];

// hasCluster matches a zone whose tile property `clusters` lists id. Lists
// in tiles (and CSV) have one format, geo.FlatList's "|a|b|": the
// delimiter on both ends makes the substring test exact (no id matches a
// prefix of another).
export function hasCluster(id) {
  return ['in', `|${id}|`, ['coalesce', ['get', 'clusters'], '']];
}

// flatList writes a list as the tiles do ("|a|b|", '' for none), for
// GeoJSON sources built in the browser.
export function flatList(ids) {
  return ids?.length ? `|${ids.join('|')}|` : '';
}

// colorMode is the colouring in effect: 'auto' colours by cluster while
// clusters are ticked in the filter (so ticking 电子信息 shows its zones in
// its swatch colour without a second control), by tier otherwise.
export function colorMode(state) {
  if (state.color === 'auto') return state.cluster?.length ? 'cluster' : 'tier';
  return state.color;
}

export function zoneColor(state, clusters) {
  if (colorMode(state) === 'cluster' && clusters.length) {
    // In auto mode only the ticked clusters take part: a zone in two
    // clusters gets the colour of the first ticked one, as in the legend.
    const only = state.color === 'auto' ? new Set(state.cluster) : null;
    const expr = ['case'];
    clusters.forEach((c, i) => { if (!only || only.has(c.id)) expr.push(hasCluster(c.id), clusterColor(i)); });
    expr.push(PALETTE.other);
    return expr.length > 2 ? expr : PALETTE.other;
  }
  const m = ['match', ['coalesce', ['get', 'tier'], 'no_data']];
  for (const [id, col] of Object.entries(TIER_COLORS)) if (id !== 'no_data') m.push(id, col);
  m.push(TIER_COLORS.no_data ?? PALETTE.no_data);
  return m;
}

export function labelText(lang) {
  return lang === 'en' ? ['coalesce', ['get', 'name_en'], ['get', 'name']] : ['get', 'name'];
}

// distColor colours cities by their number of zones of the selected cluster.
export function distColor(counts) {
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (!entries.length) return 'rgba(0,0,0,0)';
  const max = Math.max(...entries.map(([, n]) => n));
  const m = ['match', ['get', 'code']];
  for (const [code, n] of entries) m.push(code, rampColor(n / max));
  m.push('rgba(0,0,0,0)');
  return m;
}

export function rampColor(f) {
  // light to dark, geo.DistRamp (as the static images' distColor)
  const ramp = PALETTE.dist;
  return ramp[Math.max(0, Math.min(ramp.length - 1, Math.floor(f * ramp.length - 1e-9)))];
}

// build returns the style. tileURL is the tile template with the filter
// query already appended; zonePoints is a GeoJSON FeatureCollection of the
// filtered zones' points (from the items API) so zones stay visible at
// province zoom where their outlines are a pixel wide.
// changeColor colours a zone point by the class of its change (the
// server's classes and colours, GET /api/v1/stats/change); a zone whose
// figures cannot be compared is hollow: white with a grey ring
// (geo.NotComparableFill/Ring through /api/v1/reference, as in the static
// images).
export function changeColor(classes) {
  const m = ['match', ['get', 'change_class']];
  for (const c of classes) m.push(c.id, c.color);
  m.push(PALETTE.not_comparable);
  return m;
}

// changeFill colours a zone outline of the vector tiles (which carry no
// change) by its id: the class colour of its row in the server's change
// rows, else not comparable. The outline and the point of a zone then say
// the same, as the legend promises.
export function changeFill(compare) {
  const colour = new Map(compare.classes.map((c) => [c.id, c.color]));
  const byColour = new Map();
  for (const r of compare.rows ?? []) {
    if (!r.comparable || !colour.has(r.class)) continue;
    const c = colour.get(r.class);
    if (!byColour.has(c)) byColour.set(c, []);
    byColour.get(c).push(r.id);
  }
  if (!byColour.size) return PALETTE.not_comparable;
  const m = ['match', ['get', 'id']];
  for (const [c, ids] of byColour) m.push(ids, c);
  m.push(PALETTE.not_comparable);
  return m;
}

// entLayers are the enterprise layer (issue 15) from the enterprise
// tileset: where a tile holds more than the server's point budget it
// carries one point per grid cell with its count (enterprise_cells), drawn
// as a bubble sized by the count with the count on it; elsewhere every
// enterprise as a point (enterprises), 链主 larger. Which of the two a tile
// holds is the server's choice, so bubbles split into points on zooming in
// and nothing is ever left out. build() places them under the zone symbols;
// the bubbles are translucent so the zone outlines under them show.
export const ENT_LAYERS = ['ent-cells', 'ent-cells-count', 'ent-points'];
function entLayers(show) {
  const vis = show ? 'visible' : 'none';
  const col = PALETTE.enterprise;
  return [
    { id: 'ent-cells', type: 'circle', source: 'enterprises', 'source-layer': 'enterprise_cells', layout: { visibility: vis },
      paint: { 'circle-color': col, 'circle-opacity': 0.6, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1.2,
        'circle-radius': ['interpolate', ['linear'], ['sqrt', ['get', 'count']], 1, 7, 10, 14, 40, 26, 120, 38] } },
    { id: 'ent-cells-count', type: 'symbol', source: 'enterprises', 'source-layer': 'enterprise_cells',
      layout: { visibility: vis, 'text-field': ['to-string', ['get', 'count']], 'text-font': [FONT], 'text-size': 10,
        'text-allow-overlap': true, 'text-ignore-placement': true },
      paint: { 'text-color': '#ffffff', 'text-halo-color': col, 'text-halo-width': 0.8 } },
    { id: 'ent-points', type: 'circle', source: 'enterprises', 'source-layer': 'enterprises', layout: { visibility: vis },
      paint: { 'circle-color': col, 'circle-stroke-color': '#ffffff', 'circle-stroke-width': 1,
        'circle-radius': ['case', ['in', '|chain_leader|', ['coalesce', ['get', 'classes'], '']], 6.5, 4] } },
  ];
}

// chainLayers highlight the zones of the chain view's chain (issue 15):
// their outlines in the vector tiles (where the zones' filter draws them)
// and a ring at every chain zone's point from the chain view's own list,
// so a chain zone outside the zones' filter is still marked.
function chainLayers(chain, zf = ['literal', true]) {
  const ids = chain?.ids ?? [];
  const vis = ids.length ? 'visible' : 'none';
  return [
    { id: 'chain-zones-line', type: 'line', source: 'layout', 'source-layer': 'zones', layout: { visibility: vis, 'line-join': 'round' },
      filter: ['all', ['in', ['get', 'id'], ['literal', ids]], zf], paint: { 'line-color': PALETTE.highlight, 'line-width': 3 } },
    { id: 'chain-zones-ring', type: 'circle', source: 'chainzones', layout: { visibility: vis },
      paint: { 'circle-radius': ['interpolate', ['linear'], ['zoom'], 5, 7, 10, 11], 'circle-color': 'rgba(0,0,0,0)',
        'circle-stroke-color': PALETTE.highlight, 'circle-stroke-width': 2.5 } },
  ];
}

// staticZones: on the static site (whose archive holds every zone with its
// latest figure) the zones the filter selects, as the engine listed them:
// only these are drawn, tier colours by their figures of the filter's year.
export function build({ tileURL, minzoom = 0, maxzoom = 14, bounds, state, clusters, regions, zonePoints, counts, compare = null, enterprises = null, chain = null, staticZones = null }) {
  // compare: the server's change document (classes and rows) in comparison mode.
  const vis = (on) => (on ? 'visible' : 'none');
  const show = new Set(state.layers);
  const overlay = regions.filter((r) => state.overlay.includes(r.id)).map((r) => r.id);
  const regionColor = ['match', ['get', 'id']];
  regions.forEach((r, i) => regionColor.push(r.id, regionColorAt(i)));
  regionColor.push(PALETTE.other);
  // In comparison mode points and outlines show the change class (the
  // outlines by zone id, since tiles carry no change).
  const color = compare ? changeColor(compare.classes) : zoneColor(state, clusters);
  let fillColor = compare ? changeFill(compare) : color;
  // zf keeps a tile's zone features to those the filter selects (always
  // true live, where the server filtered the tiles).
  let zf = ['literal', true];
  if (staticZones) {
    zf = ['in', ['get', 'id'], ['literal', staticZones.map((z) => String(z.id))]];
    if (!compare && colorMode(state) !== 'cluster') fillColor = tierById(staticZones);
  }
  const ring = compare ? ['case', ['==', ['get', 'change_class'], 'not_comparable'], PALETTE.not_comparable_ring, '#ffffff'] : '#ffffff';
  const text = labelText(state.lang);
  const src = { type: 'vector', tiles: [tileURL], minzoom, maxzoom };
  if (bounds) src.bounds = bounds;
  return {
    version: 8,
    name: 'layoutmap web',
    'font-faces': { [FONT]: SITE ? __FONT_FACES__.map((f) => ({ ...f, url: abs(f.url.replace(/^\//, '')) })) : __FONT_FACES__ },
    sources: {
      layout: src,
      zonepoints: { type: 'geojson', data: zonePoints, promoteId: 'id' },
      // chainzones: the points of the chain view's zones (chain.points).
      chainzones: { type: 'geojson', data: chain?.points ?? { type: 'FeatureCollection', features: [] } },
      // enterprises: {tileURL, minzoom, maxzoom, bounds} of the enterprise
      // tileset; absent when the store holds none.
      ...(enterprises ? { enterprises: { type: 'vector', tiles: [enterprises.tileURL], minzoom: enterprises.minzoom ?? 0, maxzoom: enterprises.maxzoom ?? 16,
        ...(enterprises.bounds ? { bounds: enterprises.bounds } : {}) } } : {}),
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': '#eef2f5' } },
      { id: 'province-fill', type: 'fill', source: 'layout', 'source-layer': 'province', paint: { 'fill-color': '#fbfbf8' } },
      { id: 'dist-fill', type: 'fill', source: 'layout', 'source-layer': 'cities', layout: { visibility: vis(!!state.dist) },
        paint: { 'fill-color': distColor(counts), 'fill-opacity': 0.75 } },
      { id: 'regions-fill', type: 'fill', source: 'layout', 'source-layer': 'regions',
        filter: ['in', ['get', 'id'], ['literal', overlay]],
        paint: { 'fill-color': regionColor, 'fill-opacity': 0.16 } },
      { id: 'counties-line', type: 'line', source: 'layout', 'source-layer': 'counties', layout: { visibility: vis(show.has('counties')) },
        paint: { 'line-color': '#b7bcc2', 'line-width': ['interpolate', ['linear'], ['zoom'], 7, 0.4, 11, 1.2], 'line-dasharray': [3, 2] } },
      { id: 'cities-line', type: 'line', source: 'layout', 'source-layer': 'cities', layout: { visibility: vis(show.has('boundaries')), 'line-join': 'round' },
        paint: { 'line-color': '#7d8790', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 0.7, 10, 2] } },
      { id: 'regions-line', type: 'line', source: 'layout', 'source-layer': 'regions',
        filter: ['in', ['get', 'id'], ['literal', overlay]], layout: { 'line-join': 'round' },
        paint: { 'line-color': regionColor, 'line-width': 3, 'line-opacity': 0.85 } },
      { id: 'province-line', type: 'line', source: 'layout', 'source-layer': 'province', layout: { visibility: vis(show.has('boundaries')), 'line-join': 'round' },
        paint: { 'line-color': '#37424d', 'line-width': ['interpolate', ['linear'], ['zoom'], 5, 1.4, 10, 3] } },
      // Zone outlines: official ones solid, approximate ones (a circle of the
      // approved area) paler and dashed, as the legend says.
      { id: 'zones-fill', type: 'fill', source: 'layout', 'source-layer': 'zones', layout: { visibility: vis(show.has('zones')) },
        filter: zf,
        paint: { 'fill-color': fillColor, 'fill-opacity': ['case', ['==', ['get', 'geom_quality'], 'approximate'], 0.38, 0.75] } },
      { id: 'zones-line-official', type: 'line', source: 'layout', 'source-layer': 'zones', layout: { visibility: vis(show.has('zones')) },
        filter: ['all', ['!=', ['get', 'geom_quality'], 'approximate'], zf],
        paint: { 'line-color': '#40240f', 'line-width': 1.2 } },
      { id: 'zones-line-approx', type: 'line', source: 'layout', 'source-layer': 'zones', layout: { visibility: vis(show.has('zones')) },
        filter: ['all', ['==', ['get', 'geom_quality'], 'approximate'], zf],
        paint: { 'line-color': '#40240f', 'line-width': 1, 'line-dasharray': [2, 2], 'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0, 9, 0.8] } },
      // The enterprise layer lies over the zone outlines and under the zone
      // symbols and labels: the zones are the map's subject, the firms their
      // context (its bubbles used to hide Zhengzhou ETDZ's point, trial 6).
      ...(enterprises ? entLayers(state.ent) : []),
      { id: 'zones-selected', type: 'line', source: 'layout', 'source-layer': 'zones',
        filter: ['==', ['get', 'id'], state.zone || '\u0000'], paint: { 'line-color': '#0050d0', 'line-width': 3 } },
      // Zone points: visible at low zoom, fading out once outlines are large enough.
      { id: 'zonepoints-lower', type: 'circle', source: 'zonepoints', layout: { visibility: vis(show.has('zones') && !compare) },
        filter: ['all', ['==', ['get', 'bound'], 'lower'], ['==', ['get', 'located'], true]],
        // The lower-bound ring ("at least this tier") stays at every zoom, also over outlines.
        paint: { 'circle-radius': ['+', 4, radius()], 'circle-color': 'rgba(0,0,0,0)', 'circle-stroke-color': PALETTE.lower_bound,
          'circle-stroke-width': 1.2 } },
      // Location unknown: a hollow marker with "?" at the county or city
      // point, at every zoom, never sized by revenue and never a circle of
      // an area (no outline is served for these zones).
      { id: 'zonepoints-unknown', type: 'circle', source: 'zonepoints', layout: { visibility: vis(show.has('zones')) },
        filter: ['==', ['get', 'located'], false],
        // In comparison mode a not-comparable zone's ring is the grey edge (its class colour is white).
        paint: { 'circle-radius': 6, 'circle-color': '#ffffff', 'circle-stroke-width': 2.5,
          'circle-stroke-color': compare ? ['case', ['==', ['get', 'change_class'], 'not_comparable'], PALETTE.not_comparable_ring, color] : color } },
      { id: 'zonepoints-unknown-mark', type: 'symbol', source: 'zonepoints', layout: { visibility: vis(show.has('zones')),
        'text-field': '?', 'text-font': [FONT], 'text-size': 10, 'text-allow-overlap': true, 'text-ignore-placement': true },
        filter: ['==', ['get', 'located'], false], paint: { 'text-color': '#40240f' } },
      { id: 'zonepoints', type: 'circle', source: 'zonepoints', layout: { visibility: vis(show.has('zones')) },
        filter: ['==', ['get', 'located'], true],
        paint: {
          'circle-radius': radius(),
          'circle-color': color,
          'circle-stroke-color': ['case', ['boolean', ['feature-state', 'hover'], false], '#0050d0', ['==', ['get', 'id'], state.zone || '\u0000'], '#0050d0', ring],
          'circle-stroke-width': ['case', ['boolean', ['feature-state', 'hover'], false], 3, ['==', ['get', 'id'], state.zone || '\u0000'], 3, compare ? 1.5 : 1],
          'circle-opacity': fade(), 'circle-stroke-opacity': fade(),
        } },
      // Over the enterprises, so the chain's zones stay visible among its firms.
      ...chainLayers(chain, zf),
      { id: 'labels-county', type: 'symbol', source: 'layout', 'source-layer': 'labels', filter: ['==', ['get', 'kind'], 'county'],
        layout: { visibility: vis(show.has('labels') && show.has('counties')), 'text-field': text, 'text-font': [FONT], 'text-size': 11, 'text-max-width': 7 },
        paint: { 'text-color': '#56616b', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 } },
      { id: 'labels-zone', type: 'symbol', source: 'layout', 'source-layer': 'labels', minzoom: 8, filter: ['all', ['==', ['get', 'kind'], 'zone'], zf],
        layout: { visibility: vis(show.has('labels') && show.has('zones')), 'text-field': text, 'text-font': [FONT], 'text-size': 11,
          'text-max-width': 9, 'text-offset': [0, 1.1], 'text-anchor': 'top', 'text-optional': true },
        paint: { 'text-color': '#5a2a0c', 'text-halo-color': '#ffffff', 'text-halo-width': 1.2 } },
      // Names of the ten highest-ranked zones at province zoom, the highest
      // placed first; MapLibre's collision detection drops a label that
      // would overlap one already placed. City names are placed first but may
      // move to a free side of their point (variable anchors); a zone label
      // tries eight sides of its point, one line of the short name, so the
      // rank-1 zone right beside 郑州市 finds room.
      // The phone fits the province at zoom ≈ 5.2, where the top zones (all
      // around 郑州, 开封 and 漯河) lie within ~60 px: with the default
      // collision padding (2 px for cities, 3 px here) and 12 px city names
      // the city labels, moved aside by their variable anchors, left no free
      // place for any zone label. Labels carry a white halo, so they need no
      // padding to stay apart, and city names start a size smaller at zoom 5.
      { id: 'labels-top', type: 'symbol', source: 'zonepoints', maxzoom: 8,
        filter: ['all', ['>', ['get', 'rank'], 0], ['<=', ['get', 'rank'], 10]],
        layout: { visibility: vis(show.has('labels') && show.has('zones')),
          'text-field': state.lang === 'en' ? ['coalesce', ['get', 'short_en'], ['get', 'name_en'], ['get', 'name']] : ['coalesce', ['get', 'short'], ['get', 'name']],
          'text-font': [FONT], 'text-size': ['interpolate', ['linear'], ['zoom'], 5, 10, 7, 11],
          'text-max-width': 12, 'text-variable-anchor': ['bottom', 'top', 'right', 'left', 'bottom-right', 'bottom-left', 'top-right', 'top-left'], 'text-radial-offset': 1.5,
          'symbol-sort-key': ['get', 'rank'], 'text-padding': 0 },
        paint: { 'text-color': '#5a2a0c', 'text-halo-color': '#ffffff', 'text-halo-width': 1.4 } },
      { id: 'labels-city', type: 'symbol', source: 'layout', 'source-layer': 'labels', filter: ['==', ['get', 'kind'], 'city'],
        layout: { visibility: vis(show.has('labels')), 'text-field': state.dist ? distLabel(text, counts) : text, 'text-font': [FONT],
          'text-size': ['interpolate', ['linear'], ['zoom'], 5, 11, 7, 13, 10, 16], 'text-max-width': 8, 'text-padding': 0,
          'text-variable-anchor': ['center', 'top', 'bottom', 'left', 'right', 'top-left', 'top-right', 'bottom-left', 'bottom-right'], 'text-radial-offset': 0.3 },
        paint: { 'text-color': '#1d2a35', 'text-halo-color': '#ffffff', 'text-halo-width': 1.6 } },
    ],
  };
}

// tierById colours zones by the tier of their figure as the engine gave it
// (the filter's year and measure), by zone id.
function tierById(zones) {
  const byTier = new Map();
  for (const z of zones) {
    const t = z.properties?.tier ?? 'no_data';
    if (!TIER_COLORS[t] || t === 'no_data') continue;
    if (!byTier.has(t)) byTier.set(t, []);
    byTier.get(t).push(String(z.id));
  }
  if (!byTier.size) return TIER_COLORS.no_data ?? PALETTE.no_data;
  const m = ['match', ['get', 'id']];
  for (const [t, ids] of byTier) m.push(ids, TIER_COLORS[t]);
  m.push(TIER_COLORS.no_data ?? PALETTE.no_data);
  return m;
}

function radius() {
  return ['interpolate', ['linear'], ['sqrt', ['coalesce', ['get', 'revenue_yi'], 0]], 0, 3.5, 71, 14];
}
// fade: a zone's point gives way to its outline at high zoom; a zone
// without an outline keeps its point.
function fade() {
  return ['interpolate', ['linear'], ['zoom'], 9.5, 1, 11, ['case', ['to-boolean', ['get', 'geom_quality']], 0.15, 1]];
}
function distLabel(text, counts) {
  const m = ['match', ['get', 'id']];
  const entries = Object.entries(counts).filter(([, n]) => n > 0);
  if (!entries.length) return text;
  for (const [code, n] of entries) m.push(code, ` ${n}`);
  m.push('');
  return ['concat', text, m];
}
