// Owns the tabs spec: two tabs of the same browser (one localStorage) chatting at the same
// time, in different conversations or in the same one, never lose each other's messages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServers, chatRequests } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage, STORAGE } from '../fixtures/chat_page.mjs';

let servers;

before(async () => {
  servers = await startServers();
});
after(async () => {
  await servers?.close();
});

/** Two tabs of one fresh browser profile, set up for the mock; closed when the test ends. */
async function twoTabs(t, { secondOpensAfter } = {}) {
  servers.mock.reset();
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const a = new ChatPage(browser.page, servers);
  await a.goto();
  await a.configureForMock({ remember: true });
  await secondOpensAfter?.(a);
  const b = new ChatPage(await browser.context.newPage(), servers);
  await b.goto();
  return { browser, a, b };
}

/** What the mock replied to the request that ended with the user message `text`. */
function replyTo(text) {
  const request = chatRequests(servers.mock).find((r) => r.body.messages.at(-1).content === text);
  assert.ok(request, `a request was sent for "${text}"`);
  return request.reply;
}

/** The user texts of a request, in order. */
const userTexts = (request) => request.body.messages.filter((m) => m.role === 'user').map((m) => m.content);

/** The expected [role, content] pairs for these user texts, each followed by its reply. */
const turns = (texts) => texts.flatMap((text) => [['user', text], ['assistant', replyTo(text)]]);

/** Wait until the tab shows `n` messages, none of them streaming; returns them. */
async function settled(chat, n, { timeout = 20_000 } = {}) {
  return chat.waitUntil(
    async () => {
      const all = await chat.messages();
      return all.length === n && all.every((m) => m.status === 'complete') ? all : null;
    },
    { timeout, message: `${n} complete messages in the tab` },
  );
}

/** Wait until the stored conversation `id` holds `n` complete messages; returns it. */
async function storedSettled(chat, id, n, { timeout = 10_000 } = {}) {
  return chat.waitUntil(
    async () => {
      const c = await chat.storedConversation(id);
      return c?.messages.length === n && c.messages.every((m) => m.status.state === 'complete') ? c : null;
    },
    { timeout, message: `${n} complete messages stored under ${id}` },
  );
}

/** The shown transcript as [role, text] pairs. */
const shown = (messages) => messages.map((m) => [m.role, m.text]);
/** Stored messages as [role, content] pairs, sorted so that sets can be compared. */
const pairs = (conversation) => conversation.messages.map((m) => [m.role, m.content]);
const sorted = (list) => [...list].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
const trimmed = (list) => list.map(([role, text]) => [role, text.trim()]);

describe('tabs', { timeout: 180_000 }, () => {
  it('two tabs chatting in different conversations keep both conversations', async (t) => {
    const { browser, a, b } = await twoTabs(t, {
      secondOpensAfter: (a) => a.sendAndWait('Tab A: first message.'),
    });
    assert.deepEqual((await b.messages()).length, 2, 'the second tab opens the same conversation');
    await b.newChat();
    await b.settle();
    assert.deepEqual(await b.messages(), []);

    await b.sendAndWait('Tab B: first message.');
    await a.sendAndWait('Tab A: second message.');
    // Both at once, with replies long enough to stream over each other.
    servers.mock.configure({ delayMs: 30, replyWords: 40 });
    await Promise.all([a.send('Tab A: third message.'), b.send('Tab B: second message.')]);
    const aTexts = ['Tab A: first message.', 'Tab A: second message.', 'Tab A: third message.'];
    const bTexts = ['Tab B: first message.', 'Tab B: second message.'];
    const shownA = await settled(a, 6);
    const shownB = await settled(b, 4);
    assert.deepEqual(shown(shownA), trimmed(turns(aTexts)), 'tab A shows only its conversation');
    assert.deepEqual(shown(shownB), trimmed(turns(bTexts)), 'tab B shows only its conversation');

    const index = await a.storedIndex();
    assert.equal(index.conversations.length, 2, `the list has both: ${JSON.stringify(index)}`);
    const byTitle = Object.fromEntries(index.conversations.map((e) => [e.title, e.id]));
    assert.deepEqual(Object.keys(byTitle).sort(), ['Tab A: first message.', 'Tab B: first message.']);
    const convA = await storedSettled(a, byTitle['Tab A: first message.'], 6);
    const convB = await storedSettled(a, byTitle['Tab B: first message.'], 4);
    assert.deepEqual(pairs(convA), turns(aTexts), 'conversation A is stored whole, and only A');
    assert.deepEqual(pairs(convB), turns(bTexts), 'conversation B is stored whole, and only B');
    const keys = Object.keys(await a.storage()).filter((k) => k.startsWith(STORAGE.conversationPrefix));
    assert.deepEqual(keys.sort(), [convA.id, convB.id].map((id) => `${STORAGE.conversationPrefix}${id}`).sort());

    for (const r of chatRequests(servers.mock)) {
      const own = userTexts(r).at(-1).startsWith('Tab A') ? 'Tab A' : 'Tab B';
      assert.ok(userTexts(r).every((u) => u.startsWith(own)), `a request from ${own} carries only its own history`);
    }

    for (const tab of [a, b]) {
      await tab.reload();
      const after = shown(await tab.messages());
      assert.ok(
        JSON.stringify(after) === JSON.stringify(shown(shownA)) || JSON.stringify(after) === JSON.stringify(shown(shownB)),
        'after a reload a tab shows one of the two conversations, whole',
      );
    }
    assert.deepEqual(pairs(await a.storedConversation(convA.id)), turns(aTexts), 'reloading changed nothing stored');
    assert.deepEqual(pairs(await a.storedConversation(convB.id)), turns(bTexts));
    browser.assertNoErrors();
  });

  it('two tabs chatting in the same conversation, in turn and at once, keep every message', async (t) => {
    const { browser, a, b } = await twoTabs(t, {
      secondOpensAfter: (a) => a.sendAndWait('A1: hello from tab A.'),
    });
    await settled(b, 2);
    const id = (await a.storedIndex()).current;

    await b.sendAndWait('B1: hello from tab B.');
    assert.deepEqual(
      userTexts(chatRequests(servers.mock).at(-1)),
      ['A1: hello from tab A.', 'B1: hello from tab B.'],
      "tab B sends tab A's message as history",
    );
    await settled(a, 4);
    await a.sendAndWait('A2: tab A again.');
    assert.deepEqual(
      userTexts(chatRequests(servers.mock).at(-1)),
      ['A1: hello from tab A.', 'B1: hello from tab B.', 'A2: tab A again.'],
      "tab A took in tab B's message live and sends it as history",
    );

    // Both at once, with replies long enough to stream over each other.
    servers.mock.configure({ delayMs: 30, replyWords: 40 });
    await Promise.all([a.send('A3: both tabs at once, from A.'), b.send('B2: both tabs at once, from B.')]);
    // Each tab counts its prompt exactly before sending, so the requests leave a moment
    // after Enter.
    await a.waitUntil(
      () =>
        ['A3: both tabs at once, from A.', 'B2: both tabs at once, from B.'].every((text) =>
          chatRequests(servers.mock).some((r) => r.body.messages.at(-1).content === text),
        ),
      { timeout: 10_000, message: 'both requests to reach the mock' },
    );
    const inTurn = ['A1: hello from tab A.', 'B1: hello from tab B.', 'A2: tab A again.'];
    const atOnce = { A: 'A3: both tabs at once, from A.', B: 'B2: both tabs at once, from B.' };
    const expected = turns([...inTurn, atOnce.A, atOnce.B]);
    // Sent at once after the same reply, the two questions are two versions of the next
    // message: every message is stored, and each tab shows its own.
    const all = await a.waitUntil(
      async () => {
        const list = await a.storedMessages(id);
        return list.length === expected.length && list.every((m) => m.status.state === 'complete') ? list : null;
      },
      { timeout: 20_000, message: 'every message of both tabs stored' },
    ).catch(async (e) => {
      const list = await a.storedMessages(id);
      const seen = list.map((m) => `${m.id} ${m.role} ${m.status.state} <- ${m.parent ?? '-'}: ${m.content.slice(0, 30)}`);
      throw new Error(`${e.message}; stored:\n${seen.join('\n')}`);
    });
    assert.deepEqual(sorted(all.map((m) => [m.role, m.content])), sorted(expected), 'the stored conversation has every message of both tabs');
    assert.deepEqual(pairs(await a.storedConversation(id)).slice(0, 6), expected.slice(0, 6), 'the turns taken in order stay in order');
    const ids = all.map((m) => m.id);
    assert.equal(new Set(ids).size, ids.length, 'no message is stored twice');
    assert.deepEqual(Object.keys(await a.storage()).filter((k) => k.startsWith(STORAGE.conversationPrefix)), [
      `${STORAGE.conversationPrefix}${id}`,
    ]);
    // Which tab took in the other's question before sending its own decides whether the
    // second question follows the first or stands beside it as a version; either way each
    // tab shows its own question and reaches the other's.
    for (const [name, tab] of [['A', a], ['B', b]]) {
      const other = name === 'A' ? atOnce.B : atOnce.A;
      const all = await tab.waitUntil(
        async () => {
          const list = await tab.messages();
          const done = list.every((m) => m.status === 'complete') && list.at(-1)?.role === 'assistant';
          return done && list.some((m) => m.text === atOnce[name]) ? list : null;
        },
        { timeout: 20_000, message: `tab ${name} shows its own question, answered` },
      );
      assert.deepEqual(shown(all).slice(0, 6), trimmed(expected.slice(0, 6)), `tab ${name}: the turns taken in order`);
      if (!all.some((m) => m.text === other)) {
        const switcher = tab.transcript.locator('.versions').first();
        await switcher.waitFor({ timeout: 5_000 });
        const first = (await switcher.locator('.version-number').innerText()).trim().startsWith('1 /');
        await switcher.getByRole('button', { name: first ? 'Next version' : 'Previous version', exact: true }).click();
        await tab.waitUntil(async () => (await tab.messages()).some((m) => m.text === other), {
          timeout: 5_000,
          message: `tab ${name} reaches the other tab's question`,
        });
      }
    }
    for (const [name, tab] of [['A', a], ['B', b]]) {
      await tab.reload();
      const all = await tab.waitUntil(
        async () => {
          const list = await tab.messages();
          return list.length >= 8 && list.every((m) => m.status === 'complete') ? list : null;
        },
        { timeout: 10_000, message: `tab ${name} after a reload` },
      );
      assert.deepEqual(shown(all).slice(0, 6), trimmed(expected.slice(0, 6)), `tab ${name} after a reload`);
    }
    browser.assertNoErrors();
  });

  it('a message deleted in one tab stays deleted when the other tab saves', async (t) => {
    const { browser, a, b } = await twoTabs(t, {
      secondOpensAfter: async (a) => {
        servers.mock.configure({ queue: [{ replyText: 'Reply to delete.' }] });
        await a.sendAndWait('Question one.');
      },
    });
    await settled(b, 2);
    const id = (await a.storedIndex()).current;
    await a.itemsOf('assistant').filter({ hasText: 'Reply to delete.' }).getByRole('button', { name: 'Delete', exact: true }).click();
    await settled(a, 1);
    // Tab B still showed the reply when it saved its own message.
    await b.sendAndWait('Question two, from tab B.');
    const stored = await storedSettled(a, id, 3);
    const texts = stored.messages.map((m) => m.content);
    assert.ok(!texts.includes('Reply to delete.'), `the deleted reply stays deleted: ${JSON.stringify(texts)}`);
    assert.deepEqual(texts.slice(0, 2), ['Question one.', 'Question two, from tab B.']);
    const want = shown(stored.messages.map((m) => ({ role: m.role, text: m.content.trim() })));
    assert.deepEqual(shown(await settled(a, 3)), want, 'tab A shows it gone');
    assert.deepEqual(shown(await settled(b, 3)), want, 'tab B shows it gone');
    browser.assertNoErrors();
  });

  it('a streaming reply saves its conversation as it goes, and the list only when a line of it changes', async (t) => {
    const { browser, a, b } = await twoTabs(t);
    // What the other tab hears of: every write to a key, as storage events.
    await b.page.evaluate(() => {
      window.heard = {};
      window.addEventListener('storage', (e) => {
        window.heard[e.key] = (window.heard[e.key] ?? 0) + 1;
      });
    });
    servers.mock.configure({ delayMs: 50, replyWords: 60 });
    await a.sendAndWait('A long answer, please.');
    const id = (await a.storedIndex()).current;
    const heard = await b.page.evaluate(() => window.heard);
    const copies = heard[`${STORAGE.conversationPrefix}${id}`] ?? 0;
    const lists = heard[STORAGE.index] ?? 0;
    assert.ok(copies >= 4, `the conversation is saved while the reply streams (${copies} writes)`);
    // The list changes when the question is sent, gets its title, and when the reply ends.
    assert.ok(lists <= 3, `the list is written when a line changes, not on every save (${lists} writes, ${copies} of the conversation)`);
    browser.assertNoErrors();
  });

  it('a tab opened while the other streams ends with the whole reply, and both tabs can go on', async (t) => {
    let first;
    const { browser, a, b } = await twoTabs(t, {
      async secondOpensAfter(a) {
        servers.mock.configure({ delayMs: 50, replyWords: 60 });
        await a.send('A1: a long answer, please.');
        first = await a.waitForStreamingText((text) => text.split(/\s+/).length >= 8);
      },
    });
    const opened = await b.messages();
    assert.equal(opened.length, 2, 'the second tab sees the reply that is arriving');
    assert.ok(opened[1].text.startsWith(first.text), 'with the text that had arrived');

    servers.mock.configure({ delayMs: 15, replyWords: 12 });
    await b.send('B1: a short question while A streams.');
    const id = (await a.storedIndex()).current;
    const texts = ['A1: a long answer, please.', 'B1: a short question while A streams.'];
    const stored = await storedSettled(a, id, 4, { timeout: 20_000 });
    assert.deepEqual(pairs(stored), turns(texts), "the long reply is stored whole, with tab B's turn after it");
    const want = trimmed(turns(texts));
    assert.deepEqual(shown(await settled(a, 4)), want, 'tab A shows everything');
    assert.deepEqual(shown(await settled(b, 4)), want, 'tab B shows the long reply whole');
    for (const tab of [a, b]) {
      await tab.reload();
      assert.deepEqual(shown(await settled(tab, 4)), want, 'and so does a reload');
    }
    browser.assertNoErrors();
  });
});
