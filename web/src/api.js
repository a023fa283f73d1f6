// Thin client of layoutmap's HTTP API. Every URL is root-relative: the page,
// the API, tiles and fonts share one origin and nothing else is contacted.
//
// It is also the one data-source switch of the static site (`layoutmap
// export-site`, <body data-site="static">): there the same requests are
// answered by the site's files (what the server answers the same for every
// filter, exported from it) and by its WebAssembly engine (cmd/sitewasm:
// the server's own Go filter, store and response code) for the filtered
// ones, so panels never know which source they read.
import * as site from './site.js';

export class APIError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function getJSON(path, { signal } = {}) {
  if (site.STATIC) return site.getJSON(path, { signal, APIError });
  const res = await fetch(path, { signal, headers: { Accept: 'application/json, application/geo+json' } });
  if (!res.ok) {
    let problem = null;
    try { problem = await res.json(); } catch { /* not JSON */ }
    throw new APIError(res.status, problem);
  }
  return res.json();
}

// listOf accepts the shapes a taxonomy/list endpoint may answer with: a
// bare array, a FeatureCollection, or an object wrapping one array.
export function listOf(body, ...keys) {
  if (Array.isArray(body)) return body;
  if (body?.type === 'FeatureCollection') {
    return body.features.map((f) => ({ id: f.id ?? f.properties?.id, ...f.properties, geometry: f.geometry }));
  }
  for (const k of [...keys, 'items', 'data']) if (Array.isArray(body?.[k])) return body[k];
  return [];
}

// allItems pages through a collection (OGC API Features `next` links) and
// returns every feature.
export async function allItems(coll, params, { signal } = {}) {
  const q = new URLSearchParams(params);
  if (!q.has('limit')) q.set('limit', '1000');
  let url = `/api/v1/collections/${coll}/items?${q}`;
  const features = [];
  let matched = null;
  for (let i = 0; url && i < 50; i++) {
    const page = await getJSON(url, { signal });
    features.push(...(page.features ?? []));
    matched ??= page.numberMatched;
    const next = page.links?.find((l) => l.rel === 'next')?.href;
    url = next ? sameOrigin(next) : null;
  }
  return { features, numberMatched: matched ?? features.length };
}

// sameOrigin keeps only path and query of a link, so a server that writes
// absolute links with another host name never makes the page leave its origin.
function sameOrigin(href) {
  const u = new URL(href, location.href);
  return u.pathname + u.search;
}

// csvItems fetches a collection as CSV (f=csv): names and label points
// without geometry, a few kB where the GeoJSON of all counties is MBs.
export async function csvItems(coll, { signal } = {}) {
  const path = `/api/v1/collections/${coll}/items?limit=10000&f=csv`;
  const res = await fetch(site.STATIC ? site.fileURL(path) : path, { signal });
  if (!res.ok) throw new APIError(res.status, null);
  const rows = parseCSV((await res.text()).replace(/^\uFEFF/, ''));
  const head = rows.shift() ?? [];
  return rows.filter((r) => r.length === head.length).map((r) => Object.fromEntries(head.map((h, i) => [h, r[i]])));
}

// parseCSV reads RFC 4180 CSV (quoted fields, doubled quotes, CRLF).
export function parseCSV(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') { field += '"'; i++; } else if (ch === '"') quoted = false;
      else field += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') { row.push(field); field = ''; } else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += ch;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}
