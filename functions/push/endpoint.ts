import { isIP } from 'node:net'
import { defaultPushOptions } from '../../runtime/push/options.ts'

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * Why a push endpoint is refused, or null when it may be used. The broker POSTs to whatever a
 * guest registers, so only a push service passes: https to a host of `hosts` (or below one), no
 * address literal, no credentials; so no guest can point it at a service inside the cluster.
 * `allowLoopback` lets a stand-in on this machine in, over http, for tests.
 */
export function endpointProblem(
  endpoint: string,
  allowLoopback: boolean,
  hosts = defaultPushOptions.hosts,
): string | null {
  const url = new URL(endpoint)
  if (url.username || url.password) return 'endpoint must not carry credentials'
  if (allowLoopback && loopbackHosts.has(url.hostname)) {
    return url.protocol === 'http:' || url.protocol === 'https:' ? null : 'endpoint must be http(s)'
  }
  if (url.protocol !== 'https:') return 'endpoint must be https'
  const host = url.hostname
  if (isIP(host.replace(/^\[|\]$/g, '')) !== 0 || !host.includes('.') || host.endsWith('.localhost')) {
    return 'endpoint must name a push service by its host name'
  }
  if (!hosts.some((known) => host === known || host.endsWith(`.${known}`))) {
    return `endpoint must be at a known push service (${hosts.join(', ')})`
  }
  return null
}
