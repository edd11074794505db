import { limits } from '../../../../contract/index.ts'
import { fill } from '../../i18n/format.ts'
import type { Messages } from '../../i18n/guest-messages.ts'
import type { Problem } from '../../models/problem.ts'

/** A problem in the reader's language where we know the code, else the server's own message. */
export function problemText(messages: Messages, problem: Problem): string {
  const key = `error_${problem.code}`
  if (key in messages) return fill(messages[key as keyof Messages], { n: limits.openOrders })
  return problem.message || messages.error_network
}
