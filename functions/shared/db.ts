import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres, { type Sql } from 'postgres'
import { type MigrationSet, migrate } from '../../db/migrate.ts'

/** The folder of the orders and menu schema. */
export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/**
 * Seconds before a pool connection tries again after a failed attempt: full jitter, doubling from
 * 50 ms up to 1 s. postgres.js' default grows to 20 s, and a request waiting for a connection
 * waits for that attempt: while Postgres restarted, a guest's order took up to 20 s to get its
 * 503, and the pool took as long to notice that Postgres was back.
 */
export function reconnectDelaySeconds(retries: number, random = Math.random): number {
  return random() * Math.min(1, 0.05 * 2 ** Math.min(retries, 10))
}

/** A connection pool for a function. Connections open on first use, so a pod starts at once. */
export function createSql(url: string, { max = 10 } = {}): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    connect_timeout: 10,
    idle_timeout: 60,
    backoff: reconnectDelaySeconds,
  })
}

/** The orders and menu migrations; a function is ready only once all of them are applied. */
export const functionMigrations: MigrationSet = { dir: migrationsDir, scope: 'functions' }

/** Applies the orders and menu migrations. */
export function migrateFunctions(sql: Sql): Promise<string[]> {
  return migrate(sql, functionMigrations)
}
