import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto'

/**
 * Passwords of devices (the CloudPRNT printers), stored as scrypt hashes: the functions hash at
 * registration, the broker and the settings endpoint verify. Format `scrypt$<salt>$<hash>`, both
 * base64url. scrypt's default cost (N 16384, r 8): some 50 ms a check, and a CONNECT checks once.
 */
const keyLength = 32

function derive(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password, salt, keyLength, (error, key) => (error ? reject(error) : resolve(key))),
  )
}

/** A random password of 24 base64url characters (144 bits). */
export function newDevicePassword(): string {
  return randomBytes(18).toString('base64url')
}

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16)
  return `scrypt$${salt.toString('base64url')}$${(await derive(password, salt)).toString('base64url')}`
}

/** Whether `password` matches `stored`, compared in constant time; false for a malformed hash. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, salt, hash] = stored.split('$')
  if (scheme !== 'scrypt' || !salt || !hash) return false
  const expected = Buffer.from(hash, 'base64url')
  const actual = await derive(password, Buffer.from(salt, 'base64url'))
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}
