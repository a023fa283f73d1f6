// The 嵌入/导出 dialog: the iframe snippet, size presets, a live preview
// of the real /embed, and the /static PNG (1×/2×/3×) and SVG links.
import * as urlstate from './state.js';
import { $, el, fill, field, escapeAttr } from './dom.js';
import { formatters } from './format.js';

// embedQuery is the query of /embed and /static for the current filter.
// Without keepView the embed carries no camera and fits its content (the
// province, or the filtered zones with padding) at whatever size it is
// given; with keepView it opens on the current centre and zoom.
function embedQuery(state, extra, { keepView = false } = {}) {
  const q = new URLSearchParams(urlstate.serialize(state, { withPanel: false }));
  q.delete('zone');
  // compare stays: /embed and /static draw the comparison mode too (the
  // change classes of /api/v1/stats/change, geo.ZoneChange).
  if (!keepView) { q.delete('center'); q.delete('zoom'); }
  for (const [k, v] of Object.entries(extra)) if (v !== '' && v != null) q.set(k, v);
  return q;
}

// Size presets of the embed (iframe width; its height follows the content)
// and of the images (a Word page is about 16 cm wide: 1200 px at 2× is
// 300 dpi at 10 cm).
// Print widths of the images (width_mm: type is set in points for that
// width, see docs/embedding.md "Print units"): a column, half a page and
// the A4 text block; '' is the server's default (the natural size at 96
// px/in, at most 180 mm). The server accepts 24–600 px per inch.
const PRINT_MM = ['', '80', '120', '180'];
const MIN_DPI = 24;
const MAX_DPI = 600;

const PRESETS = [
  { id: 'narrow', w: 320, h: 360 },
  { id: 'column', w: 600, h: 560 },
  { id: 'wide', w: 1000, h: 800 },
  { id: 'full', w: 0, h: 0 },
];

export function openEmbed(store) {
  const { state } = store;
  const f = formatters(store);
  const L = f.L;
  const dlg = $('#embed-dialog');
  const title = el('input', { id: 'e-title', type: 'text', value: `${L('title')} · ${f.filterDescription()}` });
  const legend = el('input', { id: 'e-legend', type: 'checkbox', checked: true });
  const plain = el('input', { id: 'e-plain', type: 'checkbox' });
  const keep = el('input', { id: 'e-keep', type: 'checkbox' });
  const w = el('input', { id: 'e-w', type: 'number', min: '200', max: '4096', value: '1200' });
  const h = el('input', { id: 'e-h', type: 'number', min: '200', max: '4096', value: '800' });
  const snippet = el('textarea', { id: 'e-snippet', rows: '4', readonly: true });
  const png = el('input', { id: 'e-png', type: 'text', readonly: true });
  const svg = el('input', { id: 'e-svg', type: 'text', readonly: true });
  const pngLinks = el('span', { class: 'links', id: 'e-png-links' });
  const svgLink = el('a', { id: 'e-svg-open', target: '_blank', rel: 'noopener', text: L('openSvg') });
  const preview = el('iframe', { id: 'e-preview', title: L('preview'), loading: 'lazy' });
  const previewBox = el('div', { class: 'preview-box' }, preview);
  let preset = 'full';
  const presetBtns = el('div', { class: 'presets', role: 'group', 'aria-label': L('sizePreset') }, PRESETS.map((p) => el('button', {
    type: 'button', 'data-preset': p.id, 'aria-pressed': String(p.id === preset), text: L('preset_' + p.id),
    onclick: () => {
      preset = p.id;
      if (p.w) { w.value = String(p.w * 2); h.value = String(p.h * 2); }
      for (const b of presetBtns.children) b.setAttribute('aria-pressed', String(b.dataset.preset === preset));
      update();
    },
  })));
  let mm = '';
  const mmBtns = el('div', { class: 'presets mm-presets', role: 'group', 'aria-label': L('printWidth') }, PRINT_MM.map((v) => el('button', {
    type: 'button', 'data-mm': v, 'aria-pressed': String(v === mm), text: v ? `${v} mm` : L('printWidthDefault'),
    onclick: () => {
      mm = v;
      for (const b of mmBtns.children) b.setAttribute('aria-pressed', String(b.dataset.mm === mm));
      update();
    },
  })));
  const mmNote = el('p', { id: 'e-mm-note', class: 'muted small', 'aria-live': 'polite' });
  const imgPreview = el('img', { id: 'e-img-preview', alt: L('printPreview') });
  const bandNote = el('p', { id: 'e-bands-note', class: 'muted small', 'aria-live': 'polite' });
  // A small print width puts title, legend and sources in bands around the
  // map (the image grows): say so with the image's real height; an image
  // too small for them is refused by the server: show its reason.
  imgPreview.addEventListener('load', () => {
    const wmm = parseFloat(imgPreview.style.width);
    const pxW = Number(w.value), pxH = Number(h.value);
    if (!imgPreview.naturalWidth || !wmm) return;
    const hmm = (wmm * imgPreview.naturalHeight) / imgPreview.naturalWidth;
    const mh = (wmm * pxH) / pxW;
    bandNote.classList.remove('warn');
    bandNote.textContent = hmm > mh + 1 ? L('printBands', { h: Math.round(hmm), mh: Math.round(mh) }) : '';
  });
  imgPreview.addEventListener('error', async () => {
    const src = imgPreview.src;
    let detail = '';
    try {
      const r = await fetch(src);
      if (!r.ok) detail = (await r.json()).detail || `HTTP ${r.status}`;
    } catch { /* offline: say nothing we do not know */ }
    if (src !== imgPreview.src || !detail) return;
    bandNote.classList.add('warn');
    bandNote.textContent = L('printRefused', { detail });
  });
  const imgBox = el('figure', { class: 'img-preview' }, imgPreview, el('figcaption', { class: 'muted small', text: L('printPreview') }));
  let imgSrc = '';
  let previewSrc = '';
  const update = () => {
    const common = { title: plain.checked ? '' : title.value, legend: legend.checked && !plain.checked ? '1' : '0', plain: plain.checked ? '1' : '', lang: state.lang };
    const eq = embedQuery(state, common, { keepView: keep.checked });
    const src = `${location.origin}/embed?${eq}`;
    const p = PRESETS.find((x) => x.id === preset);
    const width = p.w ? `width:${p.w}px;max-width:100%` : 'width:100%';
    snippet.value = `<iframe src="${escapeAttr(src)}" title="${escapeAttr(title.value)}" style="${width};border:0" height="${p.h || 520}" loading="lazy"></iframe>\n<script src="${location.origin}/embed.js" async></script>`;
    const sq = embedQuery(state, { ...common, width: w.value, height: h.value, width_mm: mm });
    if (!state.layers.length) sq.delete('layers');
    // The chain view is a panel of the app: an image shows the chain's
    // enterprises through ent_chain, which the view sets.
    sq.delete('chain_view');
    png.value = `${location.origin}/static/map.png?${sq}`;
    svg.value = `${location.origin}/static/map.svg?${sq}`;
    svgLink.href = svg.value;
    fill(pngLinks, L('pngScale'), ...[1, 2, 3].map((k) => {
      const q = new URLSearchParams(sq);
      if (k > 1) q.set('scale', String(k));
      return el('a', { href: `${location.origin}/static/map.png?${q}`, target: '_blank', rel: 'noopener', 'data-scale': String(k),
        text: `${k}× (${Number(w.value) * k}×${Number(h.value) * k})` });
    }));
    // The print size: width_mm and the density it gives (the server refuses
    // less than 24 or more than 600 px per inch, so say it here first).
    const pxW = Number(w.value), pxH = Number(h.value);
    const wmm = mm ? Number(mm) : Math.min(180, (pxW / 96) * 25.4);
    const dpi = (pxW / wmm) * 25.4;
    const bad = dpi < MIN_DPI || dpi > MAX_DPI;
    mmNote.textContent = bad ? L('printWidthBad', { mm: mm || Math.round(wmm), dpi: Math.round(dpi), min: MIN_DPI, max: MAX_DPI })
      : L('printSize', { w: Math.round(wmm), h: Math.round((wmm * pxH) / pxW), d1: Math.round(dpi), d2: Math.round(dpi * 2), d3: Math.round(dpi * 3) });
    mmNote.classList.toggle('warn', bad);
    // The image itself at its print width (CSS mm): what the report shows.
    imgPreview.style.width = `${wmm}mm`;
    if (svg.value !== imgSrc && !bad) { imgSrc = svg.value; bandNote.textContent = ''; imgPreview.src = svg.value; }
    // Live preview: the real /embed at the chosen width, scaled to fit.
    const pw = p.w || 600;
    preview.style.width = `${pw}px`;
    preview.style.height = `${Math.round(pw * 0.92) + 90}px`;
    const boxW = Math.min(600, dlg.clientWidth - 40 || 560);
    const k = Math.min(1, boxW / pw);
    preview.style.transform = `scale(${k})`;
    previewBox.style.height = `${Math.round((Math.round(pw * 0.92) + 90) * k)}px`;
    if (src !== previewSrc) { previewSrc = src; preview.src = src; }
  };
  let timer = 0;
  const later = () => { clearTimeout(timer); timer = setTimeout(update, 250); };
  for (const i of [legend, plain, keep, w, h]) i.addEventListener('input', update);
  title.addEventListener('input', later);
  const copyBtn = (target) => el('button', { type: 'button', text: L('copy'), onclick: async (e) => {
    target.select();
    try { await navigator.clipboard.writeText(target.value); } catch { document.execCommand?.('copy'); }
    e.target.textContent = L('copied');
  } });
  fill(dlg, el('form', { method: 'dialog', class: 'embed-form' },
    el('header', {}, el('h2', { id: 'embed-title', text: L('embedTitle') }), el('button', { class: 'icon-btn close', value: 'close', 'aria-label': L('close'), text: '×' })),
    field(L('embedMapTitle'), 'e-title', title),
    el('label', { class: 'check', for: 'e-legend' }, legend, L('embedLegend')),
    el('label', { class: 'check', for: 'e-plain' }, plain, L('embedPlain')),
    el('label', { class: 'check', for: 'e-keep' }, keep, L('embedKeepView')),
    el('p', { class: 'muted small', text: L('embedFitNote') }),
    presetBtns,
    previewBox,
    field(L('iframeSnippet'), 'e-snippet', snippet, copyBtn(snippet)),
    el('div', { class: 'row' }, field(L('widthPx'), 'e-w', w), field(L('heightPx'), 'e-h', h)),
    el('div', { class: 'field' }, el('span', { class: 'field-label', text: L('printWidth') }), mmBtns, mmNote, bandNote),
    imgBox,
    field(L('staticPng'), 'e-png', png, copyBtn(png), pngLinks),
    field(L('staticSvg'), 'e-svg', svg, copyBtn(svg), svgLink),
  ));
  dlg.showModal();
  update();
}

