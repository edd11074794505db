import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import webpush from 'web-push'

/** The application server's keys (RFC 8292), base64url, and who runs it (`mailto:` or https). */
export interface VapidKeys {
  publicKey: string
  privateKey: string
  subject: string
}

/** Named on the push service's side as the sender's contact when no `VAPID_SUBJECT` is set. */
export const defaultVapidSubject = 'mailto:drinks@localhost'

/**
 * The VAPID keys, from `VAPID_PUBLIC_KEY`, `VAPID_PRIVATE_KEY` and `VAPID_SUBJECT`. Like the
 * tokens, on a developer's machine (NODE_ENV not `production`) a missing pair is generated once
 * and kept in `.data/vapid.json`, so every process started from this folder signs alike and the
 * browsers' subscriptions stay valid across restarts; in production the keys are required.
 */
export function loadVapidKeys(env: NodeJS.ProcessEnv = process.env, file = resolve('.data/vapid.json')): VapidKeys {
  const subject = env.VAPID_SUBJECT || defaultVapidSubject
  if (!/^(mailto:|https:\/\/)/.test(subject))
    throw new Error(`VAPID_SUBJECT=${subject} is not a mailto: or https: address`)
  if (env.VAPID_PUBLIC_KEY && env.VAPID_PRIVATE_KEY) {
    // web-push checks their lengths; a pasted key with a line break fails here, not at the first push.
    webpush.setVapidDetails(subject, env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY)
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject }
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('missing VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set them (see README, Configuration)')
  }
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>) : {}
  if (stored.publicKey && stored.privateKey)
    return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject }
  const keys = webpush.generateVAPIDKeys()
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 })
  return { ...keys, subject }
}
