/**
 * What an operator's Prometheus reads from `npm start`'s one `/metrics`: the functions' and the
 * broker's metrics move as orders are placed, refused, published and delivered.
 */
import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { type Order, topics } from '../contract/index.ts'
import { barAuth, collect, connectClient, json, testTokens } from '../test/harness.ts'
import { type Scrape, scrape, scrapeUntil } from '../test/prometheus.ts'
import { stackForFile } from '../test/stack.ts'

const stack = stackForFile()
const metricsUrl = () => `${stack.httpUrl}/metrics`

const post = (body: object) =>
  fetch(`${stack.httpUrl}/api/orders`, { method: 'POST', headers: json, body: JSON.stringify(body) })

/** Scrapes until `ready` holds for the scrape, so asynchronous counting is waited for by name. */

test('one /metrics for the whole process: the functions, the broker and the outbox', async () => {
  expect((await fetch(`${stack.httpUrl}/api/no-such-route/${randomUUID()}`)).status).toBe(404)
  const now = await scrape(metricsUrl())
  // A path no route names is one label value, whatever the path was.
  expect(
    now.samples.filter((s) => s.name === 'drinks_http_requests_total' && s.labels.route?.includes('no-such')),
  ).toEqual([])
  expect(now.value('drinks_http_requests_total', { route: 'unmatched', status: '404' })).toBe(1)
  expect(now.types.get('drinks_http_requests_total')).toBe('counter')
  expect(now.types.get('drinks_http_request_duration_seconds')).toBe('histogram')
  expect(now.types.get('drinks_order_to_bar_seconds')).toBe('histogram')
  expect(now.types.get('drinks_mqtt_clients')).toBe('gauge')
  expect(now.has('drinks_outbox_messages')).toBe(true)
  expect(now.has('drinks_outbox_oldest_age_seconds')).toBe(true)
  expect(now.value('drinks_outbox_oldest_age_seconds')).toBeLessThan(10)
  // Not routed to a function, so not counted as a request; and the page is not asked for it.
  expect(now.has('drinks_http_requests_total', { route: '/metrics' })).toBe(false)
})

test('orders placed, refused and published move the counters and histograms', async () => {
  const bar = await connectClient(stack.wsUrl, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync(topics.barOrders, { qos: 1 })
  const inbox = collect(bar)
  // The stack publishes the menu once as it starts, in the background: counted before the baseline.
  await scrapeUntil(
    metricsUrl(),
    'the menu published at the start',
    (now) => now.value('drinks_mqtt_messages_received_total', { topic: topics.publicMenu }) >= 1,
  )
  const before = await scrape(metricsUrl())
  expect(before.value('drinks_mqtt_clients', { role: 'bar' })).toBeGreaterThanOrEqual(1)
  expect(before.value('drinks_mqtt_subscriptions', { role: 'bar' })).toBeGreaterThanOrEqual(1)

  const placed = await post({ guestId: randomUUID(), nickname: 'Ada', drinkId: 'espresso' })
  expect(placed.status).toBe(201)
  const { order } = (await placed.json()) as { order: Order }
  await inbox.next((m) => m.payload.includes(order.id))

  expect((await post({ guestId: randomUUID(), nickname: 'Bo', drinkId: 'no-such-drink' })).status).toBe(400)
  const soldOut = await fetch(`${stack.httpUrl}/api/menu/water`, {
    method: 'PUT',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ available: false }),
  })
  expect(soldOut.status).toBe(200)
  expect((await post({ guestId: randomUUID(), nickname: 'Cy', drinkId: 'water' })).status).toBe(409)

  const delta = (now: Scrape, name: string, labels?: Record<string, string>) =>
    now.value(name, labels) - before.value(name, labels)
  const after = await scrapeUntil(
    metricsUrl(),
    'the order and the menu published, the order delivered to the bar',
    (now) => {
      return (
        delta(now, 'drinks_messages_published_total', { topic: topics.barOrders }) >= 1 &&
        delta(now, 'drinks_mqtt_messages_received_total', { topic: topics.publicMenu }) >= 1 &&
        delta(now, 'drinks_order_to_bar_seconds_count') >= 1
      )
    },
  )
  expect(delta(after, 'drinks_orders_placed_total')).toBe(1)
  expect(delta(after, 'drinks_orders_refused_total', { reason: 'invalid_input' })).toBe(1)
  expect(delta(after, 'drinks_orders_refused_total', { reason: 'sold_out' })).toBe(1)
  expect(delta(after, 'drinks_http_requests_total', { method: 'POST', route: '/api/orders', status: '201' })).toBe(1)
  expect(delta(after, 'drinks_http_requests_total', { method: 'PUT', route: '/api/menu/:drinkId' })).toBe(1)
  expect(delta(after, 'drinks_http_request_duration_seconds_count', { method: 'POST', route: '/api/orders' })).toBe(3)
  expect(delta(after, 'drinks_publish_failures_total')).toBe(0)
  expect(delta(after, 'drinks_order_to_bar_seconds_count')).toBe(1)
  expect(after.value('drinks_order_to_bar_seconds_sum')).toBeLessThan(5)
  // In npm start the functions hand messages to the broker in the same process (role "broker").
  expect(delta(after, 'drinks_mqtt_messages_received_total', { topic: topics.barOrders })).toBe(1)
  expect(delta(after, 'drinks_mqtt_messages_sent_total', { topic: topics.barOrders, role: 'bar' })).toBe(1)
  // The refusals published nothing; the sold-out drink's menu went out once.
  expect(delta(after, 'drinks_mqtt_messages_received_total', { topic: topics.publicMenu })).toBe(1)
  await bar.endAsync()
  await scrapeUntil(metricsUrl(), 'the bar gone from the connected clients', (now) => {
    return (
      now.value('drinks_mqtt_clients', { role: 'bar' }) === before.value('drinks_mqtt_clients', { role: 'bar' }) - 1
    )
  })
})

test("a printer session's queue shows depth, age and the connection, and empties when it is back", async () => {
  const clientId = `printer-metrics-${randomUUID().slice(0, 8)}`
  const printerOptions = { username: 'printer', password: testTokens.printerToken, clientId, clean: false }
  const first = await connectClient(stack.mqttUrl, printerOptions)
  await first.subscribeAsync(topics.barOrders, { qos: 1 })
  await first.endAsync()

  const placed = await post({ guestId: randomUUID(), nickname: 'Dee', drinkId: 'espresso' })
  expect(placed.status).toBe(201)
  const session = { client_id: clientId }
  const queued = await scrapeUntil(
    metricsUrl(),
    'the order queued for the offline printer',
    (now) => {
      return now.value('drinks_mqtt_session_queued_messages', session) >= 1
    },
    30_000,
  )
  expect(queued.value('drinks_mqtt_session_connected', session)).toBe(0)
  expect(queued.has('drinks_mqtt_session_oldest_queued_age_seconds', session)).toBe(true)

  const back = await connectClient(stack.mqttUrl, printerOptions)
  await scrapeUntil(
    metricsUrl(),
    'the queue delivered once the printer is back',
    (now) => {
      return (
        now.value('drinks_mqtt_session_queued_messages', session) === 0 &&
        now.value('drinks_mqtt_session_connected', session) === 1 &&
        now.value('drinks_mqtt_session_oldest_queued_age_seconds', session) === 0
      )
    },
    30_000,
  )
  await back.endAsync()
})
