/**
 * A Star CloudPRNT printer's trouble on the bar display of its station, in Chromium: paper out
 * shows within a second and goes when paper is back; another station's printer is not shown.
 */
import { randomUUID } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cloudprntRoutes, routes } from '../../contract/index.ts'
import { SimulatedPrinter } from '../../test/cloudprnt/simulated-printer.ts'
import { type E2e, expectAccessible, startE2e, testTokens } from '../../test/e2e/stack-page.ts'
import { barAuth, json } from '../../test/harness.ts'

let e2e: E2e
const printers: SimulatedPrinter[] = []
beforeAll(async () => {
  e2e = await startE2e()
}, 120_000)
afterAll(async () => {
  for (const printer of printers) await printer.powerOff().catch(() => {})
  await e2e?.close()
})

async function register(mac: string, station: string, name: string) {
  const res = await fetch(`${e2e.stack.httpUrl}${cloudprntRoutes.printers}`, {
    method: 'POST',
    headers: { ...json, ...barAuth },
    body: JSON.stringify({ mac, station, name }),
  })
  expect(res.status).toBe(201)
  const body = (await res.json()) as { credentials: { username: string; password: string }; serverUrl: string }
  const printer = new SimulatedPrinter({ mac, serverUrl: body.serverUrl, ...body.credentials })
  printers.push(printer)
  await printer.powerOn()
  return printer
}

test("paper out shows on its station's bar display within a second, and goes when paper is back", async () => {
  const garden = await register('00:11:62:e2:e2:01', 'garden', 'Garden')
  const other = await register('00:11:62:e2:e2:02', 'cocktails', 'Cocktails')
  await other.setPaperOut(true)

  const bar = await e2e.page(await e2e.context({ viewport: { width: 1280, height: 800 } }))
  await bar.goto(`${e2e.stack.httpUrl}/?bar&station=garden#token=${testTokens.barToken}`)
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  const notice = bar.locator('[data-printer="00:11:62:e2:e2:01"]')

  await garden.setPaperOut(true)
  const at = Date.now()
  await expect
    .poll(() => notice.textContent().catch(() => ''), { timeout: 5000, interval: 25 })
    .toBe('Printer Garden is out of paper (410 Out of paper).')
  expect(Date.now() - at).toBeLessThan(1000)
  // The other station's printer is out of paper too, but not this display's business.
  expect(await bar.locator('[data-printer="00:11:62:e2:e2:02"]').count()).toBe(0)
  await expectAccessible(bar, 'the bar display with a printer out of paper')

  await garden.setPaperOut(false)
  await expect.poll(() => notice.count(), { timeout: 5000, interval: 25 }).toBe(0)
})

test('a ticket the printer could not print is named by its pickup number until one prints again', async () => {
  const hall = await register('00:11:62:e2:e2:03', 'all', 'Hall')
  const bar = await e2e.page(await e2e.context({ viewport: { width: 1280, height: 800 } }))
  await bar.goto(`${e2e.stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  const notice = bar.locator('[data-printer="00:11:62:e2:e2:03"]')

  await hall.setPaperOut(true)
  const placed = await fetch(`${e2e.stack.httpUrl}${routes.orders}`, {
    method: 'POST',
    headers: json,
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Ivy', drinkId: 'tea' }),
  })
  const { order } = (await placed.json()) as { order: { id: string; number: number } }
  await expect.poll(() => hall.results.some((r) => r.jobToken === order.id), { timeout: 10_000 }).toBe(true)
  await hall.setPaperOut(false)
  await expect
    .poll(() => notice.textContent().catch(() => ''), { timeout: 5000, interval: 25 })
    .toBe(`Printer Hall could not print the ticket of #${order.number} (410 Out of paper).`)
})
