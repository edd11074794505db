/**
 * The bar at a rush, in a real browser: a move reaches the guest at once, undo is a step back
 * every screen sees, a guest cannot cancel what the bar started, forty orders fit a tablet,
 * the keyboard stays in the queue, and the pickup board needs no token.
 */
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import {
  barOrders,
  e2eForFile,
  expectAccessible,
  moveOrder,
  openBar,
  openGuest,
  order,
  placeOrder,
  testTokens,
} from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

const statusOf = async (id: string) => (await barOrders(e2e)).find((o) => o.id === id)?.status ?? 'missing'
const cardOf = (bar: Page, nickname: string) => bar.getByTestId('order-card').filter({ hasText: nickname })
const nick = (name: string) => `${name} ${Date.now() % 10_000}`

test('with forty open orders, every placed order shows its number and drink on a 1280×800 tablet', async () => {
  // First in this file, so these forty are all the open orders there are.
  const orders: Order[] = []
  const drinks = ['beer', 'espresso', 'tea', 'water', 'red-wine', 'white-wine', 'coffee', 'orange-juice']
  for (let i = 0; i < 40; i++) orders.push(await placeOrder(e2e, `Rush ${i}`, drinks[i % drinks.length] ?? 'tea'))
  const bar = await openBar(e2e)
  await expect
    .poll(() => bar.locator('[data-testid="order-card"][data-status="placed"]').count(), {
      message: 'all forty placed orders on the bar',
      timeout: 10_000,
    })
    .toBe(40)
  // Each number and drink lies inside the viewport and is what the screen shows there: not
  // clipped by a column, not under another element.
  const hidden = await bar.evaluate(() => {
    const seen = (element: Element | null) => {
      if (!element) return false
      const box = element.getBoundingClientRect()
      if (box.top < 0 || box.left < 0 || box.bottom > innerHeight || box.right > innerWidth) return false
      const atCentre = document.elementFromPoint(box.left + box.width / 2, box.top + box.height / 2)
      return atCentre !== null && (element.contains(atCentre) || atCentre.contains(element))
    }
    return [...document.querySelectorAll('[data-testid="order-card"][data-status="placed"]')]
      .filter((card) => !seen(card.querySelector('.ticket-number')) || !seen(card.querySelector('.ticket-drink')))
      .map((card) => card.querySelector('.ticket-number')?.textContent)
  })
  expect(hidden, 'placed orders whose number or drink is off the screen').toEqual([])
  expect(await bar.evaluate(() => document.scrollingElement?.scrollTop)).toBe(0)
  await expectAccessible(bar, 'the bar display at a rush')

  for (const placed of orders) await moveOrder(e2e, placed.id, 'cancelled')
}, 60_000)

test('a move reaches the guest within a second of the tap; undo steps back on every screen', async () => {
  const bar = await openBar(e2e)
  const otherBar = await openBar(e2e)
  const guest = await openGuest(e2e)
  const nickname = nick('Gus')
  await order(guest, nickname, 'Beer')
  const card = cardOf(bar, nickname)
  await card.waitFor()
  const id = (await card.getAttribute('data-order-id')) ?? ''
  const status = guest.getByTestId('guest-order').first().getByTestId('order-status')

  await card.getByRole('button', { name: 'Start' }).click()
  await expect
    .poll(() => status.getAttribute('data-status'), { timeout: 1000, message: 'the guest sees it within a second' })
    .toBe('preparing')
  await expect.poll(() => cardOf(otherBar, nickname).getAttribute('data-status')).toBe('preparing')

  await bar.getByRole('button', { name: 'Undo' }).click()
  await expect.poll(() => status.getAttribute('data-status'), { message: 'the guest sees the undo' }).toBe('placed')
  await expect.poll(() => card.getAttribute('data-status'), { message: 'the bar sees the undo' }).toBe('placed')
  await expect
    .poll(() => cardOf(otherBar, nickname).getAttribute('data-status'), { message: 'another bar sees the undo' })
    .toBe('placed')
  expect(await statusOf(id)).toBe('placed')
  expect(await bar.getByRole('button', { name: 'Undo' }).count()).toBe(0)

  // A cancel is undone the same way, and the guest sees the order come back.
  await card.getByRole('button', { name: 'Cancel' }).click()
  await expect.poll(() => status.getAttribute('data-status'), { timeout: 1000 }).toBe('cancelled')
  await bar.getByRole('button', { name: 'Undo' }).click()
  await expect.poll(() => cardOf(bar, nickname).getAttribute('data-status')).toBe('placed')
  await expect.poll(() => status.getAttribute('data-status')).toBe('placed')
}, 30_000)

test("a guest's cancel after the bar's tap is refused, in the guest's own words", async () => {
  const bar = await openBar(e2e)
  const context = await e2e.context({ locale: 'de-DE' })
  // This phone hears nothing live (its MQTT worker never loads), so it still offers the cancel
  // when the bar has started, as a phone whose update is still on its way would.
  await context.route(/mqtt-worker/, (route) => route.abort())
  const guest = await e2e.page(context)
  await guest.goto(e2e.stack.httpUrl)
  const nickname = nick('Ida')
  await order(guest, nickname, 'Bier')
  await cardOf(bar, nickname).getByRole('button', { name: 'Start' }).click()
  await expect
    .poll(async () => statusOf((await cardOf(bar, nickname).getAttribute('data-order-id')) ?? ''))
    .toBe('preparing')

  const item = guest.getByTestId('guest-order').first()
  await item.getByRole('button', { name: 'Stornieren' }).click({ timeout: 5000 })
  await item.getByRole('button', { name: 'Wirklich stornieren?' }).click({ timeout: 5000 })
  await expect
    .poll(() => guest.getByRole('alert').allTextContents(), { message: 'the refusal in German' })
    .toEqual(['Die Bar hat schon damit begonnen: Die Bestellung lässt sich nicht mehr ändern.'])
  await expect.poll(() => item.getByTestId('order-status').getAttribute('data-status')).toBe('preparing')
})

test('after a tap the keyboard stays in the queue, on the next card', async () => {
  const bar = await openBar(e2e)
  const first = await placeOrder(e2e, nick('Kai'), 'water')
  const second = await placeOrder(e2e, nick('Lou'), 'water')
  const firstCard = bar.locator(`[data-order-id="${first.id}"]`)
  await bar.locator(`[data-order-id="${second.id}"]`).waitFor()
  await firstCard.getByRole('button', { name: 'Start' }).focus()
  await bar.keyboard.press('Enter')
  await expect.poll(() => firstCard.getAttribute('data-status')).toBe('preparing')
  const focused = () =>
    bar.evaluate(() => document.activeElement?.closest('[data-testid="order-card"]')?.getAttribute('data-order-id'))
  await expect.poll(focused, { message: 'focus on the next placed card' }).toBe(second.id)
  for (const id of [first.id, second.id]) await moveOrder(e2e, id, 'cancelled')
})

test('the pickup board needs no token and shows ready numbers only', async () => {
  const placed = await placeOrder(e2e, 'Board Bea', 'espresso')
  const context = await e2e.context({ viewport: { width: 1920, height: 1080 } })
  const board = await e2e.page(context)
  await board.goto(`${e2e.stack.httpUrl}/?board`)
  const numbers = board.getByTestId('board-numbers')
  await board.getByRole('heading', { name: 'Ready for pickup' }).waitFor({ timeout: 10_000 })
  expect(await board.getByLabel('Bar token').count()).toBe(0)
  // The heading shows before the board's MQTT worker has connected: the move is seen live.
  await expect.poll(() => board.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  await moveOrder(e2e, placed.id, 'preparing')
  await moveOrder(e2e, placed.id, 'ready')
  await expect.poll(() => numbers.locator('li').allTextContents()).toContain(String(placed.number))
  const page = await board.content()
  expect(page).not.toContain('Board Bea')
  expect(page).not.toContain(placed.id)
  expect(await board.evaluate(() => JSON.stringify(localStorage))).not.toContain(testTokens.barToken)

  await moveOrder(e2e, placed.id, 'delivered')
  await expect.poll(() => numbers.locator('li').allTextContents()).not.toContain(String(placed.number))
})
