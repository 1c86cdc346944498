// Owns the send loop spec: how a reply ends when the model cuts it off or goes quiet after
// finishing, that a reply keeps streaming into its own conversation while the user looks
// at another, and that a continuation always carries the text it continues.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { NAV, UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  // Remembered, so the key is still there after a reload.
  await chat.configureForMock({ remember: true });
});
after(() => closeSession({ servers, browser }));
beforeEach(async () => {
  servers.mock.reset();
  await chat.newChat();
  await chat.settle();
});

const CUT_OFF = Object.freeze({
  length: 'Cut off: reached the output limit',
  filter: 'Stopped by the content filter',
});

const words = (text) => text.split(/\s+/).filter(Boolean).length;

/** Wait until no reply streams and the last message is a reply with `status`; returns its details. */
async function lastReply(status, { timeout = 15_000 } = {}) {
  const all = await chat.waitUntil(
    async () => {
      if (await chat.stopButton.isVisible()) return null;
      const all = await chat.messageDetails();
      const last = all.at(-1);
      return last?.role === 'assistant' && last.status === status ? all : null;
    },
    { timeout, message: `a ${status} reply last` },
  );
  return all.at(-1);
}

/** Wait until the mock has received `n` chat requests; returns them. */
async function requests(n, { timeout = 10_000 } = {}) {
  return chat.waitUntil(
    () => {
      const all = chatRequests(servers.mock);
      return all.length >= n ? all : null;
    },
    { timeout, message: `${n} chat request(s)` },
  );
}

describe('send loop', { timeout: 300_000 }, () => {
  it('a reply cut off by the output limit says so, and Continue appends to it', async () => {
    const text = 'Write something long enough to hit the limit.';
    servers.mock.configure({ finishReason: 'length', replyWords: 12 });
    await chat.send(text);
    const cut = await lastReply('cutoff');
    const [first] = chatRequests(servers.mock);
    assert.equal(cut.text, first.reply.trim(), 'the text that arrived is kept');
    assert.equal(cut.note, CUT_OFF.length);
    assert.deepEqual(cut.buttons, [UI.buttons.retry, UI.buttons.continue]);
    assert.equal(await chat.alert.count(), 0, 'not an error');
    const stored = await chat.storedConversation();
    assert.deepEqual(stored.messages.at(-1).status, { state: 'cutoff', reason: 'length' });

    servers.mock.reset();
    await chat.lastItemButton(UI.buttons.continue).click();
    const done = await lastReply('complete');
    const [more] = await requests(1);
    const sent = more.body.messages;
    assert.deepEqual(sent.at(-1), { role: 'user', content: UI.continuePrompt });
    assert.deepEqual(sent.at(-2), { role: 'assistant', content: first.reply }, 'the cut-off text is sent');
    assert.equal(done.text, (first.reply + more.reply).trim(), 'the continuation is appended');
    assert.equal(done.note, null);
  });

  it('a reply stopped by the content filter says so', async () => {
    servers.mock.configure({ finishReason: 'content_filter', replyWords: 8 });
    await chat.send('Say something the filter dislikes.');
    const cut = await lastReply('cutoff');
    assert.equal(cut.note, CUT_OFF.filter);
    assert.deepEqual(cut.buttons, [UI.buttons.retry, UI.buttons.continue]);
  });

  it('a stall after finish_reason leaves a complete reply', async () => {
    await chat.configure({ stallTimeout: 2 });
    try {
      servers.mock.configure({ stallAfterFinish: true, replyWords: 10 });
      await chat.send('Finish, then keep the connection open.');
      const [request] = await requests(1);
      // Past the stall timeout: the silence after finish_reason has been noticed.
      await chat.waitUntil(() => request.aborted, { timeout: 8_000, message: 'the silent request to be closed' });
      const reply = await lastReply('complete');
      assert.equal(reply.text, request.reply.trim());
      assert.equal(reply.note, null);
      assert.equal(await chat.alert.count(), 0, 'no error is shown');
      assert.equal(chatRequests(servers.mock).length, 1, 'nothing is retried');
    } finally {
      await chat.configure({ stallTimeout: 60 });
    }
  });

  it('a reply keeps streaming into its conversation while another is open, and is all there after a reload', async () => {
    const other = 'Another conversation to look at.';
    await chat.sendAndWait(other);
    await chat.newChat();
    servers.mock.reset();
    const text = 'Keep answering while I look elsewhere.';
    servers.mock.configure({ delayMs: 80, replyWords: 40 });
    await chat.send(text);
    await chat.waitForStreamingText((t) => words(t) >= 3);

    await chat.openConversation(other);
    await chat.waitUntil(async () => (await chat.lastMessage('user'))?.text === other, {
      timeout: 5_000,
      message: 'the other conversation to open',
    });
    const row = chat.conversationRow(text);
    assert.match(await row.innerText(), /replying…/, 'the sidebar shows the reply streaming in the background');
    assert.equal(await chat.sendButton.isVisible(), false, 'one reply at a time');

    await chat.openConversation(text);
    const reply = await lastReply('complete', { timeout: 20_000 });
    const [request] = await requests(1);
    assert.equal(reply.text, request.reply.trim(), 'the whole reply arrived');
    assert.equal(request.aborted, false, 'the request was never cancelled');
    assert.doesNotMatch(await row.innerText(), /replying…/);

    await chat.reload();
    await chat.openConversation(text);
    await chat.waitUntil(async () => (await chat.lastMessage('assistant'))?.text === reply.text, {
      timeout: 5_000,
      message: 'the stored reply after a reload',
    });
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
  });

  it('a reply that finishes while another conversation is open is saved complete', async () => {
    const text = 'Answer while I start a new chat.';
    servers.mock.configure({ delayMs: 40, replyWords: 30 });
    await chat.send(text);
    await chat.waitForStreamingText((t) => words(t) >= 2);
    await chat.newChat();
    const [request] = await requests(1);
    await chat.waitUntil(() => request.completed, { timeout: 10_000, message: 'the reply to be sent in full' });
    await chat.sendButton.waitFor({ timeout: 5_000 });
    assert.equal(request.aborted, false);
    assert.equal((await chat.messages()).length, 0, 'the new chat stays empty');

    await chat.openConversation(text);
    const reply = await lastReply('complete');
    assert.equal(reply.text, request.reply.trim());
    const stored = await chat.storedConversation();
    assert.equal(stored.messages.at(-1).content, request.reply);
    assert.equal(stored.messages.at(-1).status.state, 'complete');
  });

  it('Stop stops a reply streaming in the background, and its partial text is kept', async () => {
    const text = 'A long answer I will stop from elsewhere.';
    servers.mock.configure({ delayMs: 100, replyWords: 60 });
    await chat.send(text);
    await chat.waitForStreamingText((t) => words(t) >= 3);
    await chat.newChat();
    await chat.stop();
    await chat.sendButton.waitFor({ timeout: 5_000 });
    const [request] = await requests(1);
    await chat.waitUntil(() => request.aborted, { timeout: 3_000, message: 'the request to be cancelled' });

    await chat.openConversation(text);
    const stopped = await lastReply('stopped');
    assert.ok(stopped.text.length > 0, 'the partial reply is kept');
    assert.ok(request.reply.startsWith(stopped.text), `"${stopped.text}" is the start of the reply`);
    assert.equal(stopped.note, 'Stopped');
    const stored = await chat.storedConversation();
    assert.equal(stored.messages.at(-1).status.state, 'stopped');
  });

  it('a continuation retried after a 500 still sends the partial reply it continues', async () => {
    const text = 'Start a story I will stop.';
    servers.mock.configure({ delayMs: 100, replyWords: 60 });
    await chat.send(text);
    await chat.waitForStreamingText((t) => words(t) >= 3);
    await chat.stop();
    await lastReply('stopped');
    const partial = (await chat.storedConversation()).messages.at(-1).content;
    assert.ok(partial.length > 0);

    servers.mock.reset();
    servers.mock.configure({ queue: [{ status: 500 }, {}] });
    await chat.lastItemButton(UI.buttons.continue).click();
    const done = await lastReply('complete');
    const [failed, retried] = await requests(2);
    assert.equal(failed.status, 500);
    for (const [which, request] of [
      ['first', failed],
      ['retried', retried],
    ]) {
      const sent = request.body.messages;
      assert.deepEqual(sent.at(-1), { role: 'user', content: UI.continuePrompt }, `${which}: the continue prompt`);
      assert.deepEqual(sent.at(-2), { role: 'assistant', content: partial }, `${which}: the partial reply`);
      assert.deepEqual(sent.at(-3), { role: 'user', content: text });
    }
    assert.equal(done.text, (partial + retried.reply).trim());
  });

  it('the Details of a reply from a reasoning model show its reasoning tokens', async () => {
    servers.mock.configure({ reasoningTokens: 128, replyWords: 8 });
    await chat.send('Think before you answer.');
    await lastReply('complete');
    const item = chat.lastItem;
    await chat.messageAction(item, NAV.actions.details).click();
    const details = await item.locator(NAV.detailsCss).innerText();
    assert.match(details, /\(128 reasoning\)/);
  });

  /** Summary memory with a reasoning model and a small budget; runs `body`, then puts the defaults back. */
  async function withReasoningSummary(body) {
    await chat.configure({ model: 'gpt-5-mini', memory: 'summary', contextBudget: 400 });
    try {
      await body();
    } finally {
      await chat.configure({ model: UI.defaultModel, memory: 'window', contextBudget: 16000 });
    }
  }

  /** Send turns until a summary call was made (at most `max`); returns the summary calls. */
  async function talkUntilSummarised(max = 8) {
    await chat.sendAndWait('My name is Priya.');
    for (let turn = 1; turn <= max; turn++) {
      const calls = servers.mock.requests.filter((r) => r.body?.stream === false);
      if (calls.length) return calls;
      await chat.sendAndWait(`Tell me about the sea, part ${turn}.`);
    }
    return servers.mock.requests.filter((r) => r.body?.stream === false);
  }

  it('a reasoning model gets room to reason for the summary, and an empty one is asked again', async () => {
    await withReasoningSummary(async () => {
      servers.mock.configure({
        replyWords: 60,
        summaryQueue: [{ replyText: '', finishReason: 'length', reasoningTokens: 2100 }],
      });
      const calls = await talkUntilSummarised();
      assert.equal(calls.length, 2, 'the empty summary was asked for once more');
      const [first, second] = calls.map((c) => c.body);
      assert.equal(first.reasoning_effort, 'minimal');
      assert.ok(first.max_completion_tokens >= 2000, `room to reason: ${first.max_completion_tokens}`);
      assert.ok(second.max_completion_tokens > first.max_completion_tokens, 'more room the second time');
      const reply = await lastReply('complete');
      assert.equal(reply.note, null, 'the reply was sent');
      const stored = await chat.storedConversation();
      assert.match(stored.summary?.text ?? '', /The user's name is Priya\./);
      assert.equal(stored.summary_usage.reasoning_tokens, 2100, 'the reasoning of the summary calls is counted');
    });
  });

  it('a summary that stays empty keeps the chat going, with a notice', async () => {
    await withReasoningSummary(async () => {
      const empty = { replyText: '', finishReason: 'length' };
      servers.mock.configure({ replyWords: 60, summaryQueue: [empty, empty] });
      const calls = await talkUntilSummarised();
      assert.ok(calls.length >= 2);
      const reply = await lastReply('complete');
      assert.equal(reply.note, null, 'the reply was sent all the same');
      await chat.waitForNotice(/^The summary was not updated: .*; the previous summary is kept\.$/);
      assert.equal((await chat.storedConversation()).summary ?? null, null, 'no empty summary was kept');
      await chat.button(UI.buttons.dismiss).click();
    });
  });

  it('logged no errors in the page besides the failed request', () => {
    browser.assertNoErrors({ allow: [/status of 500/] });
  });
});
