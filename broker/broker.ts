import type { EventEmitter } from 'node:events'
import { Aedes, type AedesOptions, type AedesPublishPacket, type Client } from 'aedes'
import memoryPersistence from 'aedes-persistence'
import type { Logger } from '../runtime/logger.ts'
import { beyondBound, heldFilters, internals } from './access/clients.ts'
import type { CloudprntVerifier } from './access/cloudprnt.ts'
import { type GuardedPersistence, guardPersistence } from './access/persistence-guard.ts'
import { type AccessLimits, defaultAccessLimits } from './access/rules.ts'
import { sessionOwnerStore } from './access/session-owners.ts'
import { accessHooks, type Credentials } from './access.ts'
import { aedesConcurrency, TurnBoundedEmitter } from './emitter/turns.ts'
import { resumeOnce } from './resume-once.ts'
import { topicProblem } from './topic-rules.ts'

export interface BrokerOptions {
  credentials: Credentials
  /** An aedes-persistence 11 instance; Aedes' in-memory one when omitted. */
  persistence?: AedesOptions['persistence']
  /**
   * An mqemitter instance shared by replicas; when omitted, a local one that hands a large
   * fan-out out in slices (emitter/turns.ts) of `maxDeliveriesPerTurn`.
   */
  mq?: AedesOptions['mq']
  /** Subscriptions the local emitter hands a message in one turn (default 250); not used with `mq`. */
  maxDeliveriesPerTurn?: number
  /** Unique per process; Aedes generates one when omitted. */
  id?: string
  /** Bounds on what one client may ask (broker/README.md); each defaults to defaultAccessLimits. */
  limits?: Partial<AccessLimits>
  /**
   * How often replicas announce that they are alive (ms, default 60 s, Aedes' own). The wills of a
   * replica silent for 3 intervals are published by the others, checked every 4 intervals.
   */
  heartbeatInterval?: number
  /** Checks CloudPRNT printers' credentials (access/cloudprnt.ts); no printer may connect when omitted. */
  cloudprnt?: CloudprntVerifier
  log: Logger
}

/** An Aedes broker enforcing the spec's access table. Listeners are attached separately. */
export async function createBroker({
  credentials,
  persistence = memoryPersistence(),
  mq,
  maxDeliveriesPerTurn,
  id,
  limits: given,
  heartbeatInterval,
  cloudprnt,
  log,
}: BrokerOptions): Promise<Aedes> {
  const limits = { ...defaultAccessLimits, ...given }
  const guarded = guardPersistence(persistence as GuardedPersistence, log)
  const broker = await Aedes.createBroker({
    ...(id ? { id } : {}),
    mq: mq ?? new TurnBoundedEmitter({ concurrency: aedesConcurrency, maxDeliveriesPerTurn }),
    ...(heartbeatInterval ? { heartbeatInterval } : {}),
    persistence: guarded,
    ...accessHooks({
      credentials,
      limits,
      owners: sessionOwnerStore(persistence),
      log,
      ...(cloudprnt ? { cloudprnt } : {}),
    }),
  })
  forgetChangedRetained(broker, persistence as { retainedChanged?: (topic: string) => void })
  resumeOnce(broker, guarded as unknown as Parameters<typeof resumeOnce>[1])
  qos0AfterQueued(broker)
  const handle = broker.handle
  broker.handle = (connection, request) => watchPackets(handle(connection, request), limits)
  broker.on('unsubscribe', (filters, client) => {
    for (const filter of filters) heldFilters(client).delete(filter)
  })
  broker.on('clientError', (client, error) => log.warn(`mqtt client ${client.id}: ${error.message}`))
  broker.on('connectionError', (client, error) => log.warn(`mqtt connection ${client.id ?? '?'}: ${error.message}`))
  // Aedes reports failures of its background work (publishing the wills of a dead replica) here;
  // an 'error' event nobody listens to would end the process.
  ;(broker as EventEmitter).on('error', (error: Error) => log.error(`mqtt broker: ${error.message}`))
  return broker
}

/**
 * A persistence that keeps retained messages in memory (the Postgres one) is told of every
 * retained message this broker delivers, so that one stored by another replica, which reaches
 * this one over the bus, replaces what it kept.
 */
function forgetChangedRetained(broker: Aedes, persistence: { retainedChanged?: (topic: string) => void }): void {
  const changed = persistence.retainedChanged?.bind(persistence)
  if (!changed) return
  broker.subscribe(
    '#',
    (packet: AedesPublishPacket, done: () => void) => {
      if (packet.retain) changed(packet.topic)
      done()
    },
    () => {},
  )
}

/**
 * Aedes hands a QoS 1 message to its subscribers after asking the persistence for offline
 * sessions (a promise later at least), a QoS 0 message at once. A function publishes an order's
 * messages in one write, the public ticker (QoS 0) last: the ticker's fan-out to every guest's
 * socket went first, and the bar's copy of the order (QoS 1) waited behind all of it, about 45 ms
 * with 2,000 guests. A QoS 0 message now waits one turn, behind what was published before it.
 */
function qos0AfterQueued(broker: Aedes): void {
  const publish = broker.publish.bind(broker) as (...args: unknown[]) => void
  broker.publish = ((packet: { qos?: number }, ...rest: unknown[]) => {
    if (packet.qos === 0) setImmediate(publish, packet, ...rest)
    else publish(packet, ...rest)
  }) as Aedes['publish']
}

interface WatchedPacket {
  cmd: string
  subscriptions?: object[]
  unsubscriptions?: string[]
}

/**
 * Sees each packet before Aedes handles it, for what no hook is told: how many filters a
 * SUBSCRIBE carries (those beyond the bound are refused by authorizeSubscribe, SUBACK 0x80),
 * and the topics of an UNSUBSCRIBE, which no hook sees [MQTT-1.5.3-1, -2].
 */
function watchPackets(client: Client, limits: AccessLimits): Client {
  internals(client)._parser.prependListener('packet', (packet: WatchedPacket) => {
    if (packet.cmd === 'subscribe') {
      for (const sub of packet.subscriptions?.slice(limits.maxTopicsPerSubscribe) ?? []) beyondBound.add(sub)
    }
    if (packet.cmd === 'unsubscribe' && packet.unsubscriptions?.some((topic) => topicProblem(topic) === 'malformed')) {
      // The persistence guard leaves such a topic out; the connection ends as the spec asks.
      client.conn.destroy()
    }
  })
  return client
}

/** Closes the broker: disconnects clients, flushes persistence. */
export function closeBroker(broker: Aedes): Promise<void> {
  return new Promise((resolve) => broker.close(() => resolve()))
}
