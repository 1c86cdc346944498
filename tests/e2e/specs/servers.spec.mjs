// Owns the OpenAI-compatible servers spec: one test per preset in Settings, each against
// the mock server's mode for that server (its quirks, its model list, its errors), and
// the learning of what a server refuses.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession } from '../fixtures/session.mjs';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true });
});
after(() => closeSession({ servers, browser }));
beforeEach(async () => {
  await chat.forgetConversations();
  servers.mock.reset();
  await chat.newChat();
  await chat.settle();
});

/** The mock's base URL for a server mode. */
const base = (mode) => `${servers.mock.url}/${mode}/v1`;

const dialog = () => chat.settingsDialog;
const serverSelect = () => dialog().getByLabel('Server', { exact: true });
const modelStatus = () => dialog().locator('[id$="model-status"]').first();

/** The chat requests the mock received for `mode` (retries and refusals included). */
function sent(mode) {
  return servers.mock.requests.filter((r) => r.mode === mode && r.path.endsWith('/chat/completions'));
}

/**
 * Choose a preset in Settings, point it at the mock's mode, set the key (empty: none) and
 * optionally load the server's models and choose one; then Save.
 */
async function useServer(name, mode, { key = '', model, load = false, maxTokens = '' } = {}) {
  await chat.openSettings();
  await serverSelect().selectOption({ label: name });
  await chat.baseUrlField.fill(base(mode));
  await chat.apiKeyField.fill(key);
  if (load) {
    await dialog().getByRole('button', { name: /Load the server's models|Refresh models/ }).click();
    await chat.waitUntil(async () => /models from the server/.test(await modelStatus().innerText()), {
      timeout: 10_000,
      message: 'the server\'s model list',
    });
  }
  if (model) await chat.chooseModel(model);
  await chat.maxTokensField.fill(String(maxTokens));
  await chat.saveSettings();
}

/** The Thinking section of the last reply: its summary and text ('' when hidden). */
async function thinking() {
  const section = chat.items.last().getByTestId('thinking');
  if ((await section.count()) === 0 || (await section.isHidden())) return null;
  await section.locator('summary').click();
  return {
    summary: (await section.locator('summary').innerText()).trim(),
    text: (await section.locator('.thinking-text').innerText()).trim(),
  };
}

/** The error shown for the last failed send: hint and detail together. */
async function failure() {
  const { hint, detail } = await chat.alertParts();
  return `${hint} ${detail}`;
}

describe('OpenAI-compatible servers', { timeout: 240_000 }, () => {
  it('a server that refuses stream_options with a 422, set up by its Base URL alone, still gets its reply', async () => {
    // The mode's address without /v1: an endpoint of its own, so that what it learns here
    // is not what the Mistral test below starts from.
    await chat.configure({ baseUrl: `${servers.mock.url}/mistral`, apiKey: 'sk-m' });
    await chat.send('Bonjour.');
    await chat.waitForAssistantStatus('complete', { timeout: 15_000 });
    const [refused, again] = sent('mistral');
    assert.equal(refused.status, 422);
    assert.equal(again.body.stream_options, undefined, 'asked again without it');
    browser.assertNoErrors({ allow: [/status of 422/] });
    browser.clearErrors();
  });

  it('reasoning_content, set up by the Base URL alone, is shown apart from the answer', async () => {
    await chat.configure({ baseUrl: base('deepseek'), apiKey: 'sk-ds', model: 'deepseek-reasoner' });
    await chat.sendAndWait('What is 3 + 3?');
    const shown = await thinking();
    assert.ok(shown?.text, 'the reasoning is shown');
    assert.ok(!(await chat.lastMessage('assistant')).text.includes(shown.text), 'and is not part of the answer');
  });

  it('OpenAI: a reasoning model from the catalog gets max_completion_tokens and no temperature', async () => {
    await useServer('OpenAI', 'openai', { key: 'sk-test-1', model: 'o4-mini', maxTokens: 200 });
    await chat.sendAndWait('Say hello, please.');
    const [request] = sent('openai');
    assert.equal(request.body.max_completion_tokens, 200);
    assert.equal(request.body.max_tokens, undefined);
    assert.equal(request.body.temperature, undefined);
    assert.equal(request.headers.authorization, 'Bearer sk-test-1');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
    browser.assertNoErrors();
  });

  it('OpenRouter: its model list feeds the window; reasoning shows as Thinking, is never sent back, and a mid-reply error keeps the text', async () => {
    await useServer('OpenRouter', 'openrouter', { key: 'sk-or-1', load: true, model: 'deepseek/deepseek-r1' });
    await chat.openSettings();
    const groups = await chat.modelGroups();
    assert.equal(groups[0].label, 'From the server');
    assert.ok(groups[0].models.includes('anthropic/claude-3.5-sonnet'), JSON.stringify(groups));
    assert.ok(!groups.some((g) => g.label.startsWith('GPT-4o')), 'OpenAI\'s catalog is not offered for OpenRouter');
    await chat.cancelSettings();
    assert.match(await chat.page.locator('.meter-detail').innerText(), /window 64,000/);

    await chat.sendAndWait('Why is the sky blue?');
    const shown = await thinking();
    assert.ok(shown, 'a Thinking section');
    assert.match(shown.summary, /^Thinking · ≈\d/, 'counted, and marked as an estimate');
    assert.ok(shown.text.length > 0);
    const answer = await chat.lastMessage('assistant');
    assert.ok(!answer.text.includes(shown.text), 'the thinking is not part of the answer');
    assert.match(await chat.page.locator('.meter-text').innerText(), /^≈/, 'another server\'s tokenizer: estimates');

    await chat.sendAndWait('And at sunset?');
    const second = sent('openrouter').at(-1).body;
    assert.ok(
      second.messages.every((m) => !String(m.content).includes(shown.text)),
      'the reasoning is never sent back',
    );

    servers.mock.configure({ queue: [{ streamErrorAfterChunks: 3 }] });
    await chat.send('One more time.');
    await chat.waitForAssistantStatus('failed');
    const failed = (await chat.messageDetails()).at(-1);
    assert.ok(failed.text.length > 0, 'the partial text is kept');
    assert.match(failed.note, /Provider disconnected/);
    browser.assertNoErrors();
  });

  it('Ollama: a refused origin names OLLAMA_ORIGINS with this origin; once allowed, it chats and shows its reasoning', async () => {
    await useServer('Ollama', 'ollama');
    await chat.send('Hello there.');
    const origin = new URL(chat.appUrl).origin;
    assert.match(await failure(), new RegExp(`OLLAMA_ORIGINS=${origin.replace(/[.:/]/g, '\\$&')}`));
    browser.clearErrors?.();

    servers.mock.configure({ allowedOrigins: [origin] });
    await useServer('Ollama', 'ollama', { load: true, model: 'qwen3:8b' });
    await chat.sendAndWait('Hello again.');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
    assert.ok(await thinking(), 'qwen3 reasons in `reasoning`');
  });

  it('LM Studio: CORS off is explained with its switch; with CORS on, a stream without usage is marked as estimated', async () => {
    await useServer('LM Studio', 'lmstudio');
    await chat.send('Hi.');
    assert.match(await failure(), /Enable CORS/);
    browser.clearErrors?.();

    servers.mock.configure({ cors: true });
    await chat.newChat();
    await chat.sendAndWait('Hi again.');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
    await chat.items.last().getByRole('button', { name: 'Details' }).click();
    assert.match(await chat.items.last().innerText(), /reported no usage/);
    await chat.openSettings();
    assert.match(await dialog().getByTestId('learned').innerText(), /no usage in streams/);
    await chat.cancelSettings();
  });

  it('llama.cpp: chats with usage', async () => {
    await useServer('llama.cpp server', 'llamacpp', { maxTokens: 64 });
    await chat.sendAndWait('Count to three.');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
    assert.equal(sent('llamacpp')[0].body.max_tokens, 64);
  });

  it('vLLM: a refused max_completion_tokens is learned; the request is sent again at once with max_tokens', async () => {
    await useServer('Custom', 'vllm', { model: 'o4-mini', maxTokens: 80 });
    await chat.sendAndWait('Think briefly.');
    const requests = sent('vllm');
    assert.equal(requests.length, 2, 'asked again once');
    assert.equal(requests[0].body.max_completion_tokens, 80);
    assert.equal(requests[1].body.max_completion_tokens, undefined);
    assert.equal(requests[1].body.max_tokens, 80);
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
    await chat.openSettings();
    assert.match(await dialog().getByTestId('learned').innerText(), /Refuses max_completion_tokens/);
    await chat.cancelSettings();

    await chat.sendAndWait('Again.');
    assert.equal(sent('vllm').length, 3, 'remembered: no refusal the second time');
  });

  it('Mistral: its preset never sends stream_options; a server that refuses it (422) is asked again without it', async () => {
    await useServer('Mistral', 'mistral', { key: 'sk-m' });
    await chat.sendAndWait('Bonjour.');
    assert.equal(sent('mistral').length, 1);
    assert.equal(sent('mistral')[0].body.stream_options, undefined);
    assert.ok(await chat.lastPromptTokens(), 'usage reported all the same');

    servers.mock.reset();
    await useServer('Custom', 'mistral', { key: 'sk-m' });
    await chat.sendAndWait('Encore.');
    const [refused, again] = sent('mistral');
    assert.deepEqual(refused.body.stream_options, { include_usage: true });
    assert.equal(again.body.stream_options, undefined);
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
  });

  it('Groq: usage under x_groq is read', async () => {
    await useServer('Groq', 'groq', { key: 'gsk-1', model: 'llama-3.3-70b-versatile' });
    await chat.sendAndWait('Quick one.');
    assert.equal(sent('groq')[0].body.stream_options, undefined);
    await chat.openInspector();
    assert.match(await chat.page.locator('.stats').innerText(), /≈\d+ estimated · server reported \d+ \(×\d\.\d\d the estimate\)/);
  });

  it('DeepSeek: reasoning_content shows as Thinking; keep-alive lines are ignored', async () => {
    await useServer('DeepSeek', 'deepseek', { key: 'sk-ds', model: 'deepseek-reasoner' });
    await chat.sendAndWait('What is 2 + 2?');
    const shown = await thinking();
    assert.ok(shown?.text, 'reasoning_content is shown');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
  });

  it('Gemini: an error body that is an array gives its own words', async () => {
    await useServer('Google Gemini', 'gemini', { key: 'g-1', model: 'no-such-model' });
    await chat.send('Hello.');
    const text = await failure();
    assert.match(text, /no-such-model|not found/i);
    assert.doesNotMatch(text, /\[\{|"error"/, 'no raw JSON');
    browser.clearErrors?.();
    await useServer('Google Gemini', 'gemini', { key: 'g-1', model: 'gemini-2.0-flash' });
    await chat.newChat();
    await chat.sendAndWait('Hello.');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete', 'no field Gemini refuses is sent');
  });

  it('Anthropic: the preset sends the browser header; without it the refusal is explained', async () => {
    await useServer('Anthropic', 'anthropic', { key: 'sk-ant-1', model: 'claude-sonnet-4-5' });
    await chat.sendAndWait('Hi Claude.');
    assert.equal(sent('anthropic')[0].headers['anthropic-dangerous-direct-browser-access'], 'true');
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');

    await useServer('Custom', 'anthropic', { key: 'sk-ant-1' });
    await chat.newChat();
    await chat.send('Hi again.');
    // Without the header the preflight is refused, and the page explains the origin; when
    // the browser kept the preflight of the request before, the server's own 401 says it.
    assert.match(await failure(), /does not allow this page's origin|must set 'anthropic-dangerous-direct-browser-access'/);
    browser.clearErrors?.();
  });

  it('Azure OpenAI: the key goes in the api-key header', async () => {
    await useServer('Azure OpenAI', 'azure', { key: 'az-1', model: 'my-deployment' });
    await chat.sendAndWait('Hello Azure.');
    const [request] = sent('azure');
    assert.equal(request.headers['api-key'], 'az-1');
    assert.equal(request.headers.authorization, undefined);
    assert.equal((await chat.lastMessage('assistant')).status, 'complete');
  });

  it('a server that is not running is named as such, not as a CORS problem', async () => {
    await useServer('Custom', 'openai');
    await chat.openSettings();
    await chat.baseUrlField.fill('http://127.0.0.1:9/v1');
    await chat.saveSettings();
    await chat.send('Anyone?');
    assert.match(await failure(), /Nothing answered at 127\.0\.0\.1:9/);
    browser.clearErrors?.();
  });
});
