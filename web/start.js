// What the page can start before the app's wasm has loaded, so that it happens while the
// wasm downloads and compiles instead of after. The app works without it.

// If the app's wasm stops (a trap: a Rust panic ends in `unreachable`, or any other
// RuntimeError), nothing on the page answers any more. Say so, and offer a reload, instead
// of leaving a page that silently ignores every click. Installed first, so that a trap
// while the app starts is caught too. Built with createElement: the page's CSP allows no
// inline script or handler.
(() => {
  // The app's own files (Trunk names them mnemo-<hash>.js and mnemo-<hash>_bg.wasm); the
  // markdown module and the tokenizer are named mnemo-markdown… and mnemo-tokenizer….
  const APP_FILE = /\/mnemo(?:-[0-9a-f]{8,})?(?:_bg\.wasm|\.js)\b/;
  const fromTheApp = (error, filename) =>
    (typeof WebAssembly !== 'undefined' && error instanceof WebAssembly.RuntimeError) ||
    APP_FILE.test(filename ?? '') ||
    APP_FILE.test(typeof error?.stack === 'string' ? error.stack : '');

  let shown = false;
  const show = (error) => {
    if (shown || !document.body) return;
    shown = true;
    const dialog = document.createElement('dialog');
    dialog.className = 'crash';
    dialog.setAttribute('role', 'alertdialog');
    dialog.setAttribute('aria-labelledby', 'crash-title');
    dialog.setAttribute('aria-describedby', 'crash-text');
    const title = document.createElement('h2');
    title.id = 'crash-title';
    title.textContent = 'Mnemo stopped working';
    const text = document.createElement('p');
    text.id = 'crash-text';
    text.textContent =
      'Mnemo stopped working because of an internal error. Your saved conversations are safe. ' +
      'Reload the page to continue.';
    const detail = document.createElement('p');
    detail.className = 'crash-detail';
    detail.textContent = [...`Error: ${String(error?.message ?? error ?? 'unknown')}`].slice(0, 300).join('');
    const reload = document.createElement('button');
    reload.type = 'button';
    reload.className = 'primary';
    reload.textContent = 'Reload';
    reload.addEventListener('click', () => window.location.reload());
    dialog.append(title, text, detail, reload);
    // Escape would close it and leave the dead page in front.
    dialog.addEventListener('cancel', (event) => event.preventDefault());
    document.body.append(dialog);
    try {
      dialog.showModal();
    } catch {
      // Another modal dialog is in the way, or <dialog> is not supported: show it anyway.
      dialog.setAttribute('open', '');
      dialog.setAttribute('aria-modal', 'true');
    }
    reload.focus();
  };

  window.addEventListener('error', (event) => {
    if (fromTheApp(event.error, event.filename)) show(event.error ?? event.message);
  });
  window.addEventListener('unhandledrejection', (event) => {
    if (fromTheApp(event.reason, '')) show(event.reason);
  });
})();

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
