import type { Logger } from './logger.ts'

/**
 * Runs `stop` once on SIGTERM or SIGINT, then exits: 0 when it finished, 1 when it failed or
 * took longer than `graceMs` (Kubernetes sends SIGKILL after its own grace period anyway).
 */
export function onShutdown(
  stop: () => Promise<void>,
  { graceMs = 20_000, log = console as Logger }: { graceMs?: number; log?: Logger } = {},
): void {
  let stopping = false
  const handle = (signal: NodeJS.Signals) => {
    if (stopping) return
    stopping = true
    log.info(`${signal}: finishing in-flight work`)
    const timer = setTimeout(() => {
      log.error(`still busy after ${graceMs} ms; exiting`)
      process.exit(1)
    }, graceMs)
    timer.unref()
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error('shutdown failed:', error)
        process.exit(1)
      },
    )
  }
  process.on('SIGTERM', handle)
  process.on('SIGINT', handle)
}
