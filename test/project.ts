/**
 * This project as an operator has it in a folder of their own, and its npm scripts run there as
 * they would type them: `npm start`, then the command it prints.
 */
import { spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { type StartedProcess, startProcess } from './processes.ts'

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..')

/** What never goes into a copy: the state of this checkout's own runs. */
const leftOut = new Set(['.data', '.git'])

/**
 * A project folder at `dir` with a `.data` of its own. `link`: every part a symbolic link to
 * this checkout (cheap; the code runs from here). `copy`: files hard-linked (no extra disk),
 * node_modules included, so the code and the PostgreSQL binaries really live inside `dir`.
 */
export function makeProject(dir: string, how: 'link' | 'copy'): void {
  mkdirSync(dir, { recursive: true })
  const entries = readdirSync(repoRoot).filter((name) => !leftOut.has(name))
  if (how === 'link') {
    for (const name of entries) symlinkSync(join(repoRoot, name), join(dir, name))
    return
  }
  const copied = spawnSync('cp', ['-al', ...entries.map((name) => join(repoRoot, name)), dir], { encoding: 'utf8' })
  if (copied.status !== 0) throw new Error(`cannot copy the project into ${dir}: ${copied.stderr}`)
}

export interface Script extends Omit<StartedProcess, 'stop'> {
  /** SIGTERM to the whole process group (npm, sh, tsx, node), SIGKILL after `graceMs`; the exit code. */
  stop(graceMs?: number): Promise<number | null>
}

/** Runs a shell command line in `cwd`, in a process group of its own so that stopping reaches every child. */
export function runScript(commandLine: string, { cwd, env }: { cwd: string; env: NodeJS.ProcessEnv }): Script {
  const script = startProcess('sh', ['-c', commandLine], { cwd, env, inheritEnv: false, group: true })
  return { ...script, stop: (graceMs = 20_000) => script.stop('SIGTERM', graceMs) }
}

/** The environment of the test run without the settings an operator would not have set. */
export function operatorEnv(extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env }
  for (const name of [
    'DATABASE_URL',
    'TEST_DATABASE_URL',
    'PORT',
    'MQTT_PORT',
    'BROKER_URL',
    'PUBLIC_URL',
    'BAR_TOKEN',
    'PRINTER_TOKEN',
    'SERVICE_TOKEN',
    'NODE_ENV',
  ])
    delete env[name]
  return { ...env, ...extra }
}

export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
}
