// The app's own start-up and typing: time to an interactive composer, how long the
// vocabulary takes to load after that, and the main thread's long tasks while 1 MB put
// into the composer (pasted, or set as typing does) is counted.
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { ChatPage } from '../../tests/e2e/fixtures/chat_page.mjs';
import { withConfiguredApp } from './configured.mjs';
import { markEvent, mainThreadTasks, startTrace } from './trace.mjs';

const RUNS = 5;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** The meter drops its "≈" once the vocabulary is in. */
const waitForExactCounts = (page) =>
  page
    .waitForFunction(() => !document.querySelector('[data-testid="context-tokens"]')?.textContent.includes('≈'), null, { timeout: 30_000 })
    .catch(() => {});

/** Median times to an interactive composer and to exact counts, over fresh navigations. */
async function startUp(servers) {
  const interactive = [];
  const vocabReady = [];
  const afterPaint = [];
  for (let run = 0; run < RUNS; run++) {
    const browser = await launchBrowser();
    const page = browser.page;
    const chat = new ChatPage(page, servers);
    if (run === 0) {
      await chat.goto();
      await chat.configureForMock({ remember: true });
    }
    await page.goto(servers.appUrl);
    await chat.composer.waitFor();
    interactive.push(await page.evaluate(() => performance.now()));
    await waitForExactCounts(page);
    const { now, paint } = await page.evaluate(() => ({
      now: performance.now(),
      paint: performance.getEntriesByName('first-paint')[0]?.startTime,
    }));
    vocabReady.push(now);
    if (paint != null) afterPaint.push(now - paint);
    await browser.close();
  }
  return [
    ['composer interactive after navigation (median of 5, profile with settings)', `${median(interactive).toFixed(0)} ms`],
    ['exact counts ready after navigation (median of 5)', `${median(vocabReady).toFixed(0)} ms`],
    [
      'exact counts ready after first paint (median of 5; goal: ≤ 300 ms)',
      afterPaint.length ? `${median(afterPaint).toFixed(0)} ms (runs: ${afterPaint.map((t) => t.toFixed(0)).join(', ')})` : 'no paint entry',
    ],
  ];
}

const PASTE_TEXT = "'The quick brown fox jumps over the lazy dog. '.repeat(22_300).slice(0, 1_000_000)";

/** Waits until the composer shows the draft's exact count. */
const waitForDraftCount = (page) =>
  page.waitForFunction(
    () => {
      const text = document.querySelector('[data-testid="draft-tokens"]')?.textContent;
      return text && !text.includes('≈');
    },
    null,
    { timeout: 30_000 },
  );

/**
 * 1 MB put into the composer, `how`: 'paste' fires the paste event a real paste fires (the
 * text is made in the page, so no test harness work lands on its main thread), 'fill'
 * sets the box's value as typing or a drop does. Traced: the page's main-thread tasks over
 * 50 ms from then until the exact count is shown.
 */
function bigInput(servers, how) {
  return withConfiguredApp(servers, async ({ page, chat }) => {
    await waitForExactCounts(page);
    const stop = await startTrace(page);
    const t0 = Date.now();
    if (how === 'paste') {
      await chat.composer.evaluate((el, make) => {
        performance.mark('mnemo-input');
        const clipboardData = new DataTransfer();
        clipboardData.setData('text/plain', new Function(`return ${make}`)());
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
      }, PASTE_TEXT);
    } else {
      await page.evaluate(() => performance.mark('mnemo-input'));
      await chat.composer.fill(new Function(`return ${PASTE_TEXT}`)());
    }
    await waitForDraftCount(page);
    const counted = Date.now() - t0;
    await page.waitForTimeout(500);
    const events = await stop();
    const from = markEvent(events, 'mnemo-input').ts;
    const long = mainThreadTasks(events, 'mnemo-input')
      .filter((t) => t.end >= from && t.end - t.start > 50_000)
      .map((t) => (t.end - t.start) / 1000);
    const label = how === 'paste' ? '1 MB pasted (held out of the box)' : '1 MB typed into the box (value set, as a drop or IME does)';
    return [
      [`${label}: exact count shown after`, `${counted} ms`],
      [`${label}: main-thread tasks over 50 ms until counted (traced)`, long.length ? `${long.length}, longest ${Math.max(...long).toFixed(0)} ms` : 'none'],
    ];
  });
}

/** Rows of the results table. */
export async function benchApp(servers) {
  return [...(await startUp(servers)), ...(await bigInput(servers, 'paste')), ...(await bigInput(servers, 'fill'))];
}
