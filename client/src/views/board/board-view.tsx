import type { ReadonlySignal } from '@preact/signals-core'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { LiveState } from '../../lib/live-connection.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'

interface BoardViewProps {
  /** The ready pickup numbers, oldest first. */
  numbers: readonly number[]
  /** The current event's name; empty while unknown. */
  eventName: string
  state: ReadonlySignal<LiveState>
  i18n: I18n<StaffMessages>
}

/** The public pickup screen: ready numbers only, never a nickname. */
export function BoardView({ numbers, eventName, state, i18n }: BoardViewProps) {
  const messages = i18n.messages.value
  return (
    <main class="board">
      <h1>
        {eventName && (
          <span class="board-event" data-testid="event-name">
            {eventName}
          </span>
        )}
        {messages.boardTitle}
      </h1>
      {numbers.length === 0 && <p class="board-empty">{messages.boardEmpty}</p>}
      <ul class="board-numbers" aria-live="polite" data-testid="board-numbers">
        {numbers.map((number) => (
          <li key={number}>{i18n.pickup(number)}</li>
        ))}
      </ul>
      <footer class="board-foot">
        <ConnectionBadge state={state} messages={messages} />
        <LanguageSwitch i18n={i18n} />
      </footer>
    </main>
  )
}
