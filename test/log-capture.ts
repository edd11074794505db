/**
 * What the suite logs, kept for the scan at its end (test/log-scan.ts): test/global-setup.ts
 * makes a folder and names it in TEST_LOG_DIR; every worker appends its lines to a file of its own.
 */
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'

/** Appends one log line (or a process's output) to this process's file; nothing when not under `npm test`. */
export function captureLog(text: string): void {
  const dir = process.env.TEST_LOG_DIR
  if (!dir || text === '') return
  appendFileSync(join(dir, `${process.pid}.log`), text.endsWith('\n') ? text : `${text}\n`)
}
