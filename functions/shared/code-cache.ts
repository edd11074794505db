/**
 * How a function's pod runs its bundle: with the V8 code cache made for it when it was bundled.
 *
 * A pod that wakes from zero compiles its whole bundle before it answers, and every function it
 * calls for the first time on the way (Hono's routing, validation, the Postgres client). The
 * bundler runs each bundle once and keeps what V8 compiled by the end of that run
 * (`script.createCachedData()`, see scripts/bundle.ts); a pod hands it back to V8, which then
 * skips that work. `dist/functions/<name>.cjs` is a small launcher that calls {@link runBundle}
 * on `<name>.code.cjs` and `<name>.code-cache` beside it.
 *
 * V8 accepts the cache only from the same V8 version with the same flags: the image builds and
 * runs its bundles with one Node, and the pods pass no V8 flags (scripts/manifests.ts). A
 * rejected or missing cache costs only the time it would have saved, and says so in the log.
 */
import { readFileSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname } from 'node:path'
import { pathToFileURL } from 'node:url'
import { Script } from 'node:vm'
import { createLogger } from '../../runtime/logger.ts'

/** Set by the bundler's warm-up run: where to write the code cache when the process exits. */
export const writeCodeCacheEnv = 'WRITE_CODE_CACHE'

/** The parameters Node gives a CommonJS module, on one line so that line numbers stay true. */
const wrapperStart = '(function (exports, require, module, __filename, __dirname) { '
const wrapperEnd = '\n})'

/** Where the code cache of the bundle `<name>.code.cjs` lies: `<name>.code-cache`. */
export function codeCacheFile(bundleFile: string): string {
  return bundleFile.replace(/\.code\.cjs$/, '.code-cache')
}

/**
 * Runs the CommonJS bundle `file` as Node would run it as its main module, compiled with the code
 * cache beside it. `part` names the function in the log.
 */
export function runBundle(file: string, part: string): void {
  const cacheFile = codeCacheFile(file)
  let cachedData: Buffer | undefined
  try {
    cachedData = readFileSync(cacheFile)
  } catch {
    createLogger(part).warn(`no code cache at ${cacheFile}: compiling the bundle instead`)
  }
  const script = new Script(wrapperStart + readFileSync(file, 'utf8') + wrapperEnd, { filename: file, cachedData })
  if (cachedData && script.cachedDataRejected) {
    createLogger(part).warn(
      'the code cache was rejected (V8 flags or Node differ from those it was made with): compiling the bundle instead',
    )
  }
  const writeTo = process.env[writeCodeCacheEnv]
  // At exit V8 has compiled what the run needed, not only what the first pass over the file did.
  if (writeTo) process.on('exit', () => writeFileSync(writeTo, script.createCachedData()))
  const module = { exports: {}, filename: file, id: '.', loaded: false }
  const run = script.runInThisContext() as (...args: unknown[]) => void
  run.call(module.exports, module.exports, createRequire(pathToFileURL(file)), module, file, dirname(file))
}
