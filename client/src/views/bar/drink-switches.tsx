import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { BarApp } from './bar-app.ts'

/** One switch per drink (of the display's station): off means sold out, for every guest at once. */
export function DrinkSwitches({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const drinks = app.drinks.value
  return (
    <section class="card" aria-labelledby="availability-heading">
      <h2 id="availability-heading">{messages.availability}</h2>
      <ul class="switches">
        {drinks.map((drink) => (
          <li key={drink.id}>
            <label class="switch">
              <input
                type="checkbox"
                role="switch"
                aria-checked={drink.available}
                checked={drink.available}
                disabled={app.bar.busy.value.has(`drink:${drink.id}`)}
                onChange={(event) => void app.bar.setAvailable(drink.id, event.currentTarget.checked)}
              />
              <span>{drink.name[i18n.locale.value]}</span>
              {!drink.available && <span class="badge">{messages.soldOut}</span>}
            </label>
          </li>
        ))}
      </ul>
    </section>
  )
}
