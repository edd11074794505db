/**
 * The whole system in a real browser: a guest orders on one page, the bar sees it on another,
 * moves it along, and the guest's page follows live until "ready".
 */
import { expect, test } from 'vitest'
import { e2eForFile, testTokens } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

test('a guest orders, the bar sees it live and marks it ready, the guest sees "ready"', async () => {
  const bar = await e2e.page(await e2e.context({ viewport: { width: 1280, height: 800 } }))
  await bar.goto(`${e2e.stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  await expect
    .poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000, message: 'the bar goes live' })
    .toContain('Live')

  const guest = await e2e.page(await e2e.context())
  await guest.goto(e2e.stack.httpUrl)
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
  await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('preparing')
  await bar.getByTestId('order-card').filter({ hasText: nickname }).getByTestId('advance').click()

  await expect.poll(() => status.getAttribute('data-status'), { timeout: 10_000 }).toBe('ready')
  await guest.getByTestId('ready-banner').waitFor()
  expect(await guest.getByTestId('ready-number').textContent()).toContain(number)
  expect(await guest.title()).toMatch(/ready/i)
}, 60_000)
