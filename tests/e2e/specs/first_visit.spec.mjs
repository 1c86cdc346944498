// Owns the first-visit spec: the settings dialog opens by itself; closed without a key, the
// chat says what is missing and sending says why; the first reply streams in; the
// composer's keys (empty messages are not sent, Shift+Enter adds a newline); the favicon and manifest.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
});
after(() => closeSession({ servers, browser }));

const snapshot = async () => ({ requests: servers.mock.requests.length, items: (await chat.messages()).length });

describe('first visit', { timeout: 120_000 }, () => {
  it('opens the settings dialog by itself on a fresh profile', async () => {
    await chat.goto();
    await chat.waitForSettings('visible', { timeout: 10_000 });
    assert.equal(await chat.apiKeyField.inputValue(), '');
    assert.equal(await chat.apiKeyField.getAttribute('type'), 'password', 'the key is masked');
  });

  it('closed without a key, leaves a chat that says what is missing, not a blank page', async () => {
    await chat.cancelSettings();
    await chat.page.getByRole('heading', { name: 'Start a conversation' }).waitFor({ timeout: 5_000 });
    assert.match(await chat.page.locator('.empty-chat').textContent(), /needs an API key/);
    await chat.page.getByRole('button', { name: 'Add a key in Settings', exact: true }).click();
    await chat.waitForSettings('visible');
    await chat.cancelSettings();
  });

  it('sending without a key opens Settings saying why, and keeps the message', async () => {
    await chat.send('Are you there?');
    await chat.waitForSettings('visible');
    assert.match(await chat.settingsDialog.getByRole('alert').textContent(), /To send your message, add an API key/);
    await chat.cancelSettings();
    assert.equal(await chat.composerValue(), 'Are you there?');
    assert.equal(servers.mock.requests.length, 0, 'nothing was sent');
    await chat.openSettings();
    assert.equal(await chat.settingsDialog.getByRole('alert').count(), 0, 'opened by hand, it gives no reason');
  });

  it('closes the dialog on Save once the key and base URL are filled in', async () => {
    await chat.apiKeyField.fill('sk-test-123');
    await chat.baseUrlField.fill(servers.apiBase);
    await chat.saveSettings();
    assert.equal(await chat.isSettingsOpen(), false);
  });

  it('streams the first reply into the transcript', async () => {
    servers.mock.configure({ delayMs: 40, replyWords: 30 });
    const watching = chat.watchStreaming({ interval: 10 });
    await chat.send('Hello there');
    const { samples, final, timedOut } = await watching;
    assert.equal(timedOut, false, 'the reply finished');

    const streamed = new Set(samples.filter((s) => s.status === 'streaming' && s.text).map((s) => s.text));
    assert.ok(streamed.size >= 2, `saw ${streamed.size} distinct texts while streaming: ${JSON.stringify([...streamed])}`);

    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 1);
    const [request] = requests;
    assert.equal(final.status, 'complete');
    assert.equal(final.text, request.reply);

    const messages = await chat.messages();
    assert.deepEqual(
      messages.map((m) => m.role),
      ['user', 'assistant'],
    );
    assert.equal(messages[0].text, 'Hello there');
    assert.notEqual(messages[0].status, 'failed');
    assert.equal(await chat.composerValue(), '', 'the composer is cleared after sending');

    const { body, headers } = request;
    assert.equal(body.stream, true);
    assert.equal(body.stream_options?.include_usage, true);
    assert.equal(body.model, UI.defaultModel);
    assert.equal(headers.authorization, 'Bearer sk-test-123');
    assert.deepEqual(
      body.messages.map((m) => [m.role, m.content]),
      [
        ['system', UI.defaultSystemPrompt],
        ['user', 'Hello there'],
      ],
    );
  });

  it('does not send an empty or whitespace-only message', async () => {
    const before = await snapshot();
    for (const text of ['', '   ', ' \n\t ']) {
      await chat.composer.fill(text);
      await chat.composer.press('Enter');
      if (await chat.sendButton.isEnabled()) await chat.sendButton.click();
    }
    // The app is idle and does send: the next real message is the first request after
    // the empty ones, so none of them went out.
    await chat.composer.fill('A real message.');
    await chat.submit();
    await chat.waitForAssistantDone();
    const sent = servers.mock.requests.slice(before.requests);
    assert.deepEqual(
      sent.map((r) => r.body.messages.at(-1).content),
      ['A real message.'],
    );
    assert.equal((await chat.messages()).length, before.items + 2);
  });

  it('inserts a newline on Shift+Enter instead of sending', async () => {
    await chat.composer.fill('');
    await chat.composer.pressSequentially('line one');
    await chat.composer.press('Shift+Enter');
    await chat.composer.pressSequentially('line two');
    assert.equal(await chat.composerValue(), 'line one\nline two');
    const before = await snapshot();

    await chat.submit();
    await chat.waitForAssistantDone();
    const user = (await chat.messages()).filter((m) => m.role === 'user').at(-1);
    assert.match(user.text, /^line one\n+line two$/);
    assert.equal(chatRequests(servers.mock).at(-1).body.messages.at(-1).content, 'line one\nline two');
    assert.equal(servers.mock.requests.length, before.requests + 1, 'Shift+Enter sent nothing of its own');
  });

  it('has a favicon and an installable manifest with its icons', async () => {
    const get = (path) => chat.page.request.get(new URL(path, servers.appUrl).href);
    const ico = await get('/favicon.ico');
    assert.equal(ico.status(), 200);
    const icon = await chat.page.locator('link[rel="icon"]').getAttribute('href');
    assert.equal((await get(icon)).status(), 200, icon);
    const href = await chat.page.locator('link[rel="manifest"]').getAttribute('href');
    const manifest = await (await get(href)).json();
    assert.equal(manifest.name, 'Mnemo');
    assert.equal(manifest.display, 'standalone');
    const sizes = manifest.icons.map((i) => i.sizes);
    assert.ok(sizes.includes('192x192') && sizes.includes('512x512'), JSON.stringify(sizes));
    for (const i of manifest.icons) assert.equal((await get(new URL(i.src, new URL(href, servers.appUrl)).href)).status(), 200, i.src);
  });

  it('logged no errors in the page', () => {
    browser.assertNoErrors();
  });
});
