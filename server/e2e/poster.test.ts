/** The QR poster warns when its code points at the machine itself, where no phone can follow. */
import type { Page } from 'playwright-core'
import { expect, test } from 'vitest'
import { e2eForFile, expectAccessible } from '../../test/e2e/stack-page.ts'
import { readClientConfig } from '../client-app.ts'

// One object, read by `/config.json` on every request, so each case sets its own address.
const clientConfig = readClientConfig({ EVENT_NAME: 'Poster Night' })
const e2e = e2eForFile({ clientConfig })

async function openPoster(publicUrl: string, locale = 'en-US'): Promise<Page> {
  clientConfig.publicUrl = publicUrl
  const poster = await e2e.page(await e2e.context({ locale, viewport: { width: 794, height: 1123 } }))
  await poster.goto(`${e2e.stack.httpUrl}/?qr`)
  // The code is drawn once the configuration arrived; it is labelled with the address it carries.
  await poster.getByRole('img', { name: publicUrl }).waitFor({ timeout: 10_000 })
  return poster
}

test.each(['http://localhost:8080', 'http://127.0.0.1:8080', 'http://[::1]:8080'])(
  'a code of %s comes with a visible warning that phones cannot open it',
  async (publicUrl) => {
    const poster = await openPoster(publicUrl)
    const warning = poster.getByRole('alert')
    expect(await warning.isVisible()).toBe(true)
    expect(await warning.textContent()).toContain('phones cannot open it')
    expect(await warning.textContent()).toContain('PUBLIC_URL=')
  },
)

test('the warning speaks the page language, and the poster stays accessible', async () => {
  const poster = await openPoster('http://localhost:8080', 'de-DE')
  expect(await poster.getByRole('alert').textContent()).toContain('Handys können ihn nicht öffnen')
  await expectAccessible(poster, 'the QR poster with its warning')
})

test.each(['http://192.168.1.20:8080', 'https://drinks.example.org'])(
  'a code of %s, a network address, has no warning',
  async (publicUrl) => {
    const poster = await openPoster(publicUrl)
    expect(await poster.getByRole('heading', { level: 1 }).textContent()).toBe('Poster Night')
    expect(await poster.getByRole('alert').count()).toBe(0)
  },
)
