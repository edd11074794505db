/** An event that keeps nicknames off the public ticker (`TICKER_NICKNAMES=false`). */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { type E2e, openGuest, order, startE2e } from '../../test/e2e/stack-page.ts'

let e2e: E2e
beforeAll(async () => {
  e2e = await startE2e({ tickerNicknames: false })
}, 180_000)
afterAll(() => e2e?.close())

test('the ticker says "someone", in the page language, and never shows the nickname', async () => {
  const watcher = await openGuest(e2e, await e2e.context({ locale: 'de-DE' }))
  const guest = await openGuest(e2e)
  await order(guest, 'Secret Sam', 'Beer')
  const ticker = watcher.getByTestId('ticker')
  await expect.poll(() => ticker.textContent()).toContain('Jemand hat Bier bestellt')
  expect(await watcher.content()).not.toContain('Secret Sam')
})
