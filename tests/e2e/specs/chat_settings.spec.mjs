// Owns the per-chat settings spec: a chat's own system prompt, model, sampling and memory
// override the defaults for that chat only, survive a reload, follow the chat through the
// sidebar, and "Use the defaults" drops them.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

const TUTOR = 'You are a concise Python tutor.';
const DEFAULT_PROMPT = 'You are a helpful assistant.';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true, model: 'gpt-4o-mini', temperature: 0.7, maxTokens: '' });
});
after(() => closeSession({ servers, browser }));

const dialog = () => chat.page.getByRole('dialog', { name: 'Chat settings', exact: true });
const openButton = () => chat.page.getByRole('button', { name: 'Chat settings', exact: true });

/** Open the chat's settings, tick and fill its own groups, then Save. */
async function ownSettings({ preset, model, temperature, maxTokens, memory, budget }) {
  await openButton().click();
  const d = dialog();
  await d.waitFor();
  const tick = (name) => d.getByRole('checkbox', { name, exact: true }).check();
  if (preset) {
    await tick('Own system prompt');
    await d.getByRole('combobox', { name: 'Preset', exact: true }).selectOption({ label: preset });
  }
  if (model) {
    await tick('Own model');
    await d.getByRole('combobox', { name: 'Model', exact: true }).selectOption({ label: model });
  }
  if (temperature !== undefined) {
    await tick('Own temperature and output limit');
    await d.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill(String(temperature));
    await d.getByRole('textbox', { name: 'Max output tokens', exact: true }).fill(String(maxTokens ?? ''));
  }
  if (memory) {
    await tick('Own memory and budget');
    await d.getByRole('combobox', { name: 'Memory', exact: true }).selectOption({ label: memory });
    await d.getByRole('textbox', { name: 'Context budget', exact: true }).fill(String(budget));
  }
  await d.getByRole('button', { name: 'Save', exact: true }).click();
  await d.waitFor({ state: 'hidden' });
}

const lastRequest = () => chatRequests(servers.mock).at(-1)?.body;

describe('chat settings', () => {
  it('override the defaults for one chat: prompt, model, sampling and memory reach its requests', async () => {
    servers.mock.reset();
    await chat.newChat();
    await ownSettings({ preset: 'Concise Python tutor', model: 'gpt-4.1', temperature: 0.2, maxTokens: 300, memory: 'Summary memory', budget: 2000 });
    assert.equal(await openButton().getAttribute('data-own'), 'true');
    assert.match(await openButton().getAttribute('title'), /^This chat uses its own system prompt, model gpt-4\.1, temperature 0\.2, at most 300 output tokens, Summary memory, a budget of 2000 tokens\.$/);
    await chat.waitUntil(async () => /\/ 2,000 tokens$/.test(await chat.page.getByTestId('context-tokens').innerText()), {
      timeout: 10_000,
      message: 'the meter to show the chat budget',
    });

    await chat.sendAndWait('Chat with its own settings');
    const body = lastRequest();
    assert.equal(body.model, 'gpt-4.1');
    assert.equal(body.temperature, 0.2);
    assert.equal(body.max_tokens, 300);
    assert.deepEqual(body.messages[0], { role: 'system', content: TUTOR });
    const stored = await chat.storedConversation();
    assert.deepEqual(stored.overrides, {
      system_prompt: TUTOR,
      model: 'gpt-4.1',
      temperature: 0.2,
      max_output_tokens: 300,
      memory: 'summary',
      context_budget: 2000,
    });
    browser.assertNoErrors();
  });

  it('leave other chats on the defaults, and follow their chat through a reload and the sidebar', async () => {
    const ownTitle = 'Chat with its own settings';
    await chat.newChat();
    servers.mock.reset();
    await chat.sendAndWait('A chat on the defaults');
    let body = lastRequest();
    assert.equal(body.model, 'gpt-4o-mini');
    assert.equal(body.temperature, 0.7);
    assert.equal(body.max_tokens, undefined);
    assert.deepEqual(body.messages[0], { role: 'system', content: DEFAULT_PROMPT });
    assert.equal(await openButton().getAttribute('data-own'), 'false');

    await chat.reload();
    await chat.openConversation(ownTitle);
    await chat.waitUntil(async () => (await openButton().getAttribute('data-own')) === 'true', {
      timeout: 5_000,
      message: 'the chat with its own settings to be open',
    });
    servers.mock.reset();
    await chat.sendAndWait('Still mine?');
    body = lastRequest();
    assert.equal(body.model, 'gpt-4.1');
    assert.deepEqual(body.messages[0], { role: 'system', content: TUTOR });

    // The dialog opens as saved, with unticked groups showing the defaults.
    await openButton().click();
    const d = dialog();
    await d.waitFor();
    assert.equal(await d.getByRole('checkbox', { name: 'Own model', exact: true }).isChecked(), true);
    assert.equal(await d.getByRole('combobox', { name: 'Model', exact: true }).inputValue(), 'gpt-4.1');
    await d.getByRole('checkbox', { name: 'Own model', exact: true }).uncheck();
    assert.equal(await d.getByRole('combobox', { name: 'Model', exact: true }).inputValue(), 'gpt-4o-mini');
    assert.equal(await d.getByRole('combobox', { name: 'Model', exact: true }).isDisabled(), true);
    await d.getByRole('button', { name: 'Cancel', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    browser.assertNoErrors();
  });

  it('report an invalid own field and change nothing; "Use the defaults" drops them all', async () => {
    await openButton().click();
    const d = dialog();
    await d.waitFor();
    await d.getByRole('spinbutton', { name: 'Temperature', exact: true }).fill('7');
    await d.getByRole('button', { name: 'Save', exact: true }).click();
    await chat.waitUntil(async () => (await d.locator('.field-error').allInnerTexts()).some((t) => t.includes('Enter a number from 0 to 2.')), {
      timeout: 5_000,
      message: 'the temperature error',
    });
    assert.equal((await chat.storedConversation()).overrides.temperature, 0.2, 'nothing saved');

    await d.getByRole('button', { name: 'Use the defaults', exact: true }).click();
    await d.waitFor({ state: 'hidden' });
    assert.equal(await openButton().getAttribute('data-own'), 'false');
    assert.equal((await chat.storedConversation()).overrides, undefined);
    servers.mock.reset();
    await chat.sendAndWait('Back to the defaults');
    const body = lastRequest();
    assert.equal(body.model, 'gpt-4o-mini');
    assert.deepEqual(body.messages[0], { role: 'system', content: DEFAULT_PROMPT });
    browser.assertNoErrors();
  });
});
