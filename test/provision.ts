/**
 * What `npm test` needs that npm does not install, provided before any suite runs: Debian's
 * Chromium for the browser suites, Mosquitto's `mosquitto_sub` as an MQTT client we did not
 * write, and a kubectl with kustomize to render k8s/. As root on Debian the missing ones are
 * installed; otherwise the run stops at once with the command that installs them.
 */
import { spawnSync } from 'node:child_process'
import { accessSync, constants, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { kubectl120Path } from '../k8s/render.ts'

/** What provisioning looks at; read from the process by default, given by tests that vary it. */
export interface Machine {
  /** PATH, where the tools and apt-get are looked up as the suites look them up. */
  path: string
  /** CHROMIUM_PATH, the browser the suites launch instead of the one on PATH. */
  chromiumPath?: string
  /** Where scripts/install-kubectl.sh unpacks kubectl 1.20 (KUBECTL_1_20). */
  kubectl120: string
  root: boolean
}

interface Need {
  tool: string
  present: (machine: Machine) => boolean
  /** Debian package that provides it; without one, scripts/install-kubectl.sh does. */
  apt?: string
}

function executable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK)
    return statSync(file).isFile()
  } catch {
    return false
  }
}

/** The first executable called `name` on `path`, or null. */
export function findOnPath(name: string, path: string): string | null {
  for (const dir of path.split(delimiter)) {
    if (dir && executable(join(dir, name))) return join(dir, name)
  }
  return null
}

const needs: Need[] = [
  {
    tool: 'chromium',
    apt: 'chromium',
    present: (m) => (m.chromiumPath ? executable(m.chromiumPath) : findOnPath('chromium', m.path) !== null),
  },
  { tool: 'mosquitto_sub', apt: 'mosquitto-clients', present: (m) => findOnPath('mosquitto_sub', m.path) !== null },
  // Any kubectl with kustomize renders k8s/; kubectl 1.20 is unpacked beside, never over, another one.
  { tool: 'kubectl', present: (m) => findOnPath('kubectl', m.path) !== null || executable(m.kubectl120) },
]

const installKubectl = fileURLToPath(new URL('../scripts/install-kubectl.sh', import.meta.url))
/** scripts/install-kubectl.sh takes the folder that gets usr/bin/kubectl. */
const kubectlDest = (m: Machine) => dirname(dirname(dirname(m.kubectl120)))
// Other engineers' apt-get may hold the lock for a while; wait for it rather than fail.
const aptLockTimeoutSeconds = 300

export type Plan =
  | { kind: 'ready' }
  | { kind: 'install'; line: string; commands: string[][] }
  | { kind: 'stop'; sentence: string }

/** What to do before the runners: nothing, install the missing tools (as root on Debian), or stop. */
export function plan(machine: Machine): Plan {
  const missing = needs.filter((need) => !need.present(machine))
  if (missing.length === 0) return { kind: 'ready' }
  const packages = missing.flatMap((need) => (need.apt ? [need.apt] : []))
  const kubectl = missing.some((need) => !need.apt)
  const tools = listed(missing.map((need) => need.tool))
  if (findOnPath('apt-get', machine.path) === null)
    return {
      kind: 'stop',
      sentence: `npm test needs ${tools}, which this machine lacks and cannot install without apt-get: install what is missing (a Chromium elsewhere may be given as CHROMIUM_PATH), then run npm test again.`,
    }
  const commands = [
    ...(packages.length ? [aptGet('update'), aptGet('install', '-y', ...packages)] : []),
    ...(kubectl ? [['bash', installKubectl, kubectlDest(machine)]] : []),
  ]
  if (!machine.root) {
    const human = [
      ...(packages.length ? ['sudo apt-get update', `sudo apt-get install -y ${packages.join(' ')}`] : []),
      ...(kubectl ? [`sudo bash scripts/install-kubectl.sh ${kubectlDest(machine)}`] : []),
    ]
    return {
      kind: 'stop',
      sentence: `npm test needs ${tools}, which this machine lacks: run \`${human.join(' && ')}\`, then npm test again.`,
    }
  }
  const what = [
    ...(packages.length ? [`the Debian packages ${packages.join(', ')}`] : []),
    ...(kubectl ? [`kubectl 1.20 under ${kubectlDest(machine)}`] : []),
  ]
  return { kind: 'install', line: `npm test: installing ${what.join(' and ')}, for ${tools}`, commands }
}

function aptGet(...args: string[]): string[] {
  return ['apt-get', '-qq', '-o', `DPkg::Lock::Timeout=${aptLockTimeoutSeconds}`, ...args]
}

function listed(words: string[]): string {
  return words.length < 2 ? words.join('') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`
}

/** This process's machine, as the suites will see it. */
export function currentMachine(): Machine {
  return {
    path: process.env.PATH ?? '',
    chromiumPath: process.env.CHROMIUM_PATH,
    kubectl120: kubectl120Path,
    root: process.getuid?.() === 0,
  }
}

/** Carries out the plan; false (after saying why on stderr) when the suites must not run. */
export function provision(machine: Machine = currentMachine()): boolean {
  const next = plan(machine)
  if (next.kind === 'ready') return true
  if (next.kind === 'stop') {
    console.error(next.sentence)
    return false
  }
  console.log(next.line)
  for (const [command = '', ...args] of next.commands) {
    const result = spawnSync(command, args, {
      stdio: ['ignore', 'ignore', 'inherit'],
      env: { ...process.env, PATH: machine.path, DEBIAN_FRONTEND: 'noninteractive' },
    })
    if (result.status !== 0) {
      console.error(`npm test could not install what it needs: \`${[command, ...args].join(' ')}\` failed (above).`)
      return false
    }
  }
  return true
}

if (process.argv[1] === fileURLToPath(import.meta.url)) process.exit(provision() ? 0 : 1)
