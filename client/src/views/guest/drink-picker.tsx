import type { Drink, Locale } from '../../../../contract/index.ts'
import type { Messages } from '../../i18n/guest-messages.ts'

interface DrinkPickerProps {
  drinks: readonly Drink[] | null
  selected: string | null
  locale: Locale
  messages: Messages
  onChoose: (drinkId: string) => void
}

/** The menu as a grid of toggle buttons; sold-out drinks stay visible, greyed out, and cannot be picked. */
export function DrinkPicker({ drinks, selected, locale, messages, onChoose }: DrinkPickerProps) {
  if (!drinks) return <p class="muted">{messages.menuLoading}</p>
  if (drinks.length === 0) return <p class="muted">{messages.menuEmpty}</p>
  return (
    <div class="drink-grid">
      {drinks.map((drink) => (
        <button
          key={drink.id}
          type="button"
          class="drink"
          aria-pressed={drink.available && selected === drink.id}
          disabled={!drink.available}
          data-drink={drink.id}
          onClick={() => onChoose(drink.id)}
        >
          {drink.image && <img src={drink.image} alt="" width={40} height={40} loading="lazy" decoding="async" />}
          <span class="drink-name">{drink.name[locale]}</span>
          {!drink.available && <span class="badge">{messages.soldOut}</span>}
        </button>
      ))}
    </div>
  )
}
