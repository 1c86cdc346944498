// Owns the tokenizer worker spec: the real worker from dist/, driven from the page with its
// message protocol (tokenizer/src/worker.rs), counts exactly like js-tiktoken in both
// encodings; prints how long loading each vocabulary and counting large texts take.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Tiktoken } from 'js-tiktoken/lite';
import o200k from 'js-tiktoken/ranks/o200k_base';
import cl100k from 'js-tiktoken/ranks/cl100k_base';
import { startServers } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';

const REFERENCE = { o200k_base: new Tiktoken(o200k), cl100k_base: new Tiktoken(cl100k) };
/** js-tiktoken's count with every special token's text treated as ordinary text. */
const expected = (encoding, text) => REFERENCE[encoding].encode(text, [], []).length;

/** A deterministic pseudo-random generator (mulberry32). */
function random(seed) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const FIXED = [
  '',
  'Hello, world!',
  'The quick brown fox jumps over the lazy dog. THE QUICK BROWN FOX.',
  "I'm sure you'll see he'd've said it's THEIR'S, we're told. They've 'quoted' it",
  'Numbers: 0 7 42 1234567890 3.14159 -273.15 1,000,000 ２０２４',
  '  leading and trailing spaces   \n\n\n\t\ttabs\r\nCRLF\rCR  \n ',
  '👩‍👩‍👧‍👦 family, 🏳️‍🌈 flag, 👍🏽 thumbs, 🧑🏿‍💻 coder, ❤️‍🔥, 🇯🇵🇫🇷 flags',
  '日本語のテキストを数えます。東京は晴れです。',
  '中文分词测试：你好，世界！',
  '한국어 문장입니다. 안녕하세요?',
  'مرحبا بالعالم! هذا نص عربي.',
  'שלום עולם, זה טקסט בעברית (with English) ו-123.',
  'नमस्ते दुनिया — हिन्दी पाठ',
  'สวัสดีชาวโลก ภาษาไทย',
  'Zalgo: Z̴̡̢͓̈́a̷̛̺͌l̶̰̈g̵̣̈́ő̸̳ e\u0301 a\u0308\u0304',
  'Привет, мир! Ελληνικά κείμενα. Türkçe İı ß ẞ',
  'fn main() {\n    let x: Vec<u8> = vec![1, 2, 3];\n    println!("{x:?}");\n}\n',
  "def f(x):\n\treturn {'a': [x, None, True]}  # comment\n",
  '{"key": "value", "list": [1, 2.5, null], "nested": {"ok": false}}',
  '<div class="a">&amp; &lt;tag&gt;</div> <!-- c --> https://example.com/a?b=c#d',
  '<|endoftext|>',
  'before <|endoftext|> after <|endofprompt|>',
  '<|fim_prefix|>x<|fim_middle|>y<|fim_suffix|>z',
  '<|im_start|>user\nhi<|im_end|>',
  '<|start|>assistant<|message|>',
  '\u0000\u0001\u007f control \u200bzero width\ufeff \u2028',
];

// Long runs of one character are a single BPE piece: js-tiktoken's merge is quadratic in
// the piece's length, so these stay at a few thousand characters (the worker's own timing
// for 100,000 is measured below).
const LONG = [
  'a'.repeat(2000),
  ' '.repeat(2000) + 'x',
  '\n'.repeat(1500),
  '\t'.repeat(1000),
  '-'.repeat(1500),
  '🙂'.repeat(400),
  '<|endoftext|>'.repeat(60),
  '1'.repeat(3001),
  'ab'.repeat(1000),
  '日本'.repeat(600),
  'ñ'.repeat(1000),
];

const FRAGMENTS = [
  'hello', 'world', 'The', ' the', 'tokenizer', 'counting', "don't", "WE'LL", 'naïve', 'café',
  ' ', '  ', '\n', '\n\n', '\t', '\r\n', '.', ',', '!?', '...', '—', '“quoted”', '(', ')', '{', '}',
  '0', '42', '2024', '3.14', '1e-9', '0x1F', '½', '٣', '١٢٣',
  '😀', '👍🏾', '👩‍💻', '👨‍👩‍👧', '🏳️‍⚧️', '🇺🇦', '✈️', '🧑‍🤝‍🧑', '\u200d', '\ufe0f',
  '東京', 'こんにちは', 'カタカナ', '汉字', '한글', '가나다',
  'مرحبا', 'عالم', 'שלום', 'עולם', '\u200f', '\u202e',
  'नमस्ते', 'ভাষা', 'தமிழ்', 'ไทย', 'Ελλάδα', 'Москва',
  'fn ', 'let ', '=> ', '&&', '||', '::', '</div>', '<br/>', '#include', 'SELECT * FROM t;',
  '<|endoftext|>', '<|endofprompt|>', '<|fim_prefix|>', '<|', '|>', 'endoftext',
  'https://example.com/path?q=1', 'user@example.com', '$HOME/.config', 'C:\\Windows',
];

/** At least 200 texts of every kind the app counts. */
function corpus() {
  const next = random(20240607);
  const pick = (list) => list[Math.floor(next() * list.length)];
  const texts = [...FIXED, ...LONG];
  for (let i = 0; i < 220; i++) {
    const parts = [];
    const n = 1 + Math.floor(next() * 40);
    for (let j = 0; j < n; j++) parts.push(pick(FRAGMENTS));
    texts.push(parts.join(next() < 0.5 ? ' ' : ''));
  }
  return texts;
}

/** About 1 MB of mixed text (many short pieces, so js-tiktoken can check it quickly). */
function megabyte() {
  const next = random(7);
  const parts = [];
  let bytes = 0;
  while (bytes < 1_000_000) {
    const part = FIXED[1 + Math.floor(next() * (FIXED.length - 1))];
    parts.push(part);
    bytes += Buffer.byteLength(part) + 1;
  }
  return parts.join(' ');
}

let servers;
let browser;
let page;
const vocabRequests = [];

before(async () => {
  servers = await startServers();
  browser = await launchBrowser({ timeout: 60_000 });
  page = browser.page;
  page.on('request', (request) => {
    if (/\/vocab-/.test(request.url())) vocabRequests.push(request.url());
  });
  await page.goto(servers.appUrl);
});
after(async () => {
  await browser?.close();
  await servers?.close();
});

/** Starts a worker from the page with the manifest's URL and sets up `window.tok`. */
async function startWorker() {
  return page.evaluate(async () => {
    const element = document.getElementById('mnemo-tokenizer');
    const manifest = JSON.parse(element.textContent);
    const worker = new Worker(manifest.worker);
    const replies = new Map();
    let nextId = 1;
    // Main-thread tasks over 50 ms, and when requests to the worker were in flight: the
    // app's own start-up and renders are long tasks too, so only overlaps are reported.
    const longTasks = [];
    const windows = [];
    new PerformanceObserver((list) => list.getEntries().forEach((e) => longTasks.push([e.startTime, e.duration]))).observe({
      type: 'longtask',
      buffered: true,
    });
    const ready = new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      worker.onmessage = ({ data }) => {
        if (data.ready) return resolve();
        const reply = replies.get(data.id);
        replies.delete(data.id);
        reply?.(data);
      };
    });
    const vocabUrl = (encoding) => manifest.vocab[encoding] && new URL(manifest.vocab[encoding], location.href).href;
    window.tok = {
      manifest,
      /** Durations of the long tasks that overlapped a request. */
      longTasksDuringRequests() {
        return longTasks
          .filter(([start, duration]) => windows.some(([from, to]) => start < to && start + duration > from))
          .map(([, duration]) => duration);
      },
      /** Sends one request; resolves to the reply plus the round trip in ms. */
      request(message) {
        const id = nextId++;
        const start = performance.now();
        return new Promise((resolve) => {
          replies.set(id, (reply) => {
            windows.push([start, performance.now()]);
            resolve({ ...reply, ms: performance.now() - start });
          });
          worker.postMessage({ id, ...message });
        });
      },
      count(encoding, texts) {
        return this.request({ encoding, vocab_url: vocabUrl(encoding), texts });
      },
    };
    const start = performance.now();
    await ready;
    return { manifest, startMs: performance.now() - start };
  });
}

const timings = [];

describe('tokenizer worker', { timeout: 600_000 }, () => {
  let manifest;

  it('starts from the URLs in the manifest index.html carries', async () => {
    const started = await startWorker();
    manifest = started.manifest;
    timings.push(['start the worker (script + wasm)', started.startMs]);
    assert.match(manifest.worker, /mnemo-tokenizer_loader\.js$/);
    for (const encoding of ['o200k_base', 'cl100k_base']) {
      assert.match(manifest.vocab[encoding], new RegExp(`/vocab-${encoding}-[0-9a-f]{16}\\.bin$`));
    }
    assert.equal(
      vocabRequests.filter((url) => url.includes('cl100k_base')).length,
      0,
      `the app fetched no cl100k_base vocabulary for its o200k_base model: ${vocabRequests}`,
    );
  });

  it('answers malformed requests with an error, and keeps working', async () => {
    const unknown = await page.evaluate(() => tok.request({ encoding: 'p50k_base', vocab_url: 'x', texts: ['a'] }));
    assert.match(unknown.error, /Unknown encoding "p50k_base"/);
    const notArray = await page.evaluate(() => tok.request({ encoding: 'o200k_base', vocab_url: 'x', texts: 'a' }));
    assert.match(notArray.error, /not an array/);
    const missing = await page.evaluate(() =>
      tok.request({ encoding: 'cl100k_base', vocab_url: new URL('/vocab/missing.bin', location.href).href, texts: ['a'] }),
    );
    assert.match(missing.error, /Could not load the cl100k_base vocabulary .*HTTP 404/);
    const wrong = await page.evaluate(() =>
      tok.request({ encoding: 'cl100k_base', vocab_url: new URL(tok.manifest.vocab.o200k_base, location.href).href, texts: ['a'] }),
    );
    assert.match(wrong.error, /expected the cl100k_base vocabulary, got o200k_base/);
  });

  it('answers requests sent before its wasm has loaded, a failed early fetch retried', async () => {
    const replies = await page.evaluate(async () => {
      const manifest = JSON.parse(document.getElementById('mnemo-tokenizer').textContent);
      const url = (path) => new URL(path, location.href).href;
      const worker = new Worker(manifest.worker);
      const replies = new Map();
      let ready = false;
      const done = new Promise((resolve, reject) => {
        worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
        worker.onmessage = ({ data }) => {
          if (data.ready) ready = true;
          else replies.set(data.id, { ...data, afterReady: ready });
          if (replies.size === 3) resolve();
        };
      });
      // All three at once, before the worker can have loaded its wasm.
      worker.postMessage({ id: 1, encoding: 'cl100k_base', vocab_url: url('/vocab/early-missing.bin'), texts: ['a'] });
      worker.postMessage({ id: 2, encoding: 'o200k_base', vocab_url: url(manifest.vocab.o200k_base), texts: ['Hello, world!', ''] });
      worker.postMessage({ id: 3, encoding: 'cl100k_base', vocab_url: url(manifest.vocab.cl100k_base), texts: ['Hello, world!'] });
      await done;
      worker.terminate();
      return Object.fromEntries(replies);
    });
    assert.match(replies[1].error, /Could not load the cl100k_base vocabulary .*HTTP 404/);
    assert.deepEqual(replies[2].counts, [4, 0]);
    // The same encoding from its real vocabulary: the failed early fetch did not stick.
    assert.deepEqual(replies[3].counts, [4]);
    assert.ok(replies[1].afterReady && replies[3].afterReady, 'replies come after the ready message');
  });

  for (const encoding of ['o200k_base', 'cl100k_base']) {
    it(`counts like js-tiktoken with ${encoding}`, async () => {
      const load = await page.evaluate((e) => tok.count(e, ['']), encoding);
      assert.equal(load.error, undefined, load.error);
      assert.deepEqual(load.counts, [0]);
      timings.push([`load ${encoding} (fetch + build)`, load.ms]);

      const texts = corpus();
      assert.ok(texts.length >= 200, `${texts.length} texts`);
      const reply = await page.evaluate(([e, t]) => tok.count(e, t), [encoding, texts]);
      assert.equal(reply.error, undefined, reply.error);
      timings.push([`count the ${texts.length}-text corpus with ${encoding}`, reply.ms]);
      const mismatches = texts
        .map((text, i) => ({ text: text.slice(0, 60), worker: reply.counts[i], jsTiktoken: expected(encoding, text) }))
        .filter((m) => m.worker !== m.jsTiktoken);
      assert.deepEqual(mismatches, [], `${mismatches.length} of ${texts.length} counts differ`);
    });
  }

  it('counts 1 MB of mixed text and 100,000 × "a" (timings printed)', async () => {
    const big = megabyte();
    for (const encoding of ['o200k_base', 'cl100k_base']) {
      const mixed = await page.evaluate(([e, t]) => tok.count(e, [t]), [encoding, big]);
      assert.equal(mixed.error, undefined, mixed.error);
      assert.equal(mixed.counts[0], expected(encoding, big), `1 MB with ${encoding}`);
      timings.push([`count 1 MB of mixed text with ${encoding} (${mixed.counts[0]} tokens)`, mixed.ms]);

      const run = await page.evaluate((e) => tok.count(e, ['a'.repeat(100_000)]), encoding);
      assert.equal(run.error, undefined, run.error);
      assert.ok(run.counts[0] > 0);
      timings.push([`count 100,000 × "a" with ${encoding} (${run.counts[0]} tokens)`, run.ms]);
    }
  });

  it('kept the page responsive and logged no errors', async () => {
    const longTasks = await page.evaluate(() => tok.longTasksDuringRequests());
    console.log('\nTokenizer worker timings (round trips from the page):');
    for (const [what, ms] of timings) console.log(`  ${what.padEnd(62)} ${ms.toFixed(0).padStart(7)} ms`);
    const list = longTasks.length ? `${longTasks.map((d) => d.toFixed(0)).join(', ')} ms` : 'none';
    console.log(`  main-thread tasks over 50 ms while requests were in flight: ${list}`);
    browser.assertNoErrors({ allow: [/vocab\/missing\.bin/, /vocab\/early-missing\.bin/] });
  });
});
