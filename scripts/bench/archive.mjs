// The archive at scale: 5,000 conversations holding 100,000 messages of about 3,000
// characters of varied text each (some 300 MB) written straight into IndexedDB in batched
// transactions, the list of all 5,000 and a copy of the open one in localStorage, as the
// app keeps them. Reports whether it all fit, start-up to an interactive composer, opening
// a conversation from the list, and a search over every message: when its first results
// show, and its longest main-thread task.
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { ChatPage, NAV, STORAGE } from '../../tests/e2e/fixtures/chat_page.mjs';

const CONVERSATIONS = 5_000;
const MESSAGES = 100_000;
const PER_CONVERSATION = MESSAGES / CONVERSATIONS;
const CHARS = 3_000;
/** Conversations per transaction, and per call into the page. */
const BATCH = 50;
const PER_CALL = 500;
const LOADS = 3;
const OPENS = 5;
/** A made-up word in one message of every NEEDLE_EVERY-th conversation, and nowhere else. */
const NEEDLE = 'quorvadlix';
const NEEDLE_EVERY = 500;
const NEEDLE_HITS = CONVERSATIONS / NEEDLE_EVERY;
const T0 = 1764115200000;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const idOf = (c) => `bench${String(c).padStart(4, '0')}`;
const titleOf = (c) => `Archive ${c}: notes on topic ${(c * 7) % 97}`;
/** The marker that starts message `m` of conversation `c`: seen in the transcript once it is open. */
const markerOf = (c, m) => `[c${c} m${m}]`;

/**
 * In the page (a page of the app's origin that is not the app): writes conversations
 * `from` to `to` into the archive, BATCH per transaction. Resolves to { stored, chars,
 * error }: how many were written before a failure, if any.
 */
async function seedArchive({ from, to, perConversation, chars, batch, needle, needleEvery, t0, idWidth }) {
  const WORDS = (
    'river mountain garden kitchen window letter morning evening winter summer harbour market ' +
    'station library village forest bridge engine circle number pattern question answer reason ' +
    'method system memory signal orange yellow purple silver golden quiet bright gentle careful ' +
    'simple honest modern ancient travel cook plant build write read listen measure compare ' +
    'repair follow explain remember carry gather open close begin finish often never always ' +
    'sometimes slowly quickly together apart inside outside between around through across toward ' +
    'beyond paper pencil basket ladder candle mirror blanket teacup saucer ribbon button pocket ' +
    'lantern compass harvest meadow orchard valley island canal tunnel tower castle temple museum ' +
    'theatre concert the a of and to in on for with about over under after before is was will ' +
    'could should might every each some many few more less most least first last next other'
  ).split(' ');
  const PUNCT = ['.', '.', '.', ',', ',', '?', '!', ';', ':'];
  let state = (from * 2654435761) >>> 0;
  const rnd = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const text = (n) => {
    const parts = [];
    let length = 0;
    let capital = true;
    while (length < n) {
      let w = WORDS[Math.floor(rnd() * WORDS.length)];
      if (capital) w = w[0].toUpperCase() + w.slice(1);
      capital = false;
      if (rnd() < 0.12) {
        const p = PUNCT[Math.floor(rnd() * PUNCT.length)];
        w += p;
        capital = p === '.' || p === '?' || p === '!';
      }
      if (rnd() < 0.03) w += ` ${Math.floor(rnd() * 100000)}`;
      parts.push(w);
      length += w.length + 1;
    }
    return parts.join(' ').slice(0, n);
  };
  const id = (c) => `bench${String(c).padStart(idWidth, '0')}`;
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('mnemo');
    // Only when the app made no database (a build without the archive): make it as it would.
    request.onupgradeneeded = () => request.result.createObjectStore('conversations');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
    request.onblocked = () => reject(new Error('opening the archive was blocked'));
  });
  db.onversionchange = () => db.close();
  if (!db.objectStoreNames.contains('conversations')) {
    db.close();
    return { stored: 0, chars: 0, error: 'the database has no "conversations" store' };
  }
  let stored = 0;
  let written = 0;
  try {
    for (let start = from; start < to; start += batch) {
      const records = [];
      for (let c = start; c < Math.min(to, start + batch); c++) {
        const at = t0 + c * 60_000;
        const messages = [];
        for (let m = 0; m < perConversation; m++) {
          const head = `[c${c} m${m}] `;
          const body = m === 7 && c % needleEvery === 123 ? `${text(1_000)} ${needle} ${text(chars - 1_012 - head.length)}` : text(chars - head.length);
          const message = { id: `${id(c)}m${m}`, role: m % 2 ? 'assistant' : 'user', content: head + body, created_at: at + m * 1000, status: { state: 'complete' } };
          if (m) message.parent = `${id(c)}m${m - 1}`;
          if (m % 2) message.model = 'gpt-4o-mini';
          messages.push(message);
          written += message.content.length;
        }
        const data = { id: id(c), title: `Archive ${c}: notes on topic ${(c * 7) % 97}`, created_at: at, updated_at: at + perConversation * 1000, messages };
        records.push([id(c), JSON.stringify({ v: 2, data })]);
      }
      await new Promise((resolve, reject) => {
        const t = db.transaction('conversations', 'readwrite');
        const s = t.objectStore('conversations');
        for (const [key, value] of records) s.put(value, key);
        t.oncomplete = resolve;
        t.onabort = t.onerror = () => reject(t.error ?? new Error('the transaction was aborted'));
      });
      stored += records.length;
    }
    return { stored, chars: written, error: null };
  } catch (error) {
    return { stored, chars: written, error: error?.name ?? String(error) };
  } finally {
    db.close();
  }
}

/** In the page: the archive's record count, the open conversation's record, and the storage estimate. */
async function readBack(currentId) {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('mnemo');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  try {
    const [count, current] = await new Promise((resolve, reject) => {
      const t = db.transaction('conversations', 'readonly');
      const s = t.objectStore('conversations');
      const count = s.count();
      const current = s.get(currentId);
      t.oncomplete = () => resolve([count.result, current.result]);
      t.onerror = t.onabort = () => reject(t.error);
    });
    const { usage, quota } = await navigator.storage.estimate();
    return { count, current, usage, quota };
  } finally {
    db.close();
  }
}

/** Records, from the start of every navigation, when the composer is in the page and when the archive is ready. */
const WATCH_START = () => {
  const seen = () => {
    if (window.mnemoComposerAt == null && document.querySelector('textarea')) window.mnemoComposerAt = performance.now();
    if (window.mnemoArchiveReadyAt == null && document.documentElement.dataset.archive === 'ready') {
      window.mnemoArchiveReadyAt = performance.now();
    }
    return window.mnemoComposerAt != null && window.mnemoArchiveReadyAt != null;
  };
  const observer = new MutationObserver(() => seen() && observer.disconnect());
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['data-archive'] });
};

/** Median, over LOADS navigations, of app.mjs's time to an interactive composer, and of the archive being ready. */
async function startUp(page, chat, url) {
  const interactive = [];
  const ready = [];
  for (let run = 0; run < LOADS; run++) {
    await page.goto(url);
    await chat.composer.waitFor();
    interactive.push(await page.evaluate(() => performance.now()));
    const at = await page
      .waitForFunction(() => window.mnemoArchiveReadyAt ?? null, null, { timeout: 120_000, polling: 50 })
      .then((h) => h.jsonValue())
      .catch(() => null);
    if (at != null) ready.push(at);
  }
  return { interactive, ready };
}

/** In the page: click the list's row titled `title`; resolves to ms until `marker` is in the transcript. */
function timeOpen({ title, marker, rowOpenCss, transcriptCss }) {
  return new Promise((resolve, reject) => {
    const button = document.querySelector(`${rowOpenCss}[title="${CSS.escape(title)}"]`);
    if (!button) return reject(new Error(`no row titled ${title}`));
    const shown = () => document.querySelector(transcriptCss)?.textContent.includes(marker);
    if (shown()) return reject(new Error(`${marker} is shown before the click`));
    let t0;
    const observer = new MutationObserver(() => {
      if (shown()) {
        observer.disconnect();
        resolve(performance.now() - t0);
      }
    });
    observer.observe(document.body, { childList: true, subtree: true, characterData: true });
    setTimeout(() => {
      observer.disconnect();
      reject(new Error(`${marker} was not shown within 60 s`));
    }, 60_000);
    t0 = performance.now();
    button.click();
  });
}

/**
 * In the page, on the search box: from the next input into it, records long tasks, when the
 * first row with a marked excerpt shows, and when `expected` of them do (window.__searchBench).
 */
function watchSearch(box, { expected, rowCss, excerptCss }) {
  const state = { t0: null, first: null, all: null, longTasks: [] };
  window.__searchBench = state;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  box.addEventListener('input', () => (state.t0 ??= performance.now()), { capture: true, once: true });
  const count = () => [...document.querySelectorAll(rowCss)].filter((li) => li.querySelector(`${excerptCss} mark`)).length;
  const observer = new MutationObserver(() => {
    if (state.t0 == null) return;
    const n = count();
    if (n > 0 && state.first == null) state.first = performance.now();
    if (n >= expected && state.all == null) {
      state.all = performance.now();
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
}

/** Rows of the results table. */
export async function benchArchive(servers) {
  const browser = await launchBrowser({ timeout: 120_000 });
  try {
    const page = browser.page;
    const chat = new ChatPage(page, servers);
    await chat.goto();
    await chat.configureForMock({ remember: true });
    const state = await page.evaluate(() => document.documentElement.dataset.archive ?? null);

    // Seed from a page that is not the app, so that nothing else writes meanwhile.
    await page.goto(new URL('manifest.webmanifest', servers.appUrl).href);
    const seedStart = Date.now();
    let stored = 0;
    let chars = 0;
    let error = null;
    for (let from = 0; from < CONVERSATIONS && !error; from += PER_CALL) {
      const result = await page.evaluate(seedArchive, {
        from,
        to: Math.min(CONVERSATIONS, from + PER_CALL),
        perConversation: PER_CONVERSATION,
        chars: CHARS,
        batch: BATCH,
        needle: NEEDLE,
        needleEvery: NEEDLE_EVERY,
        t0: T0,
        idWidth: 4,
      });
      stored += result.stored;
      chars += result.chars;
      error = result.error;
    }
    const seedSeconds = (Date.now() - seedStart) / 1000;
    const currentC = CONVERSATIONS - 1;
    const back = await page.evaluate(readBack, idOf(currentC));
    // The list, newest first, and the open conversation's copy, as the app keeps them.
    const entries = [];
    for (let c = CONVERSATIONS - 1; c >= 0; c--) {
      entries.push({ id: idOf(c), title: titleOf(c), updated_at: T0 + c * 60_000 + PER_CONVERSATION * 1000 });
    }
    await page.evaluate(
      ({ index, copyKey, copy, indexKey }) => {
        localStorage.setItem(indexKey, JSON.stringify({ v: 2, data: index }));
        if (copy) localStorage.setItem(copyKey, copy);
      },
      {
        index: { conversations: entries, current: idOf(currentC) },
        copyKey: `${STORAGE.conversationPrefix}${idOf(currentC)}`,
        copy: back.current ?? null,
        indexKey: STORAGE.index,
      },
    );
    const rows = [
      ['archive: build under test (data-archive once configured)', state ?? 'no data-archive attribute'],
      [
        `archive: ${fmt(CONVERSATIONS)} conversations, ${fmt(MESSAGES)} messages written to IndexedDB`,
        `${error ? `stopped by ${error} after ${fmt(stored)}` : `all ${fmt(stored)} stored, no quota error`}; ${fmt(chars / 1e6)} M characters in ${fmt(seedSeconds, 1)} s`,
      ],
      [
        'archive: read back',
        `${fmt(back.count)} records; navigator.storage.estimate(): ${fmt(back.usage / 1e6)} MB used of ${fmt(back.quota / 1e6)} MB`,
      ],
    ];

    await page.addInitScript(WATCH_START);
    const start = await startUp(page, chat, servers.appUrl);
    const ms = (xs) => (xs.length ? `${fmt(median(xs))} ms (runs: ${xs.map((x) => fmt(x)).join(', ')})` : 'never');
    rows.push([`archive: composer interactive after navigation (median of ${LOADS})`, ms(start.interactive)]);
    rows.push([`archive: data-archive "ready" after navigation (median of ${LOADS})`, ms(start.ready)]);

    // Opening conversations from the first rows of the list (not the open one).
    await chat.conversationRows.nth(OPENS).waitFor();
    const opens = [];
    for (let k = 1; k <= OPENS; k++) {
      const c = currentC - k;
      opens.push(
        await page.evaluate(timeOpen, {
          title: titleOf(c),
          marker: markerOf(c, PER_CONVERSATION - 1),
          rowOpenCss: `${NAV.rowCss} ${NAV.rowOpenCss}`,
          transcriptCss: NAV.transcriptCss,
        }),
      );
    }
    rows.push([`archive: click in the list → its last message shown (median of ${OPENS})`, ms(opens)]);

    // A search for a word that only messages hold.
    await chat.searchBox.evaluate(watchSearch, { expected: NEEDLE_HITS, rowCss: NAV.rowCss, excerptCss: NAV.rowExcerptCss });
    await chat.searchBox.fill(NEEDLE);
    const done = await page
      .waitForFunction(() => window.__searchBench.all != null, null, { timeout: 300_000, polling: 100 })
      .then(() => true)
      .catch(() => false);
    await page.waitForTimeout(500);
    const search = await page.evaluate(() => {
      const s = window.__searchBench;
      const end = (s.all ?? performance.now()) + 500;
      const tasks = s.longTasks.filter((t) => t.start >= s.t0 && t.start <= end).map((t) => t.duration);
      const found = document.querySelectorAll('li.conversation .excerpt mark').length;
      return { first: s.first == null ? null : s.first - s.t0, all: s.all == null ? null : s.all - s.t0, tasks, found };
    });
    const after = (t) => (t == null ? 'never' : `${fmt(t)} ms`);
    rows.push([
      `archive: search over every message ("${NEEDLE}", in ${NEEDLE_HITS} conversations): first results`,
      `${after(search.first)}; all ${NEEDLE_HITS}: ${done ? after(search.all) : `not within 300 s (${search.found} shown)`}`,
    ]);
    rows.push([
      'archive: longest main-thread task during that search',
      search.tasks.length ? `${fmt(Math.max(...search.tasks))} ms (${search.tasks.length} tasks over 50 ms)` : 'none over 50 ms',
    ]);
    return rows;
  } finally {
    await browser.close();
  }
}
