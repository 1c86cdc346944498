// Registers Mnemo's service worker (web/sw.js). Release builds only: the build adds this
// file to index.html (scripts/service-worker.mjs). After the page has loaded, so that
// caching the shell never competes with the first visit's own downloads.
if ('serviceWorker' in navigator && /^https?:$/.test(location.protocol)) {
  addEventListener('load', () => {
    navigator.serviceWorker.register('/sw.js').catch((error) => {
      console.warn(`Mnemo will not open offline: the service worker could not be registered (${error}).`);
    });
  });
}
