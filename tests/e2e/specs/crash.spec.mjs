// Owns the crash spec: if the app's wasm stops (a trap), the page says so, says the saved
// conversations are safe and offers a Reload that brings them back; and the sidebar search
// that used to stop it (a title of two 'Ⱥ' and a Kelvin sign, searched for "k").
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
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

/** Forget every conversation (the settings stay) and start the app again. */
async function forgetConversations() {
  await chat.forgetConversations();
  servers.mock.reset();
  browser.clearErrors();
}

/** Start a new chat and send `text`, waiting for the reply and for the conversation to be stored. */
async function conversation(text) {
  await chat.newChat();
  await chat.settle();
  await chat.sendAndWait(text);
  await chat.waitUntil(async () => (await chat.storedIndex())?.conversations?.some((c) => c.title === text), {
    timeout: 5_000,
    message: `"${text}" to be stored`,
  });
}

const crashDialog = () => chat.page.getByRole('alertdialog', { name: 'Mnemo stopped working', exact: true });

/** Wait until the sidebar lists exactly `titles`, in order. */
async function expectTitles(titles, message = 'the sidebar titles') {
  try {
    await chat.waitUntil(async () => JSON.stringify(await chat.conversationTitles()) === JSON.stringify(titles), {
      timeout: 5_000,
      message,
    });
  } catch {
    assert.deepEqual(await chat.conversationTitles(), titles, message);
  }
}

describe('when the app stops', { timeout: 120_000 }, () => {
  beforeEach(forgetConversations);

  it('a trap shows an alert dialog; Reload starts the app again with the conversation kept', async () => {
    await conversation('Keep this conversation');
    await chat.page.evaluate(() =>
      window.dispatchEvent(new ErrorEvent('error', { error: new WebAssembly.RuntimeError('unreachable') })),
    );

    const dialog = crashDialog();
    await dialog.waitFor({ timeout: 5_000 });
    const text = await dialog.innerText();
    assert.match(text, /Mnemo stopped working because of an internal error\./);
    assert.match(text, /Your saved conversations are safe\./);
    assert.match(text, /Reload the page to continue\./);
    assert.match(text, /unreachable/, 'what happened, for a bug report');
    const reload = dialog.getByRole('button', { name: 'Reload', exact: true });
    assert.ok(await reload.evaluate((b) => b === document.activeElement), 'Reload has the focus');

    // Readable in both themes: the app's own colours.
    for (const [scheme, bg] of [['dark', 'rgb(13, 17, 23)'], ['light', 'rgb(255, 255, 255)']]) {
      await chat.page.emulateMedia({ colorScheme: scheme });
      const colours = await dialog.evaluate((d) => {
        const style = getComputedStyle(d);
        return { bg: style.backgroundColor, fg: style.color };
      });
      assert.equal(colours.bg, bg, `${scheme} background`);
      assert.notEqual(colours.fg, colours.bg, `${scheme} text`);
    }
    await chat.page.emulateMedia({ colorScheme: null });

    // Escape does not hide it in front of a page that no longer answers.
    await chat.page.keyboard.press('Escape');
    assert.ok(await dialog.isVisible(), 'still shown after Escape');

    await Promise.all([chat.page.waitForEvent('load'), reload.click()]);
    await chat.ready();
    assert.equal(await crashDialog().count(), 0, 'a fresh start shows no dialog');
    await expectTitles(['Keep this conversation'], 'the stored conversation after the reload');
    await chat.openConversation('Keep this conversation');
    await chat.waitUntil(async () => (await chat.messages()).some((m) => m.text === 'Keep this conversation'), {
      timeout: 5_000,
      message: 'the transcript after the reload',
    });
    browser.assertNoErrors();
  });

  it('an error that is not from the app shows nothing', async () => {
    await chat.page.evaluate(() =>
      window.dispatchEvent(
        new ErrorEvent('error', { error: new TypeError('x is undefined'), filename: 'https://example.com/extension.js' }),
      ),
    );
    await chat.settle();
    assert.equal(await crashDialog().count(), 0);
  });

  it('searching a conversation titled "ȺȺ\\u212A" for "k" keeps the page alive', async () => {
    // Lowercased, 'Ⱥ' grows a byte and the Kelvin sign shrinks two: same length, other
    // character boundaries.
    const title = 'ȺȺ\u212A';
    servers.mock.configure({ replyText: 'Noted.' });
    await conversation(title);
    await conversation('Another topic');
    await expectTitles(['Another topic', title]);

    await chat.search('k');
    await expectTitles([title], 'the rows matching "k"');
    assert.deepEqual(await chat.conversationList(), [{ title, excerpt: null, current: false, marks: ['\u212A'] }]);

    // Still answering: clearing the search lists everything again.
    await chat.search('');
    await expectTitles(['Another topic', title], 'every row after clearing the search');
    assert.equal(await crashDialog().count(), 0);
    browser.assertNoErrors();
  });
});
