// scratch: statements per guest connect/disconnect (not committed)
import { randomUUID } from "node:crypto"
import postgres from 'postgres'
import mqtt from 'mqtt'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { startDurableBroker } from '../broker/durable.ts'
import { attachWebSocket } from '../broker/listeners.ts'
import { createScratchDatabase } from '../db/scratch.ts'
import { migrateAll } from './venue-system.ts'

const db = await createScratchDatabase(process.env.DATABASE_URL as string, 'scratch_cost')
await migrateAll(db.url)
const counts = new Map<string, number>()
let counting = false
const sql = postgres(db.url, {
  max: 4,
  onnotice: () => {},
  debug: (_c, query) => {
    if (!counting) return
    const key = query.replace(/\s+/g, ' ').slice(0, 110)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  },
})
const quiet = { info: () => {}, warn: () => {}, error: () => {}, debug: () => {}, child: () => quiet } as never
const { broker, close } = await startDurableBroker({
  sql,
  credentials: { barToken: 'b', printerToken: 'p', serviceToken: 's' },
  log: quiet,
  relay: false,
})
const http = createServer()
attachWebSocket(http, broker)
await new Promise<void>((r) => http.listen(0, '127.0.0.1', r))
const url = `ws://127.0.0.1:${(http.address() as AddressInfo).port}/mqtt`
const N = 50
await new Promise((r) => setTimeout(r, 500))
counting = true
const clients = await Promise.all(
  Array.from({ length: N }, async (_, i) => {
    const c = mqtt.connect(url, { clean: true, reconnectPeriod: 0, protocolVersion: 4 })
    await new Promise((r) => c.once('connect', r))
    await c.subscribeAsync(['public/menu', 'public/ticker', `guests/${randomUUID()}/orders`], { qos: 1 })
    return c
  }),
)
await new Promise((r) => setTimeout(r, 300))
console.log('--- connect+subscribe of', N)
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(v, k)
counts.clear()
await Promise.all(clients.map((c) => c.endAsync()))
await new Promise((r) => setTimeout(r, 300))
console.log('--- disconnect of', N)
for (const [k, v] of [...counts].sort((a, b) => b[1] - a[1])) console.log(v, k)
counting = false
await close()
http.close()
await sql.end()
await db.drop()
