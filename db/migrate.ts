import { readdir as readdirCallback, readFile as readFileCallback } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import type { Sql } from 'postgres'

// Why not a migrations library: `postgres-shift` wants a folder per migration and keeps one
// history per database, `ley` wants JavaScript up/down modules run from its CLI; neither keeps
// apart the histories of two owners in one database (functions and broker deploy alone), nor
// takes the advisory lock that lets several replicas start at once. Both fit in the forty lines
// below, plain `.sql` files included.

/** Where one owner's migrations live, and their history's scope in `schema_migrations`. */
export interface MigrationSet {
  dir: string
  /** Keeps the histories of different owners (functions, broker) apart in one table. */
  scope: string
}

// Not node:fs/promises: a function's pod reads this folder for its readiness, and loading that
// module (with the readline it pulls in) is 2-3 ms of every cold start.
const readdir = promisify(readdirCallback)
const readFile = promisify(readFileCallback)

const migrationFiles = async (dir: string) => (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort()

/**
 * Applies the `.sql` files of `dir` in name order, each once, all of them in one transaction:
 * the advisory lock that serialises migrators on several processes must be held until the last
 * file is recorded, and a failing file leaves the schema as it was before the run rather than
 * half-way, so a deploy is either wholly migrated or not at all. (So no file may use a statement
 * that refuses a transaction, such as `create index concurrently`.)
 */
export async function migrate(sql: Sql, { dir, scope }: MigrationSet): Promise<string[]> {
  const files = await migrationFiles(dir)
  const applied: string[] = []
  await sql.begin(async (tx) => {
    // Transaction-scoped, so a crashed migrator never leaves the lock behind.
    await tx`select pg_advisory_xact_lock(hashtext('drinks.migrate'))`
    await tx`
      create table if not exists schema_migrations (
        scope text not null,
        name text not null,
        applied_at timestamptz not null default now(),
        primary key (scope, name)
      )`
    const done = new Set(
      (await tx`select name from schema_migrations where scope = ${scope}`).map((row) => row.name as string),
    )
    for (const name of files) {
      if (done.has(name)) continue
      await tx.unsafe(await readFile(join(dir, name), 'utf8'))
      await tx`insert into schema_migrations (scope, name) values (${scope}, ${name})`
      applied.push(name)
    }
  })
  return applied
}

/** The files of `dir` not yet applied in `scope`: all of them when nothing was ever migrated. */
export async function pendingMigrations(sql: Sql, { dir, scope }: MigrationSet): Promise<string[]> {
  const files = await migrationFiles(dir)
  const [table] = await sql`select to_regclass('schema_migrations') is not null as present`
  if (!table?.present) return files
  const done = new Set(
    (await sql`select name from schema_migrations where scope = ${scope}`).map((row) => row.name as string),
  )
  return files.filter((name) => !done.has(name))
}
