// Adds the Content-Security-Policy to a release build's index.html (a Trunk post_build
// hook). Trunk writes one inline module script that loads the app; it is allowed by its
// SHA-256 hash, so no other inline script can run. wasm needs 'wasm-unsafe-eval' and no
// other eval is allowed. Connections: this origin, any https endpoint, and http on
// localhost for local proxies.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';

const dir = process.env.TRUNK_STAGING_DIR ?? process.argv[2];
if (!dir) {
  console.error('usage: node scripts/csp.mjs <dist dir> (or run as a Trunk hook)');
  process.exit(2);
}
// `trunk serve` injects its own live-reload script at serve time; only release builds
// get the policy.
if (process.env.TRUNK_PROFILE && process.env.TRUNK_PROFILE !== 'release') process.exit(0);

const file = join(dir, 'index.html');
let html = readFileSync(file, 'utf8');
// Data blocks (type="application/json") never run and need no hash.
const hashes = [...html.matchAll(/<script(?![^>]*\bsrc=)(?![^>]*application\/json)[^>]*>([\s\S]*?)<\/script>/g)].map(
  ([, body]) => `'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`,
);
const policy = [
  "default-src 'self'",
  `script-src 'self' 'wasm-unsafe-eval' ${hashes.join(' ')}`.trim(),
  "worker-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  // Any server the user points Mnemo at: a cloud service, a proxy, or a local model
  // server on this computer or the local network (Ollama, LM Studio, llama.cpp, vLLM).
  // The browser still blocks http from an https page (mixed content).
  "connect-src 'self' https: http:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
].join('; ');
html = html.replace(/<meta http-equiv="Content-Security-Policy"[^>]*>\s*/g, '');
html = html.replace(/<meta charset="utf-8"\s*\/?>/i, (m) => `${m}\n    <meta http-equiv="Content-Security-Policy" content="${policy}" />`);
writeFileSync(file, html);
console.log(`Content-Security-Policy: ${hashes.length} inline script(s) allowed by hash.`);
