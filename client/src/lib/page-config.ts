/** What the page learns about its deployment from `GET /config.json`, with defaults filled in. */
export interface PageConfig {
  /** The address the QR poster points to; empty means this page's own origin. */
  publicUrl: string
  eventName: string
  /** Minutes of waiting after which an order on the bar display turns amber, orange, red. */
  waitMinutes: readonly [number, number, number]
  /** Seconds the bar has to undo a move before it is sent; 0 sends at once. */
  undoSeconds: number
}

export const defaultPageConfig: PageConfig = {
  publicUrl: '',
  eventName: '',
  waitMinutes: [3, 5, 7],
  undoSeconds: 5,
}

const isThresholds = (value: unknown): value is [number, number, number] =>
  Array.isArray(value) &&
  value.length === 3 &&
  value.every((n, i) => typeof n === 'number' && Number.isFinite(n) && n >= 0 && (i === 0 || n > value[i - 1]))

/** Takes the fields it knows from the server's answer; a missing or odd field keeps its default. */
export function readPageConfig(raw: unknown): PageConfig {
  const body = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {}
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  const undo = body.undoSeconds
  return {
    publicUrl: text(body.publicUrl),
    eventName: text(body.eventName),
    waitMinutes: isThresholds(body.waitMinutes) ? body.waitMinutes : defaultPageConfig.waitMinutes,
    undoSeconds:
      typeof undo === 'number' && Number.isFinite(undo) && undo >= 0 && undo <= 60
        ? undo
        : defaultPageConfig.undoSeconds,
  }
}
