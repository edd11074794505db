import type { ReadonlySignal } from '@preact/signals-core'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'
import { problemText } from '../shared/problem-text.ts'
import { TokenGate } from '../shared/token-gate.tsx'
import type { BarApp } from './bar-app.ts'
import { DrinkSwitches } from './drink-switches.tsx'
import { NewEvent } from './new-event.tsx'
import { OrdersTable } from './orders-table.tsx'
import { QueueBoard } from './queue-board.tsx'
import { StatusNotices } from './status-notices.tsx'
import { TallyPanel } from './tally-panel.tsx'
import { UndoBar } from './undo-bar.tsx'

interface BarViewProps {
  app: BarApp
  i18n: I18n<StaffMessages>
  /** Whether the browser lets the page play the beep yet. */
  audible: ReadonlySignal<boolean>
  onSound: (on: boolean) => void
}

export function BarView({ app, i18n, audible, onSound }: BarViewProps) {
  const messages = i18n.messages.value
  const problem = app.bar.problem.value
  const signedIn = Boolean(app.auth.token.value)
  const sound = app.sound.value
  const eventName = app.menu.event.value?.name
  return (
    <>
      <header class="top">
        <h1>
          {messages.barTitle}
          {app.station && (
            <span class="station-name" data-testid="station-name">
              {' · '}
              {app.place.value?.name ?? app.station}
            </span>
          )}
        </h1>
        {eventName && (
          <p class="event-name" data-testid="event-name">
            {eventName}
          </p>
        )}
        {signedIn && <ConnectionBadge state={app.live.state} messages={messages} />}
        {signedIn && (
          <button
            type="button"
            class="toggle"
            aria-pressed={sound}
            aria-describedby={sound && !audible.value ? 'sound-hint' : undefined}
            data-testid="sound"
            onClick={() => onSound(!sound)}
          >
            {messages.sound}
          </button>
        )}
        {signedIn && <NewEvent app={app} i18n={i18n} />}
        <LanguageSwitch i18n={i18n} />
        {signedIn && sound && !audible.value && (
          <p id="sound-hint" class="hint sound-hint">
            {messages.soundHint}
          </p>
        )}
      </header>
      {signedIn ? (
        <main class="bar">
          {problem && (
            <p class="problem" role="alert">
              {problemText(messages, problem)}
            </p>
          )}
          <StatusNotices app={app} i18n={i18n} />
          <QueueBoard app={app} i18n={i18n} />
          <div class="bar-side">
            <TallyPanel app={app} i18n={i18n} />
            <DrinkSwitches app={app} i18n={i18n} />
          </div>
          <OrdersTable app={app} i18n={i18n} />
          <UndoBar bar={app.bar} i18n={i18n} />
        </main>
      ) : (
        <TokenGate auth={app.auth} messages={messages} />
      )}
    </>
  )
}
