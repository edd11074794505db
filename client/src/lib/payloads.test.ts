import { describe, expect, it } from 'vitest'
import { fitsKind, parseJson } from './payloads.ts'

const order = {
  id: '6f1c2b1e-0a4b-4c3d-9e8f-0123456789ab',
  number: 7,
  eventId: 1,
  guestId: '1f1c2b1e-0a4b-4c3d-9e8f-0123456789ab',
  nickname: 'Max',
  drinkId: 'espresso',
  quantity: 1,
  note: '',
  status: 'placed',
  createdAt: '2026-11-25T20:15:00.000Z',
  updatedAt: '2026-11-25T20:15:00.000Z',
}

const isOrderEvent = (value: unknown) => fitsKind('orderEvent', value)
const isMenu = (value: unknown) => fitsKind('menu', value)
const isTickerEvent = (value: unknown) => fitsKind('ticker', value)

describe('payloads', () => {
  it('parses JSON bytes and refuses garbage', () => {
    expect(parseJson(new TextEncoder().encode('{"a":1}'))).toEqual({ a: 1 })
    expect(parseJson('not json')).toBeNull()
  })

  it('accepts order events and refuses unknown statuses or events', () => {
    expect(isOrderEvent({ event: 'placed', order })).toBe(true)
    expect(isOrderEvent({ event: 'deleted', order })).toBe(false)
    expect(isOrderEvent({ event: 'updated', order: { ...order, status: 'lost' } })).toBe(false)
    expect(isOrderEvent(null)).toBe(false)
  })

  it('refuses an order event whose order does not have the contract shape', () => {
    const { guestId: _, ...withoutGuest } = order
    expect(isOrderEvent({ event: 'placed', order: withoutGuest })).toBe(false)
    expect(isOrderEvent({ event: 'placed', order: { ...order, quantity: '2' } })).toBe(false)
    expect(isOrderEvent({ event: 'placed', order: { ...order, number: 1.5 } })).toBe(false)
    expect(isOrderEvent({ event: 'placed', order: { ...order, id: 'order-7' } })).toBe(false)
    expect(isOrderEvent({ event: 'placed', order: { ...order, createdAt: 'yesterday' } })).toBe(false)
  })

  it('checks menus and ticker events', () => {
    const drink = { id: 'tea', name: { en: 'Tea', de: 'Tee', fr: 'Thé', it: 'Tè' }, available: true }
    expect(isMenu({ drinks: [drink] })).toBe(true)
    expect(isMenu({ drinks: [{ ...drink, available: 'yes' }] })).toBe(false)
    // Every language the page speaks has a name.
    expect(isMenu({ drinks: [{ ...drink, name: { en: 'Tea' } }] })).toBe(false)
    expect(isTickerEvent({ nickname: 'Ana', drinkId: 'tea', at: order.createdAt })).toBe(true)
    expect(isTickerEvent({ nickname: null, drinkId: 'tea', at: order.createdAt })).toBe(true)
    expect(isTickerEvent({ nickname: 7, drinkId: 'tea', at: order.createdAt })).toBe(false)
    expect(isTickerEvent({ nickname: 'Ana' })).toBe(false)
  })

  it('checks pickup boards', () => {
    expect(fitsKind('pickup', { numbers: [3, 7], at: order.createdAt })).toBe(true)
    expect(fitsKind('pickup', { numbers: ['3'], at: order.createdAt })).toBe(false)
  })
})
