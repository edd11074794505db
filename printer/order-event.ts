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
  const result = v.safeParse(OrderEventSchema, value)
  return result.success ? result.output : null
}
