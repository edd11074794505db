/**
 * Subscriptions of persistent sessions: stored in Postgres, matched in memory (Aedes asks for the
 * matches of every QoS > 0 publish), and the in-memory trie of every replica kept in step.
 *
 * How replicas keep in step: each change is written together with a NOTIFY naming the client
 * (subscription-store.ts). A replica that hears it reloads that client's rows and replaces what
 * its trie holds for the client. Reloads run one after another and read the table as it is then,
 * so the trie only ever moves forward, whatever the order in which changes were announced; and a
 * replica reloads the client itself after its own writes, so a change is matchable here as soon as
 * the call that made it resolves.
 *
 * Start and reconnect: listen first, then load every subscription, then reload the clients
 * announced meanwhile. Any change is either committed before the load reads it, or announced
 * after the LISTEN and reloaded afterwards; nothing falls in between. While the LISTEN is down
 * announcements are lost, so every reconnect (broker/pg/listener.ts) loads everything again; until then
 * this replica matches with what it had, and may miss a subscription made on another replica.
 */
import { randomBytes } from 'node:crypto'
import type { Sql } from 'postgres'
import { type BackoffOptions, backoffDelay } from '../../contract/index.ts'
import { type Listener, type ListenerOptions, type Logger, maxNotifyBytes, startListener } from '../pg/listener.ts'
import {
  deleteSubscriptions,
  readAllMatchable,
  readMatchable,
  type Subscription,
  upsertSubscriptions,
} from './subscription-store.ts'
import { createSubscriptionTrie, type SubscriptionTrie, type TrieSubscription } from './trie.ts'

const CLIENTS_PER_QUERY = 1_000
/** Retries of a failed reload: from 200 ms, doubling up to 10 s, like the LISTEN connection's. */
const reloadBackoff: BackoffOptions = { baseMs: 200, maxMs: 10_000 }

export interface SubscriptionSyncOptions {
  sql: Sql
  channel: string
  logger: Logger
  listen?: Pick<ListenerOptions, 'minDelay' | 'maxDelay' | 'probeInterval' | 'probeTimeout'>
}

interface Waiter {
  resolve: () => void
  reject: (error: unknown) => void
}

export class SubscriptionSync {
  readonly #sql: Sql
  readonly #channel: string
  readonly #logger: Logger
  readonly #listenOptions: SubscriptionSyncOptions['listen']
  readonly #origin = randomBytes(6).toString('base64url')
  #trie = createSubscriptionTrie()
  /** What the trie holds per client, so that a reload can take out what is gone. */
  #held = new Map<string, Map<string, TrieSubscription>>()
  #listener: Listener | null = null
  #pending = new Set<string>()
  #reloadAll = false
  #waiters: Waiter[] = []
  #running: Promise<void> | null = null
  #retryTimer: NodeJS.Timeout | undefined
  #failures = 0
  #stopped = false

  constructor({ sql, channel, logger, listen }: SubscriptionSyncOptions) {
    this.#sql = sql
    this.#channel = channel
    this.#logger = logger
    this.#listenOptions = listen
  }

  /** Listens, then loads every subscription. Rejects if the database cannot be reached. */
  async start(): Promise<void> {
    let loaded: Promise<void> | null = null
    this.#listener = startListener({
      sql: this.#sql,
      channel: this.#channel,
      logger: this.#logger,
      ...this.#listenOptions,
      onNotify: (text) => this.#heard(text),
      // After every LISTEN, the first included: what was announced while not listening is lost.
      onListen: () => {
        const reloaded = this.#reload(null)
        reloaded.catch(() => {})
        loaded ??= reloaded
      },
    })
    try {
      await this.#listener.ready
      await loaded
    } catch (error) {
      await this.stop()
      throw error
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    clearTimeout(this.#retryTimer)
    await this.#listener?.close()
    await this.#running
    for (const waiter of this.#waiters) waiter.reject(new Error('subscriptions: stopped'))
    this.#waiters = []
  }

  /** The QoS > 0 subscriptions matching `topic`, in the order Aedes' in-memory persistence gives. */
  match(topic: string): TrieSubscription[] {
    return this.#trie.match(topic)
  }

  async add(clientId: string, subs: Subscription[]): Promise<void> {
    // One row per topic, the last one given winning, in the order the topics first appear.
    const byTopic = new Map<string, Subscription>()
    for (const sub of subs) byTopic.set(sub.topic, sub)
    if (byTopic.size === 0) return
    const announcement = this.#announce(clientId)
    await upsertSubscriptions(this.#sql, {
      clientId,
      subs: [...byTopic.values()],
      channel: this.#channel,
      announcement,
    })
    await this.#reload([clientId])
  }

  /** Removes the client's subscriptions to `topics`, or all of them when `topics` is null. */
  async remove(clientId: string, topics: string[] | null): Promise<void> {
    if (topics?.length === 0) return
    const announcement = this.#announce(clientId)
    if (await deleteSubscriptions(this.#sql, { clientId, topics, channel: this.#channel, announcement })) {
      await this.#reload([clientId])
    }
  }

  /** The NOTIFY payload announcing a change of the client's subscriptions. */
  #announce(clientId: string): string {
    const text = JSON.stringify({ o: this.#origin, c: clientId })
    // A client id too long for NOTIFY: everyone reloads everything (MQTT allows 65,535 bytes).
    return Buffer.byteLength(text) <= maxNotifyBytes ? text : JSON.stringify({ o: this.#origin, all: true })
  }

  #heard(text: string): void {
    let note: { o?: string; c?: string; all?: boolean }
    try {
      note = JSON.parse(text)
    } catch {
      this.#logger.warn(`subscriptions: ignored a notification that is not ours on ${this.#channel}`)
      return
    }
    // Our own changes were reloaded right after they were written.
    if (note.o === this.#origin) return
    if (note.all || typeof note.c !== 'string') void this.#reload(null).catch(() => {})
    else void this.#reload([note.c]).catch(() => {})
  }

  /** Reloads these clients (every subscription when null); resolves once the trie shows them. */
  #reload(clientIds: string[] | null): Promise<void> {
    if (this.#stopped) return Promise.reject(new Error('subscriptions: stopped'))
    if (clientIds === null) this.#reloadAll = true
    else for (const clientId of clientIds) this.#pending.add(clientId)
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }))
    this.#running ??= this.#drain()
    return done
  }

  async #drain(): Promise<void> {
    while (!this.#stopped && (this.#reloadAll || this.#pending.size > 0)) {
      const all = this.#reloadAll
      const clientIds = [...this.#pending]
      const waiters = this.#waiters
      // A full load covers the clients announced before it starts.
      this.#reloadAll = false
      this.#pending = new Set()
      this.#waiters = []
      try {
        if (all) await this.#loadAll()
        else await this.#loadClients(clientIds)
        this.#failures = 0
        for (const waiter of waiters) waiter.resolve()
      } catch (error) {
        this.#logger.error(`subscriptions: reload failed: ${(error as Error).message}`)
        for (const waiter of waiters) waiter.reject(error)
        this.#retryLater()
        break
      }
    }
    this.#running = null
  }

  /** After a failed reload the trie may lag: load everything again, with backoff, until it works. */
  #retryLater(): void {
    const delay = backoffDelay(++this.#failures, reloadBackoff)
    clearTimeout(this.#retryTimer)
    this.#retryTimer = setTimeout(() => {
      if (!this.#stopped) void this.#reload(null).catch(() => {})
    }, delay)
  }

  async #loadAll(): Promise<void> {
    // Built aside and swapped in, so that matching goes on meanwhile.
    const trie = createSubscriptionTrie()
    const held = new Map<string, Map<string, TrieSubscription>>()
    for await (const page of readAllMatchable(this.#sql)) {
      for (const sub of page) {
        trie.add(sub.topic, sub)
        const subs = held.get(sub.clientId) ?? new Map<string, TrieSubscription>()
        held.set(sub.clientId, subs.set(sub.topic, sub))
      }
    }
    this.#trie = trie
    this.#held = held
  }

  async #loadClients(clientIds: string[]): Promise<void> {
    for (let start = 0; start < clientIds.length; start += CLIENTS_PER_QUERY) {
      const chunk = clientIds.slice(start, start + CLIENTS_PER_QUERY)
      const fresh = new Map<string, Map<string, TrieSubscription>>(chunk.map((id) => [id, new Map()]))
      for (const sub of await readMatchable(this.#sql, chunk)) fresh.get(sub.clientId)?.set(sub.topic, sub)
      for (const [clientId, subs] of fresh) replaceClient(this.#trie, this.#held, clientId, subs)
    }
  }
}

function replaceClient(
  trie: SubscriptionTrie,
  held: Map<string, Map<string, TrieSubscription>>,
  clientId: string,
  subs: Map<string, TrieSubscription>,
): void {
  for (const topic of held.get(clientId)?.keys() ?? []) {
    if (!subs.has(topic)) trie.remove(topic, { clientId, topic })
  }
  // Adding a (topic, client) pair the trie has replaces its value in place.
  for (const sub of subs.values()) trie.add(sub.topic, sub)
  if (subs.size > 0) held.set(clientId, subs)
  else held.delete(clientId)
}
