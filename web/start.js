// What the page can start before the app's wasm has loaded, so that it happens while the
// wasm downloads and compiles instead of after. The app works without it.

// The first use of localStorage waits for the origin's storage to be read from disk (about
// 100 ms in a new profile, more with a long history), and the app's first step reads it.
try {
  void window.localStorage.length;
} catch {
  // Storage disabled: the app says so when it reads it.
}

// The markdown renderer (markdown/src/main.rs), a wasm module of its own that Trunk puts
// beside this script. The app shows replies as plain text until it is published as
// `window.mnemoMarkdown`, announced by the event `mnemo-markdown-ready`
// (src/platform/markdown.rs); if it cannot load, they stay plain.
// Loaded once the app has started (Trunk's loader sends TrunkApplicationStarted), so that
// its compile does not delay the app's first render.
(() => {
  const url = new URL('mnemo-markdown.js', document.currentScript?.src ?? document.baseURI);
  const load = () =>
    import(url.href)
      .then(async (module) => {
        await module.default();
        window.mnemoMarkdown = module;
        window.dispatchEvent(new Event('mnemo-markdown-ready'));
      })
      .catch((error) => console.warn('Mnemo: replies are shown as plain text:', error));
  if (window.wasmBindings) load();
  else window.addEventListener('TrunkApplicationStarted', load, { once: true });
})();

// The tokenizer worker, so that it loads beside the app's wasm. The app takes it over
// (src/platform/tokenizer.rs), with any failure seen before it did; without this script it
// starts the worker itself.
(() => {
  const manifest = document.getElementById('mnemo-tokenizer');
  if (!manifest || typeof Worker === 'undefined') return;
  try {
    const url = new URL(JSON.parse(manifest.textContent).worker, document.baseURI);
    const early = { worker: new Worker(url), error: null };
    early.worker.onerror = (event) => {
      early.error = event.message || 'The tokenizer could not be loaded.';
    };
    early.worker.onmessage = ({ data }) => {
      if (data && typeof data.fatal === 'string') early.error = data.fatal;
    };
    window.mnemoTokenizer = early;
  } catch {
    // The app starts the worker itself, and reports what fails then.
  }
})();
