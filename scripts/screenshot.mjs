// Takes the README's screenshot (docs/screenshot.png) of a release build in dist/, talking
// to the mock API: a short conversation with markdown, a pinned message and the context
// inspector open. Usage: node scripts/screenshot.mjs (after `make build`).
import { startServers } from '../tests/e2e/fixtures/servers.mjs';
import { launchBrowser } from '../tests/e2e/fixtures/browser.mjs';
import { ChatPage } from '../tests/e2e/fixtures/chat_page.mjs';

const servers = await startServers();
const browser = await launchBrowser();
try {
  const chat = new ChatPage(browser.page, servers);
  await chat.goto();
  await chat.configureForMock({ remember: true, memory: 'summary', contextBudget: 2000 });
  servers.mock.configure({ replyWords: 30, delayMs: 1 });
  await chat.sendAndWait('My name is Priya and I am learning Rust.');
  servers.mock.configure({
    replyText:
      'Here is a **quick** example, Priya:\n\n```rust\nfn greet(name: &str) -> String {\n    format!("Hello, {name}!")\n}\n```\n\n| step | what |\n| --- | --- |\n| 1 | write it |\n| 2 | `cargo run` |',
  });
  await chat.sendAndWait('Show me a function that greets someone.');
  await chat.page.getByRole('button', { name: 'Pin', exact: true }).first().click();
  await chat.openInspector();
  await chat.page.waitForTimeout(500);
  await chat.page.screenshot({ path: 'docs/screenshot.png' });
  console.log('wrote docs/screenshot.png');
} finally {
  await browser.close();
  await servers.close();
}
