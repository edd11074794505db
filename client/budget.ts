/**
 * `npx tsx client/budget.ts`: builds the client and checks the guest page's first-paint budget:
 * the JavaScript it needs before its first paint, gzipped, must stay within 15 KB. Counted twice:
 * from the build's manifest (the entry script with everything it imports statically or preloads,
 * and the words of one language, the largest of the four), and in Chromium, as every script
 * downloaded before the first contentful paint (`first-paint.ts`; its language counted as the
 * largest). A script the page waits for that the manifest count misses fails the check, so the
 * two cannot drift apart. The MQTT worker (mqtt.js) and the guest's order list load after the
 * first paint and are listed for information.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build } from 'vite'
import { scriptsBeforeFirstPaint } from './first-paint.ts'

const limit = 15 * 1024

interface ManifestChunk {
  file: string
  src?: string
  isEntry?: boolean
  imports?: string[]
  dynamicImports?: string[]
}

const configFile = fileURLToPath(new URL('./vite.config.ts', import.meta.url))
const outDir = mkdtempSync(join(tmpdir(), 'drinks-budget-'))
try {
  await build({ configFile, logLevel: 'warn', build: { outDir, emptyOutDir: true, manifest: true } })
  const manifest = JSON.parse(readFileSync(join(outDir, '.vite/manifest.json'), 'utf8')) as Record<
    string,
    ManifestChunk
  >
  const gzipped = (file: string) => gzipSync(readFileSync(join(outDir, file)), { level: 9 }).length
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(2)} KB`

  // The entry and its static imports, as index.html loads them.
  const html = readFileSync(join(outDir, 'index.html'), 'utf8')
  const entryFile = /<script type="module"[^>]*src="\/([^"]+)"/.exec(html)?.[1]
  const entry = Object.entries(manifest).find(([, chunk]) => chunk.file === entryFile)
  if (!entry) throw new Error('no entry script in index.html')
  const staticFiles = new Set<string>()
  const visit = (key: string) => {
    const chunk = manifest[key]
    if (!chunk || staticFiles.has(chunk.file)) return
    staticFiles.add(chunk.file)
    for (const next of chunk.imports ?? []) visit(next)
  }
  visit(entry[0])
  for (const [, href] of html.matchAll(/<link rel="modulepreload"[^>]*href="\/([^"]+)"/g))
    if (href) staticFiles.add(href)

  const languages = Object.values(manifest)
    .filter((chunk) => /i18n\/guest\/\w+\.ts$/.test(chunk.src ?? ''))
    .map((chunk) => ({ file: chunk.file, bytes: gzipped(chunk.file) }))
    .sort((a, b) => b.bytes - a.bytes)
  const language = languages[0]
  if (!language) throw new Error('no language chunk found')

  const rows = [...staticFiles].map((file) => ({ file, bytes: gzipped(file) }))
  const total = rows.reduce((sum, row) => sum + row.bytes, 0) + language.bytes
  console.log('First paint of the guest page (gzip -9):')
  for (const row of rows) console.log(`  ${kb(row.bytes).padStart(9)}  ${row.file}`)
  console.log(`  ${kb(language.bytes).padStart(9)}  ${language.file} (largest language)`)
  console.log(`  ${kb(total).padStart(9)}  total, budget ${kb(limit)}`)
  console.log(`  languages: ${languages.map((l) => `${l.file.replace(/^assets\//, '')} ${kb(l.bytes)}`).join(', ')}`)

  // The guest's orders and ticker, and the MQTT worker (mqtt.js), which runs off the main thread.
  const later = readdirSync(join(outDir, 'assets')).filter((file) => /^(order-parts|mqtt-worker)-.*\.js$/.test(file))
  console.log('After the first paint:')
  for (const file of later) console.log(`  ${kb(gzipped(`assets/${file}`)).padStart(9)}  assets/${file}`)

  const isLanguage = (file: string) => languages.some((l) => l.file === file)
  const painted = await scriptsBeforeFirstPaint(outDir)
  const measured =
    painted.filter((file) => !isLanguage(file)).reduce((sum, file) => sum + gzipped(file), 0) + language.bytes
  console.log('Scripts downloaded before the first contentful paint, in Chromium:')
  for (const file of painted) console.log(`  ${kb(gzipped(file)).padStart(9)}  ${file}`)
  console.log(`  ${kb(measured).padStart(9)}  total, with the largest language`)
  const missed = painted.filter((file) => !staticFiles.has(file) && !isLanguage(file))
  if (missed.length > 0) {
    console.error(`\nThe first paint waited for ${missed.join(', ')}, which the manifest count leaves out.`)
    process.exitCode = 1
  }
  if (Math.max(total, measured) > limit) {
    console.error(`\nOver budget by ${kb(Math.max(total, measured) - limit)}.`)
    process.exitCode = 1
  }
} finally {
  rmSync(outDir, { recursive: true, force: true })
}
