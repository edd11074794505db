import { readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { beforeAll, describe, expect, it } from 'vitest'
import { parse } from 'yaml'
import { functions } from '../hono.config.ts'
import { knativeGateway, namespace, pathMatch, scrapeAnnotations } from '../scripts/manifests.ts'
import { podProblems, podTemplates, requiredReferences } from './checks.ts'
import { currentKubectl, type Kubectl, kubectl120, kustomize } from './render.ts'
import { type KubeObject, schemaProblems } from './schemas.ts'

const k8s = dirname(fileURLToPath(import.meta.url))
/** Every kustomization under k8s/, by folder. */
const kustomizations = ['.', 'base', 'overlays/exoscale', 'cluster', 'event.example']

// biome-ignore lint/suspicious/noExplicitAny: rendered YAML
type Any = any

// The machine's kubectl, as operators run it, and kubectl 1.20 (kustomize v2, the oldest we
// promise) when scripts/install-kubectl.sh has unpacked it; npm test provides at least one.
const renderers = [kubectl120(), currentKubectl()].filter((kubectl): kubectl is Kubectl => kubectl !== null)

it('a kubectl with kustomize is here to render k8s/ (npm test installs one when missing)', () => {
  expect(renderers.map((kubectl) => kubectl.version)).not.toEqual([])
})

it('the kustomizations use only fields that kustomize v2 (kubectl 1.20) knows', () => {
  const plain = new Set([
    'resources',
    'bases',
    'namespace',
    'commonAnnotations',
    'images',
    'patchesStrategicMerge',
    'secretGenerator',
    'configMapGenerator',
    'generatorOptions',
  ])
  for (const dir of [...kustomizations, 'base/functions']) {
    const fields = Object.keys(parse(readFileSync(join(k8s, dir, 'kustomization.yaml'), 'utf8')))
    expect(
      fields.filter((field) => !plain.has(field)),
      dir,
    ).toEqual([])
  }
})

describe.each(renderers)('rendered by kubectl $version', (kubectl) => {
  const rendered = new Map<string, KubeObject[]>()
  const get = (dir: string) => rendered.get(dir) ?? []
  const find = (dir: string, kind: string, name: string, apiVersion?: string): Any =>
    get(dir).find(
      (o) => o.kind === kind && o.metadata.name === name && (apiVersion === undefined || o.apiVersion === apiVersion),
    )

  beforeAll(() => {
    for (const dir of kustomizations) rendered.set(dir, kustomize(kubectl, join(k8s, dir)))
  })

  it.each(kustomizations)('%s: every object passes its schema, with no unknown field', (dir) => {
    expect(get(dir).length).toBeGreaterThan(0)
    const problems = get(dir).flatMap((object) =>
      schemaProblems(object).map((problem) => `${object.kind}/${object.metadata.name}${problem}`),
    )
    expect(problems).toEqual([])
  })

  it('renders k8s/ as the Exoscale overlay, and the event on top of it', () => {
    const names = (dir: string) =>
      get(dir)
        .map((o) => `${o.apiVersion}/${o.kind}/${o.metadata.name}`)
        .sort()
    expect(names('.')).toEqual(names('overlays/exoscale'))
    expect(names('event.example')).toEqual(expect.arrayContaining(names('overlays/exoscale')))
  })

  it('puts every object of the app in the namespace drinks, which enforces the restricted pod security', () => {
    const app = get('event.example')
    expect(app.filter((o) => o.kind !== 'Namespace' && o.metadata.namespace !== namespace)).toEqual([])
    const ns = find('event.example', 'Namespace', namespace)
    expect(ns.metadata.labels['pod-security.kubernetes.io/enforce']).toBe('restricted')
  })

  it('runs every container as non-root, read-only, unprivileged, with resources and an emptyDir /tmp', () => {
    const app = get('event.example')
    const accounts = new Map(app.filter((o) => o.kind === 'ServiceAccount').map((o) => [o.metadata.name, o]))
    const templates = podTemplates(app)
    expect(templates.map((t) => t.owner).sort()).toEqual(
      ['Deployment/broker', 'Deployment/client', 'Job/migrate', ...functions.map((fn) => `Service/${fn.name}`)].sort(),
    )
    expect(templates.flatMap((template) => podProblems(template, accounts))).toEqual([])
  })

  it('gives every function a Knative Service that scales to zero as hono.config.ts says', () => {
    for (const fn of functions) {
      expect(
        find('overlays/exoscale', 'Service', fn.name, 'serving.knative.dev/v1').spec.template.metadata.annotations,
      ).toEqual({
        'autoscaling.knative.dev/min-scale': '0',
        'autoscaling.knative.dev/max-scale': String(fn.scaling.maxScale),
        'autoscaling.knative.dev/target': String(fn.scaling.target),
        ...scrapeAnnotations,
      })
      const service = find('event.example', 'Service', fn.name, 'serving.knative.dev/v1')
      expect(service, fn.name).toBeDefined()
      expect(service.metadata.labels['networking.knative.dev/visibility']).toBe('cluster-local')
      // During an event the functions a guest meets first stay warm (event.example/warm.yaml).
      const { annotations } = service.spec.template.metadata
      expect(annotations).toMatchObject({
        'autoscaling.knative.dev/min-scale': ['menu', 'place-order'].includes(fn.name) ? '1' : '0',
        'autoscaling.knative.dev/max-scale': String(fn.scaling.maxScale),
        'autoscaling.knative.dev/target': String(fn.scaling.target),
      })
      const spec = service.spec.template.spec
      expect(spec.containerConcurrency).toBe(fn.scaling.containerConcurrency)
      expect(spec.timeoutSeconds).toBeGreaterThan(0)
      const [container] = spec.containers
      expect(container.image).toBe('harbor.example.com/drinks/drinks:0.1.0')
      expect(container.command).toEqual(['node', `dist/functions/${fn.name}.cjs`])
      expect(container.readinessProbe.httpGet.path).toBe('/api/readyz')
      expect(container.livenessProbe.httpGet.path).toBe('/api/healthz')
      const env = new Map(container.env.map((e: Any) => [e.name, e]))
      expect((env.get('BROKER_URL') as Any).value).toBe(`mqtt://broker.${namespace}.svc:1883`)
      expect((env.get('NODE_ENV') as Any).value).toBe('production')
      for (const name of ['DATABASE_URL', 'BAR_TOKEN', 'PRINTER_TOKEN', 'SERVICE_TOKEN'])
        expect((env.get(name) as Any)?.valueFrom?.secretKeyRef, name).toBeDefined()
    }
  })

  it('routes each function route to its function, /mqtt to the broker and the rest to the client', () => {
    const route = find('event.example', 'HTTPRoute', 'drinks')
    const gateway = find('event.example', 'Gateway', route.spec.parentRefs[0].name)
    expect(gateway).toBeDefined()
    expect(find('cluster', 'GatewayClass', gateway.spec.gatewayClassName)).toBeDefined()
    const rules: Any[] = route.spec.rules
    for (const fn of functions) {
      const rule = rules.find(
        (r) => r.filters?.[0]?.urlRewrite?.hostname === `${fn.name}.${namespace}.svc.cluster.local`,
      )
      expect(rule, fn.name).toBeDefined()
      expect(rule.backendRefs).toEqual([knativeGateway])
      for (const r of fn.routes) expect(rule.matches).toContainEqual({ path: pathMatch(r.path), method: r.method })
    }
    // Kourier's internal gateway lives in another namespace: the cluster part must allow it.
    const grant = get('cluster').find((o) => o.kind === 'ReferenceGrant')
    expect(grant?.metadata.namespace).toBe(knativeGateway.namespace)
    expect(grant?.spec.from).toContainEqual({ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace })
    expect(grant?.spec.to).toContainEqual({ group: '', kind: 'Service', name: knativeGateway.name })

    const backendOf = (path: string) => rules.find((r) => r.matches.some((m: Any) => m.path.value === path))
    const mqtt = backendOf('/mqtt')
    expect(mqtt.timeouts.request).toBe('0s')
    const broker = find('event.example', 'Service', mqtt.backendRefs[0].name, 'v1')
    expect(broker.spec.ports.find((p: Any) => p.port === mqtt.backendRefs[0].port).targetPort).toBe('http')
    const client = find('event.example', 'Service', backendOf('/').backendRefs[0].name, 'v1')
    expect(client.spec.selector['app.kubernetes.io/name']).toBe('client')
  })

  it('runs the broker twice behind a PDB, an Exoscale NLB for MQTT and a ClusterIP for the cluster', () => {
    const deployment = find('event.example', 'Deployment', 'broker')
    expect(deployment.spec.replicas).toBeGreaterThanOrEqual(2)
    const labels = deployment.spec.template.metadata.labels
    const selects = (selector: Record<string, string>) =>
      Object.entries(selector).every(([key, value]) => labels[key] === value)
    const pdb = find('event.example', 'PodDisruptionBudget', 'broker')
    expect(pdb.spec.minAvailable).toBe(1)
    expect(selects(pdb.spec.selector.matchLabels)).toBe(true)

    const nlb = find('event.example', 'Service', 'broker-mqtt', 'v1')
    expect(nlb.spec).toMatchObject({ type: 'LoadBalancer', externalTrafficPolicy: 'Local' })
    expect(nlb.spec.ports).toEqual([{ name: 'mqtt', port: 1883, targetPort: 'mqtt', protocol: 'TCP' }])
    expect(selects(nlb.spec.selector)).toBe(true)
    const prefix = 'service.beta.kubernetes.io/exoscale-loadbalancer-'
    expect(nlb.metadata.annotations).toMatchObject({
      [`${prefix}service-healthcheck-mode`]: 'http',
      [`${prefix}service-healthcheck-uri`]: '/healthz',
    })
    expect(find('base', 'Service', 'broker-mqtt', 'v1').metadata.annotations ?? {}).toEqual({})

    const inCluster = find('event.example', 'Service', 'broker', 'v1')
    expect(inCluster.spec.type).toBe('ClusterIP')
    expect(inCluster.spec.ports.map((p: Any) => p.port).sort()).toEqual([1883, 8080])
    expect(selects(inCluster.spec.selector)).toBe(true)
  })

  it('event.example makes every Secret and ConfigMap the pods need, with the keys they read', () => {
    const app = get('event.example')
    const refs = requiredReferences(podTemplates(app))
    for (const account of app.filter((o) => o.kind === 'ServiceAccount'))
      for (const pull of (account as Any).imagePullSecrets ?? [])
        refs.push({ kind: 'Secret', name: pull.name, by: `ServiceAccount/${account.metadata.name}` })
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const object: Any = find('event.example', ref.kind, ref.name, 'v1')
      expect(object, `${ref.kind} ${ref.name} for ${ref.by}`).toBeDefined()
      if (ref.key) expect(Object.keys(object.data ?? {}), `${ref.name}.${ref.key}`).toContain(ref.key)
    }
    expect(find('event.example', 'Secret', 'drinks-harbor', 'v1').type).toBe('kubernetes.io/dockerconfigjson')
    expect(Object.keys(find('event.example', 'Secret', 'drinks-database-ca', 'v1').data)).toEqual(['ca.pem'])
    const url = Buffer.from(find('event.example', 'Secret', 'drinks-database', 'v1').data.DATABASE_URL, 'base64')
    expect(url.toString()).toMatch(/^postgres:\/\/.+sslmode=verify-full$/)
    // Without the event's values, nothing secret is rendered at all.
    expect(get('overlays/exoscale').filter((o) => o.kind === 'Secret' || o.kind === 'ConfigMap')).toEqual([])
  })
})
