/**
 * The bar display tells the bar what it must act on from the broker's `bar/status`: a printer
 * that is away while tickets wait for it, and that it is back.
 */
import { randomUUID } from 'node:crypto'
import { expect, test } from 'vitest'
import { topics } from '../../contract/index.ts'
import { e2eForFile, expectAccessible, openBar, testTokens } from '../../test/e2e/stack-page.ts'
import { connectClient, json } from '../../test/harness.ts'

const e2e = e2eForFile()

test('a printer away with a ticket waiting shows on the bar display, and goes when it is back', async () => {
  const clientId = `printer-bar-${randomUUID().slice(0, 6)}`
  const printerOptions = { username: 'printer', password: testTokens.printerToken, clientId, clean: false }
  const first = await connectClient(e2e.stack.mqttUrl, printerOptions)
  await first.subscribeAsync(topics.barOrders, { qos: 1 })
  await first.endAsync()

  const bar = await openBar(e2e)
  const placed = await fetch(`${e2e.stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Ivy', drinkId: 'espresso' }),
  })
  expect(placed.status).toBe(201)
  const notices = bar.getByTestId('status-notices')
  await expect
    .poll(() => notices.textContent().catch(() => ''), { timeout: 10_000, message: 'the printer shown away' })
    .toContain(`Printer ${clientId} is offline: 1 ticket(s) waiting for it.`)
  await expectAccessible(bar, 'the bar display with a printer away')

  const back = await connectClient(e2e.stack.mqttUrl, printerOptions)
  await expect
    .poll(() => notices.count(), { timeout: 10_000, message: 'the notice gone with the printer back' })
    .toBe(0)
  await back.endAsync()
})
