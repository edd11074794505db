/**
 * `npm test` provides what npm does not install before any suite runs. The machine is varied
 * for real: a PATH that lacks the tools (every other command of this PATH stays), the user
 * `nobody` for a user other than root, and the real apt-get and scripts/install-kubectl.sh.
 */
import { spawn, spawnSync } from 'node:child_process'
import { chmodSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, describe, expect, it } from 'vitest'

const repo = dirname(dirname(fileURLToPath(import.meta.url)))
const root = process.getuid?.() === 0
const nobody = { uid: 65534, gid: 65534 }
const scratch = mkdtempSync(join(tmpdir(), 'provision-'))
// Users other than root read the checkout and the PATHs made here.
chmodSync(scratch, 0o755)
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** A PATH with every command of this one except `hidden`: a machine that lacks those tools. */
function pathWithout(hidden: string[]): string {
  const dir = mkdtempSync(join(scratch, 'path-'))
  chmodSync(dir, 0o755)
  const seen = new Set(hidden)
  for (const from of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    let names: string[] = []
    try {
      names = readdirSync(from)
    } catch {
      continue
    }
    for (const name of names.filter((name) => !seen.has(name))) {
      seen.add(name)
      symlinkSync(join(from, name), join(dir, name))
    }
  }
  return dir
}

interface Run {
  code: number | null
  output: string
}

/** Runs a script of the checkout with tsx as `npm test` does, under the given PATH and user. */
function runScript(script: string, path: string, options: { asNobody?: boolean; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: repo,
      env: { ...process.env, ...options.env, PATH: path },
      ...(options.asNobody ? nobody : {}),
    })
    let output = ''
    child.stdout.on('data', (chunk) => {
      output += chunk
    })
    child.stderr.on('data', (chunk) => {
      output += chunk
    })
    child.on('error', reject)
    child.on('exit', (code) => resolve({ code, output }))
  })
}

/** As root, `nobody` plays the user other than root; it must be able to read the checkout. */
const nobodyReads =
  root &&
  spawnSync(process.execPath, ['-e', `require('fs').accessSync(${JSON.stringify(join(repo, 'package.json'))}, 4)`], {
    ...nobody,
  }).status === 0
const users = root
  ? [{ name: 'root', asNobody: false }, ...(nobodyReads ? [{ name: 'nobody', asNobody: true }] : [])]
  : [{ name: 'a user other than root', asNobody: false }]
const otherUser = !root || nobodyReads
const absentKubectl120 = join(scratch, 'none', 'usr', 'bin', 'kubectl')

describe.each(users)('as $name', ({ asNobody }) => {
  it('with every tool present, provisioning does nothing and lets the suites run', { timeout: 60_000 }, async () => {
    const run = await runScript('test/provision.ts', process.env.PATH ?? '', { asNobody })
    expect(run).toEqual({ code: 0, output: '' })
  })

  it('without apt-get, a missing tool stops the run with what to install', { timeout: 60_000 }, async () => {
    const run = await runScript('test/provision.ts', pathWithout(['mosquitto_sub', 'apt-get']), { asNobody })
    expect(run).toEqual({
      code: 1,
      output:
        'npm test needs mosquitto_sub, which this machine lacks and cannot install without apt-get: install what is missing (a Chromium elsewhere may be given as CHROMIUM_PATH), then run npm test again.\n',
    })
  })
})

// Without a reason to skip: run as root, nobody cannot read this checkout (e.g. under /root).
it.skipIf(!otherUser)(
  'as a user other than root, npm test stops before anything runs, naming the command that installs what is missing',
  { timeout: 60_000 },
  async () => {
    const path = pathWithout(['chromium', 'mosquitto_sub', 'kubectl'])
    // A database that cannot be reached: had the run gone past provisioning, it would say so.
    const env = {
      DATABASE_URL: 'postgres://postgres@127.0.0.1:1/none',
      KUBECTL_1_20: absentKubectl120,
      CHROMIUM_PATH: '',
    }
    const run = await runScript('test/run.ts', path, { asNobody: root, env })
    expect(run).toEqual({
      code: 1,
      output: `npm test needs chromium, mosquitto_sub and kubectl, which this machine lacks: run \`sudo apt-get update && sudo apt-get install -y chromium mosquitto-clients && sudo bash scripts/install-kubectl.sh ${join(scratch, 'none')}\`, then npm test again.\n`,
    })
  },
)

// Installing needs root on Debian; as another user the case above is the one that applies.
it.skipIf(!root || spawnSync('apt-get', ['--version']).status !== 0)(
  'as root on Debian, the missing tools are installed with apt-get and scripts/install-kubectl.sh, then the suites run',
  { timeout: 600_000 },
  async () => {
    // mosquitto-clients is installed here but hidden: apt-get finds it up to date and changes nothing.
    const kubectl = join(scratch, 'kubectl-1.20', 'usr', 'bin', 'kubectl')
    const run = await runScript('test/provision.ts', pathWithout(['mosquitto_sub', 'kubectl']), {
      env: { KUBECTL_1_20: kubectl },
    })
    expect(run.output.split('\n')[0]).toBe(
      `npm test: installing the Debian packages mosquitto-clients and kubectl 1.20 under ${dirname(dirname(dirname(kubectl)))}, for mosquitto_sub and kubectl`,
    )
    expect(run.code).toBe(0)
    expect(spawnSync(kubectl, ['version', '--client', '-o', 'json'], { encoding: 'utf8' }).stdout).toContain('v1.20.')
  },
)
