import type { Drink, Menu, Order, OrderEvent, TickerEvent } from '../../../contract/index.ts'
import { orderStatuses } from '../../../contract/index.ts'

// Payloads come from our own server, but a page must not break on one odd message, so each
// is checked for the fields the page reads before it reaches a model.

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null

const isString = (value: unknown): value is string => typeof value === 'string'

/** Parses an MQTT payload as JSON; null when it is not JSON. */
export function parseJson(payload: Uint8Array | string): unknown {
  try {
    return JSON.parse(typeof payload === 'string' ? payload : new TextDecoder().decode(payload))
  } catch {
    return null
  }
}

export function isOrder(value: unknown): value is Order {
  return (
    isObject(value) &&
    isString(value.id) &&
    typeof value.number === 'number' &&
    isString(value.drinkId) &&
    isString(value.nickname) &&
    isString(value.updatedAt) &&
    (orderStatuses as readonly unknown[]).includes(value.status)
  )
}

export function isOrderEvent(value: unknown): value is OrderEvent {
  return isObject(value) && (value.event === 'placed' || value.event === 'updated') && isOrder(value.order)
}

function isDrink(value: unknown): value is Drink {
  return isObject(value) && isString(value.id) && isObject(value.name) && typeof value.available === 'boolean'
}

export function isMenu(value: unknown): value is Menu {
  return isObject(value) && Array.isArray(value.drinks) && value.drinks.every(isDrink)
}

/** A ticker event; its nickname is null when the event keeps nicknames off the public ticker. */
export function isTickerEvent(value: unknown): value is TickerEvent {
  return (
    isObject(value) &&
    (isString(value.nickname) || value.nickname === null) &&
    isString(value.drinkId) &&
    isString(value.at)
  )
}
