// A Web Worker that counts tokens with a JavaScript tokenizer from npm (`?lib=gpt-tokenizer`
// or `?lib=js-tiktoken`, vocabularies shipped in the packages). It speaks the protocol of
// Mnemo's tokenizer worker (tokenizer/src/worker.rs), so the page times all of them the
// same way, and a count that takes too long can be stopped by terminating the worker.

/** Loads `encoding` and returns a function counting a text's tokens with it. */
const LIBRARIES = {
  'gpt-tokenizer': async (encoding) => {
    const { countTokens } = await import(`/node_modules/gpt-tokenizer/esm/encoding/${encoding}.js`);
    // Special tokens' text counted as ordinary text, as Mnemo counts it.
    const options = { disallowedSpecial: new Set() };
    return (text) => countTokens(text, options);
  },
  'js-tiktoken': async (encoding) => {
    const [{ Tiktoken }, { default: ranks }] = await Promise.all([
      import('/node_modules/js-tiktoken/dist/lite.js'),
      import(`/node_modules/js-tiktoken/dist/ranks/${encoding}.js`),
    ]);
    const tiktoken = new Tiktoken(ranks);
    return (text) => tiktoken.encode(text, [], []).length;
  },
};

const load = LIBRARIES[new URL(self.location.href).searchParams.get('lib')];
const counters = new Map();

async function answer({ id, encoding, texts }) {
  try {
    if (!counters.has(encoding)) counters.set(encoding, load(encoding));
    const count = await counters.get(encoding);
    self.postMessage({ id, counts: texts.map(count) });
  } catch (err) {
    counters.delete(encoding);
    self.postMessage({ id, error: String(err) });
  }
}

// One request at a time, in order, as Mnemo's worker handles them.
let queue = Promise.resolve();
self.onmessage = ({ data }) => {
  queue = queue.then(() => answer(data));
};
self.postMessage({ ready: true });
