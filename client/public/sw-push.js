// Web Push for the guest page, imported by sw.js (`importScripts('/sw-push.js')`). A push carries
// a ready order (contract/push.ts, ReadyPush): its words are already in the guest's language, so
// the notification shows them as they are, also with the page closed or the phone locked.
// Everything inside one function scope: sw.js and what it imports share one global scope, and
// only `self.showReadyNotice` and `self.renewPushSubscription` are meant to be seen there.

;(() => {
  /** The same tag as the open page's own notification (models/ready-notifier.ts): one per order. */
  const readyTag = (orderId) => `ready-${orderId}`

  /** Shows the notification of a ready order; `self.showReadyNotice` so tests can call it too. */
  self.showReadyNotice = (push) =>
    self.registration.showNotification(push.title, {
      body: push.body,
      tag: readyTag(push.orderId),
      data: { url: push.url, orderId: push.orderId, number: push.number, station: push.station },
      requireInteraction: true,
      vibrate: [200, 100, 200],
    })

  self.addEventListener('push', (event) => {
    let push = null
    try {
      push = event.data ? event.data.json() : null
    } catch {
      // Not ours to read; still, a push must show something (userVisibleOnly).
    }
    const ready = push && push.kind === 'ready' && typeof push.title === 'string' && typeof push.orderId === 'string'
    event.waitUntil(ready ? self.showReadyNotice(push) : self.registration.showNotification(self.location.host))
  })

  // A tap brings the guest page back on that order, or opens it when it was closed.
  self.addEventListener('notificationclick', (event) => {
    event.notification.close()
    const data = event.notification.data || {}
    const url = new URL(data.url || '/', self.location.origin).href
    event.waitUntil(
      (async () => {
        const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true })
        // The guest page, not a bar display or a poster open in the same browser.
        const guestPage = pages.find((page) => {
          const search = new URL(page.url).search
          return !/[?&](bar|qr|board)\b/.test(search)
        })
        if (!guestPage) return self.clients.openWindow(url)
        const focused = await guestPage.focus()
        focused?.postMessage({ kind: 'show-order', orderId: data.orderId })
      })(),
    )
  })

  // What the page told us (lib/web-push.ts), kept where the worker can read it later: the guest id
  // and language to subscribe again with when the push service renews the subscription.
  const guestStore = () =>
    new Promise((resolve, reject) => {
      const request = indexedDB.open('drinks-push', 1)
      request.onupgradeneeded = () => request.result.createObjectStore('guest')
      request.onsuccess = () => resolve(request.result)
      request.onerror = () => reject(request.error)
    })

  async function guestRecord(value) {
    const db = await guestStore()
    try {
      return await new Promise((resolve, reject) => {
        const tx = db.transaction('guest', value ? 'readwrite' : 'readonly')
        const request = value ? tx.objectStore('guest').put(value, 'current') : tx.objectStore('guest').get('current')
        tx.oncomplete = () => resolve(request.result)
        tx.onerror = () => reject(tx.error)
      })
    } finally {
      db.close()
    }
  }

  self.addEventListener('message', (event) => {
    const data = event.data || {}
    if (data.kind === 'push-guest' && typeof data.guestId === 'string' && typeof data.language === 'string') {
      event.waitUntil(guestRecord({ guestId: data.guestId, language: data.language }))
    }
  })

  const keyBytes = (base64url) =>
    Uint8Array.from(atob(base64url.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0))

  /**
   * After the push service renewed or dropped the subscription: subscribe again (unless it gave a
   * new one) and tell the server, as the page would, so that a ready order still reaches this
   * phone. `self.renewPushSubscription` so tests can call it.
   */
  self.renewPushSubscription = async (newSubscription) => {
    const guest = await guestRecord()
    if (!guest) return
    let subscription = newSubscription
    if (!subscription) {
      const answer = await fetch('/api/push/key')
      const { publicKey } = await answer.json()
      subscription = await self.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: keyBytes(publicKey),
      })
    }
    const { endpoint, keys } = subscription.toJSON()
    const body = {
      guestId: guest.guestId,
      endpoint,
      keys: { p256dh: keys.p256dh, auth: keys.auth },
      language: guest.language,
    }
    const sent = await fetch('/api/push/subscriptions', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!sent.ok) throw new Error(`push subscription: ${sent.status}`)
  }

  self.addEventListener('pushsubscriptionchange', (event) => {
    event.waitUntil(self.renewPushSubscription(event.newSubscription))
  })
})()
