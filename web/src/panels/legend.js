// The legend: only what the map shows (tier or cluster colours, the
// lower-bound ring, outline kinds, overlays, the distribution ramp, the
// change classes in comparison mode); and the notice naming dropped URL
// values.
import { TIERS } from '../i18n.js';
import * as styles from '../style.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';

export function mountLegend(store, { mode, embedQ }) {
  const { state, data } = store;
  const f = formatters(store);
  const L = f.L;

  function render() {
    const box = $('#legend');
    if (!box) return;
    if (mode === 'embed' && (embedQ.get('legend') === '0' || embedQ.get('plain') === '1')) { box.hidden = true; return; }
    const items = [];
    const sw = (color, label, cls = '') => el('li', {}, el('i', { class: 'swatch ' + cls, style: `background:${color}` }), ` ${label}`);
    if (state.layers.includes('zones')) {
      const ps = data.zones.map((z) => z.properties);
      if (data.compare) {
        items.push(el('li', { class: 'legend-head', text: L('compareHead', { a: data.compare.from, b: data.compare.to }) }));
        for (const c of data.compare.classes) items.push(el('li', { 'data-class': c.id }, el('i', { class: 'swatch', style: `background:${c.color}` }), ` ${state.lang === 'en' ? c.label_en : c.label}`));
        items.push(el('li', { 'data-class': 'not_comparable' }, el('i', { class: 'swatch hollow', style: `border-color:${styles.PALETTE.not_comparable_ring};background:${styles.PALETTE.not_comparable}` }), ` ${L('notComparable')}`));
      } else if (styles.colorMode(state) === 'cluster') {
        const only = state.color === 'auto' ? state.cluster : null;
        data.clusters.forEach((c, i) => { if (!only || only.includes(c.id)) items.push(sw(styles.clusterColor(i), f.nameOf(c))); });
        if (!only) items.push(sw(styles.PALETTE.other, L('otherCluster')));
      } else {
        // The heading names the measure and the year, as the static image's.
        const y = state.year ? L('yearOf', { y: state.year }) : L('mixedYears');
        items.push(el('li', { class: 'legend-head', text: L(state.measure === 'output' ? 'outputTierHead' : 'tierHead', { y }) }));
        for (const x of TIERS) items.push(sw(styles.TIER_COLORS[x.id], x.id === 'no_data' ? L('noData') : x[state.lang]));
      }
      // Only what the map shows: a lower-bound ring and the geometry
      // qualities present among the filtered zones.
      if (ps.some((p) => p.bound === 'lower' && p.point_quality === 'geocoded')) items.push(el('li', {}, el('i', { class: 'ring' }), ` ${L('lowerBound')}`));
      if (ps.some((p) => p.revenue_yi != null && p.scope && p.scope !== 'zone')) items.push(el('li', { class: 'part-scope small', text: L('partScope') }));
      if (ps.some((p) => p.geom_quality === 'official')) items.push(el('li', {}, el('i', { class: 'outline official' }), ` ${L('officialOutline')}`));
      if (ps.some((p) => p.geom_quality === 'approximate')) items.push(el('li', {}, el('i', { class: 'outline approx' }), ` ${L('approxOutline')}`));
      if (ps.some((p) => !p.geom_quality && p.point_quality === 'geocoded')) items.push(el('li', {}, el('i', { class: 'dot' }), ` ${L('pointOnly')}`));
      if (ps.some((p) => p.point_quality && p.point_quality !== 'geocoded')) items.push(el('li', { 'data-legend': 'unknown-location' }, el('i', { class: 'unknown', text: '?' }), ` ${L('unknownLocation')}`));
    }
    const cv = data.chainView;
    if (state.chain_view && cv?.id === state.chain_view) {
      // The chain view's highlight: the chain's zones ringed.
      const chain = data.chains.find((c) => c.id === cv.id);
      items.push(el('li', { 'data-legend': 'chain-zones' }, el('i', { class: 'chain-ring', style: `border-color:${styles.PALETTE.highlight}` }),
        ` ${L('chainLegend', { c: f.nameOf(chain) || cv.id, n: cv.zones.length })}`));
    }
    if (state.ent && data.ent.available) {
      // The enterprise layer: points, bubbles with counts, and (for a
      // synthetic list) that it is synthetic.
      const c = styles.PALETTE.enterprise;
      items.push(el('li', { class: 'legend-head', text: L('entLayer') }));
      items.push(el('li', { 'data-legend': 'ent-point' }, el('i', { class: 'ent-dot', style: `background:${c}` }), ` ${L('entPointLegend')}`));
      items.push(el('li', { 'data-legend': 'ent-cell' }, el('i', { class: 'ent-bubble', style: `background:${c}`, text: '12' }), ` ${L('entCellLegend')}`));
      if (data.ent.synthetic) items.push(el('li', { 'data-legend': 'ent-synthetic', class: 'synthetic-note', text: L('entSyntheticNote') }));
      // Which year the list describes, and (the server's year rule) that it
      // is drawn whatever the map's year.
      const years = (data.ent.info?.years ?? []).filter((y) => y.year).map((y) => y.year);
      if (years.length) items.push(el('li', { 'data-legend': 'ent-years', class: 'muted small', text: L('entListYears', { y: years.join(state.lang === 'en' ? ', ' : '、') }) }));
      const note = data.ent.yearNote?.year === state.year ? data.ent.yearNote[state.lang === 'en' ? 'en' : 'zh'] : '';
      if (note) items.push(el('li', { 'data-legend': 'ent-year-note', class: 'year-note', text: note }));
    }
    data.regions.forEach((r, i) => { if (state.overlay.includes(r.id)) items.push(sw(styles.regionColorAt(i), f.nameOf(r), 'region')); });
    if (state.dist) {
      const c = data.clusters.find((x) => x.id === state.dist);
      const max = Math.max(0, ...Object.values(data.counts));
      items.push(el('li', { class: 'legend-head', text: L('distLegend', { c: f.nameOf(c) || state.dist }) }));
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

  // renderNotice names the dropped URL values until the user closes it.
  function renderNotice() {
    const box = $('#notice');
    if (!box) return;
    if (!store.dropped.length && !store.entDropped.length) { box.hidden = true; fill(box); return; }
    fill(box, store.dropped.length ? el('span', { text: L('droppedValues', { v: store.dropped.join('; ') }) }) : null,
      store.dropped.length && store.entDropped.length ? ' ' : null,
      store.entDropped.length ? el('span', { class: 'ent-dropped', text: L('entDroppedNoList', { v: store.entDropped.join('; ') }) }) : null,
      el('button', { type: 'button', class: 'icon-btn close', 'aria-label': L('close'), text: '×', onclick: () => { store.dropped = []; store.entDropped = []; renderNotice(); } }));
    box.hidden = false;
  }

  store.on('results', () => { render(); renderNotice(); });
  store.on('ent', render);
  store.on('notice', renderNotice);
  return { render, renderNotice };
}
