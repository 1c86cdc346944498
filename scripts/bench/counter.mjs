// Counts the same inputs in the same page with Mnemo's tokenizer worker (from dist/) and
// with the two JavaScript tokenizers on npm, gpt-tokenizer and js-tiktoken, each in a
// worker of its own: 1 MB of mixed multilingual text (o200k_base and cl100k_base), and
// runs of "a", on which a BPE whose merge is quadratic in a piece's length gets slow.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { distDir, REPO_ROOT } from '../../tests/e2e/fixtures/servers.mjs';
import { startBenchServer } from './serve.mjs';

const COUNTERS = ['mnemo', 'gpt-tokenizer', 'js-tiktoken'];
const LABELS = { mnemo: 'Mnemo', 'gpt-tokenizer': 'gpt-tokenizer', 'js-tiktoken': 'js-tiktoken' };
/** Counts of the mixed text per counter with o200k_base; the first is cold, the best is reported too. */
const MIXED_RUNS = 3;
/** A count still running after this is stopped (its worker terminated) and reported as "> 60 s". */
const TIMEOUT_MS = 60_000;
const MIXED_TIMEOUT_MS = 180_000;

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** A count's time as a table cell. */
function time(result) {
  if (!result) return '–';
  if (result.error) return `error (${result.error})`;
  if (result.timedOut) return `> ${fmt(TIMEOUT_MS / 1000)} s`;
  return result.ms >= 10_000 ? `${fmt(result.ms / 1000, 1)} s` : `${fmt(result.ms)} ms`;
}

/** All of one counter's measurements, in the page. */
async function measure(page, name) {
  const count = (encoding, input, timeout = TIMEOUT_MS) =>
    page.evaluate(([n, e, i, t]) => window.bench.count(n, e, i, t), [name, encoding, input, timeout]);
  const startup = name === 'mnemo' ? await page.evaluate(() => window.bench.mnemoStartup()) : await page.evaluate((n) => window.bench.start(n), name);
  const result = { name, startup, mixed: [] };
  for (let i = 0; i < MIXED_RUNS; i++) result.mixed.push(await count('o200k_base', 'mixed', MIXED_TIMEOUT_MS));
  result.loadCl100k = await count('cl100k_base', 'tiny');
  result.mixedCl100k = await count('cl100k_base', 'mixed', MIXED_TIMEOUT_MS);
  result.a10k = await count('o200k_base', 'a10k');
  result.a100k = await count('o200k_base', 'a100k');
  // 1 MB of one letter only for Mnemo: the JavaScript counters are far over the timeout at 100 KB.
  if (name === 'mnemo') result.a1m = await count('o200k_base', 'a1m');
  await page.evaluate((n) => window.bench.stop(n), name);
  return result;
}

const best = (runs) => runs.filter((r) => !r.timedOut && !r.error).sort((a, b) => a.ms - b.ms)[0];

/** "Mnemo 1 · gpt-tokenizer 2 · js-tiktoken 3". */
function perCounter(results, cell) {
  return results.map((r) => `${LABELS[r.name]} ${cell(r)}`).join(' · ');
}

function agreement(results, pick) {
  const counts = results.map(pick);
  const same = counts.every((c) => c != null && c === counts[0]);
  return `${perCounter(results, (r) => (pick(r) != null ? fmt(pick(r)) : '–'))} (${same ? 'all agree' : 'DIFFER'})`;
}

/** How many times longer `slow` took than `fast`; a lower bound when `slow` timed out. */
function timeRatio(slow, fast) {
  if (!slow || !fast || slow.error || fast.error || fast.timedOut) return '–';
  const ratio = slow.ms / fast.ms;
  return `${slow.timedOut ? '> ' : ''}${fmt(ratio, ratio < 10 ? 2 : 0)}×`;
}

function rows(results, mixedSize) {
  const [mnemo, gpt] = results;
  const mb = mixedSize.bytes / 1e6;
  const throughput = (r) => (best(r.mixed) ? `${fmt(best(r.mixed).ms)} ms = ${fmt(mb / (best(r.mixed).ms / 1000), 2)} MB/s` : time(r.mixed[0]));
  const js = results.slice(1);
  const cost = (r) => (r.timedOut || r.error ? Infinity : r.ms);
  const slowest = [...mnemo.mixed, mnemo.mixedCl100k, mnemo.a1m].sort((a, b) => cost(b) - cost(a))[0];
  const created = mnemo.startup.createdAfterPaint;
  return [
    ['counter: mixed text', `${fmt(mixedSize.bytes)} bytes of UTF-8 (${fmt(mixedSize.chars)} UTF-16 units), 11 languages in 9 scripts, emoji, code`],
    [
      'counter: Mnemo encoder ready after first paint (o200k)',
      `${fmt(mnemo.startup.afterPaint)} ms (goal: ≤ 300 ms; its worker was created ${fmt(Math.abs(created))} ms ${created < 0 ? 'before' : 'after'} it)`,
    ],
    ['counter: worker takes requests (script + wasm / ES modules)', perCounter(results, (r) => `${fmt(r.startup.start)} ms`)],
    ['counter: encoder ready: worker created → first o200k count', perCounter(results, (r) => (r.startup.ready != null ? `${fmt(r.startup.ready)} ms` : 'never'))],
    ['counter: 1 MB mixed, o200k, first count', perCounter(results, (r) => time(r.mixed[0]))],
    [`counter: 1 MB mixed, o200k, best of ${MIXED_RUNS}`, perCounter(results, throughput)],
    ['counter: 1 MB mixed, o200k tokens', agreement(results, (r) => r.mixed[0]?.count)],
    ['counter: cl100k loaded (first cl100k count)', perCounter(results, (r) => time(r.loadCl100k))],
    ['counter: 1 MB mixed, cl100k, first count', perCounter(results, (r) => time(r.mixedCl100k))],
    ['counter: 1 MB mixed, cl100k tokens', agreement(results, (r) => r.mixedCl100k?.count)],
    ['counter: 10,000 × "a", o200k', perCounter(results, (r) => time(r.a10k))],
    ['counter: 100,000 × "a", o200k', perCounter(results, (r) => time(r.a100k))],
    ['counter: 1,000,000 × "a", o200k (Mnemo only)', time(mnemo.a1m)],
    // gpt-tokenizer keeps a cache of merged pieces, so its later counts of the same text are cheaper.
    [
      "counter: Mnemo's throughput ÷ gpt-tokenizer's, 1 MB mixed o200k",
      `first counts ${timeRatio(gpt.mixed[0], mnemo.mixed[0])}, best of ${MIXED_RUNS} ${timeRatio(best(gpt.mixed), best(mnemo.mixed))} (goal: ≥ 1×)`,
    ],
    [`counter: JS counter's time ÷ Mnemo's, 10,000 × "a"`, perCounter(js, (r) => timeRatio(r.a10k, mnemo.a10k))],
    [`counter: JS counter's time ÷ Mnemo's, 100,000 × "a"`, `${perCounter(js, (r) => timeRatio(r.a100k, mnemo.a100k))} (goal: ≥ 100×)`],
    ['counter: Mnemo, slowest count of a 1 MB input', `${time(slowest)} (goal: < 1 s)`],
  ];
}

/** Rows of the results table. */
export async function benchCounter() {
  const server = await startBenchServer({
    dist: distDir(),
    page: path.join(path.dirname(fileURLToPath(import.meta.url)), 'counter'),
    nodeModules: path.join(REPO_ROOT, 'node_modules'),
  });
  const browser = await launchBrowser({ timeout: 60_000 });
  try {
    const { page } = browser;
    await page.goto(`${server.url}/bench/index.html`);
    await page.waitForFunction(() => window.bench);
    const results = [];
    for (const name of COUNTERS) results.push(await measure(page, name));
    const mixedSize = await page.evaluate(() => window.bench.size('mixed'));
    browser.assertNoErrors();
    return rows(results, mixedSize);
  } finally {
    await browser.close();
    await server.close();
  }
}
