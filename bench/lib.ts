import { spawn, spawnSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { startEmbeddedPostgres } from '../db/embedded.ts'
import { createScratchDatabase } from '../db/scratch.ts'

/** A throwaway database on DATABASE_URL's server (or the embedded one) for one benchmark run. */
export async function benchDatabase() {
  const embedded = process.env.DATABASE_URL ? null : await startEmbeddedPostgres()
  const database = await createScratchDatabase(process.env.DATABASE_URL ?? embedded?.url ?? '', 'drinks_bench')
  return {
    url: database.url,
    async drop() {
      await database.drop()
      await embedded?.stop()
    },
  }
}

/** The transactions per second pgbench reaches with `script` against `url`. */
export function pgbench(url: string, script: string, { clients = 8, seconds = 10 } = {}): number {
  const u = new URL(url)
  const result = spawnSync(
    'pgbench',
    [
      '-n',
      '-c',
      String(clients),
      '-j',
      '2',
      '-T',
      String(seconds),
      '-f',
      script,
      '-h',
      u.hostname,
      '-p',
      u.port || '5432',
      '-U',
      u.username || 'postgres',
      u.pathname.slice(1),
    ],
    { encoding: 'utf8', env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } },
  )
  const tps = /tps = ([\d.]+)/.exec(result.stdout)
  if (!tps) throw new Error(`pgbench failed: ${result.stderr || result.stdout}`)
  return Number(tps[1])
}

/** Starts a command and resolves once `ready()` says so. */
export async function startProcess(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: () => Promise<boolean>,
  { cwd }: { cwd?: string } = {},
) {
  const child = spawn(command, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'inherit'] })
  const until = Date.now() + 60_000
  while (!(await ready().catch(() => false))) {
    if (Date.now() > until || child.exitCode !== null)
      throw new Error(`${command} ${args.join(' ')} did not become ready`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  return {
    child,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve())
        child.kill('SIGTERM')
      }),
  }
}

/**
 * In a pod Node sizes V8's heap from the container's memory limit (192Mi for a function); a
 * process here sees the whole machine. These flags give V8 about the sizes it picks for 192 MiB.
 */
export const podSizedHeap = '--max-old-space-size=96 --max-semi-space-size=1'

/** Resident memory of process `pid` in MB. */
export function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024
}

/** CPU time process `pid` used so far, user and system, in ms (/proc counts in 1/100 s). */
export function cpuMs(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? []
  return (Number(fields[11]) + Number(fields[12])) * 10
}
