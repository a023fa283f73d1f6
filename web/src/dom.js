// Small DOM helpers shared by every panel.

export const $ = (sel, root = document) => root.querySelector(sel);

// el creates an element: attrs (class, text, on… listeners, booleans) and
// children (null and false are skipped).
export const el = (tag, attrs = {}, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v == null || v === false) continue;
    if (k === 'class') e.className = v;
    else if (k === 'text') e.textContent = v;
    else if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  for (const kid of kids.flat()) if (kid != null) e.append(kid);
  return e;
};

// fill replaces node's children, skipping null and false like el() does
// (replaceChildren itself would write them as the text "null").
export const fill = (node, ...kids) => node.replaceChildren(...kids.flat().filter((k) => k != null && k !== false));

export function field(label, id, ...inputs) {
  return el('div', { class: 'field' }, el('label', { for: id, text: label }), ...inputs);
}

export function fieldset(legend, ...kids) {
  return el('fieldset', {}, el('legend', { text: legend }), ...kids);
}

// checkList is a group of checkboxes; onChange gets the ticked ids.
export function checkList(name, items, selected, onChange) {
  const box = el('div', { class: 'checklist', role: 'group', 'aria-label': name });
  for (const it of items) {
    const id = `${name}-${it.id}`.replace(/[^\w-]/g, '_');
    const cb = el('input', { type: 'checkbox', id, value: it.id, checked: selected.includes(it.id) });
    cb.addEventListener('change', () => onChange([...box.querySelectorAll('input:checked')].map((i) => i.value)));
    box.append(el('label', { for: id, class: 'check' }, cb, el('span', { text: it.label }), it.swatch ? el('i', { class: 'swatch', style: `background:${it.swatch}` }) : null));
  }
  return box;
}

export function escapeAttr(s) {
  return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

export const narrow = () => window.innerWidth <= 760;

// prefers-reduced-motion: camera moves jump instead of flying.
const reducedMotion = () => window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
export const motion = (ms) => (reducedMotion() ? 0 : ms);

// ---------- geometry ----------
// Henan's extent (geo.HenanBound without its margin) for the initial view.
export const HENAN = [[110.35, 31.38], [116.65, 36.37]];

export function eachCoord(g, fn) {
  if (!g) return;
  const walk = (c) => (typeof c[0] === 'number' ? fn(c) : c.forEach(walk));
  if (g.type === 'GeometryCollection') g.geometries.forEach((x) => eachCoord(x, fn));
  else walk(g.coordinates);
}

export function bboxOf(g) {
  const b = [Infinity, Infinity, -Infinity, -Infinity];
  eachCoord(g, ([x, y]) => { b[0] = Math.min(b[0], x); b[1] = Math.min(b[1], y); b[2] = Math.max(b[2], x); b[3] = Math.max(b[3], y); });
  return Number.isFinite(b[0]) ? b : null;
}

export function centreOf(g) {
  if (g.type === 'Point') return g.coordinates;
  const b = bboxOf(g);
  return [(b[0] + b[2]) / 2, (b[1] + b[3]) / 2];
}
