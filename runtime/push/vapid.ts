import { createECDH } from 'node:crypto'
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'

/** The application server's keys (RFC 8292), base64url, and who runs it (`mailto:` or https). */
export interface VapidKeys {
  publicKey: string
  privateKey: string
  subject: string
}

/** Named on the push service's side as the sender's contact when no `VAPID_SUBJECT` is set. */
export const defaultVapidSubject = 'mailto:drinks@localhost'

/** A new P-256 key pair as VAPID takes it: the uncompressed public point and the private scalar. */
export function newVapidKeys(): { publicKey: string; privateKey: string } {
  const ecdh = createECDH('prime256v1')
  ecdh.generateKeys()
  return {
    publicKey: ecdh.getPublicKey().toString('base64url'),
    // The scalar in its full 32 bytes: one with leading zero bytes comes back shorter.
    privateKey: Buffer.concat([Buffer.alloc(32), ecdh.getPrivateKey()])
      .subarray(-32)
      .toString('base64url'),
  }
}

function checkKeys(publicKey: string, privateKey: string): void {
  const point = Buffer.from(publicKey, 'base64url')
  if (point.length !== 65 || point[0] !== 4) throw new Error('VAPID_PUBLIC_KEY is not a P-256 public key (base64url)')
  if (Buffer.from(privateKey, 'base64url').length !== 32)
    throw new Error('VAPID_PRIVATE_KEY is not a P-256 private key (base64url)')
}

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
    // A pasted key with a line break or a wrong half fails here, not at the first push.
    checkKeys(env.VAPID_PUBLIC_KEY, env.VAPID_PRIVATE_KEY)
    return { publicKey: env.VAPID_PUBLIC_KEY, privateKey: env.VAPID_PRIVATE_KEY, subject }
  }
  if (env.NODE_ENV === 'production') {
    throw new Error('missing VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY: set them (see README, Configuration)')
  }
  const stored = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Partial<VapidKeys>) : {}
  if (stored.publicKey && stored.privateKey)
    return { publicKey: stored.publicKey, privateKey: stored.privateKey, subject }
  const keys = newVapidKeys()
  mkdirSync(dirname(file), { recursive: true })
  writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 })
  return { ...keys, subject }
}
