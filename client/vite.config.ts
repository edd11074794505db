import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'
import preact from '@preact/preset-vite'
import { defineConfig, type Plugin } from 'vite'
import { mqttPath } from '../contract/index.ts'
import { preloadHelper } from './build/preload-helper.ts'
import { serviceWorker } from './build/service-worker.ts'

// `npx vite build client` writes client/dist, which the server serves with the API on the same
// origin. `npx vite client` serves the page with hot reload and passes the API, `/config.json`
// and MQTT over WebSocket on to a server already running (`npm start`), by default on :8080.
const backend = process.env.DRINKS_SERVER ?? 'http://localhost:8080'

/**
 * Writes `.br` and `.gz` beside every text file of the build, so a server can send them as
 * they are (`serveStatic({ precompressed: true })`) at the best compression, with no work per
 * request.
 */
function precompress(): Plugin {
  let outDir = ''
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = resolve(dir, name)
      return statSync(path).isDirectory() ? walk(path) : [path]
    })
  return {
    name: 'drinks:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir)
    },
    closeBundle() {
      for (const path of walk(outDir)) {
        if (!/\.(js|css|html|svg|json|webmanifest)$/.test(path) || statSync(path).size < 256) continue
        const source = readFileSync(path)
        writeFileSync(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }))
        writeFileSync(`${path}.gz`, gzipSync(source, { level: 9 }))
      }
    },
  }
}

export default defineConfig(({ command }) => {
  // A build is for production even when a test runner set NODE_ENV=test (vitest does, and
  // the browser tests build the client from inside it): else Preact's debug build and the
  // development JSX transform would add 4 KB to the guest's first download.
  if (command === 'build') process.env.NODE_ENV = 'production'
  return {
    root: fileURLToPath(new URL('.', import.meta.url)),
    plugins: [preact(), serviceWorker(), preloadHelper(), precompress()],
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      // Every browser the page targets knows modulepreload; the polyfill would cost first-paint bytes.
      modulePreload: { polyfill: false },
      rolldownOptions: {
        output: {
          // Everything the guest page needs at start in one file: one request, one compression
          // window, no imports between chunks. The rest stays split, loaded when needed.
          codeSplitting: { groups: [{ name: 'guest', tags: ['$initial'] }] },
        },
      },
    },
    // The MQTT worker is an ES module like the page (every browser the page targets runs those).
    worker: { format: 'es' },
    server: {
      proxy: {
        '/api': backend,
        '/config.json': backend,
        [mqttPath]: { target: backend, ws: true },
      },
    },
  }
})
