/**
 * Web Push in Chromium, end to end: the guest page subscribes through its own code and API path,
 * the bar marks the order ready, and a push service stand-in on loopback (test/push) takes the
 * push and decrypts it with the subscription's keys. Chromium's own subscriptions go to Google's
 * push service, out of reach here, so `PushManager.subscribe` hands the page a subscription whose
 * endpoint and keys are the stand-in's; everything else is the page's and the server's own. The
 * service worker shows the push it gets (delivered through the DevTools protocol as a real push
 * event) as a notification.
 */
import type { BrowserContext, Page } from 'playwright-core'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import webpush from 'web-push'
import type { ReadyPush } from '../../contract/index.ts'
import { type E2e, openGuest, order, startE2e, testTokens } from '../../test/e2e/stack-page.ts'
import { scrape } from '../../test/prometheus.ts'
import { type PushServiceStandIn, type StandInSubscription, startPushService } from '../../test/push/push-service.ts'
import { waitFor } from '../../test/wait.ts'

/** What the tests read of the service worker's scope (the DOM library has no worker types here). */
interface WorkerScope {
  registration: ServiceWorkerRegistration
  showReadyNotice(push: unknown): Promise<void>
  renewPushSubscription(subscription: unknown): Promise<void>
}

const vapid = { subject: 'mailto:bar@example.org', ...webpush.generateVAPIDKeys() }
let service: PushServiceStandIn
let e2e: E2e
let sql: postgres.Sql

beforeAll(async () => {
  service = await startPushService()
  e2e = await startE2e({ vapid, push: { allowLoopback: true, backoffBaseMs: 200, backoffMaxMs: 400 } })
  sql = postgres(e2e.databaseUrl, { max: 2, onnotice: () => {} })
}, 180_000)
afterAll(async () => {
  await sql?.end({ timeout: 5 })
  await e2e?.close()
  await service?.close()
})

/**
 * A phone whose browser subscribes to the stand-in: `PushManager.subscribe` gives the stand-in's
 * endpoint and keys, and remembers the key it was asked to subscribe with.
 */
async function phoneOf(subscription: StandInSubscription): Promise<BrowserContext> {
  const context = await e2e.context()
  await context.addInitScript((json) => {
    let current: PushSubscription | null = null
    PushManager.prototype.subscribe = async (options?: PushSubscriptionOptionsInit) => {
      const key = new Uint8Array(options?.applicationServerKey as Uint8Array)
      ;(globalThis as { subscribedWith?: string }).subscribedWith = btoa(String.fromCharCode(...key))
      current = {
        endpoint: json.endpoint,
        options: { applicationServerKey: key.buffer, userVisibleOnly: true },
        toJSON: () => ({ endpoint: json.endpoint, expirationTime: null, keys: json.keys }),
        unsubscribe: async () => {
          current = null
          return true
        },
      } as unknown as PushSubscription
      return current
    }
    PushManager.prototype.getSubscription = async () => current
  }, subscription.json)
  return context
}

/** The bar moves an order on, as the bar display does. */
async function barMoves(orderId: string, ...statuses: string[]) {
  for (const status of statuses) {
    const res = await fetch(`${e2e.stack.httpUrl}/api/orders/${orderId}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${testTokens.barToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ status }),
    })
    expect(res.status).toBe(200)
  }
}

async function guestIdOf(page: Page): Promise<string> {
  return page.evaluate(() => localStorage.getItem('drinks.guestId') ?? '')
}

const subscriptionsOf = async (guestId: string) =>
  (await sql`select endpoint, language from push_subscriptions where guest_id = ${guestId}`).map((row) => ({ ...row }))

/** Orders a drink and turns on notifications through the page's "Notify me". */
async function orderAndAllow(
  context: BrowserContext,
  nickname: string,
): Promise<{ page: Page; number: string; orderId: string }> {
  const page = await openGuest(e2e, context)
  const number = await order(page, nickname, 'Espresso')
  const orderId = (await page.getByTestId('guest-order').first().getAttribute('data-order-id')) ?? ''
  await page.getByTestId('notify-me').waitFor()
  // The guest's "Allow" in the browser's prompt.
  await context.grantPermissions(['notifications'], { origin: e2e.stack.httpUrl })
  await page.getByTestId('notify-me').click()
  await page.getByTestId('notify-on').waitFor()
  // The worker keeps the page for a visit offline: it is active once that is cached.
  await page.evaluate(async () => void (await navigator.serviceWorker.ready))
  return { page, number, orderId }
}

test('a ready order reaches the guest as one push holding the pickup number; the service worker shows it', async () => {
  const phone = service.subscribe()
  const context = await phoneOf(phone)
  const { page, number, orderId } = await orderAndAllow(context, 'Noa')
  const guestId = await guestIdOf(page)
  await waitFor(async () => (await subscriptionsOf(guestId)).length === 1, 10_000, 'the subscription')
  expect(await subscriptionsOf(guestId)).toEqual([{ endpoint: phone.json.endpoint, language: 'en' }])
  // The page subscribed with the server's VAPID key.
  const asked = await page.evaluate(() => (globalThis as { subscribedWith?: string }).subscribedWith ?? '')
  expect(Buffer.from(asked, 'base64').toString('base64url')).toBe(vapid.publicKey)

  // The guest switches to German: the pushes follow.
  await page.getByRole('combobox', { name: 'Language' }).selectOption('de')
  await waitFor(async () => (await subscriptionsOf(guestId))[0]?.language === 'de', 10_000, 'the German subscription')

  await barMoves(orderId, 'preparing', 'ready')
  await waitFor(() => phone.received.length === 1, 10_000, 'the push')
  const push = JSON.parse(phone.received[0]?.payload ?? '') as ReadyPush
  expect(push).toMatchObject({ kind: 'ready', orderId, number: Number(number), station: 'coffee' })
  expect(push.title).toBe(`#${number} ist bereit`)
  expect(service.problems).toEqual([])

  // The phone's browser gets that push: a real push event, through the DevTools protocol.
  const devtools = await context.newCDPSession(page)
  const registered = new Promise<string>((resolve) => {
    devtools.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      const ours = registrations.find((r) => r.scopeURL.startsWith(e2e.stack.httpUrl) && !r.isDeleted)
      if (ours) resolve(ours.registrationId)
    })
  })
  await devtools.send('ServiceWorker.enable')
  await devtools.send('ServiceWorker.deliverPushMessage', {
    origin: e2e.stack.httpUrl,
    registrationId: await registered,
    data: phone.received[0]?.payload ?? '',
  })
  const worker = context.serviceWorkers().find((w) => w.url().endsWith('/sw.js'))
  if (!worker) throw new Error('no service worker')
  const shown = async () =>
    worker.evaluate(async () =>
      (await (self as unknown as WorkerScope).registration.getNotifications()).map((n: Notification) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        url: (n.data as { url?: string } | null)?.url,
      })),
    )
  await waitFor(async () => (await shown()).length === 1, 10_000, 'the notification')
  expect(await shown()).toEqual([
    {
      title: `#${number} ist bereit`,
      body: `Hol es bei Kaffee (Kaffeewagen beim Eingang) mit der Nummer ${number} ab.`,
      tag: `ready-${orderId}`,
      url: `/?order=${orderId}`,
    },
  ])
  // Exactly one push for the order, also after the bar's next moves.
  await barMoves(orderId, 'delivered')
  expect(phone.requests).toBe(1)
  // Its guest has no open order left: the subscription is forgotten.
  expect(await subscriptionsOf(guestId)).toEqual([])
})

test("the worker's show path, called directly, shows the pickup number in the guest's words", async () => {
  const phone = service.subscribe()
  const context = await phoneOf(phone)
  await orderAndAllow(context, 'Ada')
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
  const payload: ReadyPush = {
    kind: 'ready',
    orderId: 'b9d5f6a2-4c1e-4b8a-9f3e-2a7c1d0e5f48',
    number: 77,
    station: null,
    title: 'N. 77 pronto',
    body: 'Ritirala al bar con il numero 77.',
    url: '/?order=b9d5f6a2-4c1e-4b8a-9f3e-2a7c1d0e5f48',
  }
  const titles = await worker.evaluate(async (push) => {
    const scope = self as unknown as WorkerScope
    await scope.showReadyNotice(push)
    return (await scope.registration.getNotifications({ tag: `ready-${push.orderId}` })).map(
      (n) => `${n.title} · ${n.body}`,
    )
  }, payload)
  expect(titles).toEqual(['N. 77 pronto · Ritirala al bar con il numero 77.'])
})

test('when the push service renews the subscription, the worker registers the new one for its guest', async () => {
  const phone = service.subscribe()
  const context = await phoneOf(phone)
  const { page } = await orderAndAllow(context, 'Kim')
  const guestId = await guestIdOf(page)
  await waitFor(async () => (await subscriptionsOf(guestId)).length === 1, 10_000, 'the subscription')
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'))
  // What the browser hands the pushsubscriptionchange event: the renewed subscription.
  const renewed = service.subscribe()
  await worker.evaluate(async (json) => {
    const scope = self as unknown as WorkerScope
    await scope.renewPushSubscription({ toJSON: () => json })
  }, renewed.json)
  expect((await subscriptionsOf(guestId)).map((row) => row.endpoint).sort()).toEqual(
    [phone.json.endpoint, renewed.json.endpoint].sort(),
  )
})

test('a 410 from the push service removes the subscription', async () => {
  const phone = service.subscribe()
  phone.answers.push(410)
  const { page, orderId } = await orderAndAllow(await phoneOf(phone), 'Ben')
  const guestId = await guestIdOf(page)
  await waitFor(async () => (await subscriptionsOf(guestId)).length === 1, 10_000, 'the subscription')
  await barMoves(orderId, 'preparing', 'ready')
  await waitFor(async () => (await subscriptionsOf(guestId)).length === 0, 10_000, 'the subscription to go')
  expect(phone.requests).toBe(1)
  expect(phone.received).toEqual([])
})

test('a push the push service failed with 500 is sent again, once', async () => {
  const phone = service.subscribe()
  phone.answers.push(500)
  const { page, number, orderId } = await orderAndAllow(await phoneOf(phone), 'Eli')
  await waitFor(async () => (await subscriptionsOf(await guestIdOf(page))).length === 1, 10_000, 'the subscription')
  await barMoves(orderId, 'preparing', 'ready')
  await waitFor(
    async () => (await sql`select 1 from push_outbox where order_id = ${orderId} and sent_at is not null`).length === 1,
    15_000,
    'the retried push',
  )
  expect(phone.requests).toBe(2)
  expect(phone.received.map((r) => (JSON.parse(r.payload) as ReadyPush).number)).toEqual([Number(number)])
  // Counted for the operator: the tries that failed and were retried, the ones sent.
  const metrics = await scrape(`${e2e.stack.httpUrl}/metrics`)
  expect(metrics.value('drinks_pushes_total', { outcome: 'retry' })).toBeGreaterThanOrEqual(1)
  expect(metrics.value('drinks_pushes_total', { outcome: 'sent' })).toBeGreaterThanOrEqual(1)
})

test('on iOS outside the home screen the page says how to get notifications, and offers none', async () => {
  const context = await e2e.context({
    userAgent:
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
  })
  const page = await openGuest(e2e, context)
  await order(page, 'Ida', 'Tea')
  await page.getByTestId('notify-install').waitFor()
  expect(await page.getByTestId('notify-install').textContent()).toContain('add this page to your home screen')
  expect(await page.getByTestId('notify-me').count()).toBe(0)
})
