/**
 * `npm run bench [-- name…]`: runs the benchmarks one after another and prints their tables.
 * They need a PostgreSQL server: DATABASE_URL, else the embedded one is started. Options after
 * the names go to each benchmark chosen.
 */
import { spawnSync } from 'node:child_process'
import { startEmbeddedPostgres } from '../db/embedded.ts'

const benchmarks: Record<string, string> = {
  'order-path': 'bench/order-path.ts',
  'cold-start': 'bench/cold-start.ts',
  broker: 'broker/bench/persistence-bench.ts',
  'fan-out': 'broker/bench/fan-out.ts',
  page: 'bench/page.ts',
  venue: 'bench/venue.ts',
}
// Names first, then options for the benchmarks chosen (`npm run bench -- venue --guests 200`).
const firstOption = process.argv.findIndex((arg, i) => i > 1 && arg.startsWith('--'))
const names = process.argv.slice(2, firstOption === -1 ? undefined : firstOption)
const options = firstOption === -1 ? [] : process.argv.slice(firstOption)
const chosen = names.length > 0 ? names : Object.keys(benchmarks)
const unknown = chosen.filter((name) => !benchmarks[name])
if (unknown.length > 0) {
  console.error(`no benchmark ${unknown.join(', ')}; there are: ${Object.keys(benchmarks).join(', ')}`)
  process.exit(1)
}

const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres()
const env = { ...process.env, DATABASE_URL: process.env.DATABASE_URL ?? embedded?.url }
let failed = false
for (const name of chosen) {
  console.log(`\n## ${name}\n\n$ npx tsx ${benchmarks[name]}`)
  const result = spawnSync('npx', ['tsx', benchmarks[name] as string, ...options], { stdio: 'inherit', env })
  failed ||= result.status !== 0
}
await embedded?.stop()
process.exit(failed ? 1 : 0)
