// One formatting of names, figures and filters for every panel: a figure
// always with its bound, year, period and measure. formatters(store)
// binds them to the store's language and reference data.
import { t, TIERS } from './i18n.js';

export function formatters(store) {
  const { state, data } = store;
  const L = (key, vars) => t(state.lang, key, vars);
  const en = () => state.lang === 'en';
  const nameOf = (o) => (en() ? o?.name_en || o?.name : o?.name) ?? '';
  const fmtYi = (x) => (x == null ? '–' : `${x.toLocaleString(en() ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 })}亿`);
  const measureName = (m) => (en() ? data.ref.dictionary?.measures?.[m] || m : m);
  const periodName = (per) => {
    if (!per || per === 'full_year') return '';
    const d = data.ref.dictionary?.periods?.[per];
    return d ? d[state.lang] ?? d.zh : per;
  };
  const boundMark = (b) => (b === 'lower' ? '≥' : b === 'upper' ? '≤' : '');
  // scopeText marks a figure that counts one part of the zone only
  // ("仅食品产业", "food industry only"), as geo.ScopeText: '' for the whole
  // zone. English from the dataset's dictionary; an unknown part as written.
  const scopeText = (sc) => {
    if (!sc || sc === 'zone') return '';
    return en() ? `${data.ref.dictionary?.scopes?.[sc] || sc} only` : `仅${sc}`;
  };
  // figureText: "≥217.4亿 (2019, 一季度 四上企业营业收入)" — the figure with its
  // bound, year, period, measure and, for a part of the zone, its scope, as
  // every surface shows it.
  const figureText = (v, { bound, year, period, measure, scope }) => {
    const parts = [year, [periodName(period), measureName(measure)].filter(Boolean).join(' '), scopeText(scope)].filter(Boolean);
    return `${boundMark(bound)}${fmtYi(v)}${parts.length ? ` (${parts.join(en() ? ', ' : '，')})` : ''}`;
  };
  // headlineText is a zone's headline figure (items/tiles properties).
  const headlineText = (p) => figureText(p.revenue_yi, { bound: p.bound, year: p.revenue_year, period: p.period, measure: p.measure, scope: p.scope });
  // recordBound is a record's bound as a statement about the whole zone's
  // year (a part-year figure, or one of a part of the zone, is a lower
  // bound), as geo.EffectiveBound.
  const recordBound = (r) => {
    if ((!r.period || r.period === 'full_year') && (!r.scope || r.scope === 'zone')) return r.bound;
    return r.bound === 'upper' ? '' : 'lower';
  };
  // otherFigure is the latest figure of another measure family for a zone
  // without a comparable one, labelled with its measure: shown, never ranked.
  // With a year selected, a figure of the zone's own family from another
  // year is labelled as such ("其他年份"), not as another measure.
  const familyOf = (m) => (data.ref.families ?? []).find((f) => (f.measures ?? []).some((x) => x.name === m))?.id ?? '';
  const otherFigure = (p) => {
    const recs = (p.revenue ?? []).filter((r) => recordBound(r));
    if (!recs.length) return '';
    const r = recs.reduce((a, b) => (b.year > a.year ? b : a));
    const label = familyOf(r.measure) === (state.measure || 'revenue') ? L('otherYears') : L('otherFamilies');
    return `${label}: ${figureText(r.revenue_yi, { bound: recordBound(r), year: r.year, period: r.period, measure: r.measure, scope: r.scope })}`;
  };
  const tierName = (id) => { const x = TIERS.find((y) => y.id === id); return x ? x[state.lang] : id; };
  const cityName = (code) => nameOf(data.cities.find((c) => c.code === code)) || code || '';
  const countyName = (code) => nameOf(data.counties.find((c) => c.code === code)) || code || '';
  const filterDescription = () => {
    const parts = [];
    if (state.min_revenue) parts.push(`≥ ${state.min_revenue}亿`);
    if (state.max_revenue) parts.push(`≤ ${state.max_revenue}亿`);
    const names = (ids, list) => ids.map((id) => nameOf(list.find((x) => x.id === id)) || id).join('、');
    if (state.cluster.length) parts.push(names(state.cluster, data.clusters));
    if (state.chain.length) parts.push(names(state.chain, data.chains));
    if (state.region) parts.push(names([state.region], data.regions));
    if (state.city) parts.push(cityName(state.city));
    if (state.tier.length) parts.push(state.tier.map(tierName).join('、'));
    if (state.measure === 'output') parts.push(L('famOutput'));
    parts.push(state.year ? L('filterYear', { y: state.year }) : L('filterLatest'));
    if (state.compare) parts.push(L('compareWith', { y: state.compare }));
    return parts.join(en() ? ', ' : '，');
  };
  // changeText: a zone's change between the compared years as the server
  // classed it (GET /api/v1/stats/change), with both figures; a pair that
  // cannot be compared says why and never shows a percentage.
  const reasonKey = {
    'no comparable figure in the from year': 'reasonFrom', 'no comparable figure in the to year': 'reasonTo',
    'the bounds of the two figures fix no change': 'reasonBounds', 'the from figure is 0': 'reasonZero',
  };
  const fig = (x) => (x ? `${x.year} ${boundMark(x.bound)}${fmtYi(x.revenue_yi)}` : '');
  const changeText = (ch) => {
    const pair = [fig(ch.from), fig(ch.to)].filter(Boolean).join(' → ');
    if (!ch.comparable) return `${L('notComparable')}: ${L(reasonKey[ch.reason] ?? 'reasonBounds')}${pair ? ` (${pair})` : ''}`;
    const sign = (x) => (x > 0 ? '+' : x < 0 ? '−' : '±');
    const at = ch.change_bound === 'lower' ? L('atLeast2') : ch.change_bound === 'upper' ? L('atMost2') : '';
    const pct = `${sign(ch.change_pct)}${Math.abs(ch.change_pct).toLocaleString(en() ? 'en-US' : 'zh-CN', { maximumFractionDigits: 1 })}%`;
    const yi = `${sign(ch.change_yi)}${fmtYi(Math.abs(ch.change_yi))}`;
    const measures = ch.same_measure ? '' : ` · ${L('measuresDiffer', { a: measureName(ch.from.measure), b: measureName(ch.to.measure) })}`;
    const scopes = ch.same_scope === false ? ` · ${L('scopesDiffer', { a: scopeText(ch.from.scope) || L('wholeZone'), b: scopeText(ch.to.scope) || L('wholeZone') })}` : '';
    return `${at}${pct}${en() ? ` (${yi})` : `（${yi}）`} · ${pair}${measures}${scopes}`;
  };
  const emptyMessage = () => L('noMatch', { f: filterDescription() });
  const planLabel = (plan) => `${en() ? plan.title_en : plan.title} ${plan.document}`;
  return { L, changeText, nameOf, fmtYi, measureName, periodName, scopeText, boundMark, figureText, headlineText, recordBound, otherFigure, tierName, cityName, countyName, filterDescription, emptyMessage, planLabel };
}
