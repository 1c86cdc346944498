// Reads a large import file off the page's main thread: parses it with the browser's own
// JSON parser and, when it is a Mnemo export, hands back its header and each conversation
// as a JSON string of its own, so that the page can check and store them a few at a time.
// Anything else (a messages array, invalid JSON) is left to the page, which reports
// precisely what is wrong.
//
// main → worker: a File.
// worker → main: {entries} a batch at a time, then {header}; or {other: true}.
// Batches, because the page copies each message in one go: a 100 MB message would hold it
// for a tenth of a second.
const BATCH_CHARS = 4_000_000;

self.onmessage = async (event) => {
  let value;
  try {
    let text = await event.data.text();
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    value = JSON.parse(text);
  } catch {
    self.postMessage({ other: true });
    return;
  }
  const isExport =
    value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray(value.conversations);
  if (!isExport) {
    self.postMessage({ other: true });
    return;
  }
  let batch = [];
  let chars = 0;
  for (const c of value.conversations) {
    const entry = JSON.stringify(c);
    batch.push(entry);
    chars += entry.length;
    if (chars >= BATCH_CHARS) {
      self.postMessage({ entries: batch });
      batch = [];
      chars = 0;
    }
  }
  if (batch.length) self.postMessage({ entries: batch });
  // Set-aside values stay in the header: import counts them and leaves them in the file.
  self.postMessage({ header: JSON.stringify({ format: value.format, v: value.v, set_aside: value.set_aside }) });
};
