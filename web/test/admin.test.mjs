// The /admin upload flow end to end in real headless Chromium against the
// real layoutmap binary on a real PostGIS (a throwaway cluster started by
// data/postgis/pgtest/pgtestd, holding the bundled dataset): log in,
// upload an .xlsx with bilingual headers, read the check report, confirm,
// see the new figure in the map's zone card, roll back from the page and
// see it gone. Serving reads through a SELECT-only role; the page writes
// through --write-database-url.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { useServer, startDaemon, openPage, repo, ensureArtifacts } from './harness.mjs';

const password = 'correct horse battery staple';
const fixture = join(repo, 'web', 'test', 'fixtures', 'revenue_synthetic.xlsx');

// The database: pgtestd starts a throwaway cluster, imports the bundled
// dataset and prints its URLs. If it dies, the before hook (or the running
// test, which races db.died) fails at once naming it, and stop() does not
// wait for an exit that already happened.
let db;
const t = useServer({
  timeout: 300000,
  serverArgs: async () => {
    db = await startDaemon('go', ['run', './data/postgis/pgtest/pgtestd'], { name: 'pgtestd (the PostGIS test cluster)' });
    return ['--database-url', db.reader_url, '--write-database-url', db.url];
  },
  beforeServe: (bin, dir) => {
    const file = join(dir, 'admin.hash');
    execFileSync(bin, ['admin', 'set-password', '--file', file], { input: password + '\n' });
    return ['--admin-password-file', file];
  },
});
// Registered after useServer's hook, so it runs once server and browser are closed.
after(async () => { await db?.stop(); });

async function cardText(base, zone) {
  const r = await openPage(t.browser, `${base}/?zone=${zone}`);
  try {
    assert.deepEqual(r.errors, [], 'console errors');
    return await r.page.textContent('#card');
  } finally {
    await r.context.close();
  }
}

test('admin: log in, upload an xlsx, read the report, confirm, see the figure, roll back', { timeout: 300000 }, () => Promise.race([db.died, adminFlow()]));

async function adminFlow() {
  const { server, browser } = t;
  const before = await cardText(server.base, 'G411162');
  assert.ok(!before.includes('812.5'), 'the figure is not there before the upload');

  const context = await browser.newContext();
  const page = await context.newPage();
  try {
    // No session: the actions answer 401.
    const r = await page.request.post(`${server.base}/admin/rollback`, { form: { version: '1' } });
    assert.equal(r.status(), 401);

    await page.goto(`${server.base}/admin/`);
    await page.fill('input[name=password]', 'not the password!');
    await page.click('#login button');
    assert.match(await page.textContent('#error'), /Wrong password/);
    await page.fill('input[name=password]', password);
    await page.click('#login button');
    await page.waitForSelector('#upload');
    const cookies = await context.cookies();
    const session = cookies.find((c) => c.name === 'layoutmap_admin');
    assert.ok(session, 'session cookie set');
    assert.equal(session.httpOnly, true);
    assert.equal(session.secure, true);
    assert.equal(session.sameSite, 'Strict');

    // Upload → report (not imported yet).
    await page.setInputFiles('#upload input[name=file]', fixture);
    await page.click('#upload button');
    await page.waitForSelector('#report');
    assert.match(await page.textContent('#diff-summary'), /figures \+1 ~0 −0/);
    const diff = await page.textContent('#diff');
    assert.ok(diff.includes('G411162') && diff.includes('812.5 亿元 (exact)'), diff);
    await page.screenshot({ path: join(ensureArtifacts(), 'admin-report.png'), fullPage: true });
    assert.equal((await cardText(server.base, 'G411162')).includes('812.5'), false, 'the check changed nothing');

    // Confirm → new version, the figure is served.
    await page.click('#confirm button');
    assert.match(await page.textContent('#done'), /Imported as dataset version 2/);
    assert.ok((await cardText(server.base, 'G411162')).includes('812.5'), 'the card shows the imported figure');

    // Roll back to version 1 from the versions table.
    // A rollback rewrites the whole dataset (tens of seconds on a loaded machine).
    await page.click('#versions tr[data-version="1"] button', { timeout: 180000 });
    await page.waitForSelector('#done', { timeout: 180000 });
    assert.match(await page.textContent('#done'), /Rolled back to version 1, now dataset version 3/);
    await page.screenshot({ path: join(ensureArtifacts(), 'admin-rollback.png'), fullPage: true });
    assert.equal(await cardText(server.base, 'G411162'), before, 'the card is as before the upload');
    const versions = await (await fetch(`${server.base}/api/v1/versions`)).json();
    assert.equal(versions.current, 3);
    assert.deepEqual(versions.versions.map((v) => v.kind), ['rollback', 'import', 'import']);
  } finally {
    await context.close();
  }
}
