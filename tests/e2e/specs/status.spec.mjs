// Owns honest status: a reply's badge says waiting, streaming, then complete (with a
// visible waiting indicator before the first words); a user message whose request is being
// retried says so; context badges say "in context" / "not in context", never "dropped";
// the meter says in words when Full history is over the budget; the summary's token count
// follows the text while it is edited.
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

/** The lifecycle badge of a message item. */
const badges = (item) => item.locator('.who .state').allTextContents();
const fate = (item) => item.locator('.who .fate').allTextContents();

describe('message status', { timeout: 120_000 }, () => {
  beforeEach(async () => {
    servers.mock.reset();
    await chat.newChat();
  });

  it('a reply is waiting, then streaming, then complete; never "not sent"', async () => {
    servers.mock.configure({ firstByteDelayMs: 2_000, delayMs: 80, replyWords: 40 });
    await chat.send('Hello there?');
    const reply = chat.lastAssistant;
    await reply.locator('.state', { hasText: 'waiting for the reply…' }).waitFor({ timeout: 5_000 });
    await reply.getByRole('status').filter({ hasText: 'Waiting for the first words' }).waitFor({ timeout: 1_000 });
    assert.deepEqual(await fate(reply), [], 'no context badge on a reply still arriving');
    await reply.locator('.state', { hasText: 'streaming…' }).waitFor({ timeout: 10_000 });
    assert.equal(await reply.getByRole('status').count(), 0, 'the waiting indicator is gone once words arrive');
    await chat.waitForAssistantDone();
    assert.deepEqual(await badges(chat.lastAssistant), ['complete']);
    assert.deepEqual(await fate(chat.lastAssistant), ['in context']);
    assert.deepEqual(await fate(chat.userItem('Hello there?')), ['in context']);
  });

  it('a user message whose request is being retried says so', async () => {
    servers.mock.configure({ queue: [{ status: 500 }, {}] });
    await chat.send('Try me twice.');
    await chat.userItem('Try me twice.').locator('.state', { hasText: /^retrying in \d+ s$/ }).waitFor({ timeout: 10_000 });
    await chat.waitForAssistantDone();
    assert.deepEqual(await badges(chat.userItem('Try me twice.')), [], 'the badge goes once the reply came');
  });

  it('messages outside the sliding window are "not in context", never "dropped"', async () => {
    await chat.configure({ memory: 'window', contextBudget: 200 });
    servers.mock.configure({ replyWords: 40 });
    for (const q of ['First question, about apples.', 'Second, about pears.', 'Third, about plums.']) await chat.sendAndWait(q);
    const all = await chat.items.evaluateAll((lis) => lis.map((li) => li.querySelector('.fate')?.textContent));
    assert.equal(all.at(-1), 'in context');
    assert.ok(all.includes('not in context'), `older messages are left out: ${JSON.stringify(all)}`);
    assert.ok(!all.some((t) => /dropped|^sent$/.test(t ?? '')), JSON.stringify(all));
    await chat.configure({ memory: 'full', contextBudget: 16000 });
  });

  it('Full history over its budget turns the meter amber and says so in words', async () => {
    await chat.configure({ memory: 'full', contextBudget: 300 });
    servers.mock.configure({ replyWords: 120 });
    await chat.sendAndWait('Tell me a story.');
    await chat.sendAndWait('And another one.');
    const meter = chat.page.getByRole('group', { name: 'Context' });
    await chat.waitUntil(async () => (await meter.getAttribute('data-level')) === 'warn', { message: 'the meter to warn' });
    assert.equal(await meter.getByTestId('context-level').textContent(), 'over budget: all of it is sent');
    assert.match(await meter.getAttribute('title'), /Full history sends every message: the budget is not applied/);
    await chat.configure({ memory: 'full', contextBudget: 16000 });
    await chat.waitUntil(async () => (await meter.getAttribute('data-level')) === 'fits', { message: 'the meter to fit again' });
    assert.equal(await meter.getByTestId('context-level').textContent(), 'within budget');
  });
});

describe('the summary editor', { timeout: 60_000 }, () => {
  it('counts the summary’s tokens while it is edited', async () => {
    const at = 1764115200000;
    const messages = Array.from({ length: 6 }, (_, i) => ({
      id: `s${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: `Message ${i} about the garden.`,
      created_at: at + i,
      status: { state: 'complete' },
    }));
    const conversation = {
      id: 'summarised',
      title: 'Summarised chat',
      created_at: at,
      updated_at: at + 10,
      messages,
      summary: { text: 'The user grows tomatoes.', covers_through: 's1', created_at: at + 5, model: 'gpt-4o-mini' },
    };
    await chat.importFile(JSON.stringify({ format: 'mnemo', v: 1, conversations: [conversation] }), 'summary.json');
    await chat.waitUntil(async () => (await chat.conversationTitles()).includes('Summarised chat'), { message: 'the import' });
    await chat.openConversation('Summarised chat');
    await chat.openInspector();
    const help = chat.page.getByTestId('summary-tokens');
    assert.match(await help.textContent(), /tokens when sent$/);
    const field = chat.page.getByRole('textbox', { name: 'Summary', exact: true });
    await field.fill('The user grows tomatoes.');
    await field.pressSequentially(' They also keep bees and two cats.');
    const count = async () => Number((await help.textContent()).match(/(\d[\d,]*) tokens as edited/)?.[1].replace(/,/g, '') ?? NaN);
    await chat.waitUntil(async () => (await count()) > 0, { message: 'a count as edited' });
    const longer = await count();
    await field.fill('Bees.');
    await chat.waitUntil(async () => (await count()) < longer, { message: 'the count to follow the text' });
  });
});
