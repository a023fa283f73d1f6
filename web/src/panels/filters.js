// The 筛选 panel: threshold, year, measure, clusters, chains, region, city,
// tiers; the filter summary; and the active-filter badge on the map.
import { TIERS } from '../i18n.js';
import * as urlstate from '../state.js';
import * as styles from '../style.js';
import { $, el, fill, field, fieldset, checkList } from '../dom.js';
import { formatters } from '../format.js';

export function mountFilters(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;
  const setFilter = (patch) => actions.setFilter(patch);

  function build() {
    const p = $('#panel-filters');
    const clusterItems = data.clusters.map((c, i) => ({ id: c.id, label: f.nameOf(c), swatch: styles.clusterColor(i) }));
    const chainItems = data.chains.map((c) => ({ id: c.id, label: f.nameOf(c) }));
    const regionSel = el('select', { id: 'f-region' }, el('option', { value: '', text: L('any') }),
      data.regions.map((r) => el('option', { value: r.id, text: f.nameOf(r), selected: state.region === r.id })));
    regionSel.addEventListener('change', () => setFilter({ region: regionSel.value }));
    const citySel = el('select', { id: 'f-city' }, el('option', { value: '', text: L('any') }),
      data.cities.map((c) => el('option', { value: c.code, text: f.nameOf(c), selected: state.city === c.code })));
    citySel.addEventListener('change', () => setFilter({ city: citySel.value }));
    const minIn = el('input', { id: 'f-min', type: 'number', min: '0', step: '100', inputmode: 'numeric', value: state.min_revenue, placeholder: L('any') }); // an example figure here read as an active filter (trial 6)
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
      yearControl(),
      field(L('measureFilter'), 'f-measure', measureSel),
      fieldset(L('clusters'), checkList('cluster', clusterItems, state.cluster, (v) => setFilter({ cluster: v }))),
      el('details', { class: 'chains', open: state.chain.length > 0 || null }, el('summary', { text: `${L('chains')} (${chainItems.length})` }),
        checkList('chain', chainItems, state.chain, (v) => setFilter({ chain: v }))),
      field(L('region'), 'f-region', regionSel),
      field(L('city'), 'f-city', citySel),
      fieldset(L('tiers'), checkList('tier', tierItems, state.tier, (v) => setFilter({ tier: v }))),
      el('div', { class: 'row actions' },
        el('button', { type: 'button', class: 'reset', text: L('reset'), onclick: () => actions.resetFilters() }),
        el('button', { type: 'button', id: 'zoom-results', text: L('zoomResults'), onclick: () => actions.zoomToResults() })),
    );
    renderSummary();
  }

  // yearControl: the year whose figures every surface shows (the API's
  // year parameter; empty = each zone's latest figure), and the comparison
  // with an earlier year (change from compare to year; the server decides
  // which pairs are comparable).
  function yearControl() {
    const yearSel = el('select', { id: 'f-year' }, el('option', { value: '', text: L('latest') }),
      data.years.map((y) => el('option', { value: String(y), text: String(y), selected: state.year === String(y) })));
    const earlier = (y) => data.years.filter((x) => y && x < Number(y));
    const cmpSel = el('select', { id: 'f-compare', 'aria-describedby': 'f-compare-note' }, el('option', { value: '', text: L('compareNone') }),
      earlier(state.year).map((y) => el('option', { value: String(y), text: L('compareWith', { y }), selected: state.compare === String(y) })));
    cmpSel.disabled = !earlier(state.year).length;
    yearSel.addEventListener('change', () => {
      const y = yearSel.value;
      // A comparison keeps its earlier year only while it is before the new year.
      setFilter({ year: y, compare: state.compare && y && Number(state.compare) < Number(y) ? state.compare : '' });
      build();
    });
    cmpSel.addEventListener('change', () => setFilter({ compare: cmpSel.value }));
    return el('div', { class: 'field year-field' },
      el('label', { for: 'f-year', text: L('year') }), yearSel,
      el('label', { for: 'f-compare', class: 'sub', text: L('compareLabel') }), cmpSel,
      el('p', { id: 'f-compare-note', class: 'muted small', text: state.year ? L('compareNote') : L('compareNeedsYear') }));
  }

  function renderSummary() {
    const s = $('#filter-summary');
    if (s) s.textContent = `${L('matchCount', { n: data.matched })} · ${f.filterDescription()}`;
  }

  // sync: controls are rebuilt from state on language change; here only
  // what a refresh changes follows.
  function sync() {
    for (const b of document.querySelectorAll('.quick .chip')) b.setAttribute('aria-pressed', String(b.textContent === `≥${state.min_revenue}亿`));
    const m = $('#f-min');
    if (m && document.activeElement !== m) m.value = state.min_revenue;
    const x = $('#f-max');
    if (x && document.activeElement !== x) x.value = state.max_revenue;
    const z = $('#zoom-results');
    if (z) z.disabled = !data.zones.length;
  }

  // renderBadge: with the panel closed (phones), a chip on the map says a
  // filter is active and how many zones match; a tap opens the filters.
  function renderBadge() {
    const b = $('#filter-badge');
    if (!b) return;
    const active = urlstate.filterParams(state).toString() !== '';
    b.hidden = !active;
    b.textContent = active ? `⚑ ${L('filtersActive', { n: data.matched })}` : '';
    b.title = active ? f.filterDescription() : '';
    $('#panel-toggle')?.classList.toggle('has-filter', active);
  }

  store.on('lang', build);
  store.on('rebuild-filters', build);
  store.on('results', () => { renderSummary(); sync(); renderBadge(); });
  store.on('failed', () => { renderSummary(); sync(); });
  return { build };
}
