// The 排名 panel: the filtered zones ranked by their headline figure (as
// the server sorted them), the downloads of that ranking and "copy link".
import * as urlstate from '../state.js';
import * as styles from '../style.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';

// exportURL is the server's item list of the current filter in format f
// (csv, xlsx), sorted as the ranking: the same columns as f=csv, written
// by one column list on the server.
export function exportURL(state, format) {
  const q = urlstate.filterParams(state);
  q.set('sortby', '-revenue'); q.set('limit', '10000'); q.set('f', format);
  return `/api/v1/collections/zones/items?${q}`;
}

export function mountList(store) {
  const { state, data, actions, probe } = store;
  const f = formatters(store);
  const L = f.L;

  function build() {
    fill($('#panel-list'), el('h2', { text: L('rank') }), el('p', { id: 'list-summary', class: 'muted' }),
      el('div', { class: 'row actions list-actions' },
        el('a', { id: 'list-csv', class: 'chip', href: '#', download: 'zones.csv', text: L('downloadCSV') }),
        el('a', { id: 'list-xlsx', class: 'chip', href: '#', download: 'zones.xlsx', text: L('downloadXLSX') }),
        el('button', { type: 'button', id: 'copy-link', class: 'chip', text: L('copyLink'), onclick: copyLink }),
        el('button', { type: 'button', id: 'print-map', class: 'chip', text: L('print'), onclick: () => actions.print() })),
      el('ol', { id: 'zone-list', class: 'zone-list' }));
  }

  // copyLink puts the page's URL (the whole view) on the clipboard.
  async function copyLink(e) {
    actions.writeURL();
    const btn = e.currentTarget;
    try { await navigator.clipboard.writeText(location.href); btn.textContent = L('copied'); } catch { btn.textContent = location.href; }
    setTimeout(() => { btn.textContent = L('copyLink'); }, 2500);
  }

  function render() {
    const ol = $('#zone-list');
    if (!ol) return;
    for (const [id, fmt] of [['#list-csv', 'csv'], ['#list-xlsx', 'xlsx']]) {
      const a = $(id);
      if (a) a.href = exportURL(state, fmt);
    }
    $('#list-summary').textContent = data.zones.length ? `${L('matchCount', { n: data.matched })} · ${f.filterDescription()}` : f.emptyMessage();
    // Zones with a comparable figure are numbered; the others follow,
    // unnumbered, under "无可比数据" (their other figures labelled).
    const ranked = data.zones.filter((z) => z.properties.revenue_yi != null);
    const rest = data.zones.filter((z) => z.properties.revenue_yi == null);
    const change = new Map((data.compare?.rows ?? []).map((r) => [r.id, r]));
    const row = (z, rank) => {
      const p = z.properties;
      const id = String(z.id);
      const other = rank ? '' : f.otherFigure(p);
      const ch = change.get(id);
      const btn = el('button', { type: 'button', class: 'zone-row' + (id === state.zone ? ' selected' : '') + (rank ? '' : ' unranked'), 'data-id': id, 'aria-current': id === state.zone ? 'true' : null },
        el('span', { class: 'rank', text: rank ? String(rank) : '' }),
        el('i', { class: 'swatch' + (p.bound === 'lower' ? ' lower' : ''), style: `background:${styles.TIER_COLORS[p.tier ?? 'no_data']}` }),
        el('span', { class: 'zname', text: f.nameOf(p) }),
        el('span', { class: 'zrev', text: rank ? f.headlineText(p) : other || L('noData') }),
        ch ? el('span', { class: 'zchange ' + (ch.comparable ? 'c-' + ch.class : 'c-none'), 'data-change': ch.comparable ? String(ch.change_yi) : '', text: f.changeText(ch) }) : null);
      btn.addEventListener('click', () => actions.select(id));
      btn.addEventListener('mouseenter', () => probe.setHover?.(id));
      btn.addEventListener('mouseleave', () => probe.setHover?.(null));
      btn.addEventListener('focus', () => probe.setHover?.(id));
      btn.addEventListener('blur', () => probe.setHover?.(null));
      return el('li', {}, btn);
    };
    const items = ranked.map((z, i) => row(z, i + 1));
    if (rest.length) items.push(el('li', { class: 'group-head', text: `${L('noComparable')} (${rest.length})` }), ...rest.map((z) => row(z, 0)));
    fill(ol, ...items);
  }

  store.on('lang', () => { build(); render(); });
  store.on('results', render);
  store.on('failed', render);
  store.on('selection', () => {
    render();
    document.querySelector(`.zone-row[data-id="${CSS.escape(state.zone || '')}"]`)?.scrollIntoView({ block: 'nearest' });
  });
  return { build, render };
}
