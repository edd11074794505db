import { describe, expect, it } from 'vitest'
import { type KubeObject, schemaProblems } from './schemas.ts'

const deployment = (container: object): KubeObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'broker', labels: { app: 'broker' } },
  spec: {
    selector: { matchLabels: { app: 'broker' } },
    template: {
      metadata: { labels: { app: 'broker' } },
      spec: { containers: [{ name: 'broker', image: 'i', ...container }] },
    },
  },
})

const knative = (spec: object): KubeObject => ({
  apiVersion: 'serving.knative.dev/v1',
  kind: 'Service',
  metadata: { name: 'menu' },
  spec: { template: { spec: { containers: [{ image: 'i' }], ...spec } } },
})

describe('schemaProblems', () => {
  it('accepts valid objects, labels and annotations included', () => {
    expect(schemaProblems(deployment({ resources: { limits: { memory: '64Mi' } } }))).toEqual([])
    expect(schemaProblems(knative({ containerConcurrency: 10, timeoutSeconds: 30 }))).toEqual([])
  })

  it('reports a misspelt field at any depth, which the models alone let through', () => {
    expect(schemaProblems(deployment({ securityContxt: { runAsNonRoot: true } }))).toEqual([
      '/spec/template/spec/containers/0/securityContxt: unknown field',
    ])
    expect(schemaProblems(deployment({ resources: { limts: { memory: '64Mi' } } }))).toEqual([
      '/spec/template/spec/containers/0/resources/limts: unknown field',
    ])
    expect(schemaProblems(knative({ containerConcurency: 10 }))).toEqual([
      '/spec/template/spec/containerConcurency: unknown field',
    ])
  })

  it('reports wrong values', () => {
    expect(schemaProblems(knative({ timeoutSeconds: 'soon' })).join()).toMatch(/timeoutSeconds/)
    expect(schemaProblems({ ...deployment({}), apiVersion: 'apps/v1beta1' })).toEqual([
      'no schema for apps/v1beta1/Deployment: add its model to k8s/schemas.ts',
    ])
  })

  it('checks Gateway API objects against the CRDs’ schemas, metadata included', () => {
    const route = (rule: object): KubeObject => ({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'drinks' },
      spec: { parentRefs: [{ name: 'drinks' }], rules: [{ backendRefs: [{ name: 'client', port: 80 }], ...rule }] },
    })
    expect(
      schemaProblems(route({ matches: [{ path: { type: 'Exact', value: '/api/menu' }, method: 'GET' }] })),
    ).toEqual([])
    expect(schemaProblems(route({ matches: [{ path: { type: 'Prefix', value: '/api' } }] }))).toEqual([
      '/: data/spec/rules/0/matches/0/path/type must be equal to one of the allowed values',
    ])
    expect(schemaProblems(route({ backendRefs: [{ name: 'client', port: 99999 }] }))).toEqual([
      '/: data/spec/rules/0/backendRefs/0/port must be <= 65535',
    ])
    expect(schemaProblems(route({ timeout: { request: '5s' } }))).toEqual(['/spec/rules/0/timeout: unknown field'])
    expect(schemaProblems({ ...route({}), metadata: { name: 'drinks', labelz: {} } } as KubeObject)).toEqual([
      '/metadata/labelz: unknown field',
    ])
  })
})
