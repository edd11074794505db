/**
 * An mqemitter whose messages travel through Postgres NOTIFY, so that every broker replica on the
 * database sees every message. Matching is mqemitter's own, local delivery that of turns.ts (a large
 * fan-out in slices, one a turn); only `emit` changes: a message is delivered to this replica's listeners at once and
 * NOTIFYed for the others, which deliver it when it reaches them over LISTEN. A replica drops its
 * own notifications when they come back. Each replica delivers one publisher's messages in the
 * order they were published; messages of different replicas may interleave differently on each.
 *
 * `emit` calls back once the message is delivered here and its NOTIFY is committed (so it is in
 * the sent log below), or with the NOTIFY's error: the other replicas miss that message.
 *
 * While a replica's LISTEN connection is down (database restart, network cut) NOTIFY keeps nothing
 * for it. It reconnects within a second (broker/pg/listener.ts), then asks every replica, itself
 * included, to NOTIFY again what each sent since it lost its LISTEN (less a margin for clocks); each replica keeps what
 * it sent lately for that (broker/emitter/sent-log.ts, bounded in count and age) and every replica
 * drops the envelopes it has already seen. So a message acknowledged (its NOTIFY committed)
 * reaches the clients online on every replica, late and possibly out of order after a gap, not at
 * all only if a replica stays away longer than the log's `maxAge`. It answers its own request too:
 * a replica that asked while this one was not listening gets this one's messages of the gap so.
 */
import { randomBytes } from 'node:crypto'
import type { Sql } from 'postgres'
import { type Batcher, createBatcher, defaultMaxBatch } from '../pg/batcher.ts'
import { type Listener, type ListenerOptions, type Logger, maxNotifyBytes, startListener } from '../pg/listener.ts'
import { insertAttachments, readAttachment, startAttachmentCleanup } from './attachments.ts'
import { RecentIds } from './recent-ids.ts'
import { Replays, SentLog, type SentLogOptions } from './sent-log.ts'
import { type Done, type MQEmitterOptions, TurnBoundedEmitter } from './turns.ts'
import {
  type EmitterMessage,
  type Envelope,
  encodeInline,
  encodeReference,
  encodeReplayRequest,
  fromAttachment,
  fromEnvelope,
  parseEnvelope,
  toAttachment,
} from './wire.ts'

/** With mqemitter's options and the bound on deliveries per turn (turns.ts). */
export interface PostgresEmitterOptions extends MQEmitterOptions {
  /** The pool NOTIFYs and attachment rows go through; the LISTEN connection copies its settings. */
  sql: Sql
  /** NOTIFY channel shared by the replicas (default `mqtt_emitter`). */
  channel?: string
  /** Where background errors go (default `console`); nothing in the background throws. */
  logger?: Logger
  /** Largest NOTIFY text in bytes (default 7999: Postgres refuses 8000 and more); larger messages go through the table. */
  maxNotifyBytes?: number
  /** Most NOTIFYs per statement (default 500). */
  maxBatch?: number
  /** Age after which attachment rows are deleted, in ms (default 60 s), checked every `cleanupInterval` (30 s). */
  attachmentTtl?: number
  cleanupInterval?: number
  /** How many message ids are remembered to drop duplicates (default 10,000). */
  dedupeSize?: number
  /** What is kept to send again to a replica back from a gap (defaults in broker/emitter/sent-log.ts). */
  sentLog?: Partial<SentLogOptions>
  /** Reconnect and probe timing of the LISTEN connection (see broker/pg/listener.ts). */
  listen?: Pick<ListenerOptions, 'minDelay' | 'maxDelay' | 'probeInterval' | 'probeTimeout'>
  /** Topics delivered on this replica only, never NOTIFYed (default {@link aedesLocalNews}). */
  localOnly?: (topic: string) => boolean
}

const localNews = /^\$SYS\/[^/]+\/(new\/subscribes|new\/unsubscribes|disconnect\/clients)$/

/**
 * What Aedes announces of each client's SUBSCRIBE, UNSUBSCRIBE and disconnection under `$SYS`:
 * no replica acts on another's (Aedes itself listens only to heartbeats, births and new clients),
 * and a venue's phones reconnecting at once would make them most of the bus's traffic.
 */
export const aedesLocalNews = (topic: string) => localNews.test(topic)

interface Outgoing {
  seq: number
  message: EmitterMessage
}

interface Arrival {
  envelope: Envelope
  message: EmitterMessage | null
  ready: boolean
}

export class PostgresEmitter extends TurnBoundedEmitter {
  /** Settles with the first LISTEN attempt (it rejects if that failed; retries go on regardless). */
  readonly ready: Promise<void>
  readonly #sql: Sql
  readonly #channel: string
  readonly #logger: Logger
  readonly #origin = randomBytes(6).toString('base64url')
  readonly #maxNotifyBytes: number
  readonly #notifyBatcher: Batcher<Outgoing, undefined>
  readonly #listener: Listener
  readonly #seen: RecentIds
  readonly #inbox: Arrival[] = []
  readonly #replays: Replays
  readonly #stopCleanup: () => void
  readonly #localOnly: (topic: string) => boolean
  #seq = 0
  #closing: Promise<void> | null = null

  constructor(options: PostgresEmitterOptions) {
    const { sql, channel = 'mqtt_emitter', logger = console, maxBatch = defaultMaxBatch } = options
    super({
      concurrency: options.concurrency,
      matchEmptyLevels: options.matchEmptyLevels,
      separator: options.separator,
      wildcardOne: options.wildcardOne,
      wildcardSome: options.wildcardSome,
      maxDeliveriesPerTurn: options.maxDeliveriesPerTurn,
    })
    this.#sql = sql
    this.#channel = channel
    this.#logger = logger
    this.#maxNotifyBytes = options.maxNotifyBytes ?? maxNotifyBytes
    this.#localOnly = options.localOnly ?? aedesLocalNews
    this.#seen = new RecentIds(options.dedupeSize ?? 10_000)
    this.#notifyBatcher = createBatcher((items: Outgoing[]) => this.#send(items), { maxBatch })
    this.#replays = new Replays({
      log: new SentLog(options.sentLog),
      notify: (texts) => this.#notify(texts),
      request: (since) => encodeReplayRequest(this.#origin, ++this.#seq, since),
      maxBatch,
      logger,
    })
    this.#listener = startListener({
      sql,
      channel,
      logger,
      ...options.listen,
      onNotify: (text) => this.#receive(text),
      onListen: (downSince) => this.#replays.listening(downSince),
    })
    this.ready = this.#listener.ready
    this.#stopCleanup = startAttachmentCleanup(sql, {
      ttl: options.attachmentTtl ?? 60_000,
      interval: options.cleanupInterval ?? 30_000,
      logger,
    })
  }

  /**
   * Delivers `message` here and sends it to every other replica; `done` runs once both are done,
   * with the NOTIFY's error if it could not be sent.
   */
  override emit(message: EmitterMessage, done?: Done): this {
    if (this.closed || this.#closing) {
      done?.(new Error('the Postgres emitter is closed'))
      return this
    }
    if (this.#localOnly(message.topic)) {
      super.emit(message, done)
      return this
    }
    let waiting = 2
    let failure: Error | undefined
    const settle = (error?: Error) => {
      failure ??= error
      if (--waiting === 0) done?.(failure)
    }
    this.#notifyBatcher.push({ seq: ++this.#seq, message }).then(
      () => settle(),
      (error: Error) => {
        if (done) settle(error)
        else this.#logger.error(`emitter: NOTIFY failed, the other replicas miss a message: ${error.message}`)
      },
    )
    super.emit(message, done ? () => settle() : undefined)
    return this
  }

  /** Sends what is queued, stops listening, then closes like mqemitter. */
  override close(done: () => void = () => {}): this {
    this.#closing ??= this.#shutdown()
    void this.#closing.then(() => super.close(done))
    return this
  }

  async #shutdown(): Promise<void> {
    await this.#notifyBatcher.drained()
    this.#stopCleanup()
    await this.#listener.close().catch((error: Error) => this.#logger.warn(`emitter: ${error.message}`))
  }

  async #send(items: Outgoing[]): Promise<undefined[]> {
    const texts: string[] = []
    const large: number[] = []
    items.forEach((item, index) => {
      const text = encodeInline(this.#origin, item.seq, item.message)
      if (Buffer.byteLength(text) <= this.#maxNotifyBytes) texts[index] = text
      else large.push(index)
    })
    if (large.length > 0) {
      const ids = await insertAttachments(
        this.#sql,
        large.map((index) => toAttachment((items[index] as Outgoing).message)),
      )
      large.forEach((index, k) => {
        texts[index] = encodeReference(this.#origin, (items[index] as Outgoing).seq, ids[k] as string)
      })
    }
    await this.#notify(texts)
    this.#replays.sent(texts)
    return items.map(() => undefined)
  }

  /** One statement, so one transaction: the notifications go out together, in this order. */
  async #notify(texts: string[]): Promise<void> {
    await this.#sql`
      select pg_notify(${this.#channel}, m) from unnest(${texts}::text[]) with ordinality as t(m, n) order by n`
  }

  #receive(text: string): void {
    let envelope: Envelope
    try {
      envelope = parseEnvelope(text)
    } catch {
      this.#logger.warn(`emitter: ignored a notification that is not ours on ${this.#channel}`)
      return
    }
    if (envelope.r !== undefined) {
      // Its own request too: a replica that asked while this one was not listening gets this
      // one's messages of the gap that way.
      if (this.#seen.add(`${envelope.o}:${envelope.s}`)) this.#replays.requested(envelope.r)
      return
    }
    // This replica's own messages were delivered here when they were emitted.
    if (envelope.o === this.#origin) return
    if (!this.#seen.add(`${envelope.o}:${envelope.s}`)) return
    const arrival: Arrival = { envelope, message: null, ready: envelope.a === undefined }
    if (envelope.a === undefined) {
      arrival.message = fromEnvelope(envelope)
      // The common case: nothing waits for an attachment, deliver at once.
      if (this.#inbox.length === 0) {
        this.#deliver(arrival)
        return
      }
    } else {
      void readAttachment(this.#sql, envelope.a)
        .then(
          (row) => {
            if (row) arrival.message = fromAttachment(row)
            else this.#logger.warn(`emitter: attachment ${envelope.a} was already cleaned up, message lost`)
          },
          (error: Error) => this.#logger.error(`emitter: could not read attachment ${envelope.a}: ${error.message}`),
        )
        .finally(() => {
          arrival.ready = true
          this.#pump()
        })
    }
    this.#inbox.push(arrival)
  }

  /** Delivers arrivals in order, stopping at one whose attachment is still being read. */
  #pump(): void {
    while (this.#inbox[0]?.ready) this.#deliver(this.#inbox.shift() as Arrival)
  }

  #deliver({ message }: Arrival): void {
    if (message && !this.closed) super.emit(message)
  }
}

/**
 * An mqemitter for Aedes (`mq` option) that shares messages between replicas through Postgres
 * LISTEN/NOTIFY. Needs the `mqtt_emitter_attachments` table (broker/migrations). Options and their
 * defaults: {@link PostgresEmitterOptions}. `close()` it before ending `sql`.
 */
export function createPostgresEmitter(options: PostgresEmitterOptions): PostgresEmitter {
  return new PostgresEmitter(options)
}
