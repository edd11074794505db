import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import postgres, { type Sql } from 'postgres'
import { type MigrationSet, migrate } from '../../db/migrate.ts'
import { reconnectDelaySeconds } from '../../db/reconnect-delay.ts'

/** The folder of the orders and menu schema. */
export const migrationsDir = join(dirname(fileURLToPath(import.meta.url)), 'migrations')

/** A connection pool for a function. Connections open on first use, so a pod starts at once. */
export function createSql(url: string, { max = 10 } = {}): Sql {
  return postgres(url, {
    max,
    onnotice: () => {},
    // A connection takes milliseconds; one that takes seconds meets a server that cannot serve
    // (stuck starting or stopping, a proxy without its backend). The requests waiting for it are
    // answered 503 when it times out, and a guest's phone gives up after a few seconds: 10 s
    // answered them after the phone had (functions/shared/admission.test.ts).
    connect_timeout: 2,
    idle_timeout: 60,
    // At most 1 s between attempts (postgres.js' default grows to 20 s): see db/reconnect-delay.ts.
    backoff: reconnectDelaySeconds,
  })
}

/** The orders and menu migrations; a function is ready only once all of them are applied. */
export const functionMigrations: MigrationSet = { dir: migrationsDir, scope: 'functions' }

/** Applies the orders and menu migrations. */
export function migrateFunctions(sql: Sql): Promise<string[]> {
  return migrate(sql, functionMigrations)
}
