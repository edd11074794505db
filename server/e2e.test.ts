/**
 * The whole system in a real browser: a guest orders on one page, the bar sees it on another,
 * moves it along, and the guest's page follows live until "ready".
 */
import type { Browser } from 'playwright-core'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchChromium } from '../test/browser.ts'
import { createTestDatabase } from '../test/db.ts'
import { testTokens } from '../test/harness.ts'
import { clientDist } from './client-build.ts'
import { type Stack, startStack } from './stack.ts'

let stack: Stack
let database: Awaited<ReturnType<typeof createTestDatabase>>
let browser: Browser

beforeAll(async () => {
  database = await createTestDatabase()
  stack = await startStack({
    databaseUrl: database.url,
    port: 0,
    mqttPort: 0,
    tokens: testTokens,
    clientDir: clientDist,
    log: { info: () => {}, warn: () => {}, error: console.error },
  })
  browser = await launchChromium()
}, 180_000)
afterAll(async () => {
  await browser?.close()
  await stack?.stop()
  await database?.drop()
})

test('a guest orders, the bar sees it live and marks it ready, the guest sees "ready"', async () => {
  const guestContext = await browser.newContext({ locale: 'en-US', viewport: { width: 360, height: 740 } })
  const barContext = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } })
  const bar = await barContext.newPage()
  await bar.goto(`${stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  await expect.poll(() => bar.getByTestId('connection').textContent()).toContain('Live')

  const guest = await guestContext.newPage()
  const errors: string[] = []
  guest.on('pageerror', (error) => errors.push(error.message))
  await guest.goto(stack.httpUrl)
  const nickname = `Ada ${Date.now() % 10_000}`
  await guest.getByLabel('Nickname').fill(nickname)
  await guest.getByRole('button', { name: 'Espresso' }).click()
  await guest.getByTestId('place-order').click()

  const status = guest.getByTestId('guest-order').first().getByTestId('order-status')
  await expect.poll(() => status.getAttribute('data-status')).toBe('placed')

  // On the bar's screen the moment it was placed, with its pickup number.
  const card = bar.getByTestId('order-card').filter({ hasText: nickname })
  await card.waitFor({ timeout: 10_000 })
  const number = (await guest.getByTestId('guest-order').first().locator('.pickup').textContent())?.replace(/\D/g, '')
  expect(number).toMatch(/^\d+$/)
  expect(await card.textContent()).toContain(number)

  await card.getByTestId('advance').click()
  // The bar holds each move a few seconds for its undo, then sends it.
  await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('preparing')
  await bar.getByTestId('order-card').filter({ hasText: nickname }).getByTestId('advance').click()

  await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('ready')
  await guest.getByTestId('ready-banner').waitFor()
  expect(await guest.getByTestId('ready-number').textContent()).toContain(number)
  expect(await guest.title()).toMatch(/ready/i)
  expect(errors).toEqual([])
  await Promise.all([guestContext.close(), barContext.close()])
}, 60_000)
