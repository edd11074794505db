import { connect as netConnect, type Socket } from 'node:net'
import { connect as tlsConnect } from 'node:tls'

/** A byte stream to the broker: TCP, TLS or WebSocket. */
export interface Transport {
  write(bytes: Buffer): void
  /** Closes at once; `onClose` follows. */
  close(): void
  /** Closes after what was written has left. */
  end(): Promise<void>
}

export interface TransportEvents {
  onData(chunk: Buffer): void
  onError(error: Error): void
  onClose(): void
}

/** Opens `mqtt://`, `mqtts://`, `ws://` or `wss://`; failures arrive as `onError` then `onClose`. */
export function openTransport(url: string, events: TransportEvents): Transport {
  const target = new URL(url)
  if (target.protocol === 'ws:' || target.protocol === 'wss:') return openWebSocket(target, events)
  const port = Number(target.port || (target.protocol === 'mqtts:' ? 8883 : 1883))
  const socket: Socket =
    target.protocol === 'mqtts:'
      ? tlsConnect({ host: target.hostname, port, servername: target.hostname })
      : netConnect({ host: target.hostname, port })
  socket.setNoDelay(true)
  socket.on('data', events.onData)
  socket.on('error', events.onError)
  socket.on('close', events.onClose)
  return {
    write: (bytes) => socket.write(bytes),
    close: () => socket.destroy(),
    end: () =>
      new Promise((resolve) => {
        if (socket.destroyed) return resolve()
        socket.once('close', () => resolve())
        socket.end()
      }),
  }
}

/** Node 22's built-in WebSocket: the functions carry no WebSocket library of their own. */
function openWebSocket(target: URL, events: TransportEvents): Transport {
  const WebSocketClass = (globalThis as { WebSocket?: typeof WebSocket }).WebSocket
  if (!WebSocketClass) throw new Error(`${target.protocol}// needs Node 22 or later; use mqtt://`)
  const socket = new WebSocketClass(target, 'mqtt')
  socket.binaryType = 'arraybuffer'
  const early: Buffer[] = []
  socket.onopen = () => {
    for (const bytes of early.splice(0)) socket.send(new Uint8Array(bytes))
  }
  socket.onmessage = (event) => events.onData(Buffer.from(event.data as ArrayBuffer))
  socket.onerror = () => events.onError(new Error(`WebSocket to ${target.host} failed`))
  const closed = new Promise<void>((resolve) => {
    socket.onclose = () => {
      events.onClose()
      resolve()
    }
  })
  return {
    write: (bytes) => (socket.readyState === 0 ? early.push(bytes) : socket.send(new Uint8Array(bytes))),
    close: () => socket.close(),
    end: () => {
      socket.close()
      return closed
    },
  }
}
