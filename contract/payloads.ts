import type { Order } from './order.ts'

/** Payload of `bar/orders` and `guests/<guestId>/orders`. */
export interface OrderEvent {
  event: 'placed' | 'updated'
  order: Order
}

/** Payload of `public/ticker`. */
export interface TickerEvent {
  /** Null when the event hides nicknames from the public ticker. */
  nickname: string | null
  drinkId: string
  at: string
}

/** Body of every HTTP error. */
export interface ErrorBody {
  error: {
    code: string
    message: string
    issues?: { path: string; message: string }[]
  }
}

/** Body of order lists. */
export interface OrderList {
  orders: Order[]
  nextCursor: string | null
}

/** Width in characters of the plain-text ticket: fits 58 mm printers in their default font. */
export const TICKET_WIDTH = 32

/** The plain UTF-8 ticket published on `bar/tickets`: fixed width, one fact per line. */
export function formatTicket(order: Order, drinkName: string): string {
  const rule = '-'.repeat(TICKET_WIDTH)
  const time = order.createdAt.slice(11, 16)
  const lines = [
    rule,
    center(`#${order.number}`),
    rule,
    ...wrap(`${order.quantity} x ${drinkName}`),
    ...wrap(`for ${order.nickname}`),
    ...(order.note ? wrap(`note: ${order.note}`) : []),
    `${time} UTC`.padStart(TICKET_WIDTH),
    rule,
  ]
  return `${lines.join('\n')}\n`
}

function center(text: string): string {
  const pad = Math.max(0, Math.floor((TICKET_WIDTH - text.length) / 2))
  return ' '.repeat(pad) + text
}

function wrap(text: string): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    for (let rest = word; rest.length > 0; ) {
      const room = line ? TICKET_WIDTH - line.length - 1 : TICKET_WIDTH
      if (rest.length <= room) {
        line = line ? `${line} ${rest}` : rest
        rest = ''
      } else if (line) {
        lines.push(line)
        line = ''
      } else {
        lines.push(rest.slice(0, TICKET_WIDTH))
        rest = rest.slice(TICKET_WIDTH)
      }
    }
  }
  if (line) lines.push(line)
  return lines
}
