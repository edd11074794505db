/** What background work logs to; `console` fits. */
export type Logger = Pick<Console, 'info' | 'warn' | 'error'>

/** A logger that prefixes each line with the part that speaks. */
export function createLogger(part: string, sink: Logger = console): Logger {
  return {
    info: (message, ...rest) => sink.info(`[${part}] ${message}`, ...rest),
    warn: (message, ...rest) => sink.warn(`[${part}] ${message}`, ...rest),
    error: (message, ...rest) => sink.error(`[${part}] ${message}`, ...rest),
  }
}
