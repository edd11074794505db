import type { BarStatus, CloudprntStatus } from '../../../contract/index.ts'

/** What a Star CloudPRNT printer needs from the bar, by its status code's class. */
export type PrinterTrouble = 'offline' | 'paper' | 'cover' | 'error' | 'jobFailed'

/** What the bar display tells the bar from `bar/status`. */
export type BarNotice =
  | { kind: 'printerOffline'; clientId: string; queued: number }
  | { kind: 'ordersWaiting'; messages: number; seconds: number }
  | { kind: 'cloudprnt'; trouble: PrinterTrouble; mac: string; name: string; code: string; jobToken?: string }

/** "Printer Status Codes" of Star's CloudPRNT guide: 2xx online, 41x paper, 42x cover, the rest an error. */
function troubleOf(code: string): PrinterTrouble | null {
  if (code.startsWith('2')) return null
  if (code.startsWith('41')) return 'paper'
  if (code.startsWith('42')) return 'cover'
  return 'error'
}

/** What a CloudPRNT printer needs: away, its state, or its last failed job; nothing when it prints. */
function cloudprntNotice(printer: CloudprntStatus): BarNotice | null {
  const about = { kind: 'cloudprnt' as const, mac: printer.mac, name: printer.name }
  if (!printer.online) return { ...about, trouble: 'offline', code: '' }
  const trouble = printer.statusCode ? troubleOf(printer.statusCode) : null
  if (trouble && printer.statusCode) return { ...about, trouble, code: printer.statusCode }
  if (printer.failure) {
    const { jobToken, statusCode } = printer.failure
    return { ...about, trouble: 'jobFailed', code: statusCode, ...(jobToken ? { jobToken } : {}) }
  }
  return null
}

/**
 * Below this age, messages in the outbox are on their normal way (a function publishes at once,
 * the broker relays what is left after 2 s): only older ones are worth the bar's attention.
 */
export const OUTBOX_NOTICE_SECONDS = 5

/**
 * The notices of a status: each printer away, the CloudPRNT printers of `station` (those of every
 * station when none is given; a printer for `all` belongs to each) that need the bar, then orders
 * stuck before the broker.
 */
export function barNotices(status: BarStatus | null, station?: string | null): BarNotice[] {
  if (!status) return []
  const notices: BarNotice[] = status.printers
    .filter((printer) => !printer.online)
    .map((printer) => ({ kind: 'printerOffline', clientId: printer.clientId, queued: printer.queued }))
  for (const printer of status.cloudprnt ?? []) {
    if (station && printer.station !== station && printer.station !== 'all') continue
    const notice = cloudprntNotice(printer)
    if (notice) notices.push(notice)
  }
  const { messages, oldestSeconds } = status.outbox
  if (messages > 0 && oldestSeconds >= OUTBOX_NOTICE_SECONDS) {
    notices.push({ kind: 'ordersWaiting', messages, seconds: oldestSeconds })
  }
  return notices
}
