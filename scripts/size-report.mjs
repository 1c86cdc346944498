// Prints the raw, gzip and brotli size of every file in dist/, grouped as shell
// (what the first paint needs), tokenizer and vocabulary, and fails when the shell is
// over its gzip budget. Sizes are deterministic, so this check is exact.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync, brotliCompressSync, constants } from 'node:zlib';

const SHELL_BUDGET_GZIP = 300 * 1024;
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
  if (/^(sw|service-worker)\.js$/.test(name)) return 'service worker';
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
if (shell > SHELL_BUDGET_GZIP) {
  console.error(`The app shell is ${kb(shell).trim()} KB gzip, over its ${SHELL_BUDGET_GZIP / 1024} KB budget.`);
  process.exit(1);
}
console.log(`App shell: ${kb(shell).trim()} KB gzip of a ${SHELL_BUDGET_GZIP / 1024} KB budget.`);
