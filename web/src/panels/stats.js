// The 统计 panel: zones and revenue per cluster, tiers against the plan
// targets, earlier plans and planned scale classes. Every number is the
// server's (/api/v1/stats/*): nothing is recomputed here, and when the
// statistics service cannot answer the panel says so.
import { TIERS } from '../i18n.js';
import * as styles from '../style.js';
import * as urlstate from '../state.js';
import { getJSON } from '../api.js';
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
        el('span', { class: 'bar-value', text: `${L('statsZonesN', { n: s.zones ?? 0 })}${rev}` }),
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
    // partText names the zones a target row counts through a figure of one
    // part of the zone ("漯河经开区 仅食品产业"): a lower bound, said so.
    const partText = (r) => {
      if (!r.part_scope?.length) return '';
      const zs = r.part_scope.map((id) => data.zones.find((z) => String(z.id) === id)?.properties);
      const names = zs.map((p, i) => (p ? f.nameOf(p) : r.part_scope[i])).join(state.lang === 'en' ? ', ' : '、');
      const scopes = [...new Set(zs.map((p) => (p ? f.scopeText(p.scope) : '')).filter(Boolean))].join(state.lang === 'en' ? ', ' : '、');
      return L('targetPart', { z: names, s: scopes });
    };
    const targets = tc ? el('div', { class: 'targets' },
      el('h3', { text: L('targetHead', { y: tc.year, doc: tc.plan.document }) }),
      el('p', { class: 'muted small', text: `${f.planLabel(tc.plan)} · ${state.lang === 'en' ? td.coverage?.text_en : td.coverage?.text}` }),
      el('ul', { class: 'plain' }, tc.rows.map((r) => el('li', { class: 'target' + (r.met ? ' met' : ''), 'data-min': String(r.min_yi), 'data-at-or-above': String(r.at_or_above) },
        L('targetRow', { n: r.at_or_above, x: r.min_yi, l: r.lower, t: r.zones }) + partText(r)))))
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
      el('div', { id: 'ent-stats' }),
    );
    renderEnt();
  }

  // ---------- enterprises (issue 15) ----------
  // The enterprise statistics of the map's enterprise layer: its filter
  // (class, chain: urlstate.entParams, the filter of its tiles) counted
  // per city, class and chain by /api/v1/stats/enterprises, and, when a
  // zone is selected, that zone's counts under the same filter. Nothing is
  // counted here.
  let entSeq = 0;
  let entKey = '';
  const ent = { all: null, zone: null, zoneId: '', failed: false };
  async function loadEnt() {
    if (!data.ent.available) return;
    const q = urlstate.entParams(state);
    // The map's year selects no enterprise (geo's year rule); the server
    // then says whether the list describes it.
    if (state.year) q.set('year', state.year);
    const key = `${q}|${state.zone}`;
    if (key === entKey) return;
    const my = ++entSeq;
    try {
      const zq = new URLSearchParams(q);
      zq.set('zone', state.zone);
      const [all, zone] = await Promise.all([
        getJSON('/api/v1/stats/enterprises?' + q),
        state.zone ? getJSON('/api/v1/stats/enterprises?' + zq) : null,
      ]);
      if (my !== entSeq) return;
      Object.assign(ent, { all, zone, zoneId: state.zone, failed: false });
    } catch {
      if (my !== entSeq) return;
      Object.assign(ent, { all: null, zone: null, zoneId: '', failed: true });
    }
    entKey = key;
    renderEnt();
  }

  // groupTable is one group of a statistics document (city, class, chain)
  // as a table of name and count, in the server's order.
  function groupTable(doc, group, { nonZero = false } = {}) {
    const g = doc.groups.find((x) => x.group === group);
    if (!g) return null;
    const items = nonZero ? g.items.filter((it) => it.count > 0) : g.items;
    return el('div', { class: 'ent-group' },
      el('h4', { text: state.lang === 'en' ? g.title_en : g.title }),
      el('table', { class: 'tiers ent-stats', 'data-group': group }, el('tbody', {}, items.map((it) => el('tr', { 'data-id': it.id, 'data-count': String(it.count) },
        el('td', { text: f.nameOf(it) || it.id }), el('td', { class: 'num', text: it.count.toLocaleString() }))))));
  }

  function renderEnt() {
    const box = $('#ent-stats');
    if (!box) return;
    if (!data.ent.available) { fill(box); return; }
    const head = el('h2', { text: L('entStatsHead') });
    if (ent.failed) { fill(box, head, el('p', { class: 'stats-unavailable', text: L('statsUnavailable') })); return; }
    const doc = ent.all;
    if (!doc) { fill(box, head, el('p', { class: 'muted', text: L('loading') })); return; }
    const rule = state.lang === 'en' ? doc.rule : doc.rule_zh;
    const zdoc = state.zone && ent.zoneId === state.zone ? ent.zone : null;
    const zone = zdoc ? store.actions.findZone(state.zone) : null;
    fill(box, head,
      el('p', { class: 'muted', text: entFilterText() }),
      doc.synthetic ? el('p', { class: 'synthetic-note small', text: L('entSyntheticNote') }) : null,
      doc.year_note ? el('p', { id: 'ent-stats-year-note', class: 'year-note', text: state.lang === 'en' ? doc.year_note : doc.year_note_zh }) : null,
      el('p', { id: 'ent-stats-total', 'data-total': String(doc.total), 'data-no-zone': String(doc.no_zone ?? 0), text: L('entStatsTotal', { n: doc.total.toLocaleString(), z: (doc.no_zone ?? 0).toLocaleString() }) }),
      el('p', { class: 'muted small', text: rule ?? '' }),
      zdoc ? el('div', { id: 'ent-stats-zone', 'data-zone': state.zone, 'data-total': String(zdoc.total) },
        el('h3', { text: L('entStatsZone', { z: f.nameOf(zone?.properties) || state.zone, n: zdoc.total.toLocaleString() }) }),
        groupTable(zdoc, 'class', { nonZero: true }), groupTable(zdoc, 'chain', { nonZero: true })) : null,
      groupTable(doc, 'city'), groupTable(doc, 'class'), groupTable(doc, 'chain'));
  }

  // entFilterText names the enterprise layer's filter (all, classes, chain).
  function entFilterText() {
    const parts = [];
    const cls = data.ref.enterprise_classes ?? [];
    if (state.ent_class.length) parts.push(state.ent_class.map((id) => f.nameOf(cls.find((c) => c.id === id)) || id).join('、'));
    if (state.ent_chain) parts.push(f.nameOf(data.chains.find((c) => c.id === state.ent_chain)) || state.ent_chain);
    return L('entStatsFilter', { f: parts.length ? parts.join(state.lang === 'en' ? ', ' : '，') : L('entStatsAll') });
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
  store.on('results', () => { render(); loadEnt(); });
  store.on('failed', render);
  store.on('ent', loadEnt);
  store.on('selection', () => { renderEnt(); loadEnt(); });
  return { build, render };
}
