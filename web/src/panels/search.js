// The search box: the server searches names, abbreviations (经开, 高新,
// 综保), English names, full pinyin and initials (GET /api/v1/search); a
// newer query aborts the request of an older one.
import { getJSON } from '../api.js';
import { $, el, fill } from '../dom.js';
import { formatters } from '../format.js';

export function mountSearch(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;
  const input = $('#search');
  const list = $('#search-results');
  let results = [];
  let active = -1;
  let shownQuery = '';
  const kindKey = { zone: 'zoneKind', city: 'cityKind', county: 'county' };
  let ctl = null;
  let timer = 0;
  const run = () => {
    clearTimeout(timer);
    const q = input.value.trim();
    if (!q) { ctl?.abort(); close(); return; }
    timer = setTimeout(async () => {
      ctl?.abort();
      ctl = new AbortController();
      try {
        const body = await getJSON(`/api/v1/search?limit=12&q=${encodeURIComponent(q)}`, { signal: ctl.signal });
        results = body.results.map((r) => ({ kind: kindKey[r.kind], id: String(r.id), o: { name: r.name, name_en: r.name_en, point: r.center } }));
      } catch (e) {
        if (e.name === 'AbortError') return;
        results = [];
      }
      shownQuery = q;
      active = results.length ? 0 : -1;
      draw();
    }, 120);
  };
  const draw = () => {
    list.hidden = false;
    list.dataset.query = shownQuery;
    input.setAttribute('aria-expanded', 'true');
    fill(list, ...(results.length ? results.map((r, i) => el('li', {
      role: 'option', id: `sr-${i}`, 'aria-selected': String(i === active), class: i === active ? 'active' : '',
      onmousedown: (e) => { e.preventDefault(); choose(i); },
    }, el('span', { text: f.nameOf(r.o) }), el('span', { class: 'muted', text: ` ${L(r.kind)}` }))) : [el('li', { class: 'muted', text: L('searchNone') })]));
    if (active >= 0) input.setAttribute('aria-activedescendant', `sr-${active}`);
  };
  const close = () => { list.hidden = true; input.setAttribute('aria-expanded', 'false'); input.removeAttribute('aria-activedescendant'); };
  const choose = (i) => {
    const r = results[i];
    if (!r) return;
    close();
    input.value = f.nameOf(r.o);
    if (r.kind === 'zoneKind') {
      if (!data.zones.some((z) => String(z.id) === r.id)) {
        // A zone outside the filter: clear the filter so it is on the map.
        Object.assign(state, { cluster: [], chain: [], region: '', city: '', tier: [], min_revenue: '', max_revenue: '' });
        store.emit('rebuild-filters');
        actions.refresh().then(() => actions.select(r.id));
      } else actions.select(r.id);
    } else if (r.o.point) {
      actions.flyTo(r.o.point, r.kind === 'county' ? 9.5 : 8.3);
    }
  };
  input.addEventListener('input', run);
  input.addEventListener('focus', () => { if (input.value) run(); });
  input.addEventListener('blur', close);
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      if (!results.length) return;
      active = (active + (e.key === 'ArrowDown' ? 1 : results.length - 1)) % results.length;
      draw();
    } else if (e.key === 'Enter') { e.preventDefault(); choose(Math.max(0, active)); } else if (e.key === 'Escape') close();
  });
}
