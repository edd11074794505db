/**
 * The bar's side in a real browser: the token, one tap and its undo, wait-time colours, the
 * tally, the sound, the sortable table with its CSV, the pickup board and the QR poster.
 */
import { readFile } from 'node:fs/promises'
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import {
  barOrders,
  e2eForFile,
  expectAccessible,
  openBar,
  openGuest,
  order,
  placeOrder,
  testTokens,
} from '../../test/e2e/stack-page.ts'
import { readClientConfig } from '../client-app.ts'

const e2e = e2eForFile({ clientConfig: readClientConfig({ EVENT_NAME: 'Summer Gala' }) })

const bearer = { authorization: `Bearer ${testTokens.barToken}`, 'content-type': 'application/json' }

const statusOf = async (id: string) => (await barOrders(e2e)).find((o) => o.id === id)?.status ?? 'missing'
const cardOf = (bar: Page, nickname: string) => bar.getByTestId('order-card').filter({ hasText: nickname })

test('the bar token is asked once, kept, and asked again when refused', async () => {
  const context = await e2e.context({ viewport: { width: 1024, height: 768 } })
  const bar = await e2e.page(context)
  await bar.goto(`${e2e.stack.httpUrl}/?bar`)
  await bar.getByLabel('Bar token').fill('wrong')
  await bar.getByRole('button', { name: 'Open' }).click()
  await bar.getByText('That bar token was refused').waitFor({ timeout: 10_000 })
  await expectAccessible(bar, 'the token form')

  await bar.getByLabel('Bar token').fill(testTokens.barToken)
  await bar.getByRole('button', { name: 'Open' }).click()
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  await bar.reload()
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  expect(await bar.getByLabel('Bar token').count()).toBe(0)
  // A token from the link never stays in the address bar.
  await bar.goto(`${e2e.stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  await expect.poll(() => bar.evaluate(() => location.hash)).toBe('')
})

test('one tap moves an order on at once; undo takes it back for a few seconds', async () => {
  const bar = await openBar(e2e)
  const guest = await openGuest(e2e)
  const nickname = `Gus ${Date.now() % 10_000}`
  await order(guest, nickname, 'Beer')
  const card = cardOf(bar, nickname)
  await card.waitFor()
  const id = (await card.getAttribute('data-order-id')) ?? ''
  const status = guest.getByTestId('guest-order').first().getByTestId('order-status')

  await card.getByTestId('advance').click()
  await expect.poll(() => card.getAttribute('data-status')).toBe('preparing')
  expect(await bar.locator('.column-preparing').getByText(nickname).count()).toBe(1)
  // The undo is offered once the server took the move.
  await expect.poll(() => bar.getByRole('status').filter({ hasText: 'Being prepared' }).count()).toBe(1)
  await expect.poll(() => status.getAttribute('data-status')).toBe('preparing')
  await expectAccessible(bar, 'the bar display with a move to undo')
  await bar.getByTestId('undo').click()
  await expect.poll(() => card.getAttribute('data-status')).toBe('placed')
  expect(await bar.getByTestId('undo').count()).toBe(0)
  await expect.poll(() => statusOf(id)).toBe('placed')
  await expect.poll(() => status.getAttribute('data-status')).toBe('placed')

  // Not undone: the undo is offered for the undo time, then no more.
  await card.getByTestId('advance').click()
  await expect.poll(() => status.getAttribute('data-status')).toBe('preparing')
  await bar.getByTestId('undo').waitFor()
  await expect
    .poll(() => bar.getByTestId('undo').count(), { timeout: 10_000, message: 'the undo goes when its time is up' })
    .toBe(0)

  // Cancelling is one tap too, and undone the same way.
  await card.getByTestId('cancel-order').click()
  await expect.poll(() => card.count()).toBe(0)
  await bar.getByTestId('undo').click()
  await expect.poll(() => card.getAttribute('data-status')).toBe('preparing')
  await expect.poll(() => statusOf(id)).toBe('preparing')
  await expect.poll(() => status.getAttribute('data-status')).toBe('preparing')
}, 30_000)

test('waiting orders turn amber, orange and red, and say how long they have waited', async () => {
  const nickname = `Hal ${Date.now() % 10_000}`
  const placed = await placeOrder(e2e, nickname, 'tea')
  const context = await e2e.context({ viewport: { width: 1280, height: 800 } })
  const bar = await e2e.page(context)
  const at = (minutes: number) => Date.parse(placed.createdAt) + minutes * 60_000 + 1000
  await bar.clock.setFixedTime(at(1))
  await bar.goto(`${e2e.stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  for (const [minutes, level] of [
    [1, '0'],
    [4, '1'],
    [6, '2'],
    [8, '3'],
  ] as const) {
    await bar.clock.setFixedTime(at(minutes))
    await bar.reload()
    const card = cardOf(bar, nickname)
    await card.waitFor()
    expect(await card.getAttribute('data-wait'), `after ${minutes} min`).toBe(level)
    expect(await card.getByTestId('wait').textContent()).toBe(`waiting ${minutes} min`)
  }
  await expectAccessible(bar, 'the bar display with a late order')
})

test('the tally counts what is still to make, and a new order beeps once the sound is on', async () => {
  const context = await e2e.context({ viewport: { width: 800, height: 1280 } })
  await context.addInitScript(() => {
    let tones = 0
    const create = AudioContext.prototype.createOscillator
    AudioContext.prototype.createOscillator = function () {
      tones++
      return create.call(this)
    }
    Object.assign(window, { __tones: () => tones })
  })
  const bar = await openBar(e2e, context)
  const tones = () => bar.evaluate(() => (window as unknown as { __tones(): number }).__tones())
  await bar.getByTestId('sound').click()
  expect(await bar.getByTestId('sound').getAttribute('aria-pressed')).toBe('true')

  const tally = bar.getByTestId('tally')
  const count = async (drink: string) =>
    Number((await tally.locator('li').filter({ hasText: drink }).locator('.tally-quantity').allTextContents())[0] ?? 0)
  const before = await count('White wine')
  await placeOrder(e2e, `Ivy ${Date.now() % 10_000}`, 'white-wine', 2)
  await expect.poll(() => count('White wine')).toBe(before + 2)
  await expect.poll(tones).toBeGreaterThan(0)
  // Remembered: after a reload it plays again from the first tap on the screen.
  await bar.reload()
  await expect.poll(() => bar.getByTestId('sound').getAttribute('aria-pressed')).toBe('true')
})

test('the full table sorts by any column and exports the orders as CSV', async () => {
  await placeOrder(e2e, 'Aaron', 'water')
  await placeOrder(e2e, 'Zoe', 'water')
  const bar = await openBar(e2e)
  const table = bar.locator('.orders-table')
  await table.getByRole('cell', { name: 'Zoe' }).waitFor()
  const nicknames = () => table.locator('tbody td.cell-nickname').allTextContents()

  await table.getByRole('button', { name: 'Nickname' }).click()
  expect(await table.getByRole('columnheader', { name: 'Nickname' }).getAttribute('aria-sort')).toBe('ascending')
  const ascending = await nicknames()
  expect(ascending).toEqual([...ascending].sort((a, b) => a.localeCompare(b, 'en', { sensitivity: 'base' })))
  await table.getByRole('button', { name: 'Nickname' }).click()
  expect((await nicknames())[0]).toBe('Zoe')

  const [download] = await Promise.all([
    bar.waitForEvent('download'),
    bar.getByRole('button', { name: 'Export CSV' }).click(),
  ])
  expect(download.suggestedFilename()).toMatch(/^orders-\d{4}-\d{2}-\d{2}\.csv$/)
  const csv = await readFile((await download.path()) ?? '', 'utf8')
  expect(csv.split('\n')[0]).toContain('nickname')
  expect(csv).toContain('Aaron')
  expect(csv).toContain('Zoe')
})

test('the pickup board shows the ready numbers large, and never a nickname', async () => {
  const placed = await placeOrder(e2e, 'Board Bea', 'espresso')
  const board = await e2e.page(await e2e.context({ viewport: { width: 1920, height: 1080 } }))
  await board.goto(`${e2e.stack.httpUrl}/?board#token=${testTokens.barToken}`)
  await expect.poll(() => board.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  const numbers = board.getByTestId('board-numbers')
  for (const status of ['preparing', 'ready']) {
    const res = await fetch(`${e2e.stack.httpUrl}/api/orders/${placed.id}`, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ status }),
    })
    expect(res.status).toBe(200)
  }
  await expect.poll(() => numbers.locator('li').allTextContents()).toContain(String(placed.number))
  expect(await board.content()).not.toContain('Board Bea')
  await expectAccessible(board, 'the pickup board')

  await fetch(`${e2e.stack.httpUrl}/api/orders/${placed.id}`, {
    method: 'PATCH',
    headers: bearer,
    body: JSON.stringify({ status: 'delivered' }),
  })
  await expect.poll(() => numbers.locator('li').allTextContents()).not.toContain(String(placed.number))
})

test('the QR poster: the event, the code of the public address, a line in each language', async () => {
  const poster = await e2e.page(await e2e.context({ viewport: { width: 794, height: 1123 } }))
  await poster.goto(`${e2e.stack.httpUrl}/?qr`)
  await expect.poll(() => poster.getByRole('heading', { level: 1 }).textContent()).toBe('Summer Gala')
  expect(await poster.getByRole('img', { name: e2e.stack.publicUrl }).count()).toBe(1)
  const lines = poster.locator('.poster-lines li')
  expect(await lines.evaluateAll((items) => items.map((li) => li.getAttribute('lang')))).toEqual([
    'en',
    'de',
    'fr',
    'it',
  ])
  await expectAccessible(poster, 'the QR poster')
  await poster.emulateMedia({ media: 'print' })
  expect(await poster.getByRole('button', { name: 'Print' }).isVisible()).toBe(false)
})
