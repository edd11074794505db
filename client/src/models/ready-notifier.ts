import { computed, createModel, signal } from '@preact/signals-core'
import type { Order } from '../../../contract/index.ts'

/** What the browser offers; `unsupported` where it has no notifications (or the page is not https). */
export type NoticePermission = NotificationPermission | 'unsupported'

/**
 * Whether the browser takes pushes (`push`), would on the home screen (`install`: iOS), or not.
 * lib/web-push.ts tells.
 */
export type PushSupport = 'push' | 'install' | 'none'

/** The browser's side of the ready moment; lib/notices.ts gives the real one. */
export interface NoticeDeps {
  /** What the browser offers for pushes; `none` when omitted. */
  pushSupport?: () => PushSupport
  /** Subscribes the browser to pushes and registers it with the server; once allowed. */
  subscribe?: () => Promise<void>
  permission: () => NoticePermission
  /** Asks the guest; only works inside a tap. */
  requestPermission: () => Promise<NoticePermission>
  /** Whether the guest is looking at another tab or app. */
  isHidden: () => boolean
  show: (title: string, options: { body: string; tag: string }) => Promise<void>
  vibrate: (pattern: number[]) => void
}

/** The words of the notification, in the guest's language. */
export type ReadyText = (order: Order) => { title: string; body: string }

/**
 * Tells the guest their drink is ready beyond the page: the phone vibrates where it can, and
 * when the page is in the background and the guest allowed it, a notification says so.
 */
export const ReadyNotifier = createModel((deps: NoticeDeps) => {
  // Asked of the browser only when first shown (the first screen rarely needs it), and again
  // after the guest answered.
  const answered = signal(0)
  const permission = computed(() => {
    answered.value
    return deps.permission()
  })
  /** Whether the server has this browser's push subscription: `failed` when the last try failed. */
  const push = signal<'off' | 'on' | 'failed'>('off')
  async function sync() {
    if (permission.peek() !== 'granted' || !deps.subscribe) return
    try {
      await deps.subscribe()
      push.value = 'on'
    } catch {
      push.value = 'failed'
    }
  }
  return {
    permission,
    push,
    /** iOS outside the home screen: the page says how to get notifications there. */
    installHint: computed(() => deps.pushSupport?.() === 'install'),
    /** From the guest's tap on "notify me": asks, then subscribes to pushes once allowed. */
    async enable() {
      await deps.requestPermission().catch(() => {})
      answered.value++
      await sync()
    },
    /**
     * Registers the push subscription again, when allowed: on each new order, since the server
     * forgets it once the guest has no open order.
     */
    sync,
    ready(order: Order, text: ReadyText) {
      deps.vibrate([200, 100, 200])
      if (permission.value !== 'granted' || !deps.isHidden()) return
      const { title, body } = text(order)
      // One notification per order, however often it is announced.
      deps.show(title, { body, tag: `ready-${order.id}` }).catch(() => {})
    },
  }
})

export type ReadyNotifier = InstanceType<typeof ReadyNotifier>
