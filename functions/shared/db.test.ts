/**
 * The functions' pool when Postgres ends one of its connections (a restart, a failover, an
 * operator's pg_terminate_backend): the query on it fails as unavailable, and the pool serves
 * the next ones on a new connection, with nothing of the old one left over.
 */
import { afterAll, expect, test } from 'vitest'
import { testDatabaseUrl, testSql } from '../../test/db.ts'
import { waitFor } from '../../test/harness.ts'
import { createSql } from './db.ts'

const admin = testSql({ max: 1 })
afterAll(() => admin.end({ timeout: 5 }))

/** Ends the connection of backend `pid` once it sleeps. */
async function endSleeper(pid: number) {
  const sleeping = async () =>
    (await admin`select 1 from pg_stat_activity where pid = ${pid} and wait_event = 'PgSleep'`).length === 1
  await waitFor(sleeping, 5000)
  await admin`select pg_terminate_backend(${pid})`
}

/** The error `query` fails with (null if it succeeds), caught from the start: it may fail before anyone awaits it. */
const failureOf = (query: Promise<unknown>): Promise<unknown> =>
  query.then(
    () => null,
    (error: unknown) => error,
  )

const backendPid = async (sql: ReturnType<typeof createSql>) =>
  ((await sql`select pg_backend_pid() as pid`)[0] as { pid: number }).pid

test('after the database ends a connection under a query, the next query is served', async () => {
  // One connection: the next query needs the one that replaces it.
  const sql = createSql(testDatabaseUrl(), { max: 1 })
  try {
    const pid = await backendPid(sql)
    const sleeping = failureOf(sql`select pg_sleep(30)`.execute())
    await endSleeper(pid)
    expect(await sleeping).toMatchObject({ code: 'CONNECTION_CLOSED' })
    expect(await sql`select 1 as served`).toEqual([{ served: 1 }])
  } finally {
    await sql.end({ timeout: 5 })
  }
})

test('a reserved connection the database ends refuses its queries, and the pool serves the next ones', async () => {
  const sql = createSql(testDatabaseUrl(), { max: 1 })
  try {
    const reserved = await sql.reserve()
    const pid = await backendPid(reserved)
    const sleeping = failureOf(reserved`select pg_sleep(30)`.execute())
    await endSleeper(pid)
    expect(await sleeping).toMatchObject({ code: 'CONNECTION_CLOSED' })
    await expect(reserved`select 1`.execute()).rejects.toMatchObject({ code: 'CONNECTION_CLOSED' })
    reserved.release()
    expect(await sql`select 1 as served`).toEqual([{ served: 1 }])
    const again = await sql.reserve()
    expect(await again`select 2 as served`).toEqual([{ served: 2 }])
    again.release()
  } finally {
    await sql.end({ timeout: 5 })
  }
})
