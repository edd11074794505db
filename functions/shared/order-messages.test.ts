import { expect, test } from 'vitest'
import { type Order, stationIdOfTopic, topics } from '../../contract/index.ts'
import { orderMessages } from './order-messages.ts'

const order: Order = {
  id: '00000000-0000-4000-8000-000000000001',
  number: 7,
  eventId: 1,
  guestId: '00000000-0000-4000-8000-000000000002',
  nickname: 'Max',
  drinkId: 'espresso',
  station: 'coffee',
  quantity: 1,
  note: '',
  status: 'placed',
  createdAt: '2026-11-25T20:15:00.000Z',
  updatedAt: '2026-11-25T20:15:00.000Z',
}
const byTopic = (messages: { topic: string; payload: string }[]) =>
  Object.fromEntries(messages.map((m) => [m.topic, m.payload]))

test("a placed order of a station's drink goes to the station's topics too, with the same payloads", () => {
  const sent = byTopic(orderMessages('placed', order, 'Espresso'))
  expect(Object.keys(sent).sort()).toEqual(
    [
      topics.barOrders,
      topics.barTickets,
      topics.stationOrders('coffee'),
      topics.stationTickets('coffee'),
      topics.guestOrders(order.guestId),
      topics.publicTicker,
    ].sort(),
  )
  expect(sent[topics.stationOrders('coffee')]).toBe(sent[topics.barOrders])
  expect(sent[topics.stationTickets('coffee')]).toBe(sent[topics.barTickets])
  expect(JSON.parse(sent[topics.barOrders] ?? '').order.station).toBe('coffee')
})

test('an order of no station goes to no station; a change tells the station it left', () => {
  const { station: _, ...plain } = order
  expect(orderMessages('placed', plain, 'Espresso').some((m) => m.topic.startsWith('bar/stations/'))).toBe(false)
  const moved = orderMessages('updated', { ...order, station: 'bar' }, 'Beer', { formerStation: 'coffee' })
  expect(moved.map((m) => m.topic).filter((t) => stationIdOfTopic(t))).toEqual([
    topics.stationOrders('bar'),
    topics.stationOrders('coffee'),
  ])
  // An update prints nothing.
  expect(moved.some((m) => m.topic.endsWith('/tickets'))).toBe(false)
})

test('the station id of a station topic, and of nothing else', () => {
  expect(stationIdOfTopic('bar/stations/coffee/tickets')).toBe('coffee')
  expect(stationIdOfTopic('bar/stations/coffee/orders')).toBe('coffee')
  for (const other of ['bar/stations/+/tickets', 'bar/stations/#', 'bar/stations/Coffee/orders', 'bar/orders'])
    expect(stationIdOfTopic(other), other).toBeNull()
})
