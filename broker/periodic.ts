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

  const tick = () => {
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
      if (!stopped) timer = setTimeout(tick, intervalMs)
    })()
  }
  timer = setTimeout(tick, firstDelayMs)

  return {
    /** Resolves once the round under way, if any, has ended. */
    async stop() {
      stopped = true
      clearTimeout(timer)
      await running
    },
  }
}
