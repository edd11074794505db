/** An event that keeps nicknames off the public ticker (`TICKER_NICKNAMES=false`). */
import { expect, test } from 'vitest'
import { e2eForFile, openGuest, order } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile({ tickerNicknames: false })

test('the ticker says "someone", in the page language, and never shows the nickname', async () => {
  const watcher = await openGuest(e2e, await e2e.context({ locale: 'de-DE' }))
  const guest = await openGuest(e2e)
  await order(guest, 'Secret Sam', 'Beer')
  const ticker = watcher.getByTestId('ticker')
  await expect.poll(() => ticker.textContent()).toContain('Jemand hat Bier bestellt')
  expect(await watcher.content()).not.toContain('Secret Sam')
})
