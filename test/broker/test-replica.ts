/**
 * For tests and the benchmark: an Aedes broker on the Postgres persistence and emitter, listening
 * on a free loopback port, as one replica of a deployment would run.
 */
import { once } from 'node:events'
import { type AddressInfo, createServer, type Socket } from 'node:net'
import type { Aedes } from 'aedes'
import type { Sql } from 'postgres'
import { createPostgresEmitter, type PostgresEmitter } from '../../broker/emitter/emitter.ts'
import { createPostgresPersistence, type PostgresPersistence } from '../../broker/persistence/persistence.ts'

export interface Replica {
  broker: Aedes
  persistence: PostgresPersistence
  mq: PostgresEmitter
  url: string
  /** Disconnects the clients, closes the broker and its listener, destroys the persistence. */
  close(): Promise<void>
}

export interface ReplicaOptions {
  id: string
  /** NOTIFY channels; replicas of one deployment share them. */
  channels: { subscriptions: string; emitter: string }
}

export async function startReplica(sql: Sql, { id, channels }: ReplicaOptions): Promise<Replica> {
  const { Aedes } = await import('aedes')
  const persistence = createPostgresPersistence({ sql, channel: channels.subscriptions })
  const mq = createPostgresEmitter({ sql, channel: channels.emitter })
  await mq.ready
  const broker = await Aedes.createBroker({ id, persistence, mq })
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    broker.handle(socket)
  })
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  const { port } = server.address() as AddressInfo
  return {
    broker,
    persistence,
    mq,
    url: `mqtt://127.0.0.1:${port}`,
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      await new Promise<void>((resolve) => broker.close(() => resolve()))
      for (const socket of sockets) socket.destroy()
      await closed
      await persistence.destroy()
    },
  }
}
