/**
 * A connection to the broker that sends whatever bytes it is given, valid MQTT or not, over TCP
 * or WebSocket (one binary frame per `send`), and records what comes back.
 */
import { connect, type Socket } from 'node:net'
import { WebSocket } from 'ws'
import { waitFor } from './harness.ts'

export type Transport = 'tcp' | 'ws'

export interface RawConnection {
  /** Sends the bytes; false once the connection is closed. */
  send(bytes: Uint8Array): Promise<boolean>
  /** Everything received so far. */
  received(): Buffer
  closed(): boolean
  /** Waits until the broker closed the connection. */
  waitClosed(timeoutMs?: number): Promise<void>
  close(): void
}

/** Opens a raw connection to `url` (mqtt://host:port or ws://host:port/mqtt; `headers` for the upgrade). */
export async function openRaw(url: string, headers: Record<string, string> = {}): Promise<RawConnection> {
  const target = new URL(url)
  const chunks: Buffer[] = []
  let isClosed = false
  if (target.protocol === 'ws:') {
    const ws = new WebSocket(url, 'mqtt', { headers })
    ws.on('message', (data: Buffer) => chunks.push(Buffer.from(data)))
    ws.on('close', () => (isClosed = true))
    ws.on('error', () => (isClosed = true))
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve())
      ws.once('error', reject)
      ws.once('unexpected-response', (_, response) => reject(new Error(`HTTP ${response.statusCode}`)))
    })
    return connection(
      (bytes) =>
        new Promise((resolve) => {
          if (isClosed || ws.readyState !== WebSocket.OPEN) return resolve(false)
          ws.send(bytes, { binary: true }, (error) => resolve(!error && !isClosed))
        }),
      () => ws.terminate(),
    )
  }
  const socket: Socket = connect(Number(target.port), target.hostname)
  socket.on('data', (data) => chunks.push(data))
  socket.on('close', () => (isClosed = true))
  socket.on('error', () => (isClosed = true))
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  return connection(
    (bytes) =>
      new Promise((resolve) => {
        if (isClosed || socket.destroyed) return resolve(false)
        socket.write(bytes, (error) => resolve(!error && !isClosed))
      }),
    () => socket.destroy(),
  )

  function connection(send: RawConnection['send'], close: () => void): RawConnection {
    return {
      send,
      received: () => Buffer.concat(chunks),
      closed: () => isClosed,
      async waitClosed(timeoutMs = 5000) {
        await waitFor(() => isClosed, timeoutMs).catch(() => {
          throw new Error(`the broker did not close the connection within ${timeoutMs} ms`)
        })
      },
      close,
    }
  }
}

/** A fixed header declaring `length` remaining bytes for packet type byte `first`. */
export function fixedHeader(first: number, length: number): Buffer {
  const bytes = [first]
  let rest = length
  do {
    let byte = rest % 128
    rest = Math.floor(rest / 128)
    if (rest > 0) byte |= 0x80
    bytes.push(byte)
  } while (rest > 0)
  return Buffer.from(bytes)
}

/** An MQTT string: two length bytes, then the bytes as given (ill-formed UTF-8 included). */
function mqttString(bytes: Buffer): Buffer {
  const length = Buffer.alloc(2)
  length.writeUInt16BE(bytes.length)
  return Buffer.concat([length, bytes])
}

function packet(type: number, body: Buffer): Buffer {
  return Buffer.concat([fixedHeader(type, body.length), body])
}

/** Packets written byte by byte, for what mqtt.js will not send. */
export const rawPackets = {
  /** MQTT 3.1.1 CONNECT, clean session, keep alive 30 s. */
  connect: (clientId: string) =>
    packet(
      0x10,
      Buffer.concat([
        mqttString(Buffer.from('MQTT')),
        Buffer.from([4, 0x02, 0, 30]),
        mqttString(Buffer.from(clientId)),
      ]),
    ),
  subscribe: (topic: Buffer) => packet(0x82, Buffer.concat([Buffer.from([0, 1]), mqttString(topic), Buffer.from([1])])),
  unsubscribe: (topic: Buffer) => packet(0xa2, Buffer.concat([Buffer.from([0, 2]), mqttString(topic)])),
}
