import { isIP } from 'node:net'

const loopbackHosts = new Set(['127.0.0.1', '[::1]', 'localhost'])

/**
 * Why a push endpoint is refused, or null when it may be used. The server POSTs to whatever a
 * guest registers, so only what a push service looks like passes: https to a host name (no
 * address literal, no credentials). `allowLoopback` lets a stand-in on this machine in, over
 * http, for tests.
 */
export function endpointProblem(endpoint: string, allowLoopback: boolean): string | null {
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
  return null
}
