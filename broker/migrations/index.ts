import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sql } from 'postgres'
import { type MigrationSet, migrate } from '../../db/migrate.ts'

/** The broker's schema, the tables of broker/persistence and broker/emitter, kept under its own scope. */
const brokerMigrations: MigrationSet = { dir: dirname(fileURLToPath(import.meta.url)), scope: 'broker' }

/** Applies the broker's migrations (safe to run from several replicas at once). */
export function migrateBroker(sql: Sql): Promise<string[]> {
  return migrate(sql, brokerMigrations)
}
