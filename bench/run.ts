/** `npm run bench [-- name…]`: runs the benchmarks of bench/ one after another. */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'

const all = ['order-path', 'cold-start', 'broker-throughput']
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all
for (const name of chosen) {
  const file = `bench/${name}.ts`
  if (!existsSync(file)) {
    console.error(`no benchmark ${file}`)
    process.exit(1)
  }
  console.log(`\n## ${name}\n\n$ npx tsx ${file}`)
  const result = spawnSync('npx', ['tsx', file], { stdio: 'inherit' })
  if (result.status !== 0) process.exit(result.status ?? 1)
}
