import type { ErrorCode } from '../../../../contract/index.ts'
import { limits } from '../../../../contract/index.ts'
import { fill } from '../../i18n/format.ts'
import type { MessageKey, Messages } from '../../i18n/guest-messages.ts'
import type { Problem } from '../../models/problem.ts'

/**
 * The page's own words for each error code of the API (the code is the contract; the server's
 * message is English, for logs), and for the page's own problems. The type makes a new code of
 * the API a compile error here until it has words.
 */
const words: Readonly<Record<ErrorCode | 'network' | 'nickname_missing' | 'drink_missing', MessageKey>> = {
  invalid_input: 'error_invalid_input',
  malformed_json: 'error_internal',
  unsupported_media_type: 'error_internal',
  body_too_large: 'error_invalid_input',
  unauthorized: 'error_forbidden',
  forbidden: 'error_forbidden',
  not_found: 'error_not_found',
  id_conflict: 'error_internal',
  sold_out: 'error_sold_out',
  too_many_open_orders: 'error_too_many_open_orders',
  invalid_transition: 'error_invalid_transition',
  not_editable: 'error_not_editable',
  not_undoable: 'error_not_undoable',
  undo_expired: 'error_undo_expired',
  rate_limited: 'error_rate_limited',
  http_error: 'error_internal',
  internal: 'error_internal',
  unavailable: 'error_unavailable',
  network: 'error_network',
  nickname_missing: 'error_nickname_missing',
  drink_missing: 'error_drink_missing',
}

/** A problem in the reader's language; a code this page does not know reads as "went wrong". */
export function problemText(messages: Messages, problem: Problem): string {
  const key = words[problem.code as keyof typeof words] ?? 'error_internal'
  return fill(messages[key], { n: limits.openOrders })
}
