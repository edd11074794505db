import type { Aedes, PublishPacket } from 'aedes'
import type { Registry } from '../runtime/metrics.ts'
import { Gauge } from '../runtime/prom.ts'

export interface BusProbeOptions {
  broker: Aedes
  registry: Registry
  /** How often this replica announces itself on the bus. Default 5000 ms. */
  intervalMs?: number
  /** A peer not heard from for this many intervals is no longer counted. Default 3. */
  missedIntervals?: number
  /** Client ids this replica announces with each probe (its printers); none when omitted. */
  announce?: () => string[]
}

export interface BusProbe {
  /** The client ids the peers heard recently announced. */
  peerClients(): Set<string>
}

// Under $SYS: no guest, bar or printer may subscribe there, and Aedes keeps it from `#` filters.
const probeTopic = '$SYS/drinks/bus-probe'

/**
 * Every replica publishes a timestamped probe on the shared bus (Postgres NOTIFY between replicas)
 * and listens for everyone's: its own being committed to the bus gives the round trip to Postgres
 * (a replica delivers its own messages without waiting for them to come back), the others' give how
 * late their messages arrive here (clocks of the pods, kept by NTP) and how many replicas this one
 * hears. Replicas that hear different numbers of peers disagree about who shares the bus. A probe
 * also carries the ids of the printers connected to its replica, so every replica knows them all.
 */
export function startBusProbe({
  broker,
  registry,
  intervalMs = 5000,
  missedIntervals = 3,
  announce = () => [],
}: BusProbeOptions): BusProbe {
  const registers = [registry]
  const peers = new Map<string, { lag: number; heard: number; clients: string[] }>()
  let roundTrip: number | null = null

  const livePeers = () => {
    const since = Date.now() - intervalMs * missedIntervals
    for (const [id, peer] of peers) if (peer.heard < since) peers.delete(id)
    return [...peers.values()]
  }
  new Gauge({
    name: 'drinks_broker_bus_peers',
    help: 'Other broker replicas whose probes reached this one over the shared bus recently',
    registers,
    collect() {
      this.set(livePeers().length)
    },
  })
  new Gauge({
    name: 'drinks_broker_bus_peer_lag_seconds',
    help: 'How late the latest probe of the slowest peer replica arrived here (0 without peers)',
    registers,
    collect() {
      this.set(Math.max(0, ...livePeers().map((peer) => peer.lag)))
    },
  })
  new Gauge({
    name: 'drinks_broker_bus_roundtrip_seconds',
    help: "Time for this replica's own latest probe to be sent on the bus (its NOTIFY committed)",
    registers,
    collect() {
      this.reset()
      if (roundTrip !== null) this.set(roundTrip)
    },
  })

  const listener = (packet: PublishPacket, done: () => void) => {
    try {
      const probe = JSON.parse(packet.payload.toString()) as { from?: unknown; sent?: unknown; clients?: unknown }
      const { from, sent } = probe
      const clients = Array.isArray(probe.clients) ? probe.clients.filter((id) => typeof id === 'string') : []
      const seconds = typeof sent === 'number' ? Math.max(0, (Date.now() - sent) / 1000) : null
      if (seconds !== null && typeof from === 'string' && from !== broker.id)
        peers.set(from, { lag: seconds, heard: Date.now(), clients })
    } catch {
      // Not one of ours; the topic is ours alone, so nothing to do.
    }
    done()
  }
  broker.subscribe(probeTopic, listener, () => {})
  const probe = () => {
    const sent = Date.now()
    const payload = Buffer.from(JSON.stringify({ from: broker.id, sent, clients: announce() }))
    const packet = { cmd: 'publish', topic: probeTopic, payload, qos: 0, retain: false, dup: false }
    broker.publish(packet as PublishPacket, (error) => {
      if (!error) roundTrip = (Date.now() - sent) / 1000
    })
  }
  const timer = setInterval(probe, intervalMs)
  timer.unref()
  probe()
  broker.once('closed', () => clearInterval(timer))
  return { peerClients: () => new Set(livePeers().flatMap((peer) => peer.clients)) }
}
