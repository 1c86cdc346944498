// Owns the keyboard-only spec: with many conversations stored, from a fresh load, Settings,
// the message box, the conversation list, sending, stopping, switching chats, editing and
// resending and deleting are each a handful of key presses away, and the keyboard lands
// somewhere sensible after a dialog closes or the open chat is deleted.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';
import { FIXTURE_TITLE, layoutExport } from '../fixtures/layout_fixture.mjs';

/** The class of a row's open button (not "open-settings"). */
const ROW = /(^| )open( |$)/;

/** Most key presses any of these may take. */
const HANDFUL = 6;

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true });
  await chat.importFile(layoutExport({ others: 42 }), 'many.json');
  await chat.waitUntil(async () => (await chat.conversationTitles()).includes(FIXTURE_TITLE), {
    message: 'the conversations to be imported',
  });
});
after(() => closeSession({ servers, browser }));

const press = (keys) => chat.page.keyboard.press(keys);
/** What has focus: its tag, accessible name or text, and classes. */
const focused = () =>
  chat.page.evaluate(() => {
    const el = document.activeElement;
    return {
      tag: el?.tagName ?? null,
      name: (el?.getAttribute('aria-label') || el?.textContent || '').trim(),
      className: el?.className ?? '',
      title: el?.getAttribute('title') ?? null,
    };
  });

/** Press Tab until `test(focused)` holds; returns how many presses it took (or fails). */
async function tabUntil(test, what, limit = 40) {
  for (let n = 1; n <= limit; n++) {
    await press('Tab');
    if (test(await focused())) return n;
  }
  assert.fail(`${what} was not reached in ${limit} Tab presses`);
}

/** A fresh load with the focus nowhere in particular. */
async function freshLoad() {
  await chat.reload();
  await chat.page.evaluate(() => document.activeElement?.blur());
}

describe('keyboard only, with 43 conversations', { timeout: 180_000 }, () => {
  it('reaches Settings in a handful of Tabs, or with Ctrl+,', async () => {
    await freshLoad();
    const tabs = await tabUntil((f) => f.name === UI.buttons.settings, 'Settings');
    assert.ok(tabs <= HANDFUL, `Settings took ${tabs} Tab presses`);
    await press('Escape');
    await freshLoad();
    await press('Control+Comma');
    await chat.waitForSettings('visible');
    await press('Escape');
    await chat.waitForSettings('hidden');
  });

  it('the first Tab offers to skip to the message box', async () => {
    await freshLoad();
    await press('Tab');
    assert.equal((await focused()).name, 'Skip to the message box');
    await press('Enter');
    assert.equal((await focused()).name, UI.composer);
  });

  it('the conversation list is one Tab stop; arrows move in it and Enter opens a chat', async () => {
    await freshLoad();
    const tabs = await tabUntil((f) => ROW.test(f.className), 'the conversation list');
    assert.ok(tabs <= HANDFUL + 2, `the list took ${tabs} Tab presses`);
    await press('Home');
    const first = await focused();
    const titles = await chat.conversationTitles();
    assert.equal(first.title, titles[0], 'Home reached the first row');
    await press('ArrowDown');
    await press('ArrowDown');
    const third = await focused();
    assert.equal(third.title, titles[2], 'two ArrowDowns reached the third row');
    assert.notEqual(third.title, first.title, `ArrowDown moved to another row (${JSON.stringify([first, third])})`);
    await press('Enter');
    await chat.settle();
    assert.equal(await chat.page.locator('header h1').textContent(), third.title, 'Enter opened it');
    // One Tab leaves the list: past every other row.
    await press('Tab');
    assert.doesNotMatch((await focused()).className, ROW, 'Tab left the list');
  });

  it('sends with Enter, stops with Esc, edits and resends with ↑ and Ctrl+Enter', async () => {
    await chat.newChat();
    await chat.composer.focus();
    await chat.page.keyboard.type('Say something long.');
    servers.mock.configure({ delayMs: 60, replyWords: 300 });
    await press('Enter');
    await chat.waitForStreamingText((t) => t.split(' ').length >= 3);
    await press('Escape');
    await chat.waitForAssistantStatus('stopped', { timeout: 5_000 });
    servers.mock.reset();

    await chat.composer.focus();
    await press('ArrowUp');
    assert.equal((await focused()).name, 'Edit message', 'ArrowUp opened the editor');
    await press('End');
    await chat.page.keyboard.type(' Shorter, please.');
    // Resending still asks before it replaces the reply that followed.
    chat.page.once('dialog', (dialog) => dialog.accept());
    await press('Control+Enter');
    await chat.waitForAssistantDone();
    const last = chatRequests(servers.mock).at(-1).body.messages.at(-1);
    assert.deepEqual(last, { role: 'user', content: 'Say something long. Shorter, please.' });
  });

  it('closing a dialog gives the keyboard back; deleting the open chat keeps it in the list', async () => {
    await chat.composer.focus();
    await press('Control+Comma');
    await chat.waitForSettings('visible');
    await press('Escape');
    await chat.waitForSettings('hidden');
    assert.equal((await focused()).name, UI.composer, 'back in the message box');

    await chat.openConversation('Chat 5');
    await chat.conversationRow('Chat 5').locator('button.open').focus();
    // Where the keyboard is at the very moment the row leaves the list: a screen reader
    // announces it then, and a key pressed then must not land on the page.
    await chat.watchFocusOnChange('.conversation-list');
    await press('Delete');
    await chat.undoToast.waitFor({ timeout: 5_000 });
    const atRemoval = await chat.focusAtChange();
    assert.match(atRemoval.className, ROW, `the keyboard is on a row as the deleted one goes (${JSON.stringify(atRemoval)})`);
    assert.equal(atRemoval.text, 'Chat 4', 'the row that takes its place');
    const after = await focused();
    assert.match(after.className, ROW, `the keyboard is on a row of the list, not lost (${JSON.stringify(after)})`);
    assert.ok(!(await chat.conversationTitles()).includes('Chat 5'), 'deleted');
  });
});
