/**
 * What this replica NOTIFYed lately, kept to send again to a replica that was not listening.
 * NOTIFY keeps nothing for a session that is not listening, so after a Postgres restart (or any
 * cut of a LISTEN connection) each replica asks the others, and itself, for what they sent since
 * it lost its LISTEN: its own answer reaches the replicas whose requests it could not hear. Sending the same text again is safe: every replica drops an envelope whose
 * id (origin and sequence number) it has already seen.
 */
import type { Logger } from '../pg/listener.ts'

/** How far before its LISTEN was lost a replica asks for messages again: clocks of replicas differ a little. */
export const replayMarginMs = 2_000

export interface SentLogOptions {
  /** Most NOTIFY texts kept (default 10,000). */
  maxMessages: number
  /** Age after which a text is dropped, in ms (default 30 s): a replica away longer misses the rest. */
  maxAge: number
}

export const defaultSentLog: SentLogOptions = { maxMessages: 10_000, maxAge: 30_000 }

interface Sent {
  at: number
  text: string
}

export class SentLog {
  readonly #entries: Sent[] = []
  /** Index of the oldest live entry: dropping from the front by moving it, compacting now and then. */
  #head = 0
  readonly #options: SentLogOptions

  constructor(options: Partial<SentLogOptions> = {}) {
    this.#options = { ...defaultSentLog, ...options }
  }

  /** Records texts whose NOTIFY was committed at `at` (epoch ms). */
  add(texts: string[], at = Date.now()): void {
    for (const text of texts) this.#entries.push({ at, text })
    this.#prune(at)
  }

  /** The texts committed at or after `since` (epoch ms), oldest first. */
  since(since: number, now = Date.now()): string[] {
    this.#prune(now)
    const texts: string[] = []
    for (let i = this.#head; i < this.#entries.length; i++) {
      const entry = this.#entries[i] as Sent
      if (entry.at >= since) texts.push(entry.text)
    }
    return texts
  }

  #prune(now: number): void {
    const { maxMessages, maxAge } = this.#options
    while (
      this.#head < this.#entries.length &&
      (this.#entries.length - this.#head > maxMessages || (this.#entries[this.#head] as Sent).at < now - maxAge)
    )
      this.#head++
    if (this.#head > 1_000 && this.#head * 2 > this.#entries.length) {
      this.#entries.splice(0, this.#head)
      this.#head = 0
    }
  }
}

export interface ReplaysOptions {
  log: SentLog
  /** NOTIFYs texts in one statement. */
  notify: (texts: string[]) => Promise<void>
  /** The NOTIFY text asking for what was sent since an epoch ms. */
  request: (since: number) => string
  /** Most texts per NOTIFY statement. */
  maxBatch: number
  logger: Logger
}

/** Asks for the gap after a lost LISTEN, and answers such requests from the sent log. */
export class Replays {
  readonly #options: ReplaysOptions
  /** When this replica's LISTEN was lost, until its request for the gap is sent. */
  #gapSince: number | null = null

  constructor(options: ReplaysOptions) {
    this.#options = options
  }

  /** The NOTIFY of these texts is committed. */
  sent(texts: string[]): void {
    this.#options.log.add(texts)
  }

  /** Listening (again): after a gap, ask every replica, this one included, for what it sent meanwhile. */
  listening(downSince: number | null): void {
    if (downSince === null) return
    const since = Math.min(this.#gapSince ?? downSince, downSince)
    this.#gapSince = since
    this.#options.notify([this.#options.request(since - replayMarginMs)]).then(
      () => {
        if (this.#gapSince === since) this.#gapSince = null
      },
      // Kept in #gapSince: the next LISTEN asks for the whole gap.
      (error: Error) => this.#options.logger.error(`emitter: could not ask for the messages missed: ${error.message}`),
    )
  }

  /** A replica asked for what was sent since `since`: send it again. */
  requested(since: number): void {
    this.#replay(since).catch((error: Error) =>
      this.#options.logger.error(`emitter: could not send messages again: ${error.message}`),
    )
  }

  async #replay(since: number): Promise<void> {
    const { log, notify, maxBatch, logger } = this.#options
    const texts = log.since(since)
    for (let i = 0; i < texts.length; i += maxBatch) await notify(texts.slice(i, i + maxBatch))
    if (texts.length > 0) logger.info(`emitter: sent ${texts.length} message(s) again for a replica back from a gap`)
  }
}
