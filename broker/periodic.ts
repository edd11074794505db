import type { Logger } from '../runtime/logger.ts'

export interface PeriodicOptions {
  /** Names the work in the log: `outbox relay: <error>`. */
  name: string
  /** Pause between the end of one round and the start of the next, in ms. */
  intervalMs: number
  /** Pause before the first round, in ms. Default `intervalMs`. */
  firstDelayMs?: number
  log: Logger
  /** One round of the work; a rejection is logged, and the next round comes all the same. */
  round: () => Promise<void>
}

/**
 * Background work of the broker that runs round after round (the outbox relay, `bar/status`),
 * never two at once, and never crashes the process. While the database is away every round fails
 * the same way: the log says so once, and once more when a round works again.
 */
export function startPeriodic({ name, intervalMs, firstDelayMs = intervalMs, log, round }: PeriodicOptions) {
  let timer: NodeJS.Timeout | undefined
  let running: Promise<void> = Promise.resolve()
  let stopped = false
  let failing = ''
  let busy = false
  /** Asked for while a round was under way: the next one starts as soon as it ends. */
  let again = false

  const tick = () => {
    clearTimeout(timer)
    if (busy) {
      again = true
      return
    }
    busy = true
    running = (async () => {
      try {
        await round()
        if (failing) log.info(`${name} works again`)
        failing = ''
      } catch (error) {
        const message = (error as Error).message
        if (message !== failing) log.warn(`${name}: ${message}`)
        failing = message
      }
      busy = false
      if (stopped) return
      timer = setTimeout(tick, again ? 0 : intervalMs)
      again = false
    })()
  }
  timer = setTimeout(tick, firstDelayMs)

  return {
    /** Runs a round now, or right after the one under way: something changed that cannot wait. */
    now() {
      if (!stopped) tick()
    },
    /** Resolves once the round under way, if any, has ended. */
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
