import type { NoticeDeps, PushSupport } from '../models/ready-notifier.ts'

/**
 * Registers the page's service worker (public/sw.js): it keeps the page for a visit without a
 * connection; phones show notifications only through one, and pushes arrive through it.
 */
export function registerWorker(): Promise<ServiceWorkerRegistration | null> {
  if (!('serviceWorker' in navigator)) return Promise.resolve(null)
  return navigator.serviceWorker.register('/sw.js').catch(() => null)
}

/**
 * Links the web app manifest (`public/manifest.webmanifest`, for "Add to Home Screen"). Linked
 * from the page once it is on screen: Chrome fetches the manifest and an icon as soon as it is
 * linked, which in the page's HTML would compete with the first screen's own requests.
 */
export function linkManifest(): void {
  if (document.querySelector('link[rel="manifest"]')) return
  const link = document.createElement('link')
  link.rel = 'manifest'
  link.href = '/manifest.webmanifest'
  document.head.append(link)
}

/**
 * The ready moment's side effects in this browser. Notifications go with pushes: offered only
 * where the browser takes pushes (lib/web-push.ts), so that "notify me" also holds with the page
 * closed. Both need a secure context (https, or localhost).
 */
export function browserNotices(pushSupport: () => PushSupport, subscribe: () => Promise<void>): NoticeDeps {
  const supported = () => pushSupport() === 'push'
  return {
    pushSupport,
    subscribe,
    permission: () => (supported() ? Notification.permission : 'unsupported'),
    async requestPermission() {
      if (!supported()) return 'unsupported'
      // Asked first, while the tap still counts as the guest's gesture.
      const [answer] = await Promise.all([Notification.requestPermission(), registerWorker()])
      return answer
    },
    isHidden: () => document.visibilityState === 'hidden',
    async show(title, options) {
      const registration = await navigator.serviceWorker?.getRegistration()
      if (registration) return registration.showNotification(title, options)
      // Desktop browsers also show one without a service worker.
      return void new Notification(title, options)
    },
    vibrate: (pattern) => void navigator.vibrate?.(pattern),
  }
}
