// Owns the keyboard spec: every shortcut the help dialog lists, the theme toggle and its
// persistence, and the transcript that follows a streaming reply until the user scrolls up.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatRequests } from '../fixtures/servers.mjs';
import { NAV, UI } from '../fixtures/chat_page.mjs';
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

/** Move the focus out of every text field. */
const blur = () => chat.page.evaluate(() => document.activeElement?.blur());
const press = (keys) => chat.page.keyboard.press(keys);
const composerFocused = async () => (await chat.focused()).label === UI.composer;

/** Wait until the mock has seen the client leave the request `entry`. */
const waitForAbort = (entry) =>
  chat.waitUntil(() => entry.aborted, { timeout: 5_000, message: 'the request to be aborted' });

describe('keyboard shortcuts', { timeout: 180_000 }, () => {
  beforeEach(async () => {
    servers.mock.reset();
    await chat.newChat();
    await chat.settle();
  });

  it('Enter sends; Shift+Enter starts a new line', async () => {
    await chat.composer.fill('');
    await chat.composer.pressSequentially('first line');
    await chat.composer.press('Shift+Enter');
    await chat.composer.pressSequentially('second line');
    assert.equal(await chat.composerValue(), 'first line\nsecond line');

    // The first request is the submitted one: Shift+Enter sent nothing before it.
    await chat.submit();
    await chat.waitForAssistantDone();
    assert.equal(chatRequests(servers.mock).length, 1, 'one request, for the submitted message');
    assert.equal(chatRequests(servers.mock)[0].body.messages.at(-1).content, 'first line\nsecond line');
    assert.equal(await chat.composerValue(), '');
  });

  it('Esc stops the streaming reply, from the composer or anywhere on the page', async () => {
    servers.mock.configure({ delayMs: 60, replyWords: 300 });
    for (const where of ['composer', 'page']) {
      await chat.send(`Tell me a long story (${where})`);
      await chat.waitForStreamingText((t) => t.split(' ').length >= 5);
      if (where === 'composer') await chat.composer.press('Escape');
      else {
        await blur();
        await press('Escape');
      }
      const stopped = await chat.waitForAssistantStatus('stopped', { timeout: 5_000 });
      assert.ok(stopped.text.length > 0, 'the partial reply is kept');
      await waitForAbort(chatRequests(servers.mock).at(-1));
      await chat.sendButton.waitFor({ timeout: 5_000 });
    }
  });

  it('Esc closes the shortcuts dialog without stopping the reply', async () => {
    servers.mock.configure({ delayMs: 40, replyWords: 60 });
    await chat.send('A reply that goes on');
    await chat.waitForStreamingText();
    await chat.button(NAV.shortcutsButton).click();
    await chat.shortcutsDialog.waitFor({ timeout: 5_000 });
    await press('Escape');
    await chat.shortcutsDialog.waitFor({ state: 'hidden', timeout: 5_000 });
    const done = await chat.waitForAssistantDone();
    assert.equal(done.status, 'complete', 'the reply went on to the end');
    assert.equal(chatRequests(servers.mock)[0].aborted, false);
  });

  it('↑ in an empty composer edits the last user message; not when the composer has text', async () => {
    await chat.sendAndWait('First message');
    await chat.sendAndWait('Last message');
    await chat.composer.fill('draft text');
    await chat.composer.press('ArrowUp');
    await sleep(200);
    assert.equal(await chat.messageEditor.count(), 0, 'no editor while the composer has text');
    assert.equal(await chat.composerValue(), 'draft text');

    await chat.composer.fill('');
    await chat.composer.press('ArrowUp');
    await chat.messageEditor.waitFor({ timeout: 5_000 });
    assert.equal(await chat.messageEditor.inputValue(), 'Last message');
    assert.equal((await chat.focused()).label, NAV.editField, 'the editor has focus');
    assert.equal(
      await chat.itemsOf('user').last().getByRole('textbox', { name: NAV.editField, exact: true }).count(),
      1,
      'the editor is in the last user message',
    );

    await chat.messageEditor.press('Escape');
    await chat.messageEditor.waitFor({ state: 'detached', timeout: 5_000 });
    assert.deepEqual(
      (await chat.messages()).map((m) => m.text).filter((_, i) => i % 2 === 0),
      ['First message', 'Last message'],
    );
  });

  it('Ctrl+Shift+O starts a new chat and focuses the composer', async () => {
    await chat.sendAndWait('A conversation to leave');
    const before = (await chat.storedIndex()).current;
    await blur();
    await press('Control+Shift+O');
    await chat.waitUntil(async () => (await chat.messages()).length === 0, { timeout: 5_000, message: 'a new chat' });
    assert.equal(await chat.page.locator('h1').innerText(), 'New chat');
    assert.ok(await composerFocused(), 'the composer has focus');
    const index = await chat.storedIndex();
    assert.notEqual(index.current, before);
    assert.ok(index.conversations.some((c) => c.id === before), 'the old conversation is kept');

    // From inside the composer too.
    await chat.sendAndWait('Another conversation');
    await chat.composer.focus();
    await press('Control+Shift+O');
    await chat.waitUntil(async () => (await chat.messages()).length === 0, { timeout: 5_000, message: 'a new chat' });
    assert.ok(await composerFocused());
  });

  it('"/" outside a text field focuses the composer; inside one it is typed', async () => {
    await chat.composer.fill('');
    await blur();
    assert.equal(await composerFocused(), false);
    await press('/');
    await chat.waitUntil(composerFocused, { timeout: 5_000, message: 'the composer to take focus' });
    assert.equal(await chat.composerValue(), '', 'the "/" itself is not typed');

    await press('/');
    assert.equal(await chat.composerValue(), '/', 'in the composer "/" is just a character');

    await chat.searchBox.focus();
    await press('/');
    assert.equal(await chat.searchBox.inputValue(), '/', 'in the search box too');
    assert.equal((await chat.focused()).label, NAV.search);
    await chat.searchBox.fill('');
    await chat.composer.fill('');
  });

  it('"?" and the Shortcuts button open the "Keyboard shortcuts" dialog; Close closes it', async () => {
    assert.equal(await chat.shortcutsDialog.count(), 0);
    await blur();
    await press('?');
    await chat.shortcutsDialog.waitFor({ timeout: 5_000 });
    const listed = await chat.shortcutsDialog.locator('dl').evaluate((dl) =>
      [...dl.querySelectorAll('dt')].map((dt) => [dt.innerText.trim(), dt.nextElementSibling?.innerText.trim()]),
    );
    assert.deepEqual(listed, [
      ['Enter', 'Send the message'],
      ['Shift+Enter', 'New line in the message'],
      ['Esc', 'Stop the reply that is streaming'],
      ['↑ in an empty message box', 'Edit your last message'],
      ['Ctrl+Enter in the message editor', 'Save the edit and resend'],
      ['Alt+← Alt+→ on a message with versions', 'Show its previous or next version'],
      ['Ctrl+Shift+O', 'New chat'],
      ['Ctrl+, (⌘+, on a Mac)', 'Open Settings'],
      ['Tab on the first key press', 'Skip to the message box'],
      [
        '↑ ↓ Home End in the conversation list',
        'Move between conversations (→ reaches Rename and Delete; F2 renames, Delete deletes)',
      ],
      ['/', 'Focus the message box'],
      ['?', 'Show these shortcuts'],
    ]);
    await chat.shortcutsDialog.getByRole('button', { name: NAV.close, exact: true }).click();
    await chat.shortcutsDialog.waitFor({ state: 'hidden', timeout: 5_000 });

    await chat.button(NAV.shortcutsButton).click();
    await chat.shortcutsDialog.waitFor({ timeout: 5_000 });
    await chat.shortcutsDialog.getByRole('button', { name: NAV.close, exact: true }).click();
    await chat.shortcutsDialog.waitFor({ state: 'hidden', timeout: 5_000 });

    // In the composer "?" is a character.
    await chat.composer.fill('');
    await chat.composer.press('?');
    await sleep(200);
    assert.equal(await chat.shortcutsDialog.count(), 0, 'no dialog');
    assert.equal(await chat.composerValue(), '?');
    await chat.composer.fill('');
    browser.assertNoErrors();
  });
});

describe('theme', { timeout: 60_000 }, () => {
  const LIGHT_BG = 'rgb(255, 255, 255)';
  const DARK_BG = 'rgb(13, 17, 23)';
  const background = () => chat.page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

  it('cycles system → light → dark → system, sets data-theme and survives a reload', async () => {
    await chat.themeButton.waitFor();
    assert.equal(await chat.themeButton.innerText(), NAV.theme.auto);
    assert.equal(await chat.theme(), 'auto');

    await chat.themeButton.click();
    assert.equal(await chat.themeButton.innerText(), NAV.theme.light);
    assert.equal(await chat.theme(), 'light');
    assert.equal(await chat.storedData(NAV.themeKey), 'light');

    await chat.themeButton.click();
    assert.equal(await chat.themeButton.innerText(), NAV.theme.dark);
    assert.equal(await chat.theme(), 'dark');
    const dark = await background();
    assert.equal(dark, DARK_BG);

    await chat.reload();
    assert.equal(await chat.themeButton.innerText(), NAV.theme.dark, 'the choice survives a reload');
    assert.equal(await chat.theme(), 'dark');
    assert.equal(await background(), dark);

    await chat.themeButton.click();
    assert.equal(await chat.themeButton.innerText(), NAV.theme.auto);
    assert.equal(await chat.theme(), 'auto');
    await chat.reload();
    assert.equal(await chat.theme(), 'auto');
    assert.equal(await chat.themeButton.innerText(), NAV.theme.auto);
    browser.assertNoErrors();
  });

  it('"system" follows the system colour scheme; light and dark override it', async () => {
    try {
      const seen = {};
      for (const scheme of ['light', 'dark']) {
        await chat.page.emulateMedia({ colorScheme: scheme });
        seen[scheme] = {};
        for (const theme of ['auto', 'light', 'dark']) {
          assert.equal(await chat.theme(), theme);
          seen[scheme][theme] = await background();
          await chat.themeButton.click();
        }
      }
      assert.deepEqual(seen, {
        light: { auto: LIGHT_BG, light: LIGHT_BG, dark: DARK_BG },
        dark: { auto: DARK_BG, light: LIGHT_BG, dark: DARK_BG },
      });
    } finally {
      await chat.page.emulateMedia({ colorScheme: null });
    }
  });
});

describe('following a streaming reply', { timeout: 120_000 }, () => {
  it('stops following when scrolled up, offers "Jump to latest ↓", and follows again after it', async () => {
    servers.mock.reset();
    await chat.newChat();
    // Enough history that the transcript scrolls.
    servers.mock.configure({ replyWords: 300, delayMs: 0, chunkWords: 50 });
    for (const text of ['Fill the screen, please', 'And some more', 'And a little more']) await chat.sendAndWait(text);
    servers.mock.configure({ replyWords: 300, delayMs: 60, chunkWords: 1 });

    await chat.send('Now stream slowly');
    await chat.waitForStreamingText((t) => t.split(' ').length >= 10);
    await chat.waitUntil(async () => (await chat.transcriptScroll()).gap <= 48, {
      timeout: 5_000,
      message: 'the transcript to follow the reply',
    });
    assert.equal(await chat.jumpButton.count(), 0, 'no jump button while following');
    const start = await chat.transcriptScroll();
    assert.ok(start.height > start.client * 2, `the transcript overflows (${JSON.stringify(start)})`);

    // Scroll up, as with a mouse wheel.
    const transcript = chat.page.locator(NAV.transcriptCss);
    const box = await transcript.boundingBox();
    await chat.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await chat.page.mouse.wheel(0, -5000);
    await transcript.evaluate((el) => {
      el.scrollTop = 0;
      el.dispatchEvent(new WheelEvent('wheel', { deltaY: -500, bubbles: true }));
    });
    await chat.jumpButton.waitFor({ timeout: 5_000 });

    // The reply goes on streaming, and the view stays where the user put it.
    const textBefore = (await chat.lastMessage('assistant')).text;
    await sleep(1_000);
    assert.equal((await chat.lastMessage('assistant')).status, 'streaming');
    assert.ok((await chat.lastMessage('assistant')).text.length > textBefore.length, 'more text arrived meanwhile');
    const up = await chat.transcriptScroll();
    assert.ok(up.top <= 5, `the view stayed at the top (${JSON.stringify(up)})`);
    assert.ok(await chat.jumpButton.isVisible());

    await chat.jumpButton.click();
    await chat.waitUntil(async () => (await chat.transcriptScroll()).gap <= 48, {
      timeout: 2_000,
      message: 'the view to jump to the bottom',
    });
    await chat.jumpButton.waitFor({ state: 'detached', timeout: 5_000 });

    // Following again: later chunks keep the view at the bottom.
    await sleep(1_000);
    assert.equal((await chat.lastMessage('assistant')).status, 'streaming', 'the reply is still streaming');
    const following = await chat.transcriptScroll();
    assert.ok(following.gap <= 48, `the view follows the reply (${JSON.stringify(following)})`);
    await chat.stop();
    await chat.waitForAssistantStatus('stopped', { timeout: 5_000 });
    browser.assertNoErrors();
  });
});
