#!/usr/bin/env node
// Copies browser libraries from node_modules into wwwroot/lib/ so the static page
// can load them from the service itself (no CDN; works offline).
// wwwroot/lib/ is a build output: never commit it.
//
// Then, for a phone on a slow network (issue 16): the script pages' string tables (AREAS of wwwroot/i18n.js) merged
// into one file, wwwroot/lib/strings.json (one request instead of fourteen), and every text file of wwwroot/
// precompressed beside itself as <file>.br (Brotli at its best level, which is too slow to run per request; the
// service sends it when the client accepts br and the .br is not older than its file: Infrastructure/PrecompressedFiles.cs).
//
// To add a library, append an entry to LIBS: `from` is relative to node_modules/,
// `to` relative to wwwroot/lib/. A directory is copied recursively. `specifiers` rewrites the bare
// import specifiers of an ES module (relative to `to`) into paths: the pages' Content-Security-Policy
// allows no inline script, and an inline import map is one.
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const nodeModules = join(root, 'node_modules');
const libDir = join(root, 'wwwroot', 'lib');

const LIBS = [
  { name: 'leaflet', from: 'leaflet/dist', to: 'leaflet' },
  // Trend charts of the district panel and the annual report: the UMD build (global Chart), one file.
  { name: 'chart.js', from: 'chart.js/dist/chart.umd.min.js', to: 'chart.js/chart.umd.min.js' },
  // Vector tile decoding for the map's layers (ES modules, imported by path from layers.js).
  {
    name: '@mapbox/vector-tile', from: '@mapbox/vector-tile', to: 'vector-tile',
    specifiers: { 'index.js': { '@mapbox/point-geometry': '../point-geometry/index.js' } },
  },
  { name: '@mapbox/point-geometry', from: '@mapbox/point-geometry', to: 'point-geometry' },
  { name: 'pbf', from: 'pbf', to: 'pbf' },
  // Drawing road segments on the staff pages' map (a classic script on the global L; no inline style, so it keeps
  // the CSP): the minified bundle and its style sheet.
  { name: '@geoman-io/leaflet-geoman-free', from: '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.min.js', to: 'leaflet-geoman/leaflet-geoman.min.js' },
  { name: '@geoman-io/leaflet-geoman-free (css)', from: '@geoman-io/leaflet-geoman-free/dist/leaflet-geoman.css', to: 'leaflet-geoman/leaflet-geoman.css' },
];

let failed = false;
for (const lib of LIBS) {
  const src = join(nodeModules, lib.from);
  const dest = join(libDir, lib.to);
  if (!existsSync(src)) {
    console.error(`copy-web-libs: ${src} not found; run "npm ci" first`);
    failed = true;
    continue;
  }
  rmSync(dest, { recursive: true, force: true });
  mkdirSync(dirname(dest), { recursive: true });
  cpSync(src, dest, {
    recursive: true,
    // source maps are not needed at run time and double the size
    filter: (p) => !p.endsWith('.map'),
  });
  for (const [file, map] of Object.entries(lib.specifiers || {})) {
    const path = join(dest, file);
    let text = readFileSync(path, 'utf8');
    for (const [bare, to] of Object.entries(map)) {
      const from = `from '${bare}'`;
      if (!text.includes(from)) {
        console.error(`copy-web-libs: ${path} does not import '${bare}' any more; update LIBS`);
        failed = true;
      }
      text = text.replaceAll(from, `from '${to}'`);
    }
    writeFileSync(path, text);
  }
  console.log(`copy-web-libs: ${lib.name}: ${src} -> ${dest}`);
}

// One string table for the script pages: the areas i18n.js names, in its order (a later key would win, but keys are
// unique across files: tests/node/strings.test.mjs).
const webRoot = join(root, 'wwwroot');
const i18n = readFileSync(join(webRoot, 'i18n.js'), 'utf8');
const areas = JSON.parse(/export const AREAS = (\[[^\]]*\])/.exec(i18n)[1].replace(/'/g, '"'));
const merged = {};
for (const area of areas) Object.assign(merged, JSON.parse(readFileSync(join(webRoot, 'strings', `${area}.json`), 'utf8')));
writeFileSync(join(libDir, 'strings.json'), JSON.stringify(merged));
console.log(`copy-web-libs: strings: ${areas.length} areas -> ${join(libDir, 'strings.json')}`);

// Precompressed copies of the text files. A .br is written only when missing or older than its file, and takes its
// file's modification time, so the service can tell a stale copy (a file edited after the build) and skip it.
const TEXT = /\.(js|mjs|css|html|json|svg|txt)$/;
let written = 0;
function precompress(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) { precompress(path); continue; }
    if (!TEXT.test(entry.name)) continue;
    const source = statSync(path);
    const br = `${path}.br`;
    if (existsSync(br) && statSync(br).mtimeMs === source.mtimeMs) continue;
    const body = readFileSync(path);
    const packed = brotliCompressSync(body, {
      params: {
        [zlib.BROTLI_PARAM_QUALITY]: zlib.BROTLI_MAX_QUALITY,
        [zlib.BROTLI_PARAM_MODE]: zlib.BROTLI_MODE_TEXT,
        [zlib.BROTLI_PARAM_SIZE_HINT]: body.length,
      },
    });
    writeFileSync(br, packed);
    utimesSync(br, source.atime, source.mtime);
    written++;
  }
}
precompress(webRoot);
console.log(`copy-web-libs: precompressed ${written} files of ${webRoot} (.br)`);
process.exit(failed ? 1 : 0);
