// The 图层 panel: layers, colouring, planning-region overlays and the
// per-city distribution of one cluster.
import * as urlstate from '../state.js';
import * as styles from '../style.js';
import { $, el, fill, field, fieldset, checkList } from '../dom.js';
import { formatters } from '../format.js';

export function mountLayers(store) {
  const { state, data, actions } = store;
  const f = formatters(store);
  const L = f.L;
  const set = (patch) => { Object.assign(state, patch); actions.refresh(); };

  function build() {
    const layerItems = urlstate.ALL_LAYERS.map((id) => ({ id, label: L({ boundaries: 'boundaries', counties: 'counties', zones: 'zonesLayer', labels: 'labels' }[id]) }));
    const color = el('div', { class: 'radios', role: 'radiogroup', 'aria-label': L('colorBy') },
      ['auto', 'tier', 'cluster'].map((v) => el('label', { class: 'check' },
        el('input', { type: 'radio', name: 'color', value: v, checked: state.color === v, onchange: () => set({ color: v }) }),
        el('span', { text: L({ auto: 'byAuto', tier: 'byTier', cluster: 'byCluster' }[v]) }))));
    const regionItems = data.regions.map((r, i) => ({ id: r.id, label: f.nameOf(r), swatch: styles.regionColorAt(i) }));
    const distSel = el('select', { id: 'l-dist' }, el('option', { value: '', text: L('distNone') }),
      data.clusters.map((c) => el('option', { value: c.id, text: f.nameOf(c), selected: state.dist === c.id })));
    distSel.addEventListener('change', () => set({ dist: distSel.value }));
    fill($('#panel-layers'),
      fieldset(L('layers'), checkList('layer', layerItems, state.layers, (v) => set({ layers: v }))),
      fieldset(L('colorBy'), color),
      fieldset(L('overlay'), checkList('overlay', regionItems, state.overlay, (v) => set({ overlay: v }))),
      field(L('distribution'), 'l-dist', distSel),
      store.ents?.section(),
    );
    store.ents?.count();
  }

  store.on('lang', build);
  return { build };
}
