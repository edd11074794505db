import { createServer } from 'node:net'

/**
 * The port to listen on. An explicit setting must be free (the caller fails clearly otherwise);
 * the default is used when free, else any free port, so a second local stack or a local
 * Mosquitto on 1883 does not stop a newcomer.
 */
export async function choosePort(
  name: string,
  explicit: string | undefined,
  fallback: number,
  log: (line: string) => void,
): Promise<number> {
  if (explicit !== undefined && explicit !== '') {
    const port = Number(explicit)
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`${name}=${explicit} is not a port number`)
    if (port !== 0 && !(await isFree(port)))
      throw new Error(`${name}=${port} is already in use: free it or choose another ${name}`)
    return port
  }
  if (await isFree(fallback)) return fallback
  const port = await anyFreePort()
  log(`Port ${fallback} is taken; ${name} is ${port} instead (set ${name} to choose)`)
  return port
}

function isFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer()
    probe.once('error', () => resolve(false))
    probe.listen(port, () => probe.close(() => resolve(true)))
  })
}

export function anyFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, () => {
      const address = probe.address()
      probe.close(() =>
        address && typeof address === 'object' ? resolve(address.port) : reject(new Error('no free port')),
      )
    })
  })
}
