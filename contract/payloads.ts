import * as v from 'valibot'
import { StationIdSchema } from './menu.ts'
import { type Order, OrderSchema, TimestampSchema } from './order.ts'

/** Payload of `bar/orders` and `guests/<guestId>/orders`. */
export const OrderEventSchema = v.object({ event: v.picklist(['placed', 'updated']), order: OrderSchema })
export type OrderEvent = v.InferOutput<typeof OrderEventSchema>

/** Payload of `public/ticker`; the nickname is null when the event keeps nicknames off the ticker. */
export const TickerEventSchema = v.object({
  nickname: v.nullable(v.string()),
  drinkId: v.string(),
  at: TimestampSchema,
})
export type TickerEvent = v.InferOutput<typeof TickerEventSchema>

/** Body of `POST /api/orders` and `PATCH /api/orders/:id` answers. */
export const OrderBodySchema = v.object({ order: OrderSchema })

/** Body of order lists (`GET /api/orders`). */
export const OrderListSchema = v.object({ orders: v.array(OrderSchema), nextCursor: v.nullable(v.string()) })
export type OrderList = v.InferOutput<typeof OrderListSchema>

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

const PickupNumbersSchema = v.array(v.pipe(v.number(), v.integer(), v.minValue(1)))

/**
 * Payload of the retained `public/pickup`: the ready pickup numbers, and when they were read;
 * `stations` has those of each station's drinks, for a board at one station.
 */
export const PickupBoardSchema = v.object({
  numbers: PickupNumbersSchema,
  stations: v.optional(v.record(StationIdSchema, PickupNumbersSchema)),
  at: v.pipe(v.string(), v.isoTimestamp()),
})
export type PickupBoard = v.InferOutput<typeof PickupBoardSchema>

/**
 * Every `error.code` of the API. The code is the contract (the page shows its own words for
 * each); the message is for logs and integrators.
 */
export const errorCodes = [
  'invalid_input',
  'malformed_json',
  'unsupported_media_type',
  'body_too_large',
  'unauthorized',
  'forbidden',
  'not_found',
  'id_conflict',
  'sold_out',
  'too_many_open_orders',
  'invalid_transition',
  'not_editable',
  'not_undoable',
  'undo_expired',
  'station_in_use',
  'too_many_stations',
  'rate_limited',
  'http_error',
  'internal',
  'unavailable',
  'overloaded',
] as const
export type ErrorCode = (typeof errorCodes)[number]

/** One CloudPRNT printer in `bar/status`. */
export const CloudprntStatusSchema = v.object({
  mac: v.string(),
  name: v.string(),
  /** A station id, or `all`. */
  station: v.string(),
  /** Connected to the broker now (its will or a dropped connection says otherwise). */
  online: v.boolean(),
  /** Its last `client-status` code, decoded (`410 Out of paper`); null before the first. */
  statusCode: v.nullable(v.string()),
  /** Its last failed job since it last printed one: the order id and the code. */
  failure: v.nullable(v.object({ jobToken: v.nullable(v.string()), statusCode: v.string() })),
})
export type CloudprntStatus = v.InferOutput<typeof CloudprntStatusSchema>

/**
 * Payload of the retained `bar/status`, written by the broker when it changes: the printer
 * sessions (subscribed to `bar/orders` or `bar/tickets`), whether one is connected and how many
 * tickets wait for it, and the messages of the outbox not yet handed to the broker.
 */
export const BarStatusSchema = v.object({
  printers: v.array(
    v.object({
      clientId: v.string(),
      online: v.boolean(),
      queued: v.pipe(v.number(), v.integer(), v.minValue(0)),
    }),
  ),
  outbox: v.object({
    messages: v.pipe(v.number(), v.integer(), v.minValue(0)),
    /** Age of the oldest, in whole seconds (0 when empty). */
    oldestSeconds: v.pipe(v.number(), v.minValue(0)),
  }),
  /** The CloudPRNT printers (Star, MQTT): each with its station and what the bar must act on. */
  cloudprnt: v.optional(v.array(CloudprntStatusSchema)),
  at: v.pipe(v.string(), v.isoTimestamp()),
})
export type BarStatus = v.InferOutput<typeof BarStatusSchema>
/** Body of every HTTP error. */
export const ErrorBodySchema = v.object({
  error: v.object({
    code: v.pipe(v.picklist(errorCodes), v.description('what went wrong; clients word it themselves')),
    message: v.pipe(v.string(), v.description('in English, for logs')),
    issues: v.optional(v.array(v.object({ path: v.string(), message: v.string() }))),
  }),
})
export type ErrorBody = v.InferOutput<typeof ErrorBodySchema>
