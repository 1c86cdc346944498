// Owns the unit tests of the mock OpenAI-compatible server (run: node --test tests/e2e/mock-server.test.mjs).
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { startMockServer, defaultReply } from './mock-server.mjs';

let mock;
before(async () => {
  mock = await startMockServer();
});
after(async () => {
  await mock?.close();
});
beforeEach(() => mock.reset());

const SYSTEM = { role: 'system', content: 'You are a helpful assistant.' };

function chat(body, { headers = {}, signal } = {}) {
  return fetch(`${mock.url}/v1/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-123', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify({ model: 'gpt-4o-mini', ...body }),
    signal,
  });
}

async function complete(messages, extra = {}) {
  const res = await chat({ messages, ...extra });
  assert.equal(res.status, 200);
  const json = await res.json();
  assert.equal(json.object, 'chat.completion');
  return json.choices[0].message.content;
}

const streamBody = (text, extra = {}) => ({
  messages: [SYSTEM, { role: 'user', content: text }],
  stream: true,
  stream_options: { include_usage: true },
  ...extra,
});

/** Split an SSE text into the payloads of its data lines (comments and event names dropped). */
function sseData(raw) {
  return raw
    .split(/\r?\n\r?\n/)
    .flatMap((block) => block.split(/\r?\n/))
    .filter((line) => line.startsWith('data: '))
    .map((line) => line.slice(6));
}

function parseStream(raw) {
  const data = sseData(raw);
  const chunks = [];
  for (const d of data) {
    if (d === '[DONE]') continue;
    try {
      chunks.push(JSON.parse(d));
    } catch {
      chunks.push({ malformed: d });
    }
  }
  const content = chunks
    .filter((c) => c.choices?.length)
    .map((c) => c.choices[0].delta?.content ?? '')
    .join('');
  const contentChunks = chunks.filter((c) => c.choices?.[0]?.delta?.content);
  return { data, chunks, content, contentChunks, done: data.at(-1) === '[DONE]' };
}

async function streamText(text, extra = {}) {
  const res = await chat(streamBody(text, extra));
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /^text\/event-stream/);
  return res.text();
}

/** Raw byte-level read of a streamed request, keeping the network chunk boundaries. */
function rawStream(body) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      `${mock.url}/v1/chat/completions`,
      { method: 'POST', headers: { 'content-type': 'application/json' } },
      (res) => {
        const parts = [];
        res.on('data', (b) => parts.push(b));
        res.on('end', () => resolve(parts));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify({ model: 'gpt-4o-mini', ...body }));
  });
}

const waitFor = async (predicate, timeoutMs = 3000) => {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (predicate()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return predicate();
};

/** Reads a streamed body as it arrives (`raw`) until it ends or is aborted (`ended`). */
function collect(res) {
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  const body = { raw: '' };
  body.ended = (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        body.raw += decoder.decode(value, { stream: true });
      }
    } catch {
      /* aborted */
    }
  })();
  return body;
}

describe('replies', () => {
  it('recalls a name from an earlier user turn', async () => {
    const reply = await complete([
      SYSTEM,
      { role: 'user', content: 'My name is Priya.' },
      { role: 'assistant', content: 'Nice to meet you.' },
      { role: 'user', content: 'What is my name?' },
    ]);
    assert.equal(reply, 'Your name is Priya.');
  });

  it('recalls a name from a system summary and uses the last statement', async () => {
    assert.equal(
      await complete([
        { role: 'system', content: "Known facts: The user's name is Sam." },
        { role: 'user', content: 'what is my name' },
      ]),
      'Your name is Sam.',
    );
    assert.equal(
      await complete([
        { role: 'system', content: "The user's name is Sam." },
        { role: 'user', content: 'Actually, my name is Ann.' },
        { role: 'assistant', content: 'Got it.' },
        { role: 'user', content: [{ type: 'text', text: 'WHAT IS MY NAME?' }] },
      ]),
      'Your name is Ann.',
    );
  });

  it("says it doesn't know a name that was never given", async () => {
    assert.equal(await complete([SYSTEM, { role: 'user', content: 'What is my name?' }]), "I don't know your name.");
  });

  it('gives a deterministic reply echoing the user text, with non-ASCII characters', async () => {
    const messages = [SYSTEM, { role: 'user', content: 'Hello there' }];
    const a = await complete(messages);
    const b = await complete(messages);
    assert.equal(a, b);
    assert.ok(a.startsWith('You said: Hello there. '), a);
    assert.match(a, /é/);
    assert.match(a, /🙂/);
    assert.equal(a.split(' ').length, 40);
    assert.notEqual(a, await complete([SYSTEM, { role: 'user', content: 'Something else entirely' }]));
  });

  it('honours replyWords and replyText', async () => {
    mock.configure({ replyWords: 60 });
    assert.equal((await complete([{ role: 'user', content: 'Long one' }])).split(' ').length, 60);
    mock.configure({ replyText: '<img src=x onerror=alert(1)> **bold**' });
    assert.equal(await complete([{ role: 'user', content: 'x' }]), '<img src=x onerror=alert(1)> **bold**');
  });

  it('truncates a long echo to 40 characters', () => {
    const reply = defaultReply('a'.repeat(100), 10);
    assert.ok(reply.startsWith(`You said: ${'a'.repeat(40)}… `), reply);
  });

  it('answers a summary request with the durable facts', async () => {
    const reply = await complete([
      { role: 'system', content: 'Summarize the durable facts about the user in short sentences.' },
      {
        role: 'user',
        content:
          "Existing summary: The user's name is Sam.\n" +
          'user: My name is Priya. I like green tea.\nassistant: Nice!\nuser: I prefer short answers. I live in Lisbon.',
      },
    ]);
    assert.equal(
      reply,
      "The user's name is Sam. The user's name is Priya. The user likes green tea. " +
        'The user prefers short answers. The user lives in Lisbon.',
    );
  });

  it('takes a summary\'s facts from the messages it summarises, never from its instructions', async () => {
    const reply = await complete([
      {
        role: 'system',
        content:
          'You maintain the running summary. Write short sentences (for example "The user\'s name is Sam."). ' +
          'I like examples.',
      },
      { role: 'user', content: 'New messages:\n[user] I like green tea.\n[assistant] Noted.' },
    ]);
    assert.equal(reply, 'The user likes green tea.');
  });

  it('answers a summary request without facts with "No durable facts yet."', async () => {
    const reply = await complete([
      { role: 'system', content: 'Please SUMMARISE this.' },
      { role: 'user', content: 'Hello. How are you?' },
    ]);
    assert.equal(reply, 'No durable facts yet.');
  });

  it('does not treat a streamed request as a summary request', async () => {
    const { content } = parseStream(await streamText('Summarize our chat.'));
    assert.ok(content.startsWith('You said: Summarize our chat.'), content);
  });

  it('reports usage on non-streamed replies', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
    const json = await res.json();
    const { prompt_tokens, completion_tokens, total_tokens } = json.usage;
    assert.ok(prompt_tokens > 0 && completion_tokens > 0);
    assert.equal(total_tokens, prompt_tokens + completion_tokens);
  });
});

describe('streaming', () => {
  it('streams chat.completion.chunk events, a usage chunk and [DONE]', async () => {
    const raw = await streamText('Hello there');
    const { chunks, content, contentChunks, done } = parseStream(raw);
    assert.ok(done);
    assert.deepEqual(chunks[0].choices[0].delta, { role: 'assistant', content: '', refusal: null });
    assert.equal(chunks[0].object, 'chat.completion.chunk');
    assert.equal(content, mock.requests[0].reply);
    assert.equal(contentChunks.length, 40, 'one word per chunk');
    assert.ok(contentChunks[0].choices[0].delta.content.endsWith(' '), 'chunks keep the trailing space');
    const finish = chunks.at(-2);
    assert.equal(finish.choices[0].finish_reason, 'stop');
    assert.deepEqual(finish.choices[0].delta, {});
    const usage = chunks.at(-1);
    assert.deepEqual(usage.choices, []);
    assert.equal(usage.usage.total_tokens, usage.usage.prompt_tokens + usage.usage.completion_tokens);
    assert.equal(mock.requests[0].completed, true);
  });

  it('omits the usage chunk unless include_usage is asked for', async () => {
    const { chunks, done } = parseStream(await streamText('Hi', { stream_options: undefined }));
    assert.ok(done);
    assert.ok(chunks.every((c) => !('usage' in c)));
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
  });

  it('honours chunkWords and usageStyle empty-delta', async () => {
    mock.configure({ chunkWords: 3, usageStyle: 'empty-delta', delayMs: 0 });
    const { chunks, contentChunks, content } = parseStream(await streamText('Hi'));
    assert.equal(contentChunks.length, Math.ceil(40 / 3));
    assert.equal(content, mock.requests[0].reply);
    assert.deepEqual(chunks.at(-1).choices, [{ index: 0, delta: {}, logprobs: null, finish_reason: null }]);
    assert.ok(chunks.at(-1).usage.total_tokens > 0);
  });

  it('waits delayMs between chunks', async () => {
    mock.configure({ delayMs: 20, replyWords: 10 });
    const start = Date.now();
    await streamText('Hi');
    assert.ok(Date.now() - start >= 10 * 20 * 0.8);
  });

  it('byteChunks splits the stream, including multi-byte characters, into single bytes', async () => {
    mock.configure({ byteChunks: true, delayMs: 0, replyWords: 12 });
    const parts = await rawStream(streamBody('Hi'));
    assert.ok(parts.length > 100, `only ${parts.length} network chunks`);
    const splitInside = parts.some((p, i) => i > 0 && p[0] >= 0x80 && p[0] <= 0xbf);
    assert.ok(splitInside, 'a multi-byte character is split across network chunks');
    const { content, done } = parseStream(Buffer.concat(parts).toString('utf8'));
    assert.ok(done);
    assert.equal(content, mock.requests[0].reply);
    assert.match(content, /é.*🙂|🙂.*é/s);
  });

  it('crlf uses \\r\\n line endings', async () => {
    mock.configure({ crlf: true, delayMs: 0 });
    const raw = await streamText('Hi');
    assert.match(raw, /\r\n\r\n/);
    assert.doesNotMatch(raw, /[^\r]\n/);
    const { content, done } = parseStream(raw);
    assert.ok(done);
    assert.equal(content, mock.requests[0].reply);
  });

  it('keepalive interleaves comments and event names', async () => {
    mock.configure({ keepalive: true, delayMs: 0 });
    const raw = await streamText('Hi');
    assert.match(raw, /^: keepalive$/m);
    assert.match(raw, /^event: message$/m);
    assert.equal(parseStream(raw).content, mock.requests[0].reply);
  });

  it('malformedAfterChunks sends one broken data line and goes on', async () => {
    mock.configure({ malformedAfterChunks: 2, delayMs: 0 });
    const { data, chunks, content, done } = parseStream(await streamText('Hi'));
    assert.ok(done);
    assert.equal(data.filter((d) => d === '{not json').length, 1);
    const at = chunks.findIndex((c) => c.malformed);
    assert.equal(at, 3, 'after the role chunk and two content chunks');
    assert.equal(content, mock.requests[0].reply);
  });

  it('streamErrorAfterChunks sends an error event and ends without [DONE]', async () => {
    mock.configure({ streamErrorAfterChunks: 3, delayMs: 0 });
    const { chunks, contentChunks, done } = parseStream(await streamText('Hi'));
    assert.equal(done, false);
    assert.equal(contentChunks.length, 3);
    assert.deepEqual(chunks.at(-1).error, {
      message: 'The server had an error processing your request.',
      type: 'server_error',
      param: null,
      code: null,
    });
  });

  it('dropAfterChunks destroys the connection after N content chunks', async () => {
    mock.configure({ dropAfterChunks: 4, delayMs: 0 });
    const res = await chat(streamBody('Hi'));
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    let raw = '';
    let failed = false;
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        raw += decoder.decode(value, { stream: true });
      }
    } catch {
      failed = true;
    }
    assert.ok(failed, 'the body read fails');
    const { contentChunks, done } = parseStream(raw);
    assert.equal(done, false);
    assert.equal(contentChunks.length, 4);
    assert.equal(mock.requests[0].dropped, true);
    assert.equal(mock.requests[0].aborted, false);
  });

  it('stallAfterChunks goes silent until the client goes away', async () => {
    mock.configure({ stallAfterChunks: 2, delayMs: 0 });
    const controller = new AbortController();
    const res = await chat(streamBody('Hi'), { signal: controller.signal });
    const body = collect(res);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal(parseStream(body.raw).contentChunks.length, 2);
    assert.equal(mock.requests[0].completed, false);
    controller.abort();
    await body.ended;
    assert.ok(await waitFor(() => mock.requests[0].aborted), 'the request is marked aborted');
  });

  it('finishReason sets the finish_reason of a streamed and a non-streamed reply', async () => {
    mock.configure({ finishReason: 'length', delayMs: 0 });
    const { chunks, done } = parseStream(await streamText('Hi'));
    assert.ok(done);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'length');
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal((await res.json()).choices[0].finish_reason, 'length');
  });

  it('stallAfterFinish sends the finish_reason and usage, then goes silent without [DONE]', async () => {
    mock.configure({ stallAfterFinish: true, delayMs: 0 });
    const controller = new AbortController();
    const res = await chat(streamBody('Hi'), { signal: controller.signal });
    const body = collect(res);
    await new Promise((r) => setTimeout(r, 400));
    const { chunks, content, done } = parseStream(body.raw);
    assert.equal(content, mock.requests[0].reply);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');
    assert.ok(chunks.at(-1).usage.total_tokens > 0);
    assert.equal(done, false, 'no [DONE]');
    assert.equal(mock.requests[0].completed, false);
    controller.abort();
    await body.ended;
    assert.ok(await waitFor(() => mock.requests[0].aborted), 'the request is marked aborted');
  });

  it('reasoningTokens adds reasoning to the completion tokens and reports it in the details', async () => {
    mock.configure({ reasoningTokens: 250, delayMs: 0 });
    const usage = parseStream(await streamText('Hi')).chunks.at(-1).usage;
    assert.deepEqual(usage.completion_tokens_details, { reasoning_tokens: 250 });
    assert.ok(usage.completion_tokens > 250);
    assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    const plain = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal((await plain.json()).usage.completion_tokens_details.reasoning_tokens, 250);
  });

  it('marks a stream the client abandons as aborted', async () => {
    mock.configure({ delayMs: 50 });
    const controller = new AbortController();
    const res = await chat(streamBody('Hi'), { signal: controller.signal });
    const reader = res.body.getReader();
    await reader.read();
    controller.abort();
    assert.ok(await waitFor(() => mock.requests[0].aborted));
    assert.equal(mock.requests[0].completed, false);
  });
});

describe('errors', () => {
  async function errorOf(status, cfg = {}, body = {}) {
    mock.reset();
    mock.configure({ status, ...cfg });
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }], ...body });
    assert.equal(res.status, status);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    return { res, error: (await res.json()).error };
  }

  it('401 looks like an invalid API key', async () => {
    const { error } = await errorOf(401);
    assert.equal(
      error.message,
      'Incorrect API key provided: sk-...-123. You can find your API key at https://platform.openai.com/account/api-keys.',
    );
    assert.equal(error.type, 'invalid_request_error');
    assert.equal(error.code, 'invalid_api_key');
    assert.equal(mock.requests.length, 1);
  });

  it('404 names the missing model', async () => {
    const { error } = await errorOf(404, {}, { model: 'gpt-9' });
    assert.equal(error.message, 'The model `gpt-9` does not exist or you do not have access to it.');
    assert.equal(error.code, 'model_not_found');
  });

  it('400 context_length_exceeded', async () => {
    const { error } = await errorOf(400, { code: 'context_length_exceeded' });
    assert.match(error.message, /^This model's maximum context length is 128000 tokens\. However, your messages resulted in \d+ tokens/);
    assert.equal(error.code, 'context_length_exceeded');
    assert.equal(error.type, 'invalid_request_error');
  });

  it('429 rate limit and insufficient quota, with Retry-After', async () => {
    const rate = await errorOf(429, { retryAfter: '2' });
    assert.match(rate.error.message, /^Rate limit reached/);
    assert.equal(rate.error.type, 'requests');
    assert.equal(rate.error.code, 'rate_limit_exceeded');
    assert.equal(rate.res.headers.get('retry-after'), '2');
    assert.match(rate.res.headers.get('access-control-expose-headers'), /retry-after/i);
    const quota = await errorOf(429, { code: 'insufficient_quota' });
    assert.equal(quota.error.code, 'insufficient_quota');
    assert.match(quota.error.message, /exceeded your current quota/);
    assert.equal(quota.res.headers.get('retry-after'), null);
  });

  for (const status of [500, 502, 503, 504]) {
    it(`${status} is a server error`, async () => {
      const { error } = await errorOf(status);
      assert.equal(error.message, 'The server had an error while processing your request.');
      assert.equal(error.type, 'server_error');
    });
  }

  it('errorMessage, errorType and errorCode override the body', async () => {
    const { error } = await errorOf(403, { errorMessage: 'Nope.', errorType: 'permission', errorCode: 'denied' });
    assert.deepEqual(error, { message: 'Nope.', type: 'permission', param: null, code: 'denied' });
  });

  it('a streamed request with a status gets the JSON error, not a stream', async () => {
    mock.configure({ status: 500 });
    const res = await chat(streamBody('Hi'));
    assert.equal(res.status, 500);
    assert.match(res.headers.get('content-type'), /application\/json/);
  });

  it('model mock-status-NNN and the x-mock-scenario header override one request', async () => {
    let res = await chat({ model: 'mock-status-401', messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(res.status, 401);
    res = await chat(
      { messages: [{ role: 'user', content: 'Hi' }] },
      { headers: { 'x-mock-scenario': JSON.stringify({ status: 503, retryAfter: 7 }) } },
    );
    assert.equal(res.status, 503);
    assert.equal(res.headers.get('retry-after'), '7');
    res = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(res.status, 200);
  });

  it('never crashes on a bad body', async () => {
    for (const body of ['{oops', '[]', '{"messages": "hi"}', '{"messages": []}', 'null', '']) {
      const res = await chat(body);
      assert.equal(res.status, 400, body);
      const json = await res.json();
      assert.equal(typeof json.error.message, 'string');
      assert.equal(json.error.type, 'invalid_request_error');
    }
    assert.equal(mock.requests[0].body, null);
    assert.equal(mock.requests[0].raw, '{oops');
    assert.equal(await complete([{ role: 'user', content: 'still alive?' }]).then((r) => r.startsWith('You said')), true);
  });
});

describe('queue', () => {
  it('answers 500 twice, then succeeds, then falls back to the base config', async () => {
    mock.configure({ replyWords: 12, queue: [{ status: 500 }, { status: 500, retryAfter: '1' }, {}] });
    const statuses = [];
    for (let i = 0; i < 4; i++) {
      const res = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
      statuses.push(res.status);
      if (i === 1) assert.equal(res.headers.get('retry-after'), '1');
      await res.arrayBuffer();
    }
    assert.deepEqual(statuses, [500, 500, 200, 200]);
    assert.equal(mock.requests[2].reply.split(' ').length, 12);
    assert.deepEqual(mock.config.queue, []);
  });
});

describe('summaryQueue', () => {
  it('answers summary requests from summaryQueue and leaves queue to the others', async () => {
    mock.configure({ queue: [{ replyText: 'From the queue.' }], summaryQueue: [{ replyText: '', finishReason: 'length' }] });
    const summaryCall = { messages: [{ role: 'system', content: 'Update the summary.' }, { role: 'user', content: 'My name is Priya.' }] };
    const first = await (await chat(summaryCall)).json();
    assert.equal(first.choices[0].message.content, '');
    assert.equal(first.choices[0].finish_reason, 'length');
    assert.equal(await complete([{ role: 'user', content: 'Hi' }]), 'From the queue.');
    const second = await (await chat(summaryCall)).json();
    assert.equal(second.choices[0].message.content, "The user's name is Priya.", 'both queues are used up');
    assert.equal(second.choices[0].finish_reason, 'stop');
    assert.deepEqual(mock.config.summaryQueue, []);
  });
});

describe('CORS and control endpoints', () => {
  it('answers an OPTIONS preflight with 204 and the CORS headers', async () => {
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://127.0.0.1:9',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type',
      },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    assert.equal(res.headers.get('access-control-allow-headers'), 'authorization, content-type, x-mock-scenario');
    assert.equal(res.headers.get('access-control-allow-methods'), 'POST, GET, OPTIONS');
    assert.equal(res.headers.get('access-control-expose-headers'), 'retry-after');
    assert.equal(mock.requests.length, 0, 'preflights are not recorded');
  });

  it('sets Access-Control-Allow-Origin on successful and streamed responses', async () => {
    const res = await chat({ messages: [{ role: 'user', content: 'Hi' }] });
    assert.equal(res.headers.get('access-control-allow-origin'), '*');
    await res.arrayBuffer();
    const streamed = await chat(streamBody('Hi'));
    assert.equal(streamed.headers.get('access-control-allow-origin'), '*');
    await streamed.arrayBuffer();
  });

  it('records requests with body, headers and time', async () => {
    const before = Date.now();
    await complete([{ role: 'user', content: 'Hi' }], { temperature: 0.2 });
    const [entry] = mock.requests;
    assert.equal(entry.body.temperature, 0.2);
    assert.equal(entry.headers.authorization, 'Bearer sk-test-123');
    assert.ok(entry.time >= before && entry.time <= Date.now());
  });

  it('configures, lists and resets over HTTP', async () => {
    let res = await fetch(`${mock.url}/__mock/config`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ replyText: 'Configured.' }),
    });
    assert.equal(res.status, 200);
    assert.equal((await res.json()).replyText, 'Configured.');
    assert.equal(await complete([{ role: 'user', content: 'Hi' }]), 'Configured.');
    res = await fetch(`${mock.url}/__mock/requests`);
    const list = await res.json();
    assert.equal(list.length, 1);
    assert.equal(list[0].body.messages[0].content, 'Hi');
    assert.equal(list[0].reply, 'Configured.');
    res = await fetch(`${mock.url}/__mock/config`, { method: 'POST', body: '{bad' });
    assert.equal(res.status, 400);
    res = await fetch(`${mock.url}/__mock/reset`, { method: 'POST' });
    assert.equal(res.status, 200);
    assert.equal(mock.requests.length, 0);
    assert.deepEqual(await (await fetch(`${mock.url}/__mock/requests`)).json(), []);
    assert.notEqual(await complete([{ role: 'user', content: 'Hi' }]), 'Configured.');
  });

  it('answers unknown paths with a 404 error object', async () => {
    const res = await fetch(`${mock.url}/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal(typeof (await res.json()).error.message, 'string');
  });
});

// ---------------------------------------------------------------------------
// Server modes (mock-modes.mjs), one per real server, under /<mode>/v1/...

describe('modes', () => {
  beforeEach(() => mock.configure({ delayMs: 0 }));

  const ORIGIN = 'http://127.0.0.1:8080';
  const HELLO = [{ role: 'user', content: 'Hello there' }];
  /** What each mode needs for a request it accepts: a model it knows, the key where it wants it. */
  const NEEDS = {
    gemini: { model: 'gemini-2.5-flash' },
    azure: { headers: { 'api-key': 'azure-key-123' } },
  };

  function modeChat(mode, body = {}, { headers = {}, auth = true } = {}) {
    return fetch(`${mock.url}/${mode}/v1/chat/completions`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(auth ? { authorization: 'Bearer sk-test-123' } : {}),
        ...(NEEDS[mode]?.headers ?? {}),
        ...headers,
      },
      body: JSON.stringify({ model: NEEDS[mode]?.model ?? 'gpt-4o-mini', messages: HELLO, ...body }),
    });
  }
  const preflight = (mode, requestHeaders = 'authorization, content-type', origin = ORIGIN) =>
    fetch(`${mock.url}/${mode}/v1/chat/completions`, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': requestHeaders },
    });
  const models = async (mode, headers = {}) => {
    const res = await fetch(`${mock.url}/${mode}/v1/models`, { headers });
    assert.equal(res.status, 200);
    return res.json();
  };
  const corsHeaders = (res) => [...res.headers.keys()].filter((k) => k.startsWith('access-control-'));
  async function streamOf(mode, body = {}, opts = {}) {
    const res = await modeChat(mode, { stream: true, ...body }, opts);
    assert.equal(res.status, 200, `${mode} answers 200`);
    const raw = await res.text();
    return { res, raw, ...parseStream(raw) };
  }
  const reasoningOf = (chunks, field = 'reasoning') => chunks.map((c) => c.choices?.[0]?.delta?.[field] ?? '').join('');

  it('modeUrl gives the Base URL of a mode and refuses an unknown one', () => {
    assert.equal(mock.modeUrl('groq'), `${mock.url}/groq/v1`);
    assert.throws(() => mock.modeUrl('nope'), /Unknown mock mode: nope/);
  });

  it('records every mode request with its mode, path, headers and body', async () => {
    await (await modeChat('openrouter', { temperature: 0.3 })).arrayBuffer();
    const [entry] = mock.requests;
    assert.equal(entry.mode, 'openrouter');
    assert.equal(entry.path, '/openrouter/v1/chat/completions');
    assert.equal(entry.headers.authorization, 'Bearer sk-test-123');
    assert.equal(entry.body.temperature, 0.3);
    assert.equal(entry.status, 200);
  });

  it('keeps status, queue, x-mock-scenario and the faults working in every mode', async () => {
    for (const mode of Object.keys(NEEDS).concat([
      'openai',
      'openrouter',
      'ollama',
      'lmstudio',
      'llamacpp',
      'vllm',
      'mistral',
      'groq',
      'deepseek',
      'anthropic',
    ])) {
      mock.reset();
      mock.configure({ delayMs: 0, queue: [{ status: 500 }] });
      let res = await modeChat(mode);
      assert.equal(res.status, 500, `${mode}: queued status`);
      await res.arrayBuffer();
      res = await modeChat(mode, {}, { headers: { 'x-mock-scenario': JSON.stringify({ status: 503 }) } });
      assert.equal(res.status, 503, `${mode}: x-mock-scenario`);
      await res.arrayBuffer();
      res = await modeChat(
        mode,
        { stream: true },
        { headers: { 'x-mock-scenario': JSON.stringify({ dropAfterChunks: 2 }) } },
      );
      await assert.rejects(res.text(), undefined, `${mode}: dropAfterChunks cuts the body`);
      const { content, done } = await streamOf(mode, {
        messages: [
          { role: 'user', content: 'My name is Ada.' },
          { role: 'user', content: 'What is my name?' },
        ],
      });
      assert.ok(done, `${mode}: [DONE]`);
      assert.equal(content, 'Your name is Ada.', `${mode}: the reply comes from the request`);
      assert.deepEqual(
        mock.requests.map((r) => r.mode),
        [mode, mode, mode, mode],
      );
    }
  });

  it("answers an unknown path under a mode with a 404 in that server's shape", async () => {
    const res = await fetch(`${mock.url}/vllm/v1/nope`);
    assert.equal(res.status, 404);
    assert.equal((await res.json()).object, 'error');
  });

  describe('openai', () => {
    it('rejects max_tokens and a temperature other than 1 for o-series and gpt-5 models', async () => {
      let res = await modeChat('openai', { model: 'o4-mini', max_tokens: 100 });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), {
        error: {
          message:
            "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          type: 'invalid_request_error',
          param: 'max_tokens',
          code: 'unsupported_parameter',
        },
      });
      res = await modeChat('openai', { model: 'openai/gpt-5-mini', temperature: 0.7 });
      assert.equal(res.status, 400);
      const { error } = await res.json();
      assert.equal(error.param, 'temperature');
      assert.equal(error.code, 'unsupported_value');
      assert.match(error.message, /^Unsupported value: 'temperature' does not support 0\.7 with this model\./);
      res = await modeChat('openai', { model: 'o4-mini', max_completion_tokens: 100, temperature: 1 });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      res = await modeChat('openai', { model: 'gpt-4o-mini', max_tokens: 100, temperature: 0.2 });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      assert.deepEqual(
        mock.requests.map((r) => r.status),
        [400, 400, 200, 200],
      );
    });

    it('accepts the developer role and sends the usage chunk with empty choices', async () => {
      const { chunks, done } = await streamOf('openai', {
        messages: [{ role: 'developer', content: 'Be brief.' }, ...HELLO],
        stream_options: { include_usage: true },
      });
      assert.ok(done);
      assert.deepEqual(chunks.at(-1).choices, []);
      assert.ok(chunks.at(-1).usage.prompt_tokens > 0);
    });

    it("lists OpenAI's models", async () => {
      const list = await models('openai');
      assert.equal(list.object, 'list');
      assert.deepEqual(
        list.data.map((m) => m.id),
        ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1', 'o4-mini', 'gpt-5-mini'],
      );
      assert.ok(list.data.every((m) => m.object === 'model' && typeof m.created === 'number' && m.owned_by));
    });
  });

  describe('openrouter', () => {
    it('sends processing comments first and the usage in the last chunk without stream_options', async () => {
      const { raw, chunks, content, done } = await streamOf('openrouter');
      assert.ok(raw.startsWith(': OPENROUTER PROCESSING\n\n'), raw.slice(0, 60));
      assert.ok(raw.indexOf(': OPENROUTER PROCESSING') < raw.indexOf('data: '));
      assert.ok(done);
      assert.equal(content, mock.requests[0].reply);
      const last = chunks.at(-1);
      assert.deepEqual(last.choices, []);
      assert.equal(last.usage.total_tokens, last.usage.prompt_tokens + last.usage.completion_tokens);
      assert.equal(typeof last.usage.cost, 'number');
      assert.ok(chunks.slice(0, -1).every((c) => !('usage' in c)));
    });

    it('streams the reasoning of a reasoning model in delta.reasoning before the answer', async () => {
      const { chunks, content } = await streamOf('openrouter', { model: 'deepseek/deepseek-r1' });
      const reasoning = reasoningOf(chunks);
      assert.equal(reasoning, mock.requests[0].reasoning);
      assert.match(reasoning, /Hello there/);
      const lastReasoning = chunks.findLastIndex((c) => c.choices?.[0]?.delta?.reasoning);
      const firstContent = chunks.findIndex((c) => c.choices?.[0]?.delta?.content);
      assert.ok(lastReasoning < firstContent);
      assert.equal(content, mock.requests[0].reply);
      const plain = await streamOf('openrouter', { model: 'openai/gpt-4o-mini' });
      assert.equal(reasoningOf(plain.chunks), '');
    });

    it('fails mid-generation in its own shape and ends the body', async () => {
      mock.configure({ streamErrorAfterChunks: 2 });
      const { chunks, contentChunks, done } = await streamOf('openrouter', { model: 'anthropic/claude-3.5-sonnet' });
      assert.equal(done, false);
      assert.equal(contentChunks.length, 2);
      const { id, created, ...rest } = chunks.at(-1);
      assert.match(id, /^chatcmpl-/);
      assert.equal(typeof created, 'number');
      assert.deepEqual(rest, {
        object: 'chat.completion.chunk',
        model: 'anthropic/claude-3.5-sonnet',
        provider: 'Mock',
        error: { code: 'server_error', message: 'Provider disconnected' },
        choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
      });
    });

    it("lists models in OpenRouter's shape, with pricing strings and a reasoning model", async () => {
      const { data } = await models('openrouter');
      assert.ok(data.length >= 3 && data.length <= 4);
      const sonnet = data.find((m) => m.id === 'anthropic/claude-3.5-sonnet');
      assert.equal(sonnet.context_length, 200000);
      assert.deepEqual([sonnet.pricing.prompt, sonnet.pricing.completion], ['0.000003', '0.000015']);
      const r1 = data.find((m) => m.id === 'deepseek/deepseek-r1');
      assert.equal(r1.context_length, 64000);
      assert.ok(data.every((m) => typeof m.name === 'string' && typeof m.pricing.prompt === 'string'));
    });

    it('answers a status with its error shape', async () => {
      mock.configure({ status: 402 });
      const res = await modeChat('openrouter');
      assert.equal(res.status, 402);
      const { error } = await res.json();
      assert.equal(error.code, 402);
      assert.match(error.message, /^Insufficient credits/);
    });
  });

  describe('ollama', () => {
    it('lets requests without Origin through and refuses other origins with a bare 403', async () => {
      let res = await modeChat('ollama');
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      res = await modeChat('ollama', {}, { headers: { origin: ORIGIN } });
      assert.equal(res.status, 403);
      assert.equal(await res.text(), '');
      assert.deepEqual(corsHeaders(res), []);
      res = await preflight('ollama');
      assert.equal(res.status, 403);
      assert.deepEqual(corsHeaders(res), []);
      res = await fetch(`${mock.url}/ollama/v1/models`, { headers: { origin: ORIGIN } });
      assert.equal(res.status, 403);
      assert.deepEqual(
        mock.requests.map((r) => r.status),
        [200, 403],
      );
      assert.equal(mock.preflights.at(-1).status, 403);
    });

    it('allows the origins in allowedOrigins, with wildcards', async () => {
      mock.configure({ allowedOrigins: ['http://127.0.0.1:*'] });
      let res = await preflight('ollama');
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
      assert.match(res.headers.get('access-control-allow-headers'), /Authorization/);
      res = await modeChat('ollama', {}, { headers: { origin: ORIGIN } });
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN);
      await res.arrayBuffer();
      res = await modeChat('ollama', {}, { headers: { origin: 'http://localhost:8080' } });
      assert.equal(res.status, 403);
    });

    it('streams reasoning for reasoning models and usage only with stream_options', async () => {
      const thinking = await streamOf('ollama', { model: 'qwen3:8b' });
      assert.equal(reasoningOf(thinking.chunks), mock.requests[0].reasoning);
      assert.ok(thinking.chunks.every((c) => !('usage' in c)));
      const plain = await streamOf('ollama', { model: 'llama3.2:latest', stream_options: { include_usage: true } });
      assert.equal(reasoningOf(plain.chunks), '');
      assert.ok(plain.chunks.at(-1).usage.total_tokens > 0);
    });

    it("lists models in Ollama's shape", async () => {
      const list = await models('ollama');
      assert.equal(list.object, 'list');
      assert.deepEqual(
        list.data.map((m) => m.id),
        ['llama3.2:latest', 'qwen3:8b'],
      );
      assert.ok(
        list.data.every((m) => m.object === 'model' && m.owned_by === 'library' && typeof m.created === 'number'),
      );
    });
  });

  describe('lmstudio', () => {
    it('sends no CORS headers unless cors is on, and never usage in a stream', async () => {
      let res = await preflight('lmstudio');
      assert.deepEqual(corsHeaders(res), []);
      const {
        res: streamed,
        chunks,
        done,
      } = await streamOf('lmstudio', { stream_options: { include_usage: true } }, { headers: { origin: ORIGIN } });
      assert.ok(done);
      assert.deepEqual(corsHeaders(streamed), []);
      assert.ok(chunks.every((c) => !('usage' in c)));
      mock.configure({ cors: true });
      res = await preflight('lmstudio');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      res = await modeChat('lmstudio', {}, { headers: { origin: ORIGIN } });
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      await res.arrayBuffer();
    });
  });

  describe('llamacpp', () => {
    it('accepts max_completion_tokens without effect; usage only with stream_options; one model', async () => {
      const withMax = await streamOf('llamacpp', { max_completion_tokens: 3 });
      assert.equal(withMax.content.split(' ').length, 40, 'max_completion_tokens has no effect');
      assert.ok(withMax.chunks.every((c) => !('usage' in c)));
      const withUsage = await streamOf('llamacpp', { stream_options: { include_usage: true } });
      assert.ok(withUsage.chunks.at(-1).usage.total_tokens > 0);
      assert.equal((await models('llamacpp')).data.length, 1);
    });
  });

  describe('vllm', () => {
    it("rejects max_completion_tokens with a top-level error in vLLM's shape", async () => {
      const res = await modeChat('vllm', { max_completion_tokens: 100 });
      assert.equal(res.status, 400);
      const body = await res.json();
      assert.equal(body.error, undefined);
      assert.deepEqual(
        { ...body, message: undefined },
        { object: 'error', message: undefined, type: 'BadRequestError', param: null, code: 400 },
      );
      assert.match(body.message, /^max_completion_tokens is not supported/);
      const ok = await modeChat('vllm', { max_tokens: 100 });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
    });

    it('streams reasoning in delta.reasoning for reasoning models', async () => {
      const { chunks, content } = await streamOf('vllm', { model: 'Qwen/Qwen3-8B' });
      assert.equal(reasoningOf(chunks), mock.requests[0].reasoning);
      assert.equal(content, mock.requests[0].reply);
    });
  });

  describe('mistral', () => {
    it('rejects stream_options with 422 and takes the retry without it, usage in the last chunk', async () => {
      const res = await modeChat('mistral', { stream: true, stream_options: { include_usage: true } });
      assert.equal(res.status, 422);
      assert.deepEqual(await res.json(), {
        object: 'error',
        message: {
          detail: [
            {
              type: 'extra_forbidden',
              loc: ['body', 'stream_options'],
              msg: 'Extra inputs are not permitted',
              input: { include_usage: true },
            },
          ],
        },
        type: 'invalid_request_message_error',
        param: null,
        code: null,
      });
      const { chunks, done } = await streamOf('mistral');
      assert.ok(done);
      const last = chunks.at(-1);
      assert.equal(last.choices[0].finish_reason, 'stop');
      assert.ok(last.usage.total_tokens > 0);
      assert.deepEqual(
        mock.requests.map((r) => [r.status, 'stream_options' in r.body]),
        [
          [422, true],
          [200, false],
        ],
      );
    });

    it('allows only authorization and content-type in its preflight', async () => {
      const res = await preflight('mistral', 'authorization, content-type, x-mock-scenario');
      assert.equal(res.headers.get('access-control-allow-headers'), 'authorization, content-type');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
    });
  });

  describe('groq', () => {
    it('rejects stream_options with 400 and reports usage under x_groq', async () => {
      const res = await modeChat('groq', { stream: true, stream_options: { include_usage: true } });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), {
        error: {
          message: "'stream_options' : property 'stream_options' is unsupported, did you mean 'stream'?",
          type: 'invalid_request_error',
        },
      });
      const { chunks, done } = await streamOf('groq');
      assert.ok(done);
      assert.ok(
        chunks.every((c) => !('usage' in c)),
        'no top-level usage',
      );
      const usage = chunks.at(-1).x_groq.usage;
      assert.equal(usage.total_tokens, usage.prompt_tokens + usage.completion_tokens);
    });
  });

  describe('deepseek', () => {
    it('streams reasoning_content for deepseek-reasoner, with keep-alive comments and cache usage', async () => {
      const { raw, chunks, content } = await streamOf('deepseek', {
        model: 'deepseek-reasoner',
        stream_options: { include_usage: true },
      });
      assert.match(raw, /^: keep-alive$/m);
      assert.equal(reasoningOf(chunks, 'reasoning_content'), mock.requests[0].reasoning);
      assert.equal(content, mock.requests[0].reply);
      const { usage } = chunks.at(-1);
      assert.equal(usage.prompt_cache_hit_tokens + usage.prompt_cache_miss_tokens, usage.prompt_tokens);
      assert.ok(usage.completion_tokens_details.reasoning_tokens > 0);
      const chat = await streamOf('deepseek', { model: 'deepseek-chat' });
      assert.equal(reasoningOf(chat.chunks, 'reasoning_content'), '');
    });
  });

  describe('gemini', () => {
    it('rejects unknown fields and models with array error bodies', async () => {
      let res = await modeChat('gemini', { user: 'someone' });
      assert.equal(res.status, 400);
      assert.deepEqual(await res.json(), [
        {
          error: {
            code: 400,
            message: 'Invalid JSON payload received. Unknown name "user": Cannot find field.',
            status: 'INVALID_ARGUMENT',
          },
        },
      ]);
      res = await modeChat('gemini', { model: 'gemini-9' });
      assert.equal(res.status, 404);
      const [{ error }] = await res.json();
      assert.equal(error.status, 'NOT_FOUND');
      assert.match(error.message, /^models\/gemini-9 is not found/);
      res = await modeChat('gemini', {
        model: 'models/gemini-2.5-pro',
        reasoning_effort: 'low',
        max_completion_tokens: 50,
      });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
    });

    it('answers a configured status with an array body', async () => {
      mock.configure({ status: 503 });
      const res = await modeChat('gemini');
      assert.equal(res.status, 503);
      assert.deepEqual(await res.json(), [
        { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } },
      ]);
    });

    it('lists its models', async () => {
      assert.ok((await models('gemini')).data.some((m) => m.id === 'models/gemini-2.5-flash'));
    });
  });

  describe('anthropic', () => {
    const BROWSER = { 'anthropic-dangerous-direct-browser-access': 'true' };

    it('answers the preflight with CORS headers only when the browser-access header is asked for', async () => {
      let res = await preflight('anthropic', 'authorization, content-type');
      assert.deepEqual(corsHeaders(res), []);
      res = await preflight('anthropic', 'anthropic-dangerous-direct-browser-access, authorization, content-type');
      assert.equal(res.headers.get('access-control-allow-origin'), '*');
      assert.match(res.headers.get('access-control-allow-headers'), /anthropic-dangerous-direct-browser-access/);
    });

    it('refuses a browser request without the header, and a request without a key', async () => {
      let res = await modeChat('anthropic', {}, { headers: { origin: ORIGIN } });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        type: 'error',
        error: {
          type: 'authentication_error',
          message: "CORS requests must set 'anthropic-dangerous-direct-browser-access' header",
        },
      });
      res = await modeChat('anthropic', {}, { headers: { origin: ORIGIN, ...BROWSER } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      res = await modeChat('anthropic', {}, { auth: false, headers: { 'x-api-key': 'sk-ant-123' } });
      assert.equal(res.status, 200);
      await res.arrayBuffer();
      res = await modeChat('anthropic', {}, { auth: false });
      assert.equal(res.status, 401);
      assert.equal((await res.json()).error.type, 'authentication_error');
    });
  });

  describe('azure', () => {
    it('takes the key only from api-key', async () => {
      const res = await fetch(`${mock.url}/azure/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer sk-test-123' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: HELLO }),
      });
      assert.equal(res.status, 401);
      assert.deepEqual(await res.json(), {
        error: {
          code: '401',
          message:
            'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an ' +
            'active subscription and use a correct regional API endpoint for your resource.',
        },
      });
      const ok = await modeChat('azure', {}, { auth: false });
      assert.equal(ok.status, 200);
      await ok.arrayBuffer();
    });

    it('allows api-key in its preflight and opens a stream with the prompt filter results', async () => {
      const res = await preflight('azure', 'api-key, content-type');
      assert.match(res.headers.get('access-control-allow-headers'), /\bapi-key\b/);
      const { chunks, content } = await streamOf('azure');
      assert.deepEqual(chunks[0].choices, []);
      assert.ok(chunks[0].prompt_filter_results);
      assert.equal(content, mock.requests[0].reply);
    });
  });

  describe('errorBody', () => {
    const errorText = async (path, cfg) => {
      mock.configure({ status: 502, ...cfg });
      const res = await fetch(`${mock.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'gpt-4o-mini', messages: HELLO }),
      });
      assert.equal(res.status, 502);
      return {
        type: res.headers.get('content-type'),
        text: await res.text(),
        cors: res.headers.get('access-control-allow-origin'),
      };
    };

    it('renders the error as json, array, string, text or html, in any mode', async () => {
      const json = await errorText('/v1/chat/completions', { errorBody: 'json' });
      assert.equal(JSON.parse(json.text).error.message, 'The server had an error while processing your request.');
      const array = await errorText('/v1/chat/completions', { errorBody: 'array' });
      assert.equal(JSON.parse(array.text)[0].error.type, 'server_error');
      const string = await errorText('/v1/chat/completions', {
        errorBody: 'string',
        errorMessage: 'Model is overloaded',
      });
      assert.equal(string.text, '"Model is overloaded"');
      assert.match(string.type, /application\/json/);
      const text = await errorText('/ollama/v1/chat/completions', {
        errorBody: 'text',
        errorMessage: 'upstream timed out',
      });
      assert.equal(text.text, 'upstream timed out');
      assert.match(text.type, /^text\/plain/);
      const html = await errorText('/openrouter/v1/chat/completions', { errorBody: 'html' });
      assert.equal(
        html.text,
        '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center></body></html>',
      );
      assert.match(html.type, /^text\/html/);
      assert.equal(html.cors, '*');
    });
  });
});
