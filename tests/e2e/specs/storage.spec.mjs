// Owns the storage spec: stored values that cannot be read are set aside (never
// overwritten) and reported, old versions still load, a full storage keeps the chat
// working in memory, and a huge paste is refused without losing a character.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { startServers, chatRequests, REPO_ROOT } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage, STORAGE, UI } from '../fixtures/chat_page.mjs';
import path from 'node:path';

let servers;

before(async () => {
  servers = await startServers();
});
after(async () => {
  await servers?.close();
});

/** A fresh browser profile for one test, closed when the test ends. */
async function freshChat(t, { withoutIndexedDB = false } = {}) {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  // As where IndexedDB is disabled: conversations are kept in localStorage, with its limit.
  if (withoutIndexedDB) await browser.page.addInitScript(() => Object.defineProperty(window, 'indexedDB', { get: () => undefined }));
  const chat = new ChatPage(browser.page, servers);
  await chat.goto();
  return { browser, chat };
}

const FIRST = 'Please remember that I like green tea.';

/** A fresh chat set up for the mock (key remembered) with one finished exchange stored. */
async function chatWithHistory(t, options) {
  servers.mock.reset();
  const fresh = await freshChat(t, options);
  await fresh.chat.configureForMock({ remember: true });
  const reply = await fresh.chat.sendAndWait(FIRST);
  assert.equal(reply.status, 'complete');
  const stored = await fresh.chat.storedConversation();
  assert.equal(stored.messages.length, 2);
  return { ...fresh, history: await fresh.chat.messages(), conversationId: stored.id, firstReply: stored.messages[1].content };
}

const escape = (s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Keys under the quarantine prefix. */
async function quarantineKeys(chat) {
  return Object.keys(await chat.storage()).filter((k) => k.startsWith(STORAGE.quarantinePrefix));
}

/**
 * The notice says `what` could not be read for `reason` and names its copy; the copy holds
 * `bad` and the original key still holds `bad`. Returns the copy's key.
 */
async function expectSetAside(chat, { what, key, bad, reason }) {
  await chat.noticeBanner.waitFor({ timeout: 10_000 });
  const lines = await chat.noticeLines();
  assert.equal(lines.length, 1, `one notice: ${JSON.stringify(lines)}`);
  const m = new RegExp(
    `^${escape(what)} could not be read: (.+); a copy was kept under "(${escape(STORAGE.quarantinePrefix)}\\d+\\.${escape(key)})"\\.$`,
  ).exec(lines[0]);
  assert.ok(m, `notice text: ${lines[0]}`);
  if (typeof reason === 'string') assert.equal(m[1], reason);
  else assert.match(m[1], reason);
  const copy = m[2];
  assert.deepEqual(await quarantineKeys(chat), [copy], 'exactly one copy is set aside');
  assert.equal(await chat.stored(copy), bad, 'the copy holds the unreadable value');
  assert.equal(await chat.stored(key), bad, 'the original is left untouched');
  for (const name of [UI.buttons.exportSetAside, UI.buttons.exportAll, UI.buttons.dismiss]) {
    assert.ok(await chat.noticeBanner.getByRole('button', { name, exact: true }).isVisible(), `"${name}" is offered`);
  }
  return copy;
}

/**
 * The notice says `what` could not be read for `reason` and was removed; no copy of it is
 * kept anywhere. Returns null (there is no copy).
 */
async function expectDiscarded(chat, { what, key, reason }) {
  await chat.noticeBanner.waitFor({ timeout: 10_000 });
  const lines = await chat.noticeLines();
  assert.equal(lines.length, 1, `one notice: ${JSON.stringify(lines)}`);
  const m = new RegExp(`^${escape(what)} could not be read: (.+)\\. It was removed: paste your API key again in Settings\\.$`).exec(lines[0]);
  assert.ok(m, `notice text: ${lines[0]}`);
  if (typeof reason === 'string') assert.equal(m[1], reason);
  else assert.match(m[1], reason);
  assert.deepEqual(await quarantineKeys(chat), [], 'nothing is set aside');
  assert.equal(await chat.stored(key), null, 'the unreadable value is removed');
  assert.equal(await chat.noticeBanner.getByRole('button', { name: UI.buttons.exportSetAside, exact: true }).count(), 0);
  return null;
}

/** Send `text` and expect the mock's reply, complete. */
async function expectUsable(chat, text) {
  const before = chatRequests(servers.mock).length;
  const reply = await chat.sendAndWait(text);
  const requests = chatRequests(servers.mock);
  assert.equal(requests.length, before + 1);
  assert.equal(reply.status, 'complete');
  assert.equal(reply.text, requests.at(-1).reply.trim());
  assert.deepEqual(requests.at(-1).body.messages.at(-1), { role: 'user', content: text });
  return requests.at(-1);
}

const CORRUPT = '{"v":1,"data":{"broken"';
const FUTURE_REASON = 'it was written by a newer version of Mnemo (schema 99, this one reads up to 2)';
const DRAFT = 'An unfinished thought about oolong and';

/**
 * The stored values, what the notice calls them, and what must still work after each one
 * was found unreadable.
 */
const VALUES = [
  {
    name: 'settings',
    what: 'Your settings',
    key: () => STORAGE.settings,
    async after({ chat, history }) {
      assert.deepEqual(await chat.messages(), history, 'the conversation is still there');
      // The settings are back to their defaults: point them at the mock again.
      await chat.configureForMock({ remember: true });
    },
  },
  {
    name: 'API key',
    what: 'Your saved API key',
    key: () => STORAGE.key,
    // The key is never copied anywhere: an unreadable one is removed and asked for again.
    discarded: true,
    async after({ chat, history }) {
      assert.deepEqual(await chat.messages(), history, 'the conversation is still there');
      await chat.openSettings();
      assert.equal(await chat.apiKeyField.inputValue(), '', 'the unreadable key is not used');
      assert.equal(await chat.baseUrlField.inputValue(), servers.apiBase, 'the other settings are kept');
      await chat.cancelSettings();
    },
  },
  {
    name: 'conversation list',
    what: 'The list of conversations',
    key: () => STORAGE.index,
    async after({ chat, before, history }) {
      assert.deepEqual(await chat.messages(), history, 'the list is rebuilt and the newest conversation reopened');
      const old = Object.keys(before).find((k) => k.startsWith(STORAGE.conversationPrefix));
      assert.equal(await chat.stored(old), before[old], 'the stored conversation is untouched');
    },
  },
  {
    name: 'open conversation',
    what: 'The open conversation',
    key: ({ conversationId }) => `${STORAGE.conversationPrefix}${conversationId}`,
    async after({ chat, before }) {
      assert.deepEqual(await chat.messages(), [], 'a new conversation is open');
      assert.equal(await chat.stored(STORAGE.index), before[STORAGE.index], 'the list is untouched');
    },
  },
  {
    name: 'unsent message',
    what: 'Your unsent message',
    key: () => STORAGE.draft,
    async setup({ chat }) {
      await chat.composer.fill(DRAFT);
      await chat.waitUntil(async () => (await chat.storedData(STORAGE.draft)) === DRAFT, {
        timeout: 5_000,
        message: 'the draft to be stored',
      });
    },
    async after({ chat, history }) {
      assert.deepEqual(await chat.messages(), history, 'the conversation is still there');
      assert.equal(await chat.composerValue(), '', 'the unreadable draft is not shown');
    },
  },
];

const BAD = [
  { name: 'corrupt JSON', bad: () => CORRUPT, reason: /^it is damaged \(.+\)$/ },
  {
    name: 'a future schema version',
    bad: (original) => JSON.stringify({ v: 99, data: JSON.parse(original).data, added_in_v99: true }),
    reason: FUTURE_REASON,
  },
];

describe('storage', { timeout: 300_000 }, () => {
  for (const value of VALUES) {
    for (const kind of BAD) {
      it(`${kind.name} in the ${value.name} is set aside and reported; the app starts and works`, async (t) => {
        const ctx = await chatWithHistory(t);
        const { chat, browser } = ctx;
        await value.setup?.(ctx);
        const key = value.key(ctx);
        const original = await chat.stored(key);
        assert.ok(original, `${key} is stored`);
        const bad = kind.bad(original);
        await chat.setStorage({ [key]: bad });
        const before = await chat.storage();

        await chat.reload();
        const copy = value.discarded
          ? await expectDiscarded(chat, { what: value.what, key, reason: kind.reason })
          : await expectSetAside(chat, { what: value.what, key, bad, reason: kind.reason });
        for (const [k, v] of Object.entries(before)) {
          if (value.discarded && k === key) continue;
          assert.equal(await chat.stored(k), v, `${k} is unchanged at startup`);
        }
        await value.after({ ...ctx, before });

        await expectUsable(chat, 'Are you still working?');
        if (copy) assert.equal(await chat.stored(copy), bad, 'the copy is still there after saving');
        assert.ok(await chat.noticeBanner.isVisible(), 'the notice stays until dismissed');
        await chat.button(UI.buttons.dismiss).click();
        await chat.noticeBanner.waitFor({ state: 'hidden', timeout: 5_000 });
        if (copy) assert.equal(await chat.stored(copy), bad, 'dismissing keeps the copy');
        browser.assertNoErrors();
      });
    }
  }

  it(
    'after the conversation list was unreadable, the next save still lists the stored conversations',
    async (t) => {
      const { chat, conversationId } = await chatWithHistory(t);
      await chat.setStorage({ [STORAGE.index]: CORRUPT });
      await chat.reload();
      await chat.noticeBanner.waitFor({ timeout: 10_000 });
      assert.ok((await chat.messages()).length > 0, 'the stored conversation is reopened from the rebuilt list');
      await chat.newChat();
      await expectUsable(chat, 'A new conversation after the list broke.');
      const index = await chat.storedIndex();
      const ids = index.conversations.map((c) => c.id);
      assert.equal(ids.length, 2, `both conversations are listed: ${JSON.stringify(ids)}`);
      assert.ok(ids.includes(conversationId), 'the conversation stored before is listed');
    },
  );

  it('the set-aside value and every conversation can be exported', async (t) => {
    const { chat, browser, conversationId } = await chatWithHistory(t);
    await chat.setStorage({ [STORAGE.settings]: CORRUPT });
    await chat.reload();
    const copy = await expectSetAside(chat, {
      what: 'Your settings',
      key: STORAGE.settings,
      bad: CORRUPT,
      reason: /^it is damaged/,
    });

    const download = async (name) => {
      const [file] = await Promise.all([browser.page.waitForEvent('download', { timeout: 10_000 }), chat.button(name).click()]);
      assert.equal(await file.failure(), null);
      return { name: file.suggestedFilename(), json: JSON.parse(await readFile(await file.path(), 'utf8')) };
    };
    const setAside = await download(UI.buttons.exportSetAside);
    assert.equal(setAside.name, 'mnemo-set-aside.json');
    assert.deepEqual(setAside.json, { format: 'mnemo', v: 2, conversations: [], set_aside: [{ key: copy, value: CORRUPT }] });

    const all = await download(UI.buttons.exportAll);
    assert.equal(all.name, 'mnemo-conversations.json');
    assert.equal(all.json.format, 'mnemo');
    const conversation = all.json.conversations.find((c) => c.id === conversationId);
    assert.deepEqual(
      conversation.messages.map((m) => m.content.trim()),
      [FIRST, (await chat.messages())[1].text],
    );
    assert.deepEqual(all.json.set_aside, [{ key: copy, value: CORRUPT }]);
    assert.ok(!JSON.stringify(all.json).includes('sk-test-123'), 'the API key is never exported');
  });

  it('a conversation stored by version 1 loads, shows and goes on', async (t) => {
    servers.mock.reset();
    const { chat, browser } = await freshChat(t);
    await chat.configureForMock({ remember: true });
    const fixture = await readFile(path.join(REPO_ROOT, 'tests/fixtures/conversation-v1.json'), 'utf8');
    const { data } = JSON.parse(fixture);
    const key = `${STORAGE.conversationPrefix}${data.id}`;
    const index = {
      v: 1,
      data: { conversations: [{ id: data.id, title: data.title, updated_at: data.updated_at }], current: data.id },
    };
    await chat.setStorage({ [key]: fixture, [STORAGE.index]: JSON.stringify(index) });
    await chat.reload();

    assert.deepEqual(await chat.messages(), [
      { role: 'user', status: 'complete', text: 'My name is Priya.' },
      { role: 'assistant', status: 'complete', text: 'Nice to meet you, Priya!' },
    ]);
    assert.equal(await browser.page.locator('h1').innerText(), 'My name is Priya.');
    assert.equal(await chat.noticeBanner.count(), 0, 'nothing was set aside');
    assert.equal(await chat.stored(key), fixture, 'loading does not rewrite it');

    const request = await expectUsable(chat, 'What is my name?');
    assert.equal(request.reply, 'Your name is Priya.', 'the old messages are sent as history');
    const stored = await chat.storedConversation(data.id);
    assert.equal(stored.messages.length, 4);
    // Schema 2 gives each message its parent: a version 1 conversation is one path.
    const linked = data.messages.map((m, i) => (i === 0 ? m : { ...m, parent: data.messages[i - 1].id }));
    assert.deepEqual(stored.messages.slice(0, 2), linked, 'the old messages are kept as they were, as one path');
    assert.equal(stored.branches, undefined, 'with no other versions');
    browser.assertNoErrors();
  });

  const FULL = /^Storage is full(?: \((\d+\.\d) MB in use\))?: new messages are kept in this tab but not saved, and nothing already saved was changed\. Export your conversations, then delete ones you no longer need, or install Mnemo as an app: browsers clear an installed app's storage less often\.$/;

  it('a full storage keeps the chat working in memory and changes nothing stored', async (t) => {
    const { chat, browser, history, firstReply } = await chatWithHistory(t, { withoutIndexedDB: true });
    await chat.dismissNotices();
    const before = await chat.storage();
    const junk = await chat.fillStorage();
    t.after(() => chat.clearJunk(junk).catch(() => {}));
    assert.ok(junk.length > 0);

    const text = 'This one arrives while the storage is full.';
    const request = await expectUsable(chat, text);
    await chat.noticeBanner.waitFor({ timeout: 5_000 });
    const lines = await chat.noticeLines();
    assert.equal(lines.length, 1, JSON.stringify(lines));
    assert.match(lines[0], FULL);
    assert.deepEqual(await chat.messages(), [
      ...history,
      { role: 'user', status: 'complete', text },
      { role: 'assistant', status: 'complete', text: request.reply.trim() },
    ]);
    const now = await chat.storage();
    for (const [k, v] of Object.entries(before)) assert.equal(now[k], v, `${k} is unchanged`);
    assert.deepEqual(
      Object.keys(now).filter((k) => k.startsWith('mnemo.')).sort(),
      Object.keys(before).sort(),
      'no key was added or removed',
    );

    await chat.clearJunk(junk);
    const later = 'And this one after space was freed.';
    const last = await expectUsable(chat, later);
    const stored = await chat.storedConversation();
    assert.deepEqual(
      stored.messages.map((m) => m.content),
      [FIRST, firstReply, text, request.reply, later, last.reply],
      'once there is room, the messages kept in memory are saved too',
    );
    browser.assertNoErrors();
  });

  it(
    'the "storage is full" notice gives plausible figures',
    async (t) => {
      const { chat, browser } = await chatWithHistory(t, { withoutIndexedDB: true });
      await chat.dismissNotices();
      const junk = await chat.fillStorage();
      t.after(() => chat.clearJunk(junk).catch(() => {}));
      const held = await browser.page.evaluate(() => {
        let chars = 0;
        for (let i = 0; i < localStorage.length; i++) {
          const k = localStorage.key(i);
          chars += k.length + localStorage.getItem(k).length;
        }
        return chars * 2;
      });
      await expectUsable(chat, 'Storage is full now.');
      await chat.noticeBanner.waitFor({ timeout: 5_000 });
      const m = FULL.exec((await chat.noticeLines())[0]);
      assert.ok(m, 'the storage-full notice');
      if (m[1] !== undefined) {
        const used = Number(m[1]) * 1e6;
        assert.ok(used >= held * 0.9, `"${m[1]} MB in use" counts the ${(held / 1e6).toFixed(1)} MB localStorage holds`);
        assert.ok(used <= held * 1.1, `"${m[1]} MB in use" is not more than localStorage holds`);
      }
    },
  );

  it('the settings say whether storage is persistent', async (t) => {
    const { chat } = await freshChat(t);
    await chat.openSettings();
    const text = await chat.page.getByTestId('persistence').innerText();
    assert.match(text, /^Persistent storage: (granted|not granted|unknown)\b/);
    await chat.cancelSettings();
  });

  describe('a 1 MB paste', () => {
    let ctx;
    const unit = 'The quick brown fox jumps over the lazy dog. ';
    const PASTE = `PASTE-START ${unit.repeat(Math.ceil(1e6 / unit.length))}`.slice(0, 1e6 - ' PASTE-END'.length) + ' PASTE-END';
    const BUDGET_HINT = 'Shorten the message, unpin messages, or raise the context budget in Settings.';

    before(async () => {
      const browser = await launchBrowser();
      const chat = new ChatPage(browser.page, servers);
      ctx = { browser, chat };
      await chat.goto();
      await chat.configureForMock({ remember: true });
    });
    after(async () => {
      await ctx?.browser.close();
    });

    it('is refused as over budget without losing a character, and the composer keeps taking input', async () => {
      const { chat, browser } = ctx;
      servers.mock.reset();
      assert.equal(PASTE.length, 1_000_000);
      await chat.composer.fill(PASTE);
      assert.equal((await chat.composerValue()).length, PASTE.length);
      await chat.submit();

      await chat.composer.pressSequentially('abc');
      assert.equal(await chat.composerValue(), 'abc', 'typing goes on while the message is handled');

      const failed = await chat.waitUntil(
        async () => {
          const last = (await chat.messageDetails()).at(-1);
          return last?.role === 'user' && last.status === 'failed' ? last : null;
        },
        { timeout: 30_000, message: 'the huge message to be refused' },
      );
      assert.equal(failed.text.length, PASTE.trim().length);
      assert.ok(failed.text.startsWith('PASTE-START') && failed.text.endsWith('PASTE-END'));
      assert.ok(failed.note.startsWith('Not sent: '), failed.note);
      assert.deepEqual(failed.buttons, [UI.buttons.retry, UI.buttons.edit]);
      const alert = await chat.alertParts();
      assert.equal(alert.hint, BUDGET_HINT);
      assert.match(
        alert.detail,
        /^This message with the system prompt, summary and pinned messages needs \d+ tokens, more than the 16000 allowed\.$/,
      );
      assert.deepEqual(alert.buttons, [UI.buttons.openSettings]);
      assert.equal(chatRequests(servers.mock).length, 0, 'nothing was sent');

      const stored = await chat.storedConversation();
      assert.equal(stored.messages.length, 1);
      assert.equal(stored.messages[0].content, PASTE, 'the whole paste is saved, to the character');
      // The draft is saved once typing pauses (150 ms), in a task of its own.
      const draft = await chat
        .waitUntil(async () => ((await chat.storedData(STORAGE.draft)) === 'abc' ? 'abc' : null), {
          timeout: 5_000,
          message: 'the draft to be saved',
        })
        .catch(async () => chat.storedData(STORAGE.draft));
      assert.equal(draft, 'abc', 'what was typed since is kept as the draft');

      await chat.editButton('PASTE-START').click();
      await chat.waitUntil(async () => (await chat.composerValue()).length > 3, {
        timeout: 10_000,
        message: 'Edit to put the paste back',
      });
      assert.equal(await chat.composerValue(), `${PASTE}\n\nabc`, 'Edit puts the paste back before the typed text');
      assert.equal((await chat.messages()).length, 0);
      await chat.composer.fill('');
      browser.assertNoErrors();
    });

    it(
      'says "Not sent:" once in the refused message\'s note',
      async () => {
        const { chat } = ctx;
        await chat.send(PASTE);
        const failed = await chat.waitUntil(
          async () => {
            const last = (await chat.messageDetails()).at(-1);
            return last?.role === 'user' && last.status === 'failed' ? last : null;
          },
          { timeout: 30_000, message: 'the huge message to be refused' },
        );
        assert.equal(failed.note, `Not sent: ${BUDGET_HINT}`);
      },
    );

    it('pasted from the clipboard, is held out of the box: its size is shown, it is saved, and it can be shown or sent', async () => {
      const { chat, browser } = ctx;
      servers.mock.reset();
      await chat.composer.fill('Intro: ');
      // The browser's paste event, as a real paste fires it (the page does the inserting).
      await chat.composer.evaluate((el, text) => {
        el.setSelectionRange(el.value.length, el.value.length);
        const clipboardData = new DataTransfer();
        clipboardData.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
      }, PASTE);
      const held = chat.page.getByTestId('held-paste');
      await held.waitFor();
      assert.equal(await chat.composer.count(), 0, 'the text box gives way to the summary');
      assert.match(await held.innerText(), /A long message is ready to send: 1,000,007 characters\./);
      const full = `Intro: ${PASTE}`;
      await chat.waitUntil(async () => (await chat.storedData(STORAGE.draft)) === full, {
        timeout: 10_000,
        message: 'the draft with the paste to be saved',
      });
      await chat.waitUntil(async () => /^\d[\d,]* tokens$/.test(await chat.page.getByTestId('draft-tokens').innerText()), {
        timeout: 30_000,
        message: 'the exact count of the draft',
      });

      await held.getByRole('button', { name: 'Show in the box' }).click();
      assert.equal(await chat.composerValue(), full, 'the box shows the whole draft');
      await chat.composer.fill('');
      await chat.composer.evaluate((el, text) => {
        const clipboardData = new DataTransfer();
        clipboardData.setData('text/plain', text);
        el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
      }, PASTE);
      await held.waitFor();
      await held.press('Enter');
      const failed = await chat.waitUntil(
        async () => {
          const last = (await chat.messageDetails()).at(-1);
          return last?.role === 'user' && last.status === 'failed' ? last : null;
        },
        { timeout: 30_000, message: 'the held paste to be sent, and refused as over budget' },
      );
      assert.equal(failed.text.length, PASTE.trim().length);
      await chat.composer.waitFor();
      assert.equal(await chat.composerValue(), '', 'the box is back, empty, once the message is sent');
      browser.assertNoErrors();
    });
  });
});
