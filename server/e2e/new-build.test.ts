/**
 * A new build of the page, served on the same origin: the next load runs it whole, and its
 * service worker replaces the old one's cache; a worker that meets another build's files (a
 * rolling update half done) refuses to install rather than keep a mix. Two builds of the client,
 * each stamping its name on the page, served in turn by the production client server.
 */

import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { serve } from '@hono/node-server'
import type { Hono } from 'hono'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { build, type Plugin } from 'vite'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { launchChromium } from '../../test/browser.ts'
import { createClientApp, readClientConfig } from '../client-app.ts'

const configFile = fileURLToPath(new URL('../../client/vite.config.ts', import.meta.url))

interface Build {
  name: string
  app: Hono
  /** The id the build's worker names its cache after. */
  id: string
  /** Every path the build's worker keeps. */
  files: Set<string>
  /** The page's entry script, e.g. `/assets/index-….js`. */
  entry: string
}

/** The client built into `outDir`, its entry stamping `name` on the page. */
async function buildMarked(name: string, outDir: string): Promise<Build> {
  const marker: Plugin = {
    name: 'test:build-marker',
    transform: (code, id) =>
      id.endsWith('/src/main.tsx')
        ? `${code}\ndocument.documentElement.dataset.build = ${JSON.stringify(name)}\n`
        : null,
  }
  await build({ configFile, logLevel: 'warn', plugins: [marker], build: { outDir, emptyOutDir: true } })
  const worker = readFileSync(join(outDir, 'sw.js'), 'utf8')
  const manifest = JSON.parse(/^const build = (.*)$/m.exec(worker)?.[1] ?? 'null') as {
    id: string
    files: [string, string | null][]
  }
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  return {
    name,
    app: createClientApp({ dir: outDir, config: () => readClientConfig({}) }),
    id: manifest.id,
    files: new Set(manifest.files.map(([path]) => path)),
    entry: /<script type="module"[^>]*src="([^"]+)"/.exec(html)?.[1] ?? '',
  }
}

const root = mkdtempSync(join(tmpdir(), 'drinks-builds-'))
let first: Build
let second: Build
let browser: Browser
let serving: (request: Request) => Response | Promise<Response>
let server: ReturnType<typeof serve>
let url = ''

beforeAll(async () => {
  first = await buildMarked('first', join(root, 'first'))
  second = await buildMarked('second', join(root, 'second'))
  server = await new Promise((resolve) => {
    const started = serve({ fetch: (request) => serving(request), port: 0, hostname: '127.0.0.1' }, () =>
      resolve(started),
    )
  })
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  browser = await launchChromium()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await new Promise((resolve) => server?.close(resolve))
  rmSync(root, { recursive: true, force: true })
})

const sorted = (...names: string[]) => names.sort()
const cacheNames = (page: Page) => page.evaluate(async () => (await caches.keys()).sort())
const buildName = (page: Page) => page.evaluate(() => document.documentElement.dataset.build)
/** The paths of everything this load of the page fetched, but the API and the page's settings. */
const loadedFiles = (page: Page) =>
  page.evaluate(() =>
    performance
      .getEntriesByType('resource')
      .map((entry) => new URL(entry.name).pathname)
      .filter((path) => !path.startsWith('/api/') && path !== '/config.json'),
  )

/** A page of `build`, controlled by its worker, once that worker has kept the build. */
async function openKept(context: BrowserContext, build: Build): Promise<Page> {
  const page = await context.newPage()
  await page.goto(url)
  await expect.poll(() => buildName(page), { timeout: 10_000 }).toBe(build.name)
  await expect
    .poll(() => page.evaluate(() => navigator.serviceWorker.controller !== null), { timeout: 15_000 })
    .toBe(true)
  await expect.poll(() => cacheNames(page), { timeout: 15_000 }).toEqual(sorted(`drinks-${build.id}`, 'drinks-data'))
  return page
}

/** Every file of this load is one of `build`'s, and its entry script is there. */
async function expectWhole(page: Page, build: Build) {
  await page.locator('#mine-heading').waitFor()
  const loaded = await loadedFiles(page)
  expect(loaded).toContain(build.entry)
  expect(loaded.filter((path) => !build.files.has(path))).toEqual([])
}

test('the next load after a new build runs the new build whole, online and then offline', async () => {
  expect(second.id).not.toBe(first.id)
  expect(second.entry).not.toBe(first.entry)
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } })
  serving = first.app.fetch
  const page = await openKept(context, first)

  serving = second.app.fetch
  await page.reload()
  await expect.poll(() => buildName(page)).toBe(second.name)
  await expectWhole(page, second)
  // The new worker took over and dropped the old build's cache.
  await expect.poll(() => cacheNames(page), { timeout: 15_000 }).toEqual(sorted(`drinks-${second.id}`, 'drinks-data'))

  await context.setOffline(true)
  await page.reload()
  await expect.poll(() => buildName(page)).toBe(second.name)
  await expectWhole(page, second)
  await context.close()
})

test('a worker of the new build that gets the old build’s page (a rolling update half done) does not install', async () => {
  const context = await browser.newContext({ viewport: { width: 360, height: 740 } })
  serving = first.app.fetch
  const page = await openKept(context, first)

  // The new build's worker and its hashed files are out, but the page is still the old one's
  // (one server updated, the other not yet): only the page's content tells the builds apart.
  serving = (request) => {
    const path = new URL(request.url).pathname
    const fromSecond = path === '/sw.js' || (path.startsWith('/assets/') && second.files.has(path))
    return (fromSecond ? second : first).app.fetch(request)
  }
  const state = await page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration()
    if (!registration) return 'no registration'
    await registration.update()
    const worker = registration.installing ?? registration.waiting
    if (!worker) return 'no new worker'
    return new Promise<string>((resolve) => {
      const settled = () => {
        if (worker.state === 'redundant' || worker.state === 'activated') resolve(worker.state)
      }
      worker.addEventListener('statechange', settled)
      settled()
    })
  })
  expect(state).toBe('redundant')
  expect((await cacheNames(page)).filter((name) => name !== `drinks-${second.id}`)).toEqual(
    sorted(`drinks-${first.id}`, 'drinks-data'),
  )

  // The old build keeps serving the page, whole, also offline.
  await context.setOffline(true)
  await page.reload()
  await expect.poll(() => buildName(page)).toBe(first.name)
  await expectWhole(page, first)
  await context.close()
})
