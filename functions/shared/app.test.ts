import { afterAll, beforeAll, expect, test } from 'vitest'
import { createTestDatabase, testSql } from '../../test/db.ts'
import { servicePublisher, silent } from '../../test/harness.ts'
import { createBaseApp } from './app.ts'
import { createSql, migrateFunctions } from './db.ts'

// Nothing listens on port 9 of this machine: a broker, and a database, that are down.
const downBroker = servicePublisher('mqtt://127.0.0.1:9', { log: silent })
const sql = testSql()
const downDatabase = createSql('postgres://postgres@127.0.0.1:9/none')
beforeAll(() => migrateFunctions(sql))
afterAll(async () => {
  await downBroker.close()
  await sql.end()
  await downDatabase.end()
})

test('ready while Postgres answers, even with the broker down: the outbox keeps the orders', async () => {
  const app = createBaseApp({ sql, publisher: downBroker, barToken: 'x', log: silent })
  const res = await app.request('/api/readyz')
  expect(res.status).toBe(200)
  expect(await res.json()).toEqual({ ok: true, database: true, schema: true, broker: false })
  expect((await app.request('/api/healthz')).status).toBe(200)
})

test('not ready on a database without the schema: the body and the log say so, until it is migrated', async () => {
  const scratch = await createTestDatabase()
  const bare = createSql(scratch.url)
  try {
    const warnings: string[] = []
    const infos: string[] = []
    const log = { ...silent, warn: (m: string) => warnings.push(m), info: (m: string) => infos.push(m) }
    const app = createBaseApp({ sql: bare, publisher: downBroker, barToken: 'x', log })
    for (let probe = 0; probe < 2; probe++) {
      const res = await app.request('/api/readyz')
      expect(res.status).toBe(503)
      const body = (await res.json()) as { ok: boolean; database: boolean; schema: boolean; message: string }
      expect(body).toMatchObject({ ok: false, database: true, schema: false })
      expect(body.message).toMatch(/schema is missing: 001_menu\.sql, 002_orders\.sql/)
    }
    // One line, not one per probe.
    expect(warnings).toEqual([expect.stringMatching(/^not ready: the schema is missing: 001_menu\.sql/)])
    await migrateFunctions(bare)
    const res = await app.request('/api/readyz')
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ ok: true, schema: true })
    expect(infos).toEqual(['ready: the schema is migrated'])
  } finally {
    await bare.end()
    await scratch.drop()
  }
})

test('not ready while a migration of the functions is still to apply', async () => {
  const scratch = await createTestDatabase()
  const bare = createSql(scratch.url)
  try {
    await migrateFunctions(bare)
    const [last] = await bare`
      delete from schema_migrations
      where scope = 'functions' and name = (select max(name) from schema_migrations where scope = 'functions')
      returning name`
    const app = createBaseApp({ sql: bare, publisher: downBroker, barToken: 'x', log: silent })
    const res = await app.request('/api/readyz')
    expect(res.status).toBe(503)
    expect(((await res.json()) as { message: string }).message).toContain(`${last?.name} not applied`)
  } finally {
    await bare.end()
    await scratch.drop()
  }
})

test('not ready without Postgres, but alive', async () => {
  const app = createBaseApp({ sql: downDatabase, publisher: downBroker, barToken: 'x', log: silent })
  const res = await app.request('/api/readyz')
  expect(res.status).toBe(503)
  expect(await res.json()).toMatchObject({ ok: false, database: false })
  expect((await app.request('/api/healthz')).status).toBe(200)
})

test('a failing database gives 503 in the error shape, no internals', async () => {
  const app = createBaseApp({ sql: downDatabase, publisher: downBroker, barToken: 'x', log: silent })
  app.get('/api/probe', async (c) => c.json(await downDatabase`select 1`))
  const res = await app.request('/api/probe')
  expect(res.status).toBe(503)
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe('unavailable')
  expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at /)
})

test('an unexpected failure is a 500 naming the request id that the log carries, nothing more', async () => {
  const logged: unknown[][] = []
  const app = createBaseApp({
    sql,
    publisher: downBroker,
    barToken: 'x',
    log: { ...silent, error: (...args) => logged.push(args) },
  })
  app.get('/api/probe', async (c) => c.json(await sql`select * from no_such_table`))
  const res = await app.request('/api/probe')
  expect(res.status).toBe(500)
  const requestId = res.headers.get('x-request-id')
  const body = (await res.json()) as { error: { code: string; message: string } }
  expect(body.error.code).toBe('internal')
  expect(body.error.message).toContain(requestId)
  expect(JSON.stringify(body)).not.toMatch(/no_such_table|select|relation/i)
  expect(String(logged[0]?.[0])).toContain(requestId)
})
