// The MapLibre map: its style from the store (style.js), the zone points
// source, hover/tap tooltips, the camera (zoom to results) and the idle
// signal the tests and the timing script wait for.
import { Map as MLMap, NavigationControl, ScaleControl, AttributionControl, Popup } from 'maplibre-gl';
import * as urlstate from './state.js';
import * as styles from './style.js';
import { el, narrow, motion, HENAN, bboxOf, centreOf } from './dom.js';
import { formatters } from './format.js';
import { STATIC as SITE } from './site.js';

export function createMapView(store, { mode }) {
  const { state, data, probe } = store;
  const f = formatters(store);
  let map = null;
  let attributionControl = null;
  let attributionLang = '';
  let hovered = null;

  // resultsBounds is the box of the filtered zones, null without any.
  function resultsBounds() {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    for (const z of data.zones) {
      const g = z.geometry && bboxOf(z.geometry);
      if (!g) continue;
      b[0] = Math.min(b[0], g[0]); b[1] = Math.min(b[1], g[1]); b[2] = Math.max(b[2], g[2]); b[3] = Math.max(b[3], g[3]);
    }
    return Number.isFinite(b[0]) ? b : null;
  }

  // padding keeps results clear of the card (right on wide screens) and of
  // the legend.
  function padding() {
    if (mode === 'embed') return 24;
    return narrow() ? { top: 40, bottom: 60, left: 30, right: 30 } : { top: 50, bottom: 50, left: 50, right: state.zone ? 440 : 60 };
  }

  // zoomToResults fits the map to the filtered zones (the province when the
  // filter is empty or matches nothing). onlyIfOutside: only when some result
  // lies outside the current view.
  function zoomToResults({ onlyIfOutside = false, duration = 600, padding: pad } = {}) {
    if (!map) return;
    const empty = !urlstate.filterParams(state).toString();
    const b = !empty && resultsBounds();
    const box = b ? [[b[0], b[1]], [b[2], b[3]]] : HENAN;
    if (onlyIfOutside && b) {
      const v = map.getBounds();
      if (v.contains([b[0], b[1]]) && v.contains([b[2], b[3]])) return;
    } else if (onlyIfOutside) return;
    map.fitBounds(box, { padding: pad ?? padding(), maxZoom: 10, duration: motion(duration) });
  }

  // initialBox is what a view without a camera in the URL shows: the
  // filtered zones, or the province.
  function initialBox() {
    const b = urlstate.filterParams(state).toString() && resultsBounds();
    return b ? [[b[0], b[1]], [b[2], b[3]]] : HENAN;
  }

  // settle marks the page idle once the map has rendered everything for
  // refresh number my.
  function settle(my) {
    const done = () => { if (my === store.seq) { probe.idle = true; store.emit('idle'); } };
    if (!map) return;
    map.once('idle', done);
    if (map.loaded() && map.areTilesLoaded() && !map.isMoving()) map.triggerRepaint();
  }

  function tileURL() {
    let tpl = data.tilejson.tiles[0];
    // The static site's archive holds every zone: the filter is the
    // style's (style.js staticZones), not the tile URL's.
    if (tpl.startsWith('pmtiles://')) return tpl;
    // Keep only the path: the page never contacts another origin, whatever
    // host name the server wrote into its TileJSON. String concatenation,
    // not URL(), which would percent-encode {z}/{x}/{y}.
    const m = /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(tpl);
    if (m) tpl = m[1];
    const fq = urlstate.filterParams(state).toString();
    return location.origin + tpl + (fq ? (tpl.includes('?') ? '&' : '?') + fq : '');
  }

  // entTileURL is the enterprise tile template with the layer's class and
  // chain filter (same origin, as tileURL).
  function entTileURL() {
    let tpl = data.ent.tilejson.tiles[0];
    if (tpl.startsWith('pmtiles://')) return tpl;
    const m = /^[a-z]+:\/\/[^/]+(\/.*)$/i.exec(tpl);
    if (m) tpl = m[1];
    tpl = tpl.split('?')[0];
    const q = urlstate.entParams(state).toString();
    return location.origin + tpl + (q ? '?' + q : '');
  }

  // shortName is a zone's usual short form (郑州经开区), from the server's
  // abbreviation table (/api/v1/reference, the one search uses): the
  // province-zoom labels are then one line and leave room for city names.
  function shortName(name, table = data.ref.abbreviations) {
    for (const a of table ?? []) if (name?.includes(a.long)) return name.replace(a.long, a.short);
    return name;
  }

  function zonePoints() {
    // rank: position among zones with a comparable figure (labels of the
    // top-ranked zones at province zoom); 0 for the unranked.
    const rank = new Map(data.zones.filter((z) => z.properties.revenue_yi != null).map((z, i) => [String(z.id), i + 1]));
    const change = new Map((data.compare?.rows ?? []).map((r) => [r.id, r]));
    return {
      type: 'FeatureCollection',
      features: data.zones.filter((z) => z.geometry).map((z) => {
        const p = z.properties;
        const c = change.get(String(z.id));
        return {
          type: 'Feature', id: String(z.id),
          geometry: { type: 'Point', coordinates: centreOf(z.geometry) },
          properties: {
            id: String(z.id), name: p.name, name_en: p.name_en, short: shortName(p.name), short_en: shortName(p.name_en, data.ref.abbreviations_en), tier: p.tier ?? 'no_data', revenue_yi: p.revenue_yi,
            bound: p.bound, clusters: styles.flatList(p.clusters), geom_quality: p.geom_quality,
            located: p.point_quality === 'geocoded', rank: rank.get(String(z.id)) ?? 0,
            change_class: c?.comparable ? c.class : 'not_comparable',
          },
        };
      }),
    };
  }

  // chainHighlight: the chain view's zones (ids and points) for the style.
  function chainHighlight() {
    const cv = data.chainView;
    if (!state.chain_view || cv?.id !== state.chain_view) return null;
    const zs = cv.zones.filter((z) => z.geometry);
    return {
      ids: cv.zones.map((z) => String(z.id)),
      points: { type: 'FeatureCollection', features: zs.map((z) => ({ type: 'Feature', id: String(z.id), geometry: { type: 'Point', coordinates: centreOf(z.geometry) }, properties: { id: String(z.id) } })) },
    };
  }

  // fitBox moves the camera to a box [w, s, e, n] (clear of the card).
  function fitBox(b) {
    if (!map || !b) return;
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { padding: padding(), maxZoom: 10, duration: motion(600) });
  }

  function styleSpec() {
    const tj = data.tilejson;
    return styles.build({
      tileURL: tileURL(), minzoom: tj.minzoom ?? 0, maxzoom: tj.maxzoom ?? 14, bounds: tj.bounds,
      state, clusters: data.clusters, regions: data.regions, zonePoints: zonePoints(), counts: data.counts,
      compare: data.compare ?? null,
      staticZones: SITE ? data.zones : null,
      chain: chainHighlight(),
      enterprises: data.ent.available ? { tileURL: entTileURL(), minzoom: data.ent.tilejson.minzoom, maxzoom: data.ent.tilejson.maxzoom, bounds: data.ent.tilejson.bounds } : null,
    });
  }

  // tipContent is the tooltip of a zone: name, figure and tier (and the
  // change in comparison mode).
  function tipContent(p) {
    const tier = (data.ref.tiers ?? []).find((x) => x.id === (p.tier ?? 'no_data'));
    const tierLabel = p.tier && p.tier !== 'no_data' ? (state.lang === 'en' ? tier?.label_en : tier?.label) : '';
    const ch = data.compare?.rows?.find((r) => r.id === String(p.id ?? ''));
    return el('div', { class: 'tip' },
      el('strong', { text: f.nameOf(p) }),
      el('div', { class: 'tip-fig' }, el('i', { class: 'swatch' + (p.bound === 'lower' ? ' lower' : ''), style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }),
        ` ${p.revenue_yi != null ? f.headlineText(p) : f.L('noData')}`),
      tierLabel ? el('div', { class: 'muted small', text: `${f.L('tiers')}: ${p.bound === 'lower' ? f.L('atLeastTier', { t: tierLabel }) : tierLabel}` }) : null,
      ch ? el('div', { class: 'small tip-change', text: f.changeText(ch) }) : null,
      p.point_quality && p.point_quality !== 'geocoded' ? el('div', { class: 'muted small', text: f.L('unknownLocation') }) : null);
  }

  function setAttribution() {
    // Synthetic enterprises on the map say so in the source line too.
    const ent = state.ent && data.ent.synthetic;
    const key = `${state.lang}|${ent}`;
    if (mode === 'embed' || attributionLang === key) return;
    if (attributionControl) map.removeControl(attributionControl);
    attributionControl = new AttributionControl({ compact: true, customAttribution: ent ? [f.L('attribution'), f.L('entSyntheticAttribution')] : f.L('attribution') });
    map.addControl(attributionControl, 'bottom-right');
    // On a phone the expanded source line would cover the legend and the
    // scale bar: it starts folded (the ⓘ button opens it).
    if (narrow()) {
      const c = map.getContainer().querySelector('.maplibregl-ctrl-attrib');
      c?.classList.remove('maplibregl-compact-show');
      c?.removeAttribute('open');
    }
    attributionLang = key;
  }

  // keepLegendClear keeps the legend (absolute, bottom left over the map)
  // clear of the map's controls: its bottom above the highest bottom
  // control under it (the scale bar; the source line, which wraps to two
  // lines with a synthetic enterprise list and spans the map when
  // expanded), its height within what is left below the top controls, so
  // a long legend (the enterprise layer's entries) scrolls instead of
  // growing over them. Re-measured whenever a control, the legend or the
  // map changes size. CSS variables, so the print style's own placement
  // still wins.
  function keepLegendClear() {
    const legend = document.getElementById('legend');
    const wrap = legend?.parentElement;
    if (!legend || !wrap || mode === 'embed') return;
    const container = map.getContainer();
    const place = () => {
      if (getComputedStyle(legend).position !== 'absolute' || legend.hidden) return;
      const w = wrap.getBoundingClientRect();
      const lg = legend.getBoundingClientRect();
      const gap = 6;
      let bottom = 10;
      let top = 10;
      for (const c of container.querySelectorAll('.maplibregl-ctrl-bottom-left > *, .maplibregl-ctrl-bottom-right > *, .maplibregl-ctrl-top-left > *, .maplibregl-ctrl-top-right > *')) {
        const b = c.getBoundingClientRect();
        if (!b.width || !b.height || b.right <= lg.left || b.left >= lg.right) continue;
        if (b.top - w.top > w.height / 2) bottom = Math.max(bottom, w.bottom - b.top + gap);
        else top = Math.max(top, b.bottom - w.top + gap);
      }
      legend.style.setProperty('--legend-bottom', `${Math.ceil(bottom)}px`);
      // max-height is the content's: less the padding and border.
      const cs = getComputedStyle(legend);
      const frame = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth'].reduce((a, k) => a + parseFloat(cs[k] || 0), 0);
      legend.style.setProperty('--legend-max-h', `${Math.max(48, Math.floor(w.height - bottom - top - frame))}px`);
    };
    const ro = new ResizeObserver(() => requestAnimationFrame(place));
    ro.observe(legend);
    ro.observe(wrap);
    for (const c of container.querySelectorAll('.maplibregl-control-container > *')) ro.observe(c);
    // Controls added later (the source line is replaced on a language or
    // layer change) and an expanded source line.
    new MutationObserver(() => {
      for (const c of container.querySelectorAll('.maplibregl-control-container > * > *')) ro.observe(c);
      requestAnimationFrame(place);
    }).observe(container.querySelector('.maplibregl-control-container'), { subtree: true, childList: true, attributes: true, attributeFilter: ['class', 'open'] });
    place();
  }

  function findZone(id) {
    return data.zones.find((z) => String(z.id) === id) ?? data.allZones.find((z) => String(z.id) === id);
  }

  function setHover(id) {
    if (hovered) map.setFeatureState({ source: 'zonepoints', id: hovered }, { hover: false });
    hovered = id;
    if (id) map.setFeatureState({ source: 'zonepoints', id }, { hover: true });
    for (const row of document.querySelectorAll('.zone-row.hover')) row.classList.remove('hover');
    if (id) document.querySelector(`.zone-row[data-id="${CSS.escape(id)}"]`)?.classList.add('hover');
  }

  function create() {
    const embed = mode === 'embed';
    map = new MLMap({
      container: 'map',
      style: styleSpec(),
      ...(state.fit ? { bounds: initialBox(), fitBoundsOptions: { padding: padding(), maxZoom: 10 } } : { center: state.center, zoom: state.zoom }),
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
    keepLegendClear();
    map.on('error', (e) => { probe.errors.push(String(e.error?.message ?? e.error ?? e)); console.error('map:', e.error?.message ?? e); });
    const c0 = map.getCenter();
    state.center = [c0.lng, c0.lat];
    state.zoom = map.getZoom();
    map.on('moveend', () => {
      const c = map.getCenter();
      state.center = [c.lng, c.lat];
      state.zoom = map.getZoom();
      store.actions.writeURL();
    });
    const hoverable = ['zonepoints', 'zonepoints-unknown', 'zones-fill'];
    // onZonePoint: a zone's point (drawn over the enterprise layer) is under
    // the pointer.
    const onZonePoint = (pt) => map.queryRenderedFeatures(pt, { layers: ['zonepoints', 'zonepoints-unknown'] }).length > 0;
    // Tooltip: name, headline figure with bound, year, period and measure,
    // and tier; on hover with a mouse, on tap on a touch screen.
    const tip = new Popup({ closeButton: false, closeOnClick: false, maxWidth: '280px', className: 'zone-tip', offset: 10 });
    const showTip = (id, lngLat) => {
      const z = findZone(id);
      if (!z) { tip.remove(); return; }
      tip.setLngLat(lngLat).setDOMContent(tipContent({ ...z.properties, id })).addTo(map);
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
        // A click on an enterprise drawn over a zone's outline is the
        // enterprise's; a zone's point lies over the enterprises and wins.
        if (layer === 'zones-fill' && state.ent && data.ent.available && !onZonePoint(e.point) &&
          map.queryRenderedFeatures(e.point, { layers: ['ent-points', 'ent-cells'] }).length) return;
        const id = String(e.features[0].properties.id);
        showTip(id, e.lngLat);
        if (mode === 'app') store.actions.select(id, { fly: false });
      });
    }
    map.on('click', (e) => {
      if (!map.queryRenderedFeatures(e.point, { layers: hoverable.filter((l) => map.getLayer(l)) }).length) tip.remove();
    });
    // Enterprises: a point opens its card; a bubble (a cell's count) zooms
    // in on it, where it splits into smaller cells or points.
    // (Only with a tileset: the layers do not exist otherwise.)
    if (data.ent.available) {
      for (const layer of ['ent-points', 'ent-cells']) {
        map.on('mouseenter', layer, () => { map.getCanvas().style.cursor = 'pointer'; });
        map.on('mouseleave', layer, () => { map.getCanvas().style.cursor = ''; });
      }
      map.on('click', 'ent-points', (e) => {
        if (onZonePoint(e.point)) return;
        tip.remove();
        if (mode === 'app') store.actions.selectEnterprise(String(e.features[0].properties.id));
      });
      map.on('click', 'ent-cells', (e) => {
        if (onZonePoint(e.point) || map.queryRenderedFeatures(e.point, { layers: ['ent-points'] }).length) return;
        tip.remove();
        const my = ++store.seq;
        probe.idle = false;
        // Listen first: with reduced motion the move is a jump whose
        // moveend fires inside easeTo.
        map.once('moveend', () => settle(my));
        map.easeTo({ center: e.features[0].geometry.coordinates, zoom: Math.min(map.getZoom() + 2, 16), duration: motion(500) });
      });
    }
    // An embed that fits its content keeps fitting when its frame is
    // resized, until the reader moves the map.
    let userMoved = false;
    map.on('movestart', (e) => { if (e.originalEvent) userMoved = true; });
    map.on('resize', () => { if (mode === 'embed' && state.fit && !userMoved) zoomToResults({ duration: 0 }); });
    probe.setHover = setHover;
  }

  // update swaps the style in place (MapLibre diffs it: only changed
  // layers, the zone points and, when the filter changed, the tiles reload).
  function update() {
    map.setStyle(styleSpec(), { diff: true });
    setAttribution();
  }

  // fitZone moves the camera to a zone, clear of the card.
  function fitZone(z) {
    if (!z?.geometry) return;
    const b = bboxOf(z.geometry);
    const pad = narrow() ? { top: 40, bottom: window.innerHeight * 0.5, left: 30, right: 30 } : { top: 60, bottom: 60, left: 60, right: 440 };
    map.fitBounds([[b[0], b[1]], [b[2], b[3]]], { maxZoom: 10.5, padding: pad, duration: motion(600) });
  }

  function flyTo(point, zoom) {
    map.flyTo({ center: point, zoom, duration: motion(600) });
  }

  return {
    get map() { return map; },
    create, update, zoomToResults: (o) => zoomToResults(o), settle, findZone, fitZone, fitBox, flyTo,
  };
}
