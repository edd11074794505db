import mqtt from 'mqtt'
import * as v from 'valibot'
import { MenuSchema, topics } from '../contract/index.ts'
import type { Logger } from '../runtime/logger.ts'

/**
 * `ours`: the broker sent the retained `public/menu` that every Drinks broker holds;
 * `foreign`: it accepted us but sent no menu in time, or refused a guest (another broker, such as
 * a local Mosquitto on 1883, which would take the bridge's subscription and never deliver an
 * order); `unreachable`: no answer at all (the bridge reports that itself).
 */
export type BrokerIdentity =
  | { kind: 'ours'; drinks: number }
  | { kind: 'foreign'; why: string }
  | { kind: 'unreachable' }

export interface BrokerCheck {
  readonly result: Promise<BrokerIdentity>
  /** Ends the check early; `result` then resolves as `unreachable`. */
  cancel(): void
}

/**
 * Looks at the broker as a guest would (no credentials; guests may read `public/#`) and waits
 * up to `timeoutMs` for the retained menu; warns when the broker is another one.
 */
export function checkBroker(url: string, timeoutMs: number, log: Logger): BrokerCheck {
  const client = mqtt.connect(url, {
    clean: true,
    protocolVersion: 4,
    connectTimeout: timeoutMs,
    reconnectPeriod: 0,
  })
  let settle: (identity: BrokerIdentity) => void = () => {}
  const result = new Promise<BrokerIdentity>((resolve) => {
    settle = (identity) => {
      clearTimeout(timer)
      client.end(true)
      resolve(identity)
    }
  })
  let connected = false
  const timer = setTimeout(
    () =>
      settle(
        connected
          ? { kind: 'foreign', why: `no retained ${topics.publicMenu} within ${timeoutMs / 1000} s` }
          : { kind: 'unreachable' },
      ),
    timeoutMs,
  )
  client.on('connect', () => {
    connected = true
    client.subscribe(topics.publicMenu, { qos: 0 })
  })
  client.on('message', (topic, payload, packet) => {
    if (topic !== topics.publicMenu || !packet.retain) return
    settle({ kind: 'ours', drinks: countDrinks(payload) })
  })
  client.on('error', (error) => {
    // A refused CONNACK is an answer: ours lets guests in without credentials.
    const refused = 'code' in error && typeof error.code === 'number'
    settle(refused ? { kind: 'foreign', why: `it refused a guest (${error.message})` } : { kind: 'unreachable' })
  })
  // Also after our own end: the first answer counts.
  client.on('close', () => settle({ kind: 'unreachable' }))
  void result.then((identity) => {
    if (identity.kind === 'ours') log.info(`the broker holds the menu (${identity.drinks} drinks): it is ours`)
    if (identity.kind === 'foreign')
      log.warn(
        `the broker at ${url} does not behave like the Drinks broker (${identity.why}): no order will print ` +
          'from it. Is it another broker, such as a local Mosquitto on 1883? Use the --broker that npm start prints.',
      )
  })
  return { result, cancel: () => settle({ kind: 'unreachable' }) }
}

function countDrinks(payload: Buffer): number {
  try {
    const menu = v.safeParse(MenuSchema, JSON.parse(payload.toString('utf8')))
    return menu.success ? menu.output.drinks.length : 0
  } catch {
    return 0
  }
}
