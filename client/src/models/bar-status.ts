import type { BarStatus } from '../../../contract/index.ts'

/** What the bar display tells the bar from `bar/status`. */
export type BarNotice =
  | { kind: 'printerOffline'; clientId: string; queued: number }
  | { kind: 'ordersWaiting'; messages: number; seconds: number }

/**
 * Below this age, messages in the outbox are on their normal way (a function publishes at once,
 * the broker relays what is left after 2 s): only older ones are worth the bar's attention.
 */
export const OUTBOX_NOTICE_SECONDS = 5

/** The notices of a status: each printer away, then orders stuck before the broker. */
export function barNotices(status: BarStatus | null): BarNotice[] {
  if (!status) return []
  const notices: BarNotice[] = status.printers
    .filter((printer) => !printer.online)
    .map((printer) => ({ kind: 'printerOffline', clientId: printer.clientId, queued: printer.queued }))
  const { messages, oldestSeconds } = status.outbox
  if (messages > 0 && oldestSeconds >= OUTBOX_NOTICE_SECONDS) {
    notices.push({ kind: 'ordersWaiting', messages, seconds: oldestSeconds })
  }
  return notices
}
