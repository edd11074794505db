/** What every pod of the app must be, checked on rendered manifests. */
import type { KubeObject } from './schemas.ts'

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Any = any

export interface PodTemplate {
  owner: string
  knative: boolean
  spec: Any
}

/** The pod templates of Deployments, Jobs and Knative Services. */
export function podTemplates(objects: KubeObject[]): PodTemplate[] {
  return objects.flatMap((object): PodTemplate[] => {
    const owner = `${object.kind}/${object.metadata.name}`
    if (object.kind === 'Deployment' || object.kind === 'Job')
      return [{ owner, knative: false, spec: object.spec.template.spec }]
    if (object.apiVersion === 'serving.knative.dev/v1' && object.kind === 'Service')
      return [{ owner, knative: true, spec: object.spec.template.spec }]
    return []
  })
}

/** Knative sets these itself and refuses them in a revision. */
const knativeReservedEnv = new Set(['PORT', 'K_SERVICE', 'K_CONFIGURATION', 'K_REVISION'])

/** Every way a pod template falls short, as readable lines; empty when none. */
export function podProblems(template: PodTemplate, serviceAccounts: Map<string, Any>): string[] {
  const { owner, knative, spec } = template
  const problems: string[] = []
  const fail = (message: string) => problems.push(`${owner}: ${message}`)
  const pod = spec.securityContext ?? {}

  if (knative && spec.securityContext) fail('pod securityContext is refused by Knative unless a feature flag is on')
  if (spec.hostNetwork || spec.hostPID || spec.hostIPC) fail('uses the host namespaces')
  const account = serviceAccounts.get(spec.serviceAccountName ?? 'default')
  if (!account) fail(`service account ${spec.serviceAccountName} is not in the manifests`)
  if (spec.automountServiceAccountToken !== false && account?.automountServiceAccountToken !== false)
    fail('mounts a service account token')

  const volumes = new Map<string, Any>((spec.volumes ?? []).map((volume: Any) => [volume.name, volume]))
  for (const container of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const at = (message: string) => fail(`container ${container.name ?? '(unnamed)'} ${message}`)
    const sc = container.securityContext ?? {}
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) at('may run as root (runAsNonRoot)')
    const uid = sc.runAsUser ?? pod.runAsUser
    if (uid === undefined || uid === 0) at('has no non-zero runAsUser')
    if (sc.allowPrivilegeEscalation !== false) at('may escalate privileges')
    if (sc.privileged === true) at('is privileged')
    if (!sc.capabilities?.drop?.includes('ALL')) at('keeps Linux capabilities (drop ALL)')
    if (sc.capabilities?.add?.length) at('adds capabilities')
    if (sc.readOnlyRootFilesystem !== true) at('can write its root filesystem')
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault')
      at('has no RuntimeDefault seccomp profile')

    const { requests = {}, limits = {} } = container.resources ?? {}
    for (const [what, value] of [
      ['requests.cpu', requests.cpu],
      ['requests.memory', requests.memory],
      ['limits.cpu', limits.cpu],
      ['limits.memory', limits.memory],
    ])
      if (value === undefined) at(`sets no ${what}`)

    const tmp = (container.volumeMounts ?? []).find((mount: Any) => mount.mountPath === '/tmp')
    if (!tmp || !volumes.get(tmp.name)?.emptyDir) at('has no emptyDir at /tmp')
    if (!/^node$|\/node$/.test(container.command?.[0] ?? '')) at('does not start with node (SIGTERM must reach it)')

    if (knative) {
      for (const env of container.env ?? [])
        if (knativeReservedEnv.has(env.name)) at(`sets ${env.name}, which Knative owns`)
      for (const port of container.ports ?? [])
        if (!['http1', 'h2c', undefined].includes(port.name)) at(`names its port ${port.name} (http1 or h2c)`)
      if (container.readinessProbe?.periodSeconds) at('sets readinessProbe.periodSeconds, which slows every cold start')
    }
  }
  return problems
}

/** The Secrets and ConfigMaps (and keys) that pods read without `optional: true`. */
export function requiredReferences(
  templates: PodTemplate[],
): { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; by: string }[] {
  const refs: { kind: 'Secret' | 'ConfigMap'; name: string; key?: string; by: string }[] = []
  for (const { owner, spec } of templates) {
    for (const container of spec.containers ?? []) {
      for (const env of container.env ?? []) {
        const secret = env.valueFrom?.secretKeyRef
        const configMap = env.valueFrom?.configMapKeyRef
        if (secret && !secret.optional) refs.push({ kind: 'Secret', name: secret.name, key: secret.key, by: owner })
        if (configMap && !configMap.optional)
          refs.push({ kind: 'ConfigMap', name: configMap.name, key: configMap.key, by: owner })
      }
    }
    for (const volume of spec.volumes ?? []) {
      if (volume.secret && !volume.secret.optional)
        refs.push({ kind: 'Secret', name: volume.secret.secretName, by: owner })
    }
    for (const pull of spec.imagePullSecrets ?? []) refs.push({ kind: 'Secret', name: pull.name, by: owner })
  }
  return refs
}
