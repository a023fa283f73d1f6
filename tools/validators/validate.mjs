// Runs the ecosystem's validators against a running layoutmap server:
//   node validate.mjs http://127.0.0.1:PORT
// MapLibre style spec (current and 20.x) on the style, swagger-parser on
// the OpenAPI document (and every pattern as ECMA-262), check-geojson on
// every collection's items and one item, ajv on TileJSON (TileJSON 3.0.0
// schema), ajv on the OGC API – Tiles documents, html-validate on the HTML
// pages, and on every JSON Schema the server serves (compiled, then every
// feature validated against its collection's schema). Prints one line per
// check and a JSON summary; exits 1 when any check fails.
import { readFileSync } from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';
import { validateStyleMin as validateCurrent } from '@maplibre/maplibre-gl-style-spec';
import { validateStyleMin as validate20 } from 'style-spec-20';
import { check as checkGeoJSON } from '@placemarkio/check-geojson';
import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020.js';
import { HtmlValidate } from 'html-validate';

const base = process.argv[2];
if (!base) {
  console.error('usage: node validate.mjs BASE_URL');
  process.exit(2);
}
const failures = [];
const results = {};
function record(name, errors) {
  results[name] = errors.length === 0 ? 'ok' : errors;
  if (errors.length) failures.push(name);
  console.log(`${errors.length ? 'FAIL' : 'ok  '} ${name}${errors.length ? ': ' + JSON.stringify(errors).slice(0, 2000) : ''}`);
}
async function get(path, accept = 'application/json') {
  const res = await fetch(base + path, { headers: { Accept: accept } });
  const text = await res.text();
  if (!res.ok) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 300)}`);
  return { text, json: () => JSON.parse(text), type: res.headers.get('content-type') };
}

// Style: the known-unsupported ones are listed by the caller (env
// STYLE_KNOWN_ERRORS, a regular expression), so the test states them.
const known = process.env.STYLE_KNOWN_ERRORS ? new RegExp(process.env.STYLE_KNOWN_ERRORS) : null;
for (const lang of ['zh', 'en']) {
  const style = (await get(`/styles/layout.json?lang=${lang}`)).json();
  for (const [name, validate] of [['style-spec current', validateCurrent], ['style-spec 20.x', validate20]]) {
    const errs = validate(style).map((e) => e.message).filter((m) => !(known && known.test(m)));
    record(`${name} (lang=${lang})`, errs);
  }
}

// OpenAPI 3.0: structure by swagger-parser, patterns as ECMA-262 (no u
// flag, as OpenAPI 3.0 prescribes), compiled by ajv.
const openapi = (await get('/api/v1/openapi.json', 'application/vnd.oai.openapi+json;version=3.0')).json();
try {
  await SwaggerParser.validate(structuredClone(openapi));
  record('swagger-parser', []);
} catch (e) {
  record('swagger-parser', [String(e.message)]);
}
{
  const errs = [];
  const ajv = new Ajv({ strict: true, unicodeRegExp: false });
  ajv.addFormat('binary', true);
  const walk = (node, path) => {
    if (Array.isArray(node)) return node.forEach((n, i) => walk(n, `${path}/${i}`));
    if (node && typeof node === 'object') {
      if (typeof node.pattern === 'string') {
        try {
          const re = new RegExp(node.pattern);
          if (/\\p\{/.test(node.pattern)) errs.push(`${path}: \\p{…} is not ECMA-262 without the u flag`);
          if (path.includes('city') && !re.test('豫北') && re.test('410100')) errs.push(`${path}: ${node.pattern} rejects 豫北`);
        } catch (e) {
          errs.push(`${path}: ${e.message}`);
        }
      }
      if (typeof node.in === 'string' && node.schema && typeof node.schema === 'object') {
        try {
          ajv.compile(node.schema);
        } catch (e) {
          errs.push(`${path}/schema: ${e.message}`);
        }
      }
      for (const [k, v] of Object.entries(node)) walk(v, `${path}/${k}`);
    }
  };
  walk(openapi, '');
  record('OpenAPI patterns and parameter schemas (ajv, ECMA-262)', errs);
}

// TileJSON 3.0.0.
{
  const schema = JSON.parse(readFileSync(new URL('./tilejson-3.0.0.schema.json', import.meta.url)));
  const ajv = new Ajv({ strict: true, allErrors: true });
  const validate = ajv.compile(schema);
  const tj = (await get('/tiles/layout.json?year=2023&cluster=equipment')).json();
  record('TileJSON 3.0.0 (ajv)', validate(tj) ? [] : validate.errors);
}

// OGC API – Tiles: tilesets lists, tileset metadata and the tile matrix
// sets against the schemas of the standard's own OpenAPI bundle
// (ogcapi-tiles-1.schemas.json, from opengeospatial/ogcapi-tiles), which
// carry OGC 2D TMS 2.0's tileset and tile matrix set models. Those are
// OpenAPI 3.0 schema objects (example, format uri), hence strict off and
// formats not checked; every structural keyword applies.
{
  const bundle = JSON.parse(readFileSync(new URL('./ogcapi-tiles-1.schemas.json', import.meta.url)));
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addSchema({ $id: 'https://ogcapi-tiles.local/bundle.json', components: bundle.components });
  const ref = (p) => ajv.compile({ $ref: `https://ogcapi-tiles.local/bundle.json#/components/${p}` });
  const checks = [
    ['responses/TileSetsList/content/application~1json/schema', ['/api/v1/tiles', '/api/v1/tiles?year=2023', '/api/v1/collections/zones/tiles', '/api/v1/collections/cities/tiles']],
    ['schemas/tileSet', ['/api/v1/tiles/WebMercatorQuad', '/api/v1/tiles/WebMercatorQuad?year=2023&tier=t1000', '/api/v1/collections/zones/tiles/WebMercatorQuad', '/api/v1/collections/counties/tiles/WebMercatorQuad']],
    ['responses/TileMatrixSetsList/content/application~1json/schema', ['/api/v1/tileMatrixSets']],
    ['schemas/tileMatrixSet', ['/api/v1/tileMatrixSets/WebMercatorQuad']],
  ];
  for (const [schema, paths] of checks) {
    const validate = ref(schema);
    for (const path of paths) {
      const doc = (await get(path)).json();
      record(`OGC API Tiles ${schema.split('/')[1]}: ${path}`, validate(doc) ? [] : validate.errors);
    }
  }
}

// HTML pages (OGC API Features conf/html) with html-validate's
// recommended rules.
{
  const hv = new HtmlValidate({ extends: ['html-validate:recommended'] });
  const pages = ['/api/v1/', '/api/v1/conformance', '/api/v1/openapi.json', '/api/v1/collections'];
  for (const c of ['cities', 'counties', 'zones', 'regions']) {
    pages.push(`/api/v1/collections/${c}`, `/api/v1/collections/${c}/items?limit=50`, `/api/v1/collections/${c}/queryables`, `/api/v1/collections/${c}/schema`);
  }
  pages.push('/api/v1/collections/zones/items?year=2023&sortby=-revenue', '/api/v1/collections/zones/items/G411031', '/api/v1/collections/cities/items/410100');
  for (const path of pages) {
    const page = await get(path, 'text/html');
    const errs = page.type.startsWith('text/html') ? [] : [`Content-Type ${page.type}`];
    const report = await hv.validateString(page.text, path);
    for (const r of report.results) for (const m of r.messages) errs.push(`${m.line}:${m.column} ${m.ruleId}: ${m.message}`);
    record(`html-validate ${path}`, errs.slice(0, 10));
  }
}

// GeoJSON and every served JSON Schema.
// strictTypes off: OGC's queryables put "format": "geometry-…" on a
// geometry without a type (Part 3/5), which is valid JSON Schema that ajv's
// extra strictness only dislikes; every other strict check stays on.
const ajv20 = new Ajv2020({ strict: true, strictTypes: false, allErrors: true });
ajv20.addKeyword({ keyword: 'x-ogc-role', schemaType: 'string' });
ajv20.addKeyword({ keyword: 'x-ogc-unit', schemaType: 'string' });
for (const f of ['geometry-multipolygon', 'geometry-point', 'geometry-any']) ajv20.addFormat(f, true);
const collections = (await get('/api/v1/collections')).json().collections;
for (const c of collections) {
  const items = await get(`/api/v1/collections/${c.id}/items?limit=10000`, 'application/geo+json');
  try {
    checkGeoJSON(items.text);
    record(`check-geojson ${c.id} items`, []);
  } catch (e) {
    record(`check-geojson ${c.id} items`, (e.issues || [e]).map((i) => i.message || String(i)).slice(0, 20));
  }
  const fc = items.json();
  const one = await get(`/api/v1/collections/${c.id}/items/${encodeURIComponent(fc.features[0].id)}`, 'application/geo+json');
  try {
    checkGeoJSON(one.text);
    record(`check-geojson ${c.id} item`, []);
  } catch (e) {
    record(`check-geojson ${c.id} item`, (e.issues || [e]).map((i) => i.message || String(i)).slice(0, 20));
  }
  for (const rel of ['describedby', 'http://www.opengis.net/def/rel/ogc/1.0/queryables']) {
    const link = c.links.find((l) => l.rel === rel);
    if (!link) {
      record(`${c.id} ${rel}`, ['no link']);
      continue;
    }
    const doc = await get(new URL(link.href).pathname, 'application/schema+json');
    let validate;
    try {
      validate = ajv20.compile(doc.json());
      record(`ajv compiles ${new URL(link.href).pathname}`, []);
    } catch (e) {
      record(`ajv compiles ${new URL(link.href).pathname}`, [e.message]);
      continue;
    }
    if (rel === 'describedby') {
      const bad = [];
      for (const f of fc.features) {
        if (!validate(f)) bad.push({ id: f.id, errors: validate.errors.slice(0, 3) });
      }
      record(`${c.id}: all ${fc.features.length} features valid against ${new URL(link.href).pathname}`, bad.slice(0, 5));
    }
  }
}

console.log(JSON.stringify({ failures }, null, 1));
process.exit(failures.length ? 1 : 0);
