/**
 * Star CloudPRNT printers (MQTT) against the whole system: registered by MAC to a station, they
 * fetch their settings, connect with their own credentials, and print each order of their
 * station once, also after being away; their status reaches the bar's retained `bar/status`.
 */
import { randomUUID } from 'node:crypto'
import * as v from 'valibot'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type BarStatus, BarStatusSchema, cloudprntRoutes, type Order, routes, topics } from '../contract/index.ts'
import { SimulatedPrinter } from '../test/cloudprnt/simulated-printer.ts'
import { createTestDatabase } from '../test/db.ts'
import { barAuth, connectClient, grantedQos, json, quiet, testTokens, waitFor } from '../test/harness.ts'
import { type Stack, startStack } from './stack.ts'

let stack: Stack
let database: Awaited<ReturnType<typeof createTestDatabase>>
const printers: SimulatedPrinter[] = []
beforeAll(async () => {
  database = await createTestDatabase()
  stack = await startStack({ databaseUrl: database.url, port: 0, mqttPort: 0, tokens: testTokens, log: quiet })
})
afterAll(async () => {
  for (const printer of printers) await printer.powerOff().catch(() => {})
  await stack.stop()
  await database.drop()
})

let macs = 0
/** Registers a printer to `station` over HTTP as the bar does, and makes its simulated twin. */
async function register(station: string, language?: string) {
  const mac = `00:11:62:00:00:${(++macs).toString(16).padStart(2, '0')}`
  const res = await fetch(`${stack.httpUrl}${cloudprntRoutes.printers}`, {
    method: 'POST',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ mac: mac.toUpperCase(), station, ...(language ? { language } : {}) }),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { credentials: { username: string; password: string }; serverUrl: string }
  const printer = new SimulatedPrinter({ mac, serverUrl: body.serverUrl, ...body.credentials })
  printers.push(printer)
  return { printer, mac, credentials: body.credentials, serverUrl: body.serverUrl }
}

async function placeOrder(note: string, drinkId = 'beer'): Promise<Order> {
  const res = await fetch(`${stack.httpUrl}${routes.orders}`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Jürg', drinkId, note }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

let number = 9000
/** An order of a station, published as the functions publish a station's orders. */
async function stationOrders(station: string, count: number): Promise<Order[]> {
  const service = await connectClient(stack.mqttUrl, { username: 'service', password: testTokens.serviceToken })
  const now = new Date().toISOString()
  const orders = Array.from(
    { length: count },
    (): Order => ({
      id: randomUUID(),
      number: ++number,
      eventId: 1,
      guestId: randomUUID(),
      nickname: 'Max',
      drinkId: 'coffee',
      quantity: 1,
      note: '',
      status: 'placed',
      createdAt: now,
      updatedAt: now,
    }),
  )
  for (const order of orders) {
    await service.publishAsync(topics.stationOrders(station), JSON.stringify({ event: 'placed', order }), { qos: 1 })
  }
  await service.endAsync()
  return orders
}

test('a printer for every station prints each placed order once, € and umlauts as typed, in its language', async () => {
  const { printer } = await register('all')
  const { printer: german } = await register('all', 'de')
  await printer.powerOn()
  await german.powerOn()
  const orders = [await placeOrder('2 € Trinkgeld, Grüße'), await placeOrder('ohne Schaum'), await placeOrder('')]
  await waitFor(() => orders.every((order) => printer.printedFor(order.id).length > 0), 10_000, 'three tickets')
  for (const order of orders) expect(printer.printedFor(order.id)).toHaveLength(1)
  const first = printer.printedFor(orders[0]?.id ?? '')[0]?.text
  expect(first).toContain(`#${orders[0]?.number}`)
  expect(first).toContain('1 × Beer')
  expect(first).toContain('for Jürg')
  expect(first).toContain('Note: 2 € Trinkgeld, Grüße')
  await waitFor(() => orders.every((order) => german.printedFor(order.id).length > 0), 10_000, 'German tickets')
  const deutsch = german.printedFor(orders[0]?.id ?? '')[0]?.text
  expect(deutsch).toContain('1 × Bier')
  expect(deutsch).toContain('für Jürg')
  expect(deutsch).toContain('Notiz: 2 € Trinkgeld, Grüße')
})

test("a station's printer prints each order of its station once and none of another's", async () => {
  // The seeded menu: espresso and tea are made at the coffee cart, beer and water at the bar.
  const coffee = await register('coffee')
  const bar = await register('bar')
  await coffee.printer.powerOn()
  await bar.printer.powerOn()
  const mine = [await placeOrder('', 'espresso'), await placeOrder('', 'tea'), await placeOrder('', 'espresso')]
  const theirs = [await placeOrder('', 'beer'), await placeOrder('', 'water')]
  expect(mine.map((o) => o.station)).toEqual(['coffee', 'coffee', 'coffee'])
  await waitFor(() => theirs.every((o) => bar.printer.printedFor(o.id).length > 0), 10_000, 'bar')
  await waitFor(() => mine.every((o) => coffee.printer.printedFor(o.id).length > 0), 10_000, 'coffee')
  expect(coffee.printer.printed.map((t) => t.jobToken).sort()).toEqual(mine.map((o) => o.id).sort())
  expect(bar.printer.printed.map((t) => t.jobToken).sort()).toEqual(theirs.map((o) => o.id).sort())
})

test('a printer away during 20 orders prints all 20 when it is back, each once', async () => {
  const { printer, mac } = await register('terrace')
  await printer.powerOn()
  // Away: the broker has noticed (its will is out) before the orders come.
  const server = await connectClient(stack.mqttUrl, { username: 'service', password: testTokens.serviceToken })
  const wills: string[] = []
  server.on('message', (topic) => wills.push(topic))
  await server.subscribeAsync(topics.cloudprntToServer(mac, 'client-will'), { qos: 1 })
  printer.powerCut()
  await waitFor(() => wills.length > 0, 5000, 'the will')
  await server.endAsync()
  const orders = await stationOrders('terrace', 20)
  await printer.powerOn()
  await waitFor(() => orders.every((o) => printer.printedFor(o.id).length > 0), 15_000, '20 tickets')
  expect(printer.printed).toHaveLength(20)
  expect(new Set(printer.printed.map((t) => t.jobToken)).size).toBe(20)
})

test('paper out, a failed job and the printer going away reach bar/status within a second', async () => {
  const { printer, mac } = await register('garden')
  await printer.powerOn()
  const bar = await connectClient(stack.wsUrl, { username: 'bar', password: testTokens.barToken })
  let status: BarStatus | null = null
  bar.on('message', (topic, payload) => {
    if (topic === topics.barStatus) status = v.parse(BarStatusSchema, JSON.parse(payload.toString()))
  })
  await bar.subscribeAsync(topics.barStatus, { qos: 1 })
  const mine = () => (status as BarStatus | null)?.cloudprnt?.find((p) => p.mac === mac)
  await waitFor(() => mine()?.online === true && mine()?.statusCode === '200 OK', 5000, 'the printer online')
  expect(mine()?.station).toBe('garden')

  await printer.setPaperOut(true)
  const paperOutAt = Date.now()
  await waitFor(() => mine()?.statusCode === '410 Out of paper', 3000, 'paper out on the bar')
  expect(Date.now() - paperOutAt).toBeLessThan(1000)

  const [order] = await stationOrders('garden', 1)
  await waitFor(() => mine()?.failure?.jobToken === order?.id, 3000, 'the failed job on the bar')
  expect(mine()?.failure?.statusCode).toBe('410 Out of paper')

  printer.powerCut()
  const cutAt = Date.now()
  await waitFor(() => mine()?.online === false, 3000, 'the printer away on the bar')
  expect(Date.now() - cutAt).toBeLessThan(1000)
  await bar.endAsync()
})

test("a printer cannot read another printer's topics, nor speak for it; wrong credentials are refused", async () => {
  const one = await register('all')
  const other = await register('all')
  await one.printer.powerOn()
  const client = one.printer.mqttClient
  if (!client) throw new Error('not connected')
  expect(await grantedQos(client, `star/cloudprnt/to-device/${other.mac}/#`)).toBe(0x80)
  expect(await grantedQos(client, 'star/cloudprnt/to-device/+/#')).toBe(0x80)
  expect(await grantedQos(client, topics.barOrders)).toBe(0x80)

  // The settings are only for the printer that knows its password.
  const wrong = new SimulatedPrinter({
    mac: other.mac,
    serverUrl: other.serverUrl,
    username: other.credentials.username,
    password: 'guess',
  })
  await expect(wrong.fetchSettings()).rejects.toThrow('401')
  // Its own credentials with another printer's client id: refused at CONNECT.
  await expect(
    connectClient(stack.mqttUrl, {
      username: one.credentials.username,
      password: one.credentials.password,
      clientId: other.credentials.username,
    }),
  ).rejects.toThrow()
})
