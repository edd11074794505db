/**
 * What the broker lets reach its persistence, whichever persistence it is. Installed over the
 * persistence's own methods (guardPersistence), so that Aedes keeps calling them as it does.
 *
 * - Subscriptions: Aedes 1.2 calls `addSubscriptions` once per granted filter of a SUBSCRIBE,
 *   each time with the packet's whole list, refused filters included: a refused filter was
 *   stored with the session, and N filters cost N × N row writes. Here the calls of one packet
 *   become one write of the filters the hooks granted.
 * - Wills are stored with their owner, and a dead broker's will whose owner may not publish it
 *   is deleted instead of handed to Aedes (which would otherwise retry it forever).
 * - Guests never have a stored session (refused at CONNECT otherwise), so their clean CONNECT
 *   costs no write here, and no read of a queue they cannot have: a message is queued only for a
 *   persistent session's stored subscriptions.
 * - A malformed topic never reaches a statement, whatever path carries it.
 */
import { Readable } from 'node:stream'
import type { Client } from 'aedes'
import type { Logger } from '../../runtime/logger.ts'
import { setWillOwner, willOwner } from '../persistence/index.ts'
import { topicProblem } from '../topic-rules.ts'
import { clientRole, granted } from './clients.ts'
import { cloudprntMayPublish, macOfClientId } from './cloudprnt.ts'
import { isRole, mayPublish } from './rules.ts'

interface Sub {
  topic: string
}
type Will = { clientId?: string; brokerId?: string; topic?: unknown }

/** The methods of an aedes-persistence 11 instance that are guarded. */
export interface GuardedPersistence {
  addSubscriptions(client: Client, subs: Sub[]): Promise<void>
  removeSubscriptions(client: Client, topics: string[]): Promise<void>
  cleanSubscriptions(client: Client): Promise<void>
  cleanIncoming?(client: Client): Promise<void>
  createRetainedStream(pattern: string): Readable
  createRetainedStreamCombi(patterns: string[]): Readable
  outgoingStream(client: Client): Readable
  putWill(client: Client, packet: object): Promise<unknown>
  delWill(client: { id: string; brokerId?: string }): Promise<unknown>
  streamWill(brokers?: Record<string, unknown>): Readable
}

const wellFormed = (topic: unknown) => topicProblem(topic, Number.POSITIVE_INFINITY) === null

/** Why a stored will may not be published, or null. */
function willRefusal(will: object & Will): string | null {
  const owner = willOwner(will)
  if (!isRole(owner)) return 'its owner is unknown'
  if (owner === 'cloudprnt') {
    // A printer's will only on its own to-server topics.
    const mac = macOfClientId(will.clientId)
    if (!mac || typeof will.topic !== 'string' || !cloudprntMayPublish(mac, will.topic)) return 'not its own topic'
  } else if (!mayPublish(owner)) return `${owner} may not publish`
  if (!wellFormed(will.topic)) return 'its topic is malformed'
  return null
}

const guarded = new WeakSet<object>()

/** Installs the guard over the persistence's methods (once per instance) and returns it. */
export function guardPersistence<P extends GuardedPersistence>(persistence: P, log: Logger): P {
  if (guarded.has(persistence)) return persistence
  guarded.add(persistence)
  const inner = {
    addSubscriptions: persistence.addSubscriptions.bind(persistence),
    removeSubscriptions: persistence.removeSubscriptions.bind(persistence),
    cleanSubscriptions: persistence.cleanSubscriptions.bind(persistence),
    cleanIncoming: persistence.cleanIncoming?.bind(persistence),
    createRetainedStreamCombi: persistence.createRetainedStreamCombi.bind(persistence),
    outgoingStream: persistence.outgoingStream.bind(persistence),
    putWill: persistence.putWill.bind(persistence),
    delWill: persistence.delWill.bind(persistence),
    streamWill: persistence.streamWill.bind(persistence),
  }
  const isGuest = (client: Client) => clientRole(client) === 'guest'
  /** Per SUBSCRIBE list: what was written, and the write under way. */
  const writes = new WeakMap<Sub[], { written: Set<Sub>; flushing: Promise<void> | null }>()

  /** Writes the granted, not yet written filters of `subs`, once the hooks decided on them all. */
  function flush(client: Client, subs: Sub[]): Promise<void> {
    const current = writes.get(subs) ?? { written: new Set<Sub>(), flushing: null }
    writes.set(subs, current)
    current.flushing ??= Promise.resolve().then(() => {
      // Aedes asks the hooks about every filter of the packet in one synchronous loop, and our
      // hooks answer synchronously, so one turn later every filter has been decided.
      current.flushing = null
      // A malformed filter closes the connection: nothing of its packet is kept.
      if (!subs.every((sub) => wellFormed(sub.topic))) return
      const fresh = subs.filter((sub) => granted.has(sub) && !current.written.has(sub))
      for (const sub of fresh) current.written.add(sub)
      if (fresh.length > 0) return inner.addSubscriptions(client, fresh)
    })
    return current.flushing
  }

  /**
   * Aedes pipes this stream with no error handler: a failed read would be an uncaught error.
   * It ends the stream instead (that subscriber misses the retained messages) and is logged.
   */
  function retained(patterns: string[]): Readable {
    const source = inner.createRetainedStreamCombi(patterns.filter(wellFormed))
    return Readable.from(
      (async function* () {
        try {
          yield* source
        } catch (error) {
          log.error(`mqtt: reading retained messages for ${patterns.join(', ')} failed: ${(error as Error).message}`)
        }
      })(),
    )
  }

  return Object.assign(persistence, {
    addSubscriptions: (client: Client, subs: Sub[]) => flush(client, subs),
    removeSubscriptions: (client: Client, topics: string[]) =>
      inner.removeSubscriptions(client, topics.filter(wellFormed)),
    cleanSubscriptions: async (client: Client) => {
      if (!isGuest(client)) await inner.cleanSubscriptions(client)
    },
    ...(inner.cleanIncoming && {
      // Guests may not publish, so they never have an incoming QoS 2 packet stored.
      cleanIncoming: async (client: Client) => {
        if (!isGuest(client)) await inner.cleanIncoming?.(client)
      },
    }),
    outgoingStream: (client: Client) => (isGuest(client) ? Readable.from([]) : inner.outgoingStream(client)),
    createRetainedStream: (pattern: string) => retained([pattern]),
    createRetainedStreamCombi: (patterns: string[]) => retained(patterns),
    putWill: (client: Client, packet: object) => {
      const role = clientRole(client)
      if (role) setWillOwner(packet, role)
      return inner.putWill(client, packet)
    },
    delWill: async (client: Client | { id: string; brokerId?: string }) => {
      // At CONNECT Aedes deletes the client's previous will; a guest never leaves one.
      if ('conn' in client && isGuest(client)) return undefined
      return inner.delWill(client)
    },
    streamWill: (brokers?: Record<string, unknown>) =>
      Readable.from(
        (async function* () {
          for await (const will of inner.streamWill(brokers) as AsyncIterable<object & Will>) {
            const refused = willRefusal(will)
            if (refused === null) {
              yield will
              continue
            }
            log.warn(`mqtt: dropped the will of ${will.clientId} on ${String(will.topic)}: ${refused}`)
            await inner.delWill({ id: will.clientId ?? '', brokerId: will.brokerId })
          }
        })(),
      ),
  })
}
