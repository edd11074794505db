import { existsSync } from 'node:fs'
import { copyFile, link, mkdir, readdir, readlink, rename, rm, stat, symlink, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

const doneMarker = '.complete'

/**
 * A copy of the folder `from` at `to`, made once: files hard-linked where the file system allows
 * (no extra disk), else copied, symbolic links kept as links, modes kept. Built beside `to` and
 * renamed into place, so a start interrupted half-way never leaves a partial copy behind.
 */
export async function linkTree(from: string, to: string): Promise<void> {
  if (existsSync(join(to, doneMarker))) return
  const building = `${to}.building-${process.pid}`
  await rm(building, { recursive: true, force: true })
  await mirror(from, building)
  await writeFile(join(building, doneMarker), '')
  await rm(to, { recursive: true, force: true })
  await rename(building, to)
}

async function mirror(from: string, to: string): Promise<void> {
  await mkdir(to, { mode: (await stat(from)).mode & 0o7777 })
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const source = join(from, entry.name)
    const target = join(to, entry.name)
    if (entry.isDirectory()) await mirror(source, target)
    else if (entry.isSymbolicLink()) await symlink(await readlink(source), target)
    else await link(source, target).catch(() => copyFile(source, target))
  }
}
