// Owns the large-import spec: a large export is split in a worker and checked and stored
// in slices; an invalid conversation anywhere in it changes nothing; an import that does
// not fit in the browser's storage stores nothing and says why; one that fits is listed
// and readable.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { closeSession, openSession } from '../fixtures/session.mjs';

const CONVERSATIONS = 100;
const MESSAGES = 40;
const PARAGRAPH = 'Mnemo keeps every word you send, déjà vu 🙂. '.repeat(50);
/** A sixth of it. */
const SHORT_PARAGRAPH = 'Mnemo keeps every word you send, déjà vu 🙂. '.repeat(8);

/** A Mnemo export of about 10 MB (pretty-printed, as Mnemo writes it). */
function bigExport({ brokenEntry, count = CONVERSATIONS, paragraph = PARAGRAPH, random = false } = {}) {
  const conversations = [];
  for (let c = 0; c < count; c++) {
    const messages = [];
    for (let m = 0; m < MESSAGES; m++) {
      messages.push({
        id: `c${c}m${m}`,
        role: m % 2 ? 'assistant' : 'user',
        // Random text where the size must be real: the browser compresses what it stores.
        content: `${c}/${m} ${random ? randomBytes(paragraph.length * 0.75).toString('base64') : paragraph}`,
        created_at: 1764115200000 + m,
        status: { state: 'complete' },
      });
    }
    conversations.push({ id: `big${c}`, title: `Imported ${c}`, created_at: 1764115200000 + c, updated_at: 1764115200000 + c, messages });
  }
  if (brokenEntry) delete conversations[brokenEntry - 1].messages;
  return JSON.stringify({ format: 'mnemo', v: 1, conversations }, null, 2);
}

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession({ launch: { timeout: 60_000 } }));
  // The browser allows this site 8 MB (set before the page first uses its storage, or the
  // browser keeps the quota it had): 60 short conversations fit, 200 long ones do not.
  const cdp = await chat.page.context().newCDPSession(chat.page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(chat.appUrl).origin, quotaSize: 8 * 1024 * 1024 });
  await chat.goto();
  await chat.configureForMock({ remember: true });
  await chat.sendAndWait('A conversation that was here before');
});
after(() => closeSession({ servers, browser }));

describe('a large import', () => {
  it('with one invalid conversation deep inside is refused, naming it, and changes nothing', async () => {
    const before = await chat.storage();
    const text = bigExport({ brokenEntry: 73 });
    assert.ok(Buffer.byteLength(text) > 10e6, 'the file is over 10 MB');
    await chat.importFile(text, 'broken.json');
    const line = await chat.waitForNotice(/^Nothing was imported: /, { timeout: 60_000 });
    assert.match(line, /conversation 73\b.*messages/);
    assert.deepEqual(await chat.storage(), before, 'localStorage is unchanged');
    await chat.button('Dismiss').click();
  });

  it('that fits is stored whole, says how many, and opens the first', async () => {
    const count = 60;
    const text = bigExport({ count, paragraph: SHORT_PARAGRAPH });
    assert.ok(Buffer.byteLength(text) > 1e6, 'the file is read in the worker');
    await chat.importFile(text, 'fits.json');
    const line = await chat.waitForNotice(/^(Imported|Nothing was imported)/, { timeout: 60_000 });
    assert.equal(line, `Imported ${count} conversation(s).`);
    const index = await chat.storedIndex();
    const titles = index.conversations.map((c) => c.title);
    for (let c = 0; c < count; c++) assert.ok(titles.includes(`Imported ${c}`), `conversation ${c} is listed`);
    assert.ok(titles.includes('A conversation that was here before'), 'what was there is kept');
    const open = await chat.storedConversation();
    assert.equal(open.title, 'Imported 0');
    assert.equal(open.messages.length, MESSAGES);
    // The newest messages are on screen; earlier ones come as the reader scrolls up.
    const last = `0/${MESSAGES - 1} ${SHORT_PARAGRAPH}`.trim();
    const shown = await chat.waitUntil(async () => {
      const all = await chat.messages();
      return all.at(-1)?.text === last ? all : null;
    }, { timeout: 10_000, message: `the newest imported message on screen: ${JSON.stringify((await chat.messages()).slice(-2).map((m) => [m.role, m.text.slice(0, 40)]))}` });
    assert.ok(shown.length < MESSAGES, `only the newest slice is rendered (${shown.length})`);
    await chat.button(`Show earlier messages (${MESSAGES - shown.length} more)`).click();
    await chat.waitUntil(async () => (await chat.messages()).length === MESSAGES, { timeout: 10_000, message: 'every message after Show earlier' });
    // The sidebar lists the first 50 conversations, and the rest on demand.
    const listed = index.conversations.length;
    assert.ok(listed > 50, `more conversations than one page of the sidebar (${listed})`);
    assert.equal(await chat.conversationRows.count(), 50);
    await chat.button(`Show more (${listed - 50} more)`).click();
    await chat.waitUntil(async () => (await chat.conversationRows.count()) === listed, { timeout: 5_000, message: 'every conversation listed' });
    browser.assertNoErrors();
  });

  it('that does not fit in the browser\'s storage stores nothing and says why', async () => {
    await chat.archiveReady();
    if (await chat.noticeBanner.isVisible()) await chat.button('Dismiss').click();
    const before = await chat.storage();
    const archivedBefore = await chat.archived();
    const titlesBefore = await chat.conversationTitles();
    await chat.importFile(bigExport({ random: true, count: 200 }), 'big.json');
    const line = await chat.waitForNotice(/^(Imported|Nothing was imported)/, { timeout: 60_000 });
    assert.match(
      line,
      /^Nothing was imported: storage is full \(\d+\.\d MB of \d+\.\d MB in use\)\. Free space by exporting and deleting conversations, then try again\.$/,
    );
    assert.deepEqual(await chat.storage(), before, 'localStorage is unchanged: nothing is left behind');
    await chat.waitUntil(
      async () => JSON.stringify(Object.keys(await chat.archived()).sort()) === JSON.stringify(Object.keys(archivedBefore).sort()),
      { timeout: 10_000, message: 'the archive holds what it held before, and nothing else' },
    );
    assert.deepEqual(await chat.conversationTitles(), titlesBefore);
    await chat.button('Dismiss').click();
  });
});
