import type { ReadonlySignal } from '@preact/signals-core'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { LiveState } from '../../lib/live-connection.ts'
import type { BarAuth } from '../../models/bar-auth.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'
import { TokenGate } from '../shared/token-gate.tsx'

interface BoardViewProps {
  auth: BarAuth
  numbers: ReadonlySignal<readonly number[]>
  state: ReadonlySignal<LiveState>
  i18n: I18n<StaffMessages>
}

/** The public pickup screen: ready numbers only, never a nickname. */
export function BoardView({ auth, numbers, state, i18n }: BoardViewProps) {
  const messages = i18n.messages.value
  if (!auth.token.value) return <TokenGate auth={auth} messages={messages} />
  const ready = numbers.value
  return (
    <main class="board">
      <h1>{messages.boardTitle}</h1>
      {ready.length === 0 && <p class="board-empty">{messages.boardEmpty}</p>}
      <ul class="board-numbers" aria-live="polite" data-testid="board-numbers">
        {ready.map((number) => (
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
