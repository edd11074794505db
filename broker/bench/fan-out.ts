/**
 * The broker's own cost of a fan-out: one Aedes broker with our access rules and WebSocket
 * listener, `GUESTS` guests on `public/ticker` in a child process (fan-out-guests.ts), `MESSAGES`
 * ticker messages published 20 ms apart. Prints the broker's CPU time per message and per guest
 * reached (user and system: on loopback the kernel's work for the receiver is charged to the
 * sender's write). No database: the ticker is QoS 0, which the broker stores nowhere.
 *
 *   npx tsx broker/bench/fan-out.ts        (GUESTS=2000 MESSAGES=100; RUNS=3, the median printed)
 */
import { fork } from 'node:child_process'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { fileURLToPath } from 'node:url'
import type { PublishPacket } from 'aedes'
import { mqttPath } from '../../contract/index.ts'
import type { Logger } from '../../runtime/logger.ts'
import { closeBroker, createBroker } from '../broker.ts'
import { ConnectionGuard } from '../guard.ts'
import { attachWebSocket, closeServer } from '../listeners.ts'

const guests = Number(process.env.GUESTS ?? 2000)
const messages = Number(process.env.MESSAGES ?? 100)
const runs = Number(process.env.RUNS ?? 3)
const quiet: Logger = { info() {}, warn() {}, error() {} }
const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

async function run(): Promise<{ perMessageMs: number; userMs: number; systemMs: number }> {
  const broker = await createBroker({
    credentials: { barToken: 'bench-bar', printerToken: 'bench-printer', serviceToken: 'bench-service' },
    log: quiet,
  })
  const http = createServer()
  const bound = guests + 10
  attachWebSocket(
    http,
    broker,
    mqttPath,
    new ConnectionGuard({ maxConnections: bound, maxConnectionsPerAddress: bound }, quiet),
  )
  await new Promise<void>((ready) => http.listen(0, '127.0.0.1', ready))
  const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}${mqttPath}`
  const child = fork(fileURLToPath(new URL('./fan-out-guests.ts', import.meta.url)), [url, String(guests)], {
    execArgv: ['--import', 'tsx'],
  })
  const heard = (key: string) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the guests did not report ${key} within 60 s`)), 60_000)
      child.on('message', (message: Record<string, number>) => {
        if (key in message) {
          clearTimeout(timer)
          resolve()
        }
      })
    })
  try {
    await heard('subscribed')
    const payload = Buffer.from(
      JSON.stringify({ number: 123, nickname: 'Ada', drink: 'Flat white', at: new Date().toISOString() }),
    )
    const packet = {
      cmd: 'publish',
      topic: 'public/ticker',
      payload,
      qos: 0,
      retain: false,
      dup: false,
    } as PublishPacket
    const publish = () => new Promise<void>((resolve) => broker.publish(packet, () => resolve()))
    const warmUp = 20
    for (let i = 0; i < warmUp; i++) {
      await publish()
      await pause(20)
    }
    await pause(500)
    const arrived = heard('received')
    child.send({ target: (warmUp + messages) * guests })
    const before = process.cpuUsage()
    for (let i = 0; i < messages; i++) {
      await publish()
      await pause(20)
    }
    await arrived
    const { user, system } = process.cpuUsage(before)
    return {
      perMessageMs: (user + system) / 1000 / messages,
      userMs: user / 1000 / messages,
      systemMs: system / 1000 / messages,
    }
  } finally {
    child.kill()
    await closeBroker(broker)
    await closeServer(http)
  }
}

const results: Awaited<ReturnType<typeof run>>[] = []
for (let i = 0; i < runs; i++) {
  const result = await run()
  results.push(result)
  console.log(
    `run ${i + 1}: broker CPU ${result.perMessageMs.toFixed(2)} ms a message (user ${result.userMs.toFixed(2)}, system ${result.systemMs.toFixed(2)}), ${((result.perMessageMs * 1000) / guests).toFixed(1)} µs a guest`,
  )
}
const median = [...results].sort((a, b) => a.perMessageMs - b.perMessageMs)[Math.floor(results.length / 2)]
if (median) {
  console.log(
    `\n${guests} WebSocket guests, ${messages} ticker messages: broker CPU ${median.perMessageMs.toFixed(2)} ms a message, ${((median.perMessageMs * 1000) / guests).toFixed(1)} µs a guest (median of ${runs})`,
  )
}
