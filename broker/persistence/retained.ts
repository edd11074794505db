/**
 * Retained messages. Writes go through a batcher: one at a time and in call order, so that the
 * last retained message of a topic stored by this broker is the one that stays. Reads page through
 * the index (no cursor holds a pooled connection while a slow client reads) and narrow the range
 * to the filter's literal prefix; the trie decides what matches, as in Aedes' own persistence.
 *
 * A read never fails the stream: Aedes pipes it to the subscriber without an error handler, so
 * an error there would end the process. A filter Postgres cannot hold (U+0000, a lone
 * surrogate) matches nothing stored; a row that cannot be read is quarantined; any other error
 * is logged and ends that subscriber's retained messages early.
 */
import { Readable } from 'node:stream'
import type { Sql } from 'postgres'
import { byteaArray } from '../pg/arrays.ts'
import { type Batcher, createBatcher } from '../pg/batcher.ts'
import type { Logger } from '../pg/listener.ts'
import {
  decodePacket,
  encodePacket,
  isStorableText,
  type Packet,
  type PacketColumns,
  storableCopy,
  UnstorableTextError,
  unpublishable,
} from './packets.ts'
import type { Quarantine } from './quarantine.ts'
import { isSingleTopic, RetainedCache, type RetainedCacheOptions } from './retained-cache.ts'
import { createTopicFilter } from './trie.ts'

const PAGE = 200

export class RetainedMessages {
  readonly #sql: Sql
  readonly #writes: Batcher<Packet, undefined>
  readonly #logger: Logger
  readonly #quarantine: Quarantine
  readonly #cache: RetainedCache
  /** Reads of single topics, batched like the writes: many guests subscribing at once, one statement. */
  readonly #topicReads: Batcher<string, PacketColumns | null>

  constructor(
    sql: Sql,
    options: { maxBatch: number; logger: Logger; quarantine: Quarantine; cache?: Partial<RetainedCacheOptions> },
  ) {
    const { maxBatch } = options
    this.#sql = sql
    this.#logger = options.logger
    this.#quarantine = options.quarantine
    this.#cache = new RetainedCache(options.cache)
    this.#writes = createBatcher((packets: Packet[]) => this.#write(packets), { maxBatch })
    this.#topicReads = createBatcher((topics: string[]) => readTopics(sql, topics), { maxBatch })
  }

  /** Stores the packet, or forgets the topic's retained message when the payload is empty. */
  store(packet: Packet): Promise<undefined> {
    const topic = packet.topic
    if (!isStorableText(topic)) return Promise.reject(new UnstorableTextError('a retained topic'))
    this.#cache.changed(String(topic))
    return this.#writes.push(packet).finally(() => this.#cache.changed(String(topic)))
  }

  /** Another replica stored a retained message on `topic` (the broker heard it on the bus). */
  changed(topic: string): void {
    this.#cache.changed(topic)
  }

  /** The retained messages matching each filter, filter after filter (as the in-memory persistence does). */
  stream(patterns: string[]): Readable {
    return Readable.from(this.#matchingAll(patterns.filter((pattern) => isStorableText(pattern))))
  }

  async *#matchingAll(patterns: string[]): AsyncGenerator<Packet> {
    try {
      for (const pattern of patterns) {
        if (isSingleTopic(pattern)) {
          yield* await this.#cache.read(pattern, () => this.#readTopic(pattern))
          continue
        }
        for await (const { topic, row } of matching(this.#sql, pattern)) {
          const packet = await this.#readable(topic, row)
          if (packet) yield packet
        }
      }
    } catch (error) {
      this.#logger.warn(
        `persistence: retained messages for ${storableCopy(patterns.join(', '))} not read: ${(error as Error).message}`,
      )
    }
  }

  async #readTopic(topic: string): Promise<Packet[]> {
    const row = await this.#topicReads.push(topic)
    const packet = row && (await this.#readable(topic, row))
    return packet ? [packet] : []
  }

  /** The packet of a row, or undefined when it cannot be published and was quarantined. */
  async #readable(topic: string, row: PacketColumns): Promise<Packet | undefined> {
    let problem: string | null
    let packet: Packet | undefined
    try {
      packet = decodePacket(row)
      problem = unpublishable(packet)
    } catch (error) {
      problem = `cannot be read: ${(error as Error).message}`
    }
    if (!problem) return packet
    await this.#quarantine.retained(topic, problem)
    return undefined
  }

  drained(): Promise<void> {
    return this.#writes.drained()
  }

  async #write(packets: Packet[]): Promise<undefined[]> {
    // Only the last write of a topic in the batch counts (and a statement may touch a row once).
    const last = new Map<string, Packet>()
    for (const packet of packets) last.set(String(packet.topic), packet)
    const kept: (PacketColumns & { topic: string })[] = []
    const cleared: string[] = []
    for (const [topic, packet] of last) {
      const columns = encodePacket(packet)
      if (columns.payload === null || columns.payload.length === 0) cleared.push(topic)
      else kept.push({ topic, ...columns })
    }
    const sql = this.#sql
    if (kept.length > 0) {
      await sql`
        insert into mqtt_retained (topic, header, payload, payload_is_text)
        select * from unnest(
          ${kept.map((row) => row.topic)}::text[],
          ${kept.map((row) => row.header)}::text[],
          ${byteaArray(kept.map((row) => row.payload))}::bytea[],
          ${sql.array(
            kept.map((row) => row.payload_is_text),
            16,
          )}::boolean[])
        on conflict (topic) do update
          set header = excluded.header, payload = excluded.payload,
            payload_is_text = excluded.payload_is_text, updated_at = now()`
    }
    if (cleared.length > 0) await sql`delete from mqtt_retained where topic = any(${cleared}::text[])`
    return packets.map(() => undefined)
  }
}

/** The retained row of each topic, or null, in the order given. */
async function readTopics(sql: Sql, topics: string[]): Promise<(PacketColumns | null)[]> {
  const rows = await sql<(PacketColumns & { topic: string })[]>`
    select topic, header, payload, payload_is_text from mqtt_retained where topic = any(${topics}::text[])`
  const byTopic = new Map(rows.map(({ topic, ...columns }) => [topic, columns]))
  return topics.map((topic) => byTopic.get(topic) ?? null)
}

/** The rows whose topic matches the filter. */
async function* matching(sql: Sql, pattern: string): AsyncGenerator<{ topic: string; row: PacketColumns }> {
  const levels = pattern.split('/')
  const wild = levels.findIndex((level) => level === '+' || level === '#')
  if (wild === -1) {
    const rows = await sql<PacketColumns[]>`
      select header, payload, payload_is_text from mqtt_retained where topic = ${pattern}`
    for (const row of rows) yield { topic: pattern, row }
    return
  }
  const filter = createTopicFilter(pattern)
  // 'a/b/#' also matches 'a/b' itself [MQTT-4.7.1-2], so the range starts at 'a/b', not 'a/b/'.
  const prefix = levels.slice(0, wild).join('/')
  const end = prefix === '' ? null : successor(prefix)
  let after = ''
  for (;;) {
    // Two statements rather than `end is null or ...`, which a generic plan could not use as an index bound.
    const rows =
      end === null
        ? await sql<(PacketColumns & { topic: string })[]>`
            select topic, header, payload, payload_is_text from mqtt_retained
            where topic > ${after} order by topic limit ${PAGE}`
        : await sql<(PacketColumns & { topic: string })[]>`
            select topic, header, payload, payload_is_text from mqtt_retained
            where topic > ${after} and topic >= ${prefix} and topic < ${end} order by topic limit ${PAGE}`
    for (const row of rows) if (filter.test(row.topic)) yield { topic: row.topic, row }
    const last = rows.at(-1)
    if (!last || rows.length < PAGE) return
    after = last.topic
  }
}

/** The least string above every string that starts with `prefix`, in byte (code point) order. */
function successor(prefix: string): string | null {
  const points = Array.from(prefix, (char) => char.codePointAt(0) as number)
  while (points.length > 0) {
    const last = (points.pop() as number) + 1
    if (last <= 0x10ffff) {
      // Skip the surrogate range: not a character, and not valid UTF-8.
      points.push(last === 0xd800 ? 0xe000 : last)
      return String.fromCodePoint(...points)
    }
  }
  return null
}
