/**
 * The guest page tells the truth, in a real browser: refusals in the page's own language, no
 * offer to notify about a drink that is already ready, no "kept" note once the order was sent,
 * no "Live" while the phone is offline, and the keyboard taken to what is missing.
 */
import { expect, test } from 'vitest'
import type { ErrorCode } from '../../contract/index.ts'
import { e2eForFile, moveOrder, openGuest, order } from '../../test/e2e/stack-page.ts'

const e2e = e2eForFile()

const nick = (name: string) => `${name} ${Date.now() % 10_000}`

/** What a German guest reads for each refusal of the API the order form can meet. */
const german: Partial<Record<ErrorCode, string>> = {
  invalid_input: 'Etwas an der Eingabe passt nicht. Bitte prüfen.',
  malformed_json: 'Auf unserer Seite ging etwas schief. Bitte nochmals versuchen.',
  unsupported_media_type: 'Auf unserer Seite ging etwas schief. Bitte nochmals versuchen.',
  body_too_large: 'Etwas an der Eingabe passt nicht. Bitte prüfen.',
  id_conflict: 'Auf unserer Seite ging etwas schief. Bitte nochmals versuchen.',
  sold_out: 'Dieses Getränk ist leider ausverkauft.',
  too_many_open_orders: 'Du hast schon 3 offene Bestellungen. Hol sie zuerst ab.',
  rate_limited: 'Zu viele Anfragen. Bitte einen Moment warten.',
  not_found: 'Diese Bestellung gibt es nicht mehr.',
  forbidden: 'Das ist nicht erlaubt.',
  unauthorized: 'Das ist nicht erlaubt.',
  http_error: 'Auf unserer Seite ging etwas schief. Bitte nochmals versuchen.',
}

test('a German page shows German words for every refusal, never the English message', async () => {
  const guest = await openGuest(e2e, await e2e.context({ locale: 'de-DE' }))
  let refusal: { status: number; code: string } = { status: 400, code: 'invalid_input' }
  // The server's own answers for a real order are below; here each code the API has is
  // answered in turn, with the English message the server would send.
  await guest.route('**/api/orders', (route) =>
    route.request().method() === 'POST'
      ? route.fulfill({
          status: refusal.status,
          contentType: 'application/json',
          body: JSON.stringify({ error: { code: refusal.code, message: `English words for ${refusal.code}` } }),
        })
      : route.continue(),
  )
  await guest.getByLabel('Spitzname').fill('Lena')
  const alert = guest.getByRole('alert')
  for (const [code, words] of Object.entries(german)) {
    refusal = { status: code === 'rate_limited' ? 429 : 409, code }
    await guest.getByRole('button', { name: 'Bier' }).click()
    await guest.getByTestId('place-order').click()
    await expect.poll(() => alert.allTextContents(), { message: `the words for ${code}` }).toEqual([words])
  }
})

test("a German guest's real refusals from the server read in German", async () => {
  const guest = await openGuest(e2e, await e2e.context({ locale: 'de-DE' }))
  const alerts = () => guest.getByRole('alert').allTextContents()
  // A right-to-left override in the nickname: the server refuses it (400 invalid_input) with
  // an English message.
  await guest.getByLabel('Spitzname').fill('Max\u202e')
  await guest.getByRole('button', { name: 'Wasser' }).click()
  await guest.getByTestId('place-order').click()
  await expect.poll(alerts).toEqual(['Etwas an der Eingabe passt nicht. Bitte prüfen.'])

  for (let i = 1; i <= 3; i++) {
    await order(guest, 'Max', 'Wasser')
    await expect.poll(() => guest.getByTestId('guest-order').count(), { message: `order ${i} placed` }).toBe(i)
  }
  await guest.getByRole('button', { name: 'Wasser' }).click()
  await guest.getByTestId('place-order').click()
  await expect.poll(alerts).toEqual(['Du hast schon 3 offene Bestellungen. Hol sie zuerst ab.'])
})

test('"Notify me" is offered only while the drink is not ready yet', async () => {
  const guest = await openGuest(e2e)
  await order(guest, nick('Noa'), 'Tea')
  const id = (await guest.getByTestId('guest-order').first().getAttribute('data-order-id')) ?? ''
  await guest.getByTestId('notify-me').waitFor()
  await moveOrder(e2e, id, 'preparing')
  await moveOrder(e2e, id, 'ready')
  await guest.getByTestId('ready-banner').waitFor()
  await expect.poll(() => guest.getByTestId('notify-me').count(), { message: 'no offer once ready' }).toBe(0)
})

test('the "kept" note goes once the kept order was sent; the badge is not "Live" while offline', async () => {
  const context = await e2e.context()
  const guest = await openGuest(e2e, context)
  const badge = guest.getByTestId('connection')
  const nickname = nick('Cleo')
  await guest.getByTestId('nickname').fill(nickname)

  await context.setOffline(true)
  await expect.poll(() => badge.textContent(), { message: 'the badge leaves "Live"', timeout: 2000 }).not.toBe('Live')
  expect(await badge.getAttribute('class')).not.toContain('connection-online')
  await guest.getByRole('button', { name: 'Tea' }).click()
  await guest.getByTestId('place-order').click()
  const outcome = guest.getByTestId('order-outcome')
  await expect.poll(() => outcome.textContent()).toContain('your order is kept')

  await context.setOffline(false)
  const item = guest.getByTestId('guest-order').first()
  await expect
    .poll(() => item.getByTestId('order-status').getAttribute('data-status'), { timeout: 10_000 })
    .toBe('placed')
  const number = ((await item.locator('.pickup').textContent()) ?? '').replace(/\D/g, '')
  await expect.poll(() => outcome.textContent()).toBe(`Ordered! Your pickup number is ${number}.`)
  await expect.poll(() => badge.textContent(), { timeout: 10_000 }).toBe('Live')
})

test('an order without a nickname takes the keyboard to the nickname field', async () => {
  const guest = await openGuest(e2e)
  await guest.getByTestId('nickname').fill('')
  await guest.getByTestId('place-order').click()
  await expect.poll(() => guest.evaluate(() => document.activeElement?.id)).toBe('nickname')
  await guest.getByTestId('nickname').fill('Pia')
  await guest.getByTestId('place-order').click()
  await expect
    .poll(() => guest.evaluate(() => document.activeElement?.getAttribute('data-drink')), {
      message: 'then to the first drink',
    })
    .toBe('coffee')
})
