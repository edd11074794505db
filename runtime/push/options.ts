import { type Env, readEnv } from '../config.ts'

/** How pushes are sent and retried; every bound with its default. */
export interface PushOptions {
  /** Pushes in flight at once per process (`PUSH_CONCURRENCY`). Default 8. */
  concurrency: number
  /** Tries per push, the first included, before it is given up (`PUSH_MAX_ATTEMPTS`). Default 5. */
  maxAttempts: number
  /** Delay before the second try, doubling per try, with full jitter. Default 2,000 ms. */
  backoffBaseMs: number
  /** Longest delay between tries. Default 60,000 ms. */
  backoffMaxMs: number
  /**
   * Seconds the push service keeps a message for a phone that is off (`PUSH_TTL_SECONDS`, the
   * TTL header of RFC 8030, section 5.2). Default 900: later, the drink has waited too long to
   * be worth a buzz; the page shows it anyway.
   */
  ttlSeconds: number
  /** Longest wait for the push service's answer (`PUSH_TIMEOUT_MS`). Default 5,000 ms. */
  timeoutMs: number
  /**
   * Pushes waiting for a free slot in one process; more are left for a later round (their lease
   * runs out). Default 1,000 (the relay claims `concurrency` a round, so none wait there).
   */
  maxQueued: number
  /**
   * Accept `http://127.0.0.1`, `http://[::1]` and `http://localhost` endpoints
   * (`PUSH_ALLOW_LOOPBACK`), for a push service stand-in in tests. Default false: https only.
   */
  allowLoopback: boolean
  /**
   * The push services an endpoint may be at, by host (or a parent domain), `PUSH_HOSTS`, comma
   * separated. Default: those of Chrome, Samsung and Opera (Google's), Firefox (Mozilla's), Safari
   * (Apple's) and Edge on Windows (Microsoft's). The broker POSTs only there, so no guest can point
   * it at a service inside the cluster.
   */
  hosts: string[]
}

export const defaultPushOptions: PushOptions = {
  concurrency: 8,
  maxAttempts: 5,
  backoffBaseMs: 2000,
  backoffMaxMs: 60_000,
  ttlSeconds: 900,
  timeoutMs: 5000,
  maxQueued: 1000,
  allowLoopback: false,
  hosts: ['fcm.googleapis.com', 'push.services.mozilla.com', 'push.apple.com', 'notify.windows.com'],
}

/** The push settings from the environment, else the defaults. */
export function readPushOptions(env: Env = process.env): PushOptions {
  const read = readEnv(env)
  const d = defaultPushOptions
  return {
    ...d,
    concurrency: read.whole('PUSH_CONCURRENCY', d.concurrency, { min: 1, max: 256 }),
    maxAttempts: read.whole('PUSH_MAX_ATTEMPTS', d.maxAttempts, { min: 1, max: 20 }),
    ttlSeconds: read.whole('PUSH_TTL_SECONDS', d.ttlSeconds, { min: 0, max: 86_400 }),
    timeoutMs: read.whole('PUSH_TIMEOUT_MS', d.timeoutMs, { min: 100, max: 60_000 }),
    allowLoopback: read.flag('PUSH_ALLOW_LOOPBACK', d.allowLoopback),
    hosts: read.parse(
      'PUSH_HOSTS',
      d.hosts,
      (text) => {
        const hosts = text.split(',').map((host) => host.trim().toLowerCase())
        return hosts.every((host) => /^[a-z0-9-]+(\.[a-z0-9-]+)+$/.test(host)) ? hosts : undefined
      },
      'host names separated by commas, like fcm.googleapis.com,push.apple.com',
    ),
  }
}
