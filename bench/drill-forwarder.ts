/**
 * A TCP forwarder standing in for the cluster's load balancer in the drill: each new connection
 * goes to the next target in turn, and to the one after when that one refuses; when either side
 * closes, so does the other, as when a pod behind the balancer dies.
 */
import { type AddressInfo, createServer, connect as netConnect, type Socket } from 'node:net'

export interface Forwarder {
  port: number
  /** Connections open right now, per target port. */
  open(): Map<number, number>
  close(): Promise<void>
}

/** Listens on a free loopback port and forwards to `targets` (ports on 127.0.0.1). */
export async function startForwarder(targets: number[]): Promise<Forwarder> {
  let next = 0
  const sockets = new Set<Socket>()
  const open = new Map<number, number>()
  const track = (socket: Socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
  }

  function forward(client: Socket, tried = 0) {
    if (tried === targets.length) return client.destroy()
    const port = targets[next++ % targets.length] as number
    const upstream = netConnect({ host: '127.0.0.1', port })
    let connected = false
    upstream.once('error', () => {
      if (!connected) forward(client, tried + 1)
    })
    upstream.once('connect', () => {
      connected = true
      track(upstream)
      open.set(port, (open.get(port) ?? 0) + 1)
      upstream.once('close', () => open.set(port, (open.get(port) ?? 1) - 1))
      upstream.on('error', () => client.destroy())
      client.on('error', () => upstream.destroy())
      upstream.once('close', () => client.destroy())
      client.once('close', () => upstream.destroy())
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
  }

  const server = createServer({ pauseOnConnect: true }, (client) => {
    track(client)
    client.on('error', () => client.destroy())
    forward(client)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as AddressInfo).port,
    open: () => new Map(open),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        for (const socket of sockets) socket.destroy()
      }),
  }
}
