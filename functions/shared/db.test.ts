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

/**
 * What a query on `sql` fails with when the database ends its connection under it: the query
 * waits for the test's lock, and its backend is ended once it does.
 */
async function failureWhenEnded(sql: ReturnType<typeof createSql>): Promise<unknown> {
  const [{ pid }] = (await sql`select pg_backend_pid() as pid`) as unknown as [{ pid: number }]
  const release = await holdAdvisoryLocks(admin, [blocking])
  // Caught from the start: it may fail before anyone awaits it.
  const failure = sql`select pg_advisory_lock(hashtext(${blocking}))`.execute().then(
    () => null,
    (error: unknown) => error,
  )
  const blocked = async () =>
    (await admin`select 1 from pg_stat_activity where pid = ${pid} and wait_event = 'advisory'`).length === 1
  await waitFor(blocked, 5000, `backend ${pid} to wait for the lock`)
  await admin`select pg_terminate_backend(${pid})`
  await release()
  return failure
}

test('after the database ends a connection under a query, the next query is served', async () => {
  // One connection: the next query needs the one that replaces it.
  const sql = createSql(testDatabaseUrl(), { max: 1 })
  try {
    expect(await failureWhenEnded(sql)).toMatchObject({ code: 'CONNECTION_CLOSED' })
    expect(await sql`select 1 as served`).toEqual([{ served: 1 }])
  } finally {
    await sql.end({ timeout: 5 })
  }
})

test('a reserved connection the database ends refuses its queries, and the pool serves the next ones', async () => {
  const sql = createSql(testDatabaseUrl(), { max: 1 })
  try {
    const reserved = await sql.reserve()
    expect(await failureWhenEnded(reserved)).toMatchObject({ code: 'CONNECTION_CLOSED' })
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
