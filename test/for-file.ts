/**
 * Fixtures for a whole test file: what `beforeAll` starts and `afterAll` stops, declared once at
 * the top of the file and read inside its tests.
 */
import { afterAll, beforeAll } from 'vitest'

/**
 * What `beforeAll` starts for the whole file and `afterAll` stops, readable inside its tests:
 * reading it before `beforeAll` ran fails with a message that says so.
 */
export function forFile<T extends { stop?(): Promise<void>; close?(): Promise<void> }>(
  what: string,
  start: () => Promise<T>,
  timeoutMs = 60_000,
): T {
  let started: T | undefined
  beforeAll(async () => {
    started = await start()
  }, timeoutMs)
  afterAll(async () => {
    await (started?.close ?? started?.stop)?.call(started)
  })
  return lazy(what, () => started)
}

/** An object standing for what `current()` gives once it gives something. */
export function lazy<T extends object>(what: string, current: () => T | undefined): T {
  const target = () => {
    const found = current()
    if (!found) throw new Error(`${what} is read before beforeAll started it`)
    return found
  }
  // The traps beyond `get` let it be spread (`{ ...deps, undoSeconds: 5 }`) like what it stands for.
  return new Proxy({} as T, {
    // Not bound: a value may be a function with properties of its own (postgres.js' `sql`).
    get: (_, key) => Reflect.get(target(), key),
    has: (_, key) => Reflect.has(target(), key),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor(_, key) {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
      return descriptor && { ...descriptor, configurable: true }
    },
  })
}

/** What `build` makes, built when first used inside a test (from fixtures `beforeAll` started). */
export function builtOnFirstUse<T extends object>(what: string, build: () => T): T {
  let built: T | undefined
  return lazy(what, () => (built ??= build()))
}
