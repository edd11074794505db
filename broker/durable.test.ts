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
