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
const levels: Level[] = ['info', 'warn', 'error']
const parent = Symbol('logger parent')
type Parented = Logger & { [parent]?: true }

/**
 * A logger for one part (`broker`, `place-order`...) writing to `sink` in `format`. Given a logger
 * made here as its sink, it adds its part to that one's lines instead of formatting twice.
 */
export function createLogger(part: string, sink: Logger = console, format: LogFormat = logFormat()): Logger {
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
