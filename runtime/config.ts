/**
 * Settings read one way in every deployable: an unset or empty setting takes its default, and one
 * that cannot be read stops the start with an error that names it and the value it was given, so
 * a typo is found at once rather than at the first order.
 */

/** The environment, or any record of settings by name. */
export type Env = Readonly<Record<string, string | undefined>>

export interface WholeRange {
  /** Default 0. */
  min?: number
  /** Default `Number.MAX_SAFE_INTEGER`. */
  max?: number
}

export interface ConfigReader {
  /** The text, or `fallback` when unset. */
  text<T extends string | undefined>(name: string, fallback: T): string | T
  /** The text; unset, the start stops and says `why` the setting is needed. */
  required(name: string, why: string): string
  /** A whole number within `range` (0 and up by default). */
  whole(name: string, fallback: number, range?: WholeRange): number
  /** A TCP port, 0 (any free one) included. */
  port(name: string, fallback: number): number
  /** `true` or `false`; anything else is refused rather than guessed. */
  flag(name: string, fallback: boolean): boolean
  /** One of `allowed`, compared as text (so numbers fit too). */
  oneOf<T extends string | number>(name: string, allowed: readonly T[], fallback: T): T
  /** Read by `parse`, which returns undefined for what it cannot read; `expected` says what fits. */
  parse<T>(name: string, fallback: T, parse: (text: string) => T | undefined, expected: string): T
}

export interface ReaderOptions {
  /** How errors name a setting; default: its name. The printer names its flags `--width`. */
  label?: (name: string) => string
}

/** A reader over `lookup`, which gives a setting's raw text by name. */
export function createConfigReader(
  lookup: (name: string) => string | undefined,
  { label = (name) => name }: ReaderOptions = {},
): ConfigReader {
  const raw = (name: string) => {
    const value = lookup(name)
    return value === undefined || value === '' ? undefined : value
  }
  const parse = <T>(name: string, fallback: T, read: (text: string) => T | undefined, expected: string): T => {
    const text = raw(name)
    if (text === undefined) return fallback
    const value = read(text)
    if (value === undefined) throw new Error(`${label(name)}=${text} is not ${expected}`)
    return value
  }
  const whole = (name: string, fallback: number, { min = 0, max = Number.MAX_SAFE_INTEGER }: WholeRange = {}) => {
    const range = max === Number.MAX_SAFE_INTEGER ? `${min} or more` : `from ${min} to ${max}`
    return parse(
      name,
      fallback,
      (text) => {
        const number = Number(text)
        return Number.isInteger(number) && number >= min && number <= max ? number : undefined
      },
      `a whole number ${range}`,
    )
  }
  return {
    text: (name, fallback) => raw(name) ?? fallback,
    required(name, why) {
      const value = raw(name)
      if (value === undefined) throw new Error(`${label(name)} is not set: ${why}`)
      return value
    },
    whole,
    port: (name, fallback) => whole(name, fallback, { min: 0, max: 65535 }),
    flag: (name, fallback) =>
      parse(name, fallback, (text) => (text === 'true' ? true : text === 'false' ? false : undefined), 'true or false'),
    oneOf(name, allowed, fallback) {
      const text = raw(name)
      if (text === undefined) return fallback
      const value = allowed.find((candidate) => String(candidate) === text)
      if (value === undefined) throw new Error(`${label(name)} must be one of ${allowed.join(', ')}, not ${text}`)
      return value
    },
    parse,
  }
}

/** A reader over environment variables (`process.env` by default). */
export function readEnv(env: Env = process.env): ConfigReader {
  return createConfigReader((name) => env[name])
}
