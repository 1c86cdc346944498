// Owns the server modes of the mock OpenAI-compatible API: how each real server that Mnemo
// can be pointed at differs from OpenAI (CORS, auth, rejected parameters, error bodies,
// where usage and reasoning come in a stream, the shape of /models). A mode is chosen by a
// path prefix, `/<mode>/v1/chat/completions` and `/<mode>/v1/models`; the bare `/v1/...`
// routes keep the plain behaviour of mock-server.mjs.
//
// A mode is an object of optional hooks; mock-server.mjs falls back to its plain behaviour
// for every hook a mode leaves out:
//   cors(req, cfg)                 CORS headers of actual responses ({} = none)
//   preflight(req, cfg)            { status, headers } of an OPTIONS request
//   gate(req, cfg)                 refusal before anything else (origin, auth), or null:
//                                  { status, payload } or { status, bare: true } (empty body,
//                                  no CORS headers; a bare gate refuses preflights too)
//   validate(body, cfg)            refusal of the request body (parameters), or null
//   error(status, message)         this server's error body for a plain message
//   statusError(status, cfg, body, headers)   error body when config `status` is set
//   models(cfg)                    body of GET /models
//   usage                          'option' (with stream_options), 'always' (own chunk),
//                                  'finish' (on the finish chunk), 'x_groq', 'never'
//   isReasoningModel(model)        streams reasoning before the answer
//   reasoningDelta(text)           delta of one reasoning piece; reasoningField: its message field
//   preamble                       SSE comment lines before the first data line
//   keepAliveEvery                 a `: keep-alive` comment before every Nth data line
//   firstEvents(ctx)               data payloads before the role chunk
//   decorate(chunk, kind, ctx)     adds fields to a chunk (kind: role, reasoning, content, finish, usage)
//   streamError(ctx)               payload of the mid-stream error (fault streamErrorAfterChunks)
//   usageExtra(usage, ctx)         adds fields to usage

const OPEN_CORS = Object.freeze({
  'Access-Control-Allow-Origin': '*',
  'Access-Control-Expose-Headers': 'retry-after',
});
const METHODS = 'POST, GET, OPTIONS';
const DEFAULT_ALLOWED_HEADERS = 'authorization, content-type, x-mock-scenario';

const requestedHeaders = (req) =>
  String(req.headers['access-control-request-headers'] ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);

/** A permissive server: any origin, and whatever headers the preflight asks for. */
const openPreflight = (req) => ({
  status: 204,
  headers: {
    ...OPEN_CORS,
    'Access-Control-Allow-Headers': requestedHeaders(req).join(', ') || DEFAULT_ALLOWED_HEADERS,
    'Access-Control-Allow-Methods': METHODS,
    'Access-Control-Max-Age': '600',
  },
});

/** Model id without a `provider/` prefix. */
const baseModel = (model) =>
  String(model ?? '')
    .split('/')
    .pop();

/** OpenAI's error body. */
const openaiError = (status, message, { type, param = null, code = null } = {}) => ({
  error: { message, type: type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'), param, code },
});

const STATUS_MESSAGES = {
  400: 'Invalid request.',
  401: 'Invalid API key.',
  402: 'Payment required.',
  403: 'Forbidden.',
  404: 'Not found.',
  408: 'Request timed out.',
  413: 'Request too large.',
  422: 'Unprocessable request.',
  429: 'Rate limit exceeded.',
  500: 'Internal server error.',
  502: 'Bad gateway.',
  503: 'Service unavailable.',
  504: 'Gateway timeout.',
  529: 'Overloaded.',
};
const statusMessage = (status, cfg, table = {}) =>
  cfg?.errorMessage ?? table[status] ?? STATUS_MESSAGES[status] ?? `Mock error ${status}.`;

/** Shell-style patterns (`*` any run of characters), as OLLAMA_ORIGINS takes them. */
function originAllowed(origin, patterns) {
  return (Array.isArray(patterns) ? patterns : []).some((p) => {
    const re = new RegExp(
      `^${String(p)
        .split('*')
        .map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
        .join('.*')}$`,
      'i',
    );
    return re.test(origin);
  });
}

// ---------------------------------------------------------------------------
// The modes

const openai = {
  name: 'openai',
  // o-series and gpt-5 take max_completion_tokens, and only the default temperature.
  validate(body) {
    if (!/^(o\d|gpt-5)/.test(baseModel(body.model))) return null;
    if (body.max_tokens !== undefined) {
      return {
        status: 400,
        payload: openaiError(
          400,
          "Unsupported parameter: 'max_tokens' is not supported with this model. Use 'max_completion_tokens' instead.",
          {
            param: 'max_tokens',
            code: 'unsupported_parameter',
          },
        ),
      };
    }
    if (body.temperature !== undefined && body.temperature !== 1) {
      return {
        status: 400,
        payload: openaiError(
          400,
          `Unsupported value: 'temperature' does not support ${JSON.stringify(body.temperature)} with this model. Only the default (1) value is supported.`,
          { param: 'temperature', code: 'unsupported_value' },
        ),
      };
    }
    return null;
  },
  models: () => ({
    object: 'list',
    data: [
      ['gpt-4o-mini', 1721172741],
      ['gpt-4o', 1715367049],
      ['gpt-4.1', 1744316542],
      ['o4-mini', 1744225351],
      ['gpt-5-mini', 1754425928],
    ].map(([id, created]) => ({ id, object: 'model', created, owned_by: 'system' })),
  }),
};

const OPENROUTER_MESSAGES = {
  400: 'Invalid request.',
  401: 'No cookie auth credentials found',
  402: 'Insufficient credits. Add more using https://openrouter.ai/settings/credits',
  403: 'Key limit exceeded.',
  404: 'No endpoints found that support the requested parameters.',
  408: 'Request timed out.',
  429: 'Rate limit exceeded: free-models-per-min.',
  502: 'Provider returned error',
  503: 'No available provider could handle the request.',
};
const openrouterError = (status, message) => ({ error: { code: status, message } });

const openrouter = {
  name: 'openrouter',
  usage: 'always',
  preamble: [': OPENROUTER PROCESSING', ': OPENROUTER PROCESSING'],
  isReasoningModel: (model) => /r1|think|reason/i.test(model),
  reasoningDelta: (text) => ({ role: 'assistant', content: '', reasoning: text }),
  reasoningField: 'reasoning',
  error: openrouterError,
  statusError: (status, cfg, body) => {
    const payload = openrouterError(status, statusMessage(status, cfg, OPENROUTER_MESSAGES));
    if (status === 502 && cfg.errorMessage == null) {
      payload.error.metadata = { raw: 'upstream connect error', provider_name: 'Mock' };
    }
    if (status === 404 && cfg.errorMessage == null && typeof body?.model === 'string') {
      payload.error.message = `No endpoints found for ${body.model}.`;
    }
    return payload;
  },
  decorate: (chunk) => ({ ...chunk, provider: 'Mock' }),
  usageExtra: (usage) => ({
    ...usage,
    cost: Number((usage.prompt_tokens * 0.000003 + usage.completion_tokens * 0.000015).toFixed(8)),
    is_byok: false,
    prompt_tokens_details: { cached_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: usage.completion_tokens_details?.reasoning_tokens ?? 0 },
  }),
  streamError: (ctx) => ({
    id: ctx.id,
    object: 'chat.completion.chunk',
    created: ctx.created,
    model: ctx.model,
    provider: 'Mock',
    error: { code: 'server_error', message: 'Provider disconnected' },
    choices: [{ index: 0, delta: { content: '' }, finish_reason: 'error' }],
  }),
  models: () => ({
    data: [
      ['anthropic/claude-3.5-sonnet', 'Anthropic: Claude 3.5 Sonnet', 200000, '0.000003', '0.000015'],
      ['openai/gpt-4o-mini', 'OpenAI: GPT-4o-mini', 128000, '0.00000015', '0.0000006'],
      ['deepseek/deepseek-r1', 'DeepSeek: R1', 64000, '0.00000055', '0.00000219'],
      ['meta-llama/llama-3.1-8b-instruct', 'Meta: Llama 3.1 8B Instruct', 131072, '0.00000002', '0.00000005'],
    ].map(([id, name, context_length, prompt, completion]) => ({
      id,
      name,
      created: 1718841600,
      context_length,
      pricing: { prompt, completion, request: '0', image: '0' },
      top_provider: { context_length, is_moderated: false },
      supported_parameters: /r1/.test(id)
        ? ['max_tokens', 'temperature', 'reasoning', 'include_reasoning', 'stop']
        : ['max_tokens', 'temperature', 'top_p', 'stop', 'tools'],
    })),
  }),
};

const OLLAMA_ALLOWED_HEADERS = 'Authorization, Content-Type, User-Agent, Accept, X-Requested-With, X-Mock-Scenario';
const ollamaError = (status, message) =>
  openaiError(status, message, {
    type: status === 400 ? 'invalid_request_error' : status === 404 ? 'not_found_error' : 'api_error',
  });

const ollama = {
  name: 'ollama',
  // Like Ollama without OLLAMA_ORIGINS: a browser origin not listed is refused with a bare
  // 403 and no CORS headers, preflight included; requests without Origin go through.
  gate(req, cfg) {
    const origin = req.headers.origin;
    if (!origin || originAllowed(origin, cfg.allowedOrigins)) return null;
    return { status: 403, bare: true };
  },
  cors(req) {
    return req.headers.origin ? { 'Access-Control-Allow-Origin': req.headers.origin, Vary: 'Origin' } : {};
  },
  preflight: (req) => ({
    status: 204,
    headers: {
      'Access-Control-Allow-Origin': req.headers.origin ?? '*',
      'Access-Control-Allow-Headers': OLLAMA_ALLOWED_HEADERS,
      'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE, HEAD, OPTIONS',
      'Access-Control-Max-Age': '43200',
      Vary: 'Origin',
    },
  }),
  isReasoningModel: (model) => /r1|qwen3|gpt-oss|think/i.test(model),
  reasoningDelta: (text) => ({ role: 'assistant', content: '', reasoning: text }),
  reasoningField: 'reasoning',
  error: ollamaError,
  statusError: (status, cfg, body) =>
    ollamaError(
      status,
      statusMessage(status, cfg, { 404: `model "${body?.model ?? 'llama3.2'}" not found, try pulling it first` }),
    ),
  decorate: (chunk) => ({ ...chunk, system_fingerprint: 'fp_ollama' }),
  models: () => ({
    object: 'list',
    data: [
      { id: 'llama3.2:latest', object: 'model', created: 1730000000, owned_by: 'library' },
      { id: 'qwen3:8b', object: 'model', created: 1746000000, owned_by: 'library' },
    ],
  }),
};

const lmstudio = {
  name: 'lmstudio',
  usage: 'never',
  // CORS is a switch in LM Studio's server settings, off by default.
  cors: (req, cfg) => (cfg.cors ? { ...OPEN_CORS } : {}),
  preflight: (req, cfg) => (cfg.cors ? openPreflight(req) : { status: 204, headers: {} }),
  models: () => ({
    object: 'list',
    data: [
      { id: 'qwen2.5-7b-instruct', object: 'model', owned_by: 'organization_owner' },
      { id: 'text-embedding-nomic-embed-text-v1.5', object: 'model', owned_by: 'organization_owner' },
    ],
  }),
};

const LLAMACPP_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  404: 'not_found_error',
  501: 'not_supported_error',
  503: 'unavailable_error',
};
const llamacppError = (status, message) => ({
  error: {
    code: status,
    message,
    type: LLAMACPP_TYPES[status] ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
  },
});

const llamacpp = {
  name: 'llamacpp',
  // max_completion_tokens is accepted and has no effect (only max_tokens / n_predict count).
  error: llamacppError,
  statusError: (status, cfg) =>
    llamacppError(status, statusMessage(status, cfg, { 401: 'Invalid API Key', 503: 'Loading model' })),
  decorate: (chunk) => ({ ...chunk, system_fingerprint: 'b5000-mock' }),
  models: () => ({
    object: 'list',
    data: [
      {
        id: 'Llama-3.2-3B-Instruct-Q4_K_M.gguf',
        object: 'model',
        created: 1735689600,
        owned_by: 'llamacpp',
        meta: {
          vocab_type: 2,
          n_vocab: 128256,
          n_ctx_train: 131072,
          n_embd: 3072,
          n_params: 3212749888,
          size: 2019377152,
        },
      },
    ],
  }),
};

const VLLM_TYPES = {
  400: 'BadRequestError',
  401: 'Unauthorized',
  404: 'NotFoundError',
  500: 'InternalServerError',
  503: 'ServiceUnavailableError',
};
const vllmError = (status, message) => ({
  object: 'error',
  message,
  type: VLLM_TYPES[status] ?? (status >= 500 ? 'InternalServerError' : 'BadRequestError'),
  param: null,
  code: status,
});

const vllm = {
  name: 'vllm',
  validate(body) {
    if (body.max_completion_tokens === undefined) return null;
    return {
      status: 400,
      payload: vllmError(400, 'max_completion_tokens is not supported by this server. Use max_tokens instead.'),
    };
  },
  isReasoningModel: (model) => /r1|qwen3|qwq|gpt-oss|think|reason/i.test(model),
  reasoningDelta: (text) => ({ reasoning: text }),
  reasoningField: 'reasoning',
  error: vllmError,
  statusError: (status, cfg, body) =>
    vllmError(status, statusMessage(status, cfg, { 404: `The model \`${body?.model ?? 'unknown'}\` does not exist.` })),
  models: () => ({
    object: 'list',
    data: [
      {
        id: 'Qwen/Qwen3-8B',
        object: 'model',
        created: 1735689600,
        owned_by: 'vllm',
        root: 'Qwen/Qwen3-8B',
        parent: null,
        max_model_len: 32768,
      },
    ],
  }),
};

const mistralError = (status, message) => ({
  object: 'error',
  message,
  type: 'invalid_request_message_error',
  param: null,
  code: null,
});

const mistral = {
  name: 'mistral',
  usage: 'finish',
  // Its CORS preflight lists only these two headers: any other custom header fails CORS.
  preflight: () => ({
    status: 204,
    headers: {
      ...OPEN_CORS,
      'Access-Control-Allow-Headers': 'authorization, content-type',
      'Access-Control-Allow-Methods': METHODS,
      'Access-Control-Max-Age': '600',
    },
  }),
  validate(body) {
    if (!('stream_options' in body)) return null;
    return {
      status: 422,
      payload: {
        object: 'error',
        message: {
          detail: [
            {
              type: 'extra_forbidden',
              loc: ['body', 'stream_options'],
              msg: 'Extra inputs are not permitted',
              input: body.stream_options,
            },
          ],
        },
        type: 'invalid_request_message_error',
        param: null,
        code: null,
      },
    };
  },
  error: mistralError,
  statusError: (status, cfg) =>
    mistralError(
      status,
      statusMessage(status, cfg, {
        401: 'Unauthorized',
        429: 'Requests rate limit exceeded',
        503: 'Service unavailable.',
      }),
    ),
  models: () => ({
    object: 'list',
    data: ['mistral-small-latest', 'mistral-large-latest', 'magistral-medium-latest'].map((id) => ({
      id,
      object: 'model',
      created: 1735689600,
      owned_by: 'mistralai',
      capabilities: { completion_chat: true, function_calling: true, vision: false },
      max_context_length: 131072,
    })),
  }),
};

const groqError = (status, message, extra = {}) => ({ error: { message, type: 'invalid_request_error', ...extra } });

const groq = {
  name: 'groq',
  usage: 'x_groq',
  validate(body) {
    if (!('stream_options' in body)) return null;
    return {
      status: 400,
      payload: groqError(400, "'stream_options' : property 'stream_options' is unsupported, did you mean 'stream'?"),
    };
  },
  error: groqError,
  statusError(status, cfg, body) {
    if (status === 401)
      return groqError(401, statusMessage(401, cfg, { 401: 'Invalid API Key' }), { code: 'invalid_api_key' });
    if (status === 429) {
      return {
        error: {
          message: statusMessage(429, cfg, {
            429:
              `Rate limit reached for model \`${body?.model ?? 'llama-3.1-8b-instant'}\` in organization \`org_mock\` service tier ` +
              '`on_demand` on tokens per minute (TPM): Limit 6000, Used 5800, Requested 900. Please try again in 7s.',
          }),
          type: 'tokens',
          code: 'rate_limit_exceeded',
        },
      };
    }
    return groqError(status, statusMessage(status, cfg));
  },
  decorate(chunk, kind, ctx) {
    if (kind === 'role') return { ...chunk, x_groq: { id: `req_mock${ctx.entry.id}` } };
    if (kind === 'finish') {
      const u = ctx.usage;
      return {
        ...chunk,
        x_groq: {
          id: `req_mock${ctx.entry.id}`,
          usage: {
            queue_time: 0.01,
            prompt_tokens: u.prompt_tokens,
            prompt_time: 0.002,
            completion_tokens: u.completion_tokens,
            completion_time: 0.05,
            total_tokens: u.total_tokens,
            total_time: 0.052,
          },
        },
      };
    }
    return chunk;
  },
  models: () => ({
    object: 'list',
    data: ['llama-3.1-8b-instant', 'llama-3.3-70b-versatile', 'openai/gpt-oss-20b'].map((id) => ({
      id,
      object: 'model',
      created: 1733447754,
      owned_by: id.startsWith('openai/') ? 'OpenAI' : 'Meta',
      active: true,
      context_window: 131072,
    })),
  }),
};

const deepseek = {
  name: 'deepseek',
  preamble: [': keep-alive'],
  keepAliveEvery: 4,
  isReasoningModel: (model) => /reasoner/.test(model),
  reasoningDelta: (text) => ({ content: null, reasoning_content: text }),
  reasoningField: 'reasoning_content',
  usageExtra: (usage) => ({ ...usage, prompt_cache_hit_tokens: 0, prompt_cache_miss_tokens: usage.prompt_tokens }),
  models: () => ({
    object: 'list',
    data: ['deepseek-chat', 'deepseek-reasoner'].map((id) => ({ id, object: 'model', owned_by: 'deepseek' })),
  }),
};

const GEMINI_STATUS = {
  400: 'INVALID_ARGUMENT',
  401: 'UNAUTHENTICATED',
  403: 'PERMISSION_DENIED',
  404: 'NOT_FOUND',
  429: 'RESOURCE_EXHAUSTED',
  500: 'INTERNAL',
  503: 'UNAVAILABLE',
  504: 'DEADLINE_EXCEEDED',
};
const GEMINI_FIELDS = new Set([
  'model',
  'messages',
  'stream',
  'stream_options',
  'temperature',
  'max_tokens',
  'max_completion_tokens',
  'reasoning_effort',
  'top_p',
  'n',
  'stop',
  'tools',
  'tool_choice',
  'response_format',
  'seed',
]);
const GEMINI_MODELS = ['gemini-2.5-flash', 'gemini-2.5-pro', 'gemini-2.5-flash-lite', 'gemini-2.0-flash'];
const geminiError = (status, message) => [
  {
    error: {
      code: status,
      message,
      status: GEMINI_STATUS[status] ?? (status >= 500 ? 'INTERNAL' : 'INVALID_ARGUMENT'),
    },
  },
];

const gemini = {
  name: 'gemini',
  validate(body) {
    const unknown = Object.keys(body).find((k) => !GEMINI_FIELDS.has(k));
    if (unknown)
      return {
        status: 400,
        payload: geminiError(400, `Invalid JSON payload received. Unknown name "${unknown}": Cannot find field.`),
      };
    const model = typeof body.model === 'string' ? body.model.replace(/^models\//, '') : '';
    if (/^mock-status-\d{3}$/.test(model)) return null;
    if (!GEMINI_MODELS.includes(model)) {
      return {
        status: 404,
        payload: geminiError(
          404,
          `models/${model} is not found for API version v1main, or is not supported for generateContent. ` +
            'Call ListModels to see the list of available models and their supported methods.',
        ),
      };
    }
    return null;
  },
  error: geminiError,
  statusError: (status, cfg) =>
    geminiError(
      status,
      statusMessage(status, cfg, {
        400: 'API key not valid. Please pass a valid API key.',
        401: 'Request had invalid authentication credentials.',
        429: 'You exceeded your current quota, please check your plan and billing details.',
        500: 'An internal error has occurred. Please retry or report in https://developers.generativeai.google/guide/troubleshooting',
        503: 'The model is overloaded. Please try again later.',
      }),
    ),
  models: () => ({
    object: 'list',
    data: GEMINI_MODELS.map((id) => ({ id: `models/${id}`, object: 'model', owned_by: 'google' })),
  }),
};

const ANTHROPIC_TYPES = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const anthropicError = (status, message) => ({
  type: 'error',
  error: { type: ANTHROPIC_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message },
});
const BROWSER_HEADER = 'anthropic-dangerous-direct-browser-access';

const anthropic = {
  name: 'anthropic',
  // A browser (a request with Origin) must opt in with the header; the key comes as a
  // bearer token (the OpenAI SDK way) or as x-api-key.
  gate(req) {
    if (req.headers.origin && String(req.headers[BROWSER_HEADER]).toLowerCase() !== 'true') {
      return { status: 401, payload: anthropicError(401, `CORS requests must set '${BROWSER_HEADER}' header`) };
    }
    const bearer = /^Bearer\s+\S/i.test(req.headers.authorization ?? '');
    if (!bearer && !req.headers['x-api-key'])
      return { status: 401, payload: anthropicError(401, 'x-api-key header is required') };
    return null;
  },
  preflight(req) {
    if (!requestedHeaders(req).includes(BROWSER_HEADER)) return { status: 204, headers: {} };
    return openPreflight(req);
  },
  error: anthropicError,
  statusError: (status, cfg) =>
    anthropicError(
      status,
      statusMessage(status, cfg, {
        401: 'invalid x-api-key',
        429: 'Number of request tokens has exceeded your per-minute rate limit',
        529: 'Overloaded',
      }),
    ),
  models: () => ({
    data: [
      ['claude-sonnet-4-5', 'Claude Sonnet 4.5', '2025-09-29T00:00:00Z'],
      ['claude-haiku-4-5', 'Claude Haiku 4.5', '2025-10-15T00:00:00Z'],
      ['claude-opus-4-1', 'Claude Opus 4.1', '2025-08-05T00:00:00Z'],
    ].map(([id, display_name, created_at]) => ({ type: 'model', id, display_name, created_at })),
    has_more: false,
    first_id: 'claude-sonnet-4-5',
    last_id: 'claude-opus-4-1',
  }),
};

const azureError = (status, message) => ({ error: { code: String(status), message } });
const FILTER_OK = { filtered: false, severity: 'safe' };
const CONTENT_FILTER_RESULTS = { hate: FILTER_OK, self_harm: FILTER_OK, sexual: FILTER_OK, violence: FILTER_OK };

const azure = {
  name: 'azure',
  // Keys go in the api-key header; a bearer token alone is refused.
  gate(req) {
    if (req.headers['api-key']) return null;
    const message = req.headers.authorization
      ? 'Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.'
      : 'Access denied due to missing subscription key. Make sure to include subscription key when making requests to an API.';
    return { status: 401, payload: azureError(401, message) };
  },
  preflight(req) {
    const answer = openPreflight(req);
    const asked = requestedHeaders(req);
    answer.headers['Access-Control-Allow-Headers'] = (asked.includes('api-key') ? asked : ['api-key', ...asked]).join(
      ', ',
    );
    return answer;
  },
  error: azureError,
  statusError: (status, cfg) =>
    azureError(
      status,
      statusMessage(status, cfg, {
        429:
          'Requests to the ChatCompletions_Create Operation under Azure OpenAI API version 2024-10-21 have exceeded token rate limit ' +
          'of your current OpenAI S0 pricing tier. Please retry after 20 seconds.',
      }),
    ),
  // The first streamed chunk carries only the prompt's content-filter results.
  firstEvents: () => [
    {
      choices: [],
      created: 0,
      id: '',
      model: '',
      object: '',
      prompt_filter_results: [{ prompt_index: 0, content_filter_results: CONTENT_FILTER_RESULTS }],
    },
  ],
  decorate(chunk, kind) {
    if (kind !== 'content') return chunk;
    return { ...chunk, choices: chunk.choices.map((c) => ({ ...c, content_filter_results: CONTENT_FILTER_RESULTS })) };
  },
  models: () => ({
    object: 'list',
    data: ['gpt-4o-mini', 'gpt-4o'].map((id) => ({
      id,
      object: 'model',
      created_at: 1721260800,
      status: 'succeeded',
      capabilities: { chat_completion: true, completion: false, embeddings: false },
      lifecycle_status: 'generally-available',
    })),
  }),
};

/** Every mode, by its path prefix. */
export const MODES = Object.freeze({
  openai,
  openrouter,
  ollama,
  lmstudio,
  llamacpp,
  vllm,
  mistral,
  groq,
  deepseek,
  gemini,
  anthropic,
  azure,
});

/** The mode named by the first segment of a path, with the rest of the path; or null. */
export function modeOfPath(pathname) {
  const m = /^\/([a-z]+)(\/.*)?$/.exec(pathname);
  if (!m || !Object.hasOwn(MODES, m[1])) return null;
  return { mode: MODES[m[1]], rest: m[2] || '/' };
}

// ---------------------------------------------------------------------------
// Error bodies in another form (config `errorBody`), for any mode

/** The human-readable message inside an error body of any mode. */
export function messageOf(payload) {
  const first = Array.isArray(payload) ? payload[0] : payload;
  const m = first?.error?.message ?? first?.message ?? first?.error;
  return typeof m === 'string' ? m : JSON.stringify(m ?? first ?? null);
}

/**
 * Render an error payload as config `errorBody` asks: 'json' (as is), 'array' (inside a
 * JSON array), 'string' (a JSON string literal), 'text' (plain text), 'html' (nginx's page).
 * @returns {{ text: string, contentType: string }}
 */
export function renderError(payload, status, cfg, reason = 'Error') {
  const message = cfg.errorMessage ?? messageOf(payload);
  switch (cfg.errorBody) {
    case 'array':
      return { text: JSON.stringify(Array.isArray(payload) ? payload : [payload]), contentType: 'application/json' };
    case 'string':
      return { text: JSON.stringify(message), contentType: 'application/json' };
    case 'text':
      return { text: message, contentType: 'text/plain; charset=utf-8' };
    case 'html': {
      const title = `${status} ${reason}`;
      return {
        text: `<html><head><title>${title}</title></head><body><center><h1>${title}</h1></center><hr><center>nginx</center></body></html>`,
        contentType: 'text/html',
      };
    }
    default:
      return { text: JSON.stringify(payload), contentType: 'application/json' };
  }
}
