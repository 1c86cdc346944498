// A fresh browser on the built app, set up for the mock API with the key remembered, for
// the benchmarks that start from a ready app.
import { launchBrowser } from '../../tests/e2e/fixtures/browser.mjs';
import { ChatPage } from '../../tests/e2e/fixtures/chat_page.mjs';

/**
 * Runs `use({ page, chat })` in such a browser and closes it after.
 * @template T
 * @param {{ appUrl: string }} servers
 * @param {(session: { page: import('playwright-core').Page, chat: ChatPage }) => Promise<T>} use
 * @returns {Promise<T>}
 */
export async function withConfiguredApp(servers, use) {
  const browser = await launchBrowser();
  try {
    const page = browser.page;
    const chat = new ChatPage(page, servers);
    await chat.goto();
    await chat.configureForMock({ remember: true });
    return await use({ page, chat });
  } finally {
    await browser.close();
  }
}
