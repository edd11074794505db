import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { drinkName } from '../../models/menu-model.ts'
import type { BarApp } from './bar-app.ts'

/** How many of each drink are still to make (placed and preparing). */
export function TallyPanel({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const lines = app.queue.tally.value
  return (
    <section class="card tally" aria-labelledby="tally-heading">
      <h2 id="tally-heading">{messages.toMake}</h2>
      {lines.length === 0 ? (
        <p class="muted">{messages.nothingToMake}</p>
      ) : (
        <ul data-testid="tally">
          {lines.map((line) => (
            <li key={line.drinkId}>
              <span class="tally-quantity">{i18n.number(line.quantity)}</span>
              <span>× {drinkName(app.menu.byId.value, line.drinkId, i18n.locale.value)}</span>
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
