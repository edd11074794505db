/**
 * What the browser suites share: the client built once, a stack of their own on a database of
 * their own, Debian's Chromium, and axe-core run inside the page.
 */
import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core'
import { expect } from 'vitest'
import { api, type Order } from '../../contract/index.ts'
import { clientDist } from '../../server/client-build.ts'
import type { Stack, StackOptions } from '../../server/stack.ts'
import { launchChromium } from '../browser.ts'
import { forFile } from '../for-file.ts'
import { testTokens } from '../harness.ts'
import { startTestStack } from '../stack.ts'

export { testTokens }

export interface E2e {
  stack: Stack
  /** The stack's own database, for what a test sets up or checks behind the page. */
  databaseUrl: string
  browser: Browser
  /** A new browser context with the defaults of a phone (or `options`), closed with the suite. */
  context(options?: BrowserContextOptions): Promise<BrowserContext>
  /** A page that fails the test on any uncaught error. */
  page(context: BrowserContext): Promise<Page>
  close(): Promise<void>
}

/** A stack on a database of its own, with the built client, and a browser. */
export async function startE2e(options: Partial<StackOptions> = {}): Promise<E2e> {
  const stack = await startTestStack({ clientDir: clientDist, ...options })
  const browser = await launchChromium()
  const contexts: BrowserContext[] = []
  const errors: string[] = []
  return {
    stack,
    databaseUrl: stack.databaseUrl,
    browser,
    async context(contextOptions = {}) {
      const context = await browser.newContext({
        locale: 'en-US',
        viewport: { width: 360, height: 740 },
        ...contextOptions,
      })
      contexts.push(context)
      return context
    },
    async page(context) {
      const page = await context.newPage()
      page.on('pageerror', (error) => errors.push(error.message))
      return page
    },
    async close() {
      await Promise.all(contexts.map((c) => c.close().catch(() => {})))
      await browser.close()
      await stack.stop()
      expect(errors, 'uncaught errors in the pages').toEqual([])
    },
  }
}

/** The file's stack, browser and pages (see {@link forFile}); uncaught page errors fail the file. */
export function e2eForFile(options: Partial<StackOptions> = {}, timeoutMs = 180_000): E2e {
  return forFile('the e2e stack', () => startE2e(options), timeoutMs)
}

const barHeaders = { authorization: `Bearer ${testTokens.barToken}`, 'content-type': 'application/json' }

/**
 * Places an order straight through the API, as another guest's phone would: a 503 `overloaded`
 * (a test machine's busy moment makes the stack's event loop late) is tried again after its
 * `Retry-After` with the same id, as the guest page does, a few times at most. Expects a 201 (or
 * the 200 of a retry whose first try was stored).
 */
export async function placeOrder(e2e: E2e, nickname: string, drinkId: string, quantity = 1): Promise<Order> {
  const body = JSON.stringify({ id: crypto.randomUUID(), guestId: crypto.randomUUID(), nickname, drinkId, quantity })
  for (let attempt = 1; ; attempt++) {
    const res = await fetch(`${e2e.stack.httpUrl}${api.orders}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    })
    if (res.status === 503 && attempt < 5) {
      await new Promise((resolve) => setTimeout(resolve, Number(res.headers.get('retry-after') ?? 1) * 1000))
      continue
    }
    expect([200, 201], await res.clone().text()).toContain(res.status)
    return ((await res.json()) as { order: Order }).order
  }
}

/** Moves an order as another bar screen would; expects 200. */
export async function moveOrder(e2e: E2e, id: string, status: string): Promise<void> {
  const res = await fetch(`${e2e.stack.httpUrl}${api.order(id)}`, {
    method: 'PATCH',
    headers: barHeaders,
    body: JSON.stringify({ status }),
  })
  expect(res.status, await res.clone().text()).toBe(200)
}

/** The orders as the bar's API lists them (its first page, newest first). */
export async function barOrders(e2e: E2e): Promise<Order[]> {
  const res = await fetch(`${e2e.stack.httpUrl}${api.orders}`, { headers: barHeaders })
  return ((await res.json()) as { orders: Order[] }).orders
}

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')

interface AxeViolation {
  id: string
  help: string
  nodes: { target: unknown[] }[]
}

/**
 * Runs axe-core in the page, every rule it has, and expects no violation. The page's
 * Content-Security-Policy refuses inline scripts, so axe is evaluated through the DevTools
 * protocol (Playwright's evaluate), which the policy does not govern.
 */
export async function expectAccessible(page: Page, what: string): Promise<void> {
  // Colours are judged once elements have faded in: mid-animation they are half transparent.
  await page.waitForFunction(() =>
    document
      .getAnimations()
      .every((a) => a.playState !== 'running' || a.effect?.getComputedTiming().endTime === Number.POSITIVE_INFINITY),
  )
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource)
  const violations = await page.evaluate(async () => {
    const result = await (
      window as unknown as { axe: { run(context: Document): Promise<{ violations: AxeViolation[] }> } }
    ).axe.run(document)
    return result.violations.map((v) => ({ id: v.id, help: v.help, nodes: v.nodes.map((n) => n.target) }))
  })
  expect(violations, `axe on ${what}`).toEqual([])
}

/** The bar display, signed in through the link's fragment, once it is live. */
export async function openBar(e2e: E2e, context?: BrowserContext): Promise<Page> {
  const bar = await e2e.page(context ?? (await e2e.context({ viewport: { width: 1280, height: 800 } })))
  await bar.goto(`${e2e.stack.httpUrl}/?bar#token=${testTokens.barToken}`)
  await expect.poll(() => bar.getByTestId('connection').textContent(), { timeout: 10_000 }).toBe('Live')
  return bar
}

/** A guest page, once it is live (so it catches every change from here on). */
export async function openGuest(e2e: E2e, context?: BrowserContext): Promise<Page> {
  const guest = await e2e.page(context ?? (await e2e.context()))
  await guest.goto(e2e.stack.httpUrl)
  await expect
    .poll(() => guest.getByTestId('connection').getAttribute('class'), { timeout: 10_000 })
    .toContain('connection-online')
  return guest
}

/** Orders one drink on a guest page; resolves to its pickup number. */
export async function order(guest: Page, nickname: string, drink: string): Promise<string> {
  await guest.getByTestId('nickname').fill(nickname)
  await guest.getByRole('button', { name: drink }).click()
  await guest.getByTestId('place-order').click()
  const item = guest.getByTestId('guest-order').first()
  await item.waitFor()
  return ((await item.locator('.pickup').textContent()) ?? '').replace(/\D/g, '')
}
