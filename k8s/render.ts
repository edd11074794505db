/**
 * Renders kustomizations offline with the real kustomize inside kubectl: whatever kubectl the
 * machine has, as operators use, and Debian's kubectl 1.20 (kustomize v2, the oldest we promise
 * to render with) when scripts/install-kubectl.sh has unpacked it (CI does).
 */
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { parseAllDocuments } from 'yaml'
import type { KubeObject } from './schemas.ts'

export interface Kubectl {
  path: string
  /** e.g. `v1.20.2` */
  version: string
}

/** Where scripts/install-kubectl.sh puts Debian's kubectl 1.20; KUBECTL_1_20 overrides. */
export const kubectl120Path = process.env.KUBECTL_1_20 ?? '/opt/kubernetes-client/usr/bin/kubectl'

function versionOf(path: string): string | null {
  const result = spawnSync(path, ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 20_000 })
  if (result.status !== 0) return null
  try {
    return (JSON.parse(result.stdout) as { clientVersion: { gitVersion: string } }).clientVersion.gitVersion
  } catch {
    return null
  }
}

/** kubectl 1.20, or null when it is not installed. */
export function kubectl120(): Kubectl | null {
  for (const path of [kubectl120Path, 'kubectl']) {
    if (path.includes('/') && !existsSync(path)) continue
    const version = versionOf(path)
    if (version?.startsWith('v1.20.')) return { path, version }
  }
  return null
}

/** The kubectl on PATH when it is newer than 1.20 (its kustomize is what operators run). */
export function currentKubectl(): Kubectl | null {
  const version = versionOf('kubectl')
  return version && !version.startsWith('v1.20.') ? { path: 'kubectl', version } : null
}

/** `kubectl kustomize dir`, parsed; throws with kustomize's message when it fails. */
export function kustomize(kubectl: Kubectl, dir: string): KubeObject[] {
  const result = spawnSync(kubectl.path, ['kustomize', dir], { encoding: 'utf8', timeout: 60_000 })
  if (result.status !== 0) throw new Error(`kubectl ${kubectl.version} kustomize ${dir} failed: ${result.stderr}`)
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as KubeObject | null)
    .filter((object): object is KubeObject => object !== null)
}
