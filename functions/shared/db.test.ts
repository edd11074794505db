/**
 * The functions' pool when Postgres ends one of its connections (a restart, a failover, an
 * operator's pg_terminate_backend): the query on it fails as unavailable, and the pool serves
 * the next ones on a new connection, with nothing of the old one left over.
 */
import { afterAll, expect, test } from 'vitest'
import { holdAdvisoryLocks, testDatabaseUrl, testSql } from '../../test/db.ts'
import { waitFor } from '../../test/harness.ts'
import { createSql } from './db.ts'

// One connection holds the lock, one watches and ends the blocked backend.
const admin = testSql({ max: 2 })
afterAll(() => admin.end({ timeout: 5 }))

/** A lock the test holds: a query taking it waits until the test ends its connection. */
const blocking = 'db.test blocking lock'

/** Ends the connection of backend `pid` once it waits for the test's lock. */
async function endWhenBlocked(pid: number) {
  const blocked = async () =>
    (await admin`select 1 from pg_stat_activity where pid = ${pid} and wait_event = 'advisory'`).length === 1
  await waitFor(blocked, 5000, `backend ${pid} to wait for the lock`)
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
    const release = await holdAdvisoryLocks(admin, [blocking])
    const blocked = failureOf(sql`select pg_advisory_lock(hashtext(${blocking}))`.execute())
    await endWhenBlocked(pid)
    await release()
    expect(await blocked).toMatchObject({ code: 'CONNECTION_CLOSED' })
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
    const release = await holdAdvisoryLocks(admin, [blocking])
    const blocked = failureOf(reserved`select pg_advisory_lock(hashtext(${blocking}))`.execute())
    await endWhenBlocked(pid)
    await release()
    expect(await blocked).toMatchObject({ code: 'CONNECTION_CLOSED' })
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
