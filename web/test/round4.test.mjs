// Chromium tests of issue 14's fourth web round: the comparison mode colours
// outlines and points alike, as its legend says, in the app and in /embed;
// the embed dialog carries compare into its links and offers a print width
// (width_mm) for the images. Real server, real dataset, real browser; the
// bundled data has no zone with comparable figures in two years, so the
// change classes are drawn from SYNTHETIC rows (said so in their source).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { useServer, clean, act, waitIdle, ensureArtifacts } from './harness.mjs';

const t = useServer();
const open = t.open;

// drawnChange returns, for every zone outline (zones-fill) and point
// (zonepoints) MapLibre drew, its id and the colour it was painted with.
async function drawnChange(page) {
  return page.evaluate(() => {
    const map = window.__layoutmap.map;
    const hex = (c) => (typeof c === 'string' ? c.toLowerCase() : '#' + [c.r, c.g, c.b].map((x) => Math.round(x * 255).toString(16).padStart(2, '0')).join(''));
    const out = { fill: {}, point: {} };
    for (const f of map.queryRenderedFeatures({ layers: ['zones-fill'] })) out.fill[String(f.properties.id)] = hex(f.layer.paint['fill-color']);
    for (const f of map.queryRenderedFeatures({ layers: ['zonepoints'] })) out.point[String(f.properties.id)] = hex(f.layer.paint['circle-color']);
    return out;
  });
}

// synthetic turns the server's change document into one where two zones
// (one with an outline drawn, one located point) have comparable SYNTHETIC
// pairs of the given classes.
function synthetic(doc, ids) {
  const rows = doc.rows.map((r) => {
    const i = ids.findIndex((x) => x.id === r.id);
    if (i < 0) return r;
    const cls = ids[i].class;
    return { ...r, comparable: true, reason: undefined, class: cls, change_pct: cls === 'up_strong' ? 30 : -5, change_bound: 'exact',
      from: { year: doc.from, revenue_yi: 100, bound: 'exact', measure: '营业收入', period: 'full_year', source: 'SYNTHETIC test figure (web/test/round4)' },
      to: { year: doc.to, revenue_yi: cls === 'up_strong' ? 130 : 95, bound: 'exact', measure: '营业收入', period: 'full_year', source: 'SYNTHETIC test figure (web/test/round4)' } };
  });
  const counts = { ...doc.counts };
  for (const x of ids) { counts[x.class] = (counts[x.class] ?? 0) + 1; counts.not_comparable -= 1; }
  return { ...doc, rows, counts, comparable: doc.comparable + ids.length };
}

for (const [where, path, viewport] of [['app', '/', { width: 1440, height: 900 }], ['embed', '/embed', { width: 800, height: 760 }]]) {
  test(`compare (${where}): outlines and points show the same change class, as the legend says; a pair that cannot be compared is hollow`, async () => {
    const q = 'year=2022&compare=2019&legend=1';
    const doc = await (await fetch(`${t.server.base}/api/v1/stats/change?from=2019&year=2022`)).json();
    const ref = await (await fetch(`${t.server.base}/api/v1/reference`)).json();
    const r = await open(`${t.server.base}${path}?${q}`, { viewport });
    try {
      clean(r);
      const { page } = r;
      const notComparable = ref.palettes.not_comparable.toLowerCase();
      // The real data: every zone's pair is not comparable, outline and point alike.
      let got = await drawnChange(page);
      assert.ok(Object.keys(got.fill).length > 10 && Object.keys(got.point).length > 10, JSON.stringify(got).slice(0, 200));
      const byId = new Map(doc.rows.map((x) => [x.id, x]));
      for (const [kind, m] of Object.entries(got)) {
        for (const [id, c] of Object.entries(m)) {
          assert.equal(byId.get(id)?.comparable, false, `${kind} ${id}: the bundled data compares nothing`);
          assert.equal(c, notComparable, `${kind} ${id} drawn as not comparable`);
        }
      }
      let legend = await page.textContent('#legend');
      assert.match(legend, /2019→2022 年变化/);
      assert.match(legend, /不可比/);
      for (const c of doc.classes) assert.ok(legend.includes(c.label), `legend names ${c.label}`);
      // SYNTHETIC pairs: a zone with a drawn outline and another located zone.
      const outlined = Object.keys(got.fill)[0];
      const pointed = Object.keys(got.point).find((id) => id !== outlined);
      const classes = [{ id: outlined, class: 'up_strong' }, { id: pointed, class: 'down' }];
      await act(page, () => page.evaluate((d) => window.__layoutmap.setCompareForTest(d), synthetic(doc, classes)));
      got = await drawnChange(page);
      const colour = Object.fromEntries(doc.classes.map((c) => [c.id, c.color.toLowerCase()]));
      assert.equal(got.fill[outlined], colour.up_strong, 'the outline takes its class colour');
      if (got.point[outlined]) assert.equal(got.point[outlined], colour.up_strong, 'its point the same colour');
      assert.equal(got.point[pointed], colour.down);
      if (got.fill[pointed]) assert.equal(got.fill[pointed], colour.down);
      for (const [kind, m] of Object.entries(got)) {
        for (const [id, c] of Object.entries(m)) if (id !== outlined && id !== pointed) assert.equal(c, notComparable, `${kind} ${id}`);
      }
      // The legend's swatches are those colours.
      const sw = await page.$$eval('#legend li[data-class]', (els) => els.map((e) => [e.dataset.class, getComputedStyle(e.querySelector('.swatch')).backgroundColor]));
      const rgb = (h) => `rgb(${[1, 3, 5].map((i) => parseInt(h.slice(i, i + 2), 16)).join(', ')})`;
      for (const [id, bg] of sw) assert.equal(bg, rgb(id === 'not_comparable' ? notComparable : colour[id]), `legend swatch ${id}`);
      legend = await page.textContent('#legend');
      assert.match(legend, /不可比/);
      if (where === 'embed') await page.screenshot({ path: join(ensureArtifacts(), 'embed-compare-synthetic.png') });
      clean(r);
    } finally {
      await r.context.close();
    }
  });
}

test('embed dialog: compare goes into the snippet and image links; print width presets set width_mm in the links and the preview', async () => {
  const r = await open(`${t.server.base}/?year=2022&compare=2019&cluster=electronics`);
  try {
    const { page } = r;
    await page.click('#embed-open');
    await page.waitForSelector('#embed-dialog[open]');
    const snippetSrc = async () => new URL(/src="([^"]+)"/.exec(await page.inputValue('#e-snippet'))[1].replaceAll('&amp;', '&'));
    assert.equal((await snippetSrc()).searchParams.get('compare'), '2019');
    // The preview embed is the comparison too.
    const frame = await (await page.waitForSelector('#e-preview')).contentFrame();
    await waitIdle(page, frame);
    assert.match(await frame.textContent('#legend'), /2019→2022 年变化/);
    // Default print width: none in the links (the server's 180 mm at most).
    let png = new URL(await page.inputValue('#e-png'));
    assert.equal(png.searchParams.get('compare'), '2019');
    assert.equal(png.searchParams.get('width_mm'), null);
    assert.deepEqual(await page.$$eval('.mm-presets button', (bs) => bs.map((b) => b.dataset.mm)), ['', '80', '120', '180']);
    await page.click('.mm-presets [data-mm="120"]');
    assert.equal(await page.getAttribute('.mm-presets [data-mm="120"]', 'aria-pressed'), 'true');
    png = new URL(await page.inputValue('#e-png'));
    const svg = new URL(await page.inputValue('#e-svg'));
    assert.equal(png.searchParams.get('width_mm'), '120');
    assert.equal(svg.searchParams.get('width_mm'), '120');
    const links = await page.$$eval('#e-png-links a', (as) => as.map((a) => a.href));
    assert.equal(links.length, 3);
    for (const h of links) assert.equal(new URL(h).searchParams.get('width_mm'), '120', h);
    assert.equal(new URL(await page.getAttribute('#e-svg-open', 'href')).searchParams.get('width_mm'), '120');
    // The server lays the image out for 120 mm: the SVG says so, the PNG's pHYs too.
    const s = await (await fetch(svg)).text();
    assert.match(s, /<svg [^>]*width="120mm"/);
    assert.match(s, /与2019年比较/, 'the image is the comparison');
    const b = Buffer.from(await (await fetch(links[1])).arrayBuffer());
    const at = b.indexOf('pHYs');
    assert.ok(at > 0, 'pHYs chunk');
    const w = Number(await page.inputValue('#e-w'));
    assert.equal(b.readUInt32BE(at + 4), Math.round((w * 2) / 120 * 1000), 'pixels per metre at 2×');
    // The preview shows the image at its print width, and the note its size and density.
    await page.waitForFunction(() => document.querySelector('#e-img-preview').complete && document.querySelector('#e-img-preview').naturalWidth > 0);
    assert.equal(await page.getAttribute('#e-img-preview', 'src'), svg.href);
    assert.equal(await page.$eval('#e-img-preview', (i) => i.style.width), '120mm');
    const note = await page.textContent('#e-mm-note');
    assert.match(note, /120 × 80 mm/);
    assert.match(note, new RegExp(`${Math.round((w / 120) * 25.4)} dpi`));
    // Issue 14: at 80 and 120 mm the legend would cover the map, so title,
    // legend and sources go in bands around it and the image grows; the
    // dialog says so with the real height (the preview's own size), and
    // says nothing of the kind at the default and 180 mm.
    const previewMM = async (mm) => {
      await page.click(`.mm-presets [data-mm="${mm}"]`);
      const src = await page.inputValue('#e-svg');
      await page.waitForFunction((s) => { const i = document.querySelector('#e-img-preview'); return i.src === s && i.complete && i.naturalWidth > 0; }, src);
      const text = await (await fetch(src)).text();
      const [, wmm, hmm] = /<svg [^>]*width="([0-9.]+)mm" height="([0-9.]+)mm"/.exec(text);
      const ratio = await page.$eval('#e-img-preview', (i) => i.naturalHeight / i.naturalWidth);
      assert.ok(Math.abs(ratio - Number(hmm) / Number(wmm)) < 0.01, `${mm} mm: preview ${ratio}, SVG ${wmm}×${hmm} mm`);
      await page.waitForTimeout(100);
      return { hmm: Number(hmm), note: await page.textContent('#e-bands-note') };
    };
    for (const mm of ['80', '120']) {
      const { hmm, note: bands } = await previewMM(mm);
      const mapH = (Number(mm) * 800) / 1200;
      assert.ok(hmm > mapH + 5, `${mm} mm: image ${hmm} mm high for a ${mapH} mm map`);
      assert.match(bands, new RegExp(`图片高 ${Math.round(hmm)} mm（地图 ${Math.round(mapH)} mm）`));
    }
    // At 180 mm this view's title panel (a three-line caption: nothing
    // is comparable between 2019 and 2022 in the bundled data, and the
    // caption says why) would cover more than a quarter of the map, so
    // the server bands it too, and the note says so with the real height.
    for (const mm of ['', '180']) {
      const { hmm, note: bands } = await previewMM(mm);
      assert.ok(hmm > 120 + 5, `${mm || 'default'}: image ${hmm} mm high for a 120 mm map`);
      assert.match(bands, new RegExp(`图片高 ${Math.round(hmm)} mm（地图 120 mm）`));
    }
    // Without furniture (plain) the image is the map alone: 180 × 120 mm
    // at the default and at 180 mm, and the dialog says nothing of bands.
    await page.check('#e-plain');
    for (const mm of ['', '180']) {
      const { hmm, note: bands } = await previewMM(mm);
      assert.equal(bands, '', `${mm || 'default'} plain: no band note`);
      assert.ok(Math.abs(hmm - 120) < 0.1, `${mm || 'default'} plain: 180 × 120 mm, got ${hmm}`);
    }
    await page.uncheck('#e-plain');
    // An image too small for its furniture: the server's reason in the
    // dialog (the refused preview logs its 400s: those and only those).
    const before = r.errors.length;
    await page.fill('#e-h', '200');
    await page.click('.mm-presets [data-mm="80"]');
    await page.waitForFunction(() => /无法生成/.test(document.querySelector('#e-bands-note').textContent));
    assert.match(await page.textContent('#e-bands-note'), /width_mm.*plain=1/);
    const refused = r.errors.splice(before);
    assert.ok(refused.length > 0 && refused.every((e) => /status of 400/.test(e)), `errors: ${refused}`);
    await page.fill('#e-h', '800');
    await page.click('.mm-presets [data-mm="120"]');
    // Too many pixels for 80 mm: the dialog says so before the server would refuse.
    await page.fill('#e-w', '4000');
    await page.click('.mm-presets [data-mm="80"]');
    assert.match(await page.textContent('#e-mm-note'), /80 mm.*1270.*24–600/);
    assert.equal((await fetch(await page.inputValue('#e-svg'))).status, 400);
    await page.fill('#e-w', '1200');
    await page.click('.mm-presets [data-mm="80"]');
    assert.doesNotMatch(await page.textContent('#e-mm-note'), /24–600/);
    assert.equal((await fetch(await page.inputValue('#e-svg'))).status, 200);
    // Back to the server's default.
    await page.click('.mm-presets [data-mm=""]');
    assert.equal(new URL(await page.inputValue('#e-png')).searchParams.get('width_mm'), null);
    clean(r);
  } finally {
    await r.context.close();
  }
});

test('enterprise layer without a list: the toggle is off and disabled with the import hint in the page\'s language (commands as code); a link\'s ent, ent_class and ent_chain are dropped with a notice saying no list is loaded', async () => {
  const info = await (await fetch(`${t.server.base}/api/v1/enterprises/info`)).json();
  assert.equal(info.count, 0);
  const chain = (await (await fetch(`${t.server.base}/api/v1/chains`)).json()).chains[0].id;
  const cases = [
    { lang: 'zh', hint: info.hint_zh, notice: /未导入企业名录/, invalid: /无效/,
      cmds: ['layoutmap serve --data 目录', 'layoutmap import --database-url URL --enterprises 文件', 'layoutmap synth enterprises --n 50000 --out 目录/enterprises.csv'] },
    { lang: 'en', hint: info.hint, notice: /No enterprise list is loaded/, invalid: /invalid/,
      cmds: ['layoutmap serve --data DIR', 'layoutmap import --database-url URL --enterprises FILE', 'layoutmap synth enterprises --n 50000 --out DIR/enterprises.csv'] },
  ];
  for (const c of cases) {
    const r = await open(`${t.server.base}/?lang=${c.lang}&panel=layers&ent=1&ent_class=chain_leader&ent_chain=${chain}`);
    try {
      const { page } = r;
      assert.equal(await page.isChecked('#ent-toggle'), false);
      assert.equal(await page.isDisabled('#ent-toggle'), true);
      // The hint: the server's, in the page's language, its commands as
      // code and no Markdown backtick left.
      const hint = await page.textContent('#ent-hint');
      assert.equal(hint, c.hint.replaceAll('`', ''), c.lang);
      assert.doesNotMatch(hint, /`/);
      assert.match(hint, /enterprises\.csv/);
      assert.deepEqual(await page.$$eval('#ent-hint code', (cs) => cs.map((x) => x.textContent)), c.cmds);
      // The notice: no list is loaded, naming every enterprise value dropped.
      const notice = await page.textContent('#notice');
      assert.match(notice, c.notice);
      assert.doesNotMatch(notice, c.invalid);
      for (const v of ['ent=1', 'ent_class=chain_leader', `ent_chain=${chain}`]) assert.ok(notice.includes(v), `${c.lang}: ${v} named in ${notice}`);
      const url = new URL(page.url());
      for (const k of ['ent', 'ent_class', 'ent_chain']) assert.equal(url.searchParams.get(k), null, k);
      assert.equal(await page.evaluate(() => window.__layoutmap.map.getSource('enterprises') ?? null), null, 'no enterprise source');
      // The chain view shows the same hint where the 链主 would be.
      await page.click('#tab-chains');
      await act(page, () => page.selectOption('#chain-view', chain));
      await page.waitForSelector('#chain-leaders .chain-ent-hint');
      assert.equal(await page.textContent('#chain-leaders .chain-ent-hint'), c.hint.replaceAll('`', ''));
      assert.deepEqual(await page.$$eval('#chain-leaders .chain-ent-hint code', (cs) => cs.map((x) => x.textContent)), c.cmds);
      clean(r);
    } finally {
      await r.context.close();
    }
  }
});
