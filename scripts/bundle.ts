/**
 * `npm run bundle`: one ESM file per deployable, started with plain `node` and needing no
 * node_modules: `dist/functions/<name>.mjs` for each function of hono.config.ts, `dist/broker.mjs`,
 * `dist/migrate.mjs` and `dist/client-server.mjs`. The SQL migrations are copied under `dist/`
 * at their source paths, where the bundled code looks for them (see `ownModules`).
 */
import { cp, mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { dirname, join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { gzipSync } from 'node:zlib'
import { build, type Plugin } from 'esbuild'
import { functions } from '../hono.config.ts'

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
  const brokerEntry = { name: 'broker', code: `import ${JSON.stringify(join(root, 'broker/main.ts'))}` }
  const toolEntries = [
    { name: 'migrate', code: `import ${JSON.stringify(join(root, 'server/migrate.ts'))}` },
    { name: 'client-server', code: `import ${JSON.stringify(join(root, 'server/client-server.ts'))}` },
  ]
  // One build per folder depth (a module's rewritten `import.meta.url` is relative to its
  // bundle) and per setting of keepNames (see buildGroup): off where requests and messages pass.
  const written = await Promise.all([
    buildGroup(fnEntries, outDir, '../', { keepNames: false }),
    buildGroup([brokerEntry], outDir, './', { keepNames: false }),
    buildGroup(toolEntries, outDir, './', { keepNames: true }),
  ])
  for (const dir of sqlDirs) await copySql(join(root, dir), join(outDir, dir))
  return written.flat().sort()
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
  { keepNames }: { keepNames: boolean },
) {
  const result = await build({
    entryPoints: entries.map(({ name }) => ({ in: `entry:${name}`, out: name })),
    outdir: outDir,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node22',
    // Whitespace and syntax only: identifiers stay as written, so stack traces stay readable.
    minifyWhitespace: true,
    minifySyntax: true,
    keepNames,
    legalComments: 'eof',
    logLevel: 'warning',
    metafile: true,
    // CommonJS dependencies (ws, mqtt's helpers) call `require` for Node's built-ins.
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module';const require = __createRequire(import.meta.url);",
    },
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
