/**
 * For the broker's tests: a schema of their own in the test database, with the broker's tables, so
 * that suites running side by side never see each other's rows. Not used outside tests.
 */
import { randomBytes } from 'node:crypto'
import type { Sql } from 'postgres'
import { migrateBroker } from '../../broker/migrations/index.ts'
import { testSql } from '../db.ts'

export interface PoolOptions {
  max?: number
  applicationName?: string
  /** postgres.js `debug`: called with every statement the pool sends. */
  debug?: (connection: number, query: string) => void
}

export interface TestSchema {
  /** A pool whose search_path is the new schema. */
  sql: Sql
  name: string
  /** Another pool on the schema, as a second replica would have; ended by `drop`. */
  pool(options?: PoolOptions): Sql
  /** Ends the pools and drops the schema. */
  drop(): Promise<void>
}

export async function createTestSchema(prefix: string, { max = 6 }: { max?: number } = {}): Promise<TestSchema> {
  const name = `${prefix}_${randomBytes(4).toString('hex')}`
  const admin = testSql({ max: 1 })
  await admin`create schema ${admin(name)}`
  const pools: Sql[] = []
  const pool = ({ max = 6, applicationName = 'broker-test', debug }: PoolOptions = {}) => {
    const connection = { search_path: name, application_name: applicationName }
    const created = testSql(debug ? { max, connection, debug } : { max, connection })
    pools.push(created)
    return created
  }
  const sql = pool({ max })
  await migrateBroker(sql)
  return {
    sql,
    name,
    pool,
    async drop() {
      await Promise.all(pools.map((created) => created.end({ timeout: 5 })))
      await admin`drop schema ${admin(name)} cascade`
      await admin.end({ timeout: 5 })
    },
  }
}
