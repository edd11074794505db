/**
 * What the broker accepts of a connection before Aedes parses it: the size of each packet, by
 * the role of the client (small until its CONNECT is authenticated), and the number of open
 * connections, in all and per client address. Aedes' parser (mqtt-packet) buffers whatever
 * length a packet declares until it is complete; the guard reads the declared length first and
 * closes the connection instead.
 */
import type { Duplex } from 'node:stream'
import type { Client } from 'aedes'
import type { Logger } from '../runtime/logger.ts'
import { clientRole, type Role } from './access.ts'
import { PacketScanner } from './packet-scanner.ts'

/** Largest packet (fixed header included) per role, in bytes; `connecting` until CONNECT is authenticated. */
export type PacketLimits = Record<Role | 'connecting', number>

export interface GuardOptions {
  /** Largest packet per role. */
  maxPacketBytes: PacketLimits
  /** Largest WebSocket frame (the ws server's `maxPayload`): what ws buffers before the guard sees it. */
  maxFrameBytes: number
  /** Open connections per client address, TCP and WebSocket together. */
  maxConnectionsPerAddress: number
  /** Open connections in all, per process. */
  maxConnections: number
  /** Take the WebSocket client's address from X-Forwarded-For (behind the ingress only). */
  trustProxy: boolean
}

/** The defaults; each is documented in broker/README.md. */
export const defaultGuardOptions: GuardOptions = {
  maxPacketBytes: {
    // A CONNECT: client id, credentials, perhaps a will.
    connecting: 8 * 1024,
    // Guests and the bar subscribe; the printer subscribes and acknowledges.
    guest: 8 * 1024,
    bar: 16 * 1024,
    printer: 16 * 1024,
    // A Star printer publishes its status and print results, small JSON.
    cloudprnt: 16 * 1024,
    // The functions publish orders, tickets and the retained menu.
    service: 1024 * 1024,
  },
  // Browsers (guests, bar) speak WebSocket; their packets are small.
  maxFrameBytes: 32 * 1024,
  // One venue's guests may share one public address (NAT).
  maxConnectionsPerAddress: 500,
  maxConnections: 2_000,
  trustProxy: false,
}

/**
 * The most one connection other than the service's may hold, for sizing the process: Aedes'
 * client and its socket (about 17 KiB each, measured with 2,000 open), one WebSocket frame, the
 * largest partial packet its role may send, and one read chunk (a stream's 16 KiB high-water
 * mark). The service's connections add their packet limit each.
 */
export function connectionBudgetBytes({ maxFrameBytes, maxPacketBytes }: GuardOptions): number {
  const { service: _, ...others } = maxPacketBytes
  return 24 * 1024 + maxFrameBytes + Math.max(...Object.values(others)) + 16 * 1024
}

/** The connection limits of one broker process, shared by its TCP and WebSocket listeners. */
export class ConnectionGuard {
  readonly options: GuardOptions
  readonly #log: Logger
  readonly #open = new Map<string, number>()
  #total = 0

  constructor(options: Partial<GuardOptions> = {}, log: Logger = console) {
    this.options = { ...defaultGuardOptions, ...options }
    this.#log = log
  }

  /** Counts a new connection from `address`; false (and nothing counted) when over a bound. */
  admit(address: string): boolean {
    const open = this.#open.get(address) ?? 0
    if (this.#total >= this.options.maxConnections || open >= this.options.maxConnectionsPerAddress) {
      this.#log.warn(`mqtt: connection from ${address} refused: ${open} open from there, ${this.#total} in all`)
      return false
    }
    this.#open.set(address, open + 1)
    this.#total++
    return true
  }

  release(address: string): void {
    const open = (this.#open.get(address) ?? 1) - 1
    if (open > 0) this.#open.set(address, open)
    else this.#open.delete(address)
    this.#total--
  }

  /**
   * Checks every byte of `conn` before Aedes reads it. Aedes reads its connection only through
   * `read()` on 'readable' (aedes/lib/client.js), so checking there sees each packet's fixed
   * header before the parser buffers its body, and adds no stream on the write path.
   */
  watch(conn: Duplex, address: string): Duplex {
    const scanner = new PacketScanner()
    const limits = this.options.maxPacketBytes
    const limit = () => limits[clientRole((conn as Duplex & { client?: Client }).client as Client) ?? 'connecting']
    const read = conn.read.bind(conn)
    // The first bytes, held until the CONNECT's protocol level is known (nine bytes at most).
    let held: Buffer | null = null
    conn.read = (size?: number) => {
      let chunk = read(size) as Buffer | null
      if (chunk === null || conn.destroyed) return null
      const verdict = scanner.scan(chunk, limit)
      if (verdict.kind === 'unsupported-level') {
        this.#log.warn(`mqtt: CONNECT from ${address} with protocol level ${verdict.level}: CONNACK 0x01`)
        // [MQTT-3.1.2-2] CONNACK with return code 0x01, then close.
        conn.end(Buffer.from([0x20, 0x02, 0x00, 0x01]), () => conn.destroy())
        return null
      }
      if (verdict.kind !== 'ok') {
        const why =
          verdict.kind === 'too-large' ? `a packet of ${verdict.size} bytes (most ${verdict.limit})` : verdict.reason
        this.#log.warn(`mqtt: connection from ${address} closed: ${why}`)
        conn.destroy()
        return null
      }
      if (held) chunk = Buffer.concat([held, chunk])
      held = null
      if (scanner.decided) return chunk
      held = chunk
      return null
    }
    return conn
  }
}
