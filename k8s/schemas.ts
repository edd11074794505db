/**
 * Offline schema checks of rendered manifests, as strict as an API server with field validation:
 * the kubernetes-models classes validate values, and a read-tracking proxy finds the fields their
 * schemas do not know (the models accept unknown fields silently). The Gateway API kinds come from
 * `@kubernetes-models/gateway-api`, generated from the Gateway API's own CRDs. Like every model
 * here they check the CRDs' OpenAPI schemas, not their CEL rules (`x-kubernetes-validations`, such
 * as a path match starting with `/`), which only an API server evaluates.
 */
import { Gateway, GatewayClass, HTTPRoute } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1'
import { ReferenceGrant } from '@kubernetes-models/gateway-api/gateway.networking.k8s.io/v1beta1'
import { Service as KnativeService } from '@kubernetes-models/knative/serving.knative.dev/v1'
import { Deployment } from 'kubernetes-models/apps/v1'
import { Job } from 'kubernetes-models/batch/v1'
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1'
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1'

/** A model class as kubernetes-models generates them: validate() throws on invalid values. */
type ModelClass = { new (data: never): { validate(): void }; prototype: { validate(): void } }

const models: Record<string, ModelClass> = {
  'v1/Namespace': Namespace,
  'v1/ServiceAccount': ServiceAccount,
  'v1/Service': Service,
  'v1/Secret': Secret,
  'v1/ConfigMap': ConfigMap,
  'apps/v1/Deployment': Deployment,
  'batch/v1/Job': Job,
  'policy/v1/PodDisruptionBudget': PodDisruptionBudget,
  'serving.knative.dev/v1/Service': KnativeService,
  'gateway.networking.k8s.io/v1/HTTPRoute': HTTPRoute,
  'gateway.networking.k8s.io/v1/Gateway': Gateway,
  'gateway.networking.k8s.io/v1/GatewayClass': GatewayClass,
  'gateway.networking.k8s.io/v1beta1/ReferenceGrant': ReferenceGrant,
}

export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> }
  // biome-ignore lint/suspicious/noExplicitAny: rendered YAML, narrowed by the checks
  spec?: any
  [key: string]: unknown
}

/** Every problem of one object, as `path: message` lines; empty when it is valid. */
export function schemaProblems(object: KubeObject): string[] {
  const key = `${object.apiVersion}/${object.kind}`
  const model = models[key]
  if (!model) return [`no schema for ${key}: add its model to k8s/schemas.ts`]
  return modelProblems(model, key === 'v1/Secret' ? unwrapBase64(object) : object, '')
}

/**
 * Current kustomize wraps a Secret's base64 at 70 columns; the API server's decoder skips the
 * line breaks, the models' `byte` format does not.
 */
function unwrapBase64(secret: KubeObject): KubeObject {
  const data = secret.data as Record<string, string> | undefined
  if (!data) return secret
  return { ...secret, data: Object.fromEntries(Object.entries(data).map(([k, v]) => [k, v.replace(/\s+/g, '')])) }
}

function modelProblems(model: ModelClass, data: unknown, at: string): string[] {
  const problems: string[] = []
  try {
    new model(data as never).validate()
  } catch (error) {
    problems.push(`${at || '/'}: ${(error as Error).message}`)
  }
  for (const path of unknownFields(model, data)) problems.push(`${at}${path}: unknown field`)
  return problems
}

/**
 * The fields of `data` that the model's validator never looked at. The generated validators read
 * every property their schema declares, present or not, and every entry of a map; so a field
 * never read is not in the schema. An object of which nothing at all was read is free-form in the
 * schema (`x-kubernetes-preserve-unknown-fields`, as Knative declares `emptyDir`): not checked.
 */
export function unknownFields(model: ModelClass, data: unknown): string[] {
  const reads = new Map<object, Set<string>>()
  const track = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object') return value
    const read = reads.get(value) ?? new Set<string>()
    reads.set(value, read)
    return new Proxy(value, {
      get(target, key, receiver) {
        const child = Reflect.get(target, key, receiver)
        if (typeof key !== 'string') return child
        read.add(key)
        return Object.hasOwn(target, key) ? track(child) : child
      },
    })
  }
  try {
    model.prototype.validate.call(track(data))
  } catch {
    // The errors were reported by the plain validation; here only the reads matter.
  }
  const unknown: string[] = []
  const visit = (value: unknown, path: string) => {
    if (value === null || typeof value !== 'object') return
    const read = reads.get(value)
    if (!read || read.size === 0) return
    for (const [key, child] of Object.entries(value)) {
      if (!read.has(key)) unknown.push(`${path}/${key}`)
      else visit(child, `${path}/${key}`)
    }
  }
  visit(data, '')
  return unknown
}
