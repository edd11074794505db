import { randomBytes } from 'node:crypto'
import postgres from 'postgres'

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
export async function createTestDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const admin = postgres(testDatabaseUrl(), { max: 1, onnotice: () => {} })
  const name = `drinks_test_${randomBytes(4).toString('hex')}`
  await admin.unsafe(`create database ${name}`)
  const url = new URL(testDatabaseUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}
