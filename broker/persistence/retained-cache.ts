/**
 * The retained messages of single topics (no wildcard), kept in memory for a few seconds: when
 * every phone of a venue reconnects at once, each subscribing to `public/menu`, the broker reads
 * the menu once, not once per phone. Concurrent readers of a topic share one read.
 *
 * An entry is dropped when its topic's retained message changes: stored here (when the call is
 * made and when it is committed), or stored by another replica (the broker tells us when the
 * message reaches it over the bus, `changed`). A subscriber served an entry older than a change
 * it has not yet heard of subscribed before that change's message reached this replica, so the
 * message itself reaches it live. Entries expire after `maxAgeMs` whatever happens, in case this
 * replica missed a change while its bus was away.
 */
import type { Packet } from './packets.ts'

export interface RetainedCacheOptions {
  /** How long an entry is served, in ms (default 5 s). */
  maxAgeMs: number
  /** Most topics kept; the oldest entry goes first (default 1,000). */
  maxTopics: number
}

export const defaultRetainedCache: RetainedCacheOptions = { maxAgeMs: 5_000, maxTopics: 1_000 }

interface Entry {
  at: number
  packets: Promise<Packet[]>
}

export class RetainedCache {
  readonly #entries = new Map<string, Entry>()
  readonly #options: RetainedCacheOptions

  constructor(options: Partial<RetainedCacheOptions> = {}) {
    this.#options = { ...defaultRetainedCache, ...options }
  }

  /** The topic's retained messages: the entry's, or what `load` reads (kept unless it fails). */
  read(topic: string, load: () => Promise<Packet[]>): Promise<Packet[]> {
    const now = performance.now()
    const entry = this.#entries.get(topic)
    if (entry && now - entry.at <= this.#options.maxAgeMs) return entry.packets
    const fresh: Entry = { at: now, packets: load() }
    this.#entries.delete(topic)
    if (this.#entries.size >= this.#options.maxTopics) {
      const oldest = this.#entries.keys().next().value
      if (oldest !== undefined) this.#entries.delete(oldest)
    }
    this.#entries.set(topic, fresh)
    fresh.packets.catch(() => {
      if (this.#entries.get(topic) === fresh) this.#entries.delete(topic)
    })
    return fresh.packets
  }

  /** The topic's retained message changed: the next reader reads it again. */
  changed(topic: string): void {
    this.#entries.delete(topic)
  }
}

/** Whether a filter names one topic (only those are cached). */
export function isSingleTopic(pattern: string): boolean {
  return !pattern.includes('+') && !pattern.includes('#')
}
