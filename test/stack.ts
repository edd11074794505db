/**
 * The all-in-one stack for tests: on a database of its own (a stack runs an outbox relay, which
 * takes every row whose lease ran out, so suites must not share one), on free ports, with the
 * test tokens and a quiet log.
 */
import { type Stack, type StackOptions, startStack } from '../server/stack.ts'
import { createTestDatabase } from './db.ts'
import { forFile } from './for-file.ts'
import { quiet, testOverloadLimits, testTokens } from './harness.ts'

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
      overloadLimits: testOverloadLimits,
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

/** A stack for the whole file (see {@link startTestStack}). */
export function stackForFile(options: Partial<StackOptions> = {}): TestStack {
  return forFile('the stack', () => startTestStack(options))
}
