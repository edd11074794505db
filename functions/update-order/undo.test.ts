import { randomUUID } from 'node:crypto'
import * as v from 'valibot'
import { describe, expect, test } from 'vitest'
import { type Order, PickupBoardSchema, topics } from '../../contract/index.ts'
import { builtOnFirstUse } from '../../test/for-file.ts'
import { barAuth, collect, connectClient, functionDepsForFile, json } from '../../test/harness.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp, start } from './index.ts'

const deps = functionDepsForFile()
const app = builtOnFirstUse('the app', () => createApp({ ...deps, undoSeconds: 5 }))
const placeApp = builtOnFirstUse('place-order', () => createPlaceOrder(deps))

async function placed(): Promise<Order> {
  const res = await placeApp.request('/api/orders', {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Noor', drinkId: 'tea' }),
  })
  return ((await res.json()) as { order: Order }).order
}

const patch = (id: string, body: unknown, headers: Record<string, string> = { ...json, ...barAuth }) =>
  app.request(`/api/orders/${id}`, { method: 'PATCH', headers, body: JSON.stringify(body) })

const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string; message: string } }).error
const statusOf = async (id: string) => (await deps.sql`select status from orders where id = ${id}`)[0]?.status

/** Makes the bar's last move of an order look `seconds` older than it is. */
const age = (id: string, seconds: number) =>
  deps.sql`update orders set moved_at = moved_at - make_interval(secs => ${seconds}) where id = ${id}`

describe('the bar undoes its last move', () => {
  test('back to the previous status within the window, published like any change, once', async () => {
    const order = await placed()
    const guest = await connectClient(deps.broker.url)
    await guest.subscribeAsync(topics.guestOrders(order.guestId), { qos: 1 })
    const inbox = collect(guest)
    expect((await patch(order.id, { status: 'preparing' })).status).toBe(200)
    await inbox.next((m) => JSON.parse(m.payload).order.status === 'preparing')

    const res = await patch(order.id, { status: 'placed', undo: true })
    expect(res.status).toBe(200)
    const undone = ((await res.json()) as { order: Order }).order
    expect(undone.status).toBe('placed')
    const event = await inbox.next((m) => JSON.parse(m.payload).order.updatedAt === undone.updatedAt)
    expect(JSON.parse(event.payload)).toEqual({ event: 'updated', order: undone })
    await guest.endAsync()

    // The undo is not a move of its own: there is nothing left to undo.
    const again = await patch(order.id, { status: 'placed', undo: true })
    expect(again.status).toBe(409)
    expect((await errorOf(again)).code).toBe('not_undoable')
  })

  test('a cancel by the bar is undone the same way', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    await patch(order.id, { status: 'cancelled' })
    const res = await patch(order.id, { status: 'preparing', undo: true })
    expect(res.status).toBe(200)
    expect(await statusOf(order.id)).toBe('preparing')
  })

  test('only to the previous status: 409 not_undoable, nothing changes', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    await patch(order.id, { status: 'ready' })
    const res = await patch(order.id, { status: 'placed', undo: true })
    expect(res.status).toBe(409)
    const error = await errorOf(res)
    expect(error.code).toBe('not_undoable')
    expect(error.message).toContain('preparing')
    expect(await statusOf(order.id)).toBe('ready')
  })

  test('only within UNDO_SECONDS of the move: 409 undo_expired after', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    await age(order.id, 6)
    const res = await patch(order.id, { status: 'placed', undo: true })
    expect(res.status).toBe(409)
    expect((await errorOf(res)).code).toBe('undo_expired')
    expect(await statusOf(order.id)).toBe('preparing')
  })

  test('only the bar: a guest asking is 403, and a guest’s own cancel is not the bar’s to undo', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    const guestUndo = await patch(order.id, { guestId: order.guestId, status: 'placed', undo: true }, json)
    expect(guestUndo.status).toBe(403)
    expect((await errorOf(guestUndo)).code).toBe('forbidden')
    expect(await statusOf(order.id)).toBe('preparing')

    const other = await placed()
    expect((await patch(other.id, { guestId: other.guestId, status: 'cancelled' }, json)).status).toBe(200)
    const barUndo = await patch(other.id, { status: 'placed', undo: true })
    expect(barUndo.status).toBe(409)
    expect((await errorOf(barUndo)).code).toBe('not_undoable')
  })

  test('a new order has no move to undo', async () => {
    const order = await placed()
    const res = await patch(order.id, { status: 'placed', undo: true })
    expect(res.status).toBe(409)
    expect((await errorOf(res)).code).toBe('not_undoable')
  })

  test('with UNDO_SECONDS=0 nothing can be undone', async () => {
    const strict = createApp({ ...deps, undoSeconds: 0 })
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    await age(order.id, 0.01)
    const res = await strict.request(`/api/orders/${order.id}`, {
      method: 'PATCH',
      headers: { ...json, ...barAuth },
      body: JSON.stringify({ status: 'placed', undo: true }),
    })
    expect((await errorOf(res)).code).toBe('undo_expired')
  })
})

describe('public/pickup', () => {
  test('the ready numbers, retained, for anyone, as an order enters and leaves ready', async () => {
    const order = await placed()
    const board = await connectClient(deps.broker.url)
    await board.subscribeAsync(topics.publicPickup, { qos: 1 })
    const inbox = collect(board)
    const has = (present: boolean) => (m: { topic: string; payload: string }) =>
      JSON.parse(m.payload).numbers.includes(order.number) === present

    await patch(order.id, { status: 'preparing' })
    await patch(order.id, { status: 'ready' })
    const entered = JSON.parse((await inbox.next(has(true))).payload)
    expect(v.is(PickupBoardSchema, entered)).toBe(true)
    expect(Object.keys(entered).sort()).toEqual(['at', 'numbers', 'stations'])
    expect(entered.stations[order.station ?? '']).toContain(order.number)
    expect(JSON.stringify(entered)).not.toContain(order.id)
    expect(JSON.stringify(entered)).not.toContain(order.nickname)

    // A screen that connects later gets the current list at once.
    const late = await connectClient(deps.broker.url)
    const lateInbox = collect(late)
    await late.subscribeAsync(topics.publicPickup, { qos: 1 })
    await lateInbox.next(has(true))
    await late.endAsync()

    inbox.received.length = 0
    await patch(order.id, { status: 'delivered' })
    await inbox.next(has(false))
    // Undo brings it back onto the board.
    await patch(order.id, { status: 'ready', undo: true })
    await inbox.next(has(true))
    await board.endAsync()
  })

  test('a starting pod publishes the current list', async () => {
    const order = await placed()
    await patch(order.id, { status: 'preparing' })
    await patch(order.id, { status: 'ready' })
    const board = await connectClient(deps.broker.url)
    await board.subscribeAsync(topics.publicPickup, { qos: 1 })
    const inbox = collect(board)
    // The retained list arrives first; what comes after is the starting pod's.
    await inbox.next((m) => JSON.parse(m.payload).numbers.includes(order.number))
    inbox.received.length = 0
    await start(deps)
    await inbox.next((m) => JSON.parse(m.payload).numbers.includes(order.number))
    await board.endAsync()
  })

  test('concurrent moves to ready all end up on the last list published', async () => {
    const orders = await Promise.all(Array.from({ length: 6 }, placed))
    for (const order of orders) await patch(order.id, { status: 'preparing' })
    const board = await connectClient(deps.broker.url)
    const inbox = collect(board)
    await board.subscribeAsync(topics.publicPickup, { qos: 1 })
    await Promise.all(orders.map((order) => patch(order.id, { status: 'ready' })))
    const numbers = orders.map((order) => order.number)
    await inbox.next((m) => numbers.every((n) => JSON.parse(m.payload).numbers.includes(n)))
    await board.endAsync()
    const late = await connectClient(deps.broker.url)
    const retained = collect(late)
    await late.subscribeAsync(topics.publicPickup, { qos: 1 })
    const last = JSON.parse((await retained.next(() => true)).payload) as { numbers: number[] }
    expect(numbers.filter((n) => !last.numbers.includes(n))).toEqual([])
    await late.endAsync()
  })
})
