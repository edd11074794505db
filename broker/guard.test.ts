/**
 * The guard in front of Aedes, over TCP and WebSocket: packet size per role refused before it is
 * buffered, WebSocket frames bounded, connections per address bounded, and an unsupported
 * protocol level answered with CONNACK 0x01.
 */
import { createServer, type Server as HttpServer } from 'node:http'
import type { AddressInfo, Server } from 'node:net'
import type { Aedes } from 'aedes'
import mqttPacket from 'mqtt-packet'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { mqttPath } from '../contract/index.ts'
import { collect, connectClient, quiet, testTokens, waitFor } from '../test/harness.ts'
import { fixedHeader, openRaw, type RawConnection } from '../test/raw-mqtt.ts'
import { closeBroker, createBroker } from './broker.ts'
import { ConnectionGuard, defaultGuardOptions } from './guard.ts'
import { attachWebSocket, closeServer, listenTcp } from './listeners.ts'

interface Listening {
  tcp: Server
  http: HttpServer
  urls: { tcp: string; ws: string }
}

let broker: Aedes
let open: Listening
let tight: Listening
let proxied: Listening

async function listen(guard: ConnectionGuard): Promise<Listening> {
  const tcp = await listenTcp(broker, 0, '127.0.0.1', guard)
  const http = createServer()
  attachWebSocket(http, broker, mqttPath, guard)
  await new Promise<void>((ready) => http.listen(0, '127.0.0.1', ready))
  return {
    tcp,
    http,
    urls: {
      tcp: `mqtt://127.0.0.1:${(tcp.address() as AddressInfo).port}`,
      ws: `ws://127.0.0.1:${(http.address() as AddressInfo).port}${mqttPath}`,
    },
  }
}

beforeAll(async () => {
  broker = await createBroker({ credentials: testTokens, log: quiet })
  open = await listen(new ConnectionGuard({}, quiet))
  tight = await listen(new ConnectionGuard({ maxConnectionsPerAddress: 3 }, quiet))
  proxied = await listen(new ConnectionGuard({ maxConnectionsPerAddress: 2, trustProxy: true }, quiet))
})
afterAll(async () => {
  await closeBroker(broker)
  await Promise.all([open, tight, proxied].flatMap((l) => [closeServer(l.tcp), closeServer(l.http)]))
})

const limits = defaultGuardOptions.maxPacketBytes
const connack = (returnCode: number) => Buffer.from([0x20, 0x02, 0x00, returnCode])

function connectPacket(extra: Partial<mqttPacket.IConnectPacket> = {}): Buffer {
  return mqttPacket.generate({
    cmd: 'connect',
    protocolId: 'MQTT',
    protocolVersion: 4,
    clean: true,
    clientId: '',
    keepalive: 0,
    ...extra,
  })
}

/** Sends `total` bytes after `head` in 64 KiB pieces until the broker closes; returns what went out. */
async function flood(conn: RawConnection, head: Buffer, total: number): Promise<number> {
  let sent = 0
  if (!(await conn.send(head))) return sent
  const piece = Buffer.alloc(64 * 1024, 0x61)
  while (sent < total && (await conn.send(piece))) sent += piece.length
  return sent
}

/** Whether a new connection is refused: no WebSocket upgrade, or closed without a CONNACK. */
async function refused(url: string, headers: Record<string, string> = {}): Promise<boolean> {
  const conn = await openRaw(url, headers).catch(() => null)
  if (!conn) return true
  await conn.send(connectPacket())
  await waitFor(() => conn.closed() || conn.received().length >= 4)
  const answered = conn.received().length >= 4
  conn.close()
  return !answered
}

describe.each(['tcp', 'ws'] as const)('over %s', (transport) => {
  const url = () => open.urls[transport]

  test('a CONNECT declaring 255 MiB is refused at its header, before its bytes are kept', async () => {
    const conn = await openRaw(url())
    const before = process.memoryUsage().rss
    const sent = await flood(conn, fixedHeader(0x10, 255 * 1024 * 1024), 64 * 1024 * 1024)
    await conn.waitClosed()
    expect(sent).toBeLessThan(16 * 1024 * 1024)
    expect(process.memoryUsage().rss - before).toBeLessThan(32 * 1024 * 1024)
  })

  test('a guest may send packets up to the guest limit only', async () => {
    const guest = await openRaw(url())
    await guest.send(connectPacket())
    await waitFor(() => guest.received().subarray(0, 4).equals(connack(0)))
    // A SUBSCRIBE declaring 16 MiB: closed at its header, long before its body would be complete.
    const sent = await flood(guest, fixedHeader(0x82, 16 * 1024 * 1024), 8 * 1024 * 1024)
    await guest.waitClosed()
    expect(sent).toBeLessThan(4 * 1024 * 1024)
  })

  test('a guest packet of exactly the guest limit passes, one byte more closes the connection', async () => {
    const guest = await openRaw(url())
    await guest.send(connectPacket())
    await waitFor(() => guest.received().length >= 4)
    const subscribe = (size: number, messageId: number) => {
      const base = mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic: 'public/', qos: 0 }] })
      // Two more length bytes once the remaining length passes 127: counted in the padding.
      const topic = `public/${'x'.repeat(size - base.length - 1)}`
      const packet = mqttPacket.generate({ cmd: 'subscribe', messageId, subscriptions: [{ topic, qos: 0 }] })
      expect(packet.length).toBe(size)
      return packet
    }
    await guest.send(subscribe(limits.guest, 1))
    // SUBACK for packet id 1.
    await waitFor(() => guest.received().includes(Buffer.from([0x90, 0x03, 0x00, 0x01])))
    await guest.send(subscribe(limits.guest + 1, 2))
    await guest.waitClosed()
    expect(guest.received().includes(Buffer.from([0x90, 0x03, 0x00, 0x02]))).toBe(false)
  })

  test('the service may publish a packet far larger than a guest may send', async () => {
    const reader = await connectClient(url(), { username: 'bar', password: testTokens.barToken })
    await reader.subscribeAsync('public/big')
    const inbox = collect(reader)
    const service = await openRaw(url())
    await service.send(connectPacket({ username: 'service', password: Buffer.from(testTokens.serviceToken) }))
    await waitFor(() => service.received().subarray(0, 4).equals(connack(0)))
    const payload = Buffer.alloc(200 * 1024, 0x62)
    const publish = mqttPacket.generate({
      cmd: 'publish',
      topic: 'public/big',
      payload,
      qos: 0,
      retain: false,
      dup: false,
    })
    // Over WebSocket in frames no larger than the frame bound, as any client may split a packet.
    for (let i = 0; i < publish.length; i += 16 * 1024) await service.send(publish.subarray(i, i + 16 * 1024))
    const got = await inbox.next((m) => m.topic === 'public/big')
    expect(got.payload.length).toBe(payload.length)
    expect(service.closed()).toBe(false)
    service.close()
    await reader.endAsync()
  })

  test('an unsupported protocol level is answered with CONNACK 0x01, then closed', async () => {
    const conn = await openRaw(url())
    const packet = connectPacket()
    // The level byte follows the protocol name 'MQTT' [MQTT-3.1.2-2].
    packet[packet.indexOf('MQTT') + 4] = 6
    await conn.send(packet)
    await conn.waitClosed()
    expect(conn.received()).toEqual(connack(1))
  })

  test('connections per address are bounded', async () => {
    const guests = await Promise.all([1, 2, 3].map(() => connectClient(tight.urls[transport])))
    expect(await refused(tight.urls[transport])).toBe(true)
    await guests[0]?.endAsync()
    // The count follows closed connections: a place is free again.
    await waitFor(async () => !(await refused(tight.urls[transport])))
    await Promise.all(guests.slice(1).map((guest) => guest.endAsync()))
  })
})

test('a WebSocket frame over the frame bound closes the connection before it is buffered', async () => {
  const conn = await openRaw(open.urls.ws)
  // One frame holding the start of a CONNECT that declares 200 MiB.
  await conn.send(Buffer.concat([fixedHeader(0x10, 200 * 1024 * 1024), Buffer.alloc(10 * 1024 * 1024, 0x61)]))
  await conn.waitClosed()
})

test('behind the ingress (TRUST_PROXY), WebSocket connections are counted per forwarded address', async () => {
  const from = (address: string) => ({ 'x-forwarded-for': `${address}, 10.0.0.7` })
  const held = [
    await openRaw(proxied.urls.ws, from('203.0.113.5')),
    await openRaw(proxied.urls.ws, from('203.0.113.5')),
  ]
  expect(await refused(proxied.urls.ws, from('203.0.113.5'))).toBe(true)
  // Another guest behind the same proxy is another address.
  expect(await refused(proxied.urls.ws, from('198.51.100.9'))).toBe(false)
  for (const conn of held) conn.close()
})
