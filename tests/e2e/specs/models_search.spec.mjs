// Owns the models-and-search spec: search that ignores accents, the model picker (every
// catalog model by family, the user's own models offered again, Custom… starting blank),
// the Base URL refused on Save when it ends in /chat/completions, and a connection lost
// while the reply arrives.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { UI } from '../fixtures/chat_page.mjs';
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
});

/** Start a new chat and send each text in turn, waiting for every reply. */
async function conversation(...texts) {
  await chat.newChat();
  await chat.settle();
  for (const text of texts) await chat.sendAndWait(text);
}

/** A labelled field of the settings dialog (a text box or a select). */
const labelled = (label) => chat.settingsDialog.getByLabel(label, { exact: true });

const PRICE_LABELS = Object.freeze({
  window: 'Context window (tokens)',
  input: 'Input price ($ per 1M tokens)',
  output: 'Output price ($ per 1M tokens)',
});

describe('models and search', { timeout: 180_000 }, () => {
  it('search without accents finds accented titles and messages, marking the accented words whole', async () => {
    await conversation('Résumé');
    await conversation('Cover letter', 'Does it match my RÉSUMÉ?');
    await conversation('Weekly shopping list');

    await chat.search('resume');
    await chat.waitUntil(async () => (await chat.conversationTitles()).length === 2, {
      timeout: 5_000,
      message: 'the rows matching "resume"',
    });
    assert.deepEqual(await chat.conversationList(), [
      { title: 'Cover letter', excerpt: 'Does it match my RÉSUMÉ?', current: false, marks: ['RÉSUMÉ'] },
      { title: 'Résumé', excerpt: null, current: false, marks: ['Résumé'] },
    ]);
    await chat.search('');
    browser.assertNoErrors();
  });

  it('the picker offers every catalog model by family; Custom… starts blank with the price unit in its label', async () => {
    await chat.openSettings();
    const groups = await chat.modelGroups();
    assert.deepEqual(
      groups,
      Object.entries(UI.modelGroups).map(([label, models]) => ({ label, models })),
      'the o-series and gpt-5 models are offered, in their groups',
    );
    assert.equal(await chat.modelSelect.inputValue(), UI.defaultModel);
    assert.equal(await labelled(PRICE_LABELS.input).count(), 0, 'a catalog model needs no prices');

    await chat.modelSelect.selectOption({ label: UI.customModelOption });
    assert.equal(await chat.customModelField.inputValue(), '', 'no model id carried over');
    for (const label of Object.values(PRICE_LABELS)) {
      assert.equal(await labelled(label).inputValue(), '', `${label} starts empty`);
    }
    await chat.cancelSettings();
  });

  it('a custom model is saved, offered again under "Your models", and its cost is unknown without prices', async () => {
    await chat.openSettings();
    await chat.chooseModel('llama-local');
    await chat.saveSettings();

    await chat.openSettings();
    const groups = await chat.modelGroups();
    assert.deepEqual(groups.at(-1), { label: UI.yourModels, models: ['llama-local'] });
    assert.equal(await chat.modelSelect.inputValue(), 'llama-local', 'chosen from the list, not typed');
    assert.equal(await chat.customModelField.count(), 0);
    assert.equal(await labelled(PRICE_LABELS.window).inputValue(), '128000', 'the window it was saved with');
    assert.equal(await labelled(PRICE_LABELS.input).inputValue(), '', 'no price was given');
    await chat.cancelSettings();

    await conversation('Hello from a local model');
    assert.equal(chatRequests(servers.mock)[0].body.model, 'llama-local');
    await chat.openInspector();
    const cost = chat.page.locator('dl.stats dt', { hasText: /^Cost$/ }).locator('xpath=following-sibling::dd[1]');
    assert.equal(await cost.innerText(), 'unknown (a model without prices)', "never another model's price");

    await chat.configure({ model: UI.defaultModel });
    browser.assertNoErrors();
  });

  it('a Base URL ending in /chat/completions is refused on Save, saying which URL to use', async () => {
    await chat.openSettings();
    await chat.baseUrlField.fill(`${chat.apiBase}/chat/completions`);
    await chat.settingsDialog.getByRole('button', { name: UI.buttons.save, exact: true }).click();
    await chat.settingsDialog
      .getByText(`Base URL should end before "/chat/completions": use ${chat.apiBase}`, { exact: true })
      .waitFor({ timeout: 5_000 });
    assert.ok(await chat.isSettingsOpen(), 'the dialog stays open');
    await chat.cancelSettings();

    await conversation('Still talking to the right endpoint?');
    assert.equal(chatRequests(servers.mock).length, 1, 'the saved Base URL was kept');
  });

  it('a connection lost while the reply arrives says so and keeps the partial reply', async () => {
    // Slow chunks, so the first ones are surely shown before the connection is reset.
    servers.mock.configure({ dropAfterChunks: 5, delayMs: 100, replyWords: 30 });
    await chat.newChat();
    await chat.send('Tell me a story that gets cut off.');
    const last = await chat.waitUntil(
      async () => {
        const all = await chat.messageDetails();
        const reply = all.at(-1);
        return reply?.role === 'assistant' && reply.status === 'failed' ? reply : null;
      },
      { timeout: 15_000, message: 'the interrupted reply' },
    );
    assert.ok(last.text.length > 0, 'the partial reply is kept');
    assert.equal(
      last.note,
      'Interrupted: The connection broke while the reply was arriving. The partial reply is kept: press Retry or Continue.',
    );
    assert.deepEqual(last.buttons, [UI.buttons.retry, UI.buttons.continue]);
    const alert = await chat.alertParts();
    assert.equal(alert.hint, 'The partial reply is kept: press Retry or Continue.');
    assert.doesNotMatch(`${alert.hint} ${alert.detail}`, /Could not reach/);
    assert.equal(chatRequests(servers.mock).length, 1, 'a reply that had begun is not retried by itself');
  });
});
