// Owns the storage-trust spec: the remembered API key is never copied or exported; every
// export (the storage-full backup, the set-aside values) is a file Import takes back; a
// conversation deleted in one tab stays deleted; an import that does not fit stores
// nothing; conversations missing from the list are found again; deleting the only
// conversation, renaming an empty one and undoing a message's deletion all hold; a second
// deletion gets its full Undo period, and Copy says when the clipboard refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { startServers } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage, NAV, STORAGE, UI } from '../fixtures/chat_page.mjs';

let servers;

before(async () => {
  servers = await startServers();
});
after(async () => {
  await servers?.close();
});

/** The API key used throughout: any stored or exported text holding it is a leak. */
const SECRET = 'sk-trust-4f9b2c7e-never-copied';
const FIRST = 'Please remember that I like green tea.';
const CORRUPT = '{"v":1,"data":{"broken"';

/** A fresh browser profile for one test, closed when the test ends. */
async function freshChat(t, { withoutIndexedDB = false, quota } = {}) {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  if (quota) {
    // Set before the page first uses its storage: the browser keeps the quota it had.
    const cdp = await browser.page.context().newCDPSession(browser.page);
    await cdp.send('Storage.overrideQuotaForOrigin', { origin: new URL(servers.appUrl).origin, quotaSize: quota });
  }
  // As where IndexedDB is disabled: conversations are kept in localStorage, with its limit.
  if (withoutIndexedDB) await browser.page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
  const chat = new ChatPage(browser.page, servers);
  await chat.goto();
  return { browser, chat };
}

/** A fresh chat set up for the mock with SECRET remembered and one exchange stored. */
async function chatWithHistory(t, options) {
  servers.mock.reset();
  const fresh = await freshChat(t, options);
  await fresh.chat.configureForMock({ apiKey: SECRET, remember: true });
  const reply = await fresh.chat.sendAndWait(FIRST);
  assert.equal(reply.status, 'complete');
  return fresh;
}

/** A button of the notice banner. */
const bannerButton = (chat, name) => chat.noticeBanner.getByRole('button', { name, exact: true });

/** Keys that are, or are a copy of, the remembered key. */
const keyTraces = async (chat) =>
  Object.keys(await chat.storage()).filter((k) => k === STORAGE.key || k.endsWith(`.${STORAGE.key}`));


/** A stored conversation envelope with one user message. */
function storedConversation(id, title, text) {
  const at = 1764115200000;
  return JSON.stringify({
    v: 1,
    data: {
      id,
      title,
      created_at: at,
      updated_at: at,
      messages: [{ id: `${id}-m1`, role: 'user', content: text, created_at: at, status: { state: 'complete' } }],
    },
  });
}

describe('the API key', { timeout: 120_000 }, () => {
  it('written by a newer Mnemo is removed, never copied or exported, and asked for again', async (t) => {
    const { chat, browser } = await chatWithHistory(t);
    await chat.setStorage({ [STORAGE.key]: JSON.stringify({ v: 99, data: SECRET }) });
    await chat.reload();
    const line = await chat.waitForNotice(/^Your saved API key could not be read/);
    assert.match(line, /paste your API key again in Settings\.$/);
    assert.deepEqual(await chat.storedWith(SECRET), [], 'no stored key or value holds the API key');
    assert.deepEqual(await keyTraces(chat), [], 'nothing is stored under the key or a copy of it');

    const all = await chat.downloadFrom(bannerButton(chat, UI.buttons.exportAll));
    assert.ok(!all.text.includes(SECRET), 'the banner export does not hold the API key');
    if (await bannerButton(chat, UI.buttons.exportSetAside).count()) {
      const setAside = await chat.downloadFrom(bannerButton(chat, UI.buttons.exportSetAside));
      assert.ok(!setAside.text.includes(SECRET), 'the set-aside export does not hold the API key');
    }
    const sidebar = await chat.exportFile('all');
    assert.ok(!sidebar.text.includes(SECRET), 'Export all (JSON) does not hold the API key');
    browser.assertNoErrors();
  });

  it('leaves no trace in storage once Remember is unticked, even a copy an older build set aside', async (t) => {
    const { chat, browser } = await chatWithHistory(t);
    assert.deepEqual(await keyTraces(chat), [STORAGE.key], 'the key is remembered');
    await chat.setStorage({ [`${STORAGE.quarantinePrefix}1764115200000.${STORAGE.key}`]: JSON.stringify({ v: 99, data: SECRET }) });

    await chat.configure({ remember: false });
    assert.deepEqual(await chat.storedWith(SECRET), [], 'no stored key or value holds the API key');
    assert.deepEqual(await keyTraces(chat), []);
    await chat.reload();
    assert.deepEqual(await chat.storedWith(SECRET), [], 'nor after a reload');
    browser.assertNoErrors();
  });
});

describe('exports', { timeout: 180_000 }, () => {
  it('"Export all conversations" of the storage-full banner is a file Import takes back', async (t) => {
    const { chat, browser } = await chatWithHistory(t, { withoutIndexedDB: true });
    await chat.newChat();
    await chat.sendAndWait('A second conversation.');
    const junk = await chat.fillStorage();
    t.after(() => chat.clearJunk(junk).catch(() => {}));
    await chat.sendAndWait('This one arrives while the storage is full.');
    await chat.waitForNotice(/^Storage is full/);
    const shown = await chat.messages();
    assert.equal(shown.length, 4);

    const file = await chat.downloadFrom(bannerButton(chat, UI.buttons.exportAll));
    assert.ok(!file.text.includes(SECRET), 'the API key is not exported');

    const other = await freshChat(t);
    await other.chat.configureForMock();
    await other.chat.importFile(file.text, file.name);
    assert.equal(await other.chat.waitForNotice(/^Imported /, { timeout: 20_000 }), 'Imported 2 conversation(s).');
    assert.deepEqual(await other.chat.conversationTitles(), ['A second conversation.', FIRST]);
    await other.chat.waitUntil(async () => JSON.stringify(await other.chat.messages()) === JSON.stringify(shown), {
      timeout: 10_000,
      message: 'the imported conversation, with the message storage had no room for',
    });
    await other.chat.openConversation(FIRST);
    await other.chat.waitUntil(async () => (await other.chat.messages()).length === 2, { timeout: 5_000, message: 'the first conversation' });
    assert.equal((await other.chat.messages())[0].text, FIRST);
    browser.assertNoErrors();
    other.browser.assertNoErrors();
  });

  it('"Export set-aside data" is an export file that Import accepts, saying what stays in it', async (t) => {
    const { chat, browser } = await chatWithHistory(t);
    await chat.setStorage({ [STORAGE.settings]: CORRUPT });
    await chat.reload();
    await chat.waitForNotice(/^Your settings could not be read/);

    const file = await chat.downloadFrom(bannerButton(chat, UI.buttons.exportSetAside));
    assert.equal(file.name, 'mnemo-set-aside.json');
    const json = JSON.parse(file.text);
    assert.equal(json.format, 'mnemo');
    assert.deepEqual(json.conversations, []);
    assert.equal(json.set_aside.length, 1, file.text);
    assert.equal(json.set_aside[0].value, CORRUPT);
    assert.ok(json.set_aside[0].key.startsWith(`${STORAGE.quarantinePrefix}`), json.set_aside[0].key);
    assert.ok(!file.text.includes(SECRET), 'the API key is not exported');

    const before = (await chat.storedIndex()).conversations;
    await chat.button(UI.buttons.dismiss).click();
    await chat.importFile(file.text, file.name);
    assert.equal(
      await chat.waitForNotice(/^Imported /),
      'Imported 0 conversation(s). 1 set-aside value(s) were not imported; they stay in the file.',
    );
    assert.deepEqual((await chat.storedIndex()).conversations, before, 'the list is unchanged');
    browser.assertNoErrors();
  });
});

describe('deleting', { timeout: 120_000 }, () => {
  it('a conversation deleted in tab A stays deleted after tab B, which has it open, saves', async (t) => {
    servers.mock.reset();
    const browser = await launchBrowser();
    t.after(() => browser.close());
    const a = new ChatPage(browser.page, servers);
    await a.goto();
    await a.configureForMock({ remember: true });
    await a.sendAndWait('Keep this conversation.');
    await a.newChat();
    await a.sendAndWait('Delete this conversation.');
    const doomed = (await a.storedIndex()).current;

    const b = new ChatPage(await browser.context.newPage(), servers);
    await b.goto();
    await b.waitUntil(async () => (await b.messages()).length === 2, { timeout: 10_000, message: 'tab B opens it' });
    const DRAFT = 'Half a thought typed in tab B';
    await b.composer.fill(DRAFT);

    await a.deleteConversation('Delete this conversation.');
    await a.waitUntil(async () => JSON.stringify(await a.conversationTitles()) === '["Keep this conversation."]', {
      timeout: 5_000,
      message: 'the row gone in tab A',
    });

    const line = await b.waitForNotice(/deleted in another tab/);
    assert.match(line, /^“Delete this conversation\.” was deleted in another tab/);
    assert.equal(await b.composerValue(), DRAFT, 'the unsent draft is kept');
    await b.waitUntil(async () => JSON.stringify(await b.conversationTitles()) === '["Keep this conversation."]', {
      timeout: 5_000,
      message: 'the row gone in tab B',
    });

    await b.sendAndWait('Tab B goes on.');
    const titles = (await a.storedIndex()).conversations.map((c) => c.title);
    assert.ok(!titles.includes('Delete this conversation.'), `not listed again: ${JSON.stringify(titles)}`);
    assert.equal(await a.storedText(doomed), null, 'not stored again');
    await a.reload();
    assert.ok(!(await a.conversationTitles()).includes('Delete this conversation.'), 'not listed after a reload');
    browser.assertNoErrors();
  });

  it('deleting the only conversation removes it, also after a reload', async (t) => {
    servers.mock.reset();
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock();
    await chat.sendAndWait('The only conversation.');
    const id = (await chat.storedIndex()).current;
    await chat.deleteConversation('The only conversation.');
    await chat.waitUntil(async () => (await chat.conversationTitles()).length === 0, { timeout: 5_000, message: 'the row gone' });
    assert.deepEqual(await chat.messages(), [], 'an empty chat is open');
    assert.equal(await chat.storedText(id), null);
    assert.deepEqual((await chat.storedIndex()).conversations, []);
    await chat.reload();
    assert.deepEqual(await chat.conversationTitles(), []);
    assert.deepEqual(await chat.messages(), []);
    browser.assertNoErrors();
  });

  it("a message's Delete offers Undo, which puts it back in its place", async (t) => {
    servers.mock.reset();
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock();
    await chat.sendAndWait('Keep every word of this.');
    await chat.sendAndWait('And of this one.');
    const before = await chat.messages();
    assert.equal(before.length, 4);

    await chat.messageAction(chat.userItem('Keep every word of this.'), NAV.actions.delete).click();
    await chat.userItem('Keep every word of this.').getByRole('button', { name: 'Delete this message only', exact: true }).click();
    await chat.waitUntil(async () => (await chat.messages()).length === 3, { timeout: 5_000, message: 'the message gone' });
    await chat.undoToast.waitFor({ timeout: 5_000 });
    assert.equal((await chat.undoToast.innerText()).replace(/\s+/g, ' ').trim(), 'Deleted a message. Undo');
    await chat.button(NAV.undo).click();
    await chat.undoToast.waitFor({ state: 'detached', timeout: 5_000 });
    await chat.waitUntil(async () => JSON.stringify(await chat.messages()) === JSON.stringify(before), {
      timeout: 5_000,
      message: 'the message back in its place',
    });
    const stored = await chat.storedConversation();
    assert.deepEqual(
      stored.messages.map((m) => m.content.trim()),
      before.map((m) => m.text),
    );
    await chat.reload();
    assert.deepEqual(await chat.messages(), before, 'and after a reload');
    browser.assertNoErrors();
  });
});

describe('undo and copy', { timeout: 120_000 }, () => {
  it('a second deletion of the same conversation gets its own full Undo period', async (t) => {
    servers.mock.reset();
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock();
    await chat.sendAndWait('Deleted twice.');
    await chat.newChat();
    await chat.sendAndWait('Stays.');
    await chat.deleteConversation('Deleted twice.');
    await chat.undoToast.waitFor({ timeout: 5_000 });
    await chat.button(NAV.undo).click();
    await chat.waitUntil(async () => (await chat.conversationTitles()).includes('Deleted twice.'), { timeout: 5_000, message: 'restored' });
    await new Promise((resolve) => setTimeout(resolve, 8_000));
    await chat.deleteConversation('Deleted twice.');
    await chat.undoToast.waitFor({ timeout: 5_000 });
    // Past the first deletion's 15 s, well within the second's.
    await new Promise((resolve) => setTimeout(resolve, 9_000));
    assert.ok(await chat.undoToast.isVisible(), 'Undo is still offered for the second deletion');
    browser.assertNoErrors();
  });

  it('Copy says so when the clipboard refuses the text', async (t) => {
    servers.mock.reset();
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock();
    await chat.sendAndWait('Copy me, if you can.');
    await browser.page.evaluate(() => {
      navigator.clipboard.writeText = () => Promise.reject(new DOMException('Write permission denied.', 'NotAllowedError'));
    });
    const item = chat.userItem('Copy me, if you can.');
    await chat.messageAction(item, NAV.actions.copy).click();
    await chat.waitUntil(async () => (await item.locator('.message-actions').innerText()).includes('Copy failed'), {
      timeout: 5_000,
      message: 'the failure shown',
    });
    const label = await item.locator('.message-actions button').first().innerText();
    assert.equal(label, 'Copy failed — select the text to copy it');
    assert.ok(!(await item.locator('.message-actions').innerText()).includes('Copied'), '"Copied" is not shown');
    browser.assertNoErrors();
  });
});

describe('saving', { timeout: 120_000 }, () => {
  it("an empty conversation's chat settings and rename are saved and survive a reload", async (t) => {
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock();
    const dialog = chat.page.getByRole('dialog', { name: 'Chat settings', exact: true });
    await chat.page.getByRole('button', { name: 'Chat settings', exact: true }).click();
    await dialog.waitFor();
    await dialog.getByRole('checkbox', { name: 'Own model', exact: true }).check();
    await dialog.getByRole('combobox', { name: 'Model', exact: true }).selectOption({ label: 'gpt-4.1' });
    await dialog.getByRole('button', { name: 'Save', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
    await chat.waitUntil(async () => (await chat.conversationTitles()).length === 1, { timeout: 5_000, message: 'the empty chat listed' });

    const [title] = await chat.conversationTitles();
    await chat.renameConversation(title, 'Plans for later');
    await chat.waitUntil(async () => JSON.stringify(await chat.conversationTitles()) === '["Plans for later"]', {
      timeout: 5_000,
      message: 'the new name',
    });
    await chat.reload();
    assert.deepEqual(await chat.conversationTitles(), ['Plans for later']);
    assert.equal(await chat.page.locator('h1').innerText(), 'Plans for later');
    assert.equal((await chat.storedConversation()).overrides.model, 'gpt-4.1');
    browser.assertNoErrors();
  });

  it('conversations stored but missing from the list are found again at start-up', async (t) => {
    const { chat, browser } = await chatWithHistory(t);
    await chat.setStorage({ [`${STORAGE.conversationPrefix}orphan1`]: storedConversation('orphan1', 'Found again', 'I was stored but not listed.') });
    await chat.reload();
    const line = await chat.waitForNotice(/^Found /);
    assert.match(line, /^Found 1 stored conversation\(s\) missing from the list/);
    assert.ok((await chat.conversationTitles()).includes('Found again'));
    assert.ok((await chat.storedIndex()).conversations.some((c) => c.id === 'orphan1'), 'listed in storage too');
    await chat.openConversation('Found again');
    await chat.waitUntil(async () => (await chat.messages())[0]?.text === 'I was stored but not listed.', {
      timeout: 5_000,
      message: 'the found conversation opens',
    });
    browser.assertNoErrors();
  });

  it('an import that runs out of space stores nothing and says why', async (t) => {
    // The browser allows this site 1 MB: two of the four conversations would fit.
    const { chat, browser } = await chatWithHistory(t, { quota: 1024 * 1024 });
    await chat.archiveReady();
    const before = await chat.storage();
    const archivedBefore = Object.keys(await chat.archived()).sort();
    // Random text: the browser compresses what it stores.
    const big = () => randomBytes(300_000).toString('base64');
    const conversations = [1, 2, 3, 4].map((n) => JSON.parse(storedConversation(`big${n}`, `Big ${n}`, `${n} ${big()}`)).data);
    await chat.importFile(JSON.stringify({ format: 'mnemo', v: 1, conversations }), 'big.json');
    const line = await chat.waitForNotice(/^(Nothing was imported|Imported)/, { timeout: 30_000 });
    assert.match(
      line,
      /^Nothing was imported: storage is full \(\d+\.\d MB of \d+\.\d MB in use\)\. Free space by exporting and deleting conversations, then try again\.$/,
    );
    assert.deepEqual(await chat.storage(), before, 'localStorage is as it was');
    await chat.waitUntil(
      async () => JSON.stringify(Object.keys(await chat.archived()).sort()) === JSON.stringify(archivedBefore),
      { timeout: 10_000, message: 'the archive holds nothing of the import' },
    );
    assert.deepEqual(await chat.conversationTitles(), [FIRST]);
    browser.assertNoErrors();
  });
});
