// Thin client of layoutmap's HTTP API. Every URL is root-relative: the page,
// the API, tiles and fonts share one origin and nothing else is contacted.

export class APIError extends Error {
  constructor(status, problem) {
    super(problem?.detail || problem?.title || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

export async function getJSON(path, { signal } = {}) {
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
