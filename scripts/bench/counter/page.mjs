// The counter benchmark's page. Mnemo's tokenizer worker is started as soon as this module
// runs, so the time from first paint to its first answer can be read; the npm tokenizers are started on request, one at a time, so that no two counters
// share the CPU. Every counter is a worker driven through the same protocol and timed
// from here, round trips included.
import { mixedText } from './mixed-text.mjs';

const firstPaint = new Promise((resolve) => {
  new PerformanceObserver((list, observer) => {
    const entry = list.getEntries().find((e) => e.name === 'first-paint');
    if (entry) {
      observer.disconnect();
      resolve(entry.startTime);
    }
  }).observe({ type: 'paint', buffered: true });
});

/** A tokenizer worker and its requests (see tokenizer/src/worker.rs for the protocol). */
class Counter {
  constructor(worker, vocab) {
    this.worker = worker;
    this.vocab = vocab;
    this.createdAt = performance.now();
    this.replies = new Map();
    this.nextId = 1;
    this.ready = new Promise((resolve, reject) => {
      worker.onerror = (e) => reject(new Error(`worker error: ${e.message}`));
      worker.onmessage = ({ data }) => {
        if (data.ready) {
          this.readyAt = performance.now();
          return resolve();
        }
        const reply = this.replies.get(data.id);
        this.replies.delete(data.id);
        reply?.(data);
      };
    });
  }

  /** Counts `texts`; resolves to the reply plus its round trip in ms, or `timedOut` (the worker is then gone). */
  async count(encoding, texts, timeoutMs) {
    await this.ready;
    const id = this.nextId++;
    const start = performance.now();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.replies.delete(id);
        this.worker.terminate();
        resolve({ timedOut: true, ms: performance.now() - start });
      }, timeoutMs);
      this.replies.set(id, (reply) => {
        clearTimeout(timer);
        resolve({ ...reply, ms: performance.now() - start, at: performance.now() });
      });
      this.worker.postMessage({ id, encoding, vocab_url: this.vocab[encoding], texts });
    });
  }
}

const TINY = 'Hello, world!';
// The app's tokenizer manifest, which the server copies from the built index.html.
const app = JSON.parse(document.getElementById('mnemo-tokenizer').textContent);
const vocab = Object.fromEntries(Object.entries(app.vocab).map(([name, url]) => [name, new URL(url, location.href).href]));

/** Creates a counter and counts a tiny text with o200k_base: its start and encoder-ready times. */
function startCounter(worker) {
  const counter = new Counter(worker, vocab);
  const started = counter.count('o200k_base', [TINY], 60_000).then((first) => ({
    start: counter.readyAt - counter.createdAt,
    ready: first.timedOut ? null : first.at - counter.createdAt,
    readyAt: first.at,
    error: first.error,
  }));
  return { counter, started };
}

const mnemo = startCounter(new Worker(app.worker));

const WORKERS = {
  'gpt-tokenizer': () => new Worker('/bench/js-worker.mjs?lib=gpt-tokenizer', { type: 'module' }),
  'js-tiktoken': () => new Worker('/bench/js-worker.mjs?lib=js-tiktoken', { type: 'module' }),
};
const counters = { mnemo: mnemo.counter };

const INPUTS = {
  tiny: () => TINY,
  mixed: () => mixedText(),
  a10k: () => 'a'.repeat(10_000),
  a100k: () => 'a'.repeat(100_000),
  a1m: () => 'a'.repeat(1_000_000),
};
const inputs = {};
const input = (name) => (inputs[name] ??= INPUTS[name]());

window.bench = {
  /**
   * Mnemo's start (started with the page): ms from its worker's creation until it took
   * requests and until it answered a first count, and from first paint to that answer.
   */
  async mnemoStartup() {
    const { readyAt, ...started } = await mnemo.started;
    const paint = await firstPaint;
    return { ...started, afterPaint: readyAt - paint, createdAfterPaint: mnemo.counter.createdAt - paint };
  },
  /** Starts an npm tokenizer's worker: the same times as Mnemo's, but from now. */
  async start(name) {
    const { counter, started } = startCounter(WORKERS[name]());
    counters[name] = counter;
    const { readyAt, ...times } = await started;
    return times;
  },
  /** Counts the named input with a counter: { count, ms } or { timedOut, ms } or { error }. */
  async count(name, encoding, inputName, timeoutMs) {
    const text = input(inputName);
    const reply = await counters[name].count(encoding, [text], timeoutMs);
    return { count: reply.counts?.[0], ms: reply.ms, timedOut: reply.timedOut, error: reply.error };
  },
  /** Size of an input: { chars, bytes }. */
  size(inputName) {
    const text = input(inputName);
    return { chars: text.length, bytes: new TextEncoder().encode(text).length };
  },
  stop(name) {
    counters[name]?.worker.terminate();
    delete counters[name];
  },
};
document.body.dataset.ready = 'true';
