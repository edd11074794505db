import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
export const clientDist = join(root, 'client/dist')

/** Builds the client when its build is missing or older than any of its sources. */
export async function buildClientIfStale(say: (line: string) => void): Promise<void> {
  const built = join(clientDist, 'index.html')
  if (existsSync(built)) {
    const builtAt = statSync(built).mtimeMs
    const newest = Math.max(newestIn(join(root, 'client')), newestIn(join(root, 'contract')))
    if (newest <= builtAt) return
  }
  say('Building the client…')
  const result = spawnSync('npx', ['vite', 'build', 'client', '--logLevel', 'warn'], { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) throw new Error('the client build failed (npm run build shows why)')
}

function newestIn(dir: string): number {
  let newest = 0
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'dist' || entry.name === 'node_modules') continue
    const path = join(dir, entry.name)
    newest = Math.max(newest, entry.isDirectory() ? newestIn(path) : statSync(path).mtimeMs)
  }
  return newest
}
