/**
 * The part of the Gateway API (standard channel, v1.x) that k8s/ uses, written down from the
 * specification's field list, with its types, enums, patterns and limits. A field that is not
 * described here is reported: either it is misspelt, or this file needs it added from the spec.
 */

type Schema =
  | { type: 'string'; enum?: readonly string[]; pattern?: RegExp; maxLength?: number }
  | { type: 'integer'; minimum?: number; maximum?: number }
  | { type: 'object'; properties: Record<string, Schema>; required?: readonly string[] }
  | { type: 'array'; items: Schema; maxItems: number }

const str = (maxLength: number, pattern?: RegExp): Schema => ({ type: 'string', maxLength, pattern })
const oneOf = (...values: string[]): Schema => ({ type: 'string', enum: values })
const obj = (properties: Record<string, Schema>, required: string[] = []): Schema => ({
  type: 'object',
  properties,
  required,
})
const list = (items: Schema, maxItems: number): Schema => ({ type: 'array', items, maxItems })

const dnsLabel = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/
const group = str(253, /^$|^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
const kind = str(63, /^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$/)
const name = str(253, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
const namespace = str(63, dnsLabel)
const sectionName = str(253, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 }
const hostname = str(253, /^(\*\.)?[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
const preciseHostname = str(253, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/)
const duration = str(64, /^([0-9]{1,5}(h|m|s|ms)){1,4}$/)
const absolutePath = str(1024, /^\//)

const parentRef = obj({ group, kind, namespace, name, sectionName, port }, ['name'])
const backendRef = obj(
  { group, kind, name, namespace, port, weight: { type: 'integer', minimum: 0, maximum: 1000000 } },
  ['name'],
)
const secretRef = obj({ group, kind, name, namespace }, ['name'])

const httpRoute = obj({
  parentRefs: list(parentRef, 32),
  hostnames: list(hostname, 16),
  rules: list(
    obj({
      matches: list(
        obj({
          path: obj({ type: oneOf('Exact', 'PathPrefix', 'RegularExpression'), value: absolutePath }),
          method: oneOf('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'),
        }),
        64,
      ),
      filters: list(
        obj(
          {
            type: oneOf(
              'RequestHeaderModifier',
              'ResponseHeaderModifier',
              'RequestMirror',
              'RequestRedirect',
              'URLRewrite',
              'ExtensionRef',
              'CORS',
            ),
            urlRewrite: obj({
              hostname: preciseHostname,
              path: obj(
                {
                  type: oneOf('ReplaceFullPath', 'ReplacePrefixMatch'),
                  replaceFullPath: absolutePath,
                  replacePrefixMatch: absolutePath,
                },
                ['type'],
              ),
            }),
          },
          ['type'],
        ),
        16,
      ),
      backendRefs: list(backendRef, 16),
      timeouts: obj({ request: duration, backendRequest: duration }),
    }),
    16,
  ),
})

const gateway = obj(
  {
    gatewayClassName: name,
    listeners: list(
      obj(
        {
          name: sectionName,
          hostname,
          port,
          protocol: str(
            255,
            /^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?$|[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9]+$/,
          ),
          tls: obj({ mode: oneOf('Terminate', 'Passthrough'), certificateRefs: list(secretRef, 64) }),
          allowedRoutes: obj({
            namespaces: obj({ from: oneOf('All', 'Selector', 'Same') }),
            kinds: list(obj({ group, kind }, ['kind']), 8),
          }),
        },
        ['name', 'port', 'protocol'],
      ),
      64,
    ),
  },
  ['gatewayClassName', 'listeners'],
)

const gatewayClass = obj(
  {
    controllerName: str(
      253,
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/[A-Za-z0-9/\-._~%!$&'()*+,;=:]+$/,
    ),
    description: str(64),
  },
  ['controllerName'],
)

const referenceGrant = obj(
  {
    from: list(obj({ group, kind, namespace }, ['group', 'kind', 'namespace']), 16),
    to: list(obj({ group, kind, name }, ['group', 'kind']), 16),
  },
  ['from', 'to'],
)

const specs: Record<string, Schema> = {
  'gateway.networking.k8s.io/v1/HTTPRoute': httpRoute,
  'gateway.networking.k8s.io/v1/Gateway': gateway,
  'gateway.networking.k8s.io/v1/GatewayClass': gatewayClass,
  'gateway.networking.k8s.io/v1beta1/ReferenceGrant': referenceGrant,
}

/** The `apiVersion/kind` pairs `checkGatewayApi` knows. */
export const gatewayApiKinds = new Set(Object.keys(specs))

/** Problems of a Gateway API object without its metadata (checked as ObjectMeta elsewhere). */
export function checkGatewayApi(object: { apiVersion: string; kind: string; spec?: unknown }): string[] {
  const { apiVersion, kind: objectKind, spec, ...rest } = object
  const schema = specs[`${apiVersion}/${objectKind}`]
  if (!schema) return [`/: no schema for ${apiVersion}/${objectKind}`]
  const problems = Object.keys(rest)
    .filter((key) => key !== 'status')
    .map((key) => `/${key}: unknown field`)
  if (spec === undefined) return [...problems, '/spec: required']
  return [...problems, ...check(spec, schema, '/spec')]
}

function check(value: unknown, schema: Schema, path: string): string[] {
  switch (schema.type) {
    case 'string': {
      if (typeof value !== 'string') return [`${path}: must be a string`]
      if (schema.enum && !schema.enum.includes(value)) return [`${path}: must be one of ${schema.enum.join(', ')}`]
      if (schema.maxLength !== undefined && value.length > schema.maxLength)
        return [`${path}: longer than ${schema.maxLength}`]
      if (schema.pattern && !schema.pattern.test(value)) return [`${path}: does not match ${schema.pattern}`]
      return []
    }
    case 'integer': {
      if (!Number.isInteger(value)) return [`${path}: must be an integer`]
      const n = value as number
      if ((schema.minimum !== undefined && n < schema.minimum) || (schema.maximum !== undefined && n > schema.maximum))
        return [`${path}: out of range ${schema.minimum}..${schema.maximum}`]
      return []
    }
    case 'array': {
      if (!Array.isArray(value)) return [`${path}: must be a list`]
      const problems = value.length > schema.maxItems ? [`${path}: more than ${schema.maxItems} items`] : []
      return [...problems, ...value.flatMap((item, index) => check(item, schema.items, `${path}/${index}`))]
    }
    case 'object': {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return [`${path}: must be an object`]
      const record = value as Record<string, unknown>
      const problems = (schema.required ?? [])
        .filter((key) => record[key] === undefined)
        .map((key) => `${path}/${key}: required`)
      for (const [key, child] of Object.entries(record)) {
        const childSchema = schema.properties[key]
        if (!childSchema) problems.push(`${path}/${key}: unknown field`)
        else problems.push(...check(child, childSchema, `${path}/${key}`))
      }
      return problems
    }
  }
}
