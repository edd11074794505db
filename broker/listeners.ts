import type { Server as HttpServer, IncomingMessage } from 'node:http'
import { createServer, type Server } from 'node:net'
import type { Duplex } from 'node:stream'
import type { Aedes } from 'aedes'
import { createWebSocketStream, type WebSocket, WebSocketServer } from 'ws'
import { mqttPath } from '../contract/index.ts'
import { forwardedClient } from '../runtime/forwarded-for.ts'
import { ConnectionGuard } from './guard.ts'

/**
 * MQTT over TCP on `port` (0: any free port). Resolves once listening. Pass the process's
 * `guard` so that TCP and WebSocket share its connection counts; one with the defaults otherwise.
 */
export function listenTcp(
  broker: Aedes,
  port: number,
  host?: string,
  guard: ConnectionGuard = new ConnectionGuard(),
): Promise<Server> {
  // Nagle's algorithm holds a small PUBLISH while an earlier one waits for its ACK, which the
  // client delays: 10-40 ms late at the tail, where MQTT's packets are small and frequent.
  const server = createServer({ noDelay: true }, (socket) => {
    const address = socket.remoteAddress ?? 'unknown'
    if (!guard.admit(address)) {
      socket.destroy()
      return
    }
    socket.once('close', () => guard.release(address))
    broker.handle(guard.watch(socket, address))
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

/**
 * MQTT over WebSocket on an existing HTTP server, at `path`; other upgrades are refused. A frame
 * larger than the guard's `maxFrameBytes` closes the connection (1009) before ws buffers it.
 */
export function attachWebSocket(
  server: HttpServer,
  broker: Aedes,
  path = mqttPath,
  guard: ConnectionGuard = new ConnectionGuard(),
): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: guard.options.maxFrameBytes })
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    const address = clientAddress(request, guard.options.trustProxy)
    if (!guard.admit(address)) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nContent-Length: 0\r\n\r\n')
      return
    }
    socket.once('close', () => guard.release(address))
    wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = framePerFlush(createWebSocketStream(ws), ws, socket)
      stream.on('error', () => stream.destroy())
      // Without the upgrade request: Aedes would keep it (headers and all) for as long as the
      // connection lives, and nothing here reads it after the guard took the address.
      broker.handle(guard.watch(stream, address) as Duplex)
    })
  })
  return wss
}

/**
 * Sends what was written in one go as one WebSocket frame, in one socket write. mqtt-packet writes
 * a PUBLISH in five pieces (header, length, topic length, topic, payload) on a corked stream; ws'
 * stream would send each write as a frame of its own, each its own socket write: five system calls
 * per message and guest. A frame may hold several packets or part of one [MQTT-6.0.0-2 allows
 * both]. The frame is made here and written to the socket directly: ws' sender writes a frame's
 * header and payload as two pieces, and its bookkeeping cost the broker 2-3 µs of the 20 it spends
 * per guest in a fan-out. ws still sends the control frames (pong, close), each at once when asked,
 * so frames never interleave.
 */
function framePerFlush(stream: Duplex, ws: WebSocket, socket: Duplex): Duplex {
  // What is written to a guest that is leaving (its close frame came, its socket not yet closed)
  // is dropped here: ws would answer each write with an Error, whose stack the stream reads, a
  // thousand of them when the Wi-Fi drops during a fan-out. The close that follows ends the stream.
  const send = (chunks: Buffer[], callback: (error?: Error | null) => void) => {
    if (ws.readyState !== ws.OPEN) return callback()
    socket.write(binaryFrame(chunks), callback)
  }
  stream._writev = (chunks, callback) =>
    send(
      chunks.map(({ chunk }) => chunk as Buffer),
      callback,
    )
  stream._write = (chunk, _encoding, callback) => send([chunk as Buffer], callback)
  return stream
}

/** One final, unmasked binary frame holding `chunks` (RFC 6455, 5.2: a server does not mask). */
export function binaryFrame(chunks: readonly Buffer[]): Buffer {
  let length = 0
  for (const chunk of chunks) length += chunk.length
  const head = length < 126 ? 2 : length < 65_536 ? 4 : 10
  const frame = Buffer.allocUnsafe(head + length)
  frame[0] = 0x82
  if (head === 2) frame[1] = length
  else if (head === 4) {
    frame[1] = 126
    frame.writeUInt16BE(length, 2)
  } else {
    frame[1] = 127
    frame.writeBigUInt64BE(BigInt(length), 2)
  }
  let at = head
  for (const chunk of chunks) at += chunk.copy(frame, at)
  return frame
}

function clientAddress(request: IncomingMessage, trustProxy: boolean): string {
  const forwarded = trustProxy ? forwardedClient(request.headers['x-forwarded-for']?.toString()) : undefined
  return forwarded ?? request.socket.remoteAddress ?? 'unknown'
}

/** Stops accepting, then closes the open connections of a listener. */
export function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
}
