/**
 * The guest page reopened without a connection, in a real browser on the whole stack: the
 * service worker gives the page and the last menu, the page its own copy of the orders, marked
 * as last known; an order placed then is sent once when the connection is back.
 */

import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import { e2eForFile, expectAccessible, openGuest, order, testTokens } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

async function ordersOf(nickname: string): Promise<Order[]> {
  const res = await fetch(`${e2e.stack.httpUrl}/api/orders`, {
    headers: { authorization: `Bearer ${testTokens.barToken}` },
  })
  const { orders } = (await res.json()) as { orders: Order[] }
  return orders.filter((o) => o.nickname === nickname)
}

/** Once the service worker controls the page, it has kept this build's files and the menu. */
const controlled = (page: Page) => page.evaluate(() => navigator.serviceWorker.controller !== null)

test('reopened without a connection, the page shows the nickname, the orders as last known and the menu; an order placed then is sent once', async () => {
  const context = await e2e.context()
  const guest = await openGuest(e2e, context)
  const nickname = `Nomad ${Date.now() % 10_000}`
  const number = await order(guest, nickname, 'Beer')
  await expect.poll(() => controlled(guest), { timeout: 15_000 }).toBe(true)
  expect(await guest.getByTestId('orders-as-of').count()).toBe(0)

  await context.setOffline(true)
  await guest.reload()
  await guest.getByTestId('offline').waitFor()
  expect(await guest.getByTestId('nickname').inputValue()).toBe(nickname)
  expect(await guest.getByRole('button', { name: 'Water' }).isEnabled()).toBe(true)
  const kept = guest.getByTestId('guest-order')
  await kept.first().waitFor()
  expect(await kept.count()).toBe(1)
  expect(await kept.first().locator('.pickup').textContent()).toContain(number)
  expect(await kept.first().getByTestId('order-status').textContent()).toBe('Placed')
  expect(await guest.getByTestId('orders-as-of').textContent()).toMatch(/^As of \d\d:\d\d( [AP]M)?, offline$/)
  await expectAccessible(guest, 'the guest page reopened offline')

  await guest.getByRole('button', { name: 'Water' }).click()
  await guest.getByTestId('place-order').click()
  await guest.getByTestId('queued-order').waitFor()
  expect(await ordersOf(nickname)).toHaveLength(1)

  await context.setOffline(false)
  await expect.poll(() => guest.getByTestId('queued-order').count(), { timeout: 15_000 }).toBe(0)
  await expect.poll(() => kept.count(), { timeout: 10_000 }).toBe(2)
  expect(await guest.getByTestId('orders-as-of').count()).toBe(0)
  const stored = await ordersOf(nickname)
  expect(stored.map((o) => o.drinkId).sort()).toEqual(['beer', 'water'])

  // Once more online: the queue is empty for good, and the server still has the two.
  await guest.reload()
  await expect.poll(() => kept.count(), { timeout: 10_000 }).toBe(2)
  expect(await guest.getByTestId('queued-order').count()).toBe(0)
  expect(await ordersOf(nickname)).toHaveLength(2)
})

test('offline, no API answer but the menu comes from a cache: the orders are the page’s own copy', async () => {
  const context = await e2e.context()
  const guest = await openGuest(e2e, context)
  await order(guest, `Keeper ${Date.now() % 10_000}`, 'Tea')
  await expect.poll(() => controlled(guest), { timeout: 15_000 }).toBe(true)
  await context.setOffline(true)
  const answers = await guest.evaluate(async () => {
    const status = (url: string) =>
      fetch(url).then(
        (res) => res.status,
        () => 'failed',
      )
    const guestId = localStorage.getItem('drinks.guestId') ?? ''
    return {
      menu: await status('/api/menu'),
      orders: await status(`/api/orders?guestId=${guestId}`),
      config: await status('/config.json'),
    }
  })
  expect(answers).toEqual({ menu: 200, orders: 'failed', config: 200 })
})

test('once on screen, the page links a web app manifest that opens it standalone, with icons of the sizes it names', async () => {
  const guest = await openGuest(e2e)
  await expect
    .poll(() => guest.evaluate(() => document.querySelector('link[rel="manifest"]')?.getAttribute('href')), {
      timeout: 10_000,
    })
    .toBe('/manifest.webmanifest')
  const icons = await guest.evaluate(async () => {
    const manifest = await (await fetch('/manifest.webmanifest')).json()
    const sizes = await Promise.all(
      (manifest.icons as { src: string; sizes: string }[]).map(async (icon) => {
        const bitmap = await createImageBitmap(await (await fetch(icon.src)).blob())
        return { named: icon.sizes, drawn: `${bitmap.width}x${bitmap.height}` }
      }),
    )
    return { start: manifest.start_url, display: manifest.display, sizes }
  })
  expect(icons.start).toBe('/')
  expect(icons.display).toBe('standalone')
  expect(icons.sizes.length).toBeGreaterThan(0)
  for (const { named, drawn } of icons.sizes) expect(drawn).toBe(named)
  const touch = await guest.evaluate(async () => {
    const href = document.querySelector('link[rel="apple-touch-icon"]')?.getAttribute('href') ?? ''
    const bitmap = await createImageBitmap(await (await fetch(href)).blob())
    return `${bitmap.width}x${bitmap.height}`
  })
  expect(touch).toBe('180x180')
})
