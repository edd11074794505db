/**
 * The Aedes 1.x persistence (the async interface of aedes-persistence 11) on Postgres. This class
 * only routes each call to the part that does the work; see those files for the how and why.
 *
 * Below the broker's own checks, it refuses what Postgres cannot store: a topic, filter or
 * client id holding U+0000 or a lone surrogate is refused on write (the call rejects, Aedes
 * disconnects that client) and matches nothing on read. Its streams never emit 'error' where
 * Aedes would not handle it, and a stored packet that cannot be published is quarantined.
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import { defaultMaxBatch } from '../pg/batcher.ts'
import type { ListenerOptions, Logger } from '../pg/listener.ts'
import { IncomingPackets } from './incoming.ts'
import { OutgoingQueues } from './outgoing.ts'
import { isStorableText, type Packet, UnstorableTextError } from './packets.ts'
import { Quarantine } from './quarantine.ts'
import { RetainedMessages } from './retained.ts'
import type { RetainedCacheOptions } from './retained-cache.ts'
import { SessionOwners } from './sessions.ts'
import { clientsSubscribedTo, countSubscriptions, readSubscriptions, type Subscription } from './subscription-store.ts'
import { SubscriptionSync } from './subscriptions.ts'
import type { TrieSubscription } from './trie.ts'
import { Wills } from './wills.ts'

export interface PostgresPersistenceOptions {
  /** The pool every statement goes through; the LISTEN connection copies its settings. */
  sql: Sql
  /** NOTIFY channel on which replicas announce subscription changes (default `mqtt_subscriptions`). */
  channel?: string
  /** Where background errors go (default `console`). */
  logger?: Logger
  /** Most rows per batched statement on the hot path (default `defaultMaxBatch`, 500). */
  maxBatch?: number
  /**
   * Wait until the packet identifier of a QoS 1 message is stored before Aedes sends it (default
   * false: stored in the background, see outgoing.ts for what that trades). QoS 2 always waits.
   */
  awaitPacketIds?: boolean
  /** Reconnect and probe timing of the LISTEN connection (see broker/pg/listener.ts). */
  listen?: Pick<ListenerOptions, 'minDelay' | 'maxDelay' | 'probeInterval' | 'probeTimeout'>
  /** Most messages queued per offline session; beyond it the oldest are dropped (default 10,000). */
  maxQueued?: number
  /** Times a dead broker's will is handed to Aedes before it is quarantined (default 3). */
  maxWillAttempts?: number
  /** How long and how many single topics' retained messages are kept in memory (retained-cache.ts). */
  retainedCache?: Partial<RetainedCacheOptions>
}

/** What the persistence needs of the broker: its id, read at each call (the abstract suite changes it). */
export interface PersistenceBroker {
  id: string
  /** Aedes': how many listeners an event has (a broker without it is taken to have some). */
  listenerCount?(event: string): number
}

/** What the persistence needs of a client. */
export interface PersistenceClient {
  id: string
  brokerId?: string
}

export class PostgresPersistence {
  readonly #retained: RetainedMessages
  readonly #subscriptions: SubscriptionSync
  readonly #outgoing: OutgoingQueues
  readonly #incoming: IncomingPackets
  readonly #wills: Wills
  readonly #owners: SessionOwners
  readonly #sql: Sql
  readonly #logger: Logger
  #broker: PersistenceBroker | undefined
  #destroyed = false

  constructor({
    sql,
    channel = 'mqtt_subscriptions',
    logger = console,
    maxBatch = defaultMaxBatch,
    awaitPacketIds = false,
    listen,
    maxQueued = 10_000,
    maxWillAttempts = 3,
    retainedCache,
  }: PostgresPersistenceOptions) {
    this.#sql = sql
    this.#logger = logger
    const quarantine = new Quarantine(sql, logger)
    this.#retained = new RetainedMessages(sql, { maxBatch, logger, quarantine, cache: retainedCache })
    this.#subscriptions = new SubscriptionSync({ sql, channel, logger, listen })
    this.#outgoing = new OutgoingQueues(sql, { maxBatch, logger, awaitPacketIds, maxQueued, quarantine })
    this.#incoming = new IncomingPackets(sql)
    this.#wills = new Wills(sql, { quarantine, maxAttempts: maxWillAttempts })
    this.#owners = new SessionOwners(sql, { maxBatch })
  }

  /** The broker given to `setup` (Aedes and the abstract suite read it). */
  get broker(): PersistenceBroker | undefined {
    return this.#broker
  }

  /** Listens for other replicas' subscription changes, then loads the subscriptions. */
  async setup(broker: PersistenceBroker): Promise<void> {
    this.#broker = broker
    await this.#subscriptions.start()
  }

  async storeRetained(packet: Packet): Promise<void> {
    await this.#retained.store(packet)
  }

  /**
   * Not part of aedes-persistence: a retained message on `topic` was stored elsewhere (another
   * replica's, heard on the bus), so what is cached of it is dropped.
   */
  retainedChanged(topic: string): void {
    this.#retained.changed(topic)
  }

  createRetainedStream(pattern: string): Readable {
    return this.#retained.stream([pattern])
  }

  createRetainedStreamCombi(patterns: string[]): Readable {
    return this.#retained.stream(patterns)
  }

  async addSubscriptions(client: PersistenceClient, subs: Subscription[]): Promise<void> {
    storable(client.id, 'the client id')
    for (const sub of subs) storable(sub.topic, 'a topic filter')
    await this.#subscriptions.add(client.id, subs)
  }

  async removeSubscriptions(client: PersistenceClient, topics: string[]): Promise<void> {
    if (!isStorableText(client.id)) return
    await this.#subscriptions.remove(client.id, topics.filter(isStorableText))
  }

  async subscriptionsByClient(client: PersistenceClient): Promise<Subscription[]> {
    return isStorableText(client.id) ? readSubscriptions(this.#sql, client.id) : []
  }

  /** Counted in the table, so that every replica gives the same answer. */
  countOffline(): Promise<{ subsCount: number; clientsCount: number }> {
    return countSubscriptions(this.#sql)
  }

  /** Matched in memory: Aedes asks this for every QoS > 0 publish. */
  async subscriptionsByTopic(topic: string): Promise<TrieSubscription[]> {
    return this.#subscriptions.match(topic)
  }

  async cleanSubscriptions(client: PersistenceClient): Promise<void> {
    if (isStorableText(client.id)) await this.#subscriptions.remove(client.id, null)
  }

  async outgoingEnqueue(sub: { clientId: string }, packet: Packet): Promise<void> {
    await this.#outgoing.enqueue([sub.clientId], packet)
  }

  async outgoingEnqueueCombi(subs: { clientId: string }[], packet: Packet): Promise<void> {
    await this.#outgoing.enqueue(
      subs.map((sub) => sub.clientId),
      packet,
    )
  }

  async outgoingUpdate(client: PersistenceClient, packet: Packet): Promise<void> {
    await this.#outgoing.update(client.id, packet)
  }

  outgoingClearMessageId(client: PersistenceClient, packet: Packet): Promise<Packet | undefined> {
    // Aedes hands the packet removed on a PUBACK to its 'ack' listeners alone: with none, the
    // message is deleted without being read back.
    const readBack = this.#broker?.listenerCount?.('ack') !== 0
    return this.#outgoing.clear(client.id, packet?.messageId, readBack)
  }

  outgoingStream(client: PersistenceClient): Readable {
    return isStorableText(client.id) ? this.#outgoing.stream(client.id) : Readable.from([])
  }

  async incomingStorePacket(client: PersistenceClient, packet: Packet): Promise<void> {
    storable(client.id, 'the client id')
    await this.#incoming.store(client.id, packet)
  }

  incomingGetPacket(client: PersistenceClient, packet: Packet): Promise<Packet> {
    return this.#incoming.get(client.id, packet)
  }

  async incomingDelPacket(client: PersistenceClient, packet: Packet): Promise<void> {
    await this.#incoming.delete(client.id, packet)
  }

  async cleanIncoming(client: PersistenceClient): Promise<void> {
    await this.#incoming.clean(client.id)
  }

  async putWill(client: PersistenceClient, packet: Packet): Promise<void> {
    if (!this.#broker) throw new Error('persistence: setup(broker) has not been called')
    await this.#wills.put(this.#broker.id, client.id, packet)
  }

  getWill(client: PersistenceClient): Promise<Packet | undefined> {
    return this.#wills.get(client.id)
  }

  /** Never rejects: Aedes chains it without handling a rejection (connect.js, storeWill). */
  delWill(client: PersistenceClient): Promise<Packet | undefined> {
    return this.#wills.delete(client.id, client.brokerId).catch((error: Error) => {
      this.#logger.warn(`persistence: will of a client not deleted: ${error.message}`)
      return undefined
    })
  }

  streamWill(brokers: Record<string, unknown> = {}): Readable {
    return this.#wills.stream(brokers)
  }

  /** Not part of aedes-persistence: who owns a client id's persistent session (see sessions.ts). */
  sessionOwner(clientId: string): Promise<string | null | undefined> {
    return this.#owners.ownerOf(clientId)
  }

  /** Not part of aedes-persistence: claims a client id's session for `owner`; returns its owner. */
  claimSession(clientId: string, owner: string): Promise<string> {
    return this.#owners.claim(clientId, owner)
  }

  getClientList(topic: string): Readable {
    return Readable.from(clientsSubscribedTo(this.#sql, topic))
  }

  /** Writes what is still batched and stops listening. The pool stays open: it belongs to the caller. */
  async destroy(): Promise<void> {
    if (this.#destroyed) throw new Error('destroyed called twice!')
    this.#destroyed = true
    await Promise.all([this.#retained.drained(), this.#outgoing.drained()])
    await this.#subscriptions.stop()
  }
}

function storable(text: unknown, what: string): void {
  if (!isStorableText(text)) throw new UnstorableTextError(what)
}

/**
 * An Aedes persistence (`persistence` option) keeping sessions, queues, retained messages and
 * wills in Postgres, for any number of broker replicas on one database. Needs the mqtt_* tables
 * (broker/migrations). Options and defaults: {@link PostgresPersistenceOptions}.
 */
export function createPostgresPersistence(options: PostgresPersistenceOptions): PostgresPersistence {
  return new PostgresPersistence(options)
}
