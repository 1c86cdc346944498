// Serves the counter benchmark's page: the built app's files (the tokenizer worker and its
// vocabularies, at the URLs index.html gives them), the page itself under /bench/ (carrying
// the app's tokenizer manifest, as the app's index.html does), and the npm packages it
// compares against under /node_modules/, as ES modules without a bundler.
import http from 'node:http';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { MIME_TYPES } from '../../tests/e2e/static-server.mjs';

/**
 * CommonJS packages imported by bare name from the served modules. Import maps do not
 * apply inside workers, so such imports are rewritten to a URL that serves the package
 * wrapped as an ES module.
 */
const COMMONJS = { 'base64-js': 'index.js' };

function wrapCommonJs(source) {
  return `const module = { exports: {} };\nconst exports = module.exports;\n${source}\nexport default module.exports;\n`;
}

function rewriteBareImports(source) {
  return source.replace(/(\bfrom\s*|\bimport\s*)(['"])([^'"./][^'"]*)\2/g, (all, keyword, quote, name) =>
    name in COMMONJS ? `${keyword}${quote}/commonjs/${name}${quote}` : all,
  );
}

const MANIFEST = /<script type="application\/json" id="mnemo-tokenizer">[\s\S]*?<\/script>/;
const MANIFEST_SLOT = '<!-- mnemo-tokenizer manifest -->';

/** Puts the manifest of the built index.html into the page, where the page expects it. */
async function withManifest(html, dist) {
  const manifest = MANIFEST.exec(await readFile(path.join(dist, 'index.html'), 'utf8'));
  if (!manifest) throw new Error('The built index.html has no tokenizer manifest.');
  return html.replace(MANIFEST_SLOT, manifest[0]);
}

/** The file a URL path names, and how to transform it, or null. */
function resolve(pathname, { dist, page, nodeModules }) {
  const inside = (root, rest) => {
    const file = path.join(root, rest);
    return file.startsWith(root + path.sep) ? file : null;
  };
  if (pathname.startsWith('/commonjs/')) {
    const name = pathname.slice('/commonjs/'.length);
    return name in COMMONJS ? { file: path.join(nodeModules, name, COMMONJS[name]), transform: wrapCommonJs, type: '.js' } : null;
  }
  if (pathname.startsWith('/node_modules/')) {
    const file = inside(nodeModules, pathname.slice('/node_modules/'.length));
    return file && { file, transform: /\.m?js$/.test(file) ? rewriteBareImports : null };
  }
  if (pathname === '/bench/index.html') return { file: path.join(page, 'index.html'), transform: (html) => withManifest(html, dist) };
  if (pathname.startsWith('/bench/')) return { file: inside(page, pathname.slice('/bench/'.length)) };
  return { file: inside(dist, pathname === '/' ? 'index.html' : pathname.slice(1)) };
}

/**
 * Starts the server on 127.0.0.1.
 * @param {{ dist: string, page: string, nodeModules: string }} roots
 * @returns {Promise<{ url: string, close(): Promise<void> }>}
 */
export async function startBenchServer(roots) {
  const server = http.createServer(async (req, res) => {
    const target = resolve(decodeURIComponent(new URL(req.url, 'http://127.0.0.1').pathname), roots);
    let body;
    try {
      if (!target?.file) throw new Error('outside the served directories');
      body = await readFile(target.file);
      if (target.transform) body = await target.transform(body.toString('utf8'));
    } catch {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('Not found\n');
      return;
    }
    res.writeHead(200, {
      'Content-Type': MIME_TYPES[target.type ?? path.extname(target.file).toLowerCase()] ?? 'application/octet-stream',
      'Cache-Control': 'no-cache',
    });
    res.end(body);
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
