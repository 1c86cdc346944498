// Prints the raw, gzip and brotli size of every file in dist/, grouped as shell
// (what the first paint needs), tokenizer, vocabulary, markdown, service worker and icons. The shell's goal is 300 KB gzip
// and the tokenizer's 400 KB; the report says how far each is from its goal. Sizes are
// deterministic, so the check is exact: the build fails when the shell grows past its
// current ceiling (a guard against regressions while the goal is not met yet).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const KB = 1024;
const GOALS = { shell: 300 * KB, tokenizer: 400 * KB };
// The most the shell may weigh today; lower it as the shell shrinks toward its goal.
// Lowered from 410 KB when markdown moved to a module of its own (about 345 KB gzip);
// raised to 360 KB when the shell took in the send loop's state machine, replies that go
// on in the background, deletions across tabs and one export format (334 -> 355 KB, of
// which 2.3 KB were won back by decoding stored values without serde_json::Value and by
// wasm-opt's --flatten --rereloop --converge). What would bring it down is in the README.
// Lowered to 355 KB when float formatting and parsing left the shell (346.8 KB).
// Raised to 375 KB when the shell took in every OpenAI-compatible server (371.4 KB): the
// presets and what each refuses, learned per endpoint and stored with the settings, the
// server's own model list in the picker, reasoning shown apart, and the explanation of a
// request that never reached its server (bisected by commit: the send loop's shaping and
// learning +14 KB, the settings and picker UI +8 KB, the error and list readers +6 KB,
// 3 KB won back by storing endpoints as plain strings and the settings' own model facts).
// Raised to 380 KB when messages became a tree with versions and forks: +14.1 KB (after
// 7.3 KB won back from the first build: one hash map type for the tree's lookups, the
// versions last shown as a list, compact JSON exports), then 7.2 KB taken out by reading
// message statuses and unit enums without serde's generated machinery (379.8 KB with
// the keyboard kept in place after the message actions).
// Raised to 396 KB when conversations moved to IndexedDB (395.8 KB, +16.0 KB): the
// database glue is JavaScript (web/archive.js, 2.0 KB gzip; the same promise glue through
// web-sys, or a crate such as idb or rexie, costs the wasm more), and the rest is the
// move from localStorage with its read-back, the fallbacks, and open, rename, delete,
// undo, export, import and search made asynchronous (bisected with twiggy on the wasm:
// the archive state 19 KB raw, the asynchronous conversation actions 9.5 KB, import and
// export 7 KB, the search's second stage 4 KB).
// Raised to 397 KB when the archive search began showing each match as its record is read,
// newest first, instead of all of them once every record was read (396.3 KB, +0.5 KB: the
// callback per record and the merge of the two kinds of results in the list's order).
// The import worker (assets/import-worker.js) is counted apart since: it is fetched only
// to read an import file of 1 MB or more, never for the first paint.
const SHELL_CEILING_GZIP = 397 * KB;
const dist = process.argv[2] ?? 'dist';

function* walk(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* walk(path);
    else yield path;
  }
}

function group(name) {
  if (/vocab|\.tiktoken|\.bpe/.test(name)) return 'vocabulary';
  if (/tokenizer/.test(name)) return 'tokenizer';
  // Loaded beside the app; replies show as plain text until it is in.
  if (/^mnemo-markdown/.test(name)) return 'markdown';
  if (/^(sw|service-worker)\.js$/.test(name)) return 'service worker';
  // Started only to read an import file of 1 MB or more.
  if (name === 'import-worker.js') return 'import worker';
  // The favicon and the installable app's icons and manifest: fetched by the browser on
  // its own, never waited for by the first paint.
  if (/^(icon[-.]|favicon\.ico$|manifest\.webmanifest$)/.test(name)) return 'icons';
  return 'shell';
}

const rows = [];
for (const path of walk(dist)) {
  const bytes = readFileSync(path);
  rows.push({
    file: relative(dist, path),
    group: group(relative(dist, path)),
    raw: bytes.length,
    gzip: gzipSync(bytes, { level: 9 }).length,
    brotli: brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length,
  });
}

const kb = (n) => (n / 1024).toFixed(1).padStart(9);
const totals = {};
console.log(`${'file'.padEnd(48)} ${'group'.padEnd(14)} ${'raw KB'.padStart(9)} ${'gzip KB'.padStart(9)} ${'br KB'.padStart(9)}`);
for (const r of rows.sort((a, b) => a.group.localeCompare(b.group) || b.raw - a.raw)) {
  console.log(`${r.file.padEnd(48)} ${r.group.padEnd(14)} ${kb(r.raw)} ${kb(r.gzip)} ${kb(r.brotli)}`);
  const t = (totals[r.group] ??= { raw: 0, gzip: 0, brotli: 0 });
  t.raw += r.raw;
  t.gzip += r.gzip;
  t.brotli += r.brotli;
}
for (const [name, t] of Object.entries(totals)) {
  console.log(`${('total ' + name).padEnd(48)} ${''.padEnd(14)} ${kb(t.raw)} ${kb(t.gzip)} ${kb(t.brotli)}`);
}
const shell = totals.shell?.gzip ?? 0;
if (!rows.some((r) => r.file === 'index.html')) {
  console.error(`${dist}/index.html is missing: run trunk build --release first.`);
  process.exit(1);
}
for (const [name, goal] of Object.entries(GOALS)) {
  const size = totals[name]?.gzip ?? 0;
  const verdict = size <= goal ? 'within' : `over by ${kb(size - goal).trim()} KB:`;
  console.log(`${name}: ${kb(size).trim()} KB gzip, ${verdict} its goal of ${goal / KB} KB`);
}
if (shell > SHELL_CEILING_GZIP) {
  console.error(`The app shell is ${kb(shell).trim()} KB gzip, past its ceiling of ${SHELL_CEILING_GZIP / KB} KB.`);
  process.exit(1);
}
