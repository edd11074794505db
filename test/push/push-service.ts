/**
 * A push service stand-in on loopback: the receiving side of the Web Push protocol, written from
 * the RFCs with node:crypto. It takes a message as RFC 8030 describes (HTTP POST to the
 * subscription's endpoint, a TTL header, 201 Created), checks the VAPID authorization of RFC 8292
 * (an ES256 JWT for this origin, signed by the key in `k`), and decrypts the aes128gcm content
 * (RFC 8188) with the subscription's private keys as RFC 8291 derives them. Tests make a
 * subscription here, register it as a browser's, and read what arrived, in clear.
 */
import {
  createDecipheriv,
  createECDH,
  createHmac,
  createPublicKey,
  type ECDH,
  randomBytes,
  randomUUID,
  verify,
} from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'

/** One message the stand-in took (answered 2xx), decrypted. */
export interface Received {
  payload: string
  ttl: number
  topic: string | undefined
  urgency: string | undefined
}

export interface StandInSubscription {
  /** As `PushSubscription.toJSON()` gives it. */
  json: { endpoint: string; keys: { p256dh: string; auth: string } }
  /** Messages taken, in the order they came. */
  received: Received[]
  /** Every POST to the endpoint, answered or not. */
  requests: number
  /**
   * Statuses to answer the next requests with, in order; 201 once they are used up. `null`
   * never answers (a push service that hangs): the sender's timeout must end the request.
   */
  answers: (number | null)[]
}

export interface PushServiceStandIn {
  origin: string
  subscribe(): StandInSubscription
  /** Problems found with requests (bad VAPID, no TTL, undecryptable content), for the test to expect none. */
  problems: string[]
  close(): Promise<void>
}

interface Owned {
  subscription: StandInSubscription
  ecdh: ECDH
  auth: Buffer
}

const hmac = (key: Buffer, data: Buffer) => createHmac('sha256', key).update(data).digest()
const text = (s: string) => Buffer.from(s, 'latin1')

/** RFC 8291, section 3.4, then RFC 8188, section 2: the content of an aes128gcm message body. */
export function decryptAes128gcm(body: Buffer, ecdh: ECDH, auth: Buffer): Buffer {
  // The header (RFC 8188, section 2.1): salt (16), record size (4), key id length (1), key id.
  const salt = body.subarray(0, 16)
  const recordSize = body.readUInt32BE(16)
  const idLength = body.readUInt8(20)
  const senderPublic = body.subarray(21, 21 + idLength)
  if (idLength !== 65) throw new Error(`key id of ${idLength} bytes, not a P-256 public key`)
  const uaPublic = ecdh.getPublicKey()
  const ecdhSecret = ecdh.computeSecret(senderPublic)
  const prkKey = hmac(auth, ecdhSecret)
  const keyInfo = Buffer.concat([text('WebPush: info\0'), uaPublic, senderPublic])
  const ikm = hmac(prkKey, Buffer.concat([keyInfo, Buffer.from([1])]))
  const prk = hmac(salt, ikm)
  const cek = hmac(prk, text('Content-Encoding: aes128gcm\0\x01')).subarray(0, 16)
  const baseNonce = hmac(prk, text('Content-Encoding: nonce\0\x01')).subarray(0, 12)

  const records = body.subarray(21 + idLength)
  const plain: Buffer[] = []
  for (let offset = 0, seq = 0; offset < records.length; offset += recordSize, seq++) {
    const record = records.subarray(offset, Math.min(records.length, offset + recordSize))
    // The nonce is the base nonce XOR the record's sequence number (RFC 8188, section 2.3).
    const nonce = Buffer.from(baseNonce)
    // (Records are far fewer than 2^32: the low 32 bits carry the whole number.)
    nonce.writeUInt32BE((nonce.readUInt32BE(8) ^ seq) >>> 0, 8)
    const decipher = createDecipheriv('aes-128-gcm', cek, nonce)
    decipher.setAuthTag(record.subarray(record.length - 16))
    const padded = Buffer.concat([decipher.update(record.subarray(0, record.length - 16)), decipher.final()])
    // Content, then a delimiter (2 in the last record, 1 before), then zeros of padding.
    let end = padded.length - 1
    while (end >= 0 && padded[end] === 0) end--
    const last = offset + recordSize >= records.length
    if (padded[end] !== (last ? 2 : 1)) throw new Error(`record ${seq} has no valid padding delimiter`)
    plain.push(padded.subarray(0, end))
  }
  return Buffer.concat(plain)
}

/** RFC 8292: `vapid t=<JWT>, k=<key>`; a problem, or null when it holds. */
export function vapidProblem(header: string | undefined, audience: string): string | null {
  const match = /^vapid t=([\w-]+\.[\w-]+\.[\w-]+), k=([\w-]+)$/.exec(header ?? '')
  if (!match) return `no VAPID authorization: ${header}`
  const [jwtHead, jwtBody, signature] = (match[1] as string).split('.') as [string, string, string]
  const point = Buffer.from(match[2] as string, 'base64url')
  if (point.length !== 65 || point[0] !== 4) return 'k is not an uncompressed P-256 key'
  const key = createPublicKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      x: point.subarray(1, 33).toString('base64url'),
      y: point.subarray(33).toString('base64url'),
    },
  })
  const signed = verify(
    'sha256',
    Buffer.from(`${jwtHead}.${jwtBody}`),
    { key, dsaEncoding: 'ieee-p1363' },
    Buffer.from(signature, 'base64url'),
  )
  if (!signed) return 'the JWT is not signed by k'
  const head = JSON.parse(Buffer.from(jwtHead, 'base64url').toString()) as { alg?: string }
  const claims = JSON.parse(Buffer.from(jwtBody, 'base64url').toString()) as {
    aud?: string
    exp?: number
    sub?: string
  }
  if (head.alg !== 'ES256') return `alg ${head.alg}`
  if (claims.aud !== audience) return `aud ${claims.aud}, not ${audience}`
  const now = Date.now() / 1000
  if (!claims.exp || claims.exp < now || claims.exp > now + 24 * 3600) return `exp ${claims.exp}`
  return null
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

export async function startPushService(): Promise<PushServiceStandIn> {
  const owned = new Map<string, Owned>()
  const problems: string[] = []
  const server = createServer(async (req, res) => {
    const id = /^\/push\/([\w-]+)$/.exec(req.url ?? '')?.[1]
    const found = id ? owned.get(id) : undefined
    const body = await readBody(req)
    if (req.method !== 'POST' || !found) {
      res.writeHead(404).end()
      return
    }
    const { subscription, ecdh, auth } = found
    subscription.requests++
    const ttl = Number(req.headers.ttl)
    if (req.headers.ttl === undefined || !Number.isInteger(ttl) || ttl < 0) {
      // RFC 8030, section 5.2: a request without TTL is refused.
      problems.push(`TTL header missing or bad: ${req.headers.ttl}`)
      res.writeHead(400).end()
      return
    }
    const vapid = vapidProblem(req.headers.authorization, origin)
    if (vapid) problems.push(vapid)
    if (req.headers['content-encoding'] !== 'aes128gcm') problems.push(`encoding ${req.headers['content-encoding']}`)
    const next = subscription.answers.shift()
    if (next === null) return
    const status = next ?? 201
    if (status >= 200 && status < 300) {
      try {
        subscription.received.push({
          payload: decryptAes128gcm(body, ecdh, auth).toString('utf8'),
          ttl,
          topic: req.headers.topic as string | undefined,
          urgency: req.headers.urgency as string | undefined,
        })
      } catch (error) {
        problems.push(`cannot decrypt: ${(error as Error).message}`)
        res.writeHead(400).end()
        return
      }
      // RFC 8030, section 5: the push message resource.
      res.setHeader('location', `${origin}/message/${randomUUID()}`)
    }
    res.writeHead(status).end()
  })
  await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready))
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    origin,
    problems,
    subscribe() {
      const ecdh = createECDH('prime256v1')
      ecdh.generateKeys()
      const auth = randomBytes(16)
      const id = randomUUID()
      const subscription: StandInSubscription = {
        json: {
          endpoint: `${origin}/push/${id}`,
          keys: { p256dh: ecdh.getPublicKey().toString('base64url'), auth: auth.toString('base64url') },
        },
        received: [],
        requests: 0,
        answers: [],
      }
      owned.set(id, { subscription, ecdh, auth })
      return subscription
    },
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections()
        server.close(() => done())
      }),
  }
}
