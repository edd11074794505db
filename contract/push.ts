import * as v from 'valibot'
import { type Locale, locales } from './menu.ts'
import { UuidSchema } from './order.ts'

export const pushLimits = {
  /** Characters of a push endpoint; the push services' own are a few hundred. (Spelled out in the schema too.) */
  endpointLength: 2048,
  /** Subscriptions kept per guest id (a phone and a tablet, a reinstalled browser); the oldest goes. */
  subscriptionsPerGuest: 5,
} as const

// Unpadded base64url as browsers give it, padding tolerated: `bytes` bytes once decoded. Pure
// (the annotation), so a bundle that uses no push schema drops it.
const base64url = /* @__NO_SIDE_EFFECTS__ */ (bytes: number, what: string) =>
  v.pipe(
    v.string(),
    v.regex(/^[A-Za-z0-9_-]+={0,2}$/, `${what} must be base64url`),
    v.check((text) => decodedLength(text) === bytes, `${what} must be ${bytes} bytes`),
  )

function decodedLength(text: string): number {
  const bare = text.replace(/=+$/, '')
  return Math.floor((bare.length * 3) / 4)
}

/**
 * Body of `POST /api/push/subscriptions`: the browser's push subscription (`endpoint` and `keys`
 * of `PushSubscription.toJSON()`) for a guest id, and the language its notifications speak.
 * Whether the endpoint's address is allowed is the function's to check (https only in production).
 */
export const PushSubscriptionInputSchema = v.strictObject({
  guestId: UuidSchema,
  endpoint: v.pipe(v.string(), v.maxLength(2048), v.url('endpoint must be a URL')),
  keys: v.strictObject({
    // An uncompressed P-256 public key (RFC 8291, section 3.1): 0x04, then x and y.
    p256dh: v.pipe(
      base64url(65, 'p256dh'),
      v.check((text) => text.startsWith('B'), 'p256dh must be an uncompressed P-256 point'),
    ),
    // The authentication secret (RFC 8291, section 3.2).
    auth: base64url(16, 'auth'),
  }),
  language: v.picklist(locales, 'language must be en, de, fr or it'),
})
export type PushSubscriptionInput = v.InferOutput<typeof PushSubscriptionInputSchema>

/** Body of `GET /api/push/key`: the VAPID public key the page subscribes with (`applicationServerKey`). */
export const PushKeySchema = v.object({ publicKey: v.string() })
export type PushKey = v.InferOutput<typeof PushKeySchema>

/** What a ready order's push carries, read by the service worker (client/public/sw-push.js). */
export const ReadyPushSchema = v.object({
  kind: v.literal('ready'),
  orderId: v.string(),
  number: v.number(),
  station: v.nullable(v.string()),
  title: v.string(),
  body: v.string(),
  /** The page to open on a tap: the guest page on that order. */
  url: v.string(),
})
export type ReadyPush = v.InferOutput<typeof ReadyPushSchema>

const words: Record<Locale, { title: string; body: string; atStation: string }> = {
  en: {
    title: '#{n} is ready',
    body: 'Pick it up at the bar with number {n}.',
    atStation: 'Pick it up at {s} with number {n}.',
  },
  de: {
    title: '#{n} ist bereit',
    body: 'Hol es an der Bar mit der Nummer {n} ab.',
    atStation: 'Hol es bei {s} mit der Nummer {n} ab.',
  },
  fr: {
    title: 'N° {n} prête',
    body: 'Retire-la au bar avec le numéro {n}.',
    atStation: 'Retire-la à {s} avec le numéro {n}.',
  },
  it: {
    title: 'N. {n} pronto',
    body: 'Ritirala al bar con il numero {n}.',
    atStation: 'Ritirala a {s} con il numero {n}.',
  },
}

/** A station as the guest reads it: its name and where it is, in each language. */
export interface PushStation {
  id: string
  name: Record<Locale, string>
  location?: Record<Locale, string> | undefined
}

/**
 * The push for a ready order, in the guest's language: the words travel in the payload, so the
 * service worker shows them as they are, also with the page closed. The station is named as
 * the menu names it, with where it is.
 */
export function readyPush(
  order: { id: string; number: number },
  place: PushStation | null,
  language: Locale,
): ReadyPush {
  const text = words[language]
  const where = place ? place.name[language] + (place.location ? ` (${place.location[language]})` : '') : ''
  const station = place?.id ?? null
  const fill = (template: string) => template.replaceAll('{n}', String(order.number)).replaceAll('{s}', where)
  return {
    kind: 'ready',
    orderId: order.id,
    number: order.number,
    station,
    title: fill(text.title),
    body: fill(station ? text.atStation : text.body),
    url: `/?order=${encodeURIComponent(order.id)}`,
  }
}

/**
 * The push outbox (`push_outbox`), written by the function that marks an order ready, in the
 * same transaction, and sent by the broker's push relay: a row is leased to the replica sending
 * it until `lease_until`, which also is when a failed one is tried again.
 */
export const pushLeaseMs = 15_000

/** The NOTIFY channel on which a commit that wrote pushes wakes the relay at once. */
export const pushOutboxChannel = 'push_outbox'
