/**
 * `npx tsx client/lighthouse.ts [url]`: Lighthouse 12.2.3 on the guest page of a running stack
 * (default `http://localhost:8080/`, e.g. `npm start`), mobile preset (the default: a mid-range
 * phone, simulated slow 4G, 4× CPU slowdown). Prints the scores, the metrics and the weight of
 * the whole first load, and fails when the page is under its bar: performance 98,
 * accessibility 100, best practices 100, at most 150 KiB.
 *
 * Lighthouse's own launcher is not used: this starts Debian's Chromium with a DevTools port and
 * a fresh profile (no cache, no service worker), and hands Lighthouse the port.
 *
 * Lighthouse does not see what a Web Worker downloads, and the page's MQTT connection (mqtt.js)
 * lives in one; the worker's script is therefore fetched here as Chromium would (brotli or
 * gzip, whichever the server offers) and added to the weight.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { get } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import lighthouse from 'lighthouse'
import { anyFreePort } from '../runtime/ports.ts'
import { chromiumArgs, chromiumPath } from '../test/browser.ts'
import { type StartedProcess, startProcess, waitForStatus } from '../test/processes.ts'

const url = process.argv[2] ?? 'http://localhost:8080/'
const bar = { performance: 98, accessibility: 100, 'best-practices': 100 } as const
const maxKiB = 150

/** Chromium with a DevTools port and a fresh profile, once the port answers. */
async function startChromium(port: number, profile: string): Promise<StartedProcess> {
  const chromium = startProcess(chromiumPath, [
    ...chromiumArgs,
    `--remote-debugging-port=${port}`,
    `--user-data-dir=${profile}`,
    'about:blank',
  ])
  try {
    await waitForStatus(chromium, `http://127.0.0.1:${port}/json/version`, undefined, 10_000)
  } catch (error) {
    await chromium.stop('SIGKILL')
    throw error
  }
  return chromium
}

/** The bytes a server sends for `url` to a browser that takes brotli and gzip, headers included. */
function wireBytes(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    get(url, { headers: { 'accept-encoding': 'gzip, deflate, br' } }, (res) => {
      let bytes = Object.entries(res.headers).reduce((sum, [k, v]) => sum + k.length + String(v).length + 4, 0)
      res.on('data', (chunk: Buffer) => {
        bytes += chunk.length
      })
      res.on('end', () => resolve(bytes))
      res.on('error', reject)
    }).on('error', reject)
  })
}

/** The Web Workers the page's scripts start, with what their script costs over the wire. */
async function workerScripts(loaded: readonly { url: string }[]): Promise<{ url: string; totalBytes: number }[]> {
  const workers: { url: string; totalBytes: number }[] = []
  for (const { url: script } of loaded.filter((item) => item.url.endsWith('.js'))) {
    const code = await (await fetch(script)).text()
    for (const [, path] of code.matchAll(/new Worker\(new URL\(`([^`]+)`/g)) {
      const workerUrl = new URL(path ?? '', script).href
      workers.push({ url: workerUrl, totalBytes: await wireBytes(workerUrl) })
    }
  }
  return workers
}

const port = await anyFreePort()
const profile = mkdtempSync(join(tmpdir(), 'drinks-lighthouse-'))
const chromium = await startChromium(port, profile)
try {
  const result = await lighthouse(url, {
    port,
    logLevel: 'error',
    output: 'json',
    onlyCategories: Object.keys(bar),
  })
  if (!result) throw new Error('Lighthouse returned no result')
  const { categories, audits } = result.lhr
  if (result.lhr.runtimeError) throw new Error(result.lhr.runtimeError.message)

  let failed = false
  console.log(`Lighthouse ${result.lhr.lighthouseVersion}, mobile, ${url}`)
  for (const [id, minimum] of Object.entries(bar)) {
    const score = Math.round((categories[id]?.score ?? 0) * 100)
    const ok = score >= minimum
    failed ||= !ok
    console.log(`  ${(categories[id]?.title ?? id).padEnd(16)} ${String(score).padStart(3)}  (at least ${minimum})`)
  }
  for (const id of [
    'first-contentful-paint',
    'largest-contentful-paint',
    'speed-index',
    'total-blocking-time',
    'cumulative-layout-shift',
  ]) {
    console.log(`  ${(audits[id]?.title ?? id).padEnd(26)} ${audits[id]?.displayValue ?? '?'}`)
  }
  const items = (audits['total-byte-weight']?.details as { items?: { url: string; totalBytes: number }[] })?.items
  const workers = await workerScripts(items ?? [])
  const bytes =
    (audits['total-byte-weight']?.numericValue ?? Number.POSITIVE_INFINITY) +
    workers.reduce((sum, worker) => sum + worker.totalBytes, 0)
  const kib = bytes / 1024
  failed ||= kib > maxKiB
  console.log(`  ${'Whole first load'.padEnd(26)} ${kib.toFixed(1)} KiB  (at most ${maxKiB})`)
  for (const item of [...(items ?? []), ...workers]) {
    console.log(`    ${(item.totalBytes / 1024).toFixed(1).padStart(6)} KiB  ${new URL(item.url).pathname}`)
  }
  // What cost points, for whoever has to fix it.
  for (const [id, audit] of Object.entries(audits)) {
    if (audit.score !== null && audit.score < 0.9 && audit.scoreDisplayMode !== 'informative') {
      const ref = Object.values(categories).some((c) => c.auditRefs.some((r) => r.id === id && r.weight > 0))
      if (ref) console.log(`  ! ${id}: ${audit.title}${audit.displayValue ? ` (${audit.displayValue})` : ''}`)
    }
  }
  if (failed) process.exitCode = 1
} finally {
  await chromium.stop()
  rmSync(profile, { recursive: true, force: true, maxRetries: 5 })
}
