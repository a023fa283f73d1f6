// Builds the web map into dist/: one esbuild bundle (JS + CSS, content-hashed
// names so they can be cached forever), MapLibre's worker shipped next to it
// (the bundle resolves it from import.meta.url; esbuild cannot see that URL),
// the 400-weight Noto Sans SC woff2 subsets that the style's `font-faces`
// points at (labels then need no system CJK font), the two HTML pages and
// the iframe resize script. Everything is served by layoutmap itself.
import * as esbuild from 'esbuild';
import { readFileSync, writeFileSync, mkdirSync, rmSync, readdirSync, copyFileSync, existsSync } from 'node:fs';
import { dirname, join, basename } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, 'dist');
const mod = (p) => join(here, 'node_modules', p);
const mlVersion = JSON.parse(readFileSync(mod('maplibre-gl/package.json'), 'utf8')).version;
const fontDir = mod('@fontsource/noto-sans-sc');
const fontVersion = JSON.parse(readFileSync(join(fontDir, 'package.json'), 'utf8')).version;

// Clean dist but keep the placeholder that lets `go build` embed an empty dir.
for (const e of existsSync(dist) ? readdirSync(dist) : []) {
  if (e !== '.gitkeep') rmSync(join(dist, e), { recursive: true, force: true });
}
mkdirSync(join(dist, 'assets'), { recursive: true });
mkdirSync(join(dist, 'fonts'), { recursive: true });

// font-faces from fontsource's 400.css: one entry per unicode-range subset.
const css = readFileSync(join(fontDir, '400.css'), 'utf8');
const faces = [];
for (const block of css.split('@font-face').slice(1)) {
  const file = /url\(\.\/files\/([^)]+\.woff2)\)/.exec(block)?.[1];
  const range = /unicode-range:\s*([^;]+);/.exec(block)?.[1];
  if (!file || !range) throw new Error('build: unexpected 400.css block: ' + block.slice(0, 120));
  copyFileSync(join(fontDir, 'files', file), join(dist, 'fonts', file));
  faces.push({ url: '/fonts/' + file, 'unicode-range': range.split(',').map((s) => s.trim()) });
}
// The same subsets as CSS @font-face for the page's own text (the browser
// fetches only the subsets a page's characters fall in).
writeFileSync(join(dist, 'fonts', 'fonts.css'), faces.map((f) =>
  `@font-face{font-family:'Noto Sans SC';font-style:normal;font-weight:400;font-display:swap;` +
  `src:url(${basename(f.url)}) format('woff2');unicode-range:${f['unicode-range'].join(',')}}`).join('\n') + '\n');
if (faces.length < 90) throw new Error(`build: only ${faces.length} font subsets found`);
copyFileSync(join(fontDir, 'LICENSE'), join(dist, 'fonts', 'LICENSE-noto-sans-sc.txt'));

const worker = `maplibre-gl-worker-${mlVersion}.mjs`;
copyFileSync(mod('maplibre-gl/dist/maplibre-gl-worker.mjs'), join(dist, 'assets', worker));

const result = await esbuild.build({
  entryPoints: { app: join(here, 'src/main.js') },
  bundle: true,
  format: 'esm',
  target: ['chrome120', 'firefox120', 'safari17'],
  outdir: join(dist, 'assets'),
  entryNames: '[name]-[hash]',
  assetNames: '[name]-[hash]',
  minify: true,
  sourcemap: false,
  legalComments: 'linked',
  metafile: true,
  logLevel: 'warning',
  define: {
    __FONT_FACES__: JSON.stringify(faces),
    __WORKER_FILE__: JSON.stringify(worker),
    __VERSIONS__: JSON.stringify({ maplibre: mlVersion, font: fontVersion }),
  },
});
let js = '';
let cssOut = '';
for (const [out, meta] of Object.entries(result.metafile.outputs)) {
  if (meta.entryPoint && out.endsWith('.js')) js = basename(out);
  if (out.endsWith('.css')) cssOut = basename(out);
}
if (!js || !cssOut) throw new Error('build: bundle outputs not found');

for (const page of ['index.html', 'embed.html']) {
  const html = readFileSync(join(here, 'src', page), 'utf8')
    .replaceAll('{{js}}', '/assets/' + js)
    .replaceAll('{{css}}', '/assets/' + cssOut);
  writeFileSync(join(dist, page), html);
}
copyFileSync(join(here, 'src/embed-resize.js'), join(dist, 'embed.js'));
console.log(`web: built dist/ (${js}, ${cssOut}, ${worker}, ${faces.length} font subsets)`);
