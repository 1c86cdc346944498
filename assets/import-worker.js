// Reads a large import file off the page's main thread: parses it with the browser's own
// JSON parser and, when it is a Mnemo export, hands back its header and each conversation
// as a JSON string of its own, so that the page can check and store them a few at a time.
// Anything else (a messages array, invalid JSON) is left to the page, which reports
// precisely what is wrong.
//
// main → worker: a File.   worker → main: {header, entries} or {other: true}.
self.onmessage = async (event) => {
  try {
    let text = await event.data.text();
    if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    const value = JSON.parse(text);
    const isExport =
      value !== null && typeof value === 'object' && !Array.isArray(value) && Array.isArray(value.conversations);
    if (!isExport) {
      self.postMessage({ other: true });
      return;
    }
    // Set-aside values stay in the header: import counts them and leaves them in the file.
    const header = JSON.stringify({ format: value.format, v: value.v, set_aside: value.set_aside });
    self.postMessage({ header, entries: value.conversations.map((c) => JSON.stringify(c)) });
  } catch {
    self.postMessage({ other: true });
  }
};
