import type { Sql } from 'postgres'
import { type MigrationSet, pendingMigrations } from '../../db/migrate.ts'
import type { Logger } from '../../runtime/logger.ts'
import { functionMigrations } from './db.ts'

/** The body of `/api/readyz`, less the broker's state. */
export interface Readiness {
  ok: boolean
  database: boolean
  /** Every migration of the functions is applied. */
  schema: boolean
  /** Why it is not ready, when it is not. */
  message?: string
}

/**
 * Readiness as the spec defines it: Postgres answers and the functions' schema is migrated.
 * Without the schema every call would be a 500, so such a pod must not get traffic. The schema
 * check is remembered once it passed (migrations are never undone), so a ready pod's probe
 * costs one `select 1`. The log says when the schema is found missing, and when it arrives.
 */
export function createReadinessCheck(
  sql: Sql,
  log: Logger,
  migrations: MigrationSet = functionMigrations,
): () => Promise<Readiness> {
  let migrated = false
  let reported = ''
  return async () => {
    const database = await sql`select 1`.then(
      () => true,
      () => false,
    )
    if (!database) return { ok: false, database, schema: migrated, message: 'Postgres does not answer' }
    if (!migrated) {
      const missing = await pendingMigrations(sql, migrations).catch((error: Error) => [error.message])
      migrated = missing.length === 0
      if (!migrated) {
        const message = `the schema is missing: ${missing.join(', ')} not applied (run \`npm run migrate\`)`
        if (message !== reported) log.warn(`not ready: ${message}`)
        reported = message
        return { ok: false, database, schema: false, message }
      }
      if (reported) log.info('ready: the schema is migrated')
    }
    return { ok: true, database, schema: true }
  }
}
