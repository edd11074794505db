/**
 * `npm run bundle`: one file per deployable, started with plain `node` and needing no
 * node_modules: `dist/functions/<name>.cjs` for each function of hono.config.ts (a launcher; its
 * bundle `<name>.code.cjs` and V8 code cache `<name>.code-cache` lie beside it), `dist/broker.mjs`,
 * `dist/migrate.mjs` and `dist/client-server.mjs`. The SQL migrations are copied under `dist/`
 * at their source paths, where the bundled code looks for them (see `ownModules`).
 */
import { spawn } from 'node:child_process'
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'
import { routes } from '../contract/index.ts'
import { codeCacheFile, writeCodeCacheEnv } from '../functions/shared/code-cache.ts'
import { type FunctionDefinition, functions } from '../hono.config.ts'
import { METRICS_PATH } from '../runtime/metrics.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { newVapidKeys } from '../runtime/push/vapid.ts'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** Folders of `.sql` files that bundled code reads at run time, relative to the repo root. */
export const sqlDirs = ['functions/shared/migrations', 'broker/migrations']

export interface BundleOptions {
  /** Where the bundles go; `dist` of the repo by default. */
  outDir?: string
}

/** Builds every bundle; resolves to the files written, relative to `outDir`. */
export async function bundle({ outDir = join(root, 'dist') }: BundleOptions = {}): Promise<string[]> {
  await rm(outDir, { recursive: true, force: true })
  const fnEntries = functions.map((fn) => ({ name: `functions/${fn.name}`, code: functionEntry(fn.name, fn.entry) }))
  const launchers = functions.map((fn) => ({ name: `functions/${fn.name}`, code: launcherEntry(fn.name) }))
  const brokerEntry = { name: 'broker', code: `import ${JSON.stringify(join(root, 'broker/main.ts'))}` }
  const toolEntries = [
    { name: 'migrate', code: `import ${JSON.stringify(join(root, 'server/migrate.ts'))}` },
    { name: 'client-server', code: `import ${JSON.stringify(join(root, 'server/client-server.ts'))}` },
  ]
  // One build per folder depth (a module's rewritten `import.meta.url` is relative to its
  // bundle) and per setting of keepNames (see buildGroup): off where requests and messages pass.
  const written = await Promise.all([
    buildGroup(fnEntries, outDir, '../', { keepNames: false, format: 'cjs', extension: '.code.cjs' }),
    buildGroup(launchers, outDir, '../', { keepNames: false, format: 'cjs', extension: '.cjs' }),
    buildGroup([brokerEntry], outDir, './', { keepNames: false }),
    buildGroup(toolEntries, outDir, './', { keepNames: true }),
  ])
  for (const dir of sqlDirs) await copySql(join(root, dir), join(outDir, dir))
  const caches = await Promise.all(functions.map((fn) => writeCodeCache(outDir, fn)))
  return [...written.flat(), ...caches].sort()
}

/** The generated entry of one function: what `npm run function -- <name>` does, minus the lookup. */
function functionEntry(name: string, entry: string): string {
  return [
    `import * as mod from ${JSON.stringify(join(root, entry))}`,
    `import { serveFunction } from ${JSON.stringify(join(root, 'functions/shared/serve.ts'))}`,
    `serveFunction(${JSON.stringify(name)}, mod)`,
  ].join('\n')
}

/**
 * What a pod runs: `node dist/functions/<name>.cjs` runs the bundle `<name>.code.cjs` with its
 * V8 code cache (functions/shared/code-cache.ts). The bundle is CommonJS because only a script,
 * not an ES module, can be compiled with a code cache on Node 20 and 22.
 */
function launcherEntry(name: string): string {
  return [
    `import { runBundle } from ${JSON.stringify(join(root, 'functions/shared/code-cache.ts'))}`,
    `runBundle(require('node:path').join(__dirname, ${JSON.stringify(`${name}.code.cjs`)}), ${JSON.stringify(name)})`,
  ].join('\n')
}

/**
 * `keepNames` makes esbuild give back a function or class the name it had before the bundle
 * renamed it (two modules' `Hono` become `Hono` and `Hono2`), for code that compares
 * `constructor.name` with a string. It costs a `defineProperty` each time a closure is made:
 * Hono's context makes a dozen for every request, Aedes some for every message. Without it
 * place-order allocates 3.6% less per order and the broker spends about a fifth less CPU per order
 * (BENCHMARKS.md), so the functions and the broker go without; k8s/bundle.test.ts checks each
 * place their code reads such a name against the reviewed ones. The two small tools keep it.
 */
async function buildGroup(
  entries: { name: string; code: string }[],
  outDir: string,
  toDistRoot: string,
  { keepNames, format = 'esm', extension = '.mjs' }: { keepNames: boolean; format?: 'esm' | 'cjs'; extension?: string },
) {
  const result = await build({
    entryPoints: entries.map(({ name }) => ({ in: `entry:${name}`, out: name })),
    outdir: outDir,
    outExtension: { '.js': extension },
    bundle: true,
    platform: 'node',
    format,
    target: 'node22',
    // Whitespace and syntax only: identifiers stay as written, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    ...(format === 'esm'
      ? {
          // CommonJS dependencies (ws, mqtt's helpers) call `require` for Node's built-ins.
          banner: {
            js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
          },
        }
      : {
          // A CommonJS bundle has no `import.meta`: its URL is made from its file name.
          define: { 'import.meta.url': '__bundleUrl' },
          banner: { js: 'var __bundleUrl = require("node:url").pathToFileURL(__filename).href;' },
        }),
    plugins: [virtualEntries(entries), prebuiltOpenApi(), ownModules(toDistRoot)],
  })
  return Object.keys(result.metafile.outputs).map((file) => relative(outDir, resolve(file)))
}

function virtualEntries(entries: { name: string; code: string }[]): Plugin {
  const code = new Map(entries.map((entry) => [`entry:${entry.name}`, entry.code]))
  return {
    name: 'virtual-entries',
    setup(b) {
      b.onResolve({ filter: /^entry:/ }, (args) => ({ path: args.path, namespace: 'entry' }))
      b.onLoad({ filter: /.*/, namespace: 'entry' }, (args) => ({
        contents: code.get(args.path),
        resolveDir: root,
        loader: 'ts',
      }))
    },
  }
}

/**
 * The OpenAPI document is made from every schema of the contract by @valibot/to-json-schema: the
 * same for every start of a pod. The bundle carries the finished document instead (a function
 * that returns it), neither the converter nor the schemas that only the document needs.
 */
function prebuiltOpenApi(): Plugin {
  const source = join(root, 'functions/shared/openapi.ts')
  return {
    name: 'prebuilt-openapi',
    setup(b) {
      b.onLoad({ filter: /openapi\.ts$/ }, async (args) => {
        if (resolve(args.path) !== source) return undefined
        const { openApiDocument } = (await import(source)) as typeof import('../functions/shared/openapi.ts')
        // Compressed: the document is a tenth of a bundle as text, and read only when asked for.
        const document = gzipSync(JSON.stringify(openApiDocument()), { level: 9 }).toString('base64')
        return {
          contents: [
            "import { gunzipSync } from 'node:zlib'",
            `export function openApiDocument() { return JSON.parse(gunzipSync(Buffer.from(${JSON.stringify(document)}, 'base64')).toString('utf8')) }`,
          ].join('\n'),
          loader: 'js',
        }
      })
    },
  }
}

/**
 * Two rewrites of our own modules (never of node_modules):
 * - In a bundle `import.meta.url` is the bundle's own URL, so a module that finds files beside
 *   itself (the migrations folders) would look in the wrong place. It becomes the URL the module
 *   would have under `dist/` at its source path, where `copySql` puts the files.
 * - `const require = createRequire(import.meta.url)` would load packages from node_modules at run
 *   time, which the image does not have. Without it, `require` is the bundler's own, and the
 *   packages are bundled.
 */
function ownModules(toDistRoot: string): Plugin {
  return {
    name: 'own-modules',
    setup(b) {
      b.onLoad({ filter: /\.tsx?$/ }, async (args) => {
        if (args.path.includes('/node_modules/')) return undefined
        const source = await readFile(args.path, 'utf8')
        if (!source.includes('import.meta.url')) return undefined
        const sourcePath = relative(root, args.path).split('\\').join('/')
        const url = `new URL(${JSON.stringify(toDistRoot + sourcePath)}, import.meta.url).href`
        const contents = source
          .replace(/^const require = createRequire\(import\.meta\.url\)$/m, '')
          .replaceAll('import.meta.url', url)
        return { contents, loader: 'ts' }
      })
    },
  }
}

/** How long a function may take to start and answer its warm-up requests at build time. */
const warmUpTimeoutMs = 20_000

/**
 * Runs `dist/functions/<name>.cjs` once as a pod would, with its dependencies away (nothing listens
 * where its Postgres and broker would be), sends it the requests listed below, stops it with
 * SIGTERM, and keeps the code cache it writes at exit: the start, the HTTP layer, routing,
 * validation, the Postgres client's first steps and the error paths compiled, which a
 * warm-up needing no database can reach. Resolves to the cache file, relative to `outDir`.
 */
async function writeCodeCache(outDir: string, fn: FunctionDefinition): Promise<string> {
  const cache = codeCacheFile(`functions/${fn.name}.code.cjs`)
  const [port, absent] = await Promise.all([anyFreePort(), anyFreePort()])
  const vapid = newVapidKeys()
  const child = spawn(process.execPath, [join(outDir, `functions/${fn.name}.cjs`)], {
    cwd: outDir,
    env: {
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: `postgres://warm-up@127.0.0.1:${absent}/warm-up`,
      BROKER_URL: `mqtt://127.0.0.1:${absent}`,
      BAR_TOKEN: 'warm-up-bar',
      PRINTER_TOKEN: 'warm-up-printer',
      SERVICE_TOKEN: 'warm-up-service',
      VAPID_PUBLIC_KEY: vapid.publicKey,
      VAPID_PRIVATE_KEY: vapid.privateKey,
      [writeCodeCacheEnv]: join(outDir, cache),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (chunk) => (output += chunk))
  child.stderr.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const fail = (why: string) => new Error(`warming up functions/${fn.name}.cjs: ${why}\n${output}`)
  const deadline = setTimeout(() => child.kill('SIGKILL'), warmUpTimeoutMs)
  try {
    const base = `http://127.0.0.1:${port}`
    while ((await fetch(`${base}${routes.healthz}`).catch(() => null))?.status !== 200) {
      if (child.exitCode !== null) throw fail(`exited with ${child.exitCode}`)
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
    for (const request of warmUpRequests(fn)) {
      const response = await fetch(`${base}${request.path}`, {
        method: request.method,
        headers: request.body === undefined ? {} : { 'content-type': 'application/json' },
        body: request.body,
      })
      await response.arrayBuffer()
    }
    child.kill('SIGTERM')
    if ((await exited) !== 0) throw fail('did not exit cleanly on SIGTERM')
    return cache
  } finally {
    clearTimeout(deadline)
    child.kill('SIGKILL')
  }
}

/**
 * The warm-up: readiness, metrics, and each of the function's routes once with an empty JSON body
 * (refused by validation) and, for placing an order, once with a valid order (refused as
 * unavailable, after the order writer tried the database).
 */
function warmUpRequests(fn: FunctionDefinition): { method: string; path: string; body?: string }[] {
  const someId = '00000000-0000-4000-8000-000000000000'
  const requests: { method: string; path: string; body?: string }[] = [
    { method: 'GET', path: routes.readyz },
    { method: 'GET', path: METRICS_PATH },
  ]
  for (const route of fn.routes) {
    const path = route.path.replace(/:[A-Za-z]+/g, someId)
    requests.push({ method: route.method, path, body: route.method === 'GET' ? undefined : '{}' })
    if (route.method === 'POST' && route.path === routes.orders) {
      requests.push({
        method: 'POST',
        path,
        body: JSON.stringify({ guestId: someId, nickname: 'Warm-up', drinkId: 'water' }),
      })
    }
  }
  return requests
}

async function copySql(from: string, to: string): Promise<void> {
  const files = await readdir(from).catch(() => [] as string[])
  const sql = files.filter((name) => name.endsWith('.sql'))
  if (sql.length === 0) return
  await mkdir(to, { recursive: true })
  for (const name of sql) await cp(join(from, name), join(to, name))
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] ? resolve(process.argv[2]) : undefined
  const started = performance.now()
  const files = await bundle({ outDir })
  console.log(`bundled ${files.join(', ')} in ${Math.round(performance.now() - started)} ms`)
}
