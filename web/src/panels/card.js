// The zone card: what is known of the selected zone, every figure with its
// measure, bound and period, and the sources the facts rest on.
import * as styles from '../style.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';
import { sourceIDs } from './stats.js';

export function mountCard(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;

  const quoteOf = (text) => {
    const m = /[“"]([^”"]{4,})[”"]/.exec(text ?? '');
    return m ? m[1] : '';
  };
  const industryName = (term) => {
    const en = data.ref.dictionary?.lead_industries?.[term];
    return state.lang === 'en' && en ? `${en} (${term})` : term;
  };
  const linkText = (l) => {
    if (l.derived) {
      const m = /lead industry "([^"]+)" contains keyword "([^"]+)"/.exec(l.source ?? '');
      return m ? L('derivedSentence', { l: industryName(m[1]), k: m[2] }) : L('derived');
    }
    const titles = sourceIDs(l.source).map((id) => data.sources.get(id)?.title).filter(Boolean);
    return L('sourcedBy', { s: titles.join('；') || L('sourced') });
  };
  const sourceItem = (id, quotes) => {
    const s = data.sources.get(id);
    if (!s) return null;
    // Title and date only: the source list gives no publisher field, and
    // guessing one from its wording named authors and quotes as publishers.
    return el('li', { 'data-source': id },
      el('span', { class: 'src-title', text: s.title }), s.date ? el('span', { class: 'muted', text: ` (${s.date})` }) : null,
      ...(s.urls ?? []).slice(0, 2).map((u) => el('a', { href: u, target: '_blank', rel: 'noopener noreferrer', class: 'src-link', text: new URL(u).host })),
      ...[...new Set(quotes)].map((q) => el('blockquote', { text: q })));
  };
  const locationText = (p) => {
    if (p.point_quality === 'geocoded') return L('pqGeocoded');
    const why = /坐标缺:([^;；]+)/.exec(p.source ?? '')?.[1];
    const base = L(p.point_quality === 'county_centroid' ? 'pqCounty' : 'pqCity');
    return why && state.lang === 'zh' ? `${base}；${L('whyUnknown', { r: why })}` : base;
  };

  function render() {
    const card = $('#card');
    if (!card) return;
    const z = state.zone ? actions.findZone(state.zone) : null;
    if (!z) { card.hidden = true; fill(card); return; }
    const p = z.properties;
    const dl = el('dl');
    const row = (k, ...v) => dl.append(el('dt', { text: L(k) }), el('dd', {}, ...v));
    row('level', state.lang === 'en' ? p.level_en || p.level || '' : p.level || '');
    row('cityCounty', [f.cityName(p.city_code), p.county_code ? f.countyName(p.county_code) : ''].filter(Boolean).join(' · '));
    row('lead', (p.lead_industries ?? []).map(industryName).join(state.lang === 'en' ? ', ' : '、') || L('unknown'));
    const links = p.cluster_links ?? (p.clusters ?? []).map((id) => ({ cluster_id: id }));
    row('clusterLinks', links.length ? el('ul', { class: 'plain' }, links.map((l) => {
      const c = data.clusters.find((x) => x.id === l.cluster_id);
      return el('li', {}, `${f.nameOf(c) || l.cluster_id} `, el('span', { class: 'muted small', text: `(${linkText(l)})` }));
    })) : L('none'));
    row('area', p.approved_area_ha != null ? `${p.approved_area_ha.toLocaleString()} ${L('ha')}` : L('unknown'));
    row('approvalDate', p.approval_date ?? L('unknown'));
    row('geomQuality', p.geom_quality ? L(p.geom_quality === 'approximate' ? 'approximate' : 'official') + (p.geom_quality === 'approximate' ? ` — ${L('approxOutline')}` : '')
      : L(p.point_quality === 'geocoded' ? 'geomNoneArea' : 'geomNoneUnknown'));
    if (p.point_quality) row('pointQuality', locationText(p));
    const recs = p.revenue ?? [];
    const rev = recs.length ? el('table', { class: 'rev' },
      el('thead', {}, el('tr', {}, ['year', 'yi', 'measure', 'bound', 'period', 'scope'].map((k) => el('th', { text: k === 'year' ? L('year') : L(k) })))),
      el('tbody', {}, recs.map((r) => el('tr', {},
        el('td', { text: String(r.year) }),
        el('td', { class: 'num', text: `${f.boundMark(f.recordBound(r))}${r.revenue_yi}` }),
        el('td', { text: f.measureName(r.measure ?? '') }),
        el('td', { text: L(f.recordBound(r) || r.bound || 'exact') }),
        el('td', { text: f.periodName(r.period) || L('fullYear') }),
        el('td', { class: r.scope && r.scope !== 'zone' ? 'scope-part' : '', text: f.scopeText(r.scope) || L('wholeZone') }),
      )))) : el('p', { text: L('noRevenue') });
    // Sources: every id the zone, its figures and its cluster links cite,
    // with the quotes the figures rest on.
    const quotes = new Map();
    const cite = (text, q) => { for (const id of sourceIDs(text)) { if (!quotes.has(id)) quotes.set(id, []); if (q) quotes.get(id).push(q); } };
    cite(p.source);
    for (const r of recs) cite(r.source, quoteOf(r.source));
    for (const l of links) if (!l.derived) cite(l.source);
    fill(card,
      el('header', {}, el('h2', { id: 'card-title', text: f.nameOf(p) }),
        el('button', { type: 'button', class: 'icon-btn close', 'aria-label': L('close'), text: '×', onclick: () => actions.select('') })),
      state.lang === 'en' ? el('p', { class: 'muted', lang: 'zh-CN', text: p.name }) : (p.name_en ? el('p', { class: 'muted', lang: 'en', text: p.name_en }) : null),
      p.revenue_yi != null ? el('p', { class: 'headline' }, el('i', { class: 'swatch', style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }), ` ${f.headlineText(p)}`) : null,
      dl,
      el('h3', { text: L('revenueByYear') }), rev,
      el('h3', { text: L('sources') }), el('ul', { class: 'sources' }, [...quotes].map(([id, qs]) => sourceItem(id, qs))),
      store.ents?.zoneSection(String(z.id)),
    );
    card.hidden = false;
  }

  store.on('results', render);
  store.on('selection', render);
  store.on('counties', () => { if (state.zone) render(); });
  return { render };
}
