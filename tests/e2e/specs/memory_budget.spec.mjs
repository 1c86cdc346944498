// Owns the memory scenario: a name given in turn 1 survives 50 long turns under a
// 1,000-token budget only with Summary memory, every request stays within the budget
// (counted independently with js-tiktoken), and the count Mnemo shows is exact.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServers, chatRequests } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage } from '../fixtures/chat_page.mjs';
import { countMessages } from '../fixtures/tokens.mjs';

const BUDGET = 1000;
const FILLER_TURNS = 50;

async function runScenario(memory) {
  const servers = await startServers();
  const browser = await launchBrowser();
  try {
    const chat = new ChatPage(browser.page, servers);
    servers.mock.configure({ replyWords: 120, chunkWords: 15, delayMs: 1 });
    await chat.goto();
    await chat.configureForMock({ memory, contextBudget: BUDGET, remember: true });
    await chat.sendAndWait('My name is Priya.');
    for (let turn = 1; turn <= FILLER_TURNS; turn++) {
      await chat.sendAndWait(`Tell me something interesting about the ocean, fact number ${turn}.`);
    }
    const answer = await chat.sendAndWait('What is my name?');
    const requests = servers.mock.requests;
    const chats = chatRequests(servers.mock);
    const counts = requests.map((r) => countMessages(r.body.messages));
    const shown = await chat.lastPromptTokens();
    browser.assertNoErrors();
    return { answer, requests, chats, counts, shown, lastCount: countMessages(chats.at(-1).body.messages) };
  } finally {
    await browser.close();
    await servers.close();
  }
}

describe('memory under a token budget', { timeout: 600_000 }, () => {
  let summary;
  let window;
  before(async () => {
    summary = await runScenario('summary');
    window = await runScenario('window');
  });

  it('remembers the name 50 turns later with Summary memory', () => {
    assert.match(summary.answer.text, /Priya/);
    const summaryCalls = summary.requests.filter((r) => r.body.stream !== true);
    assert.ok(summaryCalls.length > 0, 'at least one summary call was made');
    const last = summary.chats.at(-1).body.messages;
    assert.ok(
      last.some((m) => m.role === 'system' && /Priya/.test(m.content)),
      'the name reached the model only through the summary',
    );
    assert.ok(!last.some((m) => m.role === 'user' && m.content === 'My name is Priya.'), 'turn 1 itself was not sent');
  });

  it('keeps every request within the budget, counted independently', () => {
    for (const [i, n] of summary.counts.entries()) assert.ok(n <= BUDGET, `request ${i} is ${n} tokens`);
    for (const [i, n] of window.counts.entries()) assert.ok(n <= BUDGET, `request ${i} is ${n} tokens`);
  });

  it('shows the exact prompt tokens of the last request', () => {
    assert.equal(summary.shown, summary.lastCount);
    assert.equal(window.shown, window.lastCount);
  });

  it('forgets the name with a sliding window of the same size', () => {
    assert.match(window.answer.text, /I don't know your name/);
    assert.equal(window.requests.filter((r) => r.body.stream !== true).length, 0, 'no summary calls');
  });
});
