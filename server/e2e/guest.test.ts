/**
 * The guest page in a real browser: ordering in two languages, a sold-out switch seen live,
 * change and cancel, an order tapped without network, and the ready moment.
 */

import { expect, test } from 'vitest'
import { barOrders, e2eForFile, expectAccessible, openBar, openGuest, order } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

/** The orders the server holds for a nickname, as the bar's API lists them. */
const ordersOf = async (nickname: string) => (await barOrders(e2e)).filter((o) => o.nickname === nickname)

test('a German phone orders in German; the choice of Italian is kept; a French phone orders in French', async () => {
  const context = await e2e.context({ locale: 'de-CH' })
  const guest = await openGuest(e2e, context)
  expect(await guest.locator('html').getAttribute('lang')).toBe('de')
  await expect.poll(() => guest.getByRole('heading', { level: 2 }).first().textContent()).toBe('Getränk bestellen')
  const number = await order(guest, 'Lena', 'Bier')
  const item = guest.getByTestId('guest-order').first()
  expect(await item.getByTestId('order-status').textContent()).toBe('Bestellt')
  expect(await item.textContent()).toMatch(/1 × Bier.*bestellt um \d\d:\d\d/)
  expect(await guest.getByTestId('order-outcome').textContent()).toBe(`Bestellt! Deine Abholnummer ist ${number}.`)
  await expectAccessible(guest, 'the guest page in German, with an order')

  await guest.getByRole('combobox', { name: 'Sprache' }).selectOption('it')
  await expect.poll(() => item.getByTestId('order-status').textContent()).toBe('Ordinato')
  expect(await guest.getByRole('button', { name: 'Birra' }).count()).toBe(1)
  await guest.reload()
  await expect.poll(() => guest.locator('html').getAttribute('lang')).toBe('it')
  await expect.poll(() => guest.getByTestId('guest-order').first().textContent()).toContain('1 × Birra')

  const french = await openGuest(e2e, await e2e.context({ locale: 'fr-FR' }))
  await order(french, 'Léa', 'Thé')
  expect(await french.getByTestId('guest-order').first().getByTestId('order-status').textContent()).toBe('Commandée')
  expect(await french.getByRole('button', { name: 'Commander' }).count()).toBe(1)
})

test('a drink switched sold out by the bar greys out on an open guest page at once, and comes back', async () => {
  const guest = await openGuest(e2e)
  const bar = await openBar(e2e)
  const wine = guest.locator('[data-drink="red-wine"]')
  expect(await wine.isDisabled()).toBe(false)

  await bar.getByRole('switch', { name: 'Red wine' }).uncheck()
  await expect.poll(() => wine.isDisabled()).toBe(true)
  expect(await wine.textContent()).toContain('Sold out')
  await expectAccessible(guest, 'the guest page with a drink sold out')

  await bar.getByRole('switch', { name: 'Red wine' }).check()
  await expect.poll(() => wine.isDisabled()).toBe(false)
})

test('a guest changes an order while it is placed, then cancels it; the bar follows', async () => {
  const guest = await openGuest(e2e)
  const bar = await openBar(e2e)
  const nickname = `Ben ${Date.now() % 10_000}`
  await order(guest, nickname, 'Water')
  const card = bar.getByTestId('order-card').filter({ hasText: nickname })
  await card.waitFor()

  const item = guest.getByTestId('guest-order').first()
  await item.getByRole('button', { name: 'Change' }).click()
  await item.getByLabel('Quantity').selectOption('3')
  await item.getByRole('button', { name: 'Save' }).click()
  await expect.poll(() => card.locator('.ticket-drink').textContent()).toBe('3 × Water')

  const cancel = item.getByTestId('cancel-order')
  await cancel.click()
  expect(await cancel.textContent()).toBe('Really cancel?')
  await cancel.click()
  await expect.poll(() => item.getByTestId('order-status').getAttribute('data-status')).toBe('cancelled')
  await expect.poll(() => card.count()).toBe(0)
  expect((await ordersOf(nickname)).map((o) => o.status)).toEqual(['cancelled'])
})

test('an order tapped offline is kept, said so, and sent once when the network is back', async () => {
  const context = await e2e.context()
  const guest = await openGuest(e2e, context)
  const nickname = `Cleo ${Date.now() % 10_000}`
  await guest.getByTestId('nickname').fill(nickname)

  await context.setOffline(true)
  await guest.getByTestId('offline').waitFor()
  await guest.getByRole('button', { name: 'Tea' }).click()
  await guest.getByTestId('place-order').click()
  const queued = guest.getByTestId('queued-order')
  await queued.waitFor()
  expect(await queued.textContent()).toContain('Waiting for the network')
  expect(await guest.getByTestId('order-outcome').textContent()).toContain('sent as soon as the connection is back')
  expect(await ordersOf(nickname)).toEqual([])
  await expectAccessible(guest, 'the guest page offline, with an order waiting')

  await context.setOffline(false)
  await expect.poll(() => queued.count(), { timeout: 10_000 }).toBe(0)
  const item = guest.getByTestId('guest-order').first()
  await expect.poll(() => item.getByTestId('order-status').getAttribute('data-status')).toBe('placed')
  expect(await guest.getByTestId('offline').count()).toBe(0)
  expect((await ordersOf(nickname)).map((o) => o.drinkId)).toEqual(['tea'])
})

test('an order whose answer was lost on the way is sent again under its id and counted once', async () => {
  const guest = await openGuest(e2e)
  const nickname = `Dan ${Date.now() % 10_000}`
  const sent: string[] = []
  guest.on('request', (request) => {
    if (request.method() === 'POST' && request.url().endsWith('/api/orders')) sent.push(request.postData() ?? '')
  })
  // The server takes the order, but its answer never reaches the page.
  let lost = false
  await guest.route('**/api/orders', async (route) => {
    if (route.request().method() !== 'POST' || lost) return route.continue()
    lost = true
    await route.fetch()
    await route.abort('failed')
  })
  await guest.getByTestId('nickname').fill(nickname)
  await guest.getByRole('button', { name: 'Coffee' }).click()
  await guest.getByTestId('place-order').click()

  // Sent again by the outbox (its first retry comes after two seconds), with the same body and id.
  await expect.poll(() => sent.length, { timeout: 10_000 }).toBe(2)
  expect(sent[1]).toBe(sent[0])
  await expect.poll(() => guest.evaluate(() => localStorage.getItem('drinks.outbox'))).toBeNull()
  await guest.getByTestId('guest-order').first().waitFor()
  expect(await guest.getByTestId('guest-order').count()).toBe(1)
  expect(await guest.getByTestId('queued-order').count()).toBe(0)
  expect(await ordersOf(nickname)).toHaveLength(1)
})

test('the ready moment: the number large, the title, a vibration, and a notification in the background', async () => {
  const context = await e2e.context()
  // Records what the phone would do, and lets the test put the page in the background.
  await context.addInitScript(() => {
    const calls = { vibrate: [] as unknown[], notifications: [] as { title: string; body?: string }[] }
    let hidden = false
    Object.assign(window, {
      __calls: calls,
      __setHidden(value: boolean) {
        hidden = value
        document.dispatchEvent(new Event('visibilitychange'))
      },
    })
    Object.defineProperty(Document.prototype, 'visibilityState', { get: () => (hidden ? 'hidden' : 'visible') })
    Object.defineProperty(Document.prototype, 'hidden', { get: () => hidden })
    navigator.vibrate = (pattern) => calls.vibrate.push(pattern) > 0
    const show = ServiceWorkerRegistration.prototype.showNotification
    ServiceWorkerRegistration.prototype.showNotification = function (title, options) {
      calls.notifications.push({ title, body: options?.body })
      return show.call(this, title, options)
    }
  })
  const guest = await openGuest(e2e, context)
  const bar = await openBar(e2e)
  const nickname = `Eve ${Date.now() % 10_000}`
  const number = await order(guest, nickname, 'Espresso')

  await context.grantPermissions(['notifications'])
  await guest.getByTestId('notify-me').click()
  await guest.getByTestId('notify-on').waitFor()
  await guest.evaluate(() => (window as unknown as { __setHidden(h: boolean): void }).__setHidden(true))

  const card = bar.getByTestId('order-card').filter({ hasText: nickname })
  await card.getByTestId('advance').click()
  await card.getByTestId('advance').click()
  await guest.getByTestId('ready-banner').waitFor({ timeout: 15_000 })
  expect(await guest.getByTestId('ready-number').textContent()).toBe(number)
  expect(await guest.title()).toBe(`#${number} is ready · Drinks`)
  const calls = await guest.evaluate(() => (window as unknown as { __calls: unknown }).__calls)
  expect(calls).toEqual({
    vibrate: [[200, 100, 200]],
    notifications: [{ title: `#${number} is ready`, body: `Pick it up at the bar with number ${number}.` }],
  })
  await expectAccessible(guest, 'the guest page at the ready moment')

  await guest.getByRole('button', { name: 'Got it' }).click()
  expect(await guest.getByTestId('ready-banner').count()).toBe(0)
  expect(await guest.title()).toBe('Drinks')
}, 40_000)

test('the live ticker names who ordered what', async () => {
  const watcher = await openGuest(e2e)
  const guest = await openGuest(e2e)
  const nickname = `Fay ${Date.now() % 10_000}`
  await order(guest, nickname, 'Orange juice')
  await expect.poll(() => watcher.getByTestId('ticker').textContent()).toContain(`${nickname} ordered Orange juice`)
})

test('a nickname with joined emoji orders, and the bar shows it as typed', async () => {
  const nickname = '👩‍💻 Ana 🏳️‍🌈 👨‍👩‍👧'
  const guest = await openGuest(e2e)
  const bar = await openBar(e2e)
  const number = await order(guest, nickname, 'Tea')
  expect(number).not.toBe('')
  expect(await guest.getByRole('alert').count()).toBe(0)
  const card = bar.locator('.ticket-nickname', { hasText: nickname })
  await card.waitFor({ timeout: 10_000 })
  expect(await card.textContent()).toBe(nickname)
  expect((await ordersOf(nickname)).map((o) => o.nickname)).toEqual([nickname])
})
