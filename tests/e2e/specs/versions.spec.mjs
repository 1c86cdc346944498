// Owns the versions spec: editing a question or regenerating a reply keeps every version,
// "‹ 2 / 3 ›" flips between them (buttons and Alt+←/→), what is sent follows the path shown,
// forks, deleting a message with what follows it (and Undo), reload, export and import, and
// two tabs adding different versions to one conversation.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests, startServers } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage, NAV, UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true });
});
after(() => closeSession({ servers, browser }));
beforeEach(async () => {
  servers.mock.reset();
  await chat.newChat();
  await chat.settle();
});

const item = (index) => chat.items.nth(index);
const action = (index, name) => chat.messageAction(item(index), name);
const texts = async () => (await chat.messages()).map((m) => m.text);
/** "2 / 3" under message `index`, or null without other versions. */
const versionOf = async (index) => {
  const v = item(index).locator('.version-number');
  return (await v.count()) ? (await v.innerText()).trim() : null;
};
const previous = (index) => item(index).getByRole('button', { name: 'Previous version', exact: true });
const next = (index) => item(index).getByRole('button', { name: 'Next version', exact: true });

/** Wait until the transcript shows exactly `expected` (texts), every reply finished. */
async function shows(expected, message = 'the transcript') {
  return chat.waitUntil(
    async () => {
      const all = await chat.messages();
      const done = all.every((m) => m.status !== 'streaming');
      return done && JSON.stringify(all.map((m) => m.text)) === JSON.stringify(expected) ? all : null;
    },
    { timeout: 15_000, message: `${message}: ${JSON.stringify(expected)}` },
  ).catch(async (e) => {
    assert.deepEqual(await texts(), expected, message);
    throw e;
  });
}

/** Edit the user message at `index` to `text` and resend it. */
async function editAndResend(index, text) {
  await action(index, NAV.actions.edit).click();
  await chat.messageEditor.fill(text);
  await chat.saveEditButton.click();
}

describe('versions', { timeout: 240_000 }, () => {
  it('edit and resend keeps the original question and its reply, reachable by Previous version', async () => {
    servers.mock.configure({ queue: [{ replyText: 'Paris.' }, { replyText: 'Rome.' }] });
    await chat.sendAndWait('Capital of France?');
    await editAndResend(0, 'Capital of Italy?');
    await shows(['Capital of Italy?', 'Rome.'], 'the edited question and its reply');
    assert.equal((await chat.focused()).label, 'Message', 'the keyboard is back in the message box');
    assert.equal(await versionOf(0), '2 / 2');
    const sent = chatRequests(servers.mock)[1].body.messages.map((m) => m.content);
    assert.deepEqual(sent, [UI.defaultSystemPrompt, 'Capital of Italy?'], 'only the new version is sent');

    await previous(0).click();
    await shows(['Capital of France?', 'Paris.'], 'the original question and its reply');
    assert.equal(await versionOf(0), '1 / 2');
    assert.equal(
      await chat.page.evaluate(() => document.activeElement?.getAttribute('aria-label')),
      'Next version',
      'the keyboard stays on the switcher',
    );
    // What is sent next follows the version shown.
    servers.mock.configure({ queue: [{ replyText: 'About two million.' }] });
    await chat.sendAndWait('And its population?');
    const request = chatRequests(servers.mock).at(-1).body.messages.map((m) => m.content);
    assert.deepEqual(request, [UI.defaultSystemPrompt, 'Capital of France?', 'Paris.', 'And its population?']);
    browser.assertNoErrors();
  });

  it('regenerate three times, then flip with the buttons and with Alt+← and Alt+→', async () => {
    servers.mock.configure({
      queue: ['One.', 'Two.', 'Three.', 'Four.'].map((replyText) => ({ replyText })),
    });
    await chat.sendAndWait('Count for me');
    for (const [n, reply] of [[2, 'Two.'], [3, 'Three.'], [4, 'Four.']]) {
      // With the keyboard: Regenerate has the focus, Enter presses it.
      await action(1, NAV.actions.regenerate).focus();
      await chat.page.keyboard.press('Enter');
      await shows(['Count for me', reply], `regeneration ${n - 1}`);
      assert.equal((await chat.focused()).label, 'Message', 'the keyboard waits in the message box');
      assert.equal(await versionOf(1), `${n} / ${n}`);
    }
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 4);
    for (const r of requests.slice(1)) {
      assert.deepEqual(r.body.messages.map((m) => m.content), [UI.defaultSystemPrompt, 'Count for me'], 'an old version is never sent');
    }
    await previous(1).click();
    await shows(['Count for me', 'Three.']);
    // The keyboard: Alt+← and Alt+→ on the focused message. The version shown is a new
    // row; the keyboard is on its switcher as soon as it is in the page, so a key pressed
    // right after flips again instead of landing on the page.
    await chat.watchFocusOnChange('ol.messages');
    await chat.page.keyboard.press('Alt+ArrowLeft');
    await shows(['Count for me', 'Two.']);
    const atChange = await chat.focusAtChange();
    assert.equal(atChange.label, 'Previous version', `the keyboard as the new row arrives (${JSON.stringify(atChange)})`);
    await chat.page.keyboard.press('Alt+ArrowLeft');
    await shows(['Count for me', 'One.']);
    assert.equal(await versionOf(1), '1 / 4');
    assert.equal(await previous(1).isDisabled(), true, 'nothing before the first');
    await chat.page.keyboard.press('Alt+ArrowRight');
    await shows(['Count for me', 'Two.']);
    await next(1).click();
    await shows(['Count for me', 'Three.']);
    assert.ok(chat.page.url().startsWith(servers.appUrl), 'Alt+← flipped a version and did not go Back');
    browser.assertNoErrors();
  });

  it('a regeneration that fails before any text shows the reply before it again, and says so', async () => {
    servers.mock.configure({ queue: [{ replyText: 'The reply to keep.' }, { status: 401, errorMessage: 'Incorrect API key provided.' }] });
    await chat.sendAndWait('Answer me');
    await action(1, NAV.actions.regenerate).click();
    await chat.noticeBanner.waitFor({ timeout: 10_000 });
    const lines = await chat.noticeLines();
    assert.ok(
      lines.some((l) => l.startsWith('The new version of the reply failed (Incorrect API key provided.); the one before it is shown.')),
      JSON.stringify(lines),
    );
    await shows(['Answer me', 'The reply to keep.'], 'the earlier reply, shown again');
    assert.deepEqual((await chat.messages()).map((m) => m.status), ['complete', 'complete'], 'the question is not marked failed');
    assert.equal(await versionOf(1), null, 'the empty version is not kept');
    await chat.button(UI.buttons.dismiss).click();
    // The browser logs the refused request itself; nothing else.
    browser.assertNoErrors({ allow: [/status of 401/] });
    browser.clearErrors();
  });

  it('the chosen path survives a reload', async () => {
    servers.mock.configure({ queue: [{ replyText: 'First answer.' }, { replyText: 'Second answer.' }, { replyText: 'Later.' }] });
    await chat.sendAndWait('Question');
    await action(1, NAV.actions.regenerate).click();
    await shows(['Question', 'Second answer.']);
    await previous(1).click();
    await shows(['Question', 'First answer.']);
    await chat.sendAndWait('Follow-up');
    await chat.reload();
    await shows(['Question', 'First answer.', 'Follow-up', 'Later.'], 'after a reload');
    assert.equal(await versionOf(1), '1 / 2');
    browser.assertNoErrors();
  });

  it('fork starts a new chat with the path up to a message; the original is unchanged', async () => {
    servers.mock.configure({ queue: [{ replyText: 'A1.' }, { replyText: 'A2.' }, { replyText: 'Forked reply.' }] });
    await chat.sendAndWait('Q1');
    await chat.sendAndWait('Q2');
    const original = (await chat.storedIndex()).current;
    await action(1, 'Fork').click();
    await shows(['Q1', 'A1.'], 'the fork');
    const fork = (await chat.storedIndex()).current;
    assert.notEqual(fork, original, 'the fork is a new conversation, and it is open');
    await chat.sendAndWait('Q2, asked differently');
    assert.deepEqual(
      chatRequests(servers.mock).at(-1).body.messages.map((m) => m.content),
      [UI.defaultSystemPrompt, 'Q1', 'A1.', 'Q2, asked differently'],
    );
    const stored = await chat.storedConversation(original);
    assert.deepEqual(stored.messages.map((m) => m.content), ['Q1', 'A1.', 'Q2', 'A2.'], 'the original keeps its messages');
    browser.assertNoErrors();
  });

  it('delete asks whether what follows goes too; Undo brings every version back', async () => {
    servers.mock.configure({ queue: ['A1.', 'A2.', 'A2 again.'].map((replyText) => ({ replyText })) });
    await chat.sendAndWait('Q1');
    await chat.sendAndWait('Q2');
    await action(3, NAV.actions.regenerate).click();
    await shows(['Q1', 'A1.', 'Q2', 'A2 again.']);
    const id = (await chat.storedIndex()).current;

    const focusedText = () => chat.page.evaluate(() => document.activeElement?.innerText?.trim() ?? null);
    await action(1, NAV.actions.delete).click();
    const choice = item(1).getByRole('group', { name: 'Delete which messages' });
    await choice.waitFor();
    await chat.waitUntil(async () => (await focusedText()) === 'Delete this message only', {
      timeout: 2_000,
      message: 'the keyboard on the choice',
    });
    await chat.page.keyboard.press('Escape');
    await choice.waitFor({ state: 'detached', timeout: 2_000 });
    await chat.waitUntil(async () => (await focusedText()) === 'Delete', { timeout: 2_000, message: 'the keyboard back on Delete' });
    assert.deepEqual(await texts(), ['Q1', 'A1.', 'Q2', 'A2 again.'], 'Escape deletes nothing');
    await action(1, NAV.actions.delete).click();
    await choice.getByRole('button', { name: 'Cancel', exact: true }).click();
    assert.deepEqual(await texts(), ['Q1', 'A1.', 'Q2', 'A2 again.'], 'Cancel deletes nothing');

    await action(1, NAV.actions.delete).click();
    await choice.getByRole('button', { name: 'Delete it and the 3 messages below', exact: true }).click();
    await shows(['Q1'], 'the reply and every version below it are gone');
    assert.deepEqual(await chat.storedTexts(id), ['Q1']);
    await chat.undoToast.waitFor({ timeout: 5_000 });
    assert.match(await chat.undoToast.innerText(), /Deleted 4 messages\./);
    await chat.button(NAV.undo).click();
    await shows(['Q1', 'A1.', 'Q2', 'A2 again.'], 'Undo shows the path as it was');
    assert.equal(await versionOf(3), '2 / 2');
    assert.deepEqual(await chat.storedTexts(id), ['A1.', 'A2 again.', 'A2.', 'Q1', 'Q2']);

    // Deleting only the reply keeps what followed it.
    await action(1, NAV.actions.delete).click();
    await choice.getByRole('button', { name: 'Delete this message only', exact: true }).click();
    await shows(['Q1', 'Q2', 'A2 again.']);
    browser.assertNoErrors();
  });

  it('stats count every version; the inspector says only the path shown is sent', async () => {
    servers.mock.configure({ queue: [{ replyText: 'Old.' }, { replyText: 'New.' }] });
    await chat.sendAndWait('Price me');
    await action(1, NAV.actions.regenerate).click();
    await shows(['Price me', 'New.']);
    await chat.openInspector();
    const count = await chat.page.getByTestId('message-count').innerText();
    assert.match(count, /^2 shown · 1 on other versions/);
    const note = await chat.page.getByTestId('path-note').innerText();
    assert.equal(
      note,
      'Only the versions shown in the chat are sent: the 2 messages of this path. The 1 message on other versions is kept, not sent.',
    );
    const payload = JSON.parse(await chat.page.getByTestId('next-request').innerText());
    assert.ok(!JSON.stringify(payload).includes('Old.'), 'the other version is not in the next request');
    browser.assertNoErrors();
  });

  it('the JSON export holds every version and imports back with them; Markdown holds the path shown', async () => {
    servers.mock.configure({ queue: [{ replyText: 'Kept one.' }, { replyText: 'Kept two.' }] });
    await chat.sendAndWait('Export my versions');
    await action(1, NAV.actions.regenerate).click();
    await shows(['Export my versions', 'Kept two.']);
    const json = await chat.exportFile('json');
    const exported = JSON.parse(json.text).conversations[0];
    assert.deepEqual(
      [...exported.messages, ...exported.branches].map((m) => m.content).sort(),
      ['Export my versions', 'Kept one.', 'Kept two.'],
    );
    const markdown = await chat.exportFile('markdown');
    assert.ok(markdown.text.includes('Kept two.') && !markdown.text.includes('Kept one.'), 'Markdown holds the path shown');

    const before = (await chat.storedIndex()).current;
    await chat.importFile(json.text, json.name);
    await chat.waitUntil(async () => (await chat.storedIndex()).current !== before, {
      timeout: 5_000,
      message: 'the import to open',
    });
    await shows(['Export my versions', 'Kept two.'], 'the import');
    assert.equal(await versionOf(1), '2 / 2');
    await previous(1).click();
    await shows(['Export my versions', 'Kept one.'], 'the other version, imported');
    browser.assertNoErrors();
  });
});

describe('versions in two tabs', { timeout: 120_000 }, () => {
  it('two tabs adding different versions to one conversation keep both', async (t) => {
    const own = await startServers();
    const two = await launchBrowser();
    t.after(async () => {
      await two.close();
      await own.close();
    });
    const a = new ChatPage(two.page, own);
    await a.goto();
    await a.configureForMock({ remember: true });
    own.mock.configure({ queue: [{ replyText: 'Shared reply.' }] });
    await a.sendAndWait('Shared question');
    const b = new ChatPage(await two.context.newPage(), own);
    await b.goto();
    await b.waitUntil(async () => (await b.messages()).length === 2, { timeout: 10_000, message: 'tab B shows the chat' });

    own.mock.configure({ queue: [{ replyText: 'Regenerated in A.' }, { replyText: 'Answer to B.' }] });
    await a.messageAction(a.items.nth(1), NAV.actions.regenerate).click();
    await a.waitUntil(async () => (await a.messages()).at(-1)?.text === 'Regenerated in A.', { timeout: 15_000, message: 'A' });
    await b.messageAction(b.items.nth(0), NAV.actions.edit).click();
    await b.messageEditor.fill('Question asked in B');
    await b.saveEditButton.click();
    await b.waitUntil(async () => (await b.messages()).at(-1)?.text === 'Answer to B.', { timeout: 15_000, message: 'B' });

    const all = ['Answer to B.', 'Question asked in B', 'Regenerated in A.', 'Shared question', 'Shared reply.'];
    await a.waitUntil(async () => JSON.stringify(await a.storedTexts()) === JSON.stringify(all), {
      timeout: 10_000,
      message: 'every version stored',
    }).catch(async (e) => {
      assert.deepEqual(await a.storedTexts(), all);
      throw e;
    });
    // Each tab shows its own path and reaches the other tab's version.
    assert.deepEqual((await b.messages()).map((m) => m.text), ['Question asked in B', 'Answer to B.']);
    await b.items.nth(0).getByRole('button', { name: 'Previous version', exact: true }).click();
    await b.waitUntil(async () => (await b.messages())[0]?.text === 'Shared question', { timeout: 5_000, message: 'the first version in B' });
    assert.equal(await b.items.nth(1).locator('.version-number').innerText(), `${(await b.messages())[1].text === 'Shared reply.' ? 1 : 2} / 2`, "A's reply is a version in B");
    await a.reload();
    await a.waitUntil(async () => (await a.messages()).length === 2, { timeout: 10_000, message: 'A after a reload' });
    assert.equal(await a.items.nth(0).locator('.version-number').innerText(), '1 / 2', "B's question is a version in A");
  });
});
