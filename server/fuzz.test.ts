/**
 * Protocol fuzzing against the real all-in-one stack: tens of thousands of generated packets,
 * valid and broken, from anonymous clients over TCP and WebSocket, while the bar listens and
 * guests place orders. Afterwards the process is up, its memory bounded, every acknowledged
 * order reached the bar, and no guest left a row it could not have made. Seeded: FUZZ_SEED
 * replays a run. Loopback only, bounded in packets and time.
 */
import { randomUUID } from 'node:crypto'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { maySubscribe } from '../broker/access.ts'
import { topics } from '../contract/index.ts'
import { fuzzPrefix, PacketFuzzer } from '../test/fuzz-packets.ts'
import { collect, connectClient, testTokens, waitFor } from '../test/harness.ts'
import { openRaw } from '../test/raw-mqtt.ts'
import { stackForFile } from '../test/stack.ts'

const SEED = Number(process.env.FUZZ_SEED ?? 20_261_130)
/** Packets in all, and the most time they may take (a loaded machine needs more than the ~30 s of a quiet one). */
const PACKETS = 30_000
const FUZZ_MS = 80_000
/** Fuzzing connections open at once, per transport; each sends up to PER_CONNECTION packets. */
const CONNECTIONS = 6
const PER_CONNECTION = 40
/**
 * Memory allowed, measured after a full garbage collection. Live memory (heap and buffers) may
 * grow by LIVE_GROWTH_BYTES: the guard bounds what one anonymous connection buffers (8 KiB
 * packets, 64 KiB WebSocket frames), so 12 connections at a time hold a few MiB, and the rest is
 * the orders placed meanwhile; a leak per connection or packet would exceed it. Resident memory
 * also keeps the pages the heap grew into, which V8 returns only slowly: the whole process
 * (broker, functions and the test runner) stays under RSS_CEILING_BYTES, below the 384 Mi
 * limit of the broker's pod.
 */
const LIVE_GROWTH_BYTES = 48 * 1024 * 1024
const RSS_CEILING_BYTES = 320 * 1024 * 1024

/** Live and resident bytes of this process (the whole stack runs in it) after a full collection. */
function memory() {
  setFlagsFromString('--expose-gc')
  ;(runInNewContext('gc') as () => void)()
  const { rss, heapUsed, external } = process.memoryUsage()
  return { rss, live: heapUsed + external }
}

const stack = stackForFile()
let sql: postgres.Sql

beforeAll(() => {
  sql = postgres(stack.databaseUrl, { max: 2, onnotice: () => {} })
})
afterAll(async () => {
  await sql?.end()
})

async function fuzzWorker(url: string, fuzzer: PacketFuzzer, budget: { packets: number; until: number }) {
  while (budget.packets > 0 && Date.now() < budget.until) {
    const conn = await openRaw(url).catch(() => null)
    if (!conn) continue
    budget.packets--
    // As a client does: the rest after the CONNACK (or whatever ends the connection).
    if (await conn.send(fuzzer.connect())) {
      await waitFor(() => conn.closed() || conn.received().length >= 4, 5_000).catch(() => {})
    }
    for (let i = 1; i < PER_CONNECTION && budget.packets > 0 && Date.now() < budget.until; i++) {
      budget.packets--
      if (!(await conn.send(fuzzer.packet()))) break
    }
    conn.close()
  }
}

async function placeOrders(acknowledged: string[], until: () => boolean) {
  while (!until()) {
    const res = await fetch(`${stack.httpUrl}/api/orders`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ guestId: randomUUID(), nickname: 'Fuzz', drinkId: 'espresso' }),
    })
    if (res.status === 201) acknowledged.push(((await res.json()) as { order: { id: string } }).order.id)
  }
}

/** Rows of fuzzing clients in every mqtt_* table with a client id, and whether a guest could make each. */
async function guestRows() {
  const tables = await sql<{ table_name: string }[]>`
    select table_name from information_schema.columns
    where table_schema = current_schema() and table_name like 'mqtt%' and column_name = 'client_id'`
  const rows: { table: string; clientId: string; topic: string | null }[] = []
  for (const { table_name: table } of tables) {
    const found = await sql<{ client_id: string; topic: string | null }[]>`
      select client_id, ${table === 'mqtt_subscriptions' ? sql`topic` : table === 'mqtt_outgoing' ? sql`header::json->>'topic'` : sql`null::text`} as topic
      from ${sql(table)} where client_id like ${`${fuzzPrefix}%`}`
    rows.push(...found.map((row) => ({ table, clientId: row.client_id, topic: row.topic })))
  }
  // A guest may hold subscriptions it was granted, and messages queued on them; nothing else.
  return rows.filter(
    (row) => !(['mqtt_subscriptions', 'mqtt_outgoing'].includes(row.table) && maySubscribe('guest', row.topic ?? '#')),
  )
}

test('fuzzed packets over TCP and WebSocket leave the stack up, bounded and serving', {
  timeout: 160_000,
}, async () => {
  const bar = await connectClient(stack.wsUrl, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync(topics.barOrders, { qos: 1 })
  const inbox = collect(bar)
  // The menu and update-order functions publish the retained menu and pickup list once started:
  // the only retained messages.
  await waitFor(
    async () =>
      (await sql`select 1 from mqtt_retained where topic in ${sql([topics.publicMenu, topics.publicPickup])}`)
        .length === 2,
    10_000,
    'the retained menu and pickup list that the functions publish when they start',
  )
  const retainedBefore = (await sql<{ topic: string }[]>`select topic from mqtt_retained`).map((r) => r.topic)
  const before = memory()

  const budget = { packets: PACKETS, until: Date.now() + FUZZ_MS }
  const acknowledged: string[] = []
  let fuzzing = true
  const orders = placeOrders(acknowledged, () => !fuzzing)
  await Promise.all(
    [stack.mqttUrl, stack.wsUrl].flatMap((url, t) =>
      Array.from({ length: CONNECTIONS }, (_, i) => fuzzWorker(url, new PacketFuzzer(SEED + t * 100 + i), budget)),
    ),
  )
  fuzzing = false
  await orders
  const sent = PACKETS - budget.packets
  const after = memory()
  const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`
  console.info(
    `fuzz: ${sent} packets (seed ${SEED}), ${acknowledged.length} orders placed meanwhile, ` +
      `live memory +${mib(after.live - before.live)}, RSS ${mib(before.rss)} → ${mib(after.rss)}`,
  )

  expect(sent).toBeGreaterThanOrEqual(20_000)
  expect(acknowledged.length).toBeGreaterThan(0)
  expect((await fetch(`${stack.httpUrl}/api/readyz`)).status).toBe(200)
  for (const id of acknowledged) await inbox.next((m) => m.payload.includes(id), 10_000)
  expect(after.live - before.live).toBeLessThan(LIVE_GROWTH_BYTES)
  expect(after.rss).toBeLessThan(RSS_CEILING_BYTES)

  // Wills of the closed fuzzing connections are gone once the broker has seen them close.
  await waitFor(async () => (await sql`select 1 from mqtt_wills where client_id like ${`${fuzzPrefix}%`}`).length === 0)
  expect(await guestRows()).toEqual([])
  expect((await sql<{ topic: string }[]>`select topic from mqtt_retained`).map((r) => r.topic).sort()).toEqual(
    retainedBefore.sort(),
  )
  expect(await sql`select source, reason from mqtt_quarantine`).toEqual([])
  await bar.endAsync()
})
