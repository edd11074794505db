/**
 * Whether the broker's database work can starve the functions': order latency (`POST
 * /api/orders` on the all-in-one stack) while one persistent session subscribes to 600 topics in
 * one SUBSCRIBE, again and again, beside the same orders on a quiet stack. Loopback only.
 *
 *   DATABASE_URL=postgres://… npx tsx broker/bench/subscribe-flood.ts
 */
import { randomUUID } from 'node:crypto'
import mqtt from 'mqtt'
import { benchDatabase } from '../../bench/lib.ts'
import { startStack } from '../../server/stack.ts'
import { percentile } from '../../test/stats.ts'

const TOPICS = 600
const ORDERS = Number(process.env.ORDERS ?? 30)
const tokens = { barToken: 'bench-bar', printerToken: 'bench-printer', serviceToken: 'bench-service' }
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

const database = await benchDatabase()
const stack = await startStack({
  databaseUrl: database.url,
  port: 0,
  mqttPort: 0,
  tokens,
  log: quiet,
  orderLimits: { perGuest: { limit: 1000, windowMs: 60_000 }, perAddress: { limit: 100_000, windowMs: 60_000 } },
})

async function order(): Promise<number> {
  const started = performance.now()
  const res = await fetch(`${stack.httpUrl}/api/orders`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ guestId: randomUUID(), nickname: 'Bench', drinkId: 'espresso' }),
  })
  if (res.status !== 201) throw new Error(`order answered ${res.status}`)
  return performance.now() - started
}

async function orders(): Promise<number[]> {
  const times: number[] = []
  for (let i = 0; i < ORDERS; i++) times.push(await order())
  return times.sort((a, b) => a - b)
}

const summary = (label: string, times: number[]) =>
  console.log(
    `${label}: p50 ${percentile(times, 50).toFixed(0)} ms, p95 ${percentile(times, 95).toFixed(0)} ms, max ${(times.at(-1) ?? 0).toFixed(0)} ms`,
  )

await orders() // warm up
summary('quiet', await orders())

// A persistent session (service credentials: anonymous ones may not keep a session) sends one
// SUBSCRIBE of 600 new topics after another while the orders run.
const flooder = await mqtt.connectAsync(stack.mqttUrl, {
  username: 'service',
  password: tokens.serviceToken,
  clientId: 'subscribe-flood',
  clean: false,
  reconnectPeriod: 0,
})
let flooding = true
const subacks: number[] = []
const flood = (async () => {
  for (let round = 0; flooding; round++) {
    const started = performance.now()
    const filters = Array.from({ length: TOPICS }, (_, i) => `public/flood/${round}/${i}`)
    await flooder.subscribeAsync(filters, { qos: 1 })
    subacks.push(performance.now() - started)
  }
})()
const during = await orders()
flooding = false
await flood
summary(`during ${subacks.length} SUBSCRIBEs of ${TOPICS} topics`, during)
subacks.sort((a, b) => a - b)
console.log(
  `SUBACK of ${TOPICS} topics: p50 ${percentile(subacks, 50).toFixed(0)} ms, max ${(subacks.at(-1) ?? 0).toFixed(0)} ms`,
)

await flooder.endAsync()
await stack.stop()
await database.drop()
