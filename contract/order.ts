import * as v from 'valibot'
import { maxGraphemes, minGraphemes, printableAscii } from './graphemes.ts'
import { DrinkIdSchema, StationIdSchema } from './menu.ts'

import { limits, type OrderStatus, orderStatuses } from './order-status.ts'

export * from './order-status.ts'

const transitions: Record<OrderStatus, readonly OrderStatus[]> = {
  placed: ['preparing', 'cancelled'],
  preparing: ['ready', 'cancelled'],
  ready: ['delivered', 'cancelled'],
  delivered: [],
  cancelled: [],
}

/** Whether the lifecycle allows moving an order from `from` to `to`. */
export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return transitions[from].includes(to)
}

/** The status the bar moves an order to with one tap, or null at the end of the lifecycle. */
export function nextStatus(status: OrderStatus): OrderStatus | null {
  return transitions[status].find((next) => next !== 'cancelled') ?? null
}

/** A UUID, in lower case as Postgres gives it back, so a retry compares equal to what was stored. */
export const UuidSchema = v.pipe(v.string(), v.uuid('must be a UUID'), v.toLowerCase())

// Unpaired UTF-16 surrogates are not text: stored as UTF-8 they would come back as U+FFFD, so
// what was sent and what was stored would differ. Refused rather than replaced.
const wellFormed = (text: string) => !/\p{Cs}/u.test(text)
// Bidirectional embeddings, overrides (U+202A–U+202E) and isolates (U+2066–U+2069) reorder the
// text around them on the bar's screen and on tickets.
const noBidiControls = (text: string) => !/[\u202A-\u202E\u2066-\u2069]/u.test(text)
// Of the format characters, emoji are built with the zero-width joiner (woman + ZWJ + laptop)
// and the tag characters of subdivision flags (the flag of Scotland). Variation selectors are
// marks, not format characters, and pass.
const emojiFormat = /[\u200D\u{E0020}-\u{E007F}]/gu
const noControls = (text: string) => !/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u.test(text.replace(emojiFormat, ''))
const variationSelectors = /[\uFE00-\uFE0F\u{E0100}-\u{E01EF}]/gu
// An empty nickname is refused once, as missing.
const hasVisible = (text: string) =>
  text === '' || text.replace(emojiFormat, '').replace(variationSelectors, '').trim() !== ''

let segmenter: Intl.Segmenter | undefined
/** Whether no character (grapheme cluster) is made of more code points than emoji need. */
function charactersFit(text: string): boolean {
  // Printable ASCII is one code point a character (most nicknames and notes): no segmenting.
  if (printableAscii.test(text)) return true
  // Made on first use, so that loading the contract never needs Intl.Segmenter.
  segmenter ??= new Intl.Segmenter()
  for (const { segment } of segmenter.segment(text)) {
    if ([...segment].length > limits.characterCodePoints) return false
  }
  return true
}
const stackedMarks = `a character is made of at most ${limits.characterCodePoints} code points`

/**
 * Composed (NFC) and trimmed, so one name is stored and compared one way; 1 to 32 characters
 * counted as grapheme clusters; emoji welcome, joined ones too; no control characters, no
 * bidirectional overrides or isolates.
 */
export const NicknameSchema = v.pipe(
  v.string(),
  v.check(wellFormed, 'a nickname must be text (it has an unpaired surrogate)'),
  v.normalize('NFC'),
  v.trim(),
  minGraphemes(1, 'a nickname is needed'),
  maxGraphemes(limits.nicknameLength, `a nickname has at most ${limits.nicknameLength} characters`),
  v.check(charactersFit, stackedMarks),
  v.check(noBidiControls, 'a nickname cannot contain bidirectional overrides or isolates'),
  v.check(noControls, 'a nickname cannot contain control characters'),
  v.check(hasVisible, 'a nickname needs a visible character'),
)

/** Composed (NFC) and trimmed; up to 140 characters; no control characters, line breaks, overrides or isolates. */
export const NoteSchema = v.pipe(
  v.string(),
  v.check(wellFormed, 'a note must be text (it has an unpaired surrogate)'),
  v.normalize('NFC'),
  v.trim(),
  maxGraphemes(limits.noteLength, `a note has at most ${limits.noteLength} characters`),
  v.check(charactersFit, stackedMarks),
  v.check(noBidiControls, 'a note cannot contain bidirectional overrides or isolates'),
  v.regex(/^[^\p{Cc}\p{Zl}\p{Zp}]*$/u, 'a note cannot contain control characters or line breaks'),
)

export const QuantitySchema = v.pipe(
  v.number(),
  v.integer('quantity must be a whole number'),
  v.minValue(1, 'quantity is at least 1'),
  v.maxValue(limits.quantity, `quantity is at most ${limits.quantity}`),
)

/** Body of `POST /api/orders`. Unknown fields are refused. */
export const PlaceOrderSchema = v.strictObject({
  id: v.optional(UuidSchema),
  guestId: UuidSchema,
  nickname: NicknameSchema,
  drinkId: DrinkIdSchema,
  quantity: v.optional(QuantitySchema, 1),
  note: v.optional(NoteSchema, ''),
})
export type PlaceOrderInput = v.InferInput<typeof PlaceOrderSchema>
export type PlaceOrder = v.InferOutput<typeof PlaceOrderSchema>

/**
 * Body of `PATCH /api/orders/:id`. The bar sends `{status}`, or `{status, undo: true}` to take
 * its last move back to `status`; a guest sends its `guestId` with the fields it changes, or
 * `{guestId, status: "cancelled"}`.
 */
export const UpdateOrderSchema = v.strictObject({
  status: v.optional(v.picklist(orderStatuses, 'unknown status')),
  undo: v.optional(v.boolean()),
  guestId: v.optional(UuidSchema),
  nickname: v.optional(NicknameSchema),
  drinkId: v.optional(DrinkIdSchema),
  quantity: v.optional(QuantitySchema),
  note: v.optional(NoteSchema),
})
export type UpdateOrder = v.InferOutput<typeof UpdateOrderSchema>

/** Query of `GET /api/orders`. Query values are text: numbers and lists are read from it. */
export const OrderListQuerySchema = v.strictObject({
  guestId: v.optional(UuidSchema),
  station: v.optional(v.pipe(StationIdSchema, v.description("only this station's orders"))),
  status: v.optional(
    v.pipe(
      v.string(),
      v.description('comma-separated statuses'),
      v.transform((s) => s.split(',')),
      v.array(v.picklist(orderStatuses, 'unknown status')),
    ),
  ),
  since: v.optional(
    v.pipe(v.string(), v.isoTimestamp('since must be an ISO 8601 timestamp'), v.description('updated at or after')),
  ),
  limit: v.optional(v.pipe(v.string(), v.toNumber(), v.integer(), v.minValue(1), v.maxValue(500)), '100'),
  cursor: v.optional(v.string()),
  event: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^(current|all|[1-9][0-9]{0,8})$/, 'event is current, all or an event id'),
      v.description('current (the default), all, or an event id'),
    ),
    'current',
  ),
  format: v.optional(v.picklist(['json', 'csv'], 'format is json or csv'), 'json'),
})

/** A timestamp as the API and the messages give it: ISO 8601 in UTC, as `Date#toISOString` writes it. */
export const TimestampSchema = v.pipe(v.string(), v.isoTimestamp('must be an ISO 8601 timestamp'))

/**
 * An order as the API answers it and the messages carry it. Readers (the page, the printer
 * bridge) check what they receive against it; the OpenAPI document is generated from it.
 */
export const OrderSchema = v.object({
  id: v.pipe(v.string(), v.uuid()),
  /** Short pickup number the bar calls out; counted from 1 in each event. */
  number: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('pickup number, from 1 in each event')),
  /** The event the order belongs to (`Event.id`). */
  eventId: v.pipe(v.number(), v.integer(), v.minValue(1), v.description('the event it was placed in')),
  guestId: v.pipe(v.string(), v.uuid()),
  nickname: v.string(),
  drinkId: v.string(),
  /** The station of the drink when it was ordered: where it is made and picked up. */
  station: v.optional(v.pipe(StationIdSchema, v.description('where it is made and picked up'))),
  quantity: v.pipe(v.number(), v.integer(), v.minValue(1)),
  note: v.string(),
  status: v.picklist(orderStatuses),
  createdAt: TimestampSchema,
  updatedAt: TimestampSchema,
})
export type Order = v.InferOutput<typeof OrderSchema>
