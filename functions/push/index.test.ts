import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import webpush from 'web-push'
import { type Order, type ReadyPush, routes } from '../../contract/index.ts'
import { pushRoutes } from '../../contract/push-routes.ts'
import { defaultPushOptions } from '../../runtime/push/options.ts'
import { startPushRelay } from '../../runtime/push/relay.ts'
import { createPushSender } from '../../runtime/push/sender.ts'
import { barAuth, json, quiet, startFunctionDeps, waitFor } from '../../test/harness.ts'
import { type PushServiceStandIn, type StandInSubscription, startPushService } from '../../test/push/push-service.ts'
import { createApp as createPlaceOrder } from '../place-order/index.ts'
import { createApp as createUpdateOrder } from '../update-order/index.ts'
import { createApp } from './index.ts'

const vapid = { subject: 'mailto:bar@example.org', ...webpush.generateVAPIDKeys() }
const options = {
  ...defaultPushOptions,
  allowLoopback: true,
  backoffBaseMs: 100,
  backoffMaxMs: 400,
  maxAttempts: 3,
  timeoutMs: 500,
}

let deps: Awaited<ReturnType<typeof startFunctionDeps>>
let service: PushServiceStandIn
let app: ReturnType<typeof createApp>
let strict: ReturnType<typeof createApp>
let placeApp: ReturnType<typeof createApp>
let updateApp: ReturnType<typeof createApp>
let relay: ReturnType<typeof startPushRelay>

/** The broker's push relay on this suite's database and push service stand-in. */
function relayWith(bounds: { intervalMs?: number; idleSubscriptionMs?: number }) {
  return startPushRelay({
    sql: deps.sql,
    sender: createPushSender({ sql: deps.sql, vapid, log: quiet, options }),
    log: quiet,
    ...bounds,
  })
}

beforeAll(async () => {
  deps = await startFunctionDeps()
  service = await startPushService()
  const withPush = { ...deps, vapidPublicKey: vapid.publicKey, pushAllowLoopback: true }
  app = createApp(withPush)
  strict = createApp({ ...withPush, pushAllowLoopback: false })
  placeApp = createPlaceOrder(withPush)
  updateApp = createUpdateOrder(withPush)
  // The broker's relay, on the same database, with a sender of its own.
  relay = relayWith({ intervalMs: 100 })
})
afterAll(async () => {
  await relay.stop()
  await service.close()
  await deps.close()
})

const post = (target: ReturnType<typeof createApp>, body: unknown) =>
  target.request(pushRoutes.subscriptions, { method: 'POST', headers: json, body: JSON.stringify(body) })

async function place(guestId: string): Promise<Order> {
  const res = await placeApp.request(routes.orders, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId, nickname: 'Mia', drinkId: 'espresso' }),
  })
  return ((await res.json()) as { order: Order }).order
}

async function move(order: Order, ...statuses: string[]) {
  for (const status of statuses) {
    const body = status === 'undo' ? { status: 'preparing', undo: true } : { status }
    const res = await updateApp.request(`/api/orders/${order.id}`, {
      method: 'PATCH',
      headers: { ...json, ...barAuth },
      body: JSON.stringify(body),
    })
    expect(res.status, `${status}: ${await res.clone().text()}`).toBe(200)
  }
}

async function subscribed(guestId: string, language = 'en'): Promise<StandInSubscription> {
  const subscription = service.subscribe()
  const res = await post(app, { guestId, ...subscription.json, language })
  expect(res.status).toBe(201)
  return subscription
}

const subscriptionsOf = async (guestId: string) =>
  (await deps.sql`select endpoint from push_subscriptions where guest_id = ${guestId}`).map((r) => r.endpoint)

describe('GET /api/push/key and POST /api/push/subscriptions', () => {
  test('the key is the VAPID public key', async () => {
    const res = await app.request(pushRoutes.key)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ publicKey: vapid.publicKey })
  })

  test('a subscription is kept per guest id; the same endpoint again is one row', async () => {
    const guestId = randomUUID()
    const subscription = await subscribed(guestId)
    expect(await post(app, { guestId, ...subscription.json, language: 'de' })).toHaveProperty('status', 201)
    expect(await subscriptionsOf(guestId)).toEqual([subscription.json.endpoint])
  })

  test('what does not look like a browser subscription is refused with the field that is wrong', async () => {
    const guestId = randomUUID()
    const { json: good } = service.subscribe()
    const cases: [unknown, string, typeof app][] = [
      [{ guestId, ...good, language: 'en', extra: 1 }, 'extra', app],
      [{ guestId: 'me', ...good, language: 'en' }, 'guestId', app],
      [{ guestId, ...good, language: 'es' }, 'language', app],
      [{ guestId, ...good, keys: { ...good.keys, auth: 'AAAA' }, language: 'en' }, 'keys.auth', app],
      [{ guestId, ...good, keys: { ...good.keys, p256dh: good.keys.auth }, language: 'en' }, 'keys.p256dh', app],
      [
        { guestId, ...good, keys: { ...good.keys, p256dh: `A${good.keys.p256dh.slice(1)}` }, language: 'en' },
        'keys.p256dh',
        app,
      ],
      [{ guestId, ...good, endpoint: `https://push.example.org/${'x'.repeat(2100)}`, language: 'en' }, 'endpoint', app],
      [{ guestId, ...good, endpoint: 'ftp://push.example.org/x', language: 'en' }, 'endpoint', app],
      // Without PUSH_ALLOW_LOOPBACK: https to a host name, nothing else.
      [{ guestId, ...good, language: 'en' }, 'endpoint', strict],
      [{ guestId, ...good, endpoint: 'https://10.0.0.1/push', language: 'en' }, 'endpoint', strict],
      [{ guestId, ...good, endpoint: 'https://[::1]/push', language: 'en' }, 'endpoint', strict],
      [{ guestId, ...good, endpoint: 'https://u:p@fcm.googleapis.com/x', language: 'en' }, 'endpoint', strict],
      // Not a push service: a host inside the cluster, say.
      [
        { guestId, ...good, endpoint: 'https://postgres.drinks.svc.cluster.local/x', language: 'en' },
        'endpoint',
        strict,
      ],
      [{ guestId, ...good, endpoint: 'https://fcm.googleapis.com.evil.example/x', language: 'en' }, 'endpoint', strict],
    ]
    for (const [body, path, target] of cases) {
      const res = await post(target, body)
      expect(res.status, JSON.stringify(body).slice(0, 200)).toBe(400)
      const { error } = (await res.json()) as { error: { code: string; issues: { path: string }[] } }
      expect(error.code).toBe('invalid_input')
      expect(error.issues.map((issue) => issue.path)).toContain(path)
    }
    expect(await subscriptionsOf(guestId)).toEqual([])
    const fine = await post(strict, {
      guestId,
      ...good,
      endpoint: 'https://fcm.googleapis.com/fcm/send/abc',
      language: 'en',
    })
    expect(fine.status).toBe(201)
    const apple = await post(strict, { guestId, ...good, endpoint: 'https://web.push.apple.com/QGz', language: 'en' })
    expect(apple.status).toBe(201)
  })

  test('a guest keeps at most five subscriptions, the newest', async () => {
    const guestId = randomUUID()
    const all = []
    for (let i = 0; i < 7; i++) all.push(await subscribed(guestId))
    expect((await subscriptionsOf(guestId)).sort()).toEqual(
      all
        .slice(2)
        .map((s) => s.json.endpoint)
        .sort(),
    )
  })
})

describe('a ready order is pushed', () => {
  test('once per subscription, with the pickup number and station in the guest language; an undo and a second ready push nothing more', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId, 'de')
    const order = await place(guestId)
    await move(order, 'preparing', 'ready')
    await waitFor(() => phone.received.length === 1, 5000, 'the push')
    const push = JSON.parse(phone.received[0]?.payload ?? '') as ReadyPush
    expect(push).toEqual({
      kind: 'ready',
      orderId: order.id,
      number: order.number,
      station: 'coffee',
      title: `#${order.number} ist bereit`,
      body: `Hol es bei Kaffee (Kaffeewagen beim Eingang) mit der Nummer ${order.number} ab.`,
      url: `/?order=${order.id}`,
    })
    expect(phone.received[0]).toMatchObject({ ttl: 900, urgency: 'high', topic: order.id.replaceAll('-', '') })
    await waitFor(
      async () =>
        (await deps.sql`select 1 from push_outbox where order_id = ${order.id} and sent_at is not null`).length > 0,
    )
    await move(order, 'undo', 'ready')
    // The second "ready" wrote no push (the pair is there already), so neither the function nor
    // the relay has anything to send: one row, tried once, sent.
    const rows = await deps.sql`select attempts, sent_at from push_outbox where order_id = ${order.id}`
    expect(rows).toEqual([{ attempts: 1, sent_at: expect.any(Date) }])
    expect(phone.requests).toBe(1)
    expect(service.problems).toEqual([])
  })

  test('a 410 from the push service removes the subscription', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId)
    phone.answers.push(410)
    await move(await place(guestId), 'preparing', 'ready')
    await waitFor(async () => (await subscriptionsOf(guestId)).length === 0, 5000, 'the subscription to go')
    expect(phone.received).toEqual([])
  })

  test('after a 500 the relay sends it again, once', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId)
    phone.answers.push(500)
    const order = await place(guestId)
    await move(order, 'preparing', 'ready')
    const sent = async () =>
      (await deps.sql`select 1 from push_outbox where order_id = ${order.id} and sent_at is not null`).length === 1
    await waitFor(sent, 10_000, 'the retried push')
    expect(phone.received).toHaveLength(1)
    expect(phone.requests).toBe(2)
    expect(JSON.parse(phone.received[0]?.payload ?? '')).toMatchObject({ number: order.number })
    const [row] = await deps.sql`select attempts, sent_at, gave_up from push_outbox where order_id = ${order.id}`
    expect(row).toMatchObject({ attempts: 2, gave_up: false })
    expect(row?.sent_at).toBeInstanceOf(Date)
  })

  test('a push service that keeps failing is given up after PUSH_MAX_ATTEMPTS tries', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId)
    phone.answers.push(503, 503, 503, 503)
    const order = await place(guestId)
    await move(order, 'preparing', 'ready')
    await waitFor(
      async () => (await deps.sql`select 1 from push_outbox where order_id = ${order.id} and gave_up`).length === 1,
      10_000,
      'the push to be given up',
    )
    expect(phone.requests).toBe(options.maxAttempts)
  })

  test('a push service that does not answer is cut off after PUSH_TIMEOUT_MS and tried again', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId)
    phone.answers.push(null)
    const order = await place(guestId)
    await move(order, 'preparing', 'ready')
    const sent = async () =>
      (await deps.sql`select attempts from push_outbox where order_id = ${order.id} and sent_at is not null`).length ===
      1
    await waitFor(sent, 10_000, 'the push after the timeout')
    expect(phone.requests).toBe(2)
    expect(phone.received).toHaveLength(1)
  })

  test('an answer a retry would only repeat (403: not our VAPID key) is given up at once', async () => {
    const guestId = randomUUID()
    const phone = await subscribed(guestId)
    phone.answers.push(403)
    const order = await place(guestId)
    await move(order, 'preparing', 'ready')
    const gaveUp = async () =>
      (await deps.sql`select 1 from push_outbox where order_id = ${order.id} and gave_up`).length === 1
    await waitFor(gaveUp, 5000, 'the push to be given up')
    expect(phone.requests).toBe(1)
    expect(await subscriptionsOf(guestId)).toHaveLength(1)
  })

  test('subscriptions are forgotten once the guest has no open order; the bar answers without waiting for the push service', async () => {
    const guestId = randomUUID()
    await subscribed(guestId)
    const first = await place(guestId)
    const second = await place(guestId)
    await move(first, 'preparing', 'ready', 'delivered')
    expect(await subscriptionsOf(guestId)).toHaveLength(1)
    await move(second, 'cancelled')
    expect(await subscriptionsOf(guestId)).toEqual([])
  })
})

test('the commit that marks an order ready wakes the relay (NOTIFY): no wait for its next round', async () => {
  await relay.stop()
  // A relay whose own timer would not fire within the test.
  relay = relayWith({ intervalMs: 600_000 })
  const guestId = randomUUID()
  const phone = await subscribed(guestId)
  const order = await place(guestId)
  await move(order, 'preparing', 'ready')
  await waitFor(() => phone.received.length === 1, 10_000, 'the push')
})

test('the relay forgets subscriptions idle for its bound whose guest has no open order', async () => {
  await relay.stop()
  relay = relayWith({ idleSubscriptionMs: 300 })
  const idle = randomUUID()
  const waiting = randomUUID()
  await subscribed(idle)
  await place(waiting)
  await subscribed(waiting)
  await waitFor(async () => (await subscriptionsOf(idle)).length === 0, 5000, 'the idle subscription to go')
  expect(await subscriptionsOf(waiting)).toHaveLength(1)
})
