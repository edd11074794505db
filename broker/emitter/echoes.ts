/**
 * The callbacks of `emit`. As in mqemitter, a callback runs once the message has been delivered
 * to this replica's listeners, which here means once it has come back over LISTEN. Should it not
 * come back (LISTEN down), the callback still runs `timeout` ms after the NOTIFY was committed:
 * the message went out, and the caller (Aedes' publish) must not hang on our outage.
 */
import type { Logger } from '../pg/listener.ts'

export type Done = (error?: Error) => void

interface Echo {
  done: Done
  /** When the NOTIFY was committed; 0 until then. */
  sentAt: number
}

export class PendingEchoes {
  readonly #pending = new Map<number, Echo>()
  readonly #timeout: number
  readonly #logger: Logger
  readonly #sweep: NodeJS.Timeout

  constructor({ timeout, logger }: { timeout: number; logger: Logger }) {
    this.#timeout = timeout
    this.#logger = logger
    this.#sweep = setInterval(() => this.#callLate(), Math.max(100, timeout / 4))
    this.#sweep.unref()
  }

  expect(seq: number, done: Done): void {
    this.#pending.set(seq, { done, sentAt: 0 })
  }

  /** The NOTIFY is committed: wait for the echo, unless none can come. */
  committed(seq: number, listening: boolean): void {
    const echo = this.#pending.get(seq)
    if (!echo) return
    if (listening) {
      echo.sentAt = Date.now()
    } else {
      this.#pending.delete(seq)
      echo.done()
    }
  }

  /** The NOTIFY failed; returns false if nobody was waiting to hear it. */
  failed(seq: number, error: Error): boolean {
    const echo = this.#pending.get(seq)
    this.#pending.delete(seq)
    echo?.done(error)
    return echo !== undefined
  }

  /** The message came back: the caller delivers it and then calls what this returns. */
  take(seq: number): Done | undefined {
    const echo = this.#pending.get(seq)
    this.#pending.delete(seq)
    return echo?.done
  }

  /** Calls every callback left (the emitter is closing: nothing will come back). */
  close(): void {
    clearInterval(this.#sweep)
    for (const echo of this.#pending.values()) echo.done()
    this.#pending.clear()
  }

  #callLate(): void {
    const oldest = Date.now() - this.#timeout
    let late = 0
    // Insertion order is send order: stop at the first one still in time.
    for (const [seq, echo] of this.#pending) {
      if (echo.sentAt === 0 || echo.sentAt > oldest) break
      this.#pending.delete(seq)
      echo.done()
      late++
    }
    if (late > 0) this.#logger.warn(`emitter: ${late} message(s) sent but not seen back within ${this.#timeout} ms`)
  }
}
