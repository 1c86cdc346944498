// Owns the accessibility check: axe-core on the main views (first visit with settings
// open, the empty chat behind it, a chat with messages and the context inspector, the
// shortcuts dialog, the layout fixture at phone width in dark with a reply arriving) reports no
// serious or critical violations; the settings dialog keeps focus inside and returns it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { closeSession, openSession } from '../fixtures/session.mjs';
import { FIXTURE_TITLE, layoutExport } from '../fixtures/layout_fixture.mjs';

const require = createRequire(import.meta.url);
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
});
after(() => closeSession({ servers, browser }));

/** Serious and critical axe violations on the page as it is now. */
async function violations() {
  const page = browser.page;
  // Evaluated through the debugging protocol, so the page's CSP does not block it.
  if (!(await page.evaluate(() => typeof window.axe === 'object'))) await page.evaluate(AXE);
  const result = await page.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe('accessibility', { timeout: 120_000 }, () => {
  it('first visit with the settings dialog open', async () => {
    await chat.goto();
    await chat.waitForSettings('visible');
    assert.deepEqual(await violations(), []);
  });

  it('the empty chat shown once the first Settings are closed', async () => {
    await chat.cancelSettings();
    await browser.page.getByRole('button', { name: 'Add a key in Settings', exact: true }).waitFor();
    assert.deepEqual(await violations(), []);
    await browser.page.getByRole('button', { name: 'Add a key in Settings', exact: true }).click();
    await chat.waitForSettings('visible');
  });

  it('the settings dialog keeps focus inside and gives it back', async () => {
    const page = browser.page;
    for (let i = 0; i < 25; i++) {
      await page.keyboard.press('Tab');
      const inside = await page.evaluate(() => !!document.activeElement?.closest('dialog[open]'));
      assert.ok(inside, `Tab ${i + 1} left the dialog`);
    }
    await chat.configureForMock({ remember: true });
    await chat.settingsButton.focus();
    await chat.settingsButton.press('Enter');
    await chat.waitForSettings('visible');
    await chat.cancelSettings();
    const back = await page.evaluate(() => document.activeElement?.textContent?.trim());
    assert.equal(back, 'Settings', 'focus returns to the Settings button');
  });

  it('a conversation with the context inspector open', async () => {
    await chat.sendAndWait('Hello, **world**. Here is `code`.');
    await chat.sendAndWait('And a second message.');
    await chat.openInspector();
    assert.deepEqual(await violations(), []);
  });

  it('the shortcuts dialog', async () => {
    await browser.page.getByRole('button', { name: 'Shortcuts' }).click();
    await browser.page.getByRole('dialog', { name: 'Keyboard shortcuts' }).waitFor();
    assert.deepEqual(await violations(), []);
    await browser.page.keyboard.press('Escape');
  });

  it('the chat settings dialog, with one group ticked', async () => {
    await browser.page.getByRole('button', { name: 'Chat settings', exact: true }).click();
    const dialog = browser.page.getByRole('dialog', { name: 'Chat settings', exact: true });
    await dialog.waitFor();
    await dialog.getByRole('checkbox', { name: 'Own model', exact: true }).check();
    assert.deepEqual(await violations(), []);
    await dialog.getByRole('button', { name: 'Cancel', exact: true }).click();
    await dialog.waitFor({ state: 'hidden' });
  });

  it('a long paste held out of the message box', async () => {
    await chat.composer.evaluate((el) => {
      const clipboardData = new DataTransfer();
      clipboardData.setData('text/plain', 'A long pasted line of text. '.repeat(5_000));
      el.dispatchEvent(new ClipboardEvent('paste', { clipboardData, bubbles: true, cancelable: true }));
    });
    await browser.page.getByTestId('held-paste').waitFor();
    assert.deepEqual(await violations(), []);
    await browser.page.getByRole('button', { name: 'Clear', exact: true }).click();
    await chat.composer.waitFor();
  });

  it('the layout fixture at phone width, dark, with the list open and a reply arriving', async () => {
    await chat.importFile(layoutExport({ others: 12 }), 'layout.json');
    await chat.waitUntil(async () => (await chat.conversationTitles()).includes(FIXTURE_TITLE), { message: 'the import' });
    await chat.openConversation(FIXTURE_TITLE);
    await browser.page.setViewportSize({ width: 390, height: 844 });
    await browser.page.emulateMedia({ colorScheme: 'dark' });
    servers.mock.configure({ firstByteDelayMs: 1_500, delayMs: 100, replyWords: 80 });
    await chat.send('A question in the dark.');
    await chat.lastAssistant.getByRole('status').waitFor({ timeout: 5_000 });
    assert.deepEqual(await violations(), [], 'waiting for the first words');
    await chat.waitForStreamingText((t) => t.split(' ').length >= 5);
    assert.deepEqual(await violations(), [], 'streaming');
    await chat.stop();
    await browser.page.getByRole('button', { name: 'Conversations', exact: true }).click();
    assert.deepEqual(await violations(), [], 'the conversation list over the chat');
    await browser.page.getByRole('button', { name: 'Conversations', exact: true }).click();
    await browser.page.setViewportSize({ width: 1280, height: 800 });
    await browser.page.emulateMedia({ colorScheme: 'light' });
    servers.mock.reset();
  });

  it('logged no errors in the page', () => {
    browser.assertNoErrors();
  });
});
