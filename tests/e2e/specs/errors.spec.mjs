// Owns the errors spec: an invalid API key shows an actionable alert, keeps the user's
// message as failed, and Retry resends it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ apiKey: 'sk-wrong-9999' });
});
after(() => closeSession({ servers, browser }));

const TEXT = 'Hello, is anyone there?';

describe('errors', { timeout: 120_000 }, () => {
  it('a 401 shows an alert that points at the API key', async () => {
    servers.mock.configure({ status: 401 });
    await chat.send(TEXT);
    await chat.alert.waitFor();
    const alert = await chat.alert.innerText();
    assert.match(alert, /check your api key/i);
    assert.match(alert, /Incorrect API key provided/, "the API's own message is shown");
  });

  it("keeps the user's message in the transcript, marked failed", async () => {
    const failed = await chat.waitUntil(
      async () => (await chat.messages()).find((m) => m.role === 'user' && m.text === TEXT && m.status === 'failed'),
      { timeout: 5_000, message: 'a failed user message' },
    );
    assert.ok(failed);
    assert.equal(await chat.retryButton(TEXT).count(), 1, 'it has a Retry button');
  });

  it('"Open settings" opens the settings dialog', async () => {
    await chat.openSettingsButton.click();
    await chat.waitForSettings('visible');
    await chat.cancelSettings();
  });

  it('Retry resends the message once the API accepts it', async () => {
    servers.mock.reset();
    await chat.retry(TEXT);
    const reply = await chat.waitForAssistantStatus('complete');
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 1);
    assert.equal(reply.text, requests[0].reply);

    const users = (await chat.messages()).filter((m) => m.role === 'user');
    assert.equal(users.filter((m) => m.text === TEXT).length, 1, 'the message is not duplicated');
    assert.notEqual(users.at(-1).status, 'failed');
    const sent = requests[0].body.messages.filter((m) => m.role === 'user').map((m) => m.content);
    assert.deepEqual(sent, [TEXT], 'the message is sent once');
    await chat.alert.waitFor({ state: 'hidden', timeout: 5_000 });
  });

  it('logged no errors in the page besides the failed request', () => {
    browser.assertNoErrors({ allow: [/status of 401/] });
  });
});
