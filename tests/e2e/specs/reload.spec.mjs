// Owns the reload spec: the transcript survives a reload; the API key survives only when
// "Remember on this device" is ticked.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { startServers, chatRequests } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage } from '../fixtures/chat_page.mjs';

let servers;

before(async () => {
  servers = await startServers();
});
after(async () => {
  await servers?.close();
});

/** A fresh browser profile for one test, closed when the test ends. */
async function freshChat(t) {
  const browser = await launchBrowser();
  t.after(() => browser.close());
  const chat = new ChatPage(browser.page, servers);
  await chat.goto();
  return { browser, chat };
}

const turns = (request) => request.body.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]);

describe('reload', { timeout: 120_000 }, () => {
  it('keeps the chat and the remembered key across a reload', async (t) => {
    servers.mock.reset();
    const { browser, chat } = await freshChat(t);
    await chat.configureForMock({ remember: true });
    await chat.sendAndWait('I like green tea.');
    await chat.sendAndWait('Tell me something nice.');
    const before = await chat.messages();
    assert.equal(before.length, 4);

    await chat.reload();
    await sleep(300);
    assert.equal(await chat.isSettingsOpen(), false, 'the settings dialog stays closed');
    assert.deepEqual(await chat.messages(), before);

    await chat.sendAndWait('And one more thing.');
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 3);
    assert.equal(requests[2].headers.authorization, 'Bearer sk-test-123');
    assert.equal(requests[2].body.messages[0].role, 'system');
    assert.deepEqual(turns(requests[2]), [
      ['user', 'I like green tea.'],
      ['assistant', requests[0].reply],
      ['user', 'Tell me something nice.'],
      ['assistant', requests[1].reply],
      ['user', 'And one more thing.'],
    ]);
    browser.assertNoErrors();
  });

  it('forgets the key but keeps the chat when "Remember on this device" is not ticked', async (t) => {
    servers.mock.reset();
    const { browser, chat } = await freshChat(t);
    await chat.configureForMock({ apiKey: 'sk-forget-me-42', remember: false });
    await chat.sendAndWait('Hello from a shared computer.');
    assert.equal(chatRequests(servers.mock)[0].headers.authorization, 'Bearer sk-forget-me-42');
    const before = await chat.messages();

    const stored = await browser.page.evaluate(() => JSON.stringify({ ...localStorage }));
    assert.ok(!stored.includes('sk-forget-me-42'), 'the key is not written to localStorage');

    await chat.reload();
    await chat.openSettings();
    assert.equal(await chat.apiKeyField.inputValue(), '', 'the API key field is empty');
    assert.equal(await chat.rememberBox.isChecked(), false);
    assert.deepEqual(await chat.messages(), before, 'the messages are kept');
    browser.assertNoErrors();
  });
});
