// Owns the memory spec: earlier turns are sent back to the API, so the model can recall them.
import { describe, it, before, after } from 'node:test';
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
  await chat.configureForMock();
});
after(() => closeSession({ servers, browser }));

/** The conversation a request carried, system messages left out: [[role, content], ...]. */
const turns = (request) => request.body.messages.filter((m) => m.role !== 'system').map((m) => [m.role, m.content]);

describe('memory', { timeout: 120_000 }, () => {
  it('recalls the name given in an earlier turn', async () => {
    await chat.sendAndWait('My name is Priya.');
    const answer = await chat.sendAndWait('What is my name?');
    assert.equal(answer.status, 'complete');
    assert.match(answer.text, /Priya/);

    const [first, second] = chatRequests(servers.mock);
    assert.ok(second, 'two chat requests were sent');
    assert.equal(second.body.messages[0].role, 'system', 'the system prompt comes first');
    assert.ok(second.body.messages[0].content.includes(UI.defaultSystemPrompt));
    assert.deepEqual(turns(second), [
      ['user', 'My name is Priya.'],
      ['assistant', first.reply],
      ['user', 'What is my name?'],
    ]);
  });

  it('recalls the latest name after the user corrects it', async () => {
    await chat.sendAndWait('Sorry, my name is Sam.');
    const answer = await chat.sendAndWait('What is my name?');
    assert.match(answer.text, /Sam/);
    assert.doesNotMatch(answer.text, /Priya/);
  });

  it('logged no errors in the page', () => {
    browser.assertNoErrors();
  });
});
