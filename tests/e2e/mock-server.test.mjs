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
