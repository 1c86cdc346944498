// Owns the mock OpenAI-compatible chat completions server used by the end-to-end specs:
// deterministic replies, name recall, summary facts, SSE streaming and injectable faults.
// The modes that imitate other real servers (`/<mode>/v1/...`) are in mock-modes.mjs.
import http from 'node:http';
import { pathToFileURL } from 'node:url';
import { MODES, modeOfPath, renderError } from './mock-modes.mjs';

/** Options every chat request starts from; `configure()` merges over these. */
export const DEFAULT_CONFIG = Object.freeze({
  replyWords: 40, // length of the default reply, in words
  replyText: null, // reply exactly this text instead
  chunkWords: 1, // words per streamed content chunk
  delayMs: 15, // pause before each streamed content chunk
  chunksPerSecond: null, // pace content chunks at this rate instead of delayMs (several per timer tick)
  recordChunkTimes: false, // keep, on the request entry, when each content chunk was written
  firstByteDelayMs: 0, // pause before the response headers are sent
  status: null, // answer with this HTTP error status
  code: null, // error flavour: 'context_length_exceeded' (400), 'insufficient_quota' (429)
  errorMessage: null, // override the error body's message
  errorType: null, // override the error body's type
  errorCode: null, // override the error body's code
  retryAfter: null, // value of a Retry-After header
  dropAfterChunks: null, // destroy the socket after N content chunks
  stallAfterChunks: null, // go silent after N content chunks until the client leaves
  malformedAfterChunks: null, // send `data: {not json` after N content chunks, then go on
  streamErrorAfterChunks: null, // send an error event after N content chunks, then end
  byteChunks: false, // write the SSE stream one byte at a time
  crlf: false, // use \r\n line endings in the SSE stream
  keepalive: false, // interleave `: keepalive` comments and `event: message` lines
  usageStyle: 'empty-choices', // or 'empty-delta'
  finishReason: 'stop', // finish_reason of the reply ('length', 'content_filter', …)
  stallAfterFinish: false, // after the finish_reason (and usage) chunk, go silent without [DONE] until the client leaves
  reasoningTokens: null, // report this many reasoning tokens in usage.completion_tokens_details
  reasoningText: null, // what a reasoning model (in a mode that streams reasoning) thinks before answering
  errorBody: null, // with `status`: 'json' (default), 'array', 'string', 'text' or 'html' (an nginx page)
  allowedOrigins: [], // ollama mode: browser origins let through ('*' wildcards); others get a bare 403
  cors: false, // lmstudio mode: answer with CORS headers (off by default, like LM Studio)
  queue: [], // one-shot entries, each merged over the base config for one chat request
  summaryQueue: [], // like queue, for summary requests only (taken before queue while not empty)
});

const ERROR_STATUSES_5XX = new Set([500, 502, 503, 504]);

const FILLER_SENTENCES = [
  'Mnemo keeps every word you send.',
  'Streaming makes a long answer feel quick.',
  'Déjà vu is a curious feeling 🙂.',
  'Short sentences are easy to read.',
  'Memory helps a conversation flow naturally.',
  'Every token is counted with care.',
  'The naïve approach often works first.',
  'A good test is boring and repeatable.',
  'Fresh coffee tastes better in a café.',
  'Small steps add up to a long journey.',
  'Clear words beat clever words 🙂.',
  'The weather is pleasant for a walk today.',
];
const OPENING_SENTENCE = 'Here is my answer, café-style 🙂.';

const NAME_QUESTION = /what is my name\??/i;
const NAME_STATEMENT = /\b(?:[Mm]y name is|[Tt]he user[’']s name is)\s+(\p{Lu}[\p{L}\p{M}'’-]*)/gu;

// ---------------------------------------------------------------------------
// Reply logic (pure functions, exported for tests)

/** Text of a message whose content is a string or an array of content parts. */
export function messageText(message) {
  const content = message?.content;
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (typeof part === 'string' ? part : typeof part?.text === 'string' ? part.text : ''))
      .join('\n');
  }
  return '';
}

function hashText(text) {
  // FNV-1a, 32 bit.
  let h = 0x811c9dc5;
  for (const ch of text) {
    h ^= ch.codePointAt(0);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function lastUserText(messages) {
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') return messageText(messages[i]);
  }
  return '';
}

/** Last name stated anywhere before the "What is my name?" question, or null. */
export function recallName(messages) {
  let lastUserIndex = -1;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i]?.role === 'user') {
      lastUserIndex = i;
      break;
    }
  }
  const parts = messages.map((m) => messageText(m));
  if (lastUserIndex >= 0) {
    const question = parts[lastUserIndex];
    const at = question.search(NAME_QUESTION);
    parts[lastUserIndex] = at >= 0 ? question.slice(0, at) : question;
    parts.length = lastUserIndex + 1;
  }
  let name = null;
  for (const match of parts.join('\n').matchAll(NAME_STATEMENT)) name = match[1];
  return name;
}

function splitSentences(text) {
  return text
    .split(/(?<=[.!?])\s+|\n+/)
    .map((s) => s.trim())
    .filter(Boolean);
}

function clause(rest) {
  const trimmed = rest.trim().replace(/[.!?]+$/, '');
  return trimmed ? ` ${trimmed}.` : '.';
}

/** Durable facts a summarising model would keep, in order of appearance. */
export function summaryFacts(messages) {
  const facts = [];
  const add = (fact) => {
    if (!facts.includes(fact)) facts.push(fact);
  };
  for (const message of messages) {
    for (const raw of splitSentences(messageText(message))) {
      // Tolerate a transcript prefix such as "user:" or "- User:".
      const sentence = raw.replace(/^[-*•\s]*(?:\[[^\]]{0,30}\]\s*)?(?:[\p{L} ]{1,20}:\s+)?/u, '');
      for (const m of raw.matchAll(NAME_STATEMENT)) add(`The user's name is ${m[1]}.`);
      let m;
      if ((m = /^I (like|prefer|live)\b(.*)$/.exec(sentence))) {
        const verb = { like: 'likes', prefer: 'prefers', live: 'lives' }[m[1]];
        add(`The user ${verb}${clause(m[2])}`);
      } else if ((m = /^The user (likes|prefers|lives)\b(.*)$/.exec(sentence))) {
        add(`The user ${m[1]}${clause(m[2])}`);
      }
    }
  }
  return facts;
}

function isSummaryRequest(body) {
  if (body.stream) return false;
  return body.messages.some((m) => (m?.role === 'system' || m?.role === 'user') && /summar/i.test(messageText(m)));
}

/** The default deterministic reply to a piece of user text. */
export function defaultReply(userText, replyWords = DEFAULT_CONFIG.replyWords) {
  const flat = userText.replace(/\s+/g, ' ').trim();
  let echo = flat.length > 40 ? `${flat.slice(0, 40).trimEnd()}…` : flat;
  if (!/[.!?…]$/.test(echo)) echo += '.';
  const head = `You said: ${echo} ${OPENING_SENTENCE}`.split(' ');
  const words = [...head];
  let h = hashText(flat);
  const target = Math.max(Number(replyWords) || 0, head.length);
  while (words.length < target) {
    words.push(...FILLER_SENTENCES[h % FILLER_SENTENCES.length].split(' '));
    h = Math.imul(h ^ (h >>> 13), 0x5bd1e995) >>> 0;
    h = (h + 0x9e3779b9) >>> 0;
  }
  words.length = target;
  let text = words.join(' ');
  if (!/[.!?]$/.test(text)) text = text.replace(/[,;:]$/, '') + '.';
  return text;
}

/** What the mock answers to a request body under the given config. */
export function replyFor(body, config = DEFAULT_CONFIG) {
  if (typeof config.replyText === 'string') return config.replyText;
  const messages = body.messages;
  if (isSummaryRequest(body)) {
    // The system message holds the instructions (and their examples); the facts come only
    // from what is being summarised, as a model that follows instructions would take them.
    const facts = summaryFacts(messages.filter((m) => m?.role !== 'system'));
    return facts.length ? facts.join(' ') : 'No durable facts yet.';
  }
  const userText = lastUserText(messages);
  if (NAME_QUESTION.test(userText)) {
    const name = recallName(messages);
    return name ? `Your name is ${name}.` : "I don't know your name.";
  }
  return defaultReply(userText, config.replyWords);
}

/** What a reasoning model thinks before it answers: a few words about the last user turn. */
export function reasoningFor(body, config = DEFAULT_CONFIG) {
  if (typeof config.reasoningText === 'string') return config.reasoningText;
  const flat = lastUserText(Array.isArray(body?.messages) ? body.messages : []).replace(/\s+/g, ' ').trim();
  const topic = flat.length > 30 ? `${flat.slice(0, 30).trimEnd()}…` : flat;
  return `The user wrote "${topic}". A plain, short answer fits.`;
}

function estimateTokens(text) {
  return Math.max(1, Math.ceil(text.length / 4));
}

function usageFor(body, reply, reasoningTokens = null) {
  const messages = Array.isArray(body?.messages) ? body.messages : [];
  const prompt = messages.reduce((n, m) => n + 4 + estimateTokens(messageText(m)), 3);
  const reasoning = Number(reasoningTokens) || 0;
  const completion = estimateTokens(reply) + reasoning;
  const usage = { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
  if (reasoningTokens != null) usage.completion_tokens_details = { reasoning_tokens: reasoning };
  return usage;
}

function maskKey(authorization) {
  const key = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1]?.trim();
  if (!key) return 'sk-...xxxx';
  return `${key.slice(0, 3)}...${key.slice(-4)}`;
}

/** OpenAI-style error body for a status under the given config. */
export function errorBody(status, config, body, headers = {}) {
  const model = typeof body?.model === 'string' ? body.model : 'gpt-4o-mini';
  const code = config.errorCode ?? config.code ?? null;
  let message;
  let type = 'invalid_request_error';
  let errCode = null;
  if (status === 400 && code === 'context_length_exceeded') {
    const tokens = Math.max(128001, usageFor(body, '').prompt_tokens);
    message =
      `This model's maximum context length is 128000 tokens. However, your messages resulted in ${tokens} tokens. ` +
      'Please reduce the length of the messages.';
    errCode = 'context_length_exceeded';
  } else if (status === 400) {
    message = 'Invalid request.';
  } else if (status === 401) {
    message =
      `Incorrect API key provided: ${maskKey(headers.authorization)}. ` +
      'You can find your API key at https://platform.openai.com/account/api-keys.';
    errCode = 'invalid_api_key';
  } else if (status === 403) {
    message = 'You are not allowed to sample from this model.';
    errCode = 'model_not_allowed';
  } else if (status === 404) {
    message = `The model \`${model}\` does not exist or you do not have access to it.`;
    errCode = 'model_not_found';
  } else if (status === 429 && code === 'insufficient_quota') {
    message =
      'You exceeded your current quota, please check your plan and billing details. ' +
      'For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.';
    type = 'insufficient_quota';
    errCode = 'insufficient_quota';
  } else if (status === 429) {
    message =
      `Rate limit reached for ${model} in organization org-mock on requests per min (RPM): ` +
      'Limit 3, Used 3, Requested 1. Please try again in 20s.';
    type = 'requests';
    errCode = 'rate_limit_exceeded';
  } else if (ERROR_STATUSES_5XX.has(status)) {
    message = 'The server had an error while processing your request.';
    type = 'server_error';
  } else {
    message = `Mock error ${status}.`;
    type = status >= 500 ? 'server_error' : 'invalid_request_error';
  }
  return {
    error: {
      message: config.errorMessage ?? message,
      type: config.errorType ?? type,
      param: null,
      code: config.errorCode ?? errCode,
    },
  };
}

// ---------------------------------------------------------------------------
// HTTP plumbing

const CORS_HEADERS = {
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'retry-after',
};
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  'Access-Control-Allow-Headers': 'authorization, content-type, x-mock-scenario',
  'Access-Control-Allow-Methods': 'POST, GET, OPTIONS',
  'Access-Control-Max-Age': '600',
};

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function sendJson(res, status, payload, extraHeaders = {}, cors = CORS_HEADERS) {
  sendText(res, status, JSON.stringify(payload), 'application/json', extraHeaders, cors);
}

function sendText(res, status, text, contentType, extraHeaders = {}, cors = CORS_HEADERS) {
  if (res.destroyed) return;
  res.writeHead(status, {
    ...cors,
    ...(contentType ? { 'Content-Type': contentType } : {}),
    'Content-Length': Buffer.byteLength(text),
    ...extraHeaders,
  });
  res.end(text);
}

function readBody(req, limit = 20 * 1024 * 1024) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    req.on('data', (chunk) => {
      size += chunk.length;
      if (size > limit) {
        reject(new Error('body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJson(text) {
  try {
    return { value: JSON.parse(text) };
  } catch (err) {
    return { error: err };
  }
}

function cloneDefaults() {
  return { ...DEFAULT_CONFIG, allowedOrigins: [...DEFAULT_CONFIG.allowedOrigins], queue: [], summaryQueue: [] };
}

/** The plain behaviour of the bare routes; a mode (mock-modes.mjs) overrides parts of it. */
const PLAIN = Object.freeze({ name: 'default' });

function mergeConfig(target, opts) {
  if (!opts || typeof opts !== 'object' || Array.isArray(opts)) return target;
  for (const [key, value] of Object.entries(opts)) {
    if (key === 'queue' || key === 'summaryQueue') target[key] = Array.isArray(value) ? value.map((e) => ({ ...e })) : [];
    else target[key] = value;
  }
  return target;
}

/**
 * Start the mock server on 127.0.0.1. Besides the bare routes, every mode of mock-modes.mjs
 * answers under its prefix: `${url}/<mode>/v1/chat/completions` and `${url}/<mode>/v1/models`.
 * @returns {Promise<{url: string, port: number, requests: object[], preflights: object[],
 *   close(): Promise<void>, configure(opts: object): object, reset(): void, modeUrl(mode): string}>}
 */
export async function startMockServer({ port = 0 } = {}) {
  let config = cloneDefaults();
  const requests = [];
  const preflights = [];
  let sequence = 0;

  const configure = (opts = {}) => {
    mergeConfig(config, opts);
    return { ...config, queue: [...config.queue], summaryQueue: [...config.summaryQueue] };
  };
  const reset = () => {
    config = cloneDefaults();
    requests.length = 0;
    preflights.length = 0;
  };

  /** The x-mock-scenario header of a request, as config overrides. */
  const scenarioOf = (req) => {
    const scenario = req.headers['x-mock-scenario'];
    if (!scenario) return null;
    const parsed = parseJson(scenario);
    return parsed.value && typeof parsed.value === 'object' ? parsed.value : null;
  };

  /** Config for what comes before a chat request is taken (CORS, gates): base and header, no queue entry. */
  const peekConfig = (req) => {
    const { queue, summaryQueue, ...base } = config;
    return mergeConfig({ ...base }, scenarioOf(req));
  };

  /** Effective config for one chat request: base, then queue entry, then per-request overrides. */
  const takeConfig = (req, body) => {
    const { queue, summaryQueue, ...base } = config;
    const effective = { ...base };
    const summary = Array.isArray(body?.messages) && isSummaryRequest(body);
    if (summary && summaryQueue.length) mergeConfig(effective, summaryQueue.shift());
    else if (queue.length) mergeConfig(effective, queue.shift());
    mergeConfig(effective, scenarioOf(req));
    const modelId = typeof body?.model === 'string' ? body.model.replace(/^models\//, '') : '';
    const model = /^mock-status-(\d{3})$/.exec(modelId);
    if (model) effective.status = Number(model[1]);
    delete effective.queue;
    delete effective.summaryQueue;
    return effective;
  };

  const corsOf = (mode, req, cfg) => (mode.cors ? mode.cors(req, cfg) : CORS_HEADERS);
  /** A mode's error body for a plain message, or `plain` (the bare routes' own). */
  const errorIn = (mode, status, message, plain) => (mode.error ? mode.error(status, message) : plain);

  /** A mode's gate (origin, auth) refusing a request, or false. */
  const refused = (mode, req, res, cfg, entry) => {
    const gate = mode.gate?.(req, cfg);
    if (!gate) return false;
    if (entry) entry.status = gate.status;
    // A bare refusal has an empty body and no CORS headers, so a browser cannot read it.
    if (gate.bare) sendText(res, gate.status, '', null, {}, {});
    else sendJson(res, gate.status, gate.payload, {}, corsOf(mode, req, cfg));
    return true;
  };

  const handleChat = async (req, res, mode = PLAIN) => {
    const raw = await readBody(req);
    const parsed = parseJson(raw);
    const body = parsed.value;
    const entry = {
      id: ++sequence,
      mode: mode.name,
      path: new URL(req.url, 'http://127.0.0.1').pathname,
      body: parsed.error ? null : body,
      headers: { ...req.headers },
      time: Date.now(),
      status: null,
      reply: null,
      completed: false,
      aborted: false,
      dropped: false,
    };
    if (parsed.error) entry.raw = raw;
    requests.push(entry);

    if (refused(mode, req, res, peekConfig(req), entry)) return;
    const cfg = takeConfig(req, body);
    const cors = corsOf(mode, req, cfg);
    const retryHeader = cfg.retryAfter != null ? { 'Retry-After': String(cfg.retryAfter) } : {};

    const reject = (status, payload) => {
      entry.status = status;
      sendJson(res, status, payload, retryHeader, cors);
    };
    const badRequest = (message) =>
      reject(400, errorIn(mode, 400, message, { error: { message, type: 'invalid_request_error', param: null, code: null } }));
    if (parsed.error) {
      return badRequest(
        'We could not parse the JSON body of your request. (HINT: This likely means you aren\'t using your HTTP ' +
          'library correctly. The OpenAI API expects a JSON payload.)',
      );
    }
    if (!body || typeof body !== 'object' || Array.isArray(body)) {
      return badRequest('The request body must be a JSON object.');
    }
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return badRequest("Invalid 'messages': expected a non-empty array of messages.");
    }
    const invalid = mode.validate?.(body, cfg);
    if (invalid) return reject(invalid.status, invalid.payload);

    if (cfg.firstByteDelayMs > 0) await sleep(cfg.firstByteDelayMs);

    const status = Number(cfg.status);
    if (status && status !== 200) {
      entry.status = status;
      const payload = (mode.statusError ?? errorBody)(status, cfg, body, req.headers);
      const { text, contentType } = renderError(payload, status, cfg, http.STATUS_CODES[status]);
      return sendText(res, status, text, contentType, retryHeader, cors);
    }

    let reply;
    try {
      reply = replyFor(body, cfg);
    } catch (err) {
      return badRequest(`Mock could not build a reply: ${err.message}`);
    }
    entry.reply = reply;
    entry.status = 200;
    const model = typeof body.model === 'string' ? body.model : 'gpt-4o-mini';
    const reasoning = mode.isReasoningModel?.(model) ? reasoningFor(body, cfg) : null;
    if (reasoning != null) entry.reasoning = reasoning;
    const id = `chatcmpl-mock${String(entry.id).padStart(6, '0')}`;
    const created = Math.floor(entry.time / 1000);
    const reasoningTokens = cfg.reasoningTokens ?? (reasoning != null ? estimateTokens(reasoning) : null);
    const plainUsage = usageFor(body, reply, reasoningTokens);
    const ctx = { entry, model, id, created, body, cfg };
    const usage = mode.usageExtra ? mode.usageExtra(plainUsage, ctx) : plainUsage;
    ctx.usage = usage;

    if (!body.stream) {
      entry.completed = true;
      const message = { role: 'assistant', content: reply, refusal: null };
      if (reasoning != null) message[mode.reasoningField ?? 'reasoning'] = reasoning;
      return sendJson(
        res,
        200,
        {
          id,
          object: 'chat.completion',
          created,
          model,
          system_fingerprint: 'fp_mock',
          choices: [{ index: 0, message, logprobs: null, finish_reason: cfg.finishReason }],
          usage,
        },
        retryHeader,
        cors,
      );
    }

    await streamReply(req, res, { ...ctx, reply, reasoning, retryHeader, cors, mode });
  };

  const PLAIN_MODELS = () => ({
    object: 'list',
    data: ['gpt-4o-mini', 'gpt-4o', 'gpt-4.1'].map((m) => ({ id: m, object: 'model', created: 0, owned_by: 'mock' })),
  });

  const handleModels = (req, res, mode = PLAIN) => {
    const cfg = peekConfig(req);
    if (refused(mode, req, res, cfg)) return;
    sendJson(res, 200, mode.models ? mode.models(cfg) : PLAIN_MODELS(), {}, corsOf(mode, req, cfg));
  };

  const handlePreflight = (req, res, mode) => {
    const cfg = peekConfig(req);
    const gate = mode?.gate?.(req, cfg);
    const answer = !mode
      ? { status: 204, headers: PREFLIGHT_HEADERS }
      : gate?.bare
        ? { status: gate.status, headers: {} }
        : mode.preflight
          ? mode.preflight(req, cfg)
          : { status: 204, headers: PREFLIGHT_HEADERS };
    if (mode) {
      const path = new URL(req.url, 'http://127.0.0.1').pathname;
      preflights.push({ mode: mode.name, path, headers: { ...req.headers }, status: answer.status });
    }
    res.writeHead(answer.status, mode ? { ...answer.headers, 'Content-Length': 0 } : answer.headers);
    res.end();
  };

  const server = http.createServer({ noDelay: true }, (req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const moded = modeOfPath(path);
    const mode = moded?.mode ?? null;
    const route = `${req.method} ${moded ? moded.rest.replace(/^\/v1(?=\/)/, '') : path}`;
    const fail = (err) => {
      if (res.headersSent) res.destroy();
      else sendJson(res, 500, { error: { message: `Mock failure: ${err.message}`, type: 'server_error', code: null } });
    };
    try {
      if (req.method === 'OPTIONS') {
        handlePreflight(req, res, mode);
        return;
      }
      if (mode) {
        if (route === 'POST /chat/completions') handleChat(req, res, mode).catch(fail);
        else if (route === 'GET /models') handleModels(req, res, mode);
        else if (!refused(mode, req, res, peekConfig(req))) {
          const message = `Unknown request URL: ${req.method} ${url.pathname}.`;
          const plain = { error: { message, type: 'invalid_request_error', code: 'unknown_url' } };
          sendJson(res, 404, errorIn(mode, 404, message, plain), {}, corsOf(mode, req, peekConfig(req)));
        }
        return;
      }
      switch (route) {
        case 'POST /v1/chat/completions':
        case 'POST /chat/completions':
          handleChat(req, res).catch(fail);
          return;
        case 'GET /v1/models':
        case 'GET /models':
          handleModels(req, res);
          return;
        case 'GET /__mock/requests':
          sendJson(res, 200, requests);
          return;
        case 'GET /__mock/config':
          sendJson(res, 200, config);
          return;
        case 'POST /__mock/config':
          readBody(req)
            .then((text) => {
              const parsed = parseJson(text || '{}');
              if (parsed.error || typeof parsed.value !== 'object' || parsed.value === null) {
                sendJson(res, 400, { error: { message: 'Config must be a JSON object.', type: 'invalid_request_error' } });
              } else {
                sendJson(res, 200, configure(parsed.value));
              }
            })
            .catch(fail);
          return;
        case 'POST /__mock/reset':
          reset();
          sendJson(res, 200, { ok: true });
          return;
        default:
          sendJson(res, 404, {
            error: { message: `Unknown request URL: ${req.method} ${url.pathname}.`, type: 'invalid_request_error', code: 'unknown_url' },
          });
      }
    } catch (err) {
      fail(err);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  const url = `http://127.0.0.1:${actualPort}`;

  return {
    url,
    port: actualPort,
    requests,
    preflights,
    configure,
    reset,
    /** Base URL (ending in /v1) of a mode, for the app's Base URL setting. */
    modeUrl(mode) {
      if (!Object.hasOwn(MODES, mode)) {
        throw new Error(`Unknown mock mode: ${mode} (one of ${Object.keys(MODES).join(', ')})`);
      }
      return `${url}/${mode}/v1`;
    },
    get config() {
      return { ...config, queue: [...config.queue], summaryQueue: [...config.summaryQueue] };
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Write one streamed reply as chat.completion.chunk server-sent events, in a mode's way. */
async function streamReply(req, res, ctx) {
  const { cfg, body, entry, reply, reasoning, model, id, created, usage, retryHeader, cors, mode } = ctx;
  const eol = cfg.crlf ? '\r\n' : '\n';
  const policy = mode.usage ?? 'option';
  const asked = Boolean(body.stream_options?.include_usage);
  const includeUsage = policy === 'option' && asked;
  let gone = false;
  res.on('close', () => {
    if (!entry.completed && !entry.dropped) entry.aborted = true;
    gone = true;
  });

  res.writeHead(200, {
    ...cors,
    'Content-Type': 'text/event-stream; charset=utf-8',
    'Cache-Control': 'no-cache',
    Connection: 'keep-alive',
    ...retryHeader,
  });
  res.flushHeaders();
  res.socket?.setNoDelay(true);

  const write = async (text) => {
    if (gone) return;
    if (!cfg.byteChunks) {
      res.write(text);
      return;
    }
    const bytes = Buffer.from(text, 'utf8');
    for (let i = 0; i < bytes.length && !gone; i++) {
      res.write(bytes.subarray(i, i + 1));
      // Pause inside every multi-byte character so it is split across reads, and every few bytes.
      if (bytes[i] >= 0xc0 || i % 8 === 7) await sleep(1);
    }
  };
  let dataLines = 0;
  const event = async (payload) => {
    let text = '';
    if (cfg.keepalive && dataLines > 0) text += `: keepalive${eol}${eol}`;
    if (cfg.keepalive && dataLines % 3 === 1) text += `event: message${eol}`;
    const every = mode.keepAliveEvery;
    if (every && dataLines > 0 && dataLines % every === 0) text += `: keep-alive${eol}${eol}`;
    text += `data: ${typeof payload === 'string' ? payload : JSON.stringify(payload)}${eol}${eol}`;
    dataLines++;
    await write(text);
  };
  const decorate = (c, kind) => (mode.decorate ? mode.decorate(c, kind, ctx) : c);
  const chunk = (delta, finishReason = null, kind = 'content') =>
    decorate(
      {
        id,
        object: 'chat.completion.chunk',
        created,
        model,
        system_fingerprint: 'fp_mock',
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      },
      kind,
    );
  const split = (text) => {
    const words = text.match(/\s*\S+\s*/g) ?? [];
    const per = Math.max(1, Number(cfg.chunkWords) || 1);
    const pieces = [];
    for (let i = 0; i < words.length; i += per) pieces.push(words.slice(i, i + per).join(''));
    return pieces;
  };
  const pieces = split(reply);

  for (const line of mode.preamble ?? []) await write(`${line}${eol}${eol}`);
  for (const payload of mode.firstEvents?.(ctx) ?? []) await event(payload);
  await event(chunk({ role: 'assistant', content: '', refusal: null }, null, 'role'));
  let sent = 0;
  // Timers fire at most once a millisecond, so a rate above 1,000 chunks/s is kept by
  // writing every chunk that is due each time one fires.
  const rate = Number(cfg.chunksPerSecond) || 0;
  const pacedFrom = performance.now();
  const pace = async () => {
    if (rate <= 0) {
      if (cfg.delayMs > 0) await sleep(cfg.delayMs);
      return;
    }
    const due = pacedFrom + (sent * 1000) / rate;
    const now = performance.now();
    if (due > now) await sleep(due - now);
  };
  if (reasoning != null) {
    for (const piece of split(reasoning)) {
      if (gone) return;
      if (cfg.delayMs > 0 && rate <= 0) await sleep(cfg.delayMs);
      await event(chunk(mode.reasoningDelta ? mode.reasoningDelta(piece) : { reasoning: piece }, null, 'reasoning'));
    }
  }
  // Monotonic microseconds (process.hrtime).
  if (cfg.recordChunkTimes) entry.chunkTimes = [];
  const stamp = () => entry.chunkTimes?.push(Number(process.hrtime.bigint() / 1000n));
  const faultAt = (n) => n != null && n !== false && Number(n) === sent;
  for (let i = 0; i <= pieces.length && !gone; i++) {
    if (faultAt(cfg.dropAfterChunks)) {
      entry.dropped = true;
      // Let what was already written reach the client, then cut the connection mid-body.
      await new Promise((resolve) => (res.socket ? res.socket.write('', () => resolve()) : resolve()));
      res.destroy();
      return;
    }
    if (faultAt(cfg.stallAfterChunks)) {
      await new Promise((resolve) => (gone ? resolve() : res.once('close', resolve)));
      return;
    }
    if (faultAt(cfg.streamErrorAfterChunks)) {
      const message = 'The server had an error processing your request.';
      await event(mode.streamError ? mode.streamError(ctx) : { error: { message, type: 'server_error', param: null, code: null } });
      entry.completed = true;
      res.end();
      return;
    }
    if (faultAt(cfg.malformedAfterChunks)) await event('{not json');
    if (i === pieces.length) break;
    await pace();
    await event(chunk({ content: pieces[i] }));
    stamp();
    sent++;
  }
  if (gone) return;
  const finish = chunk({}, cfg.finishReason, 'finish');
  await event(policy === 'finish' ? { ...finish, usage } : finish);
  if (includeUsage || policy === 'always') {
    const choices = cfg.usageStyle === 'empty-delta' ? [{ index: 0, delta: {}, logprobs: null, finish_reason: null }] : [];
    const last = { id, object: 'chat.completion.chunk', created, model, system_fingerprint: 'fp_mock', choices, usage };
    await event(decorate(last, 'usage'));
  }
  if (cfg.stallAfterFinish) {
    await new Promise((resolve) => (gone ? resolve() : res.once('close', resolve)));
    return;
  }
  await event('[DONE]');
  entry.completed = true;
  res.end();
}

// ---------------------------------------------------------------------------
// Standalone: node tests/e2e/mock-server.mjs [--port 8787]

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const at = process.argv.indexOf('--port');
  const port = at >= 0 ? Number(process.argv[at + 1]) : 0;
  const mock = await startMockServer({ port });
  console.log(mock.url);
  const stop = () => mock.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
