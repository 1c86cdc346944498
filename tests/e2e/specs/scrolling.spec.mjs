// Owns the transcript's scrolling across chats: scrolling up in one chat never stops the
// others from opening at their newest message or following their replies; sending brings
// the reader down to the reply; "Jump to latest" shows only when there is more below.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSession, openSession } from '../fixtures/session.mjs';

const T0 = 1764115200000;
const SLACK = 48;

/** An export with two long chats and a short one. */
function scrollExport() {
  const conv = (id, title, count, at) => ({
    id,
    title,
    created_at: at,
    updated_at: at,
    messages: Array.from({ length: count }, (_, i) => ({
      id: `${id}${i}`,
      role: i % 2 ? 'assistant' : 'user',
      content: `${title} message ${i}. ${'Mnemo keeps every word you send. '.repeat(6)}`,
      created_at: at + i,
      status: { state: 'complete' },
    })),
  });
  return JSON.stringify({ format: 'mnemo', v: 1, conversations: [conv('short', 'Short chat', 2, T0), conv('other', 'Other long chat', 30, T0 + 500), conv('long', 'Long chat', 40, T0 + 1000)] });
}

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await chat.goto();
  await chat.configureForMock({ remember: true });
  await chat.importFile(scrollExport(), 'scroll.json');
  await chat.waitUntil(async () => (await chat.conversationTitles()).includes('Long chat'), {
    message: 'the chats to be imported',
  });
});
after(() => closeSession({ servers, browser }));

/** Scroll the transcript up as a reader does, with the mouse wheel. */
async function scrollUp() {
  const box = await chat.page.locator('.transcript').boundingBox();
  await chat.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  await chat.page.mouse.wheel(0, -1500);
  await chat.waitUntil(async () => (await chat.transcriptScroll()).gap > SLACK, { message: 'the view to move up' });
  await chat.settle();
}

const atNewest = async () => (await chat.transcriptScroll()).gap <= SLACK;

describe('scrolling across chats', { timeout: 120_000 }, () => {
  it('a chat scrolled up in does not spoil the others', async () => {
    await chat.openConversation('Long chat');
    await chat.settle();
    assert.ok(await atNewest(), 'the long chat opens at its newest message');
    await scrollUp();
    await chat.jumpButton.waitFor({ timeout: 5_000 });

    await chat.openConversation('Other long chat');
    await chat.settle();
    await chat.settle();
    assert.ok(await atNewest(), `another long chat opens at its newest message (${JSON.stringify(await chat.transcriptScroll())})`);
    assert.equal(await chat.jumpButton.count(), 0, 'and without "Jump to latest"');

    await chat.openConversation('Long chat');
    await scrollUp();
    await chat.openConversation('Short chat');
    await chat.settle();
    await chat.settle();
    assert.equal(await chat.jumpButton.count(), 0, 'no "Jump to latest" over a chat with nothing below');

    await chat.openConversation('Long chat');
    await chat.settle();
    await chat.settle();
    assert.ok(await atNewest(), `the long chat opens at its newest message again (${JSON.stringify(await chat.transcriptScroll())})`);
    assert.equal(await chat.jumpButton.count(), 0);
  });

  it('sending while scrolled up brings the reader down to the reply, which it then follows', async () => {
    await chat.openConversation('Long chat');
    await chat.settle();
    await scrollUp();
    servers.mock.configure({ replyWords: 200, delayMs: 10 });
    await chat.sendAndWait('One more question.');
    await chat.settle();
    assert.ok(await atNewest(), `the reply is in view (${JSON.stringify(await chat.transcriptScroll())})`);
    assert.equal(await chat.jumpButton.count(), 0);
  });

  it('after "Jump to latest" appeared in one chat, replies in another still land in view', async () => {
    await chat.openConversation('Long chat');
    await scrollUp();
    await chat.jumpButton.waitFor({ timeout: 5_000 });
    await chat.openConversation('Short chat');
    servers.mock.configure({ replyWords: 200, delayMs: 5 });
    for (const q of ['First?', 'Second?', 'Third?']) {
      await chat.sendAndWait(q);
      await chat.settle();
      assert.ok(await atNewest(), `the reply to "${q}" is in view (${JSON.stringify(await chat.transcriptScroll())})`);
    }
  });
});
