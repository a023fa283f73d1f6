// The enterprise layer's controls and cards (issue 15): the 图层 panel's
// "企业" section (toggle, class and chain filters, or the import hint when
// the store holds none), the enterprise card, and the zone card's list of
// its enterprises by class. Everything comes from the server: the info and
// TileJSON, items (one enterprise, a zone's page), and the statistics of
// /api/v1/stats/enterprises (counts per class). Synthetic lists say so.
import * as urlstate from '../state.js';
import { getJSON } from '../api.js';
import { $, el, fill, field, fieldset, checkList } from '../dom.js';
import { formatters } from '../format.js';

const PAGE = 10;

export function mountEnterprises(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;
  const classes = () => data.ref.enterprise_classes ?? [];
  const className = (id) => f.nameOf(classes().find((c) => c.id === id)) || id;
  const chainName = (id) => f.nameOf(data.chains.find((c) => c.id === id)) || id;
  const listSep = () => (state.lang === 'en' ? ', ' : '、');

  // section is the 图层 panel's enterprise fieldset.
  function section() {
    const ent = data.ent;
    if (!ent.available) {
      return fieldset(L('entLayer'),
        el('label', { class: 'check', for: 'ent-toggle' }, el('input', { type: 'checkbox', id: 'ent-toggle', disabled: true }), el('span', { text: L('entShow') })),
        el('p', { id: 'ent-hint', class: 'muted small' }, hint()));
    }
    const toggle = el('input', { type: 'checkbox', id: 'ent-toggle', checked: state.ent });
    toggle.addEventListener('change', () => actions.setEnt({ ent: toggle.checked }));
    const classItems = classes().map((c) => ({ id: c.id, label: f.nameOf(c) }));
    const chainSel = el('select', { id: 'ent-chain' }, el('option', { value: '', text: L('entAllChains') }),
      data.chains.map((c) => el('option', { value: c.id, text: f.nameOf(c), selected: state.ent_chain === c.id })));
    chainSel.addEventListener('change', () => actions.setEnt({ ent: true, ent_chain: chainSel.value }));
    return fieldset(L('entLayer'),
      el('label', { class: 'check', for: 'ent-toggle' }, toggle, el('span', { text: L('entShow') })),
      ent.synthetic ? el('p', { class: 'synthetic-note small', text: L('entSyntheticNote') }) : null,
      el('p', { id: 'ent-count', class: 'muted small', 'aria-live': 'polite' }),
      el('div', { class: 'field' }, el('span', { class: 'field-label', text: L('entClasses') }),
        checkList('ent-class', classItems, state.ent_class, (v) => actions.setEnt({ ent: true, ent_class: v }))),
      field(L('entChain'), 'ent-chain', chainSel));
  }

  // hint is the server's import hint (/api/v1/enterprises/info: hint in
  // English, hint_zh in Chinese) in the page's language, its `commands`
  // as code; entNone when the server gives none.
  function hint() {
    const info = data.ent.info ?? {};
    const text = (state.lang === 'en' ? info.hint : info.hint_zh || info.hint) || L('entNone');
    return text.split('`').map((part, i) => (i % 2 ? el('code', { text: part }) : part)).filter((x) => x !== '');
  }

  // count shows how many enterprises the layer's filter selects (items'
  // numberMatched), so a filter that leaves none says so.
  let countSeq = 0;
  async function count() {
    const box = $('#ent-count');
    if (!box || !data.ent.available) return;
    const my = ++countSeq;
    const q = urlstate.entParams(state);
    q.set('limit', '1');
    try {
      const doc = await getJSON('/api/v1/collections/enterprises/items?' + q);
      if (my === countSeq) box.textContent = L('entCount', { n: (doc.numberMatched ?? 0).toLocaleString() });
    } catch { /* the panel stays without a count */ }
  }

  // ---------- the enterprise card ----------
  // data.ent.card: the open card's enterprise {id, chains} (the chain view
  // closes a card whose enterprise is not in the chain picked).
  let cardSeq = 0;
  async function renderCard() {
    const card = $('#ent-card');
    if (!card) return;
    if (!state.ent_sel) { card.hidden = true; fill(card); return; }
    const my = ++cardSeq;
    let doc;
    try {
      doc = await getJSON(`/api/v1/collections/enterprises/items/${encodeURIComponent(state.ent_sel)}`);
    } catch (err) {
      if (my !== cardSeq) return;
      fill(card, el('p', { text: L('apiError', { e: err.message }) }));
      card.hidden = false;
      return;
    }
    if (my !== cardSeq) return;
    const p = doc.properties;
    data.ent.card = { id: state.ent_sel, chains: p.chains ?? [] };
    const zone = p.zone_id ? actions.findZone(p.zone_id) : null;
    const dl = el('dl');
    const row = (k, ...v) => dl.append(el('dt', { text: L(k) }), el('dd', {}, ...v));
    row('entClasses', (p.classes ?? []).map(className).join(listSep()) || L('none'));
    row('entChain', (p.chains ?? []).map(chainName).join(listSep()) || L('none'));
    row('entZone', zone ? el('a', { href: '#', class: 'ent-zone', text: f.nameOf(zone.properties), onclick: (e) => { e.preventDefault(); actions.select(p.zone_id); } })
      : (p.zone_id || L('entNoZone')));
    row('cityCounty', [f.cityName(p.city_code), p.county_code ? f.countyName(p.county_code) : ''].filter(Boolean).join(' · '));
    row('entLocation', L('lq_' + (p.location_quality || 'unstated')) + (p.zone_link ? ` · ${L('zl_' + p.zone_link)}` : ''));
    if (p.year) row('year', String(p.year));
    row('sources', p.source || L('unknown'));
    fill(card,
      el('header', {}, el('h2', { id: 'ent-card-title', text: f.nameOf(p) }),
        el('button', { type: 'button', class: 'icon-btn close', 'aria-label': L('close'), text: '×', onclick: () => actions.selectEnterprise('') })),
      p.synthetic ? el('p', { class: 'synthetic-note', text: L('entSyntheticBadge') }) : null,
      state.lang === 'en' ? el('p', { class: 'muted', lang: 'zh-CN', text: p.name }) : (p.name_en ? el('p', { class: 'muted', lang: 'en', text: p.name_en }) : null),
      dl);
    card.hidden = false;
  }

  // ---------- enterprises by class, paged ----------
  // byClass returns a section listing the enterprises of a query (a zone,
  // a chain) by class: counts per class from /api/v1/stats/enterprises,
  // one class's page of items?…&class=… with previous/next. The zone card
  // and the chain view use it; current() tells whether the section still
  // belongs to what the page shows (a late answer is dropped).
  function byClass(title, params, { current = () => true, empty = 'entNoneInZone', cls: cls0 = '' } = {}) {
    const box = el('section', { class: 'zone-ents', 'aria-live': 'polite' }, el('h3', { text: title }), el('p', { class: 'muted small', text: L('loading') }));
    let cls = cls0;
    let offset = 0;
    let total = {};
    const load = async () => {
      const q = new URLSearchParams({ ...params, limit: String(PAGE), offset: String(offset) });
      if (cls) q.set('class', cls);
      const [st, page] = await Promise.all([
        Object.keys(total).length ? null : getJSON('/api/v1/stats/enterprises?' + new URLSearchParams(params)),
        getJSON('/api/v1/collections/enterprises/items?' + q),
      ]);
      if (st) {
        total = { '': st.total };
        for (const it of st.groups.find((g) => g.group === 'class')?.items ?? []) total[it.id] = it.count;
      }
      if (!current()) return;
      const n = page.numberMatched ?? 0;
      const tabs = el('div', { class: 'presets ent-classes', role: 'group', 'aria-label': L('entClasses') },
        [['', L('entAll')], ...classes().map((c) => [c.id, f.nameOf(c)])].filter(([id]) => id === '' || total[id] > 0).map(([id, label]) => el('button', {
          type: 'button', 'data-class': id, 'data-count': String(total[id] ?? 0), 'aria-pressed': String(id === cls), text: `${label} ${total[id] ?? 0}`,
          onclick: () => { cls = id; offset = 0; load(); },
        })));
      const rows = el('ol', { class: 'ent-list', start: String(offset + 1) }, page.features.map((x) => el('li', { 'data-id': String(x.id) },
        el('a', { href: '#', text: f.nameOf(x.properties), onclick: (e) => { e.preventDefault(); actions.selectEnterprise(String(x.id), { fly: x.geometry?.coordinates }); } }),
        (x.properties.classes ?? []).length ? el('span', { class: 'muted small', text: ` ${(x.properties.classes ?? []).map(className).join(listSep())}` }) : null)));
      const pager = el('div', { class: 'pager' },
        el('button', { type: 'button', class: 'ent-prev', disabled: offset === 0, text: L('entPrev'), onclick: () => { offset = Math.max(0, offset - PAGE); load(); } }),
        el('span', { class: 'muted small', text: n ? L('entRange', { a: offset + 1, b: Math.min(offset + PAGE, n), n }) : L(empty) }),
        el('button', { type: 'button', class: 'ent-next', disabled: offset + PAGE >= n, text: L('entNext'), onclick: () => { offset += PAGE; load(); } }));
      fill(box, el('h3', { text: title }), data.ent.synthetic ? el('p', { class: 'synthetic-note small', text: L('entSyntheticNote') }) : null,
        tabs, rows, pager);
    };
    load().catch((err) => fill(box, el('h3', { text: title }), el('p', { text: L('apiError', { e: err.message }) })));
    return box;
  }

  // zoneSection is the zone card's list of the zone's enterprises by class.
  function zoneSection(zoneId) {
    if (!data.ent.available) return null;
    return byClass(L('entOfZone'), { zone: zoneId }, { current: () => state.zone === zoneId });
  }

  store.on('ent', () => { count(); renderCard(); });
  store.on('results', () => count());
  store.on('lang', () => renderCard());
  return { section, zoneSection, byClass, renderCard, count, hint };
}
