import * as v from 'valibot'
import { type OrderEvent, OrderEventSchema } from '../contract/index.ts'

/** The `bar/orders` payload in `bytes`, checked against the contract's schema; null when it is not one. */
export function readOrderEvent(bytes: Buffer): OrderEvent | null {
  let value: unknown
  try {
    value = JSON.parse(bytes.toString('utf8'))
  } catch {
    return null
  }
  const result = v.safeParse(OrderEventSchema, fromBeforeEvents(value))
  return result.success ? result.output : null
}

/**
 * A message queued for this printer before orders had events carries no `eventId`: its order is
 * one of the first event's, as the migration that brought events filed every earlier order.
 */
function fromBeforeEvents(value: unknown): unknown {
  const order = (value as { order?: unknown } | null)?.order
  if (typeof order !== 'object' || order === null || 'eventId' in order) return value
  return { ...(value as object), order: { ...order, eventId: 1 } }
}
