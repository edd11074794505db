/** A bundle started as its pod starts it: `node <file>` with only the pod's environment. */
import { type ChildProcess, spawn } from 'node:child_process'
import { captureLog } from '../test/log-capture.ts'

export interface PodProcess {
  child: ChildProcess
  /** Everything it printed so far, both streams. */
  output(): string
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>
  /** Sends SIGTERM, as the kubelet does, and waits for the exit. */
  stop(): Promise<number | null>
}

export function startPod(file: string, { cwd, env }: { cwd: string; env: Record<string, string> }): PodProcess {
  // PATH only for the pod's own tools; nothing else of this machine leaks in.
  const child = spawn(process.execPath, [file], { cwd, env: { PATH: process.env.PATH ?? '', ...env } })
  let output = ''
  child.stdout?.on('data', (chunk) => {
    output += chunk
  })
  child.stderr?.on('data', (chunk) => {
    output += chunk
  })
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      captureLog(output)
      resolve(code)
    }),
  )
  return {
    child,
    output: () => output,
    exited,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM')
      return exited
    },
  }
}

/** Polls `url` until it answers `status`, the process exits, or `timeoutMs` passes. */
export async function waitForStatus(pod: PodProcess, url: string, status = 200, timeoutMs = 15_000): Promise<void> {
  const until = Date.now() + timeoutMs
  let last = 'no answer'
  while (Date.now() < until) {
    if (pod.child.exitCode !== null) throw new Error(`exited with ${pod.child.exitCode}:\n${pod.output()}`)
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) })
      await response.arrayBuffer()
      if (response.status === status) return
      last = `status ${response.status}`
    } catch (error) {
      last = (error as Error).message
    }
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
  throw new Error(`${url} did not answer ${status} within ${timeoutMs} ms (${last}):\n${pod.output()}`)
}
