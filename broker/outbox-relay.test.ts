import { randomUUID } from 'node:crypto'
import type { Sql } from 'postgres'
import postgres from 'postgres'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ScratchDatabase } from '../db/scratch.ts'
import { migrateFunctions } from '../functions/shared/db.ts'
import { enqueue } from '../functions/shared/outbox.ts'
import { createTestDatabase } from '../test/db.ts'
import {
  collect,
  connectClient,
  quiet,
  startTestBroker,
  type TestBroker,
  testTokens,
  waitFor,
} from '../test/harness.ts'
import { startOutboxRelay } from './outbox-relay.ts'

let database: ScratchDatabase
let sql: Sql
let broker: TestBroker

beforeAll(async () => {
  // A database of its own: a relay takes every row whose lease ran out.
  database = await createTestDatabase()
  sql = postgres(database.url, { max: 2, onnotice: () => {} })
  await migrateFunctions(sql)
  broker = await startTestBroker()
})

afterAll(async () => {
  await broker?.close()
  await sql?.end({ timeout: 5 })
  await database?.drop()
})

test('the relay leaves a row its function is still publishing, and relays one whose lease ran out', async () => {
  const bar = await connectClient(broker.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/tickets', { qos: 1 })
  const inbox = collect(bar)
  const publishing = `still publishing ${randomUUID()}`
  const abandoned = `abandoned ${randomUUID()}`
  await sql.begin(async (tx) => {
    // Under a rush a function may take seconds to publish: its row is old, but still leased.
    const [entry] = await enqueue(tx, [{ topic: 'bar/tickets', payload: publishing, qos: 1, retain: false }])
    await tx`update outbox set created_at = now() - interval '3 seconds' where id = ${entry?.id ?? '0'}`
    // What a pod that died after its commit leaves behind: the lease ran out.
    await tx`
      insert into outbox (topic, payload, qos, created_at, lease_until)
      values ('bar/tickets', ${Buffer.from(abandoned)}, 1, now() - interval '3 seconds', now() - interval '1 second')`
  })
  const relay = startOutboxRelay({ sql, broker: broker.broker, log: quiet, intervalMs: 20 })
  try {
    // Rows are relayed in id order in one round: once the later row arrived, the earlier was decided.
    await inbox.next((m) => m.payload === abandoned, 5000)
    expect(inbox.received.map((m) => m.payload)).not.toContain(publishing)
    // The relay deletes what it published when its transaction commits, just after delivery.
    const left = async () =>
      (await sql<{ payload: Buffer }[]>`select payload from outbox`).map((r) => r.payload.toString())
    await waitFor(async () => (await left()).length === 1, 5000)
    expect(await left()).toEqual([publishing])
  } finally {
    await relay.stop()
    await bar.endAsync()
  }
})

test('a row that is not a message is dropped with an error, and the rows after it are relayed', async () => {
  const bar = await connectClient(broker.url, { username: 'bar', password: testTokens.barToken })
  await bar.subscribeAsync('bar/tickets', { qos: 1 })
  const inbox = collect(bar)
  const after = `after the bad row ${randomUUID()}`
  await sql`delete from outbox` // the first test leaves its leased row behind
  await sql`
    insert into outbox (topic, payload, qos, lease_until) values
      ('bar/tickets', ${Buffer.from('qos 2 is no outbox message')}, 2, now() - interval '1 second'),
      ('bar/tickets', ${Buffer.from(after)}, 1, now() - interval '1 second')`
  const errors: string[] = []
  const log = { ...quiet, error: (line: string) => errors.push(line) }
  const relay = startOutboxRelay({ sql, broker: broker.broker, log, intervalMs: 20 })
  try {
    await inbox.next((m) => m.payload === after, 5000)
    await waitFor(async () => (await sql`select 1 from outbox`).length === 0, 5000)
    expect(inbox.received.map((m) => m.payload)).toEqual([after])
    expect(errors).toEqual([expect.stringMatching(/dropped outbox row \d+, not a message: .*qos/)])
  } finally {
    await relay.stop()
    await bar.endAsync()
  }
})
