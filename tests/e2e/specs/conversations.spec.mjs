// Owns the conversations spec: the sidebar list (new chat, newest first, titles from the
// first message), switching, renaming, deleting with Undo, search with highlights and
// excerpts, and the collapsible list on a narrow screen.
import { describe, it, before, after, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { NAV, STORAGE } from '../fixtures/chat_page.mjs';
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

/** Forget every conversation (the settings stay) and start the app again. */
async function forgetConversations() {
  await chat.forgetConversations();
  servers.mock.reset();
}

/** Start a new chat, send each text in turn (waiting for every reply); returns its id and messages. */
async function conversation(...texts) {
  await chat.newChat();
  await chat.settle();
  for (const text of texts) await chat.sendAndWait(text);
  const id = (await chat.storedIndex()).current;
  return { id, messages: await chat.messages() };
}

/** Titles of the stored index, in order. */
const storedTitles = async () => (await chat.storedIndex()).conversations.map((c) => c.title);

const heading = () => chat.page.locator('h1').innerText();

/** Wait until the sidebar lists exactly `titles`, in order. */
async function expectTitles(titles, message = 'the sidebar titles') {
  try {
    await chat.waitUntil(async () => JSON.stringify(await chat.conversationTitles()) === JSON.stringify(titles), {
      timeout: 5_000,
      message,
    });
  } catch {
    assert.deepEqual(await chat.conversationTitles(), titles, message);
  }
}

describe('conversations', { timeout: 180_000 }, () => {
  beforeEach(forgetConversations);

  it('New chat starts an empty conversation; the list is newest first, titled by each first message', async () => {
    assert.deepEqual(await chat.conversationList(), []);
    await chat.sidebar.getByText('No saved conversations yet.', { exact: true }).waitFor({ timeout: 5_000 });
    assert.equal(await heading(), 'New chat');

    const alpha = await conversation('Alpha: plan a trip to Lisbon');
    await expectTitles(['Alpha: plan a trip to Lisbon']);
    assert.equal(await heading(), 'Alpha: plan a trip to Lisbon');
    assert.deepEqual(
      (await chat.conversationList()).map((c) => c.current),
      [true],
      'the open conversation is marked current',
    );

    await chat.newChat();
    await chat.settle();
    assert.deepEqual(await chat.messages(), [], 'a new chat has no messages');
    assert.equal(await heading(), 'New chat');
    assert.equal(await chat.composerValue(), '');
    assert.deepEqual(
      (await chat.conversationList()).map((c) => c.current),
      [false],
      'the earlier conversation is no longer current',
    );

    await chat.sendAndWait('Bravo\nwith a second line that is not part of the title');
    await expectTitles(['Bravo', 'Alpha: plan a trip to Lisbon']);

    const long = 'Charlie is a very long first message that goes on and on well past the limit';
    await conversation(long);
    const shortened = `${long.slice(0, 48).trimEnd()}…`;
    assert.equal(shortened, 'Charlie is a very long first message that goes o…');
    await expectTitles([shortened, 'Bravo', 'Alpha: plan a trip to Lisbon']);
    assert.deepEqual(await storedTitles(), [shortened, 'Bravo', 'Alpha: plan a trip to Lisbon']);

    // A new message moves its conversation to the top.
    await chat.openConversation('Alpha: plan a trip to Lisbon');
    await chat.sendAndWait('And what should I pack?');
    await expectTitles(['Alpha: plan a trip to Lisbon', shortened, 'Bravo'], 'the conversation just used comes first');
    assert.equal((await chat.storedIndex()).conversations[0].id, alpha.id);
    browser.assertNoErrors();
  });

  it('selecting a conversation shows its transcript and marks it current', async () => {
    const first = await conversation('First topic: gardening', 'Which plants like shade?');
    const second = await conversation('Second topic: astronomy');
    await expectTitles(['Second topic: astronomy', 'First topic: gardening']);
    assert.equal(first.messages.length, 4);

    await chat.openConversation('First topic: gardening');
    await chat.waitUntil(async () => (await chat.messages()).length === 4, { timeout: 5_000, message: 'the first transcript' });
    assert.deepEqual(await chat.messages(), first.messages);
    assert.equal(await heading(), 'First topic: gardening');
    assert.deepEqual(
      (await chat.conversationList()).map((c) => [c.title, c.current]),
      [
        ['Second topic: astronomy', false],
        ['First topic: gardening', true],
      ],
    );
    assert.equal(
      await chat.conversationRow('First topic: gardening').locator(NAV.rowOpenCss).getAttribute('aria-current'),
      'page',
    );
    assert.equal((await chat.storedIndex()).current, first.id, 'the choice is stored');

    await chat.openConversation('Second topic: astronomy');
    await chat.waitUntil(async () => (await chat.messages()).length === 2, { timeout: 5_000, message: 'the second transcript' });
    assert.deepEqual(await chat.messages(), second.messages);
    assert.equal(await heading(), 'Second topic: astronomy');

    await chat.reload();
    assert.deepEqual(await chat.messages(), second.messages, 'the open conversation is reopened after a reload');
    browser.assertNoErrors();
  });

  it('Rename (Enter) renames the open and a closed conversation, and the names survive a reload', async () => {
    const closed = await conversation('Closed one about bicycles');
    const open = await conversation('Open one about pianos');
    await expectTitles(['Open one about pianos', 'Closed one about bicycles']);

    await chat.renameConversation('Open one about pianos', '  Piano lessons  ');
    await expectTitles(['Piano lessons', 'Closed one about bicycles']);
    assert.equal(await heading(), 'Piano lessons', 'the heading follows the new name');
    assert.equal((await chat.storedConversation(open.id)).title, 'Piano lessons');

    await chat.renameConversation('Closed one about bicycles', 'Bike repairs');
    await expectTitles(['Piano lessons', 'Bike repairs']);
    assert.equal((await chat.storedConversation(closed.id)).title, 'Bike repairs');
    assert.deepEqual(await chat.messages(), open.messages, 'renaming another conversation does not open it');

    await chat.reload();
    await expectTitles(['Piano lessons', 'Bike repairs'], 'the names after a reload');
    assert.equal(await heading(), 'Piano lessons');
    assert.deepEqual(await storedTitles(), ['Piano lessons', 'Bike repairs']);
    await chat.openConversation('Bike repairs');
    assert.deepEqual(await chat.messages(), closed.messages, 'the renamed conversation keeps its messages');
    browser.assertNoErrors();
  });

  it('Rename ignores an empty name', async () => {
    await conversation('Keep this name');
    await chat.renameConversation('Keep this name', '   ');
    await expectTitles(['Keep this name']);
    assert.deepEqual(await storedTitles(), ['Keep this name']);
  });

  it(
    'Escape cancels a rename, before and after a reload',
    async () => {
    const c = await conversation('Name that stays');
    const before = await chat.stored(`${STORAGE.conversationPrefix}${c.id}`);
    await chat.renameConversation('Name that stays', 'Name typed then cancelled', { key: 'Escape' });
    await sleep(200);
    await expectTitles(['Name that stays'], 'the title after Escape');
    assert.equal(await heading(), 'Name that stays');
    assert.equal(await chat.stored(`${STORAGE.conversationPrefix}${c.id}`), before, 'nothing was saved');
    await chat.reload();
    await expectTitles(['Name that stays'], 'the title after a reload');
    },
  );

  it('Delete removes a conversation at once; Undo restores it with its messages', async () => {
    const kept = await conversation('Conversation to keep');
    const doomed = await conversation('Conversation to delete', 'Its second question');
    const storedBefore = await chat.storedText(doomed.id);
    await chat.openConversation('Conversation to keep');
    await expectTitles(['Conversation to delete', 'Conversation to keep']);

    await chat.deleteConversation('Conversation to delete');
    await expectTitles(['Conversation to keep'], 'the row is gone at once');
    assert.equal(await chat.storedText(doomed.id), null, 'its stored conversation is removed');
    assert.deepEqual(await storedTitles(), ['Conversation to keep']);
    await chat.undoToast.waitFor({ timeout: 5_000 });
    assert.equal((await chat.undoToast.innerText()).replace(/\s+/g, ' ').trim(), 'Deleted “Conversation to delete”. Undo');
    assert.deepEqual(await chat.messages(), kept.messages, 'the open conversation is untouched');

    await chat.button(NAV.undo).click();
    await chat.undoToast.waitFor({ state: 'detached', timeout: 5_000 });
    await expectTitles(['Conversation to delete', 'Conversation to keep'], 'the row is back in its place');
    assert.equal(await chat.storedText(doomed.id), storedBefore, 'the stored conversation is restored as it was');
    assert.deepEqual(await storedTitles(), ['Conversation to delete', 'Conversation to keep']);

    await chat.openConversation('Conversation to delete');
    await chat.waitUntil(async () => (await chat.messages()).length === 4, { timeout: 5_000, message: 'the restored transcript' });
    assert.deepEqual(await chat.messages(), doomed.messages);

    await chat.reload();
    await expectTitles(['Conversation to delete', 'Conversation to keep'], 'the restored row after a reload');
    assert.deepEqual(await chat.messages(), doomed.messages);
    browser.assertNoErrors();
  });

  it('deleting the open conversation opens the next one; Undo brings it back', async () => {
    const older = await conversation('Older conversation');
    const open = await conversation('Open conversation to delete');
    await chat.deleteConversation('Open conversation to delete');
    await expectTitles(['Older conversation']);
    await chat.waitUntil(async () => JSON.stringify(await chat.messages()) === JSON.stringify(older.messages), {
      timeout: 5_000,
      message: 'the next conversation to open',
    });
    assert.equal(await heading(), 'Older conversation');
    assert.equal(await chat.storedText(open.id), null);

    await chat.button(NAV.undo).click();
    await expectTitles(['Open conversation to delete', 'Older conversation']);
    await chat.openConversation('Open conversation to delete');
    await chat.waitUntil(async () => (await chat.messages()).length === 2, { timeout: 5_000, message: 'the restored transcript' });
    assert.deepEqual(await chat.messages(), open.messages);
    browser.assertNoErrors();
  });

  it('a deletion not undone within 15 s is final', async () => {
    await conversation('Conversation that stays');
    const doomed = await conversation('Conversation deleted for good');
    await chat.openConversation('Conversation that stays');
    // The page's timers run on a clock this test moves, so the Undo window is measured on
    // the app's own clock, not on how busy the machine is.
    await chat.page.clock.install();
    await chat.reload();
    await chat.page.clock.pauseAt(Date.now() + 1_000);
    try {
      await chat.deleteConversation('Conversation deleted for good');
      await chat.undoToast.waitFor({ timeout: 5_000 });
      await chat.page.clock.runFor(14_900);
      assert.ok(await chat.undoToast.isVisible(), 'Undo is still offered just before 15 s');
      await chat.page.clock.runFor(200);
      await chat.undoToast.waitFor({ state: 'detached', timeout: 5_000 });
    } finally {
      await chat.page.clock.resume();
    }
    assert.equal(await chat.button(NAV.undo).count(), 0, 'no Undo button is left');

    await expectTitles(['Conversation that stays']);
    assert.equal(await chat.storedText(doomed.id), null);
    await chat.reload();
    await expectTitles(['Conversation that stays'], 'the list after a reload');
    assert.deepEqual(await storedTitles(), ['Conversation that stays']);
    assert.equal(await chat.storedText(doomed.id), null);
    browser.assertNoErrors();
  });

  describe('search', () => {
    beforeEach(async () => {
      await conversation('Banana bread recipe');
      await conversation('Trip to Lisbon', 'What about pastel de nata?');
      await conversation('Weekly shopping list');
      await expectTitles(['Weekly shopping list', 'Trip to Lisbon', 'Banana bread recipe']);
    });

    it(
      'by title lists only the matches, with the match marked and no excerpt',
      async () => {
      await chat.search('BANANA');
      await expectTitles(['Banana bread recipe'], 'the rows matching "BANANA"');
      assert.deepEqual(await chat.conversationList(), [
        { title: 'Banana bread recipe', excerpt: null, current: false, marks: ['Banana'] },
      ]);
      },
    );

    it('by message text shows an excerpt with the match marked', async () => {
      await chat.search('NATA');
      await expectTitles(['Trip to Lisbon'], 'the rows matching "NATA"');
      assert.deepEqual(await chat.conversationList(), [
        { title: 'Trip to Lisbon', excerpt: 'What about pastel de nata?', current: false, marks: ['nata'] },
      ]);
      assert.equal(await chat.conversationRow('Trip to Lisbon').locator('.excerpt mark').innerText(), 'nata');

      // A word deep inside a long message gets a shortened excerpt.
      await chat.search('');
      await chat.openConversation('Weekly shopping list');
      const long = `${'milk eggs flour sugar butter '.repeat(6)}saffron ${'apples pears plums '.repeat(6)}`;
      await chat.sendAndWait(long);
      await chat.search('saffron');
      await expectTitles(['Weekly shopping list'], 'the rows matching "saffron"');
      const [row] = await chat.conversationList();
      // A little of what comes before, so that the word shows in the row, and more after.
      assert.match(row.excerpt, /^….{10,25}saffron.{50,70}…$/, row.excerpt);
      assert.deepEqual(row.marks, ['saffron']);
      assert.equal(row.current, true);
      const markInView = await chat
        .conversationRow('Weekly shopping list')
        .locator('.excerpt')
        .evaluate((el) => {
          const box = el.getBoundingClientRect();
          const mark = el.querySelector('mark').getBoundingClientRect();
          return mark.left >= box.left && mark.right <= box.right;
        });
      assert.ok(markInView, 'the marked word is in view, not cut off by the row');
    });

    it('with no match says so; clearing it lists everything again without marks', async () => {
      await chat.search('zzzz-nothing');
      await expectTitles([], 'no row matches');
      await chat.sidebar.getByText('No conversation matches.', { exact: true }).waitFor({ timeout: 5_000 });

      await chat.search('');
      await expectTitles(['Weekly shopping list', 'Trip to Lisbon', 'Banana bread recipe'], 'every row');
      for (const row of await chat.conversationList()) {
        assert.equal(row.excerpt, null);
        assert.deepEqual(row.marks, []);
      }
    });

    it('opening a match from the results shows that conversation', async () => {
      await chat.search('pastel');
      await expectTitles(['Trip to Lisbon']);
      await chat.openConversation('Trip to Lisbon');
      await chat.waitUntil(async () => (await chat.messages()).length === 4, { timeout: 5_000, message: 'the transcript' });
      assert.equal((await chat.messages())[2].text, 'What about pastel de nata?');
      await chat.search('');
      browser.assertNoErrors();
    });
  });

  describe('on a narrow screen', () => {
    let first;
    beforeEach(async () => {
      first = await conversation('Narrow first');
      await conversation('Narrow second');
      await chat.page.setViewportSize({ width: 600, height: 800 });
      await chat.settle();
    });
    afterEach(async () => {
      await chat.page.setViewportSize({ width: 1280, height: 800 });
    });

    /** Click the toggle and wait until the list is shown. */
    const openList = async () => {
      await chat.sidebarToggle.click();
      await chat.sidebar.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await chat.sidebarToggle.getAttribute('aria-expanded'), 'true');
    };
    const expectClosed = async () => {
      await chat.sidebar.waitFor({ state: 'hidden', timeout: 5_000 });
      assert.equal(await chat.sidebarToggle.getAttribute('aria-expanded'), 'false');
    };

    it('hides the list behind a "Conversations" button; opening a conversation or New chat closes it', async () => {
      await chat.sidebarToggle.waitFor({ timeout: 5_000 });
      assert.equal(await chat.sidebarToggle.getAttribute('aria-expanded'), 'false');
      assert.equal(await chat.sidebar.isVisible(), false, 'the list is hidden');

      await openList();
      await expectTitles(['Narrow second', 'Narrow first']);
      await chat.openConversation('Narrow first');
      await expectClosed();
      assert.deepEqual(await chat.messages(), first.messages);

      await openList();
      await chat.newChat();
      await expectClosed();
      assert.deepEqual(await chat.messages(), []);

      // On a wide screen the list is always shown and the button is gone.
      await chat.page.setViewportSize({ width: 1280, height: 800 });
      await chat.sidebar.waitFor({ state: 'visible', timeout: 5_000 });
      assert.equal(await chat.sidebarToggle.isVisible(), false);
      browser.assertNoErrors();
    });

    it(
      'the "Conversations" button closes the open list again',
      async () => {
        await openList();
        await chat.sidebarToggle.click({ timeout: 5_000 });
        await expectClosed();
        assert.equal((await chat.storedIndex()).conversations.length, 2, 'no conversation was started or lost');
      },
    );
  });
});
