// A 100 MB export imported through the sidebar's file field into a fresh profile: how long
// until every conversation is stored and listed, whether progress shows meanwhile, and the
// main thread's long tasks (over 50 ms) from the file's choice to the end.
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { ChatPage, NAV } from '../../tests/e2e/fixtures/chat_page.mjs';
import { exportFile } from '../../tests/e2e/fixtures/archive_fixtures.mjs';

/** 4,800 conversations of 20 messages of about 830 characters: some 100 MB of JSON. */
const COUNT = 4_800;
const MESSAGES = 20;
const CHARS = 830;

const fmt = (n, digits = 0) => n.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });

/** In the page: from now on, long tasks and when a notice starting with "Importing" shows. */
function watchImport() {
  const state = { t0: performance.now(), progress: null, longTasks: [] };
  window.__importBench = state;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) state.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask' });
  const observer = new MutationObserver(() => {
    if (state.progress == null && document.body.textContent.includes('Importing ')) {
      state.progress = performance.now() - state.t0;
      observer.disconnect();
    }
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true });
}

/** Rows of the results table. */
export async function benchImport(servers) {
  const dir = await mkdtemp(path.join(tmpdir(), 'mnemo-import-bench-'));
  const file = path.join(dir, 'mnemo-100mb.json');
  await writeFile(file, exportFile({ count: COUNT, messages: MESSAGES, chars: CHARS, idPrefix: 'big' }));
  const bytes = (await stat(file)).size;
  const browser = await launchBrowser({ timeout: 600_000 });
  try {
    const page = browser.page;
    const chat = new ChatPage(page, servers);
    await chat.goto();
    await chat.configureForMock({ remember: true });
    await chat.waitForArchive('ready');
    await chat.openTransfer();
    await page.evaluate(watchImport);
    const started = Date.now();
    await chat.transferPanel.getByLabel(NAV.importField, { exact: true }).setInputFiles(file);
    const done = await chat
      .waitForNotice(new RegExp(`^(Imported ${COUNT} |Nothing was imported)`), { timeout: 600_000 })
      .catch((e) => `no outcome: ${e.message.split('\n')[0]}`);
    const seconds = (Date.now() - started) / 1000;
    await page.waitForTimeout(500);
    const run = await page.evaluate(() => {
      const s = window.__importBench;
      return { progress: s.progress, tasks: s.longTasks.filter((t) => t.start >= s.t0).map((t) => t.duration) };
    });
    const listed = (await chat.storedIndex()).conversations.length;
    const records = await page.evaluate(
      () =>
        new Promise((resolve) => {
          const r = indexedDB.open('mnemo');
          r.onsuccess = () => {
            const count = r.result.transaction('conversations').objectStore('conversations').count();
            count.onsuccess = () => resolve(count.result);
          };
        }),
    );
    const tasks = run.tasks;
    return [
      [`import: a ${fmt(bytes / 1e6)} MB export (${fmt(COUNT)} conversations of ${MESSAGES} messages)`, `${done}; ${fmt(seconds, 1)} s to the outcome`],
      ['import: stored and listed', `${fmt(records)} records in IndexedDB, ${fmt(listed)} in the list`],
      ['import: progress shown', run.progress == null ? 'never' : `"Importing …" at ${fmt(run.progress)} ms`],
      [
        'import: main-thread tasks over 50 ms',
        tasks.length ? `${tasks.length}, longest ${fmt(Math.max(...tasks))} ms (${tasks.map((t) => fmt(t)).join(', ')})` : 'none',
      ],
    ];
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}
