// The interface strings (web/src/i18n.js): both languages carry the same
// keys, no two keys say the same thing in both languages (one key per
// text), and every key the sources ask for exists. No browser needed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { STRINGS } from '../src/i18n.js';

const src = join(dirname(fileURLToPath(import.meta.url)), '..', 'src');
const files = (d) => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(d, e.name)) : [join(d, e.name)]));

// English may add a key's singular form, key + '_one' (t() uses it for
// n = 1); Chinese has no plural.
test('zh and en have the same keys', () => {
  const en = Object.keys(STRINGS.en);
  assert.deepEqual(en.filter((k) => !k.endsWith('_one')).sort(), Object.keys(STRINGS.zh).sort());
  assert.deepEqual(en.filter((k) => k.endsWith('_one') && !(k.slice(0, -4) in STRINGS.en)), [], 'a singular form without its key');
});

test('no two keys hold the same text in both languages', () => {
  const seen = new Map();
  const dup = [];
  for (const k of Object.keys(STRINGS.zh)) {
    const sig = STRINGS.zh[k] + '\u0000' + STRINGS.en[k];
    if (seen.has(sig)) dup.push(`${seen.get(sig)} = ${k}`);
    else seen.set(sig, k);
  }
  assert.deepEqual(dup, []);
});

test('every key the sources use exists', () => {
  const used = new Set();
  for (const f of files(src).filter((f) => /\.(js|html)$/.test(f) && !f.endsWith('i18n.js'))) {
    const s = readFileSync(f, 'utf8');
    for (const m of s.matchAll(/\bL\('([A-Za-z0-9_]+)'\s*[,)]/g)) used.add(m[1]);
    for (const m of s.matchAll(/data-i18n(?:-placeholder|-aria)?="([A-Za-z0-9_]+)"/g)) used.add(m[1]);
  }
  assert.ok(used.size > 50, `found ${used.size} keys`);
  assert.deepEqual([...used].filter((k) => !(k in STRINGS.zh)), []);
});
