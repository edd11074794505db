import type { ReadonlySignal } from '@preact/signals-core'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { LiveState } from '../../lib/live-connection.ts'
import type { PickupColumn } from '../../models/pickup-columns.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'

interface BoardViewProps {
  /** The ready pickup numbers, oldest first, per station when the event has stations. */
  columns: readonly PickupColumn[]
  /** The station this board stands at, when it shows one. */
  station: string | null
  /** The current event's name; empty while unknown. */
  eventName: string
  state: ReadonlySignal<LiveState>
  i18n: I18n<StaffMessages>
}

/** The public pickup screen: ready numbers only, never a nickname; where to pick them up. */
export function BoardView({ columns, station, eventName, state, i18n }: BoardViewProps) {
  const messages = i18n.messages.value
  const empty = columns.every((column) => column.numbers.length === 0)
  // A board of one station names it in its heading; one of all stations names each column.
  const own = station === null ? null : columns[0]?.place
  const titled = station === null && columns.some((column) => column.place)
  return (
    <main class="board">
      <header>
        <h1>
          {eventName && (
            <span class="board-event" data-testid="event-name">
              {eventName}
            </span>
          )}
          {messages.boardTitle}
          {own && <span data-testid="board-station">{` · ${own.name}`}</span>}
        </h1>
        {own?.location && <p class="board-location">{own.location}</p>}
      </header>
      {empty && <p class="board-empty">{messages.boardEmpty}</p>}
      <div class="board-columns">
        {columns.map((column) =>
          column.numbers.length === 0 ? null : (
            <section key={column.key} class="board-column" data-testid="board-column" data-station={column.key}>
              {titled && (
                <h2>
                  {column.place?.name ?? messages.boardOther}
                  {column.place?.location && <span class="board-location">{column.place.location}</span>}
                </h2>
              )}
              <ul class="board-numbers" aria-live="polite" data-testid="board-numbers">
                {column.numbers.map((number) => (
                  <li key={number}>{i18n.pickup(number)}</li>
                ))}
              </ul>
            </section>
          ),
        )}
      </div>
      <footer class="board-foot">
        <ConnectionBadge state={state} messages={messages} />
        <LanguageSwitch i18n={i18n} />
      </footer>
    </main>
  )
}
