// Owns the faults spec: every way a request or a streamed reply can go wrong (HTTP errors,
// automatic retries, broken, stalled or oddly framed streams) ends in a clear state, and
// neither the user's text nor any text that arrived is lost.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;
/** Console warnings of the page, in order. */
const warnings = [];

before(async () => {
  ({ servers, browser, chat } = await openSession());
  browser.page.on('console', (msg) => {
    if (msg.type() === 'warning') warnings.push(msg.text());
  });
  await chat.goto();
  await chat.configureForMock();
});
after(() => closeSession({ servers, browser }));
beforeEach(async () => {
  servers.mock.reset();
  await chat.newChat();
  await chat.settle();
});

const HINTS = Object.freeze({
  auth: 'Check your API key in Settings.',
  forbidden: "This key may not use this model or endpoint; check the key's permissions.",
  quota: 'Your account has no credit left for this key.',
  model: 'Pick another model in Settings.',
  tooLong:
    'The conversation is too long for this model: start a new chat or pick a model with a larger context window.',
  server: 'The service had a problem: retry in a moment.',
  connectionLost: 'The partial reply is kept: press Retry or Continue.',
  stalled: 'The reply stalled: retry, or continue from the partial reply.',
});
const SERVER_ERROR = 'The server had an error while processing your request.';
const CONNECTION_LOST = 'The connection broke while the reply was arriving.';
const STREAM_ERROR = 'The server had an error processing your request.';
const RATE_LIMIT =
  'Rate limit reached for gpt-4o-mini in organization org-mock on requests per min (RPM): ' +
  'Limit 3, Used 3, Requested 1. Please try again in 20s.';

/** The first `n` streamed pieces of `reply`, as the mock cuts it (one word per chunk). */
const firstPieces = (reply, n) => (reply.match(/\s*\S+\s*/g) ?? []).slice(0, n).join('');

/** Token usage as the mock reports it for a request body and its reply. */
function mockUsage(body, reply) {
  const estimate = (text) => Math.max(1, Math.ceil(text.length / 4));
  const prompt = body.messages.reduce((n, m) => n + 4 + estimate(m.content), 3);
  const completion = estimate(reply);
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** Wait until `n` streamed chat requests arrived; returns them. */
async function waitForRequests(n, { timeout = 10_000 } = {}) {
  return chat.waitUntil(
    () => {
      const requests = chatRequests(servers.mock);
      return requests.length >= n ? requests : null;
    },
    { timeout, message: `${n} chat request(s)` },
  );
}

/** Wait until the transcript is settled with a last message matching `test`; returns all messages. */
async function waitForLast(test, message, { timeout = 15_000 } = {}) {
  return chat.waitUntil(
    async () => {
      if (await chat.stopButton.isVisible()) return null;
      const all = await chat.messageDetails();
      return all.length && test(all.at(-1)) ? all : null;
    },
    { timeout, message },
  );
}

/** The transcript ends with `text` as a failed user message that offers Retry and Edit. */
async function expectFailedUser(text, hint, opts) {
  const all = await waitForLast((m) => m.role === 'user' && m.status === 'failed', 'a failed user message', opts);
  const last = all.at(-1);
  assert.equal(last.text, text, "the user's text is kept");
  assert.equal(last.note, `Not sent: ${hint}`);
  assert.deepEqual(last.buttons, [UI.buttons.retry, UI.buttons.edit]);
  return all;
}

/** The transcript ends with a reply that ended with `status`; returns that reply. */
async function expectLastReply(status, opts) {
  const all = await waitForLast((m) => m.role === 'assistant' && m.status === status, `a ${status} reply`, opts);
  return all.at(-1);
}

/** The stored copy of the open conversation, once its last message has `status`. */
async function storedLast(status) {
  return chat.waitUntil(
    async () => {
      const conversation = await chat.storedConversation();
      const last = conversation?.messages.at(-1);
      return last?.status.state === status ? conversation : null;
    },
    { timeout: 5_000, message: `the stored conversation to end with a ${status} message` },
  );
}

/** Send `text` and check the reply completes with exactly the mock's text; returns the request. */
async function sendExpectingExactReply(text) {
  await chat.send(text);
  const reply = await expectLastReply('complete');
  const requests = chatRequests(servers.mock);
  assert.equal(requests.length, 1);
  assert.equal(reply.text, requests[0].reply.trim(), 'the reply is exactly what the API sent');
  assert.equal(reply.note, null);
  const stored = await storedLast('complete');
  assert.equal(stored.messages.at(-1).content, requests[0].reply, 'the stored reply is exactly what the API sent');
  assert.equal(stored.messages.at(-2).content, text);
  assert.equal(await chat.alert.count(), 0, 'no error is shown');
  return { request: requests[0], stored };
}

describe('faults', { timeout: 300_000 }, () => {
  // --- errors that are not retried -------------------------------------------------------

  it('a 401 is not retried: the alert points at the API key, the message is kept, Edit restores it', async () => {
    const text = 'Are you there? My key may be wrong.';
    servers.mock.configure({ status: 401 });
    await chat.send(text);
    await expectFailedUser(text, HINTS.auth);
    const alert = await chat.alertParts();
    assert.equal(alert.hint, HINTS.auth);
    assert.equal(
      alert.detail,
      'Incorrect API key provided: sk-...-123. You can find your API key at https://platform.openai.com/account/api-keys.',
    );
    assert.deepEqual(alert.buttons, [UI.buttons.openSettings]);
    assert.equal(chatRequests(servers.mock).length, 1, 'a 401 is not retried');
    assert.equal(await chat.retryBanner.count(), 0, 'no countdown');

    await chat.editButton(text).click();
    await chat.waitUntil(async () => (await chat.composerValue()) === text, {
      timeout: 5_000,
      message: 'the text back in the composer',
    });
    assert.equal((await chat.messages()).length, 0, 'Edit removed the failed message');
    await chat.alert.waitFor({ state: 'hidden', timeout: 5_000 });

    servers.mock.reset();
    await chat.submit();
    const reply = await expectLastReply('complete');
    assert.equal(reply.text, chatRequests(servers.mock)[0].reply.trim());
    assert.deepEqual(
      (await chat.messages()).map((m) => [m.role, m.status]),
      [
        ['user', 'complete'],
        ['assistant', 'complete'],
      ],
    );
  });

  it('a 404 for an unknown model is not retried and sends the user to the model setting', async () => {
    const text = 'Which model are you?';
    await chat.configure({ model: 'mock-status-404' });
    try {
      await chat.send(text);
      await expectFailedUser(text, HINTS.model);
      const alert = await chat.alertParts();
      assert.equal(alert.hint, HINTS.model);
      assert.equal(alert.detail, 'The model `mock-status-404` does not exist or you do not have access to it.');
      assert.deepEqual(alert.buttons, [UI.buttons.openSettings]);
      const requests = chatRequests(servers.mock);
      assert.equal(requests.length, 1, 'a 404 is not retried');
      assert.equal(requests[0].body.model, 'mock-status-404');

      await chat.openSettingsButton.click();
      await chat.waitForSettings('visible');
      await chat.chooseModel(UI.defaultModel);
      await chat.saveSettings();
    } finally {
      if (await chat.isSettingsOpen()) await chat.cancelSettings();
      await chat.configure({ model: UI.defaultModel });
    }
    await chat.retry(text);
    const reply = await expectLastReply('complete');
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2);
    assert.equal(requests[1].body.model, UI.defaultModel);
    assert.equal(reply.text, requests[1].reply.trim());
    assert.equal((await chat.messages()).filter((m) => m.text === text).length, 1, 'the message is not duplicated');
  });

  for (const [name, fault, hint, detail] of [
    ['a 403', { status: 403 }, HINTS.forbidden, 'You are not allowed to sample from this model.'],
    [
      'a 429 for an exhausted quota',
      { status: 429, code: 'insufficient_quota', retryAfter: 1 },
      HINTS.quota,
      /^You exceeded your current quota, please check your plan and billing details\./,
    ],
  ]) {
    it(`${name} is not retried`, async () => {
      const text = `What happens with ${name}?`;
      servers.mock.configure(fault);
      await chat.send(text);
      await expectFailedUser(text, hint);
      const alert = await chat.alertParts();
      assert.equal(alert.hint, hint);
      if (typeof detail === 'string') assert.equal(alert.detail, detail);
      else assert.match(alert.detail, detail);
      assert.equal(chatRequests(servers.mock).length, 1, 'waiting cannot help, so it is not retried');
      assert.equal(await chat.retryBanner.count(), 0);
    });
  }

  it('a 400 context_length_exceeded is retried once with less history, then explained', async () => {
    await chat.sendAndWait('I like green tea. Tell me about it.');
    await chat.sendAndWait('I live in Lisbon. Tell me about it.');
    servers.mock.reset();
    const text = 'And what should I do this weekend?';
    const tooLong = { status: 400, code: 'context_length_exceeded' };
    servers.mock.configure({ queue: [tooLong, tooLong] });
    await chat.send(text);
    const all = await expectFailedUser(text, HINTS.tooLong);
    assert.equal(all.length, 5, 'the earlier turns are all kept');

    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2, 'one retry with a smaller budget, no more');
    const [first, second] = requests.map((r) => r.body.messages);
    assert.ok(second.length <= first.length, `the retry sends no more messages (${second.length} vs ${first.length})`);
    assert.equal(first.at(-1).content, text);
    assert.equal(second.at(-1).content, text, 'the new message is still sent');
    assert.equal(second[0].role, 'system', 'the system prompt is still sent');
    assert.deepEqual(second.slice(1), first.slice(first.length - (second.length - 1)), 'the retry sends the newest history');
    const promptTokens = (messages) => messages.reduce((n, m) => n + m.content.length, 0);
    assert.ok(promptTokens(second) < promptTokens(first), 'the retry is smaller');

    const alert = await chat.alertParts();
    assert.equal(alert.hint, HINTS.tooLong);
    assert.match(alert.detail, /^This model's maximum context length is 128000 tokens\. However, your messages resulted in \d+ tokens\./);
  });

  it(
    'a 400 context_length_exceeded on the first message is explained as too long, not as over budget',
    async () => {
      const text = 'Hello there, this is my very first message.';
      const tooLong = { status: 400, code: 'context_length_exceeded' };
      servers.mock.configure({ queue: [tooLong, tooLong] });
      await chat.send(text);
      await waitForLast((m) => m.role === 'user' && m.status === 'failed', 'a failed user message');
      const alert = await chat.alertParts();
      assert.equal(alert.hint, HINTS.tooLong);
      assert.match(alert.detail, /maximum context length is 128000 tokens/);
      await expectFailedUser(text, HINTS.tooLong);
      assert.ok(chatRequests(servers.mock).length <= 2);
    },
  );

  // --- automatic retries -----------------------------------------------------------------

  it('a 429 with Retry-After: 2 is retried after a 2 s countdown, then succeeds', async () => {
    const text = 'Please answer after the rate limit.';
    servers.mock.configure({ queue: [{ status: 429, retryAfter: 2 }, {}] });
    const stopRecording = await chat.recordRetryBanner();
    await chat.send(text);
    await chat.retryBanner.waitFor({ timeout: 5_000 });
    assert.equal(await chat.retryCancelButton.count(), 1, 'the countdown offers Cancel');
    assert.equal(await chat.alert.count(), 0, 'no error alert while the retry waits');
    const reply = await expectLastReply('complete');
    const log = await stopRecording();

    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2);
    // The wait the app chose is the countdown's start; the retry went out only after the
    // countdown had counted down to its last second.
    assert.ok(log.includes(`Retrying in 1 s… (attempt 1 of 4) ${RATE_LIMIT}`), `the countdown reached 1 s: ${log}`);
    assert.ok(requests[1].time >= log.reachedAt(`Retrying in 1 s`), 'the retry came after the countdown');
    assert.deepEqual(requests[1].body.messages, requests[0].body.messages, 'the same request is sent again');
    assert.equal(reply.text, requests[1].reply.trim());
    assert.equal(log[0], `Retrying in 2 s… (attempt 1 of 4) ${RATE_LIMIT}`);
    for (const line of log) {
      assert.match(line, /^Retrying in [12] s… \(attempt 1 of 4\) Rate limit reached/);
    }
    await chat.retryBanner.waitFor({ state: 'hidden', timeout: 2_000 });
    const users = (await chat.messages()).filter((m) => m.role === 'user');
    assert.deepEqual(users, [{ role: 'user', status: 'complete', text }]);
  });

  it('a 500 is retried once after a jittered wait of at most 1 s, then succeeds', async () => {
    servers.mock.configure({ queue: [{ status: 500 }, {}] });
    const stopRecording = await chat.recordRetryBanner();
    await chat.send('Try again if the server fails.');
    const reply = await expectLastReply('complete');
    const log = await stopRecording();
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2);
    assert.equal(requests[0].status, 500);
    // Full jitter may choose no wait at all; any countdown shown is within the 1 s base.
    for (const line of log) assert.match(line, /^Retrying in 1 s… \(attempt 1 of 4\)/);
    assert.equal(reply.text, requests[1].reply.trim());
    assert.equal(await chat.alert.count(), 0);
  });

  it('a 503 on every attempt gives up after 5 attempts with backoff, then Retry works', async () => {
    const text = 'Is the service overloaded?';
    servers.mock.configure({ status: 503 });
    const stopRecording = await chat.recordRetryBanner();
    await chat.send(text);
    await expectFailedUser(text, HINTS.server, { timeout: 45_000 });
    const log = await stopRecording();

    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 5, '1 attempt and 4 retries');
    for (const r of requests) assert.deepEqual(r.body.messages, requests[0].body.messages);
    let attempt = 0;
    for (const line of log) {
      const m = /^Retrying in (\d+) s… \(attempt ([1-4]) of 4\) (.*)$/.exec(line);
      assert.ok(m, `countdown text: ${line}`);
      assert.equal(m[3], SERVER_ERROR);
      assert.ok(Number(m[2]) >= attempt, 'attempts only go up');
      assert.ok(Number(m[1]) <= 2 ** (Number(m[2]) - 1), `the countdown fits the backoff: ${line}`);
      attempt = Number(m[2]);
    }
    const alert = await chat.alertParts();
    assert.equal(alert.hint, HINTS.server);
    assert.equal(alert.detail, SERVER_ERROR);
    assert.equal(await chat.retryBanner.count(), 0);

    servers.mock.reset();
    await chat.retry(text);
    const reply = await expectLastReply('complete');
    assert.equal(reply.text, chatRequests(servers.mock)[0].reply.trim());
    assert.equal((await chat.messages()).filter((m) => m.text === text).length, 1, 'the message is not duplicated');
  });

  for (const [how, cancel] of [
    ['Cancel', () => chat.retryCancelButton.click()],
    ['Stop', () => chat.stop()],
  ]) {
    it(`${how} during the countdown stops retrying and keeps the message with Retry`, async () => {
      const text = `Cancel me with ${how}.`;
      servers.mock.configure({ status: 503, retryAfter: 5 });
      await chat.send(text);
      await chat.retryBanner.waitFor({ timeout: 5_000 });
      assert.match(
        (await chat.retryBanner.innerText()).replace(/\s+/g, ' '),
        new RegExp(`^Retrying in [45] s… \\(attempt 1 of 4\\) ${SERVER_ERROR.replace(/\./g, '\\.')}`),
      );
      const stopRecording = await chat.recordRetryBanner();
      await cancel();
      await chat.retryBanner.waitFor({ state: 'hidden', timeout: 2_000 });
      await chat.sendButton.waitFor({ timeout: 2_000 });
      const log = await stopRecording();
      // Cancelled at once: the 5 s countdown never came near its end.
      for (const line of log) assert.match(line, /^Retrying in [345] s…/, `cancelled before the wait ended: ${log}`);
      await expectFailedUser(text, HINTS.server);
      assert.equal(chatRequests(servers.mock).length, 1, 'no retry was sent');
      const alert = await chat.alertParts();
      assert.equal(alert.hint, HINTS.server);
      assert.equal(alert.detail, SERVER_ERROR);
    });
  }

  // --- streams that break ----------------------------------------------------------------

  it('a connection dropped mid-reply keeps the partial text, and Continue appends to it', async () => {
    const text = 'Tell me a story that gets cut off.';
    // Slow chunks, so all but the last one are surely read before the connection is reset
    // (the browser may discard bytes still unread when the reset arrives).
    servers.mock.configure({ dropAfterChunks: 5, delayMs: 100, replyWords: 30 });
    const watching = chat.watchStreaming();
    await chat.send(text);
    const watched = await watching;
    const failed = await expectLastReply('failed');
    const [cut] = chatRequests(servers.mock);
    assert.equal(chatRequests(servers.mock).length, 1, 'a reply that had started is not retried automatically');
    const seen = watched.samples.filter((s) => s.status === 'streaming').at(-1)?.text ?? '';
    assert.ok(seen.length > 0, 'text was streaming before the drop');
    assert.ok(failed.text.startsWith(seen), `nothing shown is taken back: "${seen}" → "${failed.text}"`);
    const partial = (await storedLast('failed')).messages.at(-1).content;
    assert.ok(
      [firstPieces(cut.reply, 4), firstPieces(cut.reply, 5)].includes(partial),
      `the saved partial text is what arrived: "${partial}"`,
    );
    assert.equal(failed.text, partial.trim(), 'the words that arrived are shown');
    assert.equal(failed.note, `Interrupted: ${CONNECTION_LOST} ${HINTS.connectionLost}`, 'the endpoint was reached');
    assert.deepEqual(failed.buttons, [UI.buttons.retry, UI.buttons.continue]);
    const alert = await chat.alertParts();
    assert.equal(alert.hint, HINTS.connectionLost);
    assert.equal(alert.detail, CONNECTION_LOST);
    const user = (await chat.messages()).find((m) => m.role === 'user');
    assert.deepEqual(user, { role: 'user', status: 'complete', text });

    servers.mock.reset();
    await chat.lastItemButton(UI.buttons.continue).click();
    const done = await expectLastReply('complete');
    const [more] = chatRequests(servers.mock);
    const sent = more.body.messages;
    assert.deepEqual(sent.at(-1), { role: 'user', content: UI.continuePrompt }, 'the request ends with the continue prompt');
    assert.deepEqual(sent.at(-2), { role: 'assistant', content: partial }, 'the partial reply is sent as context');
    assert.deepEqual(sent.at(-3), { role: 'user', content: text });
    assert.equal(done.text, (partial + more.reply).trim(), 'the continuation is appended to the same reply');
    assert.equal(done.note, null);
    assert.deepEqual(
      (await chat.messages()).map((m) => m.role),
      ['user', 'assistant'],
      'no new message: the same reply grew',
    );
    const stored = await storedLast('complete');
    assert.equal(stored.messages.length, 2);
    assert.equal(stored.messages[1].content, partial + more.reply);
    assert.equal(await chat.alert.count(), 0);
  });

  it('a reply that stalls longer than the Stall timeout fails with its partial text, and Retry regenerates it', async () => {
    await chat.configure({ stallTimeout: 2 });
    try {
      const text = 'Start answering, then go quiet.';
      servers.mock.configure({ stallAfterChunks: 3 });
      await chat.send(text);
      const failed = await expectLastReply('failed', { timeout: 10_000 });
      const [stalled] = chatRequests(servers.mock);
      const partial = firstPieces(stalled.reply, 3);
      assert.equal(failed.text, partial.trim(), 'the words that arrived are kept');
      assert.equal(failed.note, `Interrupted: No reply arrived for 2 seconds. ${HINTS.stalled}`);
      assert.deepEqual(failed.buttons, [UI.buttons.retry, UI.buttons.continue]);
      await chat.waitUntil(() => stalled.aborted, { timeout: 3_000, message: 'the stalled request to be cancelled' });
      assert.equal(chatRequests(servers.mock).length, 1, 'not retried: text had arrived');
      assert.equal((await storedLast('failed')).messages.at(-1).content, partial);
      assert.equal((await chat.alertParts()).hint, HINTS.stalled);

      servers.mock.reset();
      await chat.lastItemButton(UI.buttons.retry).click();
      const reply = await expectLastReply('complete');
      const [again] = chatRequests(servers.mock);
      assert.deepEqual(again.body.messages.at(-1), { role: 'user', content: text }, 'the partial reply is not sent');
      assert.equal(reply.text, again.reply.trim(), 'the partial text is replaced by the new reply');
      assert.deepEqual(
        (await chat.messages()).map((m) => [m.role, m.status]),
        [
          ['user', 'complete'],
          ['assistant', 'complete'],
        ],
      );
    } finally {
      await chat.configure({ stallTimeout: 60 });
    }
  });

  it(
    'no response headers for longer than the Stall timeout counts as a stall and is retried',
    async () => {
      await chat.configure({ stallTimeout: 2 });
      try {
        servers.mock.configure({ queue: [{ firstByteDelayMs: 8_000 }, {}] });
        await chat.send('Answer quickly or not at all.');
        const reply = await expectLastReply('complete', { timeout: 20_000 });
        const requests = chatRequests(servers.mock);
        assert.equal(requests.length, 2, 'the silent request was given up and retried');
        assert.ok(requests[1].time < requests[0].time + 8_000, 'the retry came before the silent server would have answered');
        assert.equal(reply.text, requests[1].reply.trim());
      } finally {
        await chat.configure({ stallTimeout: 60 });
      }
    },
  );

  it('a malformed data: line is skipped with a console warning and the reply completes', async () => {
    warnings.length = 0;
    servers.mock.configure({ malformedAfterChunks: 3 });
    await sendExpectingExactReply('Send me something slightly broken.');
    assert.ok(
      warnings.some((w) => w.includes('{not json')),
      `a warning names the skipped line: ${JSON.stringify(warnings)}`,
    );
  });

  it('an error object inside the stream ends the reply as failed and keeps its partial text', async () => {
    const text = 'Fail in the middle, please.';
    servers.mock.configure({ streamErrorAfterChunks: 4 });
    await chat.send(text);
    const failed = await expectLastReply('failed');
    const [request] = chatRequests(servers.mock);
    const partial = firstPieces(request.reply, 4);
    assert.equal(failed.text, partial.trim());
    assert.equal(failed.note, `Interrupted: ${STREAM_ERROR} ${HINTS.server}`);
    assert.deepEqual(failed.buttons, [UI.buttons.retry, UI.buttons.continue]);
    assert.equal(chatRequests(servers.mock).length, 1, 'not retried: text had arrived');
    const alert = await chat.alertParts();
    assert.equal(alert.hint, HINTS.server);
    assert.equal(alert.detail, STREAM_ERROR);
    assert.equal((await storedLast('failed')).messages.at(-1).content, partial);
    assert.deepEqual((await chat.messages())[0], { role: 'user', status: 'complete', text });
  });

  it('an error object before any text is retried automatically', async () => {
    servers.mock.configure({ queue: [{ streamErrorAfterChunks: 0 }, {}] });
    await chat.send('Fail before the first word.');
    const reply = await expectLastReply('complete');
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2);
    assert.equal(reply.text, requests[1].reply.trim());
  });

  // --- streams framed in unusual but valid ways ------------------------------------------

  it('a stream delivered one byte at a time keeps é, 🙂 and every other character', async () => {
    const replyText = 'Café crème, déjà vu 🙂 — naïve façade, 日本語 and 👍🏽 at the end.';
    servers.mock.configure({ byteChunks: true, replyText });
    const { request } = await sendExpectingExactReply('Reply with accents and emoji.');
    assert.equal(request.reply, replyText);
  });

  it('CRLF line endings', async () => {
    servers.mock.configure({ crlf: true });
    await sendExpectingExactReply('Reply with Windows line endings.');
  });

  it('": keepalive" comment lines and event: fields', async () => {
    servers.mock.configure({ keepalive: true });
    await sendExpectingExactReply('Reply with keepalive comments.');
  });

  it('one-byte chunks, CRLF and keepalive comments together', async () => {
    servers.mock.configure({ byteChunks: true, crlf: true, keepalive: true, replyWords: 20 });
    await sendExpectingExactReply('Reply with everything odd at once.');
  });

  for (const usageStyle of ['empty-choices', 'empty-delta']) {
    const shape = usageStyle === 'empty-choices' ? 'choices: []' : 'choices: [{"index":0,"delta":{}}]';
    it(`a final usage chunk with ${shape} adds no text and records the usage`, async () => {
      servers.mock.configure({ usageStyle });
      const { request, stored } = await sendExpectingExactReply(`Report usage as ${usageStyle}.`);
      assert.deepEqual(request.body.stream_options, { include_usage: true });
      assert.deepEqual(stored.messages.at(-1).usage, mockUsage(request.body, request.reply));
    });
  }

  it('logged no errors in the page besides the failed requests', () => {
    browser.assertNoErrors({
      allow: [/status of (400|401|403|404|429|500|503)/, /net::ERR_/],
    });
  });
});
