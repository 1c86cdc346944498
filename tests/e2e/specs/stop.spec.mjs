// Owns the stop spec: Stop and Esc end a streaming reply, keep its partial text, and cancel the request.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { chatRequests } from '../fixtures/servers.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  // Remembered, so the key is still there after the reload below.
  await chat.configureForMock({ remember: true });
});
after(() => closeSession({ servers, browser }));

const words = (text) => text.split(/\s+/).filter(Boolean).length;

/** Send, wait for a few streamed words, stop with `how`, and check what was kept. */
async function sendAndStop(text, how) {
  servers.mock.configure({ delayMs: 100, replyWords: 60 });
  await chat.send(text);
  await chat.waitForStreamingText((t) => words(t) >= 3);
  await how();
  const stopped = await chat.waitForAssistantStatus('stopped', { timeout: 5_000 });
  const request = chatRequests(servers.mock).at(-1);

  assert.ok(stopped.text.length > 0, 'the partial reply is kept');
  assert.ok(stopped.text.length < request.reply.length, 'the reply was cut short');
  assert.ok(request.reply.startsWith(stopped.text), `"${stopped.text}" is the start of the reply`);
  await chat.stopButton.waitFor({ state: 'hidden', timeout: 5_000 });

  await sleep(500);
  assert.deepEqual(await chat.lastMessage('assistant'), stopped, 'no more text arrives after stopping');
  await chat.waitUntil(() => request.aborted, { timeout: 3_000, message: 'the request to be cancelled' });
  return stopped;
}

describe('stop', { timeout: 120_000 }, () => {
  it('Stop ends the stream and keeps the partial reply, also after a reload', async () => {
    const stopped = await sendAndStop('Tell me a long story.', () => chat.stop());
    await chat.reload();
    assert.deepEqual(await chat.lastMessage('assistant'), stopped);
  });

  it('Esc stops a streaming reply', async () => {
    await sendAndStop('Another long story, please.', () => chat.pressEscape());
  });

  it('logged no errors in the page', () => {
    browser.assertNoErrors();
  });
});
