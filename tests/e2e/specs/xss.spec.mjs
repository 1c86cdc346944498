// Owns the XSS corpus check: every vector in tests/fixtures/xss-corpus.json is sent as a
// user message and comes back as the assistant's reply through the mock server; none may
// run (the sentinel window.__xss stays unset, no dialog opens) and the text stays readable.
// The corpus runs twice: as served, with the Content-Security-Policy, and with the policy
// taken out of the page, so that the renderer's own sanitising is what is tested.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { REPO_ROOT, distDir } from '../fixtures/servers.mjs';
import { closeSession, openSession } from '../fixtures/session.mjs';

const CORPUS = JSON.parse(readFileSync(path.join(REPO_ROOT, 'tests/fixtures/xss-corpus.json'), 'utf8'));
const CSP_META = /<meta\s+http-equiv="Content-Security-Policy"\s+content="([^"]*)"\s*\/?>/i;

/** The policy a built index.html carries, or null. */
const policyOf = (html) => CSP_META.exec(html)?.[1] ?? null;

describe('the built page', () => {
  it('carries a Content-Security-Policy that allows no inline script but its own loader', () => {
    const policy = policyOf(readFileSync(path.join(distDir(), 'index.html'), 'utf8'));
    assert.ok(policy, 'dist/index.html has a Content-Security-Policy');
    const script = policy.split(';').map((d) => d.trim()).find((d) => d.startsWith('script-src'));
    assert.ok(script, `a script-src directive in ${policy}`);
    assert.doesNotMatch(script, /'unsafe-inline'|'unsafe-eval'|\*/, script);
    assert.match(policy, /default-src 'self'/);
  });

  it(`has an XSS corpus of at least 40 vectors (${CORPUS.length})`, () => {
    assert.ok(CORPUS.length >= 40);
  });
});

for (const withPolicy of [true, false]) {
  describe(`XSS corpus, ${withPolicy ? 'with' : 'without'} the Content-Security-Policy`, { timeout: 600_000 }, () => {
    let servers;
    let browser;
    let chat;
    const dialogs = [];

    let root;

    before(async () => {
      // Without the policy: a copy of the build whose index.html has its <meta> policy
      // removed. (Served from disk like the original: a page answered by the test itself
      // would count as a public page, which Chromium stops from reaching 127.0.0.1.)
      if (!withPolicy) {
        root = mkdtempSync(path.join(tmpdir(), 'mnemo-e2e-no-csp-'));
        cpSync(distDir(), root, { recursive: true });
        const index = path.join(root, 'index.html');
        writeFileSync(index, readFileSync(index, 'utf8').replace(CSP_META, ''));
      }
      ({ servers, browser, chat } = await openSession({ root }));
      browser.page.on('dialog', (d) => {
        dialogs.push(d.message());
        d.dismiss().catch(() => {});
      });
      await chat.goto();
      await chat.configureForMock({ remember: true, memory: 'window', contextBudget: 4000 });
    });
    after(async () => {
      await closeSession({ servers, browser });
      if (root) rmSync(root, { recursive: true, force: true });
    });

    it(`the page ${withPolicy ? 'has' : 'has no'} policy in force`, async () => {
      const html = await browser.page.content();
      assert.equal(policyOf(html) !== null, withPolicy);
    });

    it('runs none of them, as user messages or as replies, and keeps them readable', async () => {
      for (const [i, vector] of CORPUS.entries()) {
        servers.mock.configure({ replyText: vector, chunkWords: 3, delayMs: 1 });
        const reply = await chat.sendAndWait(vector);
        const user = (await chat.messages()).filter((m) => m.role === 'user').at(-1);
        assert.equal(user.text, vector.trim(), `vector ${i}: the user's message is shown as typed`);
        assert.equal(reply.status, 'complete', `vector ${i}: the reply completed`);
        assert.ok(reply.text.length > 0 || vector.trim() === '', `vector ${i}: the reply is readable`);
        const fired = await browser.page.evaluate(() => window.__xss);
        assert.equal(fired, undefined, `vector ${i} ran: ${vector}`);
        assert.deepEqual(dialogs, [], `vector ${i} opened a dialog: ${vector}`);
      }
      // Nothing fired later either (timers, lazy handlers, focus).
      await browser.page.mouse.move(200, 200);
      await browser.page.keyboard.press('Tab');
      await browser.page.waitForTimeout(500);
      assert.equal(await browser.page.evaluate(() => window.__xss), undefined);
      assert.deepEqual(dialogs, []);
      const hrefs = await browser.page.$$eval('.content a[href]', (as) => as.map((a) => a.getAttribute('href')));
      for (const href of hrefs) assert.match(href, /^(https?:|mailto:)/i, `unsafe link ${href}`);
      assert.equal(await browser.page.locator('.content img, .content iframe, .content script, .content svg').count(), 0);
    });
  });
}
