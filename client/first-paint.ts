/**
 * What the guest page's first paint really waited for: the built client served by the
 * production client server (`server/client-app.ts`, its `/api/*` answering 404 so that the data
 * the page asks for fails at once), opened in Chromium; the scripts whose download ended before
 * the first contentful paint. The page's HTML has no content of its own, so that paint is the
 * guest view's first render.
 */
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import { chromium } from 'playwright-core'
import { createClientApp, readClientConfig } from '../server/client-app.ts'

/** The scripts, relative to `dir` (e.g. `assets/index-….js`), loaded before the first paint. */
export async function scriptsBeforeFirstPaint(dir: string): Promise<string[]> {
  const app = createClientApp({ dir, config: () => readClientConfig({}) })
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started))
  })
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  })
  try {
    const page = await browser.newPage()
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`)
    // Ten seconds: the page renders within its 1.5 s data wait even when nothing answers.
    await page.waitForFunction(() => performance.getEntriesByName('first-contentful-paint').length > 0, null, {
      timeout: 10_000,
    })
    return await page.evaluate(() => {
      const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0
      return (performance.getEntriesByType('resource') as PerformanceResourceTiming[])
        .filter((entry) => entry.responseEnd <= paint && new URL(entry.name).pathname.endsWith('.js'))
        .map((entry) => new URL(entry.name).pathname.slice(1))
    })
  } finally {
    await browser.close()
    await new Promise((resolve) => server.close(resolve))
  }
}
