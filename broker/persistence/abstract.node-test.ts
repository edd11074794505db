/**
 * aedes-persistence's own abstract suite against the Postgres persistence, on the test database.
 * Runs under node:test (the suite uses `t.plan`): `npm test`, or with TEST_DATABASE_URL set,
 * `node --import tsx --test broker/persistence/abstract.node-test.ts`.
 */
import { createRequire } from 'node:module'
import { after, before, type TestFn, test } from 'node:test'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { createPostgresPersistence, type PostgresPersistence, type PostgresPersistenceOptions } from './persistence.ts'

const require = createRequire(import.meta.url)
const abstractPersistence = require('aedes-persistence/abstract.js') as (options: {
  test: typeof test
  persistence: () => Promise<PostgresPersistence>
  testAsync: boolean
}) => void

let schema: TestSchema
before(async () => {
  schema = await createTestSchema('mqtt_persistence_abstract')
})
after(async () => {
  await schema.drop()
})

let instance = 0
function persistence(options: Pick<PostgresPersistenceOptions, 'awaitPacketIds'>) {
  // Each test starts from empty tables, and hears only its own instance's announcements.
  return async () => {
    const { sql, name } = schema
    await sql`truncate mqtt_retained, mqtt_subscriptions, mqtt_outgoing, mqtt_incoming, mqtt_wills`
    return createPostgresPersistence({ sql, channel: `${name}_${instance++}`, ...options })
  }
}

abstractPersistence({ test, testAsync: true, persistence: persistence({}) })

// Once more with QoS 1 packet identifiers stored before each send (see outgoing.ts).
const named = ((name: string, fn: TestFn) => test(`awaitPacketIds: ${name}`, fn)) as typeof test
abstractPersistence({ test: named, testAsync: true, persistence: persistence({ awaitPacketIds: true }) })
