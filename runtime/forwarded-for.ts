import { isIP } from 'node:net'

/**
 * The client's address in an X-Forwarded-For header written by our ingress: every proxy on the
 * way appends the address it saw, and all of them live on private cluster addresses, so the
 * client is the rightmost entry that is not private; entries left of it were written by the
 * client itself and prove nothing. Undefined when the header names no address.
 */
export function forwardedClient(header: string | undefined): string | undefined {
  const hops = (header ?? '')
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => isIP(entry))
  return hops.findLast((address) => !isPrivate(address)) ?? hops[0]
}

/** Loopback, private, link-local and unique-local addresses: where proxies of a cluster live. */
export function isPrivate(address: string): boolean {
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address
  if (isIP(v4) === 4) {
    const [a = 0, b = 0] = v4.split('.').map(Number)
    return (
      a === 10 ||
      a === 127 ||
      (a === 172 && b >= 16 && b <= 31) ||
      (a === 192 && b === 168) ||
      (a === 169 && b === 254) ||
      (a === 100 && b >= 64 && b <= 127)
    )
  }
  const lower = address.toLowerCase()
  return lower === '::1' || lower.startsWith('fc') || lower.startsWith('fd') || lower.startsWith('fe80:')
}
