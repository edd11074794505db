import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from 'postgres'
import { migrate } from '../../db/migrate.ts'

/** The folder of the broker's schema: the tables of broker/persistence and broker/emitter. */
export const migrationsDir = dirname(fileURLToPath(import.meta.url))

/** Their history's scope in schema_migrations. */
export const migrationsScope = 'broker'

/** Applies the broker's migrations (safe to run from several replicas at once). */
export function migrateBroker(sql: Sql): Promise<string[]> {
  return migrate(sql, { dir: migrationsDir, scope: migrationsScope })
}
