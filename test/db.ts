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

/**
 * Takes the advisory locks `hashtext(key)` of `keys` on a connection of its own and keeps them
 * until the returned function releases them: whoever asks for one meanwhile (the order writer
 * locks each guest it writes for) waits.
 */
export async function holdAdvisoryLocks(sql: postgres.Sql, keys: string[]): Promise<() => Promise<void>> {
  const held = await sql.reserve()
  for (const key of keys) await held`select pg_advisory_lock(hashtext(${key}))`
  return async () => {
    await held`select pg_advisory_unlock_all()`
    held.release()
  }
}

/** The backends of this database waiting for an advisory lock. */
export async function waitingForAdvisoryLock(sql: postgres.Sql): Promise<number[]> {
  const rows = await sql<{ pid: number }[]>`
    select pid from pg_stat_activity
    where wait_event_type = 'Lock' and wait_event = 'advisory' and datname = current_database()`
  return rows.map((row) => row.pid)
}
