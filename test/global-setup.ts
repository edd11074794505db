import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildClientIfStale } from '../server/client-build.ts'
import { testTokens } from './harness.ts'
import { findSecrets, notesInTests } from './log-scan.ts'

/**
 * Builds the client once, before any suite, so browser suites never build into dist at once.
 * Keeps what the suites log (test/log-capture.ts) and, at the end, fails the run if a token or a
 * note any test placed is in a line of it.
 */
export default async function setup(): Promise<() => void> {
  await buildClientIfStale(() => {})
  const dir = mkdtempSync(join(tmpdir(), 'drinks-test-logs-'))
  process.env.TEST_LOG_DIR = dir
  return () => {
    const secrets = [...Object.values(testTokens), ...notesInTests('.', ['functions', 'server', 'broker', 'printer'])]
    const found = findSecrets(dir, secrets)
    const files = readdirSync(dir).length
    rmSync(dir, { recursive: true, force: true })
    if (found.length > 0) {
      const lines = found.slice(0, 10).map(({ secret, line }) => `  "${secret}" in: ${line}`)
      // vitest reports an error thrown here but still exits 0: the exit code must say it too.
      process.exitCode = 1
      throw new Error(`${found.length} log line(s) of the suite hold a token or a note:\n${lines.join('\n')}`)
    }
    if (files === 0) console.warn('no log lines were kept for the scan of tokens and notes')
  }
}
