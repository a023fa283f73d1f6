#!/usr/bin/env node
// web-timing: measures the web map in headless Chromium — navigation →
// map idle, and filter change (the ≥1000亿 quick filter) → idle — five runs
// each, for this checkout and for an older commit built in the same run (a
// git worktree), and prints the medians side by side. Not a test: the
// figures depend on the machine and its load (printed with them).
//
//   node scripts/web-timing.mjs [--old REV] [--runs N] [--keep]
//
// REV defaults to main's merge base with HEAD (HEAD~1 when they are the
// same commit). The older build gets its own `npm ci` (in the worktree,
// never through a link to this checkout's node_modules) and `go build`.
// "idle" is the app's own signal (window.__layoutmap.idle, set when MapLibre
// has rendered everything for the current state), which both builds have.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir, loadavg, cpus } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const { chromium } = createRequire(join(repo, 'web', 'package.json'))('playwright-core');

const args = process.argv.slice(2);
const opt = (k, d) => { const i = args.indexOf(k); return i >= 0 ? args[i + 1] : d; };
const runs = Number(opt('--runs', '5'));
const keep = args.includes('--keep');
const git = (...a) => execFileSync('git', a, { cwd: repo, encoding: 'utf8' }).trim();
let oldRev = opt('--old', '');
if (!oldRev) {
  oldRev = git('merge-base', 'HEAD', 'main');
  if (oldRev === git('rev-parse', 'HEAD')) oldRev = git('rev-parse', 'HEAD~1');
}
oldRev = git('rev-parse', '--short', oldRev);
const newRev = git('rev-parse', '--short', 'HEAD') + (git('status', '--porcelain', '--untracked-files=no') ? '+changes' : '');

const run = (cmd, argv, cwd) => execFileSync(cmd, argv, { cwd, stdio: ['ignore', 'ignore', 'inherit'] });
const freePort = () => new Promise((ok, fail) => {
  const s = createServer();
  s.on('error', fail);
  s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
});

// build makes dist/ and the binary of the checkout at dir.
function build(dir, bin, fresh) {
  if (fresh) run('npm', ['ci', '--no-audit', '--no-fund', '--loglevel=error'], join(dir, 'web'));
  run('node', ['build.mjs'], join(dir, 'web'));
  run('go', ['build', '-o', bin, './cmd/layoutmap'], dir);
}

async function serve(bin) {
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--log-level', 'error'], { stdio: 'ignore' });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 300; i++) {
    try { if ((await fetch(base + '/healthz')).ok) return { base, proc }; } catch { /* not yet */ }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill();
  throw new Error(`${bin} did not answer /healthz`);
}

const waitIdle = (page) => page.waitForFunction(() => window.__layoutmap?.idle === true, null, { timeout: 60000, polling: 10 });

// once measures one cold page load and one filter change, in ms of the
// page's own clock.
async function once(browser, base) {
  const context = await browser.newContext({ viewport: { width: 1440, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(base + '/');
    await waitIdle(page);
    const nav = await page.evaluate(() => performance.now());
    const t0 = await page.evaluate(() => {
      window.__layoutmap.idle = false;
      const btn = [...document.querySelectorAll('.quick .chip')].find((b) => b.textContent.includes('1000'));
      const t = performance.now();
      btn.click();
      return t;
    });
    await waitIdle(page);
    const filter = (await page.evaluate(() => performance.now())) - t0;
    return { nav, filter };
  } finally {
    await context.close();
  }
}

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2; };

const work = mkdtempSync(join(tmpdir(), 'layoutmap-timing-'));
const oldDir = join(work, 'old');
const servers = [];
let browser;
try {
  console.error(`web-timing: building ${oldRev} (worktree ${oldDir}) and this checkout (${newRev})`);
  git('worktree', 'add', '--detach', oldDir, oldRev);
  build(oldDir, join(work, 'old-bin'), true);
  build(repo, join(work, 'new-bin'), !existsSync(join(repo, 'web', 'node_modules')));
  const builds = [
    { name: `previous (${oldRev})`, ...(await serve(join(work, 'old-bin'))) },
    { name: `this (${newRev})`, ...(await serve(join(work, 'new-bin'))) },
  ];
  servers.push(...builds);
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--no-sandbox', '--disable-gpu', '--use-angle=swiftshader', '--enable-unsafe-swiftshader', '--disable-background-networking'],
  });
  // One warm-up load each (Go's first tile encodes, the browser's caches
  // of the fonts), then the runs, alternating builds so load drifts hit both.
  for (const b of builds) await once(browser, b.base);
  for (const b of builds) b.samples = [];
  for (let i = 0; i < runs; i++) for (const b of builds) b.samples.push(await once(browser, b.base));
  const row = (label, key) => {
    const [o, n] = builds.map((b) => median(b.samples.map((s) => s[key])));
    return `| ${label} | ${o.toFixed(0)} | ${n.toFixed(0)} | ${(n - o >= 0 ? '+' : '') + (n - o).toFixed(0)} (${(((n - o) / o) * 100).toFixed(0)}%) |`;
  };
  console.log(`web-timing: medians of ${runs} runs, ms, headless Chromium (SwiftShader) at 1440×900, ${cpus().length} CPUs, load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log(`| measure | ${builds[0].name} | ${builds[1].name} | change |`);
  console.log('|---|---|---|---|');
  console.log(row('navigation → map idle', 'nav'));
  console.log(row('filter change (≥1000亿) → idle', 'filter'));
  for (const b of builds) console.log(`${b.name}: nav ${b.samples.map((s) => s.nav.toFixed(0)).join(', ')}; filter ${b.samples.map((s) => s.filter.toFixed(0)).join(', ')}`);
} finally {
  await browser?.close();
  for (const s of servers) s.proc.kill();
  if (!keep) {
    try { git('worktree', 'remove', '--force', oldDir); } catch { /* not added */ }
    rmSync(work, { recursive: true, force: true });
  } else console.error(`web-timing: kept ${work}`);
}
