/**
 * postgres.js 3.4.9 asks a new connection for the database's array types before its first query,
 * in a promise nobody awaits. When the connection closed during that question (Postgres
 * restarting, a network cut) with a reserved connection waiting for it, as the order writer takes
 * them, the rejection went unhandled: the test runner counts that as a failure, and a process
 * with a stricter `unhandledRejection` policy would end. patches/postgres+3.4.9.patch catches it;
 * this checks the patch is applied to the driver the deployables use.
 */
import { createConnection, createServer, type Server, type Socket } from 'node:net'
import postgres from 'postgres'
import { afterAll, expect, test } from 'vitest'
import { testDatabaseUrl } from '../test/db.ts'

/** Passes bytes to the test database, and cuts the first connection that asks for the array types. */
function cuttingForwarder(target: URL): Promise<{ server: Server; url: string; cuts: () => number }> {
  let cuts = 0
  const server = createServer((client: Socket) => {
    const upstream = createConnection(Number(target.port || 5432), target.hostname)
    upstream.on('data', (chunk) => client.write(chunk))
    client.on('data', (chunk) => {
      if (cuts === 0 && chunk.includes('typarray')) {
        cuts++
        client.destroy()
        upstream.destroy()
        return
      }
      upstream.write(chunk)
    })
    client.on('error', () => upstream.destroy())
    upstream.on('error', () => client.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => client.destroy())
  })
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      const url = new URL(target)
      url.hostname = '127.0.0.1'
      url.port = String(port)
      resolve({ server, url: url.toString(), cuts: () => cuts })
    }),
  )
}

const unhandled: unknown[] = []
const onUnhandled = (reason: unknown) => void unhandled.push(reason)
process.on('unhandledRejection', onUnhandled)
let forwarder: Awaited<ReturnType<typeof cuttingForwarder>> | undefined
let sql: postgres.Sql | undefined
afterAll(async () => {
  process.off('unhandledRejection', onUnhandled)
  await sql?.end({ timeout: 1 })
  forwarder?.server.close()
})

test('a connection cut while it asks for the array types leaves nothing unhandled, and the pool serves again', async () => {
  forwarder = await cuttingForwarder(new URL(testDatabaseUrl()))
  sql = postgres(forwarder.url, { max: 1, onnotice: () => {} })
  // A reserved connection first, as the order writer takes them: cut while it asks for the types.
  const reserved = await sql.reserve().catch((error: { code?: string }) => error)
  if ('release' in reserved) reserved.release()
  expect(forwarder.cuts()).toBe(1)
  // A rejection left unhandled is reported once the microtasks of its turn ran: long before this
  // query on a new connection has been answered.
  expect(await sql`select 1 as one`).toEqual([{ one: 1 }])
  expect(unhandled).toEqual([])
})
