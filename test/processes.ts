import { type ChildProcess, spawn } from 'node:child_process'
import { waitFor } from './harness.ts'
import { captureLog } from './log-capture.ts'

export interface Part {
  child: ChildProcess
  output: () => string
  /** Sends the signal and resolves with the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>
}

/**
 * Starts one part as its own process, as an operator would (`node --import tsx <script>`), and
 * waits until `healthUrl` answers.
 */
export async function startPart(
  script: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  healthUrl: string,
): Promise<Part> {
  const child = spawn(process.execPath, ['--import', 'tsx', script, ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout?.on('data', (chunk) => (output += chunk))
  child.stderr?.on('data', (chunk) => (output += chunk))
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      captureLog(output)
      resolve(code)
    }),
  )
  try {
    await waitFor(async () => {
      if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`)
      return (await fetch(healthUrl).catch(() => null))?.ok ?? false
    }, 20_000)
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    child,
    output: () => output,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode === null) child.kill(signal)
      return exited
    },
  }
}
