/**
 * Styles that load after the first paint, with the code that needs them (the project's own
 * preload helper, client/build/preload-helper.ts): the guest's order list and the staff views
 * arrive styled, in a real browser.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type E2e, openGuest, order, startE2e } from '../../test/e2e/stack-page.ts'

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e()
}, 180_000)
afterAll(() => e2e?.close())

test("the guest's order appears as a card with its pickup number large", async () => {
  const guest = await openGuest(e2e)
  await order(guest, `Styled ${Date.now() % 10_000}`, 'Water')
  const card = guest.getByTestId('guest-order').first()
  const style = await card.evaluate((element) => {
    const own = getComputedStyle(element)
    const pickup = getComputedStyle(element.querySelector('.pickup') as Element)
    return { display: own.display, borderStyle: own.borderTopStyle, pickupSize: pickup.fontSize }
  })
  // guest-orders.css: `.order` is a bordered flex row, `.pickup` 1.75rem.
  expect(style).toEqual({ display: 'flex', borderStyle: 'solid', pickupSize: '28px' })
})

test('the pickup board is dark, its stylesheet loaded with its code', async () => {
  const board = await e2e.page(await e2e.context())
  await board.goto(`${e2e.stack.httpUrl}/?board`)
  await board.locator('.board').waitFor({ timeout: 10_000 })
  expect(await board.evaluate(() => getComputedStyle(document.body).backgroundColor)).toBe('rgb(20, 17, 13)')
})
