/**
 * A new event in a real browser: the bar starts it behind a dialog, and the bar's queue, the
 * pickup board and the guest's page move to it without a reload; the next order is number 1.
 */
import { expect, test } from 'vitest'
import type { Order } from '../../contract/index.ts'
import { e2eForFile, expectAccessible, openBar, openGuest, order, testTokens } from '../../test/e2e/stack-page.ts'
import { readClientConfig } from '../client-app.ts'

const e2e = e2eForFile({ clientConfig: readClientConfig({ EVENT_NAME: 'Opening night' }) })

const bearer = { authorization: `Bearer ${testTokens.barToken}`, 'content-type': 'application/json' }

test('the bar starts a new event after confirming: queue, board and guest page clear, numbers restart at 1', async () => {
  const bar = await openBar(e2e)
  const guest = await openGuest(e2e)
  const board = await e2e.page(await e2e.context({ viewport: { width: 1280, height: 720 } }))
  await board.goto(`${e2e.stack.httpUrl}/?board`)
  await expect.poll(() => board.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')

  // Every screen names the first event, from EVENT_NAME.
  await expect.poll(() => bar.getByTestId('event-name').textContent()).toBe('Opening night')
  await expect.poll(() => board.getByTestId('event-name').textContent()).toBe('Opening night')
  await expect.poll(() => guest.getByRole('heading', { level: 1 }).textContent()).toBe('Opening night')

  // Two orders: one still to make, one ready on the board.
  await order(guest, 'Olga', 'Tea')
  const other = await fetch(`${e2e.stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId: crypto.randomUUID(), nickname: 'Ready Rita', drinkId: 'beer' }),
  })
  const ready = ((await other.json()) as { order: Order }).order
  for (const status of ['preparing', 'ready']) {
    const res = await fetch(`${e2e.stack.httpUrl}/api/orders/${ready.id}`, {
      method: 'PATCH',
      headers: bearer,
      body: JSON.stringify({ status }),
    })
    expect(res.status).toBe(200)
  }
  const cards = bar.getByTestId('order-card')
  await expect.poll(() => cards.count()).toBe(2)
  const boardNumbers = board.getByTestId('board-numbers').locator('li')
  await expect.poll(() => boardNumbers.allTextContents()).toEqual([String(ready.number)])

  // The dialog says what starting an event does; keeping the current one changes nothing.
  await bar.getByTestId('new-event').click()
  const dialog = bar.getByRole('dialog', { name: 'Start a new event' })
  await dialog.waitFor()
  expect(await dialog.textContent()).toContain('Pickup numbers start again at 1')
  await expectAccessible(bar, 'the new-event dialog')
  await dialog.getByRole('button', { name: 'Keep the current event' }).click()
  await dialog.waitFor({ state: 'hidden' })
  expect(await cards.count()).toBe(2)

  await bar.getByTestId('new-event').click()
  await dialog.getByLabel('Name of the new event').fill('Summer party')
  await dialog.getByRole('button', { name: 'Start the event' }).click()
  await dialog.waitFor({ state: 'hidden' })

  // Without a reload: the bar's queue is empty, the board has no number, the guest's old order is gone.
  await expect.poll(() => cards.count()).toBe(0)
  await expect.poll(() => bar.getByTestId('event-name').textContent()).toBe('Summer party')
  await expect.poll(() => boardNumbers.count()).toBe(0)
  await expect.poll(() => board.getByTestId('event-name').textContent()).toBe('Summer party')
  await expect.poll(() => guest.getByRole('heading', { level: 1 }).textContent()).toBe('Summer party')
  await expect.poll(() => guest.getByTestId('guest-order').count()).toBe(0)

  // The next order is number 1, on the guest's page and on the bar's.
  expect(await order(guest, 'Olga', 'Water')).toBe('1')
  await expect.poll(() => cards.count()).toBe(1)
  expect(await cards.first().textContent()).toContain('Olga')
  // The poster names the current event.
  const poster = await e2e.page(await e2e.context({ viewport: { width: 794, height: 1123 } }))
  await poster.goto(`${e2e.stack.httpUrl}/?qr`)
  await expect.poll(() => poster.getByRole('heading', { level: 1 }).textContent()).toBe('Summer party')
  // A reload shows the same: the previous event stays out of the live views.
  await bar.reload()
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  await expect.poll(() => cards.count()).toBe(1)
})
