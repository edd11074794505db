/**
 * The all-in-one stack for tests: on a database of its own (a stack runs an outbox relay, which
 * takes every row whose lease ran out, so suites must not share one), on free ports, with the
 * test tokens and a quiet log.
 */
import { afterAll, beforeAll } from 'vitest'
import { type Stack, type StackOptions, startStack } from '../server/stack.ts'
import { createTestDatabase } from './db.ts'
import { quiet, testTokens } from './harness.ts'

export interface TestStack extends Stack {
  databaseUrl: string
}

/** Starts a stack on a new database; `stop` stops it and drops the database. */
export async function startTestStack(options: Partial<StackOptions> = {}): Promise<TestStack> {
  const database = await createTestDatabase()
  try {
    const stack = await startStack({
      databaseUrl: database.url,
      port: 0,
      mqttPort: 0,
      tokens: testTokens,
      log: quiet,
      ...options,
    })
    return {
      ...stack,
      databaseUrl: database.url,
      async stop() {
        await stack.stop()
        await database.drop()
      },
    }
  } catch (error) {
    await database.drop()
    throw error
  }
}

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
  return new Proxy({} as T, {
    get(_, key) {
      if (!started) throw new Error(`${what} is read before beforeAll started it`)
      return Reflect.get(started, key)
    },
  })
}

/** A stack for the whole file (see {@link startTestStack}). */
export function stackForFile(options: Partial<StackOptions> = {}): TestStack {
  return forFile('the stack', () => startTestStack(options))
}
