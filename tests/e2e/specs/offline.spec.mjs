// Owns the offline spec: the service worker caches the shell and the vocabulary on the
// first visit, a second visit loads them without asking the server, the app opens offline
// with its conversation and says so when a message cannot be sent, and a new deploy is
// used on the next load. The spec serves a copy of dist/ so that it can deploy over it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startServers, chatRequests, distDir, REPO_ROOT } from '../fixtures/servers.mjs';
import { launchBrowser } from '../fixtures/browser.mjs';
import { ChatPage } from '../fixtures/chat_page.mjs';

let root;
let servers;
let browser;
let chat;
let files;
let build;

/** What the build stamped into sw.js: its id and its files. */
async function stamped() {
  const worker = await readFile(path.join(root, 'sw.js'), 'utf8');
  return {
    build: JSON.parse(worker.match(/^const BUILD = (.*);$/m)[1]),
    files: JSON.parse(worker.match(/^const FILES = (.*);$/m)[1]),
  };
}

before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mnemo-e2e-dist-'));
  await cp(distDir(), root, { recursive: true });
  ({ build, files } = await stamped());
  assert.ok(build, 'dist/sw.js is stamped: run trunk build --release');
  servers = await startServers({ root });
  browser = await launchBrowser();
  chat = new ChatPage(browser.page, servers);
});
after(async () => {
  await browser?.close();
  await servers?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

/** Paths the static server was asked for since the last call. */
function served() {
  const paths = servers.web.requests.map((r) => new URL(r.path, 'http://x').pathname.slice(1));
  servers.web.requests.length = 0;
  return paths;
}

/** Wait until the draft's token count is exact, i.e. the vocabulary has loaded. */
async function exactCounts() {
  await chat.composer.fill('How many tokens is this?');
  await chat.page.waitForFunction(() => {
    const text = document.querySelector('[data-testid="draft-tokens"]')?.textContent;
    return text && !text.includes('≈');
  });
  await chat.composer.fill('');
}

/** Wait until a worker of build `id` controls the page; returns the cache names. */
async function controlledBy(id) {
  return chat.waitUntil(
    () =>
      chat.page.evaluate(async (id) => {
        const keys = await caches.keys();
        const ready = navigator.serviceWorker.controller && keys.includes(`mnemo-shell-${id}`);
        return ready && keys.filter((k) => k.startsWith('mnemo-shell-')).length === 1 ? keys : null;
      }, id),
    { timeout: 20_000, message: `the service worker of build ${id}` },
  );
}

/** The URLs (paths without the leading slash) in cache `name`. */
function cached(name) {
  return chat.page.evaluate(async (name) => {
    const cache = await caches.open(name);
    return (await cache.keys()).map((r) => new URL(r.url).pathname.slice(1)).sort();
  }, name);
}

const vocabulary = () => files.vocab.find((f) => f.includes('o200k_base'));

describe('offline', { timeout: 180_000 }, () => {
  it('the first visit installs the service worker, which caches the shell and the tokenizer', async () => {
    await chat.goto();
    await chat.configureForMock({ remember: true });
    await chat.sendAndWait('Remember the word heron.');
    await exactCounts();
    const keys = await controlledBy(build);
    assert.deepEqual(keys.sort(), [`mnemo-shell-${build}`, 'mnemo-vocab']);
    assert.deepEqual(await cached(`mnemo-shell-${build}`), ['', ...files.hashed, ...files.fresh].sort());
    assert.ok(files.hashed.some((f) => /^mnemo-[0-9a-f]{8,16}_bg\.wasm$/.test(f)), `the app's wasm is cached: ${files.hashed}`);
    assert.ok(files.hashed.some((f) => /^sw-register-[0-9a-f]{8,16}\.js$/.test(f)), 'so is the script that registers the worker');
    const first = served();
    for (const file of files.hashed) {
      assert.equal(first.filter((f) => f === file).length, 1, `${file} was downloaded once, not again for the cache`);
    }
  });

  it('a second visit takes the shell and the vocabulary from the cache', async () => {
    const responses = [];
    const record = (response) => responses.push(response);
    chat.page.on('response', record);
    await chat.reload();
    await exactCounts();
    servers.mock.reset();
    await chat.sendAndWait('What was the word?');
    chat.page.off('response', record);

    const asked = served();
    for (const file of [...files.hashed, vocabulary()]) {
      assert.ok(!asked.includes(file), `${file} was not asked of the server (it asked for ${asked.join(', ')})`);
    }
    assert.ok(asked.includes(''), 'index.html is asked of the network first, to see a new deploy');
    const fromWorker = (file) => responses.find((r) => r.url() === `${servers.web.url}/${file}`)?.fromServiceWorker();
    for (const file of ['', ...files.hashed]) {
      assert.equal(fromWorker(file), true, `${file || 'index.html'} came through the service worker`);
    }
    assert.deepEqual(await cached('mnemo-vocab'), [vocabulary()], 'the vocabulary the model needs is cached, no other');

    // The chat API is another origin: never answered or stored by the worker.
    const api = responses.filter((r) => r.url().startsWith(servers.mock.url) && r.request().method() === 'POST');
    assert.equal(api.length, 1);
    assert.equal(api[0].fromServiceWorker(), false);
    assert.equal(chatRequests(servers.mock).length, 1);
    const everything = await chat.page.evaluate(async () => {
      const urls = [];
      for (const name of await caches.keys()) urls.push(...(await (await caches.open(name)).keys()).map((r) => r.url));
      return urls;
    });
    assert.ok(!everything.some((url) => url.startsWith(servers.mock.url)), `nothing of the API is cached: ${everything}`);
  });

  it('a new deploy is used on the next load, and its worker replaces the old caches', async () => {
    const index = path.join(root, 'index.html');
    await writeFile(index, (await readFile(index, 'utf8')).replace('</head>', '<meta name="mnemo-deploy" content="2" />\n</head>'));
    const next = `${build}-2`;
    const worker = path.join(root, 'sw.js');
    await writeFile(worker, (await readFile(worker, 'utf8')).replace(/^const BUILD = .*;$/m, `const BUILD = ${JSON.stringify(next)};`));

    await chat.reload();
    assert.equal(await chat.page.locator('meta[name="mnemo-deploy"]').count(), 1, 'the new index.html is used at once');
    const keys = await controlledBy(next);
    assert.deepEqual(keys.sort(), [`mnemo-shell-${next}`, 'mnemo-vocab'], 'the previous build is deleted, the vocabulary kept');
    build = next;
  });

  it('offline, the app opens with its conversation; a message says it cannot be sent and is kept', async () => {
    const before = await chat.messages();
    served();
    servers.mock.reset();
    await browser.context.setOffline(true);
    await chat.reload();
    assert.deepEqual(await chat.messages(), before, 'the stored conversation is there');
    assert.equal(await chat.page.locator('meta[name="mnemo-deploy"]').count(), 1, 'from the latest deploy');
    await exactCounts();

    const text = 'Are you still there?';
    await chat.send(text);
    const { hint, detail } = await chat.alertParts();
    assert.match(hint, /^You are offline: /);
    assert.match(detail, /Could not reach/);
    const failed = (await chat.messageDetails()).at(-1);
    assert.equal(failed.role, 'user');
    assert.equal(failed.text, text);
    assert.equal(failed.status, 'failed');
    assert.match(failed.note, /^Not sent: You are offline: /);
    assert.deepEqual(failed.buttons, ['Retry', 'Edit']);
    assert.equal(await chat.retryBanner.count(), 0, 'no retry countdown while offline');
    // The browser's own update check of sw.js is not subject to the offline emulation.
    assert.deepEqual(
      served().filter((f) => f !== 'sw.js'),
      [],
      'the server was not reached',
    );
    assert.equal(chatRequests(servers.mock).length, 0);

    await browser.context.setOffline(false);
    await chat.retry(text);
    const reply = await chat.waitForAssistantStatus('complete');
    assert.equal(reply.text, chatRequests(servers.mock)[0].reply);
    assert.equal((await chat.messages()).filter((m) => m.text === text).length, 1, 'the message is sent once');
  });

  it("a debug build's worker takes the release worker's place and removes itself and its caches", async () => {
    served();
    await cp(path.join(REPO_ROOT, 'web', 'sw.js'), path.join(root, 'sw.js'));
    await chat.reload();
    await chat.waitUntil(
      () =>
        chat.page.evaluate(async () => {
          const registrations = await navigator.serviceWorker.getRegistrations();
          const keys = (await caches.keys()).filter((k) => k.startsWith('mnemo-'));
          return registrations.length === 0 && keys.length === 0;
        }),
      { timeout: 20_000, message: 'the worker to unregister and its caches to go' },
    );
  });

  it('logged no errors in the page besides the request that failed offline', () => {
    browser.assertNoErrors({ allow: [/ERR_INTERNET_DISCONNECTED/] });
  });
});
