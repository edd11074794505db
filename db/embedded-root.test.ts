/**
 * `npm start` as root (containers, fresh VMs) from a project only root may enter, as under
 * /root (mode 700): PostgreSQL refuses root and its own user cannot reach the project, so the
 * embedded server must find a place that user reaches, and say where.
 */
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { makeProject, operatorEnv, removeProject, repoRoot, runScript, type Script } from '../test/project.ts'
import { rootPlacement } from './embedded-as-root.ts'

const isRoot = process.getuid?.() === 0
let parent = ''
const scripts: Script[] = []

afterAll(async () => {
  for (const script of scripts) await script.stop()
  if (parent) {
    removeProject(parent)
    rmSync(rootPlacement(join(parent, 'drinks', '.data', 'postgres')), { recursive: true, force: true })
  }
})

/** The processes whose command line mentions `text`, from /proc, so a server left behind is seen. */
function processesMentioning(text: string): string[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .flatMap((pid) => {
      try {
        const command = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
        return command.includes(text) ? [command] : []
      } catch {
        return []
      }
    })
}

async function start(project: string): Promise<{ script: Script; port: string }> {
  const script = runScript('npm start', { cwd: project, env: operatorEnv({ PORT: '0', MQTT_PORT: '0' }) })
  scripts.push(script)
  await script.waitForOutput(/Drinks is running[\s\S]*QR poster\s+http:\/\/localhost:\d+/, 150_000)
  const port = (script.output().match(/QR poster\s+http:\/\/localhost:(\d+)/) ?? [])[1] ?? ''
  return { script, port }
}

// Only root meets this: for anyone else PostgreSQL runs as themselves, from their own folder.
test.skipIf(!isRoot)(
  'as root, from a folder only root may enter, npm start comes up, twice, and leaves no server behind',
  async () => {
    // On the checkout's own file system, so the copy can hard-link instead of taking disk.
    mkdirSync(join(repoRoot, '.data'), { recursive: true })
    parent = mkdtempSync(join(repoRoot, '.data', 'root-only-'))
    chmodSync(parent, 0o700)
    const project = join(parent, 'drinks')
    makeProject(project, 'copy')
    chmodSync(project, 0o700)
    const placement = rootPlacement(join(project, '.data', 'postgres'))

    const first = await start(project)
    expect(first.script.output()).not.toMatch(/EACCES|\n\s+at /)
    expect(first.script.output()).toContain(`its data is in ${placement}/postgres`)
    const menu = await fetch(`http://127.0.0.1:${first.port}/api/menu`)
    expect(menu.status).toBe(200)
    expect(((await menu.json()) as { drinks: unknown[] }).drinks.length).toBeGreaterThan(0)
    await first.script.stop()
    expect(processesMentioning(placement)).toEqual([])

    // The second start finds the cluster the first one made.
    const second = await start(project)
    expect(second.script.output()).not.toContain('Creating an embedded PostgreSQL cluster')
    expect((await fetch(`http://127.0.0.1:${second.port}/api/readyz`)).status).toBe(200)
    await second.script.stop()
    expect(processesMentioning(placement)).toEqual([])
  },
  300_000,
)
