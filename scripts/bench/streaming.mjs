// Streams a 20,000-token reply at 5,000 tokens/s from the mock server through the app (typed
// into the composer and sent like a user would) and measures the renderer's main thread
// meanwhile: its long tasks, and its busy time per chunk over the first and the last 1,000
// chunks the page showed. A per-chunk cost that grows with the reply's length shows as a
// ratio over 1.
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { ChatPage, UI } from '../../tests/e2e/fixtures/chat_page.mjs';
import { countText } from '../../tests/e2e/fixtures/tokens.mjs';
import { defaultReply } from '../../tests/e2e/mock-server.mjs';
import { busyWithin, mainThreadTasks, markEvent, startTrace } from './trace.mjs';

const TARGET_TOKENS = 20_000;
const TOKENS_PER_SECOND = 5_000;
/** Chunks in each of the two windows compared. */
const EDGE = 1_000;
/** Traced runs; the per-chunk costs vary from run to run, the median run is shown. */
const TRACED_RUNS = 3;
const PROMPT = 'Please write a very long answer.';
const CLOCK_MARK = 'stream-bench-clock';

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/**
 * The mock's usual filler reply, as many words long as TARGET_TOKENS tokens (o200k_base)
 * take; one word per chunk. `shownEnds[k]` is the length of the text once k + 1 chunks are
 * shown (a rendered paragraph loses its trailing space).
 */
/** A model's long reply comes in paragraphs: a blank line after the first sentence end
 * past every PARAGRAPH_WORDS words. */
const PARAGRAPH_WORDS = 60;
function inParagraphs(text) {
  let words = 0;
  return text.replace(/(\S+) /g, (match, word) => {
    if (++words < PARAGRAPH_WORDS || !/[.!?]$/.test(word)) return match;
    words = 0;
    return `${word}\n\n`;
  });
}

function makeReply() {
  const probe = 10_000;
  const tokensPerWord = countText(inParagraphs(defaultReply(PROMPT, probe))) / probe;
  const text = inParagraphs(defaultReply(PROMPT, Math.round(TARGET_TOKENS / tokensPerWord)));
  const pieces = text.match(/\s*\S+\s*/g);
  const shownEnds = [];
  let length = 0;
  for (const piece of pieces) {
    length += piece.length;
    shownEnds.push(length - (piece.length - piece.trimEnd().length));
  }
  return { text, chunks: pieces.length, tokens: countText(text), shownEnds };
}

/** How many chunks a shown text of `length` characters holds. */
function chunksIn(reply, length) {
  let lo = 0;
  let hi = reply.shownEnds.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (reply.shownEnds[mid] <= length) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * In the page: records long tasks, every repaint of the streaming reply (when, and how
 * long its text was), and when the reply stopped streaming. Only the transcript's rows and
 * the reply's nodes are observed: one callback per repaint, so the watching adds
 * next to nothing to the work being measured.
 */
function watchReply({ transcript, itemCss, contentCss, clockMark }) {
  // The mark's time on the page's clock, to relate that clock to the trace's.
  const state = { longTasks: [], paints: [], doneAt: null, clock: performance.mark(clockMark).startTime };
  window.__streamBench = state;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  const list = document.querySelector(`[aria-label="${transcript}"]`);
  let content = null;
  const paints = new MutationObserver(() => state.paints.push([performance.now(), content.textContent.length]));
  const rows = new MutationObserver(() => {
    const reply = [...list.querySelectorAll(`${itemCss}[data-role="assistant"]`)].at(-1);
    if (!reply) return;
    if (reply.getAttribute('data-status') === 'streaming' && !content) {
      content = reply.querySelector(contentCss);
      paints.observe(content, { childList: true, subtree: true });
    } else if (content && reply.getAttribute('data-status') !== 'streaming') {
      state.doneAt = performance.now();
      paints.disconnect();
      rows.disconnect();
    }
  });
  rows.observe(list, { childList: true, subtree: false });
}

/** A fresh browser with the app set up against the mock, the vocabulary already loaded. */
async function openApp(servers) {
  const browser = await launchBrowser({ timeout: 60_000 });
  const chat = new ChatPage(browser.page, servers);
  await chat.goto();
  await chat.configureForMock();
  // The meter drops its "≈" once the vocabulary is in: its loading is not part of the stream.
  await browser.page
    .waitForFunction(() => !document.querySelector('[data-testid="context-tokens"]')?.textContent.includes('≈'), null, { timeout: 30_000 })
    .catch(() => {});
  return { browser, chat };
}

/**
 * Sends the prompt, waits until the reply is done, and returns what the mock and the page
 * recorded.
 */
async function streamOnce(servers, chat, reply, rate) {
  const { mock } = servers;
  mock.configure({ replyText: reply.text, chunkWords: 1, chunksPerSecond: rate, recordChunkTimes: true });
  const before = mock.requests.length;
  await chat.page.evaluate(watchReply, { transcript: UI.transcript, itemCss: UI.itemCss, contentCss: UI.contentCss, clockMark: CLOCK_MARK });
  await chat.send(PROMPT);
  await chat.page.waitForFunction(() => window.__streamBench.doneAt != null, null, { timeout: 120_000, polling: 250 });
  const entry = mock.requests.slice(before).find((r) => r.body?.stream === true && r.chunkTimes);
  if (!entry?.completed || entry.chunkTimes.length !== reply.chunks) {
    throw new Error(`The mock did not stream the whole reply (${entry?.chunkTimes?.length ?? 0} of ${reply.chunks} chunks).`);
  }
  await chat.settle();
  const page = await chat.page.evaluate(() => {
    const { longTasks, paints, doneAt, clock } = window.__streamBench;
    return { longTasks: longTasks.filter((t) => t.start <= doneAt).map((t) => t.duration), paints, doneAt, clock };
  });
  const last = await chat.lastMessage('assistant');
  return { entry, page, shown: { status: last?.status, length: last?.text.length ?? 0 } };
}

/** Streams once in a fresh browser; with `trace`, also returns the main thread's tasks. */
async function run(servers, reply, rate, { trace = false } = {}) {
  const { browser, chat } = await openApp(servers);
  try {
    const stopTrace = trace ? await startTrace(browser.page) : null;
    const result = await streamOnce(servers, chat, reply, rate);
    if (!stopTrace) return result;
    const events = await stopTrace();
    // Page time (ms) to trace time (µs): both count from the same clock, one mark relates them.
    const offset = markEvent(events, CLOCK_MARK).ts - result.page.clock * 1000;
    return { ...result, tasks: mainThreadTasks(events, CLOCK_MARK), toTrace: (ms) => ms * 1000 + offset };
  } finally {
    await browser.close();
  }
}

/** The page's repaints of the streaming reply: [{ time (page clock), shown (chunks) }]. */
function repaints(reply, paints) {
  return paints.map(([time, length]) => ({ time, shown: chunksIn(reply, length) }));
}

/**
 * Main-thread busy time per chunk from the last repaint that showed at most `from` chunks
 * (or the first repaint) to the first that showed `to`: what it cost to receive, parse
 * and show the chunks in between, which are at least to − from.
 */
function costPerChunk(shown, traced, from, to) {
  const start = shown.findLast((p) => p.shown <= from) ?? shown[0];
  const end = shown.find((p) => p.shown >= to);
  const [a, b] = [traced.toTrace(start.time), traced.toTrace(end.time)];
  const busy = busyWithin(traced.tasks, a, b) / 1000;
  const longest = Math.max(0, ...traced.tasks.filter((t) => t.end > a && t.start < b).map((t) => (t.end - t.start) / 1000));
  const chunks = end.shown - start.shown;
  return { perChunk: busy / chunks, busy, span: end.time - start.time, chunks, longest };
}

/** The first and the last EDGE chunks' cost, and the long tasks, of one traced run. */
function analyse(reply, traced) {
  // The last window ends at the last repaint of the streaming row: the stream's end
  // replaces the row (with a render of its own), so the final chunks may never be
  // repainted as streaming text.
  const shown = repaints(reply, traced.page.paints);
  const lastShown = shown.at(-1).shown;
  const first = costPerChunk(shown, traced, 0, EDGE);
  const last = costPerChunk(shown, traced, lastShown - EDGE, lastShown);
  const from = traced.toTrace(traced.page.paints[0][0]);
  const to = traced.toTrace(traced.page.doneAt);
  const durations = traced.tasks.filter((t) => t.end > from && t.start < to).map((t) => (t.end - t.start) / 1000);
  return { first, last, ratio: last.perChunk / first.perChunk, longest: Math.max(0, ...durations), over50: durations.filter((d) => d > 50).length };
}

function medianGap(paints) {
  const gaps = paints.slice(1).map(([t], i) => t - paints[i][0]).sort((a, b) => a - b);
  return gaps[gaps.length >> 1] ?? 0;
}

/**
 * One window's cost. A main thread busy all along means chunks waited for it, and were
 * shown in larger batches per repaint.
 */
function describeWindow(w) {
  const saturated = w.busy > 0.95 * w.span ? '; busy throughout' : '';
  return `${fmt(w.perChunk, 3)} ms (${fmt(w.busy)} ms busy in ${fmt(w.span)} ms for ${fmt(w.chunks)} chunks, longest task ${fmt(w.longest)} ms${saturated})`;
}

/** Rows of the results table. */
export async function benchStreaming(servers) {
  const reply = makeReply();
  const rate = (TOKENS_PER_SECOND * reply.chunks) / reply.tokens;
  // A trace slows every task down a little: long tasks come from a run without one.
  const plain = await run(servers, reply, rate);
  const traced = [];
  for (let i = 0; i < TRACED_RUNS; i++) traced.push(analyse(reply, await run(servers, reply, rate, { trace: true })));
  traced.sort((a, b) => a.ratio - b.ratio);
  const median = traced[traced.length >> 1];

  const times = plain.entry.chunkTimes;
  const seconds = (times.at(-1) - times[0]) / 1e6;
  const pageSeconds = (plain.page.doneAt - plain.page.paints[0][0]) / 1000;
  const ratios = traced.map((t) => `${fmt(t.ratio, 2)}×`).join(', ');
  const tracedLongest = traced.map((t) => `${fmt(t.longest)} ms (${t.over50} over 50 ms)`).join(', ');

  return [
    ['streaming: reply', `${fmt(reply.chunks)} chunks of one word, ${fmt(reply.tokens)} tokens (o200k), ${fmt(reply.text.length / 1024, 1)} KB, paragraphs of about ${PARAGRAPH_WORDS} words`],
    ['streaming: rate the mock achieved, first to last chunk', `${fmt(reply.chunks / seconds)} chunks/s = ${fmt(reply.tokens / seconds)} tokens/s (${fmt(seconds, 2)} s)`],
    ['streaming: the reply once done', `${plain.shown.status}, ${fmt(plain.shown.length)} of ${fmt(reply.text.length)} characters shown`],
    ['streaming: first repaint to done, in the page', `${fmt(pageSeconds, 2)} s; ${fmt(plain.page.paints.length)} repaints (median gap ${fmt(medianGap(plain.page.paints))} ms)`],
    ['streaming: longest main-thread task, send to done', `${fmt(Math.max(0, ...plain.page.longTasks))} ms (${plain.page.longTasks.length} tasks over 50 ms; goal: none)`],
    [`streaming: the same, ${TRACED_RUNS} traced runs`, tracedLongest],
    [`streaming: main-thread time per chunk, first ${fmt(EDGE)} shown (median traced run)`, describeWindow(median.first)],
    [`streaming: main-thread time per chunk, last ${fmt(EDGE)} shown (median traced run)`, describeWindow(median.last)],
    ['streaming: last ÷ first', `${fmt(median.ratio, 2)}× (goal: ≤ 1.5×; the ${TRACED_RUNS} runs: ${ratios})`],
  ];
}
