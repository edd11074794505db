import type { Server as HttpServer } from 'node:http'
import { createServer, type Server } from 'node:net'
import type { Aedes } from 'aedes'
import { createWebSocketStream, WebSocketServer } from 'ws'

/** MQTT over TCP on `port` (0: any free port). Resolves once listening. */
export function listenTcp(broker: Aedes, port: number, host?: string): Promise<Server> {
  const server = createServer((socket) => broker.handle(socket))
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, host, () => {
      server.off('error', reject)
      resolve(server)
    })
  })
}

/** MQTT over WebSocket on an existing HTTP server, at `path`; other upgrades are refused. */
export function attachWebSocket(server: HttpServer, broker: Aedes, path = '/mqtt'): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true })
  server.on('upgrade', (request, socket, head) => {
    if (new URL(request.url ?? '/', 'http://x').pathname !== path) {
      socket.end('HTTP/1.1 404 Not Found\r\n\r\n')
      return
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const stream = createWebSocketStream(ws)
      stream.on('error', () => stream.destroy())
      broker.handle(stream, request)
    })
  })
  return wss
}

/** Stops accepting, then closes the open connections of a listener. */
export function closeServer(server: Server | HttpServer): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve())
    if ('closeAllConnections' in server) server.closeAllConnections()
  })
}
