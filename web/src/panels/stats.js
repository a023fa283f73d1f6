// The 统计 panel: zones and revenue per cluster, tiers against the plan
// targets, earlier plans and planned scale classes. Every number is the
// server's (/api/v1/stats/*): nothing is recomputed here, and when the
// statistics service cannot answer the panel says so.
import { TIERS } from '../i18n.js';
import * as styles from '../style.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';

// sourceIDs are the source ids (S13 …) a provenance text cites.
export function sourceIDs(text) {
  return [...new Set([...(text ?? '').matchAll(/(?:^|[^A-Za-z0-9])(S\d{2})(?![0-9])/g)].map((m) => m[1]))];
}

export function mountStats(store) {
  const { state, data } = store;
  const f = formatters(store);
  const L = f.L;

  function build() {
    fill($('#panel-stats'), el('div', { id: 'stats' }));
  }

  // yearLine names the one year a statistic uses and its coverage.
  function yearLine(doc) {
    if (!doc) return null;
    const basis = L({ filter: 'basisFilter', 'latest comparable': 'basisLatest', none: 'noData' }[doc.year_basis] ?? 'noData');
    const cov = state.lang === 'en' ? doc.coverage?.text_en : doc.coverage?.text;
    return el('p', { class: 'stat-year' }, el('strong', { text: doc.year ? L('yearOf', { y: doc.year }) : L('noData') }), ` (${basis}) · ${cov ?? ''}`);
  }

  function render() {
    const box = $('#stats');
    if (!box) return;
    const cs = data.statsClusters ?? [];
    const max = Math.max(1, ...cs.map((s) => s.zones ?? 0));
    const clusterRows = cs.map((s, i) => {
      const c = data.clusters.find((x) => x.id === s.cluster_id) ?? s;
      const idx = data.clusters.indexOf(c);
      const rev = s.revenue_yi ? ` · ${f.figureText(s.revenue_yi, { bound: s.revenue_bound, year: s.revenue_year, measure: s.measure })}` : '';
      return el('div', { class: 'bar-row', 'data-cluster': s.cluster_id, 'data-zones': String(s.zones ?? 0) },
        el('span', { class: 'bar-label', text: f.nameOf(c) || s.cluster_id }),
        el('span', { class: 'bar', style: `width:${(100 * (s.zones ?? 0)) / max}%;background:${styles.clusterColor(idx >= 0 ? idx : i)}` }),
        el('span', { class: 'bar-value', text: `${s.zones ?? 0} ${L('statsZones')}${rev}` }),
        s.measure ? el('span', { class: 'bar-note', text: L('statsComparable', { m: f.measureName(s.measure), n: s.revenue_n ?? 0 }) }) : null);
    });
    const td = data.statsDocs.tiers;
    const ts = data.statsTiers ?? [];
    const tierRows = ts.map((s) => {
      const tier = s.tier ?? {};
      const x = TIERS.find((y) => y.id === tier.id);
      const label = state.lang === 'en' ? (x?.en ?? tier.label_en) : (x?.zh ?? tier.label);
      return el('tr', { 'data-tier': tier.id },
        el('td', {}, el('i', { class: 'swatch', style: `background:${styles.TIER_COLORS[tier.id] ?? styles.PALETTE.other}` }), ` ${label ?? tier.id}`),
        el('td', { class: 'num', text: String(s.zones ?? 0) }),
        el('td', { class: 'muted small', text: s.lower ? `${L('lower')} ${s.lower}` : '' }));
    });
    const tc = td?.target_check;
    const targets = tc ? el('div', { class: 'targets' },
      el('h3', { text: L('targetHead', { y: tc.year, doc: tc.plan.document }) }),
      el('p', { class: 'muted small', text: `${f.planLabel(tc.plan)} · ${state.lang === 'en' ? td.coverage?.text_en : td.coverage?.text}` }),
      el('ul', { class: 'plain' }, tc.rows.map((r) => el('li', { class: 'target' + (r.met ? ' met' : ''), 'data-min': String(r.min_yi), 'data-at-or-above': String(r.at_or_above) },
        L('targetRow', { n: r.at_or_above, x: r.min_yi, l: r.lower, t: r.zones })))))
      : el('p', { class: 'muted', text: L('targetNone') });
    const history = (td?.earlier_plans ?? data.ref.plans.slice(1)).map((p) => el('li', {},
      p.targets.map((t) => L('historyRow', { doc: f.planLabel(p), y: p.target_year, x: t.min_yi, s: p.subject, t: t.zones })).join('；')));
    fill(box,
      compareSummary(),
      el('h2', { text: L('statsClusters') }),
      data.statsFromAPI.clusters ? null : el('p', { class: 'stats-unavailable', text: L('statsUnavailable') }),
      el('p', { class: 'muted', text: f.filterDescription() }),
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

  // compareSummary: the server's counts of the comparison (how many zones
  // went up, down …, how many could not be compared).
  function compareSummary() {
    const c = data.compare;
    if (!c) return null;
    const parts = c.classes.map((k) => `${state.lang === 'en' ? k.label_en : k.label} ${c.counts[k.id] ?? 0}`);
    return el('div', { class: 'compare-summary', 'data-comparable': String(c.comparable) },
      el('h2', { text: L('compareHead', { a: c.from, b: c.to }) }),
      el('p', { text: L('compareSummary', { n: c.comparable, z: c.zones, m: c.counts.not_comparable ?? 0 }) }),
      c.comparable ? el('p', { class: 'muted small', text: parts.join(state.lang === 'en' ? '; ' : '；') }) : null,
      el('p', { class: 'muted small', text: L('compareRule') }));
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
      if (p) return L('planOf', { plan: f.planLabel(p), y: p.target_year });
      const s = ids.map((id) => data.sources.get(id)?.title).filter(Boolean);
      return s.length ? L('planUnknown', { src: s.join('; ') }) : '';
    };
    return el('div', { class: 'planned' }, el('h3', { text: `${L('planned')} (${list.length})` }),
      el('p', { class: 'muted', text: L('plannedNote') }),
      el('ul', {}, list.map((c) => el('li', {}, el('strong', { text: c.scale_class }), ` ${f.nameOf(c)} `,
        el('span', { class: 'muted', text: (c.cities ?? []).map(f.cityName).join('、') }),
        el('div', { class: 'src', text: planOf(c) })))));
  }

  store.on('lang', () => { build(); render(); });
  store.on('results', render);
  store.on('failed', render);
  return { build, render };
}
