// Owns the visual and layout spec: at phone, tablet and desktop widths, in light and dark,
// over a conversation with a long code line, a wide table, right-to-left and mixed text,
// long words and URLs, many conversations and a streaming reply: the page never scrolls
// sideways, every header control is on screen, nothing sticks out of a dialog, and
// right-to-left text runs right to left. Saves the README's screenshots under docs/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { REPO_ROOT } from '../fixtures/servers.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';
import { ARABIC, FIXTURE_TITLE, MIXED, layoutExport, layoutProblems } from '../fixtures/layout_fixture.mjs';

const WIDTHS = [390, 768, 1280];
const HEIGHTS = { 390: 844, 768: 1024, 1280: 800 };
const THEMES = ['light', 'dark'];

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true });
  await chat.importFile(layoutExport(), 'layout.json');
  await chat.waitUntil(async () => (await chat.conversationTitles()).includes(FIXTURE_TITLE), {
    message: 'the fixture conversations to be imported',
  });
  await chat.openConversation(FIXTURE_TITLE);
  await chat.noticeBanner.getByRole('button', { name: 'Dismiss', exact: true }).click();
  await chat.settle();
});
after(() => closeSession({ servers, browser }));

/** Resize the page and switch the colour scheme; wait for the layout to settle. */
async function view(width, theme) {
  await chat.page.setViewportSize({ width, height: HEIGHTS[width] });
  await chat.page.emulateMedia({ colorScheme: theme });
  await chat.settle();
}

const dialogButton = (name) => chat.page.getByRole('dialog').getByRole('button', { name, exact: true });

describe('layout at every width', { timeout: 300_000 }, () => {
  for (const width of WIDTHS) {
    for (const theme of THEMES) {
      it(`${width} px, ${theme}: no sideways scroll, header on screen, dialogs hold their fields`, async () => {
        await view(width, theme);
        assert.deepEqual(await layoutProblems(chat.page), [], 'the chat');

        await chat.openSettings();
        await chat.modelSelect.selectOption({ label: 'Custom…' });
        await chat.settle();
        assert.deepEqual(await layoutProblems(chat.page), [], 'the settings dialog with a custom model');
        await chat.cancelSettings();

        await chat.button('Chat settings').click();
        await chat.page.getByRole('dialog', { name: 'Chat settings' }).waitFor();
        assert.deepEqual(await layoutProblems(chat.page), [], 'the chat settings dialog');
        await dialogButton('Cancel').click();
        await chat.page.getByRole('dialog', { name: 'Chat settings' }).waitFor({ state: 'hidden' });
      });
    }
  }

  it('the sidebar at phone width opens inside the screen with whole titles on hover', async () => {
    await view(390, 'light');
    await chat.button('Conversations').click();
    const box = await chat.sidebar.boundingBox();
    assert.ok(box.x >= 0 && box.x + box.width <= 390, `the list spans x ${box.x}–${box.x + box.width}`);
    const long = chat.sidebar.locator('li.conversation').filter({ hasText: 'Résumé' }).locator('button.open');
    assert.match(await long.getAttribute('title'), /^Résumé of a very long discussion about layouts that never seems to end/);
    await chat.button('Conversations').click();
  });
});

describe('the conversation list', () => {
  it('gives a title the width of its row and keeps Export / import in view', async () => {
    await view(1280, 'light');
    const row = chat.sidebar.locator('li.conversation').filter({ hasText: 'Résumé' });
    const [rowWidth, titleWidth] = await row.evaluate((li) => [
      li.getBoundingClientRect().width,
      li.querySelector('.title').getBoundingClientRect().width,
    ]);
    assert.ok(titleWidth >= rowWidth - 20, `the title is ${titleWidth} px of a ${rowWidth} px row`);
    const summary = await chat.sidebar.locator('summary', { hasText: 'Export / import' }).boundingBox();
    assert.ok(summary && summary.y + summary.height <= 800, `Export / import is at y ${summary?.y} with 43 chats listed`);
  });
});

describe('right-to-left text', () => {
  it('messages, titles and the message box follow the direction of their text', async () => {
    await view(1280, 'light');
    const direction = (locator) => locator.evaluate((el) => getComputedStyle(el).direction);
    assert.equal(await direction(chat.userItem(ARABIC).locator('.content')), 'rtl', 'an Arabic message');
    assert.equal(await direction(chat.itemsOf('assistant').last().locator('.content')), 'rtl', 'mixed text that starts in Arabic');
    assert.equal(await direction(chat.itemsOf('user').first().locator('.content')), 'ltr', 'an English message');
    assert.equal(await direction(chat.page.locator('header h1')), 'ltr');
    await chat.composer.fill(ARABIC);
    assert.equal(await direction(chat.composer), 'rtl', 'the message box');
    await chat.composer.fill('');
    await chat.renameConversation(FIXTURE_TITLE, MIXED);
    assert.equal(await direction(chat.page.locator('header h1')), 'rtl', 'the title in the header');
    assert.equal(await direction(chat.sidebar.locator('li.conversation .title').filter({ hasText: 'Mnemo' }).first()), 'rtl', 'the title in the list');
    await chat.renameConversation(MIXED, FIXTURE_TITLE);
  });
});

describe('a streaming reply', { timeout: 120_000 }, () => {
  it('holds the layout at phone and desktop width; the screenshots for the README', async () => {
    servers.mock.configure({ delayMs: 250, replyWords: 400 });
    await view(1280, 'light');
    await chat.send('Tell me about right-to-left text in chat apps.');
    await chat.waitForStreamingText((t) => t.split(' ').length >= 12);
    assert.deepEqual(await layoutProblems(chat.page), []);
    await chat.page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshot-desktop.png') });
    await view(390, 'dark');
    assert.deepEqual(await layoutProblems(chat.page), []);
    await chat.page.screenshot({ path: path.join(REPO_ROOT, 'docs', 'screenshot-phone.png') });
    await chat.stop();
  });
});
