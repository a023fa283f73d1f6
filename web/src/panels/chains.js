// The 产业链 panel: the chain view (issue 15). Pick a chain of the
// dataset's taxonomy and the map highlights its zones (and, with an
// enterprise list, shows the layer filtered to the chain); the panel
// names the chain, its 链主, its zones with their figures (measure, bound,
// period and year, as every surface) and its enterprises by class, paged.
// Everything is the server's: zones from items?chain=, counts from
// /api/v1/stats/enterprises?chain=, 链主 from items?chain=&class=chain_leader
// (main.js loadChainView); nothing is counted here.
import { $, el, fill, field } from '../dom.js';
import { formatters } from '../format.js';

// TOP is how many zones holding the chain's enterprises are listed.
const TOP = 10;

export function mountChains(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;
  let shown = '';

  function build() {
    shown = '';
    const sel = el('select', { id: 'chain-view' }, el('option', { value: '', text: L('chainPick') }),
      data.chains.map((c) => el('option', { value: c.id, text: f.nameOf(c), selected: state.chain_view === c.id })));
    sel.addEventListener('change', () => actions.setChainView(sel.value));
    fill($('#panel-chains'),
      el('h2', { text: L('chainView') }),
      el('p', { class: 'muted small', text: L('chainViewNote', { n: data.chains.length }) }),
      field(L('entChain'), 'chain-view', sel),
      el('div', { id: 'chain-body', 'aria-live': 'polite' }));
    render();
  }

  // zoneRow is one zone of the chain: its name (opens its card), its
  // headline figure with measure, bound, period and year (or the latest
  // figure of another kind, labelled, or 无可比数据), and the chain's
  // enterprises in it.
  function zoneRow(z, entCount) {
    const p = z.properties;
    const id = String(z.id);
    const fig = p.revenue_yi != null ? f.headlineText(p) : f.otherFigure(p) || L('noData');
    return el('li', { 'data-id': id },
      el('a', { href: '#', class: 'chain-zone', text: f.nameOf(p), onclick: (e) => { e.preventDefault(); actions.select(id); } }),
      el('span', { class: 'zrev small', 'data-revenue': p.revenue_yi != null ? String(p.revenue_yi) : '', text: ` ${fig}` }),
      entCount != null ? el('span', { class: 'muted small chain-zone-ents', 'data-count': String(entCount), text: ` · ${L('chainZoneEnts', { n: entCount })}` }) : null);
  }

  function render() {
    const body = $('#chain-body');
    if (!body) return;
    const sel = $('#chain-view');
    if (sel && sel.value !== state.chain_view) sel.value = state.chain_view;
    const cv = data.chainView;
    if (!state.chain_view || !cv || cv.id !== state.chain_view) {
      shown = '';
      fill(body, state.chain_view ? el('p', { class: 'muted', text: L('loading') }) : el('p', { class: 'muted', text: L('chainHint') }));
      return;
    }
    const key = `${cv.key}|${state.lang}`;
    if (key === shown) return;
    shown = key;
    const chain = data.chains.find((c) => c.id === cv.id) ?? { id: cv.id };
    const ent = !!cv.stats;
    const zoneCounts = new Map((cv.stats?.groups?.find((g) => g.group === 'zone')?.items ?? []).map((it) => [it.id, it]));
    const planned = new Set(cv.zones.map((z) => String(z.id)));
    const other = state.lang === 'en' ? chain.name : chain.name_en;
    const leaders = cv.leaders ?? [];
    const entZones = [...zoneCounts.values()].filter((it) => it.count > 0).slice(0, TOP);
    fill(body,
      el('h3', { id: 'chain-title', text: f.nameOf(chain) }),
      other ? el('p', { class: 'muted', lang: state.lang === 'en' ? 'zh-CN' : 'en', text: other }) : null,
      chain.source ? el('p', { class: 'muted small src', text: `${L('sources')}: ${chain.source}` }) : null,
      ent && data.ent.synthetic ? el('p', { class: 'synthetic-note small', text: L('entSyntheticNote') }) : null,
      ent ? el('p', { id: 'chain-ent-total', 'data-count': String(cv.stats.total), text: L('chainEntTotal', { n: cv.stats.total.toLocaleString() }) }) : null,
      // 链主: named, each opening its card.
      el('section', { id: 'chain-leaders' }, el('h3', { text: L('chainLeaders', { n: ent ? leaders.length : '–' }) }),
        !ent ? el('p', { class: 'muted small chain-ent-hint' }, store.ents.hint())
          : leaders.length ? el('ul', { class: 'plain' }, leaders.map((x) => el('li', { 'data-id': String(x.id) },
            el('a', { href: '#', text: f.nameOf(x.properties), onclick: (e) => { e.preventDefault(); actions.selectEnterprise(String(x.id), { fly: x.geometry?.coordinates }); } }),
            el('span', { class: 'muted small', text: ` ${[f.cityName(x.properties.city_code), x.properties.zone_id ? f.nameOf(actions.findZone(x.properties.zone_id)?.properties) : ''].filter(Boolean).join(' · ')}` }))))
            : el('p', { class: 'muted small', text: L('chainNoLeader') })),
      // The zones the dataset ties to the chain (its planning layout).
      el('section', { id: 'chain-zones' }, el('h3', { text: L('chainZones', { n: cv.zones.length }) }),
        el('p', { class: 'muted small', text: `${state.year ? L('chainFigYear', { y: state.year }) : L('mixedYears')} · ${L('chainZonesRule')}` }),
        cv.zones.length ? el('ol', { class: 'chain-zone-list' }, cv.zones.map((z) => zoneRow(z, ent ? (zoneCounts.get(String(z.id))?.count ?? 0) : null)))
          : el('p', { class: 'muted small', text: L('chainNoZones') })),
      // The zones holding most of the chain's enterprises (by the list's points).
      ent ? el('section', { id: 'chain-ent-zones' }, el('h3', { text: L('chainEntZones') }),
        entZones.length ? el('ol', { class: 'chain-zone-list' }, entZones.map((it) => el('li', { 'data-id': it.id, 'data-count': String(it.count) },
          el('a', { href: '#', text: f.nameOf(it) || it.id, onclick: (e) => { e.preventDefault(); actions.select(it.id); } }),
          el('span', { class: 'muted small', text: ` ${L('chainZoneEnts', { n: it.count })}${planned.has(it.id) ? ` · ${L('chainPlanned')}` : ''}` }))))
          : null,
        el('p', { class: 'muted small', 'data-count': String(cv.stats.no_zone ?? 0), text: L('chainNoZoneEnts', { n: cv.stats.no_zone ?? 0 }) })) : null,
      ent ? store.ents.byClass(L('chainEnts'), { chain: cv.id }, { current: () => state.chain_view === cv.id, empty: 'chainNoEnts' }) : null,
      el('button', { type: 'button', id: 'chain-close', class: 'chip', text: L('chainClose'), onclick: () => actions.setChainView('') }));
  }

  store.on('lang', build);
  store.on('results', render);
  store.on('failed', render);
  return { build, render };
}
