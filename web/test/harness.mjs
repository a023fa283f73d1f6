// Test harness: builds the real layoutmap binary, starts it on a free
// loopback port with the embedded dataset, and drives Debian's Chromium
// through playwright-core (flags from the project's webmap-offline notes).
// Nothing here is mocked: the page talks to the real server.
import { spawn, execFileSync } from 'node:child_process';
import { createInterface } from 'node:readline';
import assert from 'node:assert/strict';
import { before, after } from 'node:test';
import { mkdtempSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const here = dirname(fileURLToPath(import.meta.url));
// The repository root; LAYOUTMAP_REPO lets a developer point at another checkout.
export const repo = resolve(process.env.LAYOUTMAP_REPO || join(here, '..', '..'));
export const artifacts = join(repo, 'test-artifacts');

export const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--use-angle=swiftshader', '--enable-unsafe-swiftshader',
];

export function chromiumPath() {
  const p = process.env.CHROMIUM || '/usr/bin/chromium';
  // Fail, never skip: a missing browser must turn the run red.
  if (!existsSync(p)) throw new Error(`chromium not found at ${p}; install it (scripts/deps.sh) or set CHROMIUM`);
  return p;
}

export function freePort() {
  return new Promise((ok, fail) => {
    const s = createServer();
    s.unref();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => ok(port)); });
  });
}

// serverBinary is the layoutmap binary the tests serve: LAYOUTMAP_BIN when
// scripts/web-test.sh built it once for the whole run (a link of the
// 100 MB binary costs ~6 CPU-seconds, once per test file otherwise), else
// ./cmd/layoutmap built into dir now, so a test file run by hand never
// serves a stale binary.
function serverBinary(dir) {
  if (process.env.LAYOUTMAP_BIN) {
    if (!existsSync(process.env.LAYOUTMAP_BIN)) throw new Error(`LAYOUTMAP_BIN=${process.env.LAYOUTMAP_BIN} does not exist`);
    return process.env.LAYOUTMAP_BIN;
  }
  const bin = join(dir, 'layoutmap');
  execFileSync('go', ['build', '-o', bin, './cmd/layoutmap'], { cwd: repo, stdio: ['ignore', 'inherit', 'inherit'] });
  return bin;
}

// startServer serves layoutmap (serverBinary) on a free port, with
// extraArgs after the serve flags; beforeServe(bin, dir), when given, runs
// first (e.g. to write a file into the test's temp dir) and may return
// more flags. It resolves when /healthz answers.
export async function startServer(extraArgs = [], beforeServe = null) {
  const dir = mkdtempSync(join(tmpdir(), 'layoutmap-web-test-'));
  if (!existsSync(join(repo, 'web', 'dist', 'index.html'))) {
    throw new Error('web/dist is not built; run scripts/web.sh (make build) first');
  }
  const bin = serverBinary(dir);
  const more = beforeServe ? (beforeServe(bin, dir) ?? []) : [];
  const port = await freePort();
  const proc = spawn(bin, ['serve', '--addr', `127.0.0.1:${port}`, '--log-level', 'warn', ...extraArgs, ...more], { stdio: ['ignore', 'inherit', 'inherit'] });
  const base = `http://127.0.0.1:${port}`;
  let exited = null;
  proc.on('exit', (code) => { exited = code; });
  for (let i = 0; i < 300; i++) {
    if (exited !== null) throw new Error(`layoutmap exited with ${exited} before serving`);
    try {
      const r = await fetch(base + '/healthz');
      if (r.ok) break;
    } catch { /* not yet listening */ }
    await new Promise((r) => setTimeout(r, 100));
    if (i === 299) throw new Error('layoutmap did not answer /healthz within 30 s');
  }
  // Until the statistics endpoints exist the app falls back to computing
  // statistics from the list; Chromium then logs their 404s as console
  // errors, which the tests accept only for those URLs and only while the
  // server really lacks them.
  const statsMissing = (await fetch(base + '/api/v1/stats/tiers')).status === 404;
  return {
    base,
    port,
    bin,
    statsMissing,
    async stop() {
      if (exited === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function launch() {
  return chromium.launch({ executablePath: chromiumPath(), args: CHROMIUM_ARGS });
}

// openPage opens url in a fresh context and records console errors, page
// errors and every request whose origin is not in allowedOrigins (those
// are aborted, so a leak cannot succeed silently either). reducedMotion
// 'reduce' emulates prefers-reduced-motion (camera moves jump).
export async function openPage(browser, url, { allowedOrigins, viewport = { width: 1280, height: 800 }, statsMissing = false, reducedMotion } = {}) {
  const context = await browser.newContext({ viewport, ...(reducedMotion ? { reducedMotion } : {}) });
  const errors = [];
  const outside = [];
  const requests = [];
  const allowed = new Set(allowedOrigins ?? [new URL(url).origin]);
  await context.route('**/*', (route) => {
    const u = route.request().url();
    if (u.startsWith('data:') || u.startsWith('blob:')) return route.continue();
    if (!allowed.has(new URL(u).origin)) { outside.push(u); return route.abort('blockedbyclient'); }
    return route.continue();
  });
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  page.on('console', (m) => { if (m.type() === 'error' && !tolerated(m, statsMissing)) errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('worker', (w) => w.on('console', (m) => { if (m.type() === 'error') errors.push('worker: ' + m.text()); }));
  await page.goto(url);
  await waitIdle(page);
  return { context, page, errors, outside, requests };
}

// reopen loads url in the page of r (what openPage returned) as a reader
// following a link in the same tab: a new document, with r's errors,
// outside and requests emptied first; viewport, when given, resizes the
// page before. On the CI machine it costs ~1 s of CPU less than openPage,
// which starts a new renderer and compiles the bundle again.
export async function reopen(r, url, { viewport } = {}) {
  r.errors.length = 0;
  r.outside.length = 0;
  r.requests.length = 0;
  if (viewport) await r.page.setViewportSize(viewport);
  await r.page.goto(url);
  await waitIdle(r.page);
  return r;
}

export function tolerated(msg, statsMissing) {
  return statsMissing && /status of 404/.test(msg.text()) && /\/api\/v1\/stats\//.test(msg.location()?.url ?? '');
}

export async function waitIdle(page, frame) {
  const target = frame ?? page;
  await target.waitForFunction(() => window.__layoutmap?.idle === true, null, { timeout: 30000 });
  const failed = await target.evaluate(() => window.__layoutmap.failed ?? null);
  if (failed) throw new Error('page reported: ' + failed);
}

// waitChange waits for the page to leave and re-enter idle after act().
export async function act(page, fn) {
  await page.evaluate(() => { window.__layoutmap.idle = false; });
  await fn();
  await waitIdle(page);
}

export function ensureArtifacts() {
  mkdirSync(artifacts, { recursive: true });
  return artifacts;
}

export async function apiZones(base, params) {
  const q = new URLSearchParams({ ...params, limit: '1000' });
  const r = await fetch(`${base}/api/v1/collections/zones/items?${q}`);
  if (!r.ok) throw new Error(`items ${q}: HTTP ${r.status}`);
  return r.json();
}

// The two screen sizes of issue 14's tests.
export const LAPTOP = { width: 1440, height: 900 };
export const PHONE = { width: 390, height: 844 };

// clean asserts that a page opened with openPage logged no errors and
// asked nothing of another origin.
export function clean(r) {
  assert.deepEqual(r.errors, [], 'console errors');
  assert.deepEqual(r.outside, [], 'requests leaving the server origin');
}

// useServer is the set-up every Chromium test file shares: it registers
// before/after hooks on the calling file that start the real server (with
// serverArgs, and beforeServe as in startServer) and one Chromium, and
// stop both. The returned object's server and browser are set once the
// before hook ran; open(url, opts) opens a page (openPage) at viewport
// (LAPTOP unless given) with the server's tolerance for missing stats.
export function useServer({ viewport = LAPTOP, serverArgs = [], beforeServe = null, timeout } = {}) {
  const t = {
    server: null,
    browser: null,
    open: (url, opts = {}) => openPage(t.browser, url, { statsMissing: t.server.statsMissing, viewport, ...opts }),
  };
  before(async () => {
    t.server = await startServer(typeof serverArgs === 'function' ? await serverArgs() : serverArgs, beforeServe);
    t.browser = await launch();
  }, timeout ? { timeout } : undefined);
  after(async () => {
    await t.browser?.close();
    await t.server?.stop();
  });
  return t;
}

// startDaemon runs cmd (a process that prints one JSON line once it is
// ready and runs until its stdin closes, like pgtestd) and resolves with
// that line's fields plus:
//   died  — a promise that rejects, with the command and its exit code,
//           if the process exits before stop() was called (race a test's
//           body against it to fail at once instead of waiting on a dead
//           database);
//   stop() — closes stdin and waits for the exit; resolves at once if the
//           process has already exited, and kills it after graceMs.
// It rejects with a clear message if the process exits before its line.
export function startDaemon(cmd, args, { cwd = repo, name = cmd, graceMs = 20000 } = {}) {
  return new Promise((ok, fail) => {
    // Own process group: `go run` starts the daemon as its child, and a kill
    // must reach both.
    const proc = spawn(cmd, args, { cwd, stdio: ['pipe', 'pipe', 'inherit'], detached: true });
    let exit = null;
    let stopping = false;
    let ready = false;
    let onDeath = null;
    const kill = () => { try { process.kill(-proc.pid, 'SIGKILL'); } catch { /* gone */ } };
    const died = new Promise((_, rej) => { onDeath = rej; });
    died.catch(() => {}); // observed only by those who race against it
    const exited = new Promise((res) => proc.once('exit', (code, signal) => {
      exit = { code, signal };
      res();
      const what = `${name} exited (code ${code}${signal ? `, signal ${signal}` : ''})`;
      if (!ready) fail(new Error(`${what} before it was ready`));
      else if (!stopping) {
        console.error(`${what} while the tests were running`);
        onDeath(new Error(`${what} while the tests were running`));
      }
    }));
    proc.on('error', (e) => fail(new Error(`${name}: ${e.message}`)));
    createInterface({ input: proc.stdout }).once('line', (line) => {
      let fields;
      try { fields = JSON.parse(line); } catch { fail(new Error(`${name}: first line is not JSON: ${line}`)); kill(); return; }
      ready = true;
      ok({
        ...fields,
        died,
        get exited() { return exit; },
        async stop() {
          stopping = true;
          if (exit) return exit;
          proc.stdin.end();
          const timer = setTimeout(kill, graceMs);
          await exited;
          clearTimeout(timer);
          return exit;
        },
      });
    });
  });
}
