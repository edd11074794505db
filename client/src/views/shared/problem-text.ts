import type { ErrorCode } from '../../../../contract/index.ts'
import { limits } from '../../../../contract/order-status.ts'
import { fill } from '../../i18n/format.ts'
import type { MessageKey, Messages } from '../../i18n/guest-messages.ts'
import type { Problem } from '../../models/problem.ts'

/**
 * Codes of the API a guest reads as "something went wrong" (the fallback below): nothing more to
 * say. The stations' codes answer only the bar's own HTTP calls, which no page makes.
 */
type Internal =
  | 'malformed_json'
  | 'unsupported_media_type'
  | 'id_conflict'
  | 'http_error'
  | 'station_in_use'
  | 'too_many_stations'

/** Codes of the API a guest reads in the words of another. */
const alias = {
  body_too_large: 'error_invalid_input',
  unauthorized: 'error_forbidden',
  // "Busy, try again in a moment" fits both; the page sends a kept order again by itself.
  overloaded: 'error_unavailable',
} as const satisfies Partial<Record<ErrorCode, MessageKey>>

// Every other code of the API has words of its own, `error_<code>`: a new code in the contract
// does not compile until it has them (or an alias).
type Unworded = Exclude<`error_${Exclude<ErrorCode, keyof typeof alias | Internal>}`, MessageKey>
export const everyCodeWorded: [Unworded] extends [never] ? true : Unworded = true

/**
 * The page's own words for a problem: each error code of the API (the code is the contract; the
 * server's English message is for logs), and the page's own (`network`, `nickname_missing`…).
 * A code this page does not know yet reads as "something went wrong".
 */
export function problemText(messages: Messages, problem: Problem): string {
  const key = alias[problem.code as keyof typeof alias] ?? `error_${problem.code}`
  return fill(messages[key in messages ? (key as MessageKey) : 'error_internal'], { n: limits.openOrders })
}
