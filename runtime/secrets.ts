import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

export interface Tokens {
  barToken: string
  printerToken: string
  serviceToken: string
}

const names = { barToken: 'BAR_TOKEN', printerToken: 'PRINTER_TOKEN', serviceToken: 'SERVICE_TOKEN' } as const

/**
 * The credentials, from `BAR_TOKEN`, `PRINTER_TOKEN` and `SERVICE_TOKEN`. On a developer's machine
 * (NODE_ENV not `production`) missing ones are generated once and kept in `.data/tokens.json`,
 * so every process started from this folder agrees on them; in production they are required.
 */
export function loadTokens(env: NodeJS.ProcessEnv = process.env, file = resolve('.data/tokens.json')): Tokens {
  const fromEnv = Object.fromEntries(
    Object.entries(names).flatMap(([key, name]) => (env[name] ? [[key, env[name]]] : [])),
  ) as Partial<Tokens>
  const missing = Object.entries(names).filter(([key]) => !fromEnv[key as keyof Tokens])
  if (missing.length === 0) return fromEnv as Tokens
  if (env.NODE_ENV === 'production') {
    throw new Error(`missing ${missing.map(([, name]) => name).join(', ')}: set them (see README, Configuration)`)
  }
  const stored = readStoredTokens(file)
  const tokens = {
    barToken: fromEnv.barToken ?? stored.barToken ?? newToken(),
    printerToken: fromEnv.printerToken ?? stored.printerToken ?? newToken(),
    serviceToken: fromEnv.serviceToken ?? stored.serviceToken ?? newToken(),
  }
  if (!stored.barToken || !stored.printerToken || !stored.serviceToken) {
    mkdirSync(dirname(file), { recursive: true })
    writeFileSync(file, `${JSON.stringify({ ...tokens, ...stored }, null, 2)}\n`, { mode: 0o600 })
  }
  return tokens
}

/** The tokens kept in `.data/tokens.json` by an earlier start from this folder; none when it never ran here. */
export function readStoredTokens(file = resolve('.data/tokens.json')): Partial<Tokens> {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<Tokens>) : {}
}

function newToken(): string {
  return randomBytes(18).toString('base64url')
}

/** Constant-time comparison of a presented secret with the expected one. */
export function sameSecret(presented: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison leaks neither content nor length.
  const a = createHash('sha256').update(presented).digest()
  const b = createHash('sha256').update(expected).digest()
  return timingSafeEqual(a, b) && expected.length > 0
}
