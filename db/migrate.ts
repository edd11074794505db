import { readdir, readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Sql } from 'postgres'

/**
 * Applies the `.sql` files of `dir` in name order, each once and in its own transaction.
 * `scope` keeps the histories of different owners (functions, broker) apart in one table.
 * Safe to run from several processes at once: an advisory lock serialises them.
 */
export async function migrate(sql: Sql, { dir, scope }: { dir: string; scope: string }): Promise<string[]> {
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort()
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
