// Start-up with a long history: 200 stored conversations, the open one with 1,000
// messages. Reports median times from navigation to the composer over 5 loads, next to
// the same with nothing stored, and how many messages the first render builds (the
// transcript opens with its newest slice).
import { withConfiguredApp } from './configured.mjs';

const RUNS = 5;
const CONVERSATIONS = 200;
const OPEN_MESSAGES = 1_000;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** A stored conversation envelope with `n` alternating messages of a few sentences. */
function conversation(id, n) {
  const messages = [];
  for (let m = 0; m < n; m++) {
    messages.push({
      id: `${id}-m${m}`,
      role: m % 2 ? 'assistant' : 'user',
      content: m % 2 ? `Reply ${m}: **Mnemo** keeps every word. Here is \`code\` and a list:\n\n- one\n- two` : `Question ${m} about the ocean?`,
      created_at: 1764115200000 + m * 1000,
      status: { state: 'complete' },
    });
  }
  return { id, title: `Conversation ${id}`, created_at: 1764115200000, updated_at: 1764115200000 + n, messages };
}

/** Fills localStorage with the history (settings are already stored). */
async function seed(page) {
  const stored = [];
  for (let c = 0; c < CONVERSATIONS; c++) stored.push(conversation(`h${c}`, c === 0 ? OPEN_MESSAGES : 6));
  await page.evaluate((list) => {
    for (const c of list) localStorage.setItem(`mnemo.conv.${c.id}`, JSON.stringify({ v: 1, data: c }));
    const index = { conversations: list.map((c) => ({ id: c.id, title: c.title, updated_at: c.updated_at })), current: list[0].id };
    localStorage.setItem('mnemo.index', JSON.stringify({ v: 1, data: index }));
  }, stored);
  return stored.reduce((n, c) => n + JSON.stringify(c).length, 0);
}

/**
 * Median ms from navigation over RUNS fresh loads in one profile: until the composer is in
 * the page (seen by a MutationObserver the page starts with), until first contentful paint,
 * and until the page answers a script after the composer is visible (the page's main
 * thread is free again: what a user's first keystroke would wait for).
 */
async function timeToComposer(page, chat, url) {
  const inserted = [];
  const painted = [];
  const answered = [];
  let rendered = 0;
  for (let run = 0; run < RUNS; run++) {
    await page.goto(url);
    await chat.composer.waitFor();
    answered.push(await page.evaluate(() => performance.now()));
    const times = await page.evaluate(async () => {
      const paint = () => performance.getEntriesByName('first-contentful-paint')[0]?.startTime;
      for (let i = 0; i < 50 && paint() == null; i++) await new Promise((r) => setTimeout(r, 20));
      return { inserted: window.mnemoComposerAt, painted: paint() };
    });
    inserted.push(times.inserted);
    painted.push(times.painted);
    rendered = await page.locator('.messages > li').count();
  }
  const ms = (xs) => `${median(xs).toFixed(0)} ms`;
  return { text: `in the page ${ms(inserted)}, first paint ${ms(painted)}, answers ${ms(answered)}`, rendered };
}

/** Records when the composer enters the page, from the start of every navigation. */
const WATCH_COMPOSER = () => {
  new MutationObserver((_, observer) => {
    if (document.querySelector('textarea')) {
      window.mnemoComposerAt = performance.now();
      observer.disconnect();
    }
  }).observe(document, { childList: true, subtree: true });
};

export function benchHistory(servers) {
  return withConfiguredApp(servers, async ({ page, chat }) => {
    await page.addInitScript(WATCH_COMPOSER);
    const empty = await timeToComposer(page, chat, servers.appUrl);
    const chars = await seed(page);
    const full = await timeToComposer(page, chat, servers.appUrl);
    return [
      ['start-up, nothing stored: composer after navigation (median of 5)', empty.text],
      [
        `start-up, ${CONVERSATIONS} conversations (${(chars / 1e6).toFixed(1)} M chars), ${OPEN_MESSAGES} messages open: composer (median of 5)`,
        `${full.text} (${full.rendered} messages rendered)`,
      ],
    ];
  });
}
