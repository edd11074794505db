import { isIP } from 'node:net'
import { getConnInfo } from '@hono/node-server/conninfo'
import type { Context } from 'hono'
import ipaddr from 'ipaddr.js'

/**
 * The address a request came from. Behind our ingress (`trustProxy`), every proxy on the way
 * (gateway, Kourier, activator, queue-proxy: their number varies) appends the address it saw
 * to X-Forwarded-For, and all of them live on private cluster addresses. The client is the
 * rightmost entry that is not private; entries left of it were written by the client itself and
 * prove nothing.
 */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const hops = (c.req.header('x-forwarded-for') ?? '')
      .split(',')
      .map((entry) => entry.trim())
      .filter((entry) => isIP(entry))
    const client = hops.findLast((address) => !isPrivate(address)) ?? hops[0]
    if (client) return client
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket.
    return 'unknown'
  }
}

/** Ranges where the proxies of a cluster live, as `ipaddr.js` names them. */
const privateRanges = new Set([
  'private', // 10/8, 172.16/12, 192.168/16
  'loopback', // 127/8, ::1
  'linkLocal', // 169.254/16, fe80::/10
  'uniqueLocal', // fc00::/7
  'carrierGradeNat', // 100.64/10
  'unspecified', // 0.0.0.0, ::
])

/**
 * Loopback, private, link-local and unique-local addresses, IPv4-mapped ones by their IPv4 form.
 * `ipaddr.js` compares the parsed bits, so every spelling of an address, and every address of a
 * range (all of fe80::/10, not only those written `fe80:`), is classed alike.
 */
export function isPrivate(address: string): boolean {
  if (!ipaddr.isValid(address)) return false
  return privateRanges.has(ipaddr.process(address).range())
}
