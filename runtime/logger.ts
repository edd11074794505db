/**
 * What every part logs to: `console`'s `info`, `warn` and `error`. A message may be followed by
 * an object of fields (`{ requestId, orderId, role }`) and by an error. Never pass a token, a
 * request body or a note: nothing here could tell them from other fields.
 */
export type Logger = Pick<Console, 'info' | 'warn' | 'error'>

/** `json`: one JSON object a line, for a log collector; `text`: for a person at a terminal. */
export type LogFormat = 'json' | 'text'

/** `LOG_FORMAT` (`json` or `text`) when set; else text on a terminal and JSON when not a TTY. */
export function logFormat(env: NodeJS.ProcessEnv = process.env, terminal = process.stdout.isTTY === true): LogFormat {
  const chosen = env.LOG_FORMAT
  if (chosen === 'json' || chosen === 'text') return chosen
  if (chosen) throw new Error(`LOG_FORMAT=${chosen}: use json or text`)
  return terminal ? 'text' : 'json'
}

type Level = keyof Logger

/**
 * Lines for stdout (`info`) and stderr (`warn`, `error`), written once per event-loop turn: each
 * write to a pipe is a system call, and a busy function logs a line per request. At most
 * {@link maxPendingLines} wait; the next one writes them at once. What waits when the process
 * exits (an uncaught error, `process.exit`) is written then; only a SIGKILL loses a turn's lines.
 */
export const maxPendingLines = 1000
const pending = { out: [] as string[], err: [] as string[] }
let flushScheduled = false
function flushLines(): void {
  flushScheduled = false
  if (pending.out.length > 0) process.stdout.write(`${pending.out.splice(0).join('\n')}\n`)
  if (pending.err.length > 0) process.stderr.write(`${pending.err.splice(0).join('\n')}\n`)
}
function queueLine(lines: string[], line: unknown): void {
  lines.push(String(line))
  if (lines.length >= maxPendingLines) flushLines()
  else if (!flushScheduled) {
    flushScheduled = true
    setImmediate(flushLines).unref()
  }
}
process.on('exit', flushLines)
export const turnConsole: Logger = {
  info: (line: unknown) => queueLine(pending.out, line),
  warn: (line: unknown) => queueLine(pending.err, line),
  error: (line: unknown) => queueLine(pending.err, line),
}
const levels: Level[] = ['info', 'warn', 'error']
const parent = Symbol('logger parent')
type Parented = Logger & { [parent]?: true }

/**
 * A logger for one part (`broker`, `place-order`...) writing to `sink` in `format`. Given a logger
 * made here as its sink, it adds its part to that one's lines instead of formatting twice.
 */
export function createLogger(part: string, sink: Logger = turnConsole, format: LogFormat = logFormat()): Logger {
  const logger = {} as Parented
  for (const level of levels) {
    logger[level] = (sink as Parented)[parent]
      ? (message: unknown, ...rest: unknown[]) => sink[level](message, { part }, ...rest)
      : (message: unknown, ...rest: unknown[]) => sink[level](formatLine(format, level, part, message, rest))
  }
  logger[parent] = true
  return logger
}

function formatLine(format: LogFormat, level: Level, part: string, message: unknown, rest: unknown[]): string {
  const fields: Record<string, unknown> = {}
  const words: string[] = [String(message)]
  let err: Error | undefined
  for (const value of rest) {
    if (value instanceof Error) err = value
    else if (value !== null && typeof value === 'object') Object.assign(fields, value)
    else words.push(String(value))
  }
  // The innermost part is the most precise: a child's `part` field wins.
  const { part: inner, ...others } = fields
  const name = typeof inner === 'string' ? inner : part
  if (format === 'json') {
    return JSON.stringify({
      time: new Date().toISOString(),
      level,
      part: name,
      msg: words.join(' '),
      ...others,
      ...(err ? { err: errorFields(err) } : {}),
    })
  }
  const pairs = Object.entries(others).map(
    ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
  )
  const text = [`[${name}]`, ...words, ...pairs].join(' ')
  return err ? `${text}\n${err.stack ?? err.message}` : text
}

/**
 * What an error says in a log: its name, message, code and stack, never its other properties
 * (postgres.js errors carry the query's parameters, which may hold a guest's note).
 */
function errorFields(err: Error & { code?: unknown }) {
  return {
    name: err.name,
    message: err.message,
    ...(typeof err.code === 'string' || typeof err.code === 'number' ? { code: err.code } : {}),
    stack: err.stack,
  }
}
