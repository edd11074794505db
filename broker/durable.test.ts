import { expect, test } from 'vitest'
import { testDatabaseUrl } from '../test/db.ts'
import { createBrokerSql } from './durable.ts'

test("the broker's pool cuts off a statement at its timeout and names itself to Postgres", async () => {
  const sql = createBrokerSql(testDatabaseUrl(), { max: 1, statementTimeoutMs: 200 })
  try {
    await expect(sql`select pg_sleep(2)`).rejects.toMatchObject({ code: '57014' })
    const [row] = await sql<
      { application_name: string }[]
    >`select current_setting('application_name') as application_name`
    expect(row?.application_name).toBe('drinks-broker')
  } finally {
    await sql.end({ timeout: 5 })
  }
})

test("the broker's pool tries a lost Postgres again within a second, however many attempts failed", () => {
  const sql = createBrokerSql(testDatabaseUrl())
  // The delay postgres.js waits before the next attempt after `retries` failures, in seconds.
  const backoff = (sql.options as unknown as { backoff: (retries: number) => number }).backoff
  try {
    for (const retries of [1, 5, 10, 50]) expect(backoff(retries)).toBeLessThanOrEqual(1)
  } finally {
    void sql.end({ timeout: 0 })
  }
})
