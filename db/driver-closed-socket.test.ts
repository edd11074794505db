/**
 * postgres.js 3.4.9 writes small messages on the next turn of the event loop; when the connection
 * closed in between (a reserved connection whose backend died: a Postgres restart, a terminated
 * session), that write threw from an immediate and ended the process: a replica or a function
 * gone for one dead connection. patches/postgres+3.4.9.patch rejects the query instead; this
 * checks the patch is applied to the driver the deployables use.
 */
import { afterAll, expect, test } from 'vitest'
import { testSql } from '../test/db.ts'
import { waitFor } from '../test/wait.ts'

let closed = 0
const sql = testSql({ max: 2, onclose: () => void closed++ })
const admin = testSql({ max: 1 })
afterAll(async () => {
  // The dead connection has nothing left to finish.
  await sql.end({ timeout: 1 })
  await admin.end()
})

test('a query on a reserved connection whose backend died is rejected, and the process goes on', async () => {
  const reserved = await sql.reserve()
  const [row] = await reserved<{ pid: number }[]>`select pg_backend_pid() as pid`
  await admin`select pg_terminate_backend(${row?.pid ?? 0})`
  // The driver has seen its socket close: each later query on the pinned connection is written
  // to no socket (before the patch: a TypeError thrown from an immediate).
  await waitFor(() => closed > 0, 5000, 'the driver to see the connection close')
  const attempts = await Promise.allSettled([reserved`select 1`, reserved`select 2`])
  reserved.release()
  expect(attempts.map((a) => a.status)).toEqual(['rejected', 'rejected'])
  expect(attempts.map((a) => (a.status === 'rejected' ? (a.reason as { code?: string }).code : ''))).toEqual([
    'CONNECTION_CLOSED',
    'CONNECTION_CLOSED',
  ])
  // And the process is still here to answer.
  expect(await admin`select 1 as one`).toEqual([{ one: 1 }])
})
