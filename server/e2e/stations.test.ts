/**
 * Stations in a real browser: a station's bar display shows and beeps for its orders only, the
 * guest reads where to pick up in their language, and the pickup board shows one station or all.
 */
import { expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import { e2eForFile, expectAccessible, openGuest, order, testTokens } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

const bearer = { authorization: `Bearer ${testTokens.barToken}`, 'content-type': 'application/json' }

/** Places an order straight through the API, as another guest's phone would. */
async function placeOrder(nickname: string, drinkId: string): Promise<Order> {
  const res = await fetch(`${e2e.stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId: crypto.randomUUID(), nickname, drinkId }),
  })
  expect(res.status).toBe(201)
  return ((await res.json()) as { order: Order }).order
}

/** Moves an order as another bar screen would. */
async function move(id: string, ...statuses: string[]): Promise<void> {
  for (const status of statuses) {
    const res = await fetch(`${e2e.stack.httpUrl}/api/orders/${id}`, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ status }),
    })
    expect(res.status).toBe(200)
  }
}

test("a station's bar display shows its orders only, and its drinks' switches only", async () => {
  // Placed before the display opens: it catches up with its station's orders only.
  const beerBefore = await placeOrder('Bruno Bier', 'beer')
  const teaBefore = await placeOrder('Tina Tee', 'tea')
  const bar = await e2e.page(await e2e.context({ viewport: { width: 1280, height: 800 } }))
  await bar.goto(`${e2e.stack.httpUrl}/?bar&station=coffee#token=${testTokens.barToken}`)
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  await expect.poll(() => bar.getByTestId('station-name').textContent()).toBe(' · Coffee')

  const card = (o: Order) => bar.locator(`[data-order-id="${o.id}"]`)
  await card(teaBefore).waitFor()
  // Live: the beer first, then an espresso; once the espresso is shown, the beer would be too.
  const beer = await placeOrder('Bea Bier', 'beer')
  const espresso = await placeOrder('Edi Espresso', 'espresso')
  await card(espresso).waitFor()
  expect(await card(beer).count()).toBe(0)
  expect(await card(beerBefore).count()).toBe(0)
  const tally = await bar.getByTestId('tally').textContent()
  expect(tally).toContain('Espresso')
  expect(tally).not.toContain('Beer')

  const switches = await bar
    .getByRole('switch')
    .evaluateAll((inputs) => inputs.map((input) => input.closest('label')?.textContent ?? ''))
  expect(switches).toEqual(['Coffee', 'Espresso', 'Tea'])
  expect(await bar.title()).toContain('Bar · Coffee')
  await expectAccessible(bar, "a station's bar display")
  for (const o of [beerBefore, teaBefore, beer, espresso]) await move(o.id, 'cancelled')
})

test('the guest reads where to pick up, in their language, when the drink is ready', async () => {
  const guest = await openGuest(e2e, await e2e.context({ locale: 'de-CH' }))
  const number = await order(guest, 'Zoë', 'Espresso')
  const res = await fetch(`${e2e.stack.httpUrl}/api/orders?station=coffee`, { headers: bearer })
  const placed = ((await res.json()) as { orders: Order[] }).orders.find((o) => String(o.number) === number)
  if (!placed) throw new Error(`order #${number} is not among the coffee station's`)
  await move(placed.id, 'preparing', 'ready')

  const banner = guest.getByTestId('ready-banner')
  await banner.waitFor({ timeout: 10_000 })
  expect(await banner.getByTestId('ready-number').textContent()).toContain(number)
  expect(await banner.getByTestId('ready-station').textContent()).toBe('Kaffee')
  expect(await banner.getByTestId('ready-location').textContent()).toBe('Kaffeewagen beim Eingang')
  expect(await banner.textContent()).toContain(`Hol es bei Kaffee mit der Nummer`)
  await expectAccessible(guest, 'the ready moment with its station')
  await move(placed.id, 'delivered')
})

test('the pickup board of one station shows its numbers; the board of all, each under its station', async () => {
  const coffee = await placeOrder('Carla', 'coffee')
  const wine = await placeOrder('Wanda', 'red-wine')
  await move(coffee.id, 'preparing', 'ready')
  await move(wine.id, 'preparing', 'ready')
  const context = await e2e.context({ viewport: { width: 1920, height: 1080 } })

  const one = await e2e.page(context)
  await one.goto(`${e2e.stack.httpUrl}/?board&station=bar`)
  await expect.poll(() => one.getByTestId('board-station').textContent(), { timeout: 10_000 }).toBe(' · Bar')
  const numbers = one.getByTestId('board-numbers').locator('li')
  await expect.poll(() => numbers.allTextContents()).toContain(String(wine.number))
  expect(await numbers.allTextContents()).not.toContain(String(coffee.number))
  expect(await one.locator('.board-location').first().textContent()).toBe('Left of the stage')

  const all = await e2e.page(context)
  await all.goto(`${e2e.stack.httpUrl}/?board`)
  const column = (station: string) => all.locator(`[data-testid="board-column"][data-station="${station}"]`)
  await expect
    .poll(() => column('coffee').locator('li').allTextContents(), { timeout: 10_000 })
    .toContain(String(coffee.number))
  expect(await column('coffee').getByRole('heading').textContent()).toBe('CoffeeCoffee cart by the entrance')
  expect(await column('bar').locator('li').allTextContents()).toContain(String(wine.number))
  expect(await column('bar').locator('li').allTextContents()).not.toContain(String(coffee.number))
  await expectAccessible(all, 'the pickup board of all stations')
  await move(coffee.id, 'delivered')
  await move(wine.id, 'delivered')
})
