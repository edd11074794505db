/**
 * The broker pod's memory limit holds what the broker's bounds let its clients make it hold:
 * baseline + connections × the budget of one connection + the functions' connections at the
 * service's packet limit (the arithmetic of k8s/README.md).
 */
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { parse } from 'yaml'
import { connectionBudgetBytes, defaultGuardOptions } from '../broker/guard.ts'

const MiB = 1024 * 1024
/** RSS of an idle broker (measured: about 95 MiB run from source with tsx, less bundled). */
const BASELINE = 96 * MiB
/** Connections with the service's credentials: one per function pod, at most the max-scales' sum. */
const SERVICE_CONNECTIONS = 32

function memoryBytes(quantity: string): number {
  const match = /^(\d+)(Mi|Gi)$/.exec(quantity)
  if (!match) throw new Error(`unexpected memory quantity ${quantity}`)
  return Number(match[1]) * (match[2] === 'Gi' ? 1024 : 1) * MiB
}

it('gives the broker pod the memory its connection bounds allow', () => {
  const deployment = parse(readFileSync('k8s/base/broker/deployment.yaml', 'utf8'))
  const [container] = deployment.spec.template.spec.containers
  const env = new Map<string, string>(container.env.map((e: { name: string; value?: string }) => [e.name, e.value]))
  const connections = Number(env.get('MQTT_MAX_CONNECTIONS') ?? defaultGuardOptions.maxConnections)
  const budget = connectionBudgetBytes(defaultGuardOptions)
  const service = SERVICE_CONNECTIONS * (budget + defaultGuardOptions.maxPacketBytes.service)
  const needed = BASELINE + connections * budget + service
  expect(env.get('TRUST_PROXY')).toBe('true')
  expect(memoryBytes(container.resources.limits.memory)).toBeGreaterThanOrEqual(needed)
})
