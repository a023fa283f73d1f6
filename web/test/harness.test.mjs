// Tests of the harness itself: a daemon the Chromium tests depend on (the
// PostGIS cluster of admin.test.mjs) that dies must fail the run at once
// with its name, and stopping it must never wait for an exit that already
// happened (admin.test.mjs used to hang in its after hook). Real child
// processes, no Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startDaemon } from './harness.mjs';

const node = process.execPath;
const daemon = (body) => ['-e', body];
// Prints its "URLs" and runs until stdin closes, like pgtestd.
const WELL = `console.log(JSON.stringify({ url: 'x' })); process.stdin.resume(); process.stdin.on('end', () => process.exit(0));`;

test('a daemon that runs until stdin closes: fields, then stop() ends it', async () => {
  const d = await startDaemon(node, daemon(WELL), { name: 'fake db' });
  assert.equal(d.url, 'x');
  assert.equal(d.exited, null);
  const exit = await d.stop();
  assert.equal(exit.code, 0);
  // died never fires for an exit we asked for.
  const settled = await Promise.race([d.died.then(() => 'resolved', () => 'rejected'), new Promise((r) => setTimeout(() => r('pending'), 200))]);
  assert.equal(settled, 'pending');
});

test('a daemon that dies while tests run: died rejects naming it, stop() returns at once', async () => {
  const d = await startDaemon(node, daemon(`console.log('{}'); setTimeout(() => process.exit(3), 100);`), { name: 'fake db' });
  await assert.rejects(d.died, /fake db exited \(code 3\) while the tests were running/);
  const t0 = Date.now();
  const exit = await d.stop();
  assert.equal(exit.code, 3);
  assert.ok(Date.now() - t0 < 1000, `stop() took ${Date.now() - t0} ms`);
});

test('a daemon that dies before it is ready: startDaemon rejects naming it', async () => {
  await assert.rejects(startDaemon(node, daemon('process.exit(2)'), { name: 'fake db' }), /fake db exited \(code 2\) before it was ready/);
});

test('a daemon that ignores stdin is killed after the grace period', async () => {
  const d = await startDaemon(node, daemon(`console.log('{}'); setInterval(() => {}, 1000);`), { name: 'stubborn', graceMs: 300 });
  const exit = await d.stop();
  assert.equal(exit.signal, 'SIGKILL');
});
