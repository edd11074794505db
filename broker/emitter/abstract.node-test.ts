/**
 * mqemitter's own abstract suite against the Postgres emitter, on the test database. Runs under
 * node:test (the suite uses `t.plan`): `npm test`, or with TEST_DATABASE_URL set,
 * `node --import tsx --test broker/emitter/abstract.node-test.ts`.
 */
import { createRequire } from 'node:module'
import { after, before, test } from 'node:test'
import { createTestSchema, type TestSchema } from '../../test/broker/test-schema.ts'
import { createPostgresEmitter, type PostgresEmitterOptions } from './emitter.ts'

const require = createRequire(import.meta.url)
const abstractTests = require('mqemitter/abstractTest.js') as (options: {
  builder: (options?: Partial<PostgresEmitterOptions>) => unknown
  test: typeof test
}) => void

let schema: TestSchema
before(async () => {
  schema = await createTestSchema('mqtt_emitter_abstract')
})
after(async () => {
  await schema.drop()
})

let instance = 0
abstractTests({
  test,
  // A channel per emitter: a notification still in flight from the previous test must not reach the next.
  builder: (options = {}) =>
    createPostgresEmitter({ sql: schema.sql, channel: `${schema.name}_${instance++}`, ...options }),
})
