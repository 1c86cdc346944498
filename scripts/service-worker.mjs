// Readies the service worker of a release build (a Trunk post_build hook, run after
// csp.mjs): stamps dist/sw.js with the build's files and a hash of them (a new hash is a
// new worker, so browsers pick up a deploy), and adds the script that registers it to
// index.html under a content-hashed name, like the rest of the shell. Debug builds
// (`trunk serve`) keep the unstamped worker, which registers nothing and removes itself.
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join, relative, sep } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error('usage: node scripts/service-worker.mjs <dist dir> (or run as a Trunk hook)');
  process.exit(2);
}
if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const WORKER = 'sw.js';
const REGISTER_SOURCE = new URL('../web/sw-register.js', import.meta.url);
const hex = (bytes) => createHash('sha256').update(bytes).digest('hex').slice(0, 16);

// The registration script, named by its content like Trunk names the app's files.
const register = readFileSync(REGISTER_SOURCE);
const registerName = `sw-register-${hex(register)}.js`;
writeFileSync(join(dir, registerName), register);
const indexFile = join(dir, 'index.html');
const html = readFileSync(indexFile, 'utf8').replace(/<script src="\/sw-register-[0-9a-f]+\.js" defer><\/script>\s*/g, '');
if (!html.includes('</head>')) throw new Error(`${indexFile} has no </head>`);
writeFileSync(indexFile, html.replace('</head>', `<script src="/${registerName}" defer></script>\n</head>`));

function* walk(path) {
  for (const name of readdirSync(path).sort()) {
    const child = join(path, name);
    if (statSync(child).isDirectory()) yield* walk(child);
    else yield relative(dir, child).split(sep).join('/');
  }
}

// Trunk's file hash (and the vocabularies' and the registration script's): up to 16 hex
// digits. Trunk writes a 64-bit hash without its leading zeros, so one in sixteen builds
// names a file with 15 digits (mnemo-dfd155d1ca96568_bg.wasm), and fewer now and then.
const HASHED = /-[0-9a-f]{8,16}(_bg)?\.[a-z0-9]+$/;
const files = { index: './', hashed: [], fresh: [], vocab: [] };
const workerFile = join(dir, WORKER);
let worker = readFileSync(workerFile, 'utf8');
const stamps = [
  [/^const BUILD = .*;$/m, (id) => `const BUILD = ${JSON.stringify(id)};`],
  [/^const FILES = .*;$/m, () => `const FILES = ${JSON.stringify(files)};`],
];
for (const [pattern] of stamps) {
  if (!pattern.test(worker)) throw new Error(`${workerFile}: found no line matching ${pattern}`);
}

// The id covers every file and the worker's own code (without its stamps), so any change
// makes a new worker with a cache of its own.
const build = createHash('sha256');
build.update(stamps.reduce((text, [pattern]) => text.replace(pattern, ''), worker));
for (const file of walk(dir)) {
  if (file === WORKER) continue;
  build.update(`\0${file}\0`).update(readFileSync(join(dir, file)));
  if (file === 'index.html') continue;
  if (file.startsWith('vocab/')) files.vocab.push(file);
  else if (HASHED.test(file)) files.hashed.push(file);
  else files.fresh.push(file);
}
const id = build.digest('hex').slice(0, 16);

for (const [pattern, line] of stamps) worker = worker.replace(pattern, line(id));
writeFileSync(workerFile, worker);
console.log(
  `Service worker: build ${id}, ${files.hashed.length + files.fresh.length + 1} file(s) cached on install, ` +
    `${files.vocab.length} vocabular${files.vocab.length === 1 ? 'y' : 'ies'} when first used.`,
);
