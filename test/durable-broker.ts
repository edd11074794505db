/**
 * A durable broker for tests (the Postgres persistence and emitter) on a database of its own,
 * listening on TCP, and a raw MQTT connection of the service for tests that choose exactly which
 * packets leave in one write.
 */
import { type AddressInfo, connect, type Socket } from 'node:net'
import mqttPacket from 'mqtt-packet'
import { createBrokerSql, type DurableBroker, startDurableBroker } from '../broker/durable.ts'
import { ConnectionGuard } from '../broker/guard.ts'
import { closeServer, listenTcp } from '../broker/listeners.ts'
import { createTestDatabase } from './db.ts'
import { silent, testTokens } from './harness.ts'

export interface DurableTestBroker {
  durable: DurableBroker
  sql: ReturnType<typeof createBrokerSql>
  url: string
  close(): Promise<void>
}

export async function startDurableTestBroker({ replicas }: { replicas: boolean }): Promise<DurableTestBroker> {
  const database = await createTestDatabase()
  const sql = createBrokerSql(database.url)
  const durable = await startDurableBroker({ sql, credentials: testTokens, log: silent, replicas, relay: false })
  const tcp = await listenTcp(durable.broker, 0, '127.0.0.1', new ConnectionGuard({}, silent))
  return {
    durable,
    sql,
    url: `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
    async close() {
      await durable.close()
      await closeServer(tcp)
      await sql.end()
      await database.drop()
    },
  }
}

/** Encodes an MQTT packet. */
export const mqttBytes = (fields: object) => mqttPacket.generate(fields as mqttPacket.Packet)

/** The service connected over a raw socket, its CONNACK received: what it writes leaves as written. */
export async function rawServiceConnection(url: string, clientId: string): Promise<Socket> {
  const { port } = new URL(url)
  const socket = connect(Number(port), '127.0.0.1')
  // A reset while the broker closes at the end of a suite is not a failure of its tests, which
  // check what they expect from what the socket received.
  socket.on('error', () => {})
  await new Promise((resolve) => socket.once('connect', resolve))
  socket.write(
    mqttBytes({ cmd: 'connect', clientId, username: 'service', password: Buffer.from(testTokens.serviceToken) }),
  )
  await new Promise((resolve) => socket.once('data', resolve)) // CONNACK
  return socket
}
