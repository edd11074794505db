import * as v from 'valibot'
import { EventSchema } from './event.ts'

export { type Locale, locales } from './locales.ts'

export const DrinkIdSchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'a drink id is lowercase letters, digits and dashes'),
)

/** A station (a counter of the venue): a short slug, part of its topics `bar/stations/<id>/…`. */
export const StationIdSchema = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9-]{1,32}$/, 'a station id is 1 to 32 lowercase letters, digits and dashes'),
)

/** A text in each of the four languages. */
const TranslatedSchema = v.object({ en: v.string(), de: v.string(), fr: v.string(), it: v.string() })
export type Translated = v.InferOutput<typeof TranslatedSchema>

export const DrinkSchema = v.object({
  id: DrinkIdSchema,
  name: TranslatedSchema,
  image: v.optional(v.string()),
  available: v.boolean(),
  /** The station that makes it and where it is picked up; none: the one bar of a small event. */
  station: v.optional(StationIdSchema),
})
export type Drink = v.InferOutput<typeof DrinkSchema>

export const StationSchema = v.object({
  id: StationIdSchema,
  name: TranslatedSchema,
  /** Where guests pick up, e.g. "left of the stage". */
  location: v.optional(TranslatedSchema),
})
export type Station = v.InferOutput<typeof StationSchema>

/**
 * Body of `GET /api/menu` and payload of the retained `public/menu`. The server always sends
 * `stations`; a reader takes a menu without (retained before stations existed) as none. `event`
 * is the current event: a new one tells every page that the previous event's orders are gone
 * from the live views.
 */
export const MenuSchema = v.object({
  drinks: v.array(DrinkSchema),
  stations: v.optional(v.array(StationSchema)),
  event: v.optional(EventSchema),
})
export type Menu = v.InferOutput<typeof MenuSchema>

/** Body of the answer to `PUT /api/menu/:drinkId`. */
export const DrinkBodySchema = v.object({ drink: DrinkSchema })

/** The bar's change to a drink (`PUT /api/menu/:drinkId`); `station: null` takes it off any station. */
export const DrinkUpdateSchema = v.strictObject({
  available: v.optional(v.boolean()),
  station: v.optional(v.nullable(StationIdSchema)),
})
export type DrinkUpdate = v.InferOutput<typeof DrinkUpdateSchema>

/** Characters of a station's name, in each language. */
const stationNameLength = 40
/** Characters of where to pick up, in each language. */
const stationLocationLength = 80

export const stationLimits = {
  /** Stations of a menu: each is a column of the pickup board and a part of every menu message. */
  count: 32,
  name: stationNameLength,
  location: stationLocationLength,
} as const

// Marked pure, as valibot's own functions are: a bundle that uses none of these schemas (the
// guest page) then leaves valibot out.
/** One line of text a guest reads: trimmed, no control characters or line breaks. */
/* @__NO_SIDE_EFFECTS__ */
function line(max: number) {
  return v.pipe(
    v.string(),
    v.trim(),
    v.minLength(1, 'a text is needed in every language'),
    v.maxLength(max, `at most ${max} characters`),
    v.regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, 'no control characters or line breaks'),
  )
}

/* @__NO_SIDE_EFFECTS__ */
function translatedLine(max: number) {
  return v.strictObject({ en: line(max), de: line(max), fr: line(max), it: line(max) })
}

/** Body of `PUT /api/stations/:stationId`: the station as it is to be, created when new. */
export const StationPutSchema = v.strictObject({
  // Plain constants, not `stationLimits.name`: a bundle keeps a property read it cannot prove harmless.
  name: translatedLine(stationNameLength),
  location: v.optional(v.nullable(translatedLine(stationLocationLength))),
})
export type StationPut = v.InferOutput<typeof StationPutSchema>

/** Body of the answer to `PUT /api/stations/:stationId`. */
export const StationBodySchema = v.object({ station: StationSchema })
