/**
 * The bound on each client's offline queue: when a queue is full, its oldest messages are
 * dropped, and the log says so. Counting a queue costs a walk of its index, so a client's queue
 * is checked once every tenth of the bound of messages queued for it by this process; a queue
 * may exceed the bound by that tenth (per replica) until its next check.
 */
import type { Sql } from 'postgres'
import type { Logger } from '../pg/listener.ts'
import { trimQueue } from './outgoing-statements.ts'
import { storableCopy } from './packets.ts'

export class QueueBound {
  readonly #sql: Sql
  readonly #logger: Logger
  readonly #maxQueued: number
  readonly #checkEvery: number
  /** Messages queued per client since its queue was last checked or drained. */
  readonly #sinceChecked = new Map<string, number>()

  constructor(sql: Sql, { maxQueued, logger }: { maxQueued: number; logger: Logger }) {
    this.#sql = sql
    this.#logger = logger
    this.#maxQueued = maxQueued
    this.#checkEvery = Math.ceil(maxQueued / 10)
  }

  /** After messages were queued (one client id per message and client): trims the queues due. */
  async queued(clientIds: string[]): Promise<void> {
    const due: string[] = []
    for (const clientId of clientIds) {
      const count = (this.#sinceChecked.get(clientId) ?? 0) + 1
      this.#sinceChecked.set(clientId, count)
      if (count === this.#checkEvery) due.push(clientId)
    }
    for (const clientId of due) {
      this.#sinceChecked.delete(clientId)
      try {
        const dropped = await trimQueue(this.#sql, clientId, this.#maxQueued)
        if (dropped > 0) {
          this.#logger.warn(
            `persistence: the queue of ${storableCopy(clientId)} is full (${this.#maxQueued} messages): dropped the oldest ${dropped}`,
          )
        }
      } catch (error) {
        // The messages are queued; the bound is checked again after the next tenth.
        this.#logger.error(`persistence: queue of ${storableCopy(clientId)} not checked: ${(error as Error).message}`)
      }
    }
  }

  /** The client is reading its queue: what it had is being delivered, the count starts again. */
  drained(clientId: string): void {
    this.#sinceChecked.delete(clientId)
  }
}
