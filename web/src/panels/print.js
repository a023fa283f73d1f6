// The print sheet (A4 landscape, app.css @media print): title and filter,
// the map with its legend, the ranking as a table and the sources. It is
// hidden on screen and rendered from the store like every panel, so
// printing (the 打印 button or the browser's own print) needs no extra
// fetch. Before printing, the map is resized to its print box and redrawn
// synchronously, so the printed canvas is never blank or stretched.
import * as styles from '../style.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';
import { sourceIDs } from './stats.js';

// PRINT_ROWS bounds the printed ranking so the sheet stays one page; the
// table says how many more there are and where the whole list is.
const PRINT_ROWS = 25;

export function mountPrint(store, view) {
  const { state, data } = store;
  const f = formatters(store);
  const L = f.L;

  function render() {
    const head = $('#print-head');
    const table = $('#print-table');
    const srcs = $('#print-sources');
    if (!head || !table || !srcs) return;
    const today = new Date().toISOString().slice(0, 10);
    fill(head, el('h1', { text: L('title') }),
      el('p', { text: `${L('matchCount', { n: data.matched })} · ${f.filterDescription()}` }));
    const ranked = data.zones.filter((z) => z.properties.revenue_yi != null);
    const shown = ranked.slice(0, PRINT_ROWS);
    const change = new Map((data.compare?.rows ?? []).map((r) => [r.id, r]));
    fill(table, el('table', { class: 'print-rank' },
      el('thead', {}, el('tr', {},
        el('th', { text: '#' }), el('th', { text: L('zoneKind') }), el('th', { text: L('city') }), el('th', { class: 'num', text: L('figure') }),
        data.compare ? el('th', { class: 'num', text: L('changeHead', { a: data.compare.from, b: data.compare.to }) }) : null)),
      el('tbody', {}, shown.map((z, i) => {
        const p = z.properties;
        const ch = change.get(String(z.id));
        return el('tr', {},
          el('td', { class: 'num', text: String(i + 1) }),
          el('td', {}, el('i', { class: 'swatch' + (p.bound === 'lower' ? ' lower' : ''), style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }), ` ${f.nameOf(p)}`),
          el('td', { text: f.cityName(p.city_code) }),
          el('td', { class: 'num', text: f.headlineText(p) }),
          data.compare ? el('td', { class: 'num', text: ch ? f.changeText(ch) : '' }) : null);
      }))),
    el('p', { class: 'muted small', text: L('printMore', { n: shown.length, m: ranked.length, u: data.zones.length - ranked.length }) }));
    // Sources: the data's general attribution and the titles of the
    // sources the printed figures cite.
    const ids = new Set();
    for (const z of shown) for (const r of z.properties.revenue ?? []) for (const id of sourceIDs(r.source)) ids.add(id);
    const titles = [...ids].map((id) => data.sources.get(id)?.title).filter(Boolean);
    fill(srcs, el('p', { text: L('attribution') }),
      titles.length ? el('p', { text: `${L('figureSources')}: ${titles.join('；')}` }) : null,
      el('p', { text: `${L('printedFrom')} ${location.href} · ${today}` }));
  }

  // Before printing: legend open, map at its print size showing all
  // results (the screen's camera may leave some outside the smaller print
  // box), drawn now; afterwards the screen's camera comes back.
  let saved = null;
  const forPrint = () => {
    const map = view.map;
    render();
    const d = $('#legend details');
    if (d) d.open = true;
    if (!map) return;
    saved ??= { center: map.getCenter(), zoom: map.getZoom() };
    map.resize();
    view.zoomToResults({ duration: 0, padding: 40 });
    map.redraw();
  };
  const afterPrint = () => {
    const map = view.map;
    if (!map || !saved) return;
    map.resize();
    map.jumpTo(saved);
    saved = null;
  };
  window.addEventListener('beforeprint', forPrint);
  window.addEventListener('afterprint', afterPrint);
  window.matchMedia?.('print').addEventListener?.('change', (e) => (e.matches ? forPrint() : afterPrint()));

  store.on('results', render);
  store.on('lang', render);
  return { render, forPrint };
}
