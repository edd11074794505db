import { afterAll, describe, expect, test } from 'vitest'
import { type Order, topics } from '../contract/index.ts'
import { createApp as createMenuApp } from '../functions/menu/index.ts'
import { createApp as createPlaceOrderApp } from '../functions/place-order/index.ts'
import { builtOnFirstUse } from '../test/for-file.ts'
import { connectClient, functionDepsForFile, testTokens, waitFor } from '../test/harness.ts'
import {
  acknowledged,
  orderIds,
  placeOrder,
  printedIds,
  published,
  quiet,
  tally,
  testBridgeConfig,
} from '../test/printer/bridge-setup.ts'
import { startFakePrinter } from '../test/printer/fake-printer.ts'
import { type Bridge, startBridge } from './bridge.ts'

const deps = functionDepsForFile()
const placeApp = builtOnFirstUse('place-order', () => createPlaceOrderApp(deps))
const menuApp = builtOnFirstUse('menu', () => createMenuApp(deps))
const bridges: Bridge[] = []

afterAll(async () => {
  await Promise.all(bridges.map((bridge) => bridge.stop()))
})

const start = async (...args: Parameters<typeof startBridge>) => {
  const bridge = startBridge(...args)
  bridges.push(bridge)
  await waitFor(() => bridge.connected(), 5000, 'the bridge on the broker')
  return bridge
}

describe('the printer bridge', () => {
  test('prints a placed order with the name from the menu, € and accents in windows-1252', async () => {
    const printer = await startFakePrinter()
    const config = testBridgeConfig(deps.broker.url, printer, {
      apiUrl: 'http://api.test',
      ticket: { width: 80, codepage: 'windows1252', timeZone: 'Europe/Zurich', lang: 'fr' },
    })
    const fetch = ((input, init) => menuApp.request(input, init)) as typeof globalThis.fetch
    await start(config, { log: quiet, fetch })

    const order = await placeOrder(placeApp, { nickname: 'Jürg', drinkId: 'coffee', note: '2 € – merci à vous, Öl' })
    await waitFor(() => printer.numbers().includes(order.number), 5000, `ticket #${order.number}`)
    const [ticket] = printer.tickets('windows1252')
    expect(ticket).toContain(`#${order.number}`)
    expect(ticket).toContain('1 × Café')
    expect(ticket).toContain('pour Jürg')
    expect(ticket).toContain('Remarque: 2 € – merci à vous, Öl')
    const bytes = printer.ticketBytes()[0] as Buffer
    expect(bytes.includes(Buffer.from([0x1b, 0x74, 16]))).toBe(true) // ESC t 16: windows-1252
    expect(bytes.includes(Buffer.from('2 \x80 \x96 merci \xe0 vous, \xd6l', 'latin1'))).toBe(true)
    await waitFor(() => printedIds(config.statePath).includes(order.id), 5000, `#${order.number} noted as printed`)
    await printer.off()
  })

  test('skips updates and malformed messages, prints a repeated delivery once, in the order sent', async () => {
    const printer = await startFakePrinter()
    const config = testBridgeConfig(deps.broker.url, printer)
    await start(config, { log: quiet })
    const done = acknowledged(deps.broker.broker, config.clientId)
    const service = await connectClient(deps.broker.url, { username: 'service', password: testTokens.serviceToken })
    const order = (number: number): Order => ({
      id: `00000000-0000-4000-8000-${String(number).padStart(12, '0')}`,
      number,
      eventId: 1,
      guestId: '00000000-0000-4000-8000-000000000000',
      nickname: 'Anna',
      drinkId: 'tea',
      quantity: 1,
      note: '',
      status: 'placed',
      createdAt: new Date().toISOString(),
      updatedAt: new Date().toISOString(),
    })
    const send = (payload: unknown) =>
      service.publishAsync(topics.barOrders, typeof payload === 'string' ? payload : JSON.stringify(payload), {
        qos: 1,
      })
    await send('not json')
    await send({ event: 'updated', order: order(9001) })
    await send({ event: 'placed', order: order(9001) })
    await send({ event: 'placed', order: { ...order(9002), number: 'two' } })
    await send({ event: 'placed', order: order(9003) })
    await send({ event: 'placed', order: order(9001) })
    await send({ event: 'placed', order: order(9004) })

    await waitFor(() => done.length === 7, 5000, 'the bridge done with all seven messages')
    expect(printer.numbers()).toEqual([9001, 9003, 9004])
    await service.endAsync()
    await printer.off()
  })

  test('with confirm=status, a ticket is acknowledged only once the printer answers', async () => {
    const printer = await startFakePrinter({ answerStatus: false })
    const config = testBridgeConfig(deps.broker.url, printer, { confirm: 'status', printTimeoutMs: 300 })
    const bridge = await start(config, { log: quiet })
    const done = acknowledged(deps.broker.broker, config.clientId)
    const order = await placeOrder(placeApp, { nickname: 'Zoë' })

    // While the printer stays silent the ticket is not acknowledged: the broker delivers it again and again.
    await waitFor(() => (tally(printer.numbers()).get(order.number) ?? 0) >= 3, 10_000, 'three attempts at one ticket')

    printer.answerStatus = true
    await waitFor(() => orderIds(done).has(order.id), 10_000, `#${order.number} acknowledged`)
    expect(printedIds(config.statePath)).toContain(order.id)
    // Acknowledged, the broker delivers it no more; stop() finishes whatever was in hand.
    const attempts = printer.numbers().length
    await bridge.stop()
    expect(printer.numbers()).toHaveLength(attempts)
    await printer.off()
  })

  test('a backlog that takes longer than the keepalive to print goes through on one connection', async () => {
    const printer = await startFakePrinter()
    const config = testBridgeConfig(deps.broker.url, printer, { keepalive: 1, settleMs: 150 })
    await (await start(config, { log: quiet })).stop()
    const queued = published(deps.broker.broker)
    const orders = await Promise.all(Array.from({ length: 15 }, () => placeOrder(placeApp)))
    await waitFor(
      () => orders.every((order) => orderIds(queued).has(order.id)),
      5000,
      'the 15 orders queued for the stopped bridge',
    )

    let connections = 0
    deps.broker.broker.on('client', (client) => {
      if (client.id === config.clientId) connections += 1
    })
    await start(config, { log: quiet })
    await waitFor(() => printer.numbers().length === orders.length, 10_000, 'the 15 tickets printed')
    expect(connections).toBe(1)
    await printer.off()
  })

  test('stop() finishes the ticket in hand and keeps the session: the rest print after a restart, once', async () => {
    const printer = await startFakePrinter()
    const config = testBridgeConfig(deps.broker.url, printer, { settleMs: 150 })
    const first = await start(config, { log: quiet })
    const done = acknowledged(deps.broker.broker, config.clientId)
    const orders = await Promise.all(Array.from({ length: 8 }, () => placeOrder(placeApp)))
    await waitFor(() => printer.numbers().length >= 2, 5000, 'two tickets printed')
    await first.stop()
    const beforeRestart = printer.numbers().length
    expect(beforeRestart).toBeLessThan(orders.length)
    expect(printedIds(config.statePath)).toHaveLength(beforeRestart)

    const more = await Promise.all(Array.from({ length: 4 }, () => placeOrder(placeApp)))
    await start(config, { log: quiet })
    const expected = [...orders, ...more].map((order) => order.number)
    const ids = [...orders, ...more].map((order) => order.id)
    await waitFor(() => ids.every((id) => orderIds(done).has(id)), 10_000, 'all 12 tickets acknowledged')
    expect([...tally(printer.numbers()).values()].every((count) => count === 1)).toBe(true)
    expect(printer.numbers()).toHaveLength(expected.length)
    await printer.off()
  })

  test("a bridge of one station prints that station's orders and none of another's", async () => {
    const printer = await startFakePrinter()
    const config = testBridgeConfig(deps.broker.url, printer, { station: 'coffee' })
    await start(config, { log: quiet })
    const done = acknowledged(deps.broker.broker, config.clientId, topics.stationOrders('coffee'))
    // Beer is made at the bar: placed first, it would print first on a bridge of every order.
    const beer = await placeOrder(placeApp, { drinkId: 'beer' })
    const espresso = await placeOrder(placeApp, { drinkId: 'espresso' })
    await waitFor(() => orderIds(done).has(espresso.id), 5000, `#${espresso.number} acknowledged`)
    expect(printer.numbers()).toEqual([espresso.number])
    expect(printer.numbers()).not.toContain(beer.number)
    await printer.off()
  })
})
