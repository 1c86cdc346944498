// Owns the unit tests of the static file server (run: node --test tests/e2e/static-server.test.mjs).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startStaticServer } from './static-server.mjs';

let root;
let server;
before(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'mnemo-static-'));
  await mkdir(path.join(root, 'assets'));
  await writeFile(path.join(root, 'index.html'), '<!doctype html><title>Mnemo</title>');
  await writeFile(path.join(root, 'app-1a2b.js'), 'export {};');
  await writeFile(path.join(root, 'app-1a2b_bg.wasm'), Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]));
  await writeFile(path.join(root, 'style.css'), 'body{}');
  await writeFile(path.join(root, 'assets', 'icon.svg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
  await writeFile(path.join(root, 'assets', 'font.woff2'), 'x');
  await writeFile(path.join(root, 'tokenizer.bin'), 'x');
  await writeFile(path.join(root, 'data.json'), '{}');
  server = await startStaticServer({ root });
});
after(async () => {
  await server?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

const get = (p, init) => fetch(server.url + p, init);

describe('static server', () => {
  it('binds to 127.0.0.1', () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+$/);
  });

  for (const [file, type] of [
    ['/app-1a2b_bg.wasm', 'application/wasm'],
    ['/app-1a2b.js', 'text/javascript'],
    ['/style.css', 'text/css'],
    ['/data.json', 'application/json'],
    ['/assets/icon.svg', 'image/svg+xml'],
    ['/assets/font.woff2', 'font/woff2'],
    ['/tokenizer.bin', 'application/octet-stream'],
  ]) {
    it(`serves ${file} as ${type}`, async () => {
      const res = await get(file);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('content-type').split(';')[0], type);
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      await res.arrayBuffer();
    });
  }

  it('serves index.html for / and for unknown paths without an extension', async () => {
    for (const p of ['/', '/chat/42', '/settings']) {
      const res = await get(p);
      assert.equal(res.status, 200, p);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      assert.equal(await res.text(), '<!doctype html><title>Mnemo</title>');
    }
  });

  it('answers 404 for unknown files with an extension', async () => {
    const res = await get('/favicon.ico');
    assert.equal(res.status, 404);
    await res.arrayBuffer();
  });

  it('does not serve files outside the root', async () => {
    for (const p of ['/../package.json', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2fetc%2fpasswd']) {
      const res = await get(p);
      const text = await res.text();
      assert.ok(!text.includes('root:') && !text.includes('"devDependencies"'), p);
      assert.ok([403, 404].includes(res.status) || text.includes('<title>Mnemo'), `${p} -> ${res.status}`);
    }
  });

  it('lists the requests it received', async () => {
    server.requests.length = 0;
    await (await get('/style.css?v=1')).arrayBuffer();
    await (await get('/missing.js', { method: 'HEAD' })).arrayBuffer();
    assert.deepEqual(server.requests, [
      { method: 'GET', path: '/style.css?v=1' },
      { method: 'HEAD', path: '/missing.js' },
    ]);
  });

  it('answers HEAD without a body and rejects other methods', async () => {
    const head = await get('/style.css', { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.equal(head.headers.get('content-length'), '6');
    const post = await get('/', { method: 'POST' });
    assert.equal(post.status, 405);
    await post.arrayBuffer();
  });
});
