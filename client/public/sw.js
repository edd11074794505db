// The guest page's service worker. Phones show a notification only through a service worker,
// so this one exists for "your drink is ready" while the page is in the background. It has no
// fetch handler: every request goes to the network as usual, and nothing is ever served stale.

self.addEventListener('install', () => self.skipWaiting())

self.addEventListener('activate', (event) => event.waitUntil(self.clients.claim()))

// A tap on the notification brings the page back, or opens it when it was closed.
self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(
    self.clients
      .matchAll({ type: 'window', includeUncontrolled: true })
      .then((pages) => (pages[0] ? pages[0].focus() : self.clients.openWindow('/'))),
  )
})
