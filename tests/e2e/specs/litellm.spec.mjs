// Owns the LiteLLM spec: Mnemo against a real LiteLLM proxy (tests/e2e/litellm/config.yaml,
// whose models answer from mock_response, so no provider is called): a streamed reply
// arrives whole, the prompt tokens the proxy reports are the count Mnemo shows (and an
// independent count of what was sent), and a rate-limited model's error reaches the user in
// the proxy's own words. Needs `scripts/setup.sh --test`; MNEMO_SKIP_LITELLM=1 skips it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { LITELLM_CONFIG, startLiteLLM, startServers } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage } from '../fixtures/chat_page.mjs';
import { countMessages } from '../fixtures/tokens.mjs';

const SKIP = process.env.MNEMO_SKIP_LITELLM
  ? 'MNEMO_SKIP_LITELLM is set: the LiteLLM proxy is not started and this spec is skipped'
  : false;

/** The mock_response of a model of the proxy's config. */
function mockResponse(model) {
  const config = readFileSync(LITELLM_CONFIG, 'utf8');
  const at = config.indexOf(`model_name: ${model}\n`);
  const reply = at >= 0 ? /mock_response:\s*"([^"]*)"/.exec(config.slice(at))?.[1] : undefined;
  if (reply === undefined) throw new Error(`${LITELLM_CONFIG} has no mock_response for ${model}`);
  return reply;
}

const CHAT_MODEL = 'gpt-4o-mini';
const LIMITED_MODEL = 'mock-rate-limited';
const RATE_LIMIT_WORDS = 'litellm.RateLimitError: this is a mock rate limit error';

describe('LiteLLM proxy', { skip: SKIP, timeout: 300_000 }, () => {
  let litellm;
  let servers;
  let browser;
  let chat;
  /** Bodies of the chat requests the page sent to the proxy, in order. */
  const sent = [];

  before(async () => {
    litellm = await startLiteLLM();
    servers = await startServers();
    browser = await launchBrowser();
    browser.page.on('request', (request) => {
      if (request.method() === 'POST' && request.url() === `${litellm.base}/chat/completions`) {
        sent.push(JSON.parse(request.postData() ?? 'null'));
      }
    });
    chat = new ChatPage(browser.page, servers);
    await chat.goto();
    await chat.configure({ apiKey: litellm.key, baseUrl: litellm.base, model: CHAT_MODEL });
  });
  after(async () => {
    await browser?.close();
    await servers?.close();
    await litellm?.close();
  });

  /** The inspector's "Last request" line: Mnemo's count and the count the API reported. */
  async function lastRequestCounts() {
    const counted = await chat.lastPromptTokens();
    const line = await chat.page.getByTestId('last-prompt-tokens').locator('..').innerText();
    const reported = /API reported ([\d,]+)/.exec(line)?.[1];
    assert.ok(reported, `the inspector shows what the API reported: "${line}"`);
    return { counted, reported: Number(reported.replace(/,/g, '')), line };
  }

  it('streams the mock reply whole through the proxy', async () => {
    const reply = await chat.sendAndWait('Hello, proxy! Are you there?');
    assert.equal(reply.status, 'complete');
    assert.equal(reply.text, mockResponse(CHAT_MODEL));
    assert.equal(sent.length, 1);
    assert.equal(sent[0].model, CHAT_MODEL);
    assert.equal(sent[0].stream, true);
    assert.deepEqual(sent[0].stream_options, { include_usage: true });
  });

  it('the prompt tokens the proxy reports are the count Mnemo shows', async () => {
    await chat.sendAndWait('Déjà vu: tell me one more thing about the café 🙂, please.');
    const stored = await chat.storedConversation();
    const usages = stored.messages.filter((m) => m.role === 'assistant').map((m) => m.usage);
    assert.equal(usages.length, 2);
    for (const [i, usage] of usages.entries()) {
      assert.ok(usage?.prompt_tokens > 0, `reply ${i + 1} has the usage the proxy reported`);
      assert.equal(
        usage.prompt_tokens,
        countMessages(sent[i].messages),
        `reply ${i + 1}: the proxy counts like OpenAI`,
      );
    }
    const { counted, reported, line } = await lastRequestCounts();
    assert.equal(reported, usages[1].prompt_tokens, line);
    assert.equal(counted, reported, `Mnemo's count is the proxy's: ${line}`);
    browser.assertNoErrors();
  });

  it("a rate-limited model's error is shown in the proxy's own words", async () => {
    const text = 'Will the rate limit let this through?';
    await chat.configure({ model: LIMITED_MODEL });
    const stopRecording = await chat.recordRetryBanner();
    await chat.send(text);
    // A 429 is retried (4 times, with backoff) before the message is kept as failed.
    const failed = await chat.waitUntil(
      async () => (await chat.messages()).find((m) => m.role === 'user' && m.text === text && m.status === 'failed'),
      { timeout: 60_000, message: 'the message kept as failed' },
    );
    assert.ok(failed);
    const countdown = await stopRecording();
    assert.ok(countdown.length > 0, 'a retry countdown was shown');
    for (const line of countdown) assert.ok(line.includes(RATE_LIMIT_WORDS), `the countdown says why: "${line}"`);
    const alert = await chat.alertParts();
    assert.match(alert.hint, /too many requests/i);
    assert.ok(alert.detail.includes(RATE_LIMIT_WORDS), `the alert has the proxy's words: "${alert.detail}"`);
    const limited = sent.filter((body) => body.model === LIMITED_MODEL);
    assert.equal(limited.length, 5, '1 attempt and 4 retries');
    browser.assertNoErrors({ allow: [/status of 429/] });
  });
});
