// Apart from order.ts, so the guest page's first download has the statuses and limits without
// the order schemas.
export const orderStatuses = ['placed', 'preparing', 'ready', 'delivered', 'cancelled'] as const
export type OrderStatus = (typeof orderStatuses)[number]

/** Statuses in which an order still waits for the bar, in lifecycle order. */
export const openStatuses = ['placed', 'preparing', 'ready'] as const satisfies readonly OrderStatus[]
export type OpenStatus = (typeof openStatuses)[number]

/** Whether an order in `status` still waits for the bar. */
export function isOpen(status: OrderStatus): status is OpenStatus {
  return (openStatuses as readonly OrderStatus[]).includes(status)
}

export const limits = {
  /** Characters as a guest counts them: grapheme clusters, so a joined emoji is one. */
  nicknameLength: 32,
  /** Characters (grapheme clusters), as for the nickname. */
  noteLength: 140,
  /**
   * Code points one character may be made of. The longest emoji sequences take 11 (a family with
   * skin tones) and scripts stack a few marks; more is a pile of marks smeared over other lines.
   */
  characterCodePoints: 16,
  quantity: 10,
  /** Orders a guest may have open at once. */
  openOrders: 3,
} as const
