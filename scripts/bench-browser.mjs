// Browser measurements against the built dist/ in headless Chromium, printed as one table
// (numbers to report, never asserted). Six parts, each runnable alone with
// `--only <part>` (several: `--only app,counter`); the default runs them all:
//   app        time to an interactive composer and to exact counts; long tasks around a 1 MB paste
//   history    start-up with 200 stored conversations and 1,000 messages in the open one
//   archive    5,000 conversations (100,000 messages, ~300 MB) in IndexedDB: whether they fit,
//              start-up, opening one from the list, and a search over every message
//   import     a 100 MB export imported through the file field: time, progress, long tasks
//   streaming  a 20,000-token reply streamed by the mock at 5,000 tokens/s through the app:
//              long tasks, and main-thread time per chunk early and late in the reply
//   counter    Mnemo's tokenizer worker against gpt-tokenizer and js-tiktoken, in the same page,
//              on 1 MB of mixed multilingual text and on long runs of "a"
import os from 'node:os';
import { startServers } from '../tests/e2e/fixtures/servers.mjs';
import { benchApp } from './bench/app.mjs';
import { benchArchive } from './bench/archive.mjs';
import { benchCounter } from './bench/counter.mjs';
import { benchHistory } from './bench/history.mjs';
import { benchImport } from './bench/import.mjs';
import { benchStreaming } from './bench/streaming.mjs';

/** Each part, and whether it needs the app and the mock server running. */
const PARTS = {
  app: { run: benchApp, servers: true },
  history: { run: benchHistory, servers: true },
  archive: { run: benchArchive, servers: true },
  import: { run: benchImport, servers: true },
  streaming: { run: benchStreaming, servers: true },
  counter: { run: benchCounter, servers: false },
};

function selectedParts(argv) {
  const at = argv.indexOf('--only');
  if (at < 0) return Object.keys(PARTS);
  const names = (argv[at + 1] ?? '').split(',').filter(Boolean);
  const unknown = names.filter((n) => !(n in PARTS));
  if (!names.length || unknown.length) {
    console.error(`usage: node scripts/bench-browser.mjs [--only ${Object.keys(PARTS).join('|')}[,…]]`);
    process.exit(2);
  }
  return names;
}

function printTable(rows) {
  const width = Math.max(...rows.map((r) => r[0].length));
  for (const [name, value] of rows) console.log(`${name.padEnd(width)}  ${value}`);
}

// Another process busy on the same cores slows every number down: the load is shown with them.
const load = () => os.loadavg()[0].toFixed(2);
const parts = selectedParts(process.argv.slice(2));
const rows = [['machine: cores, load average (1 min) at start', `${os.cpus().length}, ${load()}`]];
const servers = parts.some((p) => PARTS[p].servers) ? await startServers() : null;
try {
  for (const name of parts) {
    try {
      rows.push(...(await PARTS[name].run(servers)));
    } catch (err) {
      rows.push([`${name}: failed`, err.message.split('\n')[0]]);
      process.exitCode = 1;
    }
  }
} finally {
  await servers?.close();
}
rows.push(['machine: load average (1 min) at the end', load()]);
printTable(rows);
