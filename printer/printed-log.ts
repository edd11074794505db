import { accessSync, constants, mkdirSync, readFileSync, renameSync } from 'node:fs'
import { open, rename } from 'node:fs/promises'
import { dirname } from 'node:path'
import type { Logger } from '../runtime/logger.ts'

/** The ids of the orders a printer printed, kept on disk so a redelivery never prints twice. */
export interface PrintedLog {
  has(id: string): boolean
  /** Records an id; resolves once the file on disk holds it. */
  add(id: string): Promise<void>
  /** Forgets an id, for a ticket that turned out not to have reached the printer. */
  remove(id: string): Promise<void>
  readonly size: number
}

interface StateFile {
  printed: string[]
}

/**
 * Opens (or starts) the log at `path`, keeping the newest `limit` ids: at a few orders a minute,
 * 5,000 is a long night, far longer than a broker keeps anything unacknowledged for us.
 * Every change rewrites the file atomically (temporary file, fsync, rename), so a crash leaves
 * either the old or the new list, never half of one.
 */
export function openPrintedLog(path: string, { limit = 5000, log }: { limit?: number; log: Logger }): PrintedLog {
  // A folder we cannot write to fails the start, not the first ticket.
  mkdirSync(dirname(path), { recursive: true })
  accessSync(dirname(path), constants.W_OK)
  const ids = new Set<string>(readIds(path, log).slice(-limit))
  let writing: Promise<void> = Promise.resolve()

  const save = () => {
    // Writes run one after another; each writes the whole set as it is when its turn comes.
    const written = writing.then(() =>
      writeAtomically(path, `${JSON.stringify({ printed: [...ids] } satisfies StateFile)}\n`),
    )
    writing = written.catch(() => {})
    return written
  }

  return {
    has: (id) => ids.has(id),
    get size() {
      return ids.size
    },
    add(id) {
      ids.delete(id)
      ids.add(id)
      for (const oldest of ids) {
        if (ids.size <= limit) break
        ids.delete(oldest)
      }
      return save()
    },
    remove(id) {
      if (!ids.delete(id)) return Promise.resolve()
      return save()
    },
  }
}

function readIds(path: string, log: Logger): string[] {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw error
  }
  try {
    const state = JSON.parse(text) as Partial<StateFile>
    if (Array.isArray(state.printed)) return state.printed.filter((id) => typeof id === 'string')
  } catch {}
  // Kept for a human to look at; starting empty risks a reprint, refusing to start loses tickets.
  const aside = `${path}.unreadable-${Date.now()}`
  renameSync(path, aside)
  log.warn(`printed-ticket log ${path} was unreadable; moved to ${aside}, starting empty`)
  return []
}

async function writeAtomically(path: string, body: string): Promise<void> {
  const temporary = `${path}.${process.pid}.tmp`
  const file = await open(temporary, 'w', 0o600)
  try {
    await file.writeFile(body)
    await file.sync()
  } finally {
    await file.close()
  }
  await rename(temporary, path)
}
