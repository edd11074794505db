import * as v from 'valibot'
import {
  BarStatusSchema,
  MenuSchema,
  OrderEventSchema,
  PickupBoardSchema,
  TickerEventSchema,
} from '../../../contract/index.ts'
import type { PayloadKind } from './live-session.ts'

// Payloads come from our own server, but a page must not break on one odd message, so each is
// checked against the contract's schema of the kind its topic carries before it reaches a model.

const schemas = {
  menu: MenuSchema,
  orderEvent: OrderEventSchema,
  ticker: TickerEventSchema,
  pickup: PickupBoardSchema,
  barStatus: BarStatusSchema,
} satisfies Record<PayloadKind, v.GenericSchema>

/** Parses an MQTT payload as JSON; null when it is not JSON. */
export function parseJson(payload: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload))
  } catch {
    return null
  }
}

/** Whether `payload` has the shape the contract gives the payloads of `kind`. */
export function fitsKind(kind: PayloadKind, payload: unknown): boolean {
  return v.is(schemas[kind], payload)
}
