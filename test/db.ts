import postgres from 'postgres'
import { createScratchDatabase, type ScratchDatabase } from '../db/scratch.ts'

/** Connection string of the throwaway database that `npm test` created for this run. */
export function testDatabaseUrl(): string {
  const url = process.env.TEST_DATABASE_URL
  if (!url) throw new Error('TEST_DATABASE_URL is not set: run the suites through `npm test`')
  return url
}

/** A postgres.js pool on the test database; end it in afterAll. */
export function testSql(options: postgres.Options<Record<string, never>> = {}) {
  return postgres(testDatabaseUrl(), { max: 4, onnotice: () => {}, ...options })
}

/**
 * A database of its own on the test server, for suites that run brokers with an outbox relay:
 * relays of different suites on one database would take each other's messages.
 */
export function createTestDatabase(): Promise<ScratchDatabase> {
  return createScratchDatabase(testDatabaseUrl(), 'drinks_test')
}
