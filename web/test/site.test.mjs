// Chromium test of issue 16's static site: `layoutmap export-site` writes
// the web map, the PMTiles archives, the API's documents, the dataset and
// the WebAssembly engine; nginx (Debian's nginx-light, scripts/deps.sh)
// serves the directory under a path prefix as plain files with HTTP range
// requests, and the page must list the same zones as the live server for a
// revenue threshold, a cluster and a year, give the same statistics, draw
// the filter's zones from the archive (and hide the others), and say the
// dataset version and that a synthetic enterprise list is in it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { useServer, clean, act, apiZones, freePort } from './harness.mjs';

const N = 2000;
let siteDir = '';
const t = useServer({
  timeout: 180000,
  beforeServe: (bin, dir) => {
    const file = join(dir, 'enterprises-synthetic.csv');
    execFileSync(bin, ['synth', 'enterprises', '--n', String(N), '--seed', '5', '--out', file], { stdio: 'ignore' });
    siteDir = join(dir, 'site');
    execFileSync(bin, ['export-site', siteDir, '--minzoom', '5', '--maxzoom', '8', '--enterprises', file, '--quiet'], { stdio: ['ignore', 'ignore', 'inherit'] });
    return ['--enterprises', file];
  },
});

// nginx serves the site under /henan/ (a site need not be at the root of
// its host), .mjs as JavaScript (MapLibre's worker is a module).
let nginx = null;
let siteBase = '';
before(async () => {
  // useServer's set-up exports the site first; without it there is nothing to serve.
  if (!siteDir || !existsSync(join(siteDir, 'site.json'))) throw new Error('export-site did not run: the server set-up failed (see above)');
  const bin = existsSync('/usr/sbin/nginx') ? '/usr/sbin/nginx' : 'nginx';
  const dir = join(siteDir, '..', 'nginx');
  mkdirSync(join(dir, 'tmp'), { recursive: true });
  const port = await freePort();
  writeFileSync(join(dir, 'nginx.conf'), `${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 64; }
http {
  include /etc/nginx/mime.types;
  types { text/javascript mjs; }
  access_log off;
  client_body_temp_path ${dir}/tmp; proxy_temp_path ${dir}/tmp; fastcgi_temp_path ${dir}/tmp; uwsgi_temp_path ${dir}/tmp; scgi_temp_path ${dir}/tmp;
  server {
    listen 127.0.0.1:${port};
    location /henan/ { alias ${siteDir}/; }
  }
}
`);
  nginx = spawn(bin, ['-p', dir, '-c', join(dir, 'nginx.conf')], { stdio: ['ignore', 'inherit', 'inherit'] });
  siteBase = `http://127.0.0.1:${port}/henan/`;
  for (let i = 0; ; i++) {
    try { if ((await fetch(siteBase + 'site.json')).ok) break; } catch { /* not yet */ }
    if (i > 100) throw new Error('nginx did not serve the site: ' + (existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''));
    await new Promise((r) => setTimeout(r, 100));
  }
});
after(() => { nginx?.kill('SIGTERM'); });

const ids = (fc) => fc.features.map((f) => String(f.id));

test('static site from nginx: same zones and statistics as the live server for a threshold, a cluster and a year; archive drawn; version and synthetic stated', { timeout: 120000 }, async () => {
  // The archive needs HTTP range requests: nginx answers 206.
  const range = await fetch(siteBase + 'tiles/layout.pmtiles', { headers: { Range: 'bytes=0-126' } });
  assert.equal(range.status, 206, 'range request on the archive');
  const si = await (await fetch(siteBase + 'site.json')).json();
  assert.equal(si.synthetic, true);
  assert.equal(si.enterprises_archive, 'tiles/enterprises.pmtiles');

  const r = await t.open(siteBase, { allowedOrigins: [new URL(siteBase).origin] });
  const { page } = r;
  const missing = [];
  page.on('response', (res) => { if (res.status() === 404) missing.push(res.url()); });
  try {
    // The dataset line: version, export date, synthetic.
    const line = await page.textContent('#site-info');
    assert.match(line, new RegExp(`数据版本 ${si.dataset_version}\\b`));
    assert.match(line, /导出于 \d{4}-\d\d-\d\d/);
    assert.match(line, /合成数据/);

    const clusters = await (await fetch(t.server.base + '/api/v1/clusters')).json();
    const cluster = (clusters.clusters ?? clusters)[0].id;
    const years = (await page.evaluate(() => window.__layoutmap.zones().flatMap((z) => (z.properties.revenue ?? []).map((x) => x.year))));
    const year = String(Math.min(...years));
    const cases = [
      [{ min_revenue: '1000' }, { min_revenue: '1000' }],
      [{ cluster: [cluster] }, { cluster }],
      [{ year }, { year }],
      [{ year, min_revenue: '500' }, { year, min_revenue: '500' }],
    ];
    let sawHidden = false;
    for (const [patch, params] of cases) {
      const reset = { cluster: [], year: '', min_revenue: '' };
      await act(page, () => page.evaluate((p) => window.__layoutmap.setFilterForTest(p), { ...reset, ...patch }));
      const live = await apiZones(t.server.base, { ...params, sortby: '-revenue' });
      const got = await page.evaluate(() => window.__layoutmap.zones().map((z) => String(z.id)));
      assert.deepEqual(got, ids(live), `zones for ${JSON.stringify(params)}`);
      assert.ok(got.length > 0, `some zones for ${JSON.stringify(params)}`);
      // The ranking panel lists them.
      const listed = await page.$$eval('#zone-list .zone-row', (bs) => bs.map((b) => b.dataset.id));
      assert.deepEqual([...listed].sort(), [...got].sort(), 'the ranking panel lists the same zones');
      // The engine's statistics are the server's, document for document
      // (timeStamp aside, none in statistics).
      const q = new URLSearchParams(params).toString();
      for (const path of ['/api/v1/stats/tiers', '/api/v1/stats/clusters']) {
        const want = await (await fetch(`${t.server.base}${path}?${q}`)).json();
        const have = await page.evaluate((u) => JSON.parse(window.layoutmapSite.get(u).body), `${path}?${q}`);
        assert.deepEqual(have, want, `${path}?${q}`);
      }
      // The map draws zones from the archive, only those of the filter.
      const drawn = await page.evaluate(() => {
        const map = window.__layoutmap.map;
        const all = new Set(map.querySourceFeatures('layout', { sourceLayer: 'zones' }).map((f) => String(f.properties.id)));
        const shown = new Set(map.queryRenderedFeatures({ layers: ['zones-fill'] }).map((f) => String(f.properties.id)));
        return { all: [...all], shown: [...shown] };
      });
      const want = new Set(got);
      assert.ok(drawn.all.length > 0, 'zone outlines come from the archive');
      for (const id of drawn.shown) assert.ok(want.has(id), `zone ${id} drawn outside the filter ${JSON.stringify(params)}`);
      if (drawn.all.some((id) => !want.has(id))) sawHidden = true;
    }
    assert.ok(sawHidden, 'some filter hid zones the archive holds');
    // A bad filter is the server's 400 problem, from the same parser.
    const bad = await page.evaluate(() => window.layoutmapSite.get('/api/v1/stats/tiers?min_revenue=abc'));
    const liveBad = await fetch(`${t.server.base}/api/v1/stats/tiers?min_revenue=abc`);
    assert.equal(bad.status, liveBad.status);
    assert.deepEqual(JSON.parse(bad.body)['invalid-params'], (await liveBad.json())['invalid-params']);
    // Tiles came from the archives by range requests, nothing else asked.
    assert.ok(r.requests.some((u) => u.endsWith('/henan/tiles/layout.pmtiles')), 'the archive was read');
    assert.deepEqual(missing, [], 'files the static site lacks');
    clean(r);
  } finally {
    await r.context.close();
  }
});
