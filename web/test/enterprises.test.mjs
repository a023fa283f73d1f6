// Chromium tests of issue 15's web part: the enterprise layer over a
// SYNTHETIC list (`layoutmap synth enterprises`, loaded with `serve
// --enterprises`): toggling the layer, filtering a chain, zooming from the
// aggregated bubbles to points, the enterprise card, the zone card's
// enterprises by class, and "synthetic" in the legend and source line.
// Real server, real browser; no enterprise list is bundled, so the list is
// made by the server's own synth command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useServer, clean, act, ensureArtifacts, reopen, LAPTOP, PHONE } from './harness.mjs';

const N = 60000;
const t = useServer({
  timeout: 300000,
  beforeServe: (bin, dir) => {
    const file = join(dir, 'enterprises-synthetic.csv');
    execFileSync(bin, ['synth', 'enterprises', '--n', String(N), '--seed', '3', '--out', file], { stdio: 'ignore' });
    return ['--enterprises', file];
  },
});
const open = t.open;
const api = async (path) => {
  const r = await fetch(t.server.base + path);
  assert.equal(r.status, 200, path);
  return r.json();
};

// drawn sums what the map shows of the enterprise layer: the counts of the
// aggregated cells and the individual points (each feature once).
async function drawn(page) {
  return page.evaluate(() => {
    const map = window.__layoutmap.map;
    const cells = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['ent-cells'] })) cells.set(String(f.id), f.properties.count);
    const points = new Map();
    for (const f of map.queryRenderedFeatures({ layers: ['ent-points'] })) points.set(String(f.properties.id), f.properties);
    return { cells: cells.size, cellSum: [...cells.values()].reduce((a, b) => a + b, 0), points: [...points.values()], zoom: map.getZoom() };
  });
}
const total = (d) => d.cellSum + d.points.length;

// bubbleAt is where a click lands on the largest enterprise bubble drawn
// (page coordinates), or null when none is drawn. The zone symbols lie
// over the layer and take a click on them, so it aims beside a zone point
// on the bubble.
async function bubbleAt(page) {
  return page.evaluate(() => {
    const map = window.__layoutmap.map;
    const fs = map.queryRenderedFeatures({ layers: ['ent-cells'] }).sort((a, b) => b.properties.count - a.properties.count);
    if (!fs.length) return null;
    const p = map.project(fs[0].geometry.coordinates);
    const r = map.getCanvas().getBoundingClientRect();
    const zone = ['zonepoints', 'zonepoints-unknown'];
    const tries = [[0, 0]];
    for (let d = 4; d <= 36; d += 4) for (let a = 0; a < 8; a++) tries.push([d * Math.cos(a * Math.PI / 4), d * Math.sin(a * Math.PI / 4)]);
    for (const [dx, dy] of tries) {
      const q = [p.x + dx, p.y + dy];
      const here = map.queryRenderedFeatures(q, { layers: ['ent-cells'] }).some((f) => f.id === fs[0].id);
      if (here && !map.queryRenderedFeatures(q, { layers: zone }).length) return { x: r.left + q[0], y: r.top + q[1] };
    }
    return { x: r.left + p.x, y: r.top + p.y };
  });
}

test('enterprise layer: toggle, filter a chain, bubbles split into points on zoom, enterprise and zone cards, synthetic said (zh)', { timeout: 240000 }, async () => {
  const info = await api('/api/v1/enterprises/info');
  assert.equal(info.count, N);
  assert.equal(info.synthetic, N);
  const r = await open(`${t.server.base}/?panel=layers`);
  try {
    const { page } = r;
    // Off by default; the toggle is offered.
    assert.equal(await page.isChecked('#ent-toggle'), false);
    assert.equal(await page.evaluate(() => window.__layoutmap.map.getLayoutProperty('ent-cells', 'visibility')), 'none');
    assert.doesNotMatch(await page.textContent('#legend'), /合成数据/);
    // Toggle it on: at province zoom the dense tiles are aggregated bubbles.
    await act(page, () => page.check('#ent-toggle'));
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    let d = await drawn(page);
    assert.ok(d.cells > 0, `bubbles at province zoom ${d.zoom}`);
    assert.equal(total(d), N, 'every enterprise is in a bubble or a point, none left out');
    assert.equal(new URL(page.url()).searchParams.get('ent'), '1');
    // Synthetic: in the legend, the panel and the source line.
    assert.match(await page.textContent('#legend'), /合成数据/);
    assert.match(await page.textContent('#panel-layers'), /合成数据/);
    const attrib = await page.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '');
    assert.match(attrib, /合成数据/);
    // Filter a chain: the bubbles count only its enterprises, as items do.
    const st = await api('/api/v1/stats/enterprises');
    const chains = st.groups.find((g) => g.group === 'chain').items.filter((c) => c.count > 0).sort((a, b) => b.count - a.count);
    const chain = chains[Math.floor(chains.length / 2)];
    await act(page, () => page.selectOption('#ent-chain', chain.id));
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    const items = await api(`/api/v1/collections/enterprises/items?chain=${chain.id}&limit=1`);
    assert.equal(items.numberMatched, chain.count);
    d = await drawn(page);
    assert.equal(total(d), chain.count, `chain ${chain.id}: drawn ${JSON.stringify({ cells: d.cells, sum: d.cellSum, points: d.points.length })}`);
    assert.equal(new URL(page.url()).searchParams.get('ent_chain'), chain.id);
    await page.waitForFunction((n) => document.querySelector('#ent-count')?.textContent.includes(n), chain.count.toLocaleString());
    // All chains again: bubbles.
    await act(page, () => page.selectOption('#ent-chain', ''));
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    d = await drawn(page);
    assert.equal(total(d), N);
    assert.ok(d.cells > 0);
    // Zoom from bubbles to points: click the largest bubble until points show.
    const z0 = d.zoom;
    for (let i = 0; i < 6 && !(d.points.length && !d.cells); i++) {
      const at = await bubbleAt(page);
      if (!at) break;
      await act(page, () => page.mouse.click(at.x, at.y));
      await page.waitForFunction(() => !window.__layoutmap.map.isMoving() && window.__layoutmap.map.areTilesLoaded());
      await page.waitForTimeout(200);
      d = await drawn(page);
    }
    assert.ok(d.zoom > z0 + 1, `zoomed in: ${z0} → ${d.zoom}`);
    assert.ok(d.points.length > 0, `points after zooming in (zoom ${d.zoom}, cells ${d.cells})`);
    // Where the view shows only points, they are exactly the items in its box.
    const view = await page.evaluate(() => {
      const map = window.__layoutmap.map;
      const b = map.getBounds();
      const ids = new Set(map.queryRenderedFeatures({ layers: ['ent-points'] }).filter((f) => b.contains(f.geometry.coordinates)).map((f) => String(f.properties.id)));
      return { bbox: b.toArray().flat().join(','), n: ids.size };
    });
    const boxItems = await api(`/api/v1/collections/enterprises/items?bbox=${view.bbox}&limit=1`);
    if (!d.cells) assert.equal(view.n, boxItems.numberMatched, 'every enterprise in view is drawn');
    else assert.ok(view.n > 0 && view.n <= boxItems.numberMatched, `${view.n} points, ${boxItems.numberMatched} items in view`);
    await page.screenshot({ path: join(ensureArtifacts(), 'enterprises-points.png') });
    // Open an enterprise card.
    const pt = await page.evaluate(() => {
      const map = window.__layoutmap.map;
      // One in a zone (55% of the synthetic list), so its zone card follows.
      const fs = map.queryRenderedFeatures({ layers: ['ent-points'] }).filter((x) => map.getBounds().contains(x.geometry.coordinates));
      const f = fs.find((x) => x.properties.zone_id) ?? fs[0];
      const p = map.project(f.geometry.coordinates);
      const r = map.getCanvas().getBoundingClientRect();
      return { id: String(f.properties.id), x: r.left + p.x, y: r.top + p.y };
    });
    await act(page, () => page.mouse.click(pt.x, pt.y));
    await page.waitForSelector('#ent-card:not([hidden]) #ent-card-title');
    const card = await page.textContent('#ent-card');
    const ent = await api(`/api/v1/collections/enterprises/items/${encodeURIComponent(pt.id)}`);
    const ref = await api('/api/v1/reference');
    const chainsRef = await api('/api/v1/chains');
    assert.ok(card.includes(ent.properties.name), `card names ${ent.properties.name}: ${card}`);
    for (const c of ent.properties.classes) assert.ok(card.includes(ref.enterprise_classes.find((x) => x.id === c).name), `class ${c}`);
    const chainList = Array.isArray(chainsRef) ? chainsRef : (chainsRef.chains ?? chainsRef.features?.map((x) => ({ id: x.id, ...x.properties })));
    for (const c of ent.properties.chains) assert.ok(card.includes(chainList.find((x) => x.id === c).name), `chain ${c}`);
    assert.match(card, /合成（虚构坐标）/, 'location quality');
    assert.match(card, /合成数据/);
    assert.ok(card.includes(ent.properties.source), 'source');
    await page.screenshot({ path: join(ensureArtifacts(), 'enterprise-card.png') });
    // Its zone: the zone card lists the zone's enterprises by class, paged.
    assert.ok(ent.properties.zone_id, 'an enterprise in a zone was drawn');
    {
      await act(page, () => page.click('#ent-card .ent-zone'));
      await page.click('#ent-card .close');
      await page.waitForSelector('#card:not([hidden]) .zone-ents .ent-classes');
      const zst = await api(`/api/v1/stats/enterprises?zone=${ent.properties.zone_id}`);
      const buttons = await page.$$eval('#card .ent-classes button', (bs) => bs.map((b) => [b.dataset.class, b.textContent]));
      assert.equal(buttons[0][0], '');
      assert.match(buttons[0][1], new RegExp(`${zst.total}$`));
      for (const [cls, text] of buttons.slice(1)) {
        const n = zst.groups.find((g) => g.group === 'class').items.find((x) => x.id === cls).count;
        assert.ok(text.endsWith(String(n)), `${cls}: ${text} vs ${n}`);
      }
      const page1 = await page.$$eval('#card .ent-list li', (ls) => ls.map((l) => l.dataset.id));
      const want = await api(`/api/v1/collections/enterprises/items?zone=${ent.properties.zone_id}&limit=10`);
      assert.deepEqual(page1, want.features.map((x) => String(x.id)));
      if (zst.total > 10) {
        await page.click('#card .ent-next');
        await page.waitForFunction((first) => document.querySelector('#card .ent-list li')?.dataset.id !== first, page1[0]);
        const page2 = await page.$$eval('#card .ent-list li', (ls) => ls.map((l) => l.dataset.id));
        const want2 = await api(`/api/v1/collections/enterprises/items?zone=${ent.properties.zone_id}&limit=10&offset=10`);
        assert.deepEqual(page2, want2.features.map((x) => String(x.id)));
      }
      // One class: only its enterprises.
      const [cls] = buttons.slice(1).map(([c]) => c);
      if (cls) {
        await page.click(`#card .ent-classes button[data-class="${cls}"]`);
        await page.waitForSelector(`#card .ent-classes button[data-class="${cls}"][aria-pressed=true]`);
        const ids = await page.$$eval('#card .ent-list li', (ls) => ls.map((l) => l.dataset.id));
        const w = await api(`/api/v1/collections/enterprises/items?zone=${ent.properties.zone_id}&class=${cls}&limit=10`);
        assert.deepEqual(ids, w.features.map((x) => String(x.id)));
      }
      assert.match(await page.textContent('#card .zone-ents'), /合成数据/);
      await page.screenshot({ path: join(ensureArtifacts(), 'zone-enterprises.png') });
    }
    clean(r);
  } finally {
    await r.context.close();
  }
});

// A reader who asks for reduced motion gets a jump instead of a flight
// when clicking a bubble; the map must still settle (the jump's moveend
// fires inside easeTo, so listening after it waited forever).
test('enterprise layer with reduced motion: a click on a bubble jumps two zoom levels in and the map settles', async () => {
  const r = await open(`${t.server.base}/?ent=1`, { reducedMotion: 'reduce' });
  try {
    const { page } = r;
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    const z0 = await page.evaluate(() => window.__layoutmap.map.getZoom());
    const at = await bubbleAt(page);
    assert.ok(at, 'a bubble is drawn at province zoom');
    await act(page, () => page.mouse.click(at.x, at.y));
    const z1 = await page.evaluate(() => window.__layoutmap.map.getZoom());
    assert.ok(Math.abs(z1 - Math.min(z0 + 2, 16)) < 0.01, `zoom ${z0} → ${z1}, want two levels in`);
    clean(r);
  } finally {
    await r.context.close();
  }
});

test('enterprise layer in English: legend, source line and card say synthetic; a class filter', async () => {
  const r = await open(`${t.server.base}/?lang=en&ent=1&ent_class=chain_leader&panel=layers`);
  try {
    const { page } = r;
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    assert.equal(await page.isChecked('#ent-toggle'), true);
    assert.equal(await page.isChecked('#ent-class-chain_leader'), true);
    const items = await api('/api/v1/collections/enterprises/items?class=chain_leader&limit=1');
    const d = await drawn(page);
    assert.equal(total(d), items.numberMatched, 'only the chain leaders are drawn');
    for (const p of d.points) assert.ok(p.classes.includes('|chain_leader|'));
    assert.match(await page.textContent('#legend'), /Synthetic data/);
    const attrib = await page.evaluate(() => document.querySelector('.maplibregl-ctrl-attrib-inner')?.textContent ?? '');
    assert.match(attrib, /synthetic/);
    clean(r);
  } finally {
    await r.context.close();
  }
});

// allOf pages through an items route (limit 1000, next links) and returns
// every feature, as the server orders them.
async function allOf(path) {
  const out = [];
  let url = path + (path.includes('?') ? '&' : '?') + 'limit=1000';
  for (let i = 0; url && i < 50; i++) {
    const doc = await api(url);
    out.push(...doc.features);
    const next = doc.links?.find((l) => l.rel === 'next')?.href;
    url = next ? new URL(next).pathname + new URL(next).search : null;
  }
  return out;
}

test('chain view: pick a chain; its zones ringed and listed with figures, its 链主 named, its enterprises by class paged; deep link in English', { timeout: 240000 }, async () => {
  // A chain with zones in the dataset and 链主 in the synthetic list.
  const chains = (await api('/api/v1/chains')).chains;
  let chain = null;
  for (const c of chains) {
    const z = await api(`/api/v1/collections/zones/items?chain=${c.id}&limit=1`);
    const l = await api(`/api/v1/collections/enterprises/items?chain=${c.id}&class=chain_leader&limit=1`);
    if (z.numberMatched > 1 && l.numberMatched > 0) { chain = c; break; }
  }
  assert.ok(chain, 'a chain with zones and chain leaders');
  const zones = await allOf(`/api/v1/collections/zones/items?chain=${chain.id}&sortby=-revenue`);
  const leaders = await allOf(`/api/v1/collections/enterprises/items?chain=${chain.id}&class=chain_leader`);
  const st = await api(`/api/v1/stats/enterprises?chain=${chain.id}`);
  const zoneCount = new Map(st.groups.find((g) => g.group === 'zone').items.map((x) => [x.id, x.count]));
  const r = await open(`${t.server.base}/?panel=chains`);
  let deep;
  try {
    const { page } = r;
    assert.match(await page.textContent('#panel-chains'), new RegExp(`${chains.length} 条`));
    await act(page, () => page.selectOption('#chain-view', chain.id));
    await page.waitForSelector('#chain-title');
    await page.waitForFunction(() => !window.__layoutmap.map.isMoving() && window.__layoutmap.map.areTilesLoaded());
    const url = new URL(page.url());
    assert.equal(url.searchParams.get('chain_view'), chain.id);
    assert.equal(url.searchParams.get('ent'), '1');
    assert.equal(url.searchParams.get('ent_chain'), chain.id, 'the enterprise layer shows the chain');
    assert.equal(await page.textContent('#chain-title'), chain.name);
    const text = await page.textContent('#panel-chains');
    assert.match(text, /合成数据/, 'synthetic said in the chain view');
    assert.equal(await page.getAttribute('#chain-ent-total', 'data-count'), String(st.total));
    // Its zones: the items of chain=, in the server's order, each figure
    // with its measure, year and bound, each with the chain's enterprises in it.
    const rows = await page.$$eval('#chain-zones li', (ls) => ls.map((l) => ({ id: l.dataset.id, text: l.textContent, n: l.querySelector('.chain-zone-ents')?.dataset.count })));
    assert.deepEqual(rows.map((x) => x.id), zones.map((z) => String(z.id)));
    for (const [i, z] of zones.entries()) {
      const p = z.properties;
      assert.equal(rows[i].n, String(zoneCount.get(String(z.id)) ?? 0), `enterprises of ${z.id}`);
      if (p.revenue_yi != null) {
        assert.ok(rows[i].text.includes(String(p.revenue_year)) && rows[i].text.includes(p.measure), `figure of ${z.id} with year and measure: ${rows[i].text}`);
        if (p.bound === 'lower') assert.match(rows[i].text, /≥/);
      }
    }
    // Its 链主, named.
    const named = await page.$$eval('#chain-leaders li', (ls) => ls.map((l) => [l.dataset.id, l.querySelector('a').textContent]));
    assert.deepEqual(named, leaders.map((x) => [String(x.id), x.properties.name]));
    // Enterprises by class: counts of stats, page 1 and 2 of items.
    const buttons = await page.$$eval('#panel-chains .ent-classes button', (bs) => bs.map((b) => [b.dataset.class, b.dataset.count]));
    assert.deepEqual(buttons[0], ['', String(st.total)]);
    for (const [cls, n] of buttons.slice(1)) assert.equal(n, String(st.groups.find((g) => g.group === 'class').items.find((x) => x.id === cls).count), cls);
    const page1 = await page.$$eval('#panel-chains .ent-list li', (ls) => ls.map((l) => l.dataset.id));
    assert.deepEqual(page1, (await api(`/api/v1/collections/enterprises/items?chain=${chain.id}&limit=10`)).features.map((x) => String(x.id)));
    await page.click('#panel-chains .ent-next');
    await page.waitForFunction((first) => document.querySelector('#panel-chains .ent-list li')?.dataset.id !== first, page1[0]);
    const page2 = await page.$$eval('#panel-chains .ent-list li', (ls) => ls.map((l) => l.dataset.id));
    assert.deepEqual(page2, (await api(`/api/v1/collections/enterprises/items?chain=${chain.id}&limit=10&offset=10`)).features.map((x) => String(x.id)));
    await page.click('#panel-chains .ent-classes button[data-class="chain_leader"]');
    await page.waitForSelector('#panel-chains .ent-classes button[data-class="chain_leader"][aria-pressed=true]');
    assert.deepEqual(await page.$$eval('#panel-chains .ent-list li', (ls) => ls.map((l) => l.dataset.id)), leaders.slice(0, 10).map((x) => String(x.id)));
    // The map: the chain's zones outlined and ringed (and only them), its
    // enterprises only; the legend names the highlight.
    const m = await page.evaluate(() => {
      const map = window.__layoutmap.map;
      return {
        filter: map.getFilter('chain-zones-line'),
        vis: map.getLayoutProperty('chain-zones-ring', 'visibility'),
        rings: [...new Set(map.queryRenderedFeatures({ layers: ['chain-zones-ring'] }).map((f) => String(f.properties.id)))],
        points: map.queryRenderedFeatures({ layers: ['ent-points'] }).map((f) => f.properties.chains),
        tiles: map.getSource('enterprises').tiles[0],
      };
    });
    const ids = new Set(zones.map((z) => String(z.id)));
    // ['all', ['in', id, ids], zone filter] (the zone filter: a static
    // site's engine selection, `true` on the live server).
    const inIds = m.filter[0] === 'all' ? m.filter.find((e) => Array.isArray(e) && e[0] === 'in') : m.filter;
    assert.deepEqual(new Set(inIds[2][1]), ids);
    assert.equal(m.vis, 'visible');
    assert.ok(m.rings.length > 0 && m.rings.every((id) => ids.has(id)), `rings ${m.rings}`);
    assert.ok(m.points.every((c) => c.includes(`|${chain.id}|`)), 'only the chain\'s enterprises are drawn');
    assert.match(m.tiles, new RegExp(`chain=${chain.id}`));
    assert.ok((await page.textContent('#legend')).includes(`产业链视图：${chain.name}的开发区（${zones.length} 个）`));
    await page.screenshot({ path: join(ensureArtifacts(), 'chain-view.png') });
    // A 链主 opens its card.
    await act(page, () => page.click(`#chain-leaders li[data-id="${leaders[0].id}"] a`));
    await page.waitForSelector('#ent-card:not([hidden]) #ent-card-title');
    assert.equal(await page.textContent('#ent-card-title'), leaders[0].properties.name);
    deep = new URL(page.url());
    // Closing the view drops it from the URL and the enterprise filter.
    await act(page, () => page.click('#chain-close'));
    assert.equal(new URL(page.url()).searchParams.get('chain_view'), null);
    assert.equal(new URL(page.url()).searchParams.get('ent_chain'), null);
    assert.equal(await page.evaluate(() => window.__layoutmap.map.getLayoutProperty('chain-zones-ring', 'visibility')), 'none');
    clean(r);
  } finally {
    await r.context.close();
  }
  // The deep link opens the same view, in English.
  deep.searchParams.set('lang', 'en');
  const r2 = await open(deep.toString());
  try {
    const { page } = r2;
    await page.waitForSelector('#chain-title');
    assert.equal(await page.$eval('#chain-view', (s) => s.value), chain.id);
    assert.equal(await page.textContent('#chain-title'), chain.name_en);
    const text = await page.textContent('#panel-chains');
    assert.match(text, /Synthetic data/);
    assert.ok(text.includes(`Chain leaders (${leaders.length})`), text.slice(0, 400));
    assert.ok(text.includes(`Zones of this chain (${zones.length})`));
    assert.deepEqual(await page.$$eval('#chain-zones li', (ls) => ls.map((l) => l.dataset.id)), zones.map((z) => String(z.id)));
    assert.ok((await page.textContent('#legend')).includes(`Chain view: zones of ${chain.name_en} (${zones.length})`));
    clean(r2);
  } finally {
    await r2.context.close();
  }
});

test('chain view: picking another chain closes a zone card and an enterprise card outside it, keeps a zone card of the chain, and fits the chain\'s zones', { timeout: 240000 }, async () => {
  // Chains a and b, a zone of a not b's, a 链主 of a not in b.
  const chains = (await api('/api/v1/chains')).chains;
  const zonesOf = new Map();
  for (const c of chains) zonesOf.set(c.id, new Set((await allOf(`/api/v1/collections/zones/items?chain=${c.id}`)).map((z) => String(z.id))));
  let pick = null;
  for (const a of chains) {
    const leaders = await allOf(`/api/v1/collections/enterprises/items?chain=${a.id}&class=chain_leader`);
    for (const b of chains) {
      if (b.id === a.id || !zonesOf.get(b.id).size) continue;
      const zone = [...zonesOf.get(a.id)].find((z) => !zonesOf.get(b.id).has(z));
      const leader = leaders.find((x) => !x.properties.chains.includes(b.id));
      if (zone && leader) { pick = { a, b, zone, leader }; break; }
    }
    if (pick) break;
  }
  assert.ok(pick, 'two chains, a zone and a 链主 of the first not the second\'s');
  const { a, b, zone, leader } = pick;
  for (const lang of ['zh', 'en']) {
    const r = await open(`${t.server.base}/?lang=${lang}&panel=chains&zone=${zone}`);
    try {
      const { page } = r;
      await page.waitForSelector('#card:not([hidden])');
      await page.click('#tab-chains');
      // Picking a: the zone is one of its zones, its card stays open.
      await act(page, () => page.selectOption('#chain-view', a.id));
      await page.waitForSelector('#chain-title');
      assert.equal(await page.isHidden('#card'), false, `${lang}: a zone card of the chain stays`);
      assert.equal(new URL(page.url()).searchParams.get('zone'), zone);
      // One of a's 链主 opens its card.
      await page.click('#tab-chains');
      await act(page, () => page.click(`#chain-leaders li[data-id="${leader.id}"] a`));
      await page.waitForSelector('#ent-card:not([hidden]) #ent-card-title');
      // Picking b closes both cards (neither the zone nor the firm is b's).
      await act(page, () => page.selectOption('#chain-view', b.id));
      await page.waitForFunction((id) => document.querySelector('#chain-view')?.value === id && document.querySelector('#chain-title'), b.id);
      await page.waitForFunction(() => !window.__layoutmap.map.isMoving());
      assert.equal(await page.isHidden('#ent-card'), true, `${lang}: the enterprise card outside chain b closed`);
      assert.equal(await page.isHidden('#card'), true, `${lang}: the zone card outside chain b closed`);
      assert.equal(new URL(page.url()).searchParams.get('zone'), null);
      // The view shows b's zones: every ring drawn is one of b's.
      const rings = await page.evaluate(() => [...new Set(window.__layoutmap.map.queryRenderedFeatures({ layers: ['chain-zones-ring'] }).map((f) => String(f.properties.id)))]);
      assert.ok(rings.length > 0 && rings.every((id) => zonesOf.get(b.id).has(id)), `rings ${rings}`);
      clean(r);
    } finally {
      await r.context.close();
    }
  }
});

// statsTables reads the 统计 panel's enterprise tables: {group: {id: count}}.
async function statsTables(page, root) {
  return page.$$eval(`${root} table.ent-stats`, (ts) => Object.fromEntries(ts.map((t) => [t.dataset.group,
    Object.fromEntries([...t.querySelectorAll('tr')].map((r) => [r.dataset.id, Number(r.dataset.count)]))])));
}
const groupsOf = (doc, nonZero = false) => Object.fromEntries(doc.groups.filter((g) => ['city', 'class', 'chain'].includes(g.group))
  .map((g) => [g.group, Object.fromEntries(g.items.filter((it) => !nonZero || it.count > 0).map((it) => [it.id, it.count]))]));

test('统计 panel: enterprises per city, class and chain under the layer\'s filter, and the selected zone\'s, equal /api/v1/stats/enterprises', { timeout: 240000 }, async () => {
  const cls = 'chain_leader,srdi';
  const st = await api(`/api/v1/stats/enterprises?class=${cls}`);
  assert.ok(st.total > 0);
  // A zone with enterprises of these classes.
  const zoneId = st.groups.find((g) => g.group === 'zone').items[0].id;
  const zst = await api(`/api/v1/stats/enterprises?class=${cls}&zone=${zoneId}`);
  const r = await open(`${t.server.base}/?panel=stats&ent=1&ent_class=${cls}&zone=${zoneId}`);
  try {
    const { page } = r;
    await page.click('#tab-stats');
    await page.waitForSelector('#ent-stats-total');
    assert.equal(await page.getAttribute('#ent-stats-total', 'data-total'), String(st.total));
    assert.equal(await page.getAttribute('#ent-stats-total', 'data-no-zone'), String(st.no_zone));
    const items = await api(`/api/v1/collections/enterprises/items?class=${cls}&limit=1`);
    assert.equal(st.total, items.numberMatched);
    const all = await statsTables(page, '#ent-stats > .ent-group');
    assert.deepEqual(all, groupsOf(st));
    assert.equal(Object.keys(all.city).length, 18, 'every city, zeros included');
    // The selected zone, same filter.
    await page.waitForSelector(`#ent-stats-zone[data-zone="${zoneId}"]`);
    assert.equal(await page.getAttribute('#ent-stats-zone', 'data-total'), String(zst.total));
    const zone = await statsTables(page, '#ent-stats-zone');
    const want = groupsOf(zst, true);
    assert.deepEqual(zone, { class: want.class, chain: want.chain });
    const text = await page.textContent('#ent-stats');
    assert.match(text, /合成数据/);
    assert.match(text, /与地图企业图层同一筛选：专精特新、链主|与地图企业图层同一筛选：链主、专精特新/);
    // The layer's chain filter changes the statistics with it.
    const chain = st.groups.find((g) => g.group === 'chain').items.find((c) => c.count > 0).id;
    await page.click('#tab-layers');
    await act(page, () => page.selectOption('#ent-chain', chain));
    await page.click('#tab-stats');
    const st2 = await api(`/api/v1/stats/enterprises?class=${cls}&chain=${chain}`);
    await page.waitForFunction((n) => document.querySelector('#ent-stats-total')?.dataset.total === n, String(st2.total));
    assert.deepEqual(await statsTables(page, '#ent-stats > .ent-group'), groupsOf(st2));
    await page.screenshot({ path: join(ensureArtifacts(), 'stats-enterprises.png') });
    clean(r);
  } finally {
    await r.context.close();
  }
  // English, no filter: the whole list.
  const r2 = await open(`${t.server.base}/?lang=en&panel=stats`);
  try {
    const { page } = r2;
    await page.waitForSelector('#ent-stats-total');
    const st0 = await api('/api/v1/stats/enterprises');
    assert.equal(await page.getAttribute('#ent-stats-total', 'data-total'), String(N));
    assert.deepEqual(await statsTables(page, '#ent-stats > .ent-group'), groupsOf(st0));
    const text = await page.textContent('#ent-stats');
    assert.match(text, /Enterprise statistics/);
    assert.match(text, /Synthetic data/);
    assert.match(text, /all enterprises/);
    clean(r2);
  } finally {
    await r2.context.close();
  }
});

test('year rule: with the map at a year the list does not describe, every enterprise is still drawn and the legend and 统计 say "no list for that year"', { timeout: 240000 }, async () => {
  const info = await api('/api/v1/enterprises/info');
  const listYears = info.years.filter((y) => y.year).map((y) => y.year);
  assert.deepEqual(listYears, [2025], 'synth writes lists of 2025');
  const st = await api('/api/v1/stats/enterprises?year=2023');
  assert.equal(st.total, N, 'year selects no enterprise');
  assert.match(st.year_note_zh, /无2023年企业名录，最近的名录为2025年/);
  const r = await open(`${t.server.base}/?ent=1&year=2023&panel=stats`);
  try {
    const { page } = r;
    await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded());
    const d = await drawn(page);
    assert.equal(total(d), N, 'the map at 2023 draws the whole list');
    assert.equal(await page.textContent('#legend [data-legend=ent-year-note]'), st.year_note_zh);
    assert.match(await page.textContent('#legend [data-legend=ent-years]'), /名录年份：2025/);
    await page.waitForSelector('#ent-stats-year-note');
    assert.equal(await page.textContent('#ent-stats-year-note'), st.year_note_zh);
    assert.equal(await page.getAttribute('#ent-stats-total', 'data-total'), String(N));
    clean(r);
  } finally {
    await r.context.close();
  }
  // The list's own year: no note; English.
  const r2 = await open(`${t.server.base}/?ent=1&year=2025&lang=en`);
  try {
    const { page } = r2;
    assert.equal(await page.$('#legend [data-legend=ent-year-note]'), null);
    assert.match(await page.textContent('#legend [data-legend=ent-years]'), /List of 2025/);
    clean(r2);
  } finally {
    await r2.context.close();
  }
});

test('embed dialog with the enterprise layer and a chain view: the image links draw the layer, say synthetic and count what /api/v1/stats/enterprises counts', { timeout: 120000 }, async () => {
  const stats = await api('/api/v1/stats/enterprises');
  const chain = stats.groups.find((g) => g.group === 'chain').items.find((c) => c.count > 0);
  const r = await open(`${t.server.base}/?ent=1&ent_chain=${chain.id}&chain_view=${chain.id}`);
  try {
    const { page } = r;
    await page.click('#embed-open');
    await page.waitForSelector('#embed-dialog[open]');
    for (const mm of ['', '80']) {
      await page.click(`.mm-presets [data-mm="${mm}"]`);
      const png = new URL(await page.inputValue('#e-png'));
      const svg = new URL(await page.inputValue('#e-svg'));
      assert.equal(png.searchParams.get('ent'), '1');
      assert.equal(png.searchParams.get('ent_chain'), chain.id);
      assert.equal(png.searchParams.get('chain_view'), null, 'the app\'s panel state stays out of the image link');
      const p = await fetch(png);
      assert.equal(p.status, 200, `${png}: ${p.status}`);
      assert.equal(p.headers.get('content-type'), 'image/png');
      const s = await fetch(svg);
      assert.equal(s.status, 200, `${svg}: ${s.status}`);
      const text = (await s.text()).replace(/<[^>]+>/g, '').replace(/\s+/g, '');
      assert.match(text, /合成数据（虚构企业）/);
      assert.match(text, new RegExp(`企业${chain.count}家（本图范围）`), 'the whole province: the chain\'s count');
    }
  } finally { await clean(r); }
});

// The legend with the enterprise layer on keeps clear of the map's
// controls (trial 3 and 4: it grew over the scale bar): at the viewports
// the Chromium tests use (laptop, the harness's default, phone) and a
// small window, zh and en, the legend's box meets neither the scale bar,
// the zoom buttons nor the source line, and stays inside the map; when
// its entries do not fit it scrolls instead of growing.
test('enterprise layer: the legend keeps clear of the scale bar and the other controls', { timeout: 240000 }, async () => {
  let r = null;
  try {
    for (const viewport of [LAPTOP, { width: 1280, height: 800 }, PHONE, { width: 800, height: 480 }]) {
      for (const lang of ['zh', 'en']) {
        const url = `${t.server.base}/?lang=${lang}&ent=1&year=2023`;
        // A window of that size loading the page (the legend's first layout).
        r = r ? await reopen(r, url, { viewport }) : await open(url, { viewport });
        const { page } = r;
        await page.waitForSelector('#legend [data-legend="ent-point"]', { state: 'attached' });
        // Open it where it starts folded (a phone).
        await page.evaluate(() => { const d = document.querySelector('#legend details'); if (d) d.open = true; });
        await page.waitForTimeout(100);
        const boxes = await page.evaluate(() => {
          const rect = (sel) => [...document.querySelectorAll(sel)].filter((e) => e.offsetParent !== null).map((e) => {
            const b = e.getBoundingClientRect();
            return { sel, x0: b.left, y0: b.top, x1: b.right, y1: b.bottom };
          }).filter((b) => b.x1 > b.x0 && b.y1 > b.y0);
          const legend = document.querySelector('#legend');
          return {
            legend: rect('#legend')[0],
            map: rect('.map-wrap')[0],
            controls: [...rect('.maplibregl-ctrl-scale'), ...rect('.maplibregl-ctrl-attrib'), ...rect('.maplibregl-ctrl-group')],
            scroll: legend.scrollHeight > legend.clientHeight + 1 ? getComputedStyle(legend).overflowY : 'fits',
          };
        });
        const at = `${viewport.width}×${viewport.height} ${lang}`;
        assert.ok(boxes.legend, `${at}: legend shown`);
        assert.ok(boxes.controls.some((c) => c.sel === '.maplibregl-ctrl-scale'), `${at}: scale bar shown`);
        const { legend, map } = boxes;
        assert.ok(legend.x0 >= map.x0 && legend.y0 >= map.y0 && legend.x1 <= map.x1 && legend.y1 <= map.y1, `${at}: legend ${JSON.stringify(legend)} leaves the map ${JSON.stringify(map)}`);
        for (const c of boxes.controls) {
          const meet = legend.x0 < c.x1 && c.x0 < legend.x1 && legend.y0 < c.y1 && c.y0 < legend.y1;
          assert.ok(!meet, `${at}: legend ${JSON.stringify(legend)} overlaps ${c.sel} ${JSON.stringify(c)}`);
        }
        assert.ok(boxes.scroll === 'fits' || boxes.scroll === 'auto' || boxes.scroll === 'scroll', `${at}: the legend overflows without scrolling (${boxes.scroll})`);
        await page.screenshot({ path: join(ensureArtifacts(), `enterprises-legend-${viewport.width}x${viewport.height}-${lang}.png`) });
        clean(r);
      }
    }
  } finally {
    await r?.context.close();
  }
});

// Trial 6 finding 5: with the enterprise layer on, its bubbles were drawn
// over the zone symbols and Zhengzhou ETDZ was barely visible. The zones
// stay on top: every zone point reads the same with the layer on as off
// (the canvas colour at its centre), the enterprise layers lie under every
// zone symbol and label and over the zone outlines, and the style the page
// runs is valid by the MapLibre style spec.
test('enterprise layer on: the zone symbols stay drawn over the enterprise bubbles and points; the running style is valid', { timeout: 240000 }, async () => {
  const { validateStyleMin } = await import('@maplibre/maplibre-gl-style-spec');
  const centres = (page) => page.evaluate(() => {
    const map = window.__layoutmap.map;
    const canvas = map.getCanvas();
    const c = document.createElement('canvas');
    c.width = canvas.width; c.height = canvas.height;
    const g = c.getContext('2d');
    g.drawImage(canvas, 0, 0);
    const dpr = canvas.width / canvas.clientWidth;
    const out = {};
    for (const f of map.queryRenderedFeatures({ layers: ['zonepoints'] })) {
      const p = map.project(f.geometry.coordinates);
      out[String(f.properties.id)] = [...g.getImageData(Math.round(p.x * dpr), Math.round(p.y * dpr), 1, 1).data].slice(0, 3);
    }
    return out;
  });
  for (const q of ['year=2023', 'year=2023&min_revenue=1000', 'center=113.7,34.75&zoom=9']) {
    const r = await open(`${t.server.base}/?${q}&panel=layers`);
    try {
      const { page } = r;
      const off = await centres(page);
      assert.ok(Object.keys(off).length >= 2, `${q}: zone points drawn: ${Object.keys(off).length}`);
      await act(page, () => page.check('#ent-toggle'));
      await page.waitForFunction(() => window.__layoutmap.map.areTilesLoaded() && !window.__layoutmap.map.isMoving());
      await page.waitForTimeout(300);
      const d = await drawn(page);
      assert.ok(d.cells + d.points.length > 0, `${q}: the enterprise layer is drawn`);
      const on = await centres(page);
      const changed = Object.entries(off).filter(([id, px]) => !on[id] || px.some((v, i) => Math.abs(v - on[id][i]) > 12)).map(([id, px]) => `${id} ${px}→${on[id]}`);
      assert.deepEqual(changed, [], `${q}: zone points covered by the enterprise layer`);
      if (q.includes('min_revenue')) assert.ok('G411031' in on, 'Zhengzhou ETDZ drawn');
      const style = await page.evaluate(() => window.__layoutmap.map.getStyle());
      const errs = validateStyleMin(style).map((e) => e.message);
      assert.deepEqual(errs, [], `${q}: style spec`);
      const ids = style.layers.map((l) => l.id);
      const ent = ids.map((id, i) => (id.startsWith('ent-') ? i : -1)).filter((i) => i >= 0);
      assert.equal(ent.length, 3, `${q}: enterprise layers ${ids}`);
      for (const z of ['zonepoints', 'zonepoints-lower', 'zonepoints-unknown', 'zonepoints-unknown-mark', 'labels-top', 'labels-zone', 'labels-city']) {
        assert.ok(ids.indexOf(z) > Math.max(...ent), `${q}: ${z} (at ${ids.indexOf(z)}) over the enterprise layers (${ent})`);
      }
      assert.ok(ids.indexOf('zones-fill') < Math.min(...ent), `${q}: zone outlines under the enterprise points`);
      if (q.startsWith('year=2023&')) await page.screenshot({ path: join(ensureArtifacts(), 'enterprises-under-zones.png') });
      clean(r);
    } finally {
      await r.context.close();
    }
  }
});
