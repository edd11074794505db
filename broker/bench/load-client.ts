/**
 * The load side of persistence-bench.ts, in a process of its own so that the clients do not share
 * the broker's event loop. Receives one scenario over IPC, runs it, reports timings.
 */
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt'

export interface Scenario {
  kind: 'online-clean' | 'online-persistent' | 'offline-drain'
  url: string
  messages: number
  size: number
  clientId: string
}

export interface Timings {
  /** Online: first publish to last message received. Offline: reconnect to last message received. */
  ms: number
  /** Offline only: first publish to the broker having queued the last message. */
  fillMs?: number
  /** CPU time of this (client) process over the whole scenario. */
  clientCpuMs?: number
}

type ToParent = { type: 'done'; timings: Timings } | { type: 'await-published'; messages: number }

function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = mqtt.connect(url, { reconnectPeriod: 0, ...options })
  return new Promise((resolve, reject) => {
    client.once('connect', () => resolve(client))
    client.once('error', reject)
  })
}

function received(client: MqttClient, count: number): Promise<number> {
  let n = 0
  return new Promise((resolve) => {
    client.on('message', () => {
      if (++n === count) resolve(performance.now())
    })
  })
}

function publishAll(client: MqttClient, { messages, size }: Scenario): void {
  const payload = Buffer.alloc(size, 'x')
  for (let i = 0; i < messages; i++) client.publish('bench/tickets', payload, { qos: 1 })
}

function askParent(message: ToParent): void {
  process.send?.(message)
}

/** Resolves, with the time here, when the parent reports that the broker has queued everything. */
const published = (): Promise<number> =>
  new Promise((resolve) => process.once('message', () => resolve(performance.now())))

async function run(scenario: Scenario): Promise<Timings> {
  const { url, messages, clientId } = scenario
  const persistent = scenario.kind !== 'online-clean'
  const subscriberOptions: IClientOptions = persistent ? { clientId, clean: false } : { clientId, clean: true }
  let subscriber = await connect(url, subscriberOptions)
  await subscriber.subscribeAsync('bench/tickets', { qos: 1 })
  const publisher = await connect(url, { clientId: `${clientId}-pub` })

  if (scenario.kind !== 'offline-drain') {
    const last = received(subscriber, messages)
    const start = performance.now()
    publishAll(publisher, scenario)
    const ms = (await last) - start
    await Promise.all([subscriber.endAsync(), publisher.endAsync()])
    return { ms }
  }

  await subscriber.endAsync()
  const fillStart = performance.now()
  const queued = published()
  askParent({ type: 'await-published', messages })
  publishAll(publisher, scenario)
  const fillMs = (await queued) - fillStart
  await publisher.endAsync()
  const drainStart = performance.now()
  subscriber = mqtt.connect(url, { reconnectPeriod: 0, ...subscriberOptions })
  const last = received(subscriber, messages)
  const ms = (await last) - drainStart
  await subscriber.endAsync()
  return { ms, fillMs }
}

process.once('message', (scenario: Scenario) => {
  const cpu = process.cpuUsage()
  run(scenario).then(
    (timings) => {
      const used = process.cpuUsage(cpu)
      askParent({ type: 'done', timings: { ...timings, clientCpuMs: (used.user + used.system) / 1000 } })
      process.disconnect()
    },
    (error: Error) => {
      console.error(error)
      process.exit(1)
    },
  )
})
