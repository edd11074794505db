import { type Locale, locales } from '../../../contract/index.ts'
import { pushRoutes } from '../../../contract/push-routes.ts'
import type { PushSupport } from '../models/ready-notifier.ts'
import { registerWorker } from './notices.ts'

/**
 * What this browser offers for pushes: `push` with a service worker and the Push API in a secure
 * context; `install` on iOS and iPadOS outside a page added to the home screen, the only place
 * their browsers take pushes; else `none`.
 */
export function pushSupport(): PushSupport {
  // iPadOS presents itself as a Mac, one with a touch screen.
  const ios =
    /iPhone|iPad|iPod/.test(navigator.userAgent) ||
    (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1)
  const standalone =
    (navigator as { standalone?: boolean }).standalone === true || matchMedia('(display-mode: standalone)').matches
  if (ios && !standalone) return 'install'
  const able =
    globalThis.isSecureContext &&
    'serviceWorker' in navigator &&
    'PushManager' in globalThis &&
    typeof Notification !== 'undefined'
  return able ? 'push' : 'none'
}

/** The page's language, as `followLanguage` set it on <html>; the pushes speak it. */
function pageLanguage(): Locale {
  const lang = document.documentElement.lang
  return (locales as readonly string[]).includes(lang) ? (lang as Locale) : 'en'
}

function bytes(base64url: string): Uint8Array<ArrayBuffer> {
  const binary = atob(base64url.replace(/-/g, '+').replace(/_/g, '/'))
  return Uint8Array.from(binary, (c) => c.charCodeAt(0))
}

const sameBytes = (a: ArrayBuffer | null | undefined, b: Uint8Array) =>
  !!a && a.byteLength === b.byteLength && new Uint8Array(a).every((byte, i) => byte === b[i])

/**
 * Subscribes this browser to pushes with the server's VAPID key (a subscription made with
 * another key is replaced) and registers it for `guestId`; the service worker is told the guest
 * id and language, so that it can subscribe again by itself when the push service renews the
 * subscription. Throws when any step fails.
 */
export async function subscribePush(guestId: string): Promise<void> {
  if (!(await registerWorker())) throw new Error('no service worker')
  const registration = await navigator.serviceWorker.ready
  const answer = await fetch(pushRoutes.key)
  if (!answer.ok) throw new Error(`push key: ${answer.status}`)
  const key = bytes(((await answer.json()) as { publicKey: string }).publicKey)
  let subscription = await registration.pushManager.getSubscription()
  if (subscription && !sameBytes(subscription.options.applicationServerKey, key)) {
    await subscription.unsubscribe()
    subscription = null
  }
  subscription ??= await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
  const { endpoint, keys } = subscription.toJSON()
  const language = pageLanguage()
  const sent = await fetch(pushRoutes.subscriptions, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId, endpoint, keys: { p256dh: keys?.p256dh, auth: keys?.auth }, language }),
  })
  if (!sent.ok) throw new Error(`push subscription: ${sent.status}`)
  registration.active?.postMessage({ kind: 'push-guest', guestId, language })
}
