import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { dirname, resolve } from 'node:path'

/** The ports every part listens on unless told otherwise: HTTP (API, page, WebSocket) and MQTT over TCP. */
export const defaultPorts = { http: 8080, mqtt: 1883 } as const

/** The broker on this machine at `mqttPort`: where a part connects when no BROKER_URL says otherwise. */
export const localBrokerUrl = (mqttPort: number) => `mqtt://127.0.0.1:${mqttPort}`

/**
 * The port to listen on. An explicit setting must be free (the caller fails clearly otherwise);
 * `0` means any free port, chosen here so the caller knows it before listening (the QR code
 * needs it); the default is used when free, else any free port, so a second local stack or a
 * local Mosquitto on 1883 does not stop a newcomer.
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
    if (port === 0) return anyFreePort()
    if (!(await isFree(port))) throw new Error(`${name}=${port} is already in use: free it or choose another ${name}`)
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

/** The ports `npm start` listens on, kept so that other processes started from the same folder find them. */
export interface ChosenPorts {
  /** HTTP: client, API, MQTT over WebSocket. */
  port: number
  /** MQTT over TCP. */
  mqttPort: number
}

const chosenPortsFile = () => resolve('.data/ports.json')

/** Notes the ports `npm start` listens on in `.data/ports.json`. */
export function writeChosenPorts(ports: ChosenPorts, file = chosenPortsFile()): void {
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(ports, null, 2)}\n`)
}

/** The ports the last `npm start` from this folder listened on; null when it never ran here. */
export function readChosenPorts(file = chosenPortsFile()): ChosenPorts | null {
  if (!existsSync(file)) return null
  const stored = JSON.parse(readFileSync(file, 'utf8')) as Partial<ChosenPorts>
  const valid = (port: unknown): port is number => Number.isInteger(port) && (port as number) > 0
  return valid(stored.port) && valid(stored.mqttPort) ? { port: stored.port, mqttPort: stored.mqttPort } : null
}
