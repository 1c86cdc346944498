// The tokenizer worker's entry script (the worker itself is tokenizer/src/worker.rs; the
// app starts it from src/platform/tokenizer.rs). It keeps the messages that arrive while
// the worker's wasm loads, and starts fetching the vocabulary each of them names, so that
// the app may send its first request at once and the fetch overlaps the wasm's compile.
// The worker takes both over when it starts (`self.mnemoEarly`).
self.mnemoEarly = { messages: [], vocab: new Map() };
self.onmessage = ({ data }) => {
  self.mnemoEarly.messages.push(data);
  const url = typeof data?.vocab_url === 'string' ? data.vocab_url : null;
  if (url && !self.mnemoEarly.vocab.has(url)) {
    const bytes = fetch(url).then((response) => {
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      return response.arrayBuffer();
    });
    // Reported by the worker when it reads the bytes, not as an unhandled rejection.
    bytes.catch(() => {});
    self.mnemoEarly.vocab.set(url, bytes);
  }
};
importScripts('./mnemo-tokenizer.js');
wasm_bindgen('./mnemo-tokenizer_bg.wasm');
