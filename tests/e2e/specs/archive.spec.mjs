// Owns the archive spec: conversations live in IndexedDB (database "mnemo", store
// "conversations", one record per conversation holding its stored text), while
// localStorage keeps the settings, the key, the draft, the list and a copy of the open
// conversation. Conversations an older Mnemo left in localStorage (schema 1, and schema 2
// with edited questions) move in at start, each checked before its key is removed, and a
// move cut short goes on at the next start; a large import lands in IndexedDB; a full
// IndexedDB, a missing or blocked one, another tab's upgrade and a reload in the middle of
// a reply lose nothing and leave the chat working.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServers, chatRequests } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage, NAV, STORAGE, UI } from '../fixtures/chat_page.mjs';
import { bodyWord, comparable, exportFile, legacyStorage, originalWord, prose, titleWord } from '../fixtures/archive_fixtures.mjs';

let servers;

before(async () => {
  servers = await startServers();
});
after(async () => {
  await servers?.close();
});

/** The first words of each notice the archive shows. */
const NOTICE = Object.freeze({
  unavailable: /^Your conversations are saved in this browser['’]s localStorage only/,
  upgraded: /^Mnemo['’]s storage was upgraded in another tab/,
  blocked: /^Another Mnemo tab is using an older version of the storage/,
  full: /^Storage is full/,
  importFull: /^Nothing was imported: storage is full/,
  usage: /^Mnemo uses (\d+)% of the storage this browser allows/,
});

/** A fresh browser profile for one test (the app not opened yet), closed when the test ends. */
async function freshBrowser(t, { timeout = 30_000 } = {}) {
  servers.mock.reset();
  const browser = await launchBrowser({ timeout });
  t.after(() => browser.close());
  return { browser, chat: new ChatPage(browser.page, servers) };
}

/**
 * A fresh profile with the app open, its archive ready, and set up for the mock; with
 * `quota`, the site may store only that many bytes (set before the page first uses it).
 */
async function readyChat(t, { quota, ...options } = {}) {
  const fresh = await freshBrowser(t, options);
  if (quota) await limitQuota(t, fresh.browser.page, quota);
  await fresh.chat.goto();
  await fresh.chat.waitForArchive('ready');
  await fresh.chat.configureForMock({ remember: true });
  return fresh;
}

/** The URL of a page of the app's origin that is not the app. */
const otherPageUrl = () => new URL('manifest.webmanifest', servers.appUrl).href;

/** Only uncaught exceptions and crashes count: a test that breaks the storage on purpose may log errors. */
function assertNoUncaught(browser) {
  const found = browser.errors.filter((e) => e.kind !== 'console');
  assert.deepEqual(found.map((e) => e.text), [], 'no uncaught exception or crash in the page');
}

/** Send `text` and expect the mock's reply, complete; returns the mock's request. */
async function expectUsable(chat, text) {
  const before = chatRequests(servers.mock).length;
  const reply = await chat.sendAndWait(text);
  const requests = chatRequests(servers.mock);
  assert.equal(requests.length, before + 1, 'one request was sent');
  assert.equal(reply.status, 'complete');
  assert.equal(reply.text, requests.at(-1).reply.trim(), 'the reply is shown');
  return requests.at(-1);
}

/** Wait until the sidebar lists exactly `titles` (in any order). */
async function expectListed(chat, titles, message = 'the sidebar') {
  const want = JSON.stringify([...titles].sort());
  try {
    await chat.waitUntil(async () => JSON.stringify((await chat.conversationTitles()).sort()) === want, { timeout: 15_000, message });
  } catch {
    assert.deepEqual((await chat.conversationTitles()).sort(), [...titles].sort(), message);
  }
}

/** Wait until the transcript shows exactly `texts`; returns the messages. */
async function expectShown(chat, texts, message = 'the transcript') {
  const want = JSON.stringify(texts.map((t) => t.trim()));
  try {
    return await chat.waitUntil(
      async () => {
        const all = await chat.messages();
        return JSON.stringify(all.map((m) => m.text)) === want ? all : null;
      },
      { timeout: 10_000, message },
    );
  } catch {
    const all = await chat.messages();
    assert.deepEqual(all.map((m) => m.text), texts.map((t) => t.trim()), message);
    return all;
  }
}

/** The stored data of one record text, checked to be an envelope Mnemo reads. */
function decodeRecord(id, text) {
  assert.equal(typeof text, 'string', `the record of ${id} is a string`);
  const envelope = JSON.parse(text);
  assert.ok(envelope.v === 1 || envelope.v === 2, `the record of ${id} is schema 1 or 2 (it is ${envelope.v})`);
  assert.equal(envelope.data.id, id, `the record under ${id} is that conversation`);
  return envelope.data;
}

/** Whether stored conversation `data` holds exactly the messages (every version) of fixture conversation `c`. */
function sameConversation(data, c, { withParent }) {
  const all = (x) => ({
    title: x.title,
    messages: x.messages.map((m) => comparable(m, { withParent })),
    branches: (x.branches ?? []).map((m) => comparable(m, { withParent })),
  });
  assert.deepEqual(all(data), all(c), `conversation ${c.id} is stored as it was`);
}

/**
 * IndexedDB holds every conversation of `fixture` but those in `except` (checked too when
 * they are there) with the same title and messages. Returns the records.
 */
async function expectArchived(chat, fixture, { except = [], withParent = false } = {}) {
  const records = await chat.archiveRecords();
  const missing = fixture.conversations.filter((c) => !except.includes(c.id) && !(c.id in records)).map((c) => c.id);
  assert.deepEqual(missing, [], 'every conversation is in IndexedDB');
  for (const c of fixture.conversations) {
    if (c.id in records) sameConversation(decodeRecord(c.id, records[c.id]), c, { withParent });
  }
  return records;
}

/** The open conversation's copy in localStorage (`mnemo.conv.<id>`), decoded; null without one. */
function localCopy(chat, id) {
  return chat.storedData(`${STORAGE.conversationPrefix}${id}`);
}

/** Wait until localStorage holds no conversation but `ids`. */
async function expectLocalOnly(chat, ids, message) {
  const want = JSON.stringify([...ids].sort());
  try {
    await chat.waitUntil(async () => JSON.stringify(await chat.localConversationIds()) === want, { timeout: 10_000, message });
  } catch {
    assert.deepEqual(await chat.localConversationIds(), [...ids].sort(), message);
  }
}

/** Wait until localStorage's conversation keys stop changing for `quiet` ms; returns the ids. */
async function localIdsSettled(chat, { quiet = 1_500, timeout = 60_000 } = {}) {
  let last = JSON.stringify(await chat.localConversationIds());
  let since = Date.now();
  const end = Date.now() + timeout;
  while (Date.now() - since < quiet) {
    if (Date.now() > end) throw new Error('localStorage kept changing');
    await sleep(200);
    const now = JSON.stringify(await chat.localConversationIds());
    if (now !== last) {
      last = now;
      since = Date.now();
    }
  }
  return JSON.parse(last);
}

/** What the quota tests let the site store: the service worker's cache (some 2.4 MB) and a few MB more. */
const QUOTA = 6 * 1024 * 1024;

/**
 * Limit what the app's origin may store to `bytes`, before the app starts: Chromium keeps
 * the quota it saw when the origin's IndexedDB is first written, and counts what it stores
 * (compressed). Lifted when the test ends.
 */
async function limitQuota(t, page, bytes) {
  const origin = new URL(servers.appUrl).origin;
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', { origin, quotaSize: bytes });
  t.after(() => cdp.send('Storage.overrideQuotaForOrigin', { origin }).catch(() => {}));
  return cdp;
}

/** Fill what is left of the quota with junk in a database of its own; returns how many values went in. */
function fillQuota(page) {
  return page.evaluate(async () => {
    const junk = (n) => {
      let s = '';
      while (s.length < n) s += Math.random().toString(36).slice(2);
      return s.slice(0, n);
    };
    const db = await new Promise((resolve, reject) => {
      const request = indexedDB.open('archive-test-junk');
      request.onupgradeneeded = () => request.result.createObjectStore('junk');
      request.onsuccess = () => resolve(request.result);
      request.onerror = () => reject(request.error);
    });
    const put = (key, value) =>
      new Promise((resolve) => {
        const t = db.transaction('junk', 'readwrite');
        t.objectStore('junk').put(value, key);
        t.oncomplete = () => resolve(true);
        t.onabort = () => resolve(false);
      });
    let n = 0;
    for (const size of [1 << 18, 1 << 14, 1 << 10]) while (await put(n, junk(size))) n++;
    db.close();
    return n;
  });
}

/** Remove what fillQuota() wrote. */
function dropJunk(page) {
  return page.evaluate(
    () =>
      new Promise((resolve, reject) => {
        const request = indexedDB.deleteDatabase('archive-test-junk');
        request.onsuccess = () => resolve();
        request.onerror = () => reject(request.error);
      }),
  );
}

/** Search for `needle`: the sidebar lists exactly the conversations of `fixture` that hold it. */
async function expectFound(chat, fixture, needle) {
  const titles = fixture.matching(needle);
  assert.equal(titles.length, 1, `"${needle}" is in one conversation of the fixture`);
  await chat.search(needle);
  await expectListed(chat, titles, `the conversations holding "${needle}"`);
  return titles[0];
}

/**
 * Two conversations, `first` then `second` (open), each with one exchange; resolves to the
 * first one's id once it is kept in IndexedDB only.
 */
async function firstArchivedOnly(chat, first, second) {
  await expectUsable(chat, first);
  const id = (await chat.storedIndex()).current;
  await chat.newChat();
  await expectUsable(chat, second);
  await chat.waitUntil(async () => !(await chat.localConversationIds()).includes(id), {
    timeout: 10_000,
    message: 'the first conversation to be kept in IndexedDB only',
  });
  return id;
}

describe('the archive', { timeout: 600_000 }, () => {
  it('moves 300 conversations stored by version 1 into IndexedDB; they are listed, found and opened', async (t) => {
    const fixture = legacyStorage({ count: 300, schema: 1, current: 150 });
    const { browser, chat } = await freshBrowser(t, { timeout: 60_000 });
    await chat.seedStorage(fixture.entries);
    await chat.goto();
    await chat.waitForArchive('ready', { timeout: 120_000 });
    // The settings dialog of a first visit closes; the conversations are there meanwhile.
    await chat.configureForMock({ remember: true });

    const records = await expectArchived(chat, fixture, { except: [fixture.current] });
    assert.ok(Object.keys(records).length >= 299, `${Object.keys(records).length} records`);
    assert.deepEqual(await chat.localConversationIds(), [fixture.current], 'only the open conversation is left in localStorage');
    const open = fixture.byId.get(fixture.current);
    sameConversation(await localCopy(chat, fixture.current), open, { withParent: false });
    assert.equal((await chat.storedIndex()).current, fixture.current, 'the same conversation is open');
    await expectShown(chat, open.messages.map((m) => m.content), 'the open conversation');
    const index = await chat.storedIndex();
    assert.deepEqual(
      index.conversations.map((e) => e.id).sort(),
      fixture.conversations.map((c) => c.id).sort(),
      'the list names all 300',
    );
    assert.deepEqual(
      (await chat.conversationTitles()).slice(0, 10),
      fixture.conversations.slice(0, 10).map((c) => c.title),
      'the sidebar lists them newest first',
    );
    assert.equal(await chat.noticeBanner.count(), 0, 'nothing to report');

    // By title, then by a word in a reply (of conversations far down the list).
    await expectFound(chat, fixture, titleWord(17));
    const title = await expectFound(chat, fixture, bodyWord(42));
    const [row] = await chat.conversationList();
    assert.deepEqual(row.marks, [bodyWord(42)], 'the word is marked in the excerpt');
    assert.ok(row.excerpt?.includes(bodyWord(42)), `the excerpt shows the word: ${row.excerpt}`);

    const picked = fixture.conversations.find((c) => c.title === title);
    await chat.openConversation(title);
    await expectShown(chat, picked.messages.map((m) => m.content), 'the conversation opened from the results');
    assert.equal(await chat.page.locator('h1').innerText(), title);
    await chat.search('');
    assert.equal((await chat.storedIndex()).current, picked.id, 'the choice is stored');
    // The conversation open before leaves localStorage, and is kept in IndexedDB as it was.
    await chat.waitUntil(async () => !(await chat.localConversationIds()).includes(fixture.current), {
      timeout: 10_000,
      message: 'the copy of the conversation open before to go',
    });
    sameConversation(decodeRecord(fixture.current, (await chat.archiveRecords())[fixture.current]), open, { withParent: false });
    const copies = await chat.localConversationIds();
    assert.ok(copies.every((id) => id === picked.id), `no other conversation is in localStorage: ${copies.join(', ')}`);

    await chat.reload();
    await expectShown(chat, picked.messages.map((m) => m.content), 'the open conversation after a reload');
    await chat.waitForArchive('ready');
    await expectArchived(chat, fixture);
    browser.assertNoErrors();
    // Last, as the contract's detail: the open conversation has its copy in localStorage
    // (so that a reload paints it before IndexedDB answers).
    await expectLocalOnly(chat, [picked.id], 'localStorage holds a copy of the open conversation, and only of it');
  });

  it('moves conversations stored by schema 2 with their other versions; an edited-away question is found and shown', async (t) => {
    const fixture = legacyStorage({ count: 20, schema: 2, current: 5, edited: true });
    const { browser, chat } = await freshBrowser(t);
    await chat.seedStorage(fixture.entries);
    await chat.goto();
    await chat.waitForArchive('ready', { timeout: 60_000 });
    await chat.configureForMock({ remember: true });

    const records = await expectArchived(chat, fixture, { except: [fixture.current], withParent: true });
    for (const [id, text] of Object.entries(records)) {
      const data = decodeRecord(id, text);
      assert.equal(data.branches?.length, 2, `${id} keeps its original question and reply`);
    }
    assert.deepEqual(await chat.localConversationIds(), [fixture.current], 'only the open conversation is left in localStorage');

    const i = 12;
    const title = await expectFound(chat, fixture, originalWord(i));
    const c = fixture.conversations.find((x) => x.title === title);
    await chat.openConversation(title);
    await chat.search('');
    await expectShown(chat, c.messages.map((m) => m.content), 'the edited version is shown');
    const question = chat.items.nth(2);
    assert.equal((await question.locator('.version-number').innerText()).trim(), '2 / 2');
    await question.getByRole('button', { name: 'Previous version', exact: true }).click();
    await expectShown(
      chat,
      [...c.messages.slice(0, 2), ...c.branches].map((m) => m.content),
      'the original question and its reply, kept from localStorage through IndexedDB',
    );
    // Both versions are still stored, in the open conversation's record and its copy.
    const texts = [...c.messages, ...c.branches].map((m) => m.content).sort();
    const every = (data) => (data ? [...data.messages, ...(data.branches ?? [])].map((m) => m.content).sort() : []);
    await chat.waitUntil(
      async () => JSON.stringify(every((await chat.archiveRecord(c.id))?.data)) === JSON.stringify(texts),
      { timeout: 10_000, message: 'both versions in the record' },
    );
    browser.assertNoErrors();
    // Last, as the contract's detail: showing another version changed the open
    // conversation, whose copy is then in localStorage.
    await chat
      .waitUntil(async () => JSON.stringify(every(await localCopy(chat, c.id))) === JSON.stringify(texts), {
        timeout: 10_000,
        message: 'both versions in the open conversation\'s copy in localStorage',
      })
      .catch(async (e) => {
        assert.deepEqual(every(await localCopy(chat, c.id)), texts, 'both versions in the open conversation\'s copy in localStorage');
        throw e;
      });
  });

  it('a search shows matches in messages as each record is read, from the top of the list down', async (t) => {
    // Every question says "Question 1 of conversation …"; no title holds the word.
    const fixture = legacyStorage({ count: 40, schema: 2, current: 0 });
    const { browser, chat } = await freshBrowser(t);
    await chat.seedStorage(fixture.entries);
    await chat.goto();
    await chat.waitForArchive('ready', { timeout: 60_000 });
    await chat.configureForMock({ remember: true });
    const expected = fixture.matching('question');
    assert.equal(expected.length, 40);
    // Every change to the rows with a marked excerpt, as the page shows them.
    await chat.page.evaluate((css) => {
      const steps = [];
      window.searchSteps = steps;
      const shown = () =>
        [...document.querySelectorAll(css.row)]
          .filter((li) => li.querySelector(`${css.excerpt} mark`))
          .map((li) => li.querySelector(css.open).title);
      new MutationObserver(() => {
        const titles = shown();
        if (titles.length !== (steps.at(-1)?.length ?? 0)) steps.push(titles);
      }).observe(document.querySelector('.conversation-list'), { childList: true, subtree: true });
    }, { row: NAV.rowCss, excerpt: NAV.rowExcerptCss, open: NAV.rowOpenCss });
    await chat.search('question');
    await expectListed(chat, expected, 'every conversation, by a word in its questions');
    const steps = await chat.page.evaluate(() => window.searchSteps);
    assert.deepEqual(steps.at(-1), expected, 'in the list\'s order, newest first');
    // The open conversation is matched at once; the others as their records are read.
    const open = fixture.byId.get(fixture.current).title;
    assert.deepEqual(steps[0], [open], 'the open conversation first');
    assert.ok(steps.length > 3, `the matches arrive as they are found, not all at the end: ${steps.map((s) => s.length).join(', ')}`);
    for (const step of steps) {
      const others = step.filter((title) => title !== open);
      assert.deepEqual(others, expected.filter((title) => title !== open).slice(0, others.length), 'the top of the list fills first');
    }
    browser.assertNoErrors();
  });

  it('a move cut short keeps every conversation, and the next start finishes it', async (t) => {
    const fixture = legacyStorage({ count: 40, schema: 1, current: 0 });
    const ALLOWED = 12;
    const { browser, chat } = await freshBrowser(t);
    // Until the test says otherwise (in this tab's sessionStorage), every write after the
    // first ALLOWED to IndexedDB fails.
    await browser.page.addInitScript(() => {
      const allowed = sessionStorage.getItem('archive-test.puts-allowed');
      if (allowed === null) return;
      let done = 0;
      const put = IDBObjectStore.prototype.put;
      IDBObjectStore.prototype.put = function (...args) {
        if (done >= Number(allowed)) throw new DOMException('The write failed: the test cuts the move short here.', 'UnknownError');
        done += 1;
        return put.apply(this, args);
      };
    });
    await chat.seedStorage(fixture.entries);
    await browser.page.evaluate((n) => sessionStorage.setItem('archive-test.puts-allowed', String(n)), ALLOWED);
    await chat.goto();
    await chat.waitForArchive(['ready', 'unavailable', 'closed'], { timeout: 60_000 });
    const left = await localIdsSettled(chat);

    assert.ok(left.includes(fixture.current), 'the open conversation keeps its copy');
    const moved = fixture.conversations.filter((c) => !left.includes(c.id));
    assert.ok(moved.length <= ALLOWED, `at most ${ALLOWED} conversations moved (${moved.length})`);
    assert.ok(left.length > 1, `conversations that could not be written stay in localStorage (${left.length})`);
    const records = await chat.archiveRecords();
    const stored = await chat.storage();
    for (const c of fixture.conversations) {
      const key = `${STORAGE.conversationPrefix}${c.id}`;
      if (left.includes(c.id)) {
        sameConversation(JSON.parse(stored[key]).data, c, { withParent: false });
      } else {
        assert.ok(c.id in records, `${c.id} left localStorage only once it was in IndexedDB`);
        sameConversation(decodeRecord(c.id, records[c.id]), c, { withParent: false });
      }
    }
    assert.equal((await chat.storedIndex()).conversations.length, 40, 'the list still names all 40');

    await browser.page.evaluate(() => sessionStorage.removeItem('archive-test.puts-allowed'));
    await chat.reload();
    await chat.waitForArchive('ready', { timeout: 60_000 });
    await expectLocalOnly(chat, [fixture.current], 'the next start moves the rest');
    await expectArchived(chat, fixture, { except: [fixture.current] });
    assert.equal((await chat.storedIndex()).conversations.length, 40);
    assertNoUncaught(browser);
  });

  it('imports 1,000 conversations of 20 long messages into IndexedDB and lists them all', async (t) => {
    const COUNT = 1_000;
    const MESSAGES = 20;
    const CHARS = 640;
    const { browser, chat } = await readyChat(t, { timeout: 120_000 });
    const text = exportFile({ count: COUNT, messages: MESSAGES, chars: CHARS });
    assert.ok(Buffer.byteLength(text) > 13e6, `the file is over 13 MB (${(Buffer.byteLength(text) / 1e6).toFixed(1)} MB)`);

    await chat.importFile(text, 'thousand.json');
    const line = await chat.waitForNotice(/^(Imported|Nothing was imported)/, { timeout: 300_000 });
    assert.match(line, /^Imported 1,?000 conversation\(s\)\.$/);
    const index = await chat.waitUntil(
      async () => {
        const i = await chat.storedIndex();
        return i?.conversations.length === COUNT ? i : null;
      },
      { timeout: 30_000, message: 'the list to name all 1,000' },
    );
    const ids = Array.from({ length: COUNT }, (_, c) => `imp${c}`);
    assert.deepEqual(index.conversations.map((e) => e.id).sort(), [...ids].sort());

    const records = await chat.archiveRecords({ summary: true });
    const wrong = [];
    ids.forEach((id, c) => {
      const r = records[id];
      if (!r) return wrong.push(`${id}: missing`);
      if (r.title !== `Imported ${c}`) wrong.push(`${id}: title ${r.title}`);
      if (r.messages.length !== MESSAGES) return wrong.push(`${id}: ${r.messages.length} messages`);
      r.messages.forEach((m, k) => {
        if (!m.head.startsWith(`${c}/${k} `) || m.chars !== CHARS) wrong.push(`${id} message ${k}: ${m.chars} chars, "${m.head}"`);
      });
    });
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} records differ from the file`);
    const local = await chat.localConversationIds();
    assert.ok(local.every((id) => id === index.current), `localStorage holds only the open conversation's copy: ${local.join(', ')}`);

    // The sidebar: the first page of rows, and the rest on demand.
    assert.equal(await chat.conversationRows.count(), 50);
    await chat.button(`Show more (${COUNT - 50} more)`).waitFor();
    const open = Number(index.current.slice(3));
    await chat.waitUntil(async () => (await chat.lastMessage())?.text.startsWith(`${open}/${MESSAGES - 1} `), {
      timeout: 20_000,
      message: 'the open conversation\'s last message',
    });
    // Another one opens from IndexedDB.
    const other = index.conversations.find((e) => e.id !== index.current);
    await chat.openConversation(other.title);
    const n = Number(other.id.slice(3));
    await chat.waitUntil(async () => (await chat.lastMessage())?.text.startsWith(`${n}/${MESSAGES - 1} `), {
      timeout: 20_000,
      message: `the last message of ${other.title}`,
    });
    browser.assertNoErrors();
  });

  it('an import that does not fit in IndexedDB stores nothing and says so; the chat goes on', async (t) => {
    const { browser, chat } = await readyChat(t, { timeout: 60_000, quota: QUOTA });
    const first = await expectUsable(chat, 'A conversation from before the import.');
    await chat.waitUntil(async () => (await chat.archiveIds()).length === 1, { timeout: 10_000, message: 'the conversation in IndexedDB' });

    const before = await chat.storage();
    const archived = await chat.archiveIds();
    const text = exportFile({ count: 100, messages: 20, chars: 10_000, idPrefix: 'big' });
    assert.ok(Buffer.byteLength(text) > 20e6, 'the file is over 20 MB, some 7 MB once compressed');
    await chat.importFile(text, 'too-big.json');
    const line = await chat.waitForNotice(/^(Imported|Nothing was imported)/, { timeout: 120_000 });
    assert.match(line, NOTICE.importFull);
    await chat
      .waitUntil(async () => JSON.stringify(await chat.archiveIds()) === JSON.stringify(archived), {
        timeout: 10_000,
        message: 'IndexedDB to hold only what it held before',
      })
      .catch(async (e) => {
        assert.deepEqual(await chat.archiveIds(), archived, 'nothing imported is left in IndexedDB');
        throw e;
      });
    assert.deepEqual(await chat.storage(), before, 'localStorage is unchanged');
    assert.deepEqual(await chat.conversationTitles(), ['A conversation from before the import.']);
    await chat.button(UI.buttons.dismiss).click();

    const request = await expectUsable(chat, 'Does the chat still work?');
    const copy = await localCopy(chat, (await chat.storedIndex()).current);
    assert.deepEqual(
      copy?.messages.map((m) => m.content),
      ['A conversation from before the import.', first.reply, 'Does the chat still work?', request.reply],
      'the new messages are saved',
    );
    assertNoUncaught(browser);
  });

  it('a write that does not fit in IndexedDB says storage is full; the copy keeps it, and it is stored once there is room', async (t) => {
    const { browser, chat } = await readyChat(t, { quota: QUOTA });
    const page = browser.page;
    const first = await expectUsable(chat, 'Before the storage filled up.');
    const id = (await chat.storedIndex()).current;
    await chat.waitUntil(async () => (await chat.archiveRecord(id))?.data.messages.length === 2, {
      timeout: 10_000,
      message: 'the conversation in IndexedDB',
    });
    const junk = await fillQuota(page);
    assert.ok(junk > 0, 'junk filled the rest of the quota');

    // Varied text: Chromium stores values compressed.
    const long = `While it is full: ${prose(99, 20_000)}`;
    const second = await expectUsable(chat, long);
    const line = await chat.waitForNotice(NOTICE.full, { timeout: 10_000 });
    assert.match(line, NOTICE.full);
    const expected = ['Before the storage filled up.', first.reply, long, second.reply];
    assert.deepEqual((await localCopy(chat, id))?.messages.map((m) => m.content), expected, 'the copy in localStorage holds it');

    await dropJunk(page);
    const third = await expectUsable(chat, 'And now there is room again.');
    expected.push('And now there is room again.', third.reply);
    await chat.waitUntil(
      async () => JSON.stringify((await chat.archiveRecord(id))?.data.messages.map((m) => m.content)) === JSON.stringify(expected),
      { timeout: 10_000, message: 'every message in IndexedDB once there is room' },
    );
    assertNoUncaught(browser);
  });

  const UNAVAILABLE = [
    {
      name: 'missing',
      script: () => Object.defineProperty(window, 'indexedDB', { configurable: true, get: () => undefined }),
      reason: null,
    },
    {
      name: 'refusing to open',
      script: () => {
        IDBFactory.prototype.open = function () {
          throw new DOMException('The user denied permission to access the database.', 'SecurityError');
        };
      },
      reason: /SecurityError|denied permission/,
    },
  ];
  for (const variant of UNAVAILABLE) {
    it(`with IndexedDB ${variant.name}, says so and keeps every conversation in localStorage`, async (t) => {
      const { browser, chat } = await freshBrowser(t);
      await browser.page.addInitScript(variant.script);
      await chat.goto();
      await chat.waitForArchive('unavailable');
      const line = await chat.waitForNotice(NOTICE.unavailable);
      if (variant.reason) assert.match(line, variant.reason, 'the notice says why');
      else assert.ok(line.length > 'Your conversations are saved in this browser\'s localStorage only'.length + 5, line);

      await chat.configureForMock({ remember: true });
      const first = await expectUsable(chat, 'First conversation without IndexedDB.');
      await chat.newChat();
      await chat.settle();
      const second = await expectUsable(chat, 'Second conversation without IndexedDB.');
      const index = await chat.storedIndex();
      assert.equal(index.conversations.length, 2);
      assert.deepEqual(await chat.localConversationIds(), index.conversations.map((e) => e.id).sort(), 'both are in localStorage');

      await chat.reload();
      await chat.waitForArchive('unavailable');
      await expectShown(chat, ['Second conversation without IndexedDB.', second.reply], 'the open conversation after a reload');
      await expectListed(chat, ['First conversation without IndexedDB.', 'Second conversation without IndexedDB.']);
      await chat.openConversation('First conversation without IndexedDB.');
      await expectShown(chat, ['First conversation without IndexedDB.', first.reply], 'the other conversation');
      await chat.waitForNotice(NOTICE.unavailable);
      assertNoUncaught(browser);
    });
  }

  it('another tab upgrading the database is let through; this tab says so and goes on saving in localStorage', async (t) => {
    const { browser, chat } = await readyChat(t);
    const first = await expectUsable(chat, 'Written before the upgrade.');
    const id = (await chat.storedIndex()).current;
    const { version } = await chat.archiveDatabase();

    const other = await browser.context.newPage();
    await other.goto(otherPageUrl());
    const upgrade = await other.evaluate(
      (version) =>
        new Promise((resolve) => {
          let blocked = false;
          const request = indexedDB.open('mnemo', version + 1);
          request.onblocked = () => {
            blocked = true;
          };
          request.onsuccess = () => {
            window.upgraded = request.result;
            resolve({ blocked, version: request.result.version, stores: [...request.result.objectStoreNames] });
          };
          request.onerror = () => resolve({ blocked, error: request.error?.name });
          setTimeout(() => resolve({ blocked, error: 'still waiting after 10 s' }), 10_000);
        }),
      version,
    );
    assert.deepEqual(upgrade, { blocked: false, version: version + 1, stores: ['conversations'] }, 'the upgrade went through at once');

    await chat.waitForArchive('closed');
    await chat.waitForNotice(NOTICE.upgraded);
    const second = await expectUsable(chat, 'Written after the upgrade.');
    const expected = ['Written before the upgrade.', first.reply, 'Written after the upgrade.', second.reply];
    assert.deepEqual((await localCopy(chat, id))?.messages.map((m) => m.content), expected, 'saved in localStorage');

    await other.evaluate(() => window.upgraded.close());
    await other.close();
    await chat.reload();
    await chat.waitForArchive('ready');
    await expectShown(chat, expected.map((x) => x), 'everything is there after a reload');
    assertNoUncaught(browser);
  });

  it('a tab holding an older version open blocks the upgrade; the app says so and saves in localStorage', async (t) => {
    const { browser } = await freshBrowser(t);
    // A page that is not Mnemo makes the database without the store and keeps it open,
    // ignoring requests to let go.
    await browser.page.goto(otherPageUrl());
    const held = await browser.page.evaluate(
      () =>
        new Promise((resolve, reject) => {
          const request = indexedDB.open('mnemo');
          request.onsuccess = () => {
            const db = request.result;
            db.onversionchange = () => {
              window.asked = (window.asked ?? 0) + 1;
            };
            window.held = db;
            resolve({ version: db.version, stores: [...db.objectStoreNames] });
          };
          request.onerror = () => reject(request.error);
        }),
    );
    assert.deepEqual(held, { version: 1, stores: [] });

    const chat = new ChatPage(await browser.context.newPage(), servers);
    await chat.goto();
    await chat.waitForArchive('unavailable');
    await chat.waitForNotice(NOTICE.blocked);
    assert.ok((await browser.page.evaluate(() => window.asked ?? 0)) >= 1, 'the holding page was asked to let go');

    await chat.configureForMock({ remember: true });
    const first = await expectUsable(chat, 'Saved while the upgrade is blocked.');
    await chat.newChat();
    await chat.settle();
    await expectUsable(chat, 'And a second conversation.');
    const index = await chat.storedIndex();
    assert.equal(index.conversations.length, 2);
    assert.deepEqual(await chat.localConversationIds(), index.conversations.map((e) => e.id).sort(), 'both are in localStorage');
    const firstId = index.conversations.find((e) => e.title === 'Saved while the upgrade is blocked.').id;
    assert.deepEqual(
      (await localCopy(chat, firstId))?.messages.map((m) => m.content),
      ['Saved while the upgrade is blocked.', first.reply],
    );
    assertNoUncaught(browser);
  });

  it('a reload in the middle of a reply keeps the draft and the part of the reply that arrived', async (t) => {
    const { browser, chat } = await readyChat(t);
    const DRAFT = 'A follow-up I was still typing when the page reloaded';
    const words = (text) => text.split(/\s+/).filter(Boolean).length;
    servers.mock.configure({ delayMs: 120, replyWords: 150 });
    await chat.send('Tell me a long story, slowly.');
    await chat.waitForStreamingText((text) => words(text) >= 5);
    await chat.composer.fill(DRAFT);
    await chat.waitUntil(async () => (await chat.storedData(STORAGE.draft)) === DRAFT, { timeout: 5_000, message: 'the draft to be saved' });
    const id = (await chat.storedIndex()).current;
    const partial = await chat.waitUntil(
      async () => {
        const reply = (await localCopy(chat, id))?.messages[1];
        return reply?.content.trim() ? reply.content.trim() : null;
      },
      { timeout: 5_000, message: 'part of the reply to be saved' },
    );
    const request = chatRequests(servers.mock).at(-1);
    assert.ok(partial.length < request.reply.length, 'the reply is still arriving');

    await chat.reload();
    assert.equal(await chat.composerValue(), DRAFT, 'the draft is back in the composer');
    const kept = await chat.lastMessage('assistant');
    assert.equal(kept.status, 'stopped', 'the reply is marked as stopped');
    assert.ok(kept.text.length >= partial.length, `the saved part is kept (${kept.text.length} ≥ ${partial.length} characters)`);
    assert.ok(request.reply.startsWith(kept.text), `"${kept.text}" is the start of the reply`);
    await chat.waitForArchive('ready');
    await sleep(500);
    assert.deepEqual(await chat.lastMessage('assistant'), kept, 'no more text arrives after the reload');
    await chat.waitUntil(() => request.aborted, { timeout: 5_000, message: 'the request to be cancelled' });
    assertNoUncaught(browser);
  });

  it('at start, warns when this site uses 80% of the storage the browser allows', async (t) => {
    const { browser, chat } = await freshBrowser(t);
    await browser.page.addInitScript(() => {
      StorageManager.prototype.estimate = () => Promise.resolve({ usage: 850_000_000, quota: 1_000_000_000 });
    });
    await chat.goto();
    await chat.waitForArchive('ready');
    const line = await chat.waitForNotice(NOTICE.usage);
    assert.equal(NOTICE.usage.exec(line)[1], '85');
    assertNoUncaught(browser);
  });

  it('a record that cannot be read is set aside, never overwritten, and can be exported', async (t) => {
    const { browser, chat } = await readyChat(t);
    const first = 'The first conversation, to be damaged.';
    const id = await firstArchivedOnly(chat, first, 'The second conversation.');
    const bad = '{"v":2,"data":{"id":';
    await chat.page.evaluate(([id, bad]) => window.mnemoArchive.put(id, bad), [id, bad]);

    await chat.openConversation(first, { opens: false });
    const line = await chat.waitForNotice(/^That conversation could not be read/);
    const m = /^That conversation could not be read: it is damaged \(.+\); a copy was kept as "(mnemo\.quarantine\.\d+\.mnemo\.conv\.[^"]+)"\.$/.exec(line);
    assert.ok(m, `the notice names the copy: ${line}`);
    const records = await chat.archiveRecords();
    assert.equal(records[m[1]], bad, 'the copy holds the record as it was');
    assert.equal(records[id], bad, 'the record itself is left as it was');
    assert.equal(await chat.page.locator('h1').innerText(), 'The second conversation.', 'the open conversation stays open');

    const file = await chat.downloadFrom(chat.noticeBanner.getByRole('button', { name: UI.buttons.exportSetAside, exact: true }));
    const setAside = JSON.parse(file.text).set_aside ?? [];
    assert.ok(setAside.some((s) => s.value === bad), `the export holds it as stored: ${JSON.stringify(setAside)}`);
    await expectUsable(chat, 'Still chatting.');
    assertNoUncaught(browser);
  });

  it('a conversation opened before IndexedDB answers opens once it does', async (t) => {
    const { browser, chat } = await readyChat(t);
    const first = 'Kept in IndexedDB only.';
    const id = await firstArchivedOnly(chat, first, 'Open at the reload.');
    const texts = (await chat.storedConversation(id)).messages.map((m) => m.content);
    // The next start: the database answers two seconds late.
    await browser.page.addInitScript(() => {
      const open = IDBFactory.prototype.open;
      IDBFactory.prototype.open = function (...args) {
        const request = open.apply(this, args);
        request.addEventListener('success', () => setTimeout(() => request.onsuccess?.(new Event('success')), 2_000), { once: true });
        request.addEventListener('success', (event) => event.stopImmediatePropagation(), { once: true });
        return request;
      };
    });
    await chat.reload();
    assert.equal(await chat.archiveState(), 'opening');
    await chat.openConversation(first);
    await expectShown(chat, texts, 'the conversation clicked while the database opened');
    assert.equal(await chat.archiveState(), 'ready');
    assertNoUncaught(browser);
  });
});
