import * as v from 'valibot'
import { maxGraphemes, minGraphemes } from './graphemes.ts'

/** Characters (grapheme clusters) an event's name may have. */
export const eventNameLength = 80

/** Composed (NFC) and trimmed; 1 to 80 characters; no control characters or line breaks. */
export const EventNameSchema = v.pipe(
  v.string(),
  v.normalize('NFC'),
  v.trim(),
  minGraphemes(1, 'an event needs a name'),
  maxGraphemes(eventNameLength, `an event name has at most ${eventNameLength} characters`),
  v.regex(/^[^\p{Cc}\p{Cf}\p{Zl}\p{Zp}]*$/u, 'an event name cannot contain control characters or line breaks'),
)

/**
 * An event: its orders count their pickup numbers from 1. The current event is the one started
 * last. `name` is empty for a first event that no `EVENT_NAME` named; pages show their own then.
 */
export const EventSchema = v.object({
  id: v.pipe(v.number(), v.integer(), v.minValue(1)),
  name: v.string(),
  startedAt: v.pipe(v.string(), v.isoTimestamp()),
})
export type Event = v.InferOutput<typeof EventSchema>

/** Body of `POST /api/events`: starts a new event. Unknown fields are refused. */
export const StartEventSchema = v.strictObject({ name: EventNameSchema })

/** Body of the answer to `POST /api/events`. */
export const EventBodySchema = v.object({ event: EventSchema })
