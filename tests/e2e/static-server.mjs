// Owns the static file server that serves the built app (dist/) to the browser in the end-to-end specs.
import http from 'node:http';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const MIME_TYPES = Object.freeze({
  '.html': 'text/html; charset=utf-8',
  '.htm': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.bin': 'application/octet-stream',
});

async function fileAt(file) {
  try {
    const info = await stat(file);
    return info.isFile() ? info : null;
  } catch {
    return null;
  }
}

/**
 * Serve `root` on 127.0.0.1. `/` and extension-less unknown paths get index.html.
 * `requests` lists what was asked for, in order: { method, path }.
 * @returns {Promise<{url: string, port: number, requests: object[], close(): Promise<void>}>}
 */
export async function startStaticServer({ root, port = 0 } = {}) {
  if (!root) throw new Error('startStaticServer: root is required');
  const base = path.resolve(root);
  const requests = [];

  const server = http.createServer(async (req, res) => {
    requests.push({ method: req.method, path: req.url });
    const send = (status, text) => {
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(req.method === 'HEAD' ? undefined : text);
    };
    try {
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'Method not allowed\n');
      let pathname;
      try {
        pathname = decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname);
      } catch {
        return send(400, 'Bad request\n');
      }
      if (pathname.includes('\0')) return send(400, 'Bad request\n');
      let file = path.join(base, pathname);
      if (file !== base && !file.startsWith(base + path.sep)) return send(403, 'Forbidden\n');

      let info = await fileAt(file);
      if (!info && (await stat(file).catch(() => null))?.isDirectory()) {
        file = path.join(file, 'index.html');
        info = await fileAt(file);
      }
      if (!info && !path.extname(pathname)) {
        file = path.join(base, 'index.html');
        info = await fileAt(file);
      }
      if (!info) return send(404, 'Not found\n');

      res.writeHead(200, {
        'Content-Type': MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
        'Content-Length': info.size,
        'Cache-Control': 'no-cache',
        'X-Content-Type-Options': 'nosniff',
      });
      if (req.method === 'HEAD') return res.end();
      createReadStream(file)
        .on('error', () => res.destroy())
        .pipe(res);
    } catch (err) {
      if (res.headersSent) res.destroy();
      else send(500, `Internal error: ${err.message}\n`);
    }
  });

  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const actualPort = server.address().port;
  return {
    url: `http://127.0.0.1:${actualPort}`,
    port: actualPort,
    root: base,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// Standalone: node tests/e2e/static-server.mjs [--root dist] [--port 8080]
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const arg = (name, fallback) => {
    const at = process.argv.indexOf(name);
    return at >= 0 ? process.argv[at + 1] : fallback;
  };
  const root = arg('--root', path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../dist'));
  const server = await startStaticServer({ root, port: Number(arg('--port', 0)) });
  console.log(server.url);
  const stop = () => server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
