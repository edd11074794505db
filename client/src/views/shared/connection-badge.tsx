import type { ReadonlySignal } from '@preact/signals-core'
import type { Messages } from '../../i18n/guest-messages.ts'
import type { LiveState } from '../../lib/live-connection.ts'

/** Whether live updates arrive; a status region, so a drop is announced too. */
export function ConnectionBadge({ state, messages }: { state: ReadonlySignal<LiveState>; messages: Messages }) {
  return (
    <p class={`connection connection-${state.value}`} role="status" data-testid="connection">
      <span class="connection-dot" aria-hidden="true" />
      {messages[`connection_${state.value}`]}
    </p>
  )
}
