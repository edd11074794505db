/**
 * This project as an operator has it in a folder of their own, and its npm scripts run there as
 * they would type them: `npm start`, then the command it prints.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { waitFor } from './harness.ts'

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

export interface Script {
  child: ChildProcess
  output(): string
  /** Waits until the output matches; the match, or an error naming the pattern with the output so far. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>
  /** SIGTERM to the whole process group (npm, sh, tsx, node), SIGKILL after `graceMs`; the exit code. */
  stop(graceMs?: number): Promise<number | null>
}

/** Runs a shell command line in `cwd`, in a process group of its own so that stopping reaches every child. */
export function runScript(commandLine: string, { cwd, env }: { cwd: string; env: NodeJS.ProcessEnv }): Script {
  const child = spawn('sh', ['-c', commandLine], { cwd, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)))
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name)
    } catch {
      // The group is gone already.
    }
  }
  return {
    child,
    output: () => output,
    async waitForOutput(pattern, timeoutMs) {
      try {
        await waitFor(() => pattern.test(output) || child.exitCode !== null, timeoutMs)
      } catch {
        throw new Error(`no ${pattern} in the output of \`${commandLine}\` within ${timeoutMs} ms:\n${output}`)
      }
      const match = output.match(pattern)
      if (!match) throw new Error(`\`${commandLine}\` exited (${child.exitCode}) without ${pattern}:\n${output}`)
      return match
    },
    async stop(graceMs = 20_000) {
      signal('SIGTERM')
      // The script is done when its whole group is: the server may outlive npm while it shuts down.
      const gone = () => {
        try {
          if (child.pid) process.kill(-child.pid, 0)
          return false
        } catch {
          return true
        }
      }
      await waitFor(gone, graceMs).catch(() => signal('SIGKILL'))
      return exited
    },
  }
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
