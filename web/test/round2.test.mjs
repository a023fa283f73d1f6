// Chromium tests of issue 14 (the web map, second round): cluster colours
// without a second control, zoom to results, tooltips, top labels, broken
// links, URL state, aborted fetches and reduced motion. Real server, real
// dataset, real t.browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { PHONE, LAPTOP, clean, useServer, waitIdle, act, apiZones, freePort, ensureArtifacts, reopen } from './harness.mjs';

const t = useServer();
const open = t.open;

// pointPixels returns, for every drawn located zone point, its id and the
// canvas colour at its centre.
async function pointPixels(page) {
  return page.evaluate(() => {
    const map = window.__layoutmap.map;
    const canvas = map.getCanvas();
    const c = document.createElement('canvas');
    c.width = canvas.width; c.height = canvas.height;
    const g = c.getContext('2d');
    g.drawImage(canvas, 0, 0);
    const dpr = canvas.width / canvas.clientWidth;
    const seen = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['zonepoints'] })) {
      const p = map.project(f.geometry.coordinates);
      const d = g.getImageData(Math.round(p.x * dpr), Math.round(p.y * dpr), 1, 1).data;
      // MapLibre evaluates the layer's paint for each queried feature.
      const c = f.layer.paint['circle-color'];
      const paint = typeof c === 'string' ? c : [c.r, c.g, c.b].map((x) => Math.round(x * 255));
      seen.set(String(f.properties.id), { pixel: [d[0], d[1], d[2]], paint });
    }
    return [...seen];
  });
}
const hex = (h) => [1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16));
const near = (a, b, tol = 40) => a.every((v, i) => Math.abs(v - b[i]) <= tol);

// resultsInView: every filtered zone (by the API) lies inside the map's view.
async function resultsInView(page, ids) {
  return page.evaluate((ids) => {
    const map = window.__layoutmap.map;
    const v = map.getBounds();
    const zs = window.__layoutmap.zones().filter((f) => ids.includes(String(f.id)) && f.geometry);
    const out = [];
    for (const f of zs) {
      const walk = (c) => (typeof c[0] === 'number' ? (v.contains(c) ? null : out.push(String(f.id))) : c.forEach(walk));
      walk(f.geometry.coordinates);
    }
    return [...new Set(out)];
  }, ids);
}

test('case 1: ticking 电子信息 colours its zones in its swatch colour; ≥1000亿 is one more click; tooltip and labels', async () => {
  const r = await open(`${t.server.base}/`);
  try {
    const { page } = r;
    const box = page.locator('label[for="cluster-electronics"]');
    const swatch = await box.locator('.swatch').evaluate((e) => getComputedStyle(e).backgroundColor);
    const want = swatch.match(/\d+/g).slice(0, 3).map(Number);
    // Interaction 1: tick the cluster. No second control.
    await act(page, () => page.check('#cluster-electronics'));
    const api = await apiZones(t.server.base, { cluster: 'electronics' });
    const pix = await pointPixels(page);
    assert.ok(pix.length >= 10, `zone points drawn: ${pix.length}`);
    const badPaint = pix.filter(([, c]) => !near(c.paint, want, 2));
    assert.deepEqual(badPaint, [], `points painted in another colour than ${want}`);
    // And that is what the canvas shows (labels may cover a few centres).
    const off = pix.filter(([, c]) => !near(c.pixel, want));
    assert.ok(off.length <= pix.length / 2, `${off.length} of ${pix.length} points not drawn in the cluster colour ${want}: ${JSON.stringify(off.slice(0, 5))}`);
    const legend = await page.textContent('#legend');
    assert.match(legend, /电子信息/);
    assert.doesNotMatch(legend, /新材料/, 'legend lists only the ticked cluster');
    // Interaction 2: the ≥1000亿 chip.
    await act(page, () => page.click('.quick .chip:has-text("≥1000亿")'));
    const api2 = await apiZones(t.server.base, { cluster: 'electronics', min_revenue: '1000' });
    assert.ok(api2.features.length > 0 && api2.features.length < api.features.length);
    await page.click('#tab-list');
    const rows = (await page.$$eval('.zone-row', (els) => els.map((e) => e.dataset.id))).sort();
    assert.deepEqual(rows, api2.features.map((f) => String(f.id)).sort());
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('cluster'), 'electronics');
    assert.equal(url.searchParams.get('min_revenue'), '1000');
    // The results are in view (the map zoomed when they left it).
    assert.deepEqual(await resultsInView(page, api2.features.map((f) => String(f.id))), []);
    clean(r);
  } finally {
    await r.context.close();
  }
});

test('case 1: choosing a city zooms to its zones; "zoom to results" brings them back', async () => {
  const r = await open(`${t.server.base}/`);
  try {
    const { page } = r;
    const z0 = await page.evaluate(() => window.__layoutmap.map.getZoom());
    await act(page, () => page.selectOption('#f-city', '410300'));
    await page.waitForFunction(() => !window.__layoutmap.map.isMoving());
    const api = await apiZones(t.server.base, { city: '410300' });
    const ids = api.features.map((f) => String(f.id));
    assert.ok(ids.length > 3);
    const z1 = await page.evaluate(() => window.__layoutmap.map.getZoom());
    assert.ok(z1 > z0 + 0.5, `zoomed in to 洛阳: ${z0} → ${z1}`);
    assert.deepEqual(await resultsInView(page, ids), [], 'all of 洛阳\'s zones in view');
    // Move away, then the button.
    await page.evaluate(() => window.__layoutmap.map.jumpTo({ center: [115.9, 32.2], zoom: 9 }));
    assert.ok((await resultsInView(page, ids)).length > 0);
    await page.click('#zoom-results');
    await page.waitForFunction(() => !window.__layoutmap.map.isMoving());
    assert.deepEqual(await resultsInView(page, ids), []);
    // A colour change is not a filter change: the camera stays.
    await page.evaluate(() => window.__layoutmap.map.jumpTo({ center: [112.45, 34.62], zoom: 11 }));
    await page.click('#tab-layers');
    await act(page, () => page.check('input[name=color][value=cluster]'));
    assert.ok(Math.abs(await page.evaluate(() => window.__layoutmap.map.getZoom()) - 11) < 1e-6);
    clean(r);
  } finally {
    await r.context.close();
  }
});

test('case 1: hover tooltip names the zone with its figure, year and measure; top-ranked zones are labelled at province zoom', async () => {
  const r = await open(`${t.server.base}/`);
  try {
    const { page } = r;
    const top = await page.evaluate(() => window.__layoutmap.map.queryRenderedFeatures({ layers: ['labels-top'] }).map((f) => [f.properties.name, f.properties.rank]));
    assert.ok(top.length >= 3 && top.length <= 10, `labels at province zoom: ${JSON.stringify(top)}`);
    // City names keep priority; the zone labels that fit are the top ten's.
    assert.ok(top.every(([, rank]) => rank >= 1 && rank <= 10), JSON.stringify(top));
    assert.ok(await page.evaluate(() => window.__layoutmap.map.getZoom()) < 8);
    // Hover the first-ranked zone's point.
    const at = await page.evaluate(() => {
      const map = window.__layoutmap.map;
      const f = map.queryRenderedFeatures({ layers: ['zonepoints'] }).find((x) => x.properties.rank === 2);
      const p = map.project(f.geometry.coordinates);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y };
    });
    await page.mouse.move(at.x, at.y);
    await page.waitForSelector('.zone-tip');
    const under = await page.evaluate(({ x, y }) => {
      const map = window.__layoutmap.map;
      const r = map.getCanvas().getBoundingClientRect();
      return map.queryRenderedFeatures([x - r.left, y - r.top], { layers: ['zonepoints', 'zonepoints-unknown', 'zones-fill'] }).map((f) => String(f.properties.id));
    }, at);
    const tip = await page.textContent('.zone-tip');
    // The tooltip names one of the zones under the pointer (points may overlap).
    const zone = (await apiZones(t.server.base, {})).features.find((f) => under.includes(String(f.id)) && tip.includes(f.properties.name));
    assert.ok(zone, `tooltip ${tip} names a zone under the pointer (${under})`);
    assert.ok(tip.includes(zone.properties.name), tip);
    if (zone.properties.revenue_year) assert.ok(tip.includes(String(zone.properties.revenue_year)), 'tooltip names the year');
    assert.match(tip, /亿/, 'tooltip gives the figure');
    if (zone.properties.bound === 'lower') assert.match(tip, /≥/);
    await page.mouse.move(5, 450);
    await page.waitForSelector('.zone-tip', { state: 'detached' });
    clean(r);
  } finally {
    await r.context.close();
  }
});

test('case 1: a tap on a zone on a phone shows its tooltip and card', async () => {
  const context = await t.browser.newContext({ viewport: PHONE, hasTouch: true, isMobile: true });
  try {
    const page = await context.newPage();
    const errors = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${t.server.base}/?min_revenue=1000`);
    await waitIdle(page);
    const at = await page.evaluate(() => {
      const map = window.__layoutmap.map;
      const f = map.queryRenderedFeatures({ layers: ['zonepoints'] })[0];
      const p = map.project(f.geometry.coordinates);
      const r = map.getCanvas().getBoundingClientRect();
      return { x: r.left + p.x, y: r.top + p.y, name: f.properties.name };
    });
    await page.touchscreen.tap(at.x, at.y);
    await page.waitForSelector('.zone-tip');
    await page.waitForSelector('#card:not([hidden])');
    assert.ok((await page.textContent('.zone-tip')).length > 4);
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
  }
});

// The malformed and stale links of case 3, each with the value the notice
// must name (or null when nothing is named because the value is harmless).
const BROKEN = [
  ['/?city=999999', 'city=999999'],
  ['/?cluster=foo', 'cluster=foo'],
  ['/?cluster=electronics,foo', 'cluster=foo'],
  ['/?tier=xx', 'tier=xx'],
  ['/?region=nowhere&overlay=bad', 'region=nowhere'],
  ['/?chain=zz', 'chain=zz'],
  ['/?year=1999', 'year=1999'],
  ['/?year=abc', 'year=abc'],
  ['/?min_revenue=-5', 'min_revenue=-5'],
  ['/?min_revenue=abc&max_revenue=x', 'min_revenue=abc'],
  ['/?min_revenue=1000&max_revenue=10', 'max_revenue=10'],
  ['/?center=foo&zoom=999', 'center=foo'],
  ['/?zone=nope', 'zone=nope'],
  ['/?dist=bad&color=rainbow&layers=foo', 'dist=bad'],
  ['/?measure=weight', 'measure=weight'],
  ['/?lang=xx&panel=nope', 'lang=xx'],
];

test('case 3: malformed or stale links open a working map, name what was dropped, and 清除筛选 returns to the default', async () => {
  const all = await apiZones(t.server.base, {});
  const located = all.features.filter((f) => f.properties.point_quality === 'geocoded').length;
  // Each link in the same tab, as a reader following them one by one.
  let r = null;
  try {
    for (const [path, named] of BROKEN) {
      r = r ? await reopen(r, t.server.base + path) : await open(t.server.base + path);
      clean(r);
      const { page } = r;
      const pts = await page.evaluate(() => window.__layoutmap.map.queryRenderedFeatures({ layers: ['zonepoints'] }).length);
      assert.ok(pts > 0, `${path}: zone points drawn`);
      const notice = await page.textContent('#notice');
      assert.ok(await page.isVisible('#notice'), `${path}: notice shown`);
      assert.ok(notice.includes(named), `${path}: notice names ${named}: ${notice}`);
      // The URL no longer carries the dropped value.
      const [k, v] = named.split('=');
      assert.ok(!(new URL(page.url()).searchParams.get(k) ?? '').split(',').includes(v), `${path}: ${page.url()}`);
      await act(page, () => page.click('#panel-filters .reset'));
      const q = new URL(page.url()).searchParams;
      for (const key of ['cluster', 'chain', 'region', 'city', 'tier', 'year', 'measure', 'min_revenue', 'max_revenue']) assert.equal(q.get(key), null, `${path}: ${key} cleared`);
      assert.ok(await page.isHidden('#notice'), `${path}: notice gone after reset`);
      const n = await page.evaluate(() => window.__layoutmap.zones().length);
      assert.equal(n, all.features.length, `${path}: all zones after reset`);
      assert.ok(located > 0);
      clean(r);
    }
  } finally {
    await r?.context.close();
  }
});

test('case 3: a server error still leaves a working map and 清除筛选 recovers', async () => {
  const r = await open(`${t.server.base}/`);
  try {
    const { page } = r;
    // The server refuses the next items request (a real 400 from the API:
    // max below min is rejected by geo.ParseFilter).
    await page.evaluate(() => { window.__layoutmap.idle = false; window.__layoutmap.setFilterForTest({ min_revenue: '1000', max_revenue: '10' }); });
    await page.waitForFunction(() => window.__layoutmap.idle === true);
    assert.match(await page.textContent('#status'), /max_revenue|加载失败/);
    await act(page, () => page.click('#panel-filters .reset'));
    assert.equal(await page.evaluate(() => window.__layoutmap.failed ?? null), null);
    assert.ok(await page.evaluate(() => window.__layoutmap.zones().length) > 100);
  } finally {
    await r.context.close();
  }
});

test('case 7: max_revenue round-trips through the URL and equals the API', async () => {
  const r = await open(`${t.server.base}/?min_revenue=100&max_revenue=1000&panel=list`);
  try {
    clean(r);
    const { page } = r;
    const api = await apiZones(t.server.base, { min_revenue: '100', max_revenue: '1000' });
    const rows = (await page.$$eval('.zone-row', (els) => els.map((e) => e.dataset.id))).sort();
    assert.deepEqual(rows, api.features.map((f) => String(f.id)).sort());
    assert.equal(new URL(page.url()).searchParams.get('max_revenue'), '1000');
    assert.equal(await page.inputValue('#f-max'), '1000');
  } finally {
    await r.context.close();
  }
});

test('case 7: start-up fetches the full zone list once', async () => {
  for (const [path, unfiltered, filtered] of [['/', 1, 0], ['/?min_revenue=500', 1, 1]]) {
    const r = await open(t.server.base + path);
    try {
      clean(r);
      const items = r.requests.filter((u) => u.includes('/collections/zones/items'));
      const unf = items.filter((u) => !/(min_revenue|cluster|city|tier|year)=/.test(u) && !u.includes('f=csv'));
      assert.equal(unf.length, unfiltered, `${path}: unfiltered zone list fetched ${unf.length}×: ${items.join(' ')}`);
      assert.equal(items.length - unf.length, filtered, `${path}: ${items.join(' ')}`);
    } finally {
      await r.context.close();
    }
  }
});

test('case 7: a newer filter aborts the fetches of an older one', async () => {
  const r = await open(`${t.server.base}/?panel=filters`);
  try {
    const { page } = r;
    const failed = [];
    page.on('requestfailed', (q) => failed.push(q.url()));
    // Hold back the answers for ≥500亿 so the next click supersedes them.
    await page.route(/min_revenue=500(&|$)/, async (route) => { await new Promise((ok) => setTimeout(ok, 1500)); route.continue().catch(() => {}); });
    await act(page, async () => {
      await page.click('.quick .chip:has-text("≥500亿")');
      await page.waitForTimeout(100);
      await page.click('.quick .chip:has-text("≥5000亿")');
    });
    await page.waitForTimeout(1700);
    assert.ok(failed.some((u) => /min_revenue=500(&|$)/.test(u)), `aborted: ${failed.join(' ')}`);
    assert.equal(new URL(page.url()).searchParams.get('min_revenue'), '5000');
    const api = await apiZones(t.server.base, { min_revenue: '5000' });
    assert.equal(await page.evaluate(() => window.__layoutmap.zones().length), api.features.length);
  } finally {
    await r.context.close();
  }
});

test('case 7: prefers-reduced-motion makes camera changes jump', async () => {
  const moves = async (reducedMotion) => {
    const context = await t.browser.newContext({ viewport: LAPTOP, reducedMotion });
    try {
      const page = await context.newPage();
      await page.goto(t.server.base + '/');
      await waitIdle(page);
      await page.evaluate(() => {
        const map = window.__layoutmap.map;
        map.once('movestart', () => { window.__t0 = performance.now(); });
        map.once('moveend', () => { window.__ms = performance.now() - window.__t0; });
      });
      await act(page, () => page.selectOption('#f-city', '410300'));
      await page.waitForFunction(() => window.__ms != null);
      return page.evaluate(() => window.__ms);
    } finally {
      await context.close();
    }
  };
  const reduced = await moves('reduce');
  const normal = await moves('no-preference');
  // A jump starts and ends in the same frame; the animation lasts 600 ms.
  assert.ok(reduced < 100, `reduced motion: the move took ${reduced} ms`);
  assert.ok(normal >= 500, `animated: the move took ${normal} ms`);
});

// Henan's extent (geo.HenanBound without its margin), as the page uses it.
const HENAN = [[110.36, 31.39], [116.64, 36.36]];

test('case 2: an embed pasted on another origin shows the whole province or all results at 320, 600 and 1000 px', async () => {
  const port = await freePort();
  const parentOrigin = `http://localhost:${port}`;
  const filters = [{}, { cluster: 'electronics', min_revenue: '500' }, { city: '410300' }];
  const widths = [320, 600, 1000];
  const page = (src, w) => `<!doctype html><html><body style="margin:0"><p>report text</p>
<iframe id="f" src="${src}" style="width:${w}px;border:0" height="520"></iframe>
<script src="${src.split('/embed')[0]}/embed.js"></script></body></html>`;
  let current = '';
  const parent = createServer((req, res) => { res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }); res.end(current); });
  await new Promise((ok) => parent.listen(port, '127.0.0.1', ok));
  const context = await t.browser.newContext({ viewport: { width: 1100, height: 900 } });
  try {
    const p = await context.newPage();
    const errors = [];
    p.on('pageerror', (e) => errors.push(String(e)));
    for (const f of filters) {
      const api = await apiZones(t.server.base, f);
      const want = api.features.filter((x) => x.properties.point_quality === 'geocoded').map((x) => String(x.id)).sort();
      for (const w of widths) {
        const src = `${t.server.base}/embed?${new URLSearchParams({ ...f, legend: '1', title: 'report' })}`;
        current = page(src, w);
        await p.goto(`${parentOrigin}/?${w}-${Object.values(f).join('-')}`);
        const frame = await (await p.waitForSelector('#f')).contentFrame();
        await waitIdle(p, frame);
        await p.waitForTimeout(300);
        await waitIdle(p, frame);
        const got = await frame.evaluate((henan) => {
          const map = window.__layoutmap.map;
          const v = map.getBounds();
          const ids = [...new Set(map.queryRenderedFeatures({ layers: ['zonepoints'] }).map((x) => String(x.properties.id)))].sort();
          const c = map.getCanvas();
          return { ids, province: v.contains(henan[0]) && v.contains(henan[1]), h: c.clientHeight, w: c.clientWidth };
        }, HENAN);
        const label = `${w}px ${JSON.stringify(f)}`;
        assert.ok(got.h >= 240, `${label}: map ${got.w}×${got.h}`);
        assert.deepEqual(got.ids, want, `${label}: every located result drawn`);
        if (!Object.keys(f).length) assert.ok(got.province, `${label}: the whole province in view`);
        // All results inside the view (not clipped at an edge).
        const outside = await frame.evaluate(() => {
          const map = window.__layoutmap.map;
          const r = map.getCanvas().getBoundingClientRect();
          return window.__layoutmap.zones().filter((z) => z.properties.point_quality === 'geocoded').map((z) => {
            const g = z.geometry.type === 'Point' ? z.geometry.coordinates : null;
            if (!g) return null;
            const q = map.project(g);
            return q.x < 4 || q.y < 4 || q.x > r.width - 4 || q.y > r.height - 4 ? z.id : null;
          }).filter(Boolean);
        });
        assert.deepEqual(outside, [], `${label}: results clipped at the edge`);
        const frameH = await p.evaluate(() => document.getElementById('f').getBoundingClientRect().height);
        assert.ok(frameH >= got.h, `${label}: iframe ${frameH}px holds the map`);
        if (w === 320 && f.cluster) await p.screenshot({ path: join(ensureArtifacts(), 'embed-320.png') });
      }
    }
    assert.deepEqual(errors, []);
  } finally {
    await context.close();
    await new Promise((ok) => parent.close(ok));
  }
});

test('case 2: the embed dialog fits by default, keeps the view on request, previews, and links PNG 1×/2×/3× and SVG', async () => {
  const r = await open(`${t.server.base}/?cluster=electronics&min_revenue=500&center=113.7,34.7&zoom=9`);
  try {
    const { page } = r;
    await page.click('#embed-open');
    await page.waitForSelector('#embed-dialog[open]');
    const src = () => page.inputValue('#e-snippet').then((s) => new URL(/src="([^"]+)"/.exec(s)[1].replaceAll('&amp;', '&')));
    let u = await src();
    assert.equal(u.searchParams.get('zoom'), null, 'no camera by default');
    assert.equal(u.searchParams.get('cluster'), 'electronics');
    await page.check('#e-keep');
    u = await src();
    assert.equal(u.searchParams.get('zoom'), '9');
    await page.uncheck('#e-keep');
    // Presets set the iframe width.
    await page.click('.presets [data-preset=narrow]');
    assert.match(await page.inputValue('#e-snippet'), /width:320px/);
    // Live preview: the real embed, showing the filtered zones.
    const frame = await (await page.waitForSelector('#e-preview')).contentFrame();
    await waitIdle(page, frame);
    const ids = await frame.evaluate(() => [...new Set(window.__layoutmap.map.queryRenderedFeatures({ layers: ['zonepoints'] }).map((x) => String(x.properties.id)))].sort());
    const api = await apiZones(t.server.base, { cluster: 'electronics', min_revenue: '500' });
    assert.deepEqual(ids, api.features.filter((x) => x.properties.point_quality === 'geocoded').map((x) => String(x.id)).sort());
    // PNG at 1×, 2×, 3× and the SVG: each link answers with its image.
    const links = await page.$$eval('#e-png-links a', (as) => as.map((a) => a.href));
    assert.equal(links.length, 3);
    for (const [i, href] of links.entries()) {
      const res = await fetch(href);
      assert.equal(res.status, 200, href);
      const b = Buffer.from(await res.arrayBuffer());
      assert.equal(b.readUInt32BE(16), 640 * (i + 1), `${href}: width`);
    }
    const svg = await fetch(await page.getAttribute('#e-svg-open', 'href'));
    assert.equal(svg.status, 200);
    assert.match(svg.headers.get('content-type'), /image\/svg\+xml/);
  } finally {
    await r.context.close();
  }
});

test('case 4: phone 390×844: legend reachable, card not under the panel, active filter shown with the panel closed', async () => {
  const r = await open(`${t.server.base}/?min_revenue=1000`, { viewport: PHONE });
  try {
    clean(r);
    const { page } = r;
    // What is on top at the centre of an element (nothing covers it).
    const onTop = (sel) => page.evaluate((sel) => {
      const e = document.querySelector(sel);
      const b = e.getBoundingClientRect();
      const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);
      return !!hit && (hit === e || e.contains(hit));
    }, sel);
    // Active filter indicator while the panel is closed.
    assert.ok(await page.isVisible('#filter-badge'), 'filter badge shown');
    const api = await apiZones(t.server.base, { min_revenue: '1000' });
    assert.match(await page.textContent('#filter-badge'), new RegExp(`${api.features.length}`));
    // Legend: not covered by the source line, opens on a tap.
    assert.ok(await onTop('#legend summary'), 'legend summary is not covered');
    await page.tap?.('#legend summary').catch(() => page.click('#legend summary'));
    if (!(await page.evaluate(() => document.querySelector('#legend details').open))) await page.click('#legend summary');
    assert.ok(await page.evaluate(() => document.querySelector('#legend details').open), 'legend opened');
    assert.ok(await onTop('#legend li'), 'legend items visible');
    const overlap = await page.evaluate(() => {
      const a = document.querySelector('#legend').getBoundingClientRect();
      const s = document.querySelector('.maplibregl-ctrl-scale').getBoundingClientRect();
      return a.bottom > s.top && a.top < s.bottom && a.right > s.left && a.left < s.right;
    });
    assert.equal(overlap, false, 'legend and scale bar do not overlap');
    // A zone chosen in 排名 with the panel open: the panel closes, the card's title and close button are on top.
    await page.click('#panel-toggle');
    await page.click('#tab-list');
    await act(page, () => page.locator('.zone-row').first().click());
    assert.equal(await page.getAttribute('#panel-toggle', 'aria-expanded'), 'false');
    assert.ok(await onTop('#card-title'), 'card title visible');
    assert.ok(await onTop('#card .close'), 'card close button visible');
    await page.click('#card .close');
    assert.ok(await page.isHidden('#card'));
    // The badge opens the filters.
    await page.click('#filter-badge');
    assert.equal(await page.getAttribute('#panel-toggle', 'aria-expanded'), 'true');
    assert.ok(await page.isVisible('#panel-filters'));
    await page.screenshot({ path: join(ensureArtifacts(), 'phone-round2.png') });
  } finally {
    await r.context.close();
  }
});

test('list export: the CSV link gives the server CSV of the current ranking; copy link copies the view', async () => {
  const r = await open(`${t.server.base}/?cluster=electronics&min_revenue=100&panel=list`);
  try {
    clean(r);
    const { page } = r;
    const rows = await page.$$eval('.zone-row', (els) => els.map((e) => e.dataset.id));
    const href = await page.$eval('#list-csv', (a) => a.href);
    const res = await fetch(href);
    assert.equal(res.status, 200, href);
    assert.match(res.headers.get('content-type'), /text\/csv/);
    const lines = (await res.text()).replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    const head = lines[0].split(',');
    const idCol = head.indexOf('id');
    assert.ok(idCol >= 0, lines[0]);
    const ids = lines.slice(1).map((l) => l.split(',')[idCol]);
    assert.deepEqual([...ids].sort(), [...rows].sort(), 'same zones as the list');
    assert.equal(ids[0], rows[0], 'same first-ranked zone');
    await r.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: t.server.base });
    await page.click('#copy-link');
    await page.waitForFunction(() => document.querySelector('#copy-link').textContent !== '复制链接');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), page.url());
  } finally {
    await r.context.close();
  }
});

test('structure: statistics come from the server only; when it does not answer, the panel says so and computes nothing', async () => {
  const context = await t.browser.newContext({ viewport: LAPTOP });
  try {
    const page = await context.newPage();
    await page.route(/\/api\/v1\/stats\//, (route) => route.fulfill({ status: 503, contentType: 'application/problem+json', body: '{"title":"Service Unavailable","status":503}' }));
    await page.goto(`${t.server.base}/?panel=stats`);
    await waitIdle(page);
    assert.equal(await page.locator('#stats .stats-unavailable').count(), 2);
    assert.equal(await page.locator('#stats .bar-row').count(), 0, 'no cluster bars computed in the browser');
    assert.equal(await page.locator('#stats tr[data-tier]').count(), 0, 'no tier counts computed in the browser');
    // The map and the list still work.
    assert.ok(await page.evaluate(() => window.__layoutmap.zones().length) > 100);
  } finally {
    await context.close();
  }
});

test('case 7: English mode translates lead industries with the dictionary of /api/v1/reference', async () => {
  const ref = await (await fetch(`${t.server.base}/api/v1/reference`)).json();
  const all = await apiZones(t.server.base, {});
  const zone = all.features.find((f) => (f.properties.lead_industries ?? []).length >= 2);
  const r = await open(`${t.server.base}/?lang=en&zone=${encodeURIComponent(zone.id)}`);
  try {
    clean(r);
    const lead = await r.page.evaluate(() => {
      const dts = [...document.querySelectorAll('#card dt')];
      return dts.find((d) => d.textContent === 'Lead industries')?.nextElementSibling?.textContent ?? null;
    });
    assert.ok(lead, 'lead industries row');
    for (const term of zone.properties.lead_industries) {
      const en = ref.dictionary.lead_industries[term];
      assert.ok(en, `dictionary has ${term}`);
      assert.ok(lead.includes(en), `${term} shown as ${en}: ${lead}`);
    }
  } finally {
    await r.context.close();
  }
});

// Trial 6 finding 4: the snippet's URL opened by itself in a browser tab
// (no iframe, no embed.js). The map's height used to follow its width
// (900 px tall in a 520 px window), so the fit was made for a map taller
// than the window and Luohe sat below the fold. Every matching zone (its
// whole box, outline or point) must lie inside the visible window, with
// the page not scrolled.
test('standalone /embed in a browser tab fits every matching zone inside the visible window (1000×520, 800×600)', async () => {
  const filter = { year: '2023', min_revenue: '1000' };
  const api = (await apiZones(t.server.base, filter)).features.filter((f) => f.geometry);
  assert.ok(api.length >= 2, `the filter matches ${api.length} located zones`);
  const boxes = api.map((f) => {
    const b = [Infinity, Infinity, -Infinity, -Infinity];
    const walk = (c) => { if (typeof c[0] === 'number') { b[0] = Math.min(b[0], c[0]); b[1] = Math.min(b[1], c[1]); b[2] = Math.max(b[2], c[0]); b[3] = Math.max(b[3], c[1]); } else c.forEach(walk); };
    walk(f.geometry.coordinates);
    return { id: String(f.id), corners: [[b[0], b[1]], [b[2], b[3]], [b[0], b[3]], [b[2], b[1]]] };
  });
  for (const viewport of [{ width: 1000, height: 520 }, { width: 800, height: 600 }]) {
    for (const extra of [{}, { legend: '1', title: '≥1000亿开发区' }]) {
      const q = new URLSearchParams({ ...filter, ...extra });
      const label = `${viewport.width}×${viewport.height} ${q}`;
      const r = await open(`${t.server.base}/embed?${q}`, { viewport });
      try {
        clean(r);
        const { page } = r;
        const got = await page.evaluate((bx) => {
          const map = window.__layoutmap.map;
          const c = map.getCanvas().getBoundingClientRect();
          const drawn = new Set(map.queryRenderedFeatures({ layers: ['zonepoints'] }).map((f) => String(f.properties.id)));
          return {
            scrollY: window.scrollY, innerW: window.innerWidth, innerH: window.innerHeight,
            mapTop: c.top, mapVisible: Math.min(c.bottom, window.innerHeight) - Math.max(c.top, 0),
            zones: bx.map((z) => ({
              id: z.id, drawn: drawn.has(z.id),
              px: z.corners.map((p) => { const q = map.project(p); return [c.left + q.x, c.top + q.y]; }),
            })),
          };
        }, boxes);
        assert.equal(got.scrollY, 0, `${label}: the page opens at its top`);
        assert.ok(got.mapVisible >= 240, `${label}: ${got.mapVisible} px of map visible`);
        for (const z of got.zones) {
          assert.ok(z.drawn, `${label}: ${z.id} drawn`);
          for (const [x, y] of z.px) {
            assert.ok(x >= 0 && y >= 0 && x <= got.innerW && y <= got.innerH,
              `${label}: ${z.id} at (${x.toFixed(0)}, ${y.toFixed(0)}) is outside the visible ${got.innerW}×${got.innerH} window`);
          }
        }
        if (viewport.height === 520 && extra.legend) await page.screenshot({ path: join(ensureArtifacts(), 'embed-standalone-1000x520.png') });
      } finally {
        await r.context.close();
      }
    }
  }
});
