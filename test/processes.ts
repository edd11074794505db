/**
 * The one way tests, benchmarks and bundle checks start a process of ours and wait for it:
 * `startProcess` spawns it and collects what it prints; `startPart`, `startPod` and
 * `waitForStatus` are the shapes the suites ask for most.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { mqttPath } from '../contract/index.ts'
import { anyFreePort } from '../runtime/ports.ts'
import { captureLog } from './log-capture.ts'
import { waitFor } from './wait.ts'

export interface ProcessOptions {
  cwd?: string
  /** Added to this process's environment, or the whole environment with `inheritEnv: false`. */
  env?: NodeJS.ProcessEnv
  /** Default true. False: only `env` and PATH, as a pod sees nothing of the machine it runs on. */
  inheritEnv?: boolean
  /** A process group of its own, so that stopping reaches every child (`sh`, npm, tsx). Default false. */
  group?: boolean
}

export interface StartedProcess {
  child: ChildProcess
  /** What it printed so far, both streams: the last `maxOutputChars` of it. */
  output(): string
  /** Resolves with the exit code (null when a signal ended it). */
  exited: Promise<number | null>
  /** Whether it (its whole group, with `group`) has exited. */
  gone(): boolean
  /** Sends `signal` (to the group, with `group`) unless it is gone. */
  signal(signal: NodeJS.Signals): void
  /** Waits until the output matches; the match, or an error naming the pattern with the output so far. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>
  /** Sends `signal` (SIGTERM), SIGKILL after `graceMs` (10 s) if it is still there; the exit code. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<number | null>
}

/**
 * How much of a process's output is kept for `output()` and `waitForOutput`, in characters: a
 * server under a benchmark's load logs without end. Default 1,000,000.
 */
export const maxOutputChars = 1_000_000

/** Starts `command` with `args`, its output collected. */
export function startProcess(command: string, args: string[], options: ProcessOptions = {}): StartedProcess {
  const { cwd, env = {}, inheritEnv = true, group = false } = options
  const fullEnv = inheritEnv ? { ...process.env, ...env } : { PATH: process.env.PATH ?? '', ...env }
  const child = spawn(command, args, { cwd, env: fullEnv, detached: group, stdio: ['ignore', 'pipe', 'pipe'] })
  const name = [command, ...args].join(' ')
  let output = ''
  // What every process of the suite printed is scanned for secrets at the end of the run: whole
  // lines go to the scan as they come, so that only the last `maxOutputChars` stay in memory.
  let partialLine = ''
  const take = (chunk: Buffer) => {
    const text = partialLine + chunk.toString()
    const end = text.lastIndexOf('\n') + 1
    captureLog(text.slice(0, end))
    partialLine = text.slice(end)
    if (partialLine.length > maxOutputChars) {
      captureLog(partialLine)
      partialLine = ''
    }
    output = (output + chunk.toString()).slice(-maxOutputChars)
  }
  child.stdout?.on('data', take)
  child.stderr?.on('data', take)
  const exited = new Promise<number | null>((done) =>
    child.once('exit', (code) => {
      captureLog(partialLine)
      done(code)
    }),
  )
  const ended = () => child.exitCode !== null || child.signalCode !== null
  const gone = () => {
    if (!group) return ended()
    try {
      if (child.pid) process.kill(-child.pid, 0)
      return false
    } catch {
      return true
    }
  }
  const signal = (name: NodeJS.Signals) => {
    if (gone()) return
    try {
      if (group && child.pid) process.kill(-child.pid, name)
      else child.kill(name)
    } catch {
      // It went in the meantime.
    }
  }
  return {
    child,
    output: () => output,
    exited,
    gone,
    signal,
    async waitForOutput(pattern, timeoutMs) {
      await waitFor(() => pattern.test(output) || ended(), timeoutMs, `${pattern} in the output of \`${name}\``).catch(
        (error: Error) => {
          throw new Error(`${error.message}:\n${output}`)
        },
      )
      const match = output.match(pattern)
      if (!match) throw new Error(`\`${name}\` exited (${child.exitCode}) without ${pattern}:\n${output}`)
      return match
    },
    async stop(first = 'SIGTERM', graceMs = 10_000) {
      signal(first)
      // With a group, it is done when the whole group is: a server may outlive npm while it shuts down.
      await waitFor(gone, graceMs, `\`${name}\` to exit`).catch(() => signal('SIGKILL'))
      return exited
    },
  }
}

/**
 * Polls `url` until it answers `status` (any 2xx when unset); fails at once when the process
 * exits, or after `timeoutMs`, with the last answer and the process's output.
 */
export async function waitForStatus(
  started: Pick<StartedProcess, 'child' | 'output'>,
  url: string,
  status?: number,
  timeoutMs = 15_000,
): Promise<void> {
  let last = 'no answer'
  const answered = async () => {
    if (started.child.exitCode !== null) throw new Error(`exited with ${started.child.exitCode}:\n${started.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      last = `status ${response.status}`
      return status === undefined ? response.ok : response.status === status
    } catch (error) {
      last = (error as Error).message
      return false
    }
  }
  await waitFor(answered, timeoutMs, `${url} to answer ${status ?? '2xx'}`).catch((error: Error) => {
    if (error.message.startsWith('exited')) throw error
    throw new Error(`${error.message} (${last}):\n${started.output()}`)
  })
}

export type Part = StartedProcess

/**
 * Starts one part as its own process, as an operator would (`node --import tsx <script>`, or
 * `node <bundle>` for a bundle of scripts/bundle.ts), and waits until `healthUrl` answers 2xx.
 */
export async function startPart(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  healthUrl: string,
): Promise<Part> {
  const bundled = script.endsWith('.mjs') || script.endsWith('.cjs')
  const part = startProcess(process.execPath, [...(bundled ? [] : ['--import', 'tsx']), script, ...args], { env })
  try {
    await waitForStatus(part, healthUrl, undefined, 20_000)
  } catch (error) {
    part.signal('SIGKILL')
    throw error
  }
  return part
}

export interface BrokerPart extends Part {
  ports: { mqtt: number; http: number }
  /** MQTT over TCP. */
  url: string
  /** MQTT over WebSocket. */
  wsUrl: string
  /** Its readiness, as Kubernetes probes it. */
  readyUrl: string
}

/**
 * One broker replica as its pod runs it (`broker/main.ts`, or the bundle `script`) with `env`
 * (DATABASE_URL, the tokens), on free ports or on `ports` (a dead replica's), once it is ready.
 */
export async function startBrokerPart(
  env: NodeJS.ProcessEnv,
  ports?: { mqtt: number; http: number },
  script = 'broker/main.ts',
): Promise<BrokerPart> {
  const chosen = ports ?? { mqtt: await anyFreePort(), http: await anyFreePort() }
  const readyUrl = `http://127.0.0.1:${chosen.http}/api/readyz`
  const part = await startPart(
    script,
    [],
    { ...env, MQTT_PORT: String(chosen.mqtt), PORT: String(chosen.http) },
    readyUrl,
  )
  return {
    ...part,
    ports: chosen,
    url: `mqtt://127.0.0.1:${chosen.mqtt}`,
    wsUrl: `ws://127.0.0.1:${chosen.http}${mqttPath}`,
    readyUrl,
  }
}

export type PodProcess = StartedProcess

/** A bundle started as its pod starts it: `node <file>` with only the pod's environment. */
export function startPod(file: string, { cwd, env }: { cwd: string; env: Record<string, string> }): PodProcess {
  return startProcess(process.execPath, [file], { cwd, env, inheritEnv: false })
}
