// Owns the messages spec: the actions under a message (Copy, Edit & resend, Regenerate,
// Fork, Delete, Pin, Details), markdown in replies, and exporting and importing conversations.
import { describe, it, before, after, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { chatRequests } from '../fixtures/servers.mjs';
import { NAV, STORAGE, UI } from '../fixtures/chat_page.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

const API_KEY = 'sk-test-export-4b1d';

let servers;
let browser;
let chat;

before(async () => {
  ({ servers, browser, chat } = await openSession());
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], {
    origin: new URL(servers.appUrl).origin,
  });
  await chat.goto();
  await chat.configureForMock({ apiKey: API_KEY, remember: true });
});
after(() => closeSession({ servers, browser }));
beforeEach(async () => {
  servers.mock.reset();
  if ((await chat.noticeBanner.count()) > 0) await chat.button(UI.buttons.dismiss).click();
  await chat.newChat();
  await chat.settle();
});

/** Send each text in turn, waiting for every reply; returns the transcript. */
async function talk(...texts) {
  for (const text of texts) await chat.sendAndWait(text);
  return chat.messages();
}

/** The item at `index` of the transcript. */
const item = (index) => chat.items.nth(index);
const action = (index, name) => chat.messageAction(item(index), name);

/** Names of the everyday action buttons of the item at `index`. */
const actionNames = (index) =>
  item(index)
    .locator('.message-actions > button')
    .evaluateAll((buttons) => buttons.map((b) => b.innerText.trim()));

const clipboard = () => chat.page.evaluate(() => navigator.clipboard.readText());
const setClipboard = (text) => chat.page.evaluate((t) => navigator.clipboard.writeText(t), text);

/** Wait until the clipboard holds `text`. */
async function expectClipboard(text) {
  try {
    await chat.waitUntil(async () => (await clipboard()) === text, { timeout: 5_000, message: 'the clipboard' });
  } catch {
    assert.equal(await clipboard(), text, 'the clipboard');
  }
}

/** Answer every dialog with `accept` (true/false) until `off()`; `messages` lists what was asked. */
function answerDialogs(accept) {
  const messages = [];
  const handler = async (dialog) => {
    messages.push({ type: dialog.type(), message: dialog.message() });
    if (accept) await dialog.accept();
    else await dialog.dismiss();
  };
  chat.page.on('dialog', handler);
  return { messages, off: () => chat.page.off('dialog', handler) };
}

/** Wait until the transcript has `count` messages and the last is a finished reply. */
async function waitForReplyAt(count) {
  return chat.waitUntil(
    async () => {
      const all = await chat.messages();
      const last = all.at(-1);
      return all.length === count && last.role === 'assistant' && last.status === 'complete' ? all : null;
    },
    { timeout: 15_000, message: `a finished reply as message ${count}` },
  );
}

describe('message actions', { timeout: 240_000 }, () => {
  it('Copy puts the message text on the clipboard: the user text, and the reply as markdown source', async () => {
    servers.mock.configure({ replyText: 'A **bold** answer with `code`.' });
    await talk('Copy me, please.\nSecond line.');

    await setClipboard('nothing yet');
    await action(0, NAV.actions.copy).click();
    await expectClipboard('Copy me, please.\nSecond line.');

    await action(1, NAV.actions.copy).click();
    await expectClipboard('A **bold** answer with `code`.');
    browser.assertNoErrors();
  });

  it('each message offers the actions that apply to it', async () => {
    await talk('First question', 'Second question');
    const { actions: a } = NAV;
    assert.deepEqual(await actionNames(0), [a.copy, a.edit, a.pin, a.fork, a.delete, a.details]);
    assert.deepEqual(await actionNames(1), [a.copy, a.pin, a.fork, a.delete, a.details], 'no Regenerate on an older reply');
    assert.deepEqual(await actionNames(2), [a.copy, a.edit, a.pin, a.fork, a.delete, a.details]);
    assert.deepEqual(await actionNames(3), [a.copy, a.regenerate, a.pin, a.fork, a.delete, a.details]);
  });

  it('Edit & resend on the last message (its reply deleted) asks nothing and sends the new text', async () => {
    await talk('Original question');
    await action(1, NAV.actions.delete).click();
    await chat.waitUntil(async () => (await chat.messages()).length === 1, { timeout: 5_000, message: 'the reply to go' });

    const dialogs = answerDialogs(false);
    try {
      await action(0, NAV.actions.edit).click();
      await chat.messageEditor.waitFor({ timeout: 5_000 });
      assert.equal(await chat.messageEditor.inputValue(), 'Original question');
      assert.equal((await chat.focused()).label, NAV.editField, 'the editor has focus');
      await chat.messageEditor.fill('Edited question');
      await chat.saveEditButton.click();
      const messages = await waitForReplyAt(2);
      assert.deepEqual(dialogs.messages, [], 'no confirmation was asked');
      assert.equal(messages[0].text, 'Edited question');
      assert.equal(await chat.messageEditor.count(), 0, 'the editor is closed');
    } finally {
      dialogs.off();
    }
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 2);
    assert.deepEqual(requests[1].body.messages.at(-1), { role: 'user', content: 'Edited question' });
    assert.equal((await chat.messages())[1].text, requests[1].reply);
    assert.equal((await chat.storedConversation()).messages[0].content, 'Edited question', 'the edit is saved');
    browser.assertNoErrors();
  });

  it('Edit & resend on the last user message asks nothing: the old question and reply stay as a version', async () => {
    servers.mock.configure({ queue: [{ replyText: 'Old reply.' }, { replyText: 'New reply.' }] });
    await talk('Question to edit');
    const dialogs = answerDialogs(false);
    try {
      await action(0, NAV.actions.edit).click();
      await chat.messageEditor.fill('Question, edited once more');
      await chat.saveEditButton.click();
      await chat.waitUntil(async () => (await chat.messages()).at(-1)?.text === 'New reply.', {
        timeout: 15_000,
        message: 'the new reply',
      });
      assert.deepEqual(dialogs.messages, [], 'nothing is asked: nothing is replaced');
    } finally {
      dialogs.off();
    }
    assert.deepEqual(await waitForReplyAt(2), [
      { role: 'user', status: 'complete', text: 'Question, edited once more' },
      { role: 'assistant', status: 'complete', text: 'New reply.' },
    ]);
    assert.deepEqual(chatRequests(servers.mock)[1].body.messages.slice(1), [
      { role: 'user', content: 'Question, edited once more' },
    ]);
    const stored = await chat.storedTexts();
    assert.deepEqual(stored, ['New reply.', 'Old reply.', 'Question to edit', 'Question, edited once more']);
  });

  it(
    'an edit that keeps the length of the text (a typo fixed) is shown',
    async () => {
      servers.mock.configure({ queue: [{ replyText: 'Old reply.' }, { replyText: 'New reply.' }] });
      await talk('Waht is teh time?');
      const dialogs = answerDialogs(true);
      try {
        await action(0, NAV.actions.edit).click();
        await chat.messageEditor.fill('What is the time?');
        await chat.saveEditButton.click();
        await chat.waitUntil(async () => (await chat.messages()).at(-1)?.text === 'New reply.', {
          timeout: 15_000,
          message: 'the new reply',
        });
      } finally {
        dialogs.off();
      }
      assert.deepEqual(chatRequests(servers.mock)[1].body.messages.at(-1), { role: 'user', content: 'What is the time?' });
      assert.equal((await chat.storedConversation()).messages[0].content, 'What is the time?', 'the edit is saved');
      assert.deepEqual(await chat.messages(), [
        { role: 'user', status: 'complete', text: 'What is the time?' },
        { role: 'assistant', status: 'complete', text: 'New reply.' },
      ]);
    },
  );

  it('Edit on an earlier message sends only what came before it, and keeps the later messages as the previous version', async () => {
    await talk('First question', 'Second question');
    const before = await chat.messages();
    await action(0, NAV.actions.edit).click();
    await chat.messageEditor.fill('First question, edited');
    await chat.saveEditButton.click();
    await chat.waitUntil(() => chatRequests(servers.mock).length === 3, { timeout: 10_000, message: 'the new request' });
    const messages = await waitForReplyAt(2);
    const request = chatRequests(servers.mock)[2];
    assert.deepEqual(
      request.body.messages.map((m) => [m.role, m.content]),
      [
        ['system', UI.defaultSystemPrompt],
        ['user', 'First question, edited'],
      ],
      'the request ends with the edited text and carries nothing that came after it',
    );
    assert.deepEqual(messages, [
      { role: 'user', status: 'complete', text: 'First question, edited' },
      { role: 'assistant', status: 'complete', text: request.reply },
    ]);
    const stored = await chat.storedConversation();
    assert.deepEqual(stored.messages.map((m) => m.content), ['First question, edited', request.reply]);
    await item(0).getByRole('button', { name: 'Previous version', exact: true }).click();
    await chat.waitUntil(async () => JSON.stringify(await chat.messages()) === JSON.stringify(before), {
      timeout: 5_000,
      message: 'the original four messages',
    });
    browser.assertNoErrors();
  });

  it('Escape in the editor cancels the edit', async () => {
    const before = await talk('Leave me as I am');
    await action(0, NAV.actions.edit).click();
    await chat.messageEditor.fill('Changed my mind');
    await chat.messageEditor.press('Escape');
    await chat.messageEditor.waitFor({ state: 'detached', timeout: 5_000 });
    assert.deepEqual(await chat.messages(), before);
    assert.equal(chatRequests(servers.mock).length, 1);
  });

  it('Regenerate shows a new reply; the one it replaced stays as the previous version', async () => {
    servers.mock.configure({
      queue: [{ replyText: 'First reply.' }, { replyText: 'Second reply.' }, { replyText: 'Regenerated reply.' }],
    });
    await talk('Q1', 'Q2');
    assert.equal(await action(1, NAV.actions.regenerate).count(), 0, 'only the last reply offers Regenerate');
    await action(3, NAV.actions.regenerate).click();
    await chat.waitUntil(async () => (await chat.messages()).at(-1)?.text === 'Regenerated reply.', {
      timeout: 15_000,
      message: 'the regenerated reply',
    });
    assert.deepEqual(await waitForReplyAt(4), [
      { role: 'user', status: 'complete', text: 'Q1' },
      { role: 'assistant', status: 'complete', text: 'First reply.' },
      { role: 'user', status: 'complete', text: 'Q2' },
      { role: 'assistant', status: 'complete', text: 'Regenerated reply.' },
    ]);
    const requests = chatRequests(servers.mock);
    assert.equal(requests.length, 3, 'a new request was made');
    assert.deepEqual(
      requests[2].body.messages.map((m) => m.content),
      [UI.defaultSystemPrompt, 'Q1', 'First reply.', 'Q2'],
      'the replaced reply is not sent',
    );
    assert.deepEqual(
      (await chat.storedConversation()).messages.map((m) => m.content),
      ['Q1', 'First reply.', 'Q2', 'Regenerated reply.'],
    );
    assert.deepEqual(
      (await chat.storedConversation()).branches.map((m) => m.content),
      ['Second reply.'],
      'the earlier reply is kept',
    );
    browser.assertNoErrors();
  });

  it('Delete removes one message, for good', async () => {
    servers.mock.configure({ queue: [{ replyText: 'Reply to delete.' }, { replyText: 'Reply to keep.' }] });
    await talk('Keep me', 'Keep me too');
    await action(1, NAV.actions.delete).click();
    // Messages follow it: Delete asks whether they go too.
    await item(1).getByRole('button', { name: 'Delete this message only', exact: true }).click();
    const expected = [
      { role: 'user', status: 'complete', text: 'Keep me' },
      { role: 'user', status: 'complete', text: 'Keep me too' },
      { role: 'assistant', status: 'complete', text: 'Reply to keep.' },
    ];
    await chat.waitUntil(async () => (await chat.messages()).length === 3, { timeout: 5_000, message: 'the deletion' });
    assert.deepEqual(await chat.messages(), expected);
    assert.deepEqual(
      (await chat.storedConversation()).messages.map((m) => m.content),
      ['Keep me', 'Keep me too', 'Reply to keep.'],
    );

    await chat.reload();
    assert.deepEqual(await chat.messages(), expected, 'still deleted after a reload');

    await chat.sendAndWait('Next question');
    const sent = chatRequests(servers.mock).at(-1).body.messages.map((m) => m.content);
    assert.ok(!sent.includes('Reply to delete.'), 'the deleted message is not sent');
    assert.deepEqual(sent, [UI.defaultSystemPrompt, 'Keep me', 'Keep me too', 'Reply to keep.', 'Next question']);
    browser.assertNoErrors();
  });

  it('Details shows the model, the usage and the tokens of a reply', async () => {
    await talk('How are the details?');
    const details = item(1).locator(NAV.detailsCss);
    const toggle = action(1, NAV.actions.details);
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');
    assert.equal(await details.count(), 0);

    await toggle.click();
    await details.waitFor({ timeout: 5_000 });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'true');
    const text = await details.innerText();
    const [request] = chatRequests(servers.mock);
    const estimate = (t) => Math.max(1, Math.ceil(t.length / 4));
    const prompt = request.body.messages.reduce((n, m) => n + 4 + estimate(m.content), 3);
    const fmt = (n) => n.toLocaleString('en-US');
    const head = `tokens · gpt-4o-mini · API: ${fmt(prompt)} in, ${fmt(estimate(request.reply))} out · $`;
    assert.ok(text.includes(head), `"${text}" has "${head}"`);
    assert.match(text, /^[\d,]+ tokens · gpt-4o-mini · API: [\d,]+ in, [\d,]+ out · \$\d+\.\d{5} · (?:sent [\d,]+ tokens · )?.+$/, text);

    await toggle.click();
    await details.waitFor({ state: 'detached', timeout: 5_000 });
    assert.equal(await toggle.getAttribute('aria-expanded'), 'false');

    await action(0, NAV.actions.details).click();
    const mine = await item(0).locator(NAV.detailsCss).innerText();
    assert.match(mine, /^[\d,]+ tokens · /, mine);
    assert.ok(!mine.includes('gpt-4o-mini'), 'a user message names no model');
  });

  it('Pin toggles aria-pressed, and a pinned message is sent when a tiny budget drops the others', async () => {
    await chat.configure({ memory: 'window', contextBudget: 100 });
    try {
      servers.mock.configure({ replyWords: 90 });
      const FACT = 'PINNED FACT: my locker code is 4711.';
      await talk(FACT, 'Second message');
      let requests = chatRequests(servers.mock);
      assert.deepEqual(
        requests[1].body.messages.map((m) => m.content),
        [UI.defaultSystemPrompt, 'Second message'],
        'unpinned, the first message does not fit the budget',
      );

      const pin = action(0, NAV.actions.pin);
      assert.equal(await pin.getAttribute('aria-pressed'), 'false');
      await pin.click();
      const unpin = action(0, NAV.actions.unpin);
      await unpin.waitFor({ timeout: 5_000 });
      assert.equal(await unpin.getAttribute('aria-pressed'), 'true');
      assert.equal(await item(0).getAttribute('data-context'), 'pinned');
      assert.equal((await chat.storedConversation()).messages[0].pinned, true, 'the pin is saved');

      await talk('Third message');
      requests = chatRequests(servers.mock);
      assert.deepEqual(
        requests[2].body.messages.map((m) => m.content),
        [UI.defaultSystemPrompt, FACT, 'Third message'],
        'the pinned message is sent, the rest of the history is dropped',
      );

      await chat.reload();
      assert.equal(await action(0, NAV.actions.unpin).getAttribute('aria-pressed'), 'true', 'still pinned after a reload');
      await action(0, NAV.actions.unpin).click();
      await action(0, NAV.actions.pin).waitFor({ timeout: 5_000 });
      assert.equal(await action(0, NAV.actions.pin).getAttribute('aria-pressed'), 'false');
      assert.ok(!(await chat.storedConversation()).messages[0].pinned, 'the unpinning is saved');
      await talk('Fourth message');
      assert.ok(
        !chatRequests(servers.mock)[3].body.messages.some((m) => m.content === FACT),
        'unpinned, it is dropped again',
      );
    } finally {
      await chat.configure({ memory: 'window', contextBudget: 16000 });
    }
    browser.assertNoErrors();
  });
});

describe('markdown in replies', { timeout: 120_000 }, () => {
  const REPLY = [
    '| Fruit | Count |',
    '| :--- | ---: |',
    '| Apple | 3 |',
    '',
    '~~old~~ new',
    '',
    '- [x] done item',
    '- [ ] open item',
    '',
    '```rust',
    'fn main() {',
    '    println!("hi");',
    '}',
    '```',
    '',
    'See [the docs](https://example.com/docs) and ![a cat](https://example.com/cat.png).',
  ].join('\n');

  it('renders tables, strikethrough, task lists, code blocks, safe links and images as links', async () => {
    servers.mock.configure({ replyText: REPLY });
    await talk('Show me some **markdown**');
    const content = chat.lastAssistant.locator('.content.markdown');
    await content.waitFor({ timeout: 5_000 });
    const html = await content.evaluate((el) => ({
      headers: [...el.querySelectorAll('table thead th')].map((th) => [th.textContent, th.className]),
      cells: [...el.querySelectorAll('table tbody td')].map((td) => [td.textContent, td.className]),
      del: [...el.querySelectorAll('del')].map((d) => d.textContent),
      boxes: [...el.querySelectorAll('input[type="checkbox"]')].map((b) => ({ checked: b.checked, disabled: b.disabled })),
      blocks: [...el.querySelectorAll('.code-block')].map((b) => ({
        lang: b.getAttribute('data-lang'),
        label: b.querySelector('.code-lang')?.textContent,
        button: b.querySelector('button.copy-code')?.textContent,
        code: b.querySelector('pre code')?.textContent,
      })),
      links: [...el.querySelectorAll('a')].map((a) => ({
        href: a.getAttribute('href'),
        target: a.getAttribute('target'),
        rel: a.getAttribute('rel'),
        text: a.textContent,
        className: a.className,
      })),
      images: el.querySelectorAll('img').length,
    }));
    assert.deepEqual(html.headers, [
      ['Fruit', 'align-left'],
      ['Count', 'align-right'],
    ]);
    assert.deepEqual(html.cells, [
      ['Apple', 'align-left'],
      ['3', 'align-right'],
    ]);
    assert.deepEqual(html.del, ['old']);
    assert.deepEqual(html.boxes, [
      { checked: true, disabled: true },
      { checked: false, disabled: true },
    ]);
    assert.deepEqual(html.blocks, [
      { lang: 'rust', label: 'rust', button: 'Copy', code: 'fn main() {\n    println!("hi");\n}\n' },
    ]);
    assert.deepEqual(html.links, [
      { href: 'https://example.com/docs', target: '_blank', rel: 'noopener noreferrer', text: 'the docs', className: '' },
      { href: 'https://example.com/cat.png', target: '_blank', rel: 'noopener noreferrer', text: '🖼 a cat', className: 'image-link' },
    ]);
    assert.equal(html.images, 0, 'no image is loaded');

    const user = chat.userItem('Show me some');
    assert.equal(await user.locator('.content.plain').innerText(), 'Show me some **markdown**', 'user text stays plain');
    assert.equal(await user.locator('.content strong').count(), 0);
    browser.assertNoErrors();
  });

  it("a code block's Copy button copies just the code", async () => {
    servers.mock.configure({ replyText: REPLY });
    await talk('Code, please');
    await setClipboard('nothing yet');
    const copy = chat.lastAssistant.locator('.code-block button.copy-code');
    await copy.click();
    await expectClipboard('fn main() {\n    println!("hi");\n}\n');
    assert.equal(await copy.innerText(), 'Copied');
  });
});

describe('export and import', { timeout: 180_000 }, () => {
  const QUESTION = 'Export me: line one\nline two';
  const ANSWER = 'Reply with **markdown**.';

  it('exports the open chat as Text: "[role] text" blocks separated by a blank line', async () => {
    servers.mock.configure({ replyText: ANSWER });
    await talk(QUESTION);
    const file = await chat.exportFile('text');
    assert.equal(file.name, 'export-me-line-one.txt');
    assert.equal(file.text, `[user] ${QUESTION}\n\n[assistant] ${ANSWER}\n`);
  });

  it('exports the open chat as Markdown', async () => {
    servers.mock.configure({ replyText: ANSWER });
    await talk(QUESTION);
    const file = await chat.exportFile('markdown');
    assert.equal(file.name, 'export-me-line-one.md');
    assert.equal(file.text, `# Export me: line one\n\n### You\n\n${QUESTION}\n\n### Assistant\n\n${ANSWER}\n`);
  });

  it('exports the open chat as JSON, losslessly and without the API key', async () => {
    servers.mock.configure({ replyText: ANSWER });
    await talk(QUESTION);
    const file = await chat.exportFile('json');
    assert.equal(file.name, 'export-me-line-one.json');
    assert.ok(!file.text.includes(API_KEY), 'the API key is not in the file');
    const json = JSON.parse(file.text);
    assert.equal(json.format, 'mnemo');
    assert.equal(typeof json.v, 'number');
    assert.equal(json.conversations.length, 1);
    assert.deepEqual(json.conversations[0], await chat.storedConversation(), 'the conversation as stored');
    assert.deepEqual(
      json.conversations[0].messages.map((m) => [m.role, m.content]),
      [
        ['user', QUESTION],
        ['assistant', ANSWER],
      ],
    );
  });

  it('Export all (JSON) holds every conversation and never the API key', async () => {
    await talk('One conversation');
    await chat.newChat();
    await talk('Another conversation');
    const ids = (await chat.storedIndex()).conversations.map((c) => c.id);
    const file = await chat.exportFile('all');
    assert.equal(file.name, 'mnemo-conversations.json');
    assert.ok(!file.text.includes(API_KEY), 'the API key is not in the file');
    const json = JSON.parse(file.text);
    assert.equal(json.format, 'mnemo');
    assert.deepEqual(json.conversations.map((c) => c.id).sort(), [...ids].sort());
  });

  it('importing an exported conversation adds a copy under a new id', async () => {
    await talk('Round trip question');
    const original = await chat.storedConversation();
    const storedOriginal = await chat.storedText(original.id);
    const before = (await chat.storedIndex()).conversations.length;
    const file = await chat.exportFile('json');

    await chat.importFile(file.text, file.name);
    assert.equal(await chat.waitForNotice(/^Imported /), 'Imported 1 conversation(s).');
    const index = await chat.waitUntil(
      async () => {
        const i = await chat.storedIndex();
        return i.conversations.length === before + 1 ? i : null;
      },
      { timeout: 5_000, message: 'the imported conversation to be listed' },
    );
    const copyId = index.current;
    assert.notEqual(copyId, original.id, 'the import got a new id and is open');
    assert.ok(index.conversations.some((c) => c.id === original.id), 'the original is still listed');
    const copy = await chat.storedConversation(copyId);
    assert.deepEqual({ ...copy, id: original.id }, original, 'everything but the id is the same');
    assert.equal(await chat.storedText(original.id), storedOriginal, 'the original is untouched');
    assert.deepEqual(
      (await chat.messages()).map((m) => m.text),
      original.messages.map((m) => m.content),
      'the copy is shown',
    );
    const rows = await chat.conversationList();
    assert.equal(rows.filter((r) => r.title === 'Round trip question').length, 2, 'both are in the sidebar');
    browser.assertNoErrors();
  });

  it('importing a plain OpenAI messages array makes a new conversation that can go on', async () => {
    const array = [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'What is Rust?\nBriefly.' },
      { role: 'assistant', content: 'A **systems** language.' },
    ];
    const before = (await chat.storedIndex())?.conversations.length ?? 0;
    await chat.importFile(JSON.stringify(array), 'messages.json');
    assert.equal(await chat.waitForNotice(/^Imported /), 'Imported 1 conversation(s).');
    await chat.waitUntil(async () => (await chat.messages()).length === 3, { timeout: 5_000, message: 'the import to open' });
    assert.deepEqual(
      (await chat.messages()).map((m) => [m.role, m.status, m.text]),
      [
        ['system', 'complete', 'You are terse.'],
        ['user', 'complete', 'What is Rust?\nBriefly.'],
        ['assistant', 'complete', 'A systems language.'],
      ],
    );
    assert.equal(await chat.page.locator('h1').innerText(), 'What is Rust?');
    const index = await chat.storedIndex();
    assert.equal(index.conversations.length, before + 1);
    assert.equal(index.conversations[0].title, 'What is Rust?', 'the import is the newest conversation');
    assert.equal((await chat.conversationList())[0].title, 'What is Rust?');

    await chat.sendAndWait('And Go?');
    const sent = chatRequests(servers.mock).at(-1).body.messages;
    assert.deepEqual(sent.slice(-3), [
      { role: 'user', content: 'What is Rust?\nBriefly.' },
      { role: 'assistant', content: 'A **systems** language.' },
      { role: 'user', content: 'And Go?' },
    ]);
    browser.assertNoErrors();
  });

  it('an invalid file is refused with the precise reason and changes nothing', async () => {
    await talk('Existing conversation');
    const transcript = await chat.messages();
    const rows = await chat.conversationList();
    const before = await chat.storage();
    const cases = [
      ['hello', 'Nothing was imported: not JSON: expected value at line 1 column 1.'],
      ['', 'Nothing was imported: empty file.'],
      [
        '[{"role":"user","content":"a"},{"role":"bot","content":"c"}]',
        'Nothing was imported: entry 2: "role" must be "system", "user" or "assistant" (found "bot").',
      ],
      ['[]', 'Nothing was imported: there are no messages in this file.'],
      ['{"format":"other","v":1,"conversations":[]}', 'Nothing was imported: "format" must be "mnemo" (found "other").'],
      [
        '{"format":"mnemo","v":99,"conversations":[]}',
        /^Nothing was imported: this file was written by a newer Mnemo \(schema 99\); this one reads up to schema \d+\.$/,
      ],
      ['{"title":"x"}', /^Nothing was imported: not a Mnemo export or a list of chat messages \(expected .+\)\.$/],
    ];
    for (const [text, expected] of cases) {
      await chat.importFile(text, 'bad.json');
      const line = await chat.waitForNotice(/^Nothing was imported: /);
      if (typeof expected === 'string') assert.equal(line, expected, `the error for ${JSON.stringify(text)}`);
      else assert.match(line, expected, `the error for ${JSON.stringify(text)}`);
      assert.deepEqual(await chat.noticeLines(), [line], 'one notice, no success line');
      assert.deepEqual(await chat.storage(), before, `localStorage is unchanged after ${JSON.stringify(text)}`);
      assert.deepEqual(await chat.messages(), transcript);
      assert.deepEqual(await chat.conversationList(), rows);
      await chat.button(UI.buttons.dismiss).click();
      await chat.noticeBanner.waitFor({ state: 'detached', timeout: 5_000 });
    }
    browser.assertNoErrors();
  });
});
