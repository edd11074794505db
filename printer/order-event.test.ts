import { expect, test } from 'vitest'
import type { Order } from '../contract/index.ts'
import { readOrderEvent } from './order-event.ts'

const order: Order = {
  id: '0b8f5d1e-2c3a-4b5c-8d9e-0f1a2b3c4d5e',
  number: 12,
  eventId: 1,
  guestId: '1b8f5d1e-2c3a-4b5c-8d9e-0f1a2b3c4d5e',
  nickname: 'Anna',
  drinkId: 'tea',
  quantity: 2,
  note: 'no sugar',
  status: 'placed',
  createdAt: '2026-11-25T20:15:00.000Z',
  updatedAt: '2026-11-25T20:15:00.000Z',
}
const bytes = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value))

test('reads an order event as the contract gives it', () => {
  expect(readOrderEvent(bytes({ event: 'placed', order }))).toEqual({ event: 'placed', order })
  expect(readOrderEvent(bytes({ event: 'updated', order: { ...order, status: 'ready' } }))?.event).toBe('updated')
})

test('reads an order of a message written before there were events as one of the first event', () => {
  const { eventId: _, ...before } = order
  expect(readOrderEvent(bytes({ event: 'placed', order: before }))?.order.eventId).toBe(1)
  expect(readOrderEvent(bytes({ event: 'placed', order: { ...order, eventId: 0 } }))).toBeNull()
})

test('refuses what the contract refuses, so no odd ticket prints', () => {
  expect(readOrderEvent(bytes('not json'))).toBeNull()
  expect(readOrderEvent(bytes({ event: 'deleted', order }))).toBeNull()
  expect(readOrderEvent(bytes({ event: 'placed', order: { ...order, number: 'two' } }))).toBeNull()
  expect(readOrderEvent(bytes({ event: 'placed', order: { ...order, status: 'lost' } }))).toBeNull()
  expect(readOrderEvent(bytes({ event: 'placed', order: { ...order, quantity: 0 } }))).toBeNull()
  const { guestId: _, ...withoutGuest } = order
  expect(readOrderEvent(bytes({ event: 'placed', order: withoutGuest }))).toBeNull()
})
