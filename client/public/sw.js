// The guest page's service worker. Phones show a notification only through a service worker,
// so this one exists for "your drink is ready" while the page is in the background or closed.
// It has no fetch handler: every request goes to the network as usual, and nothing is ever
// served stale.

// Web Push: the `push`, `notificationclick`, `pushsubscriptionchange` and `message` handlers.
importScripts('/sw-push.js')

self.addEventListener('install', () => self.skipWaiting())

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))
