import { limits } from '../../../../contract/index.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import type { OrderEditor } from '../../models/order-editor.ts'
import { problemText } from '../shared/problem-text.ts'
import { QuantitySelect } from './quantity-select.tsx'

/** Takes the keyboard to the form when it opens; one function, so re-renders leave focus alone. */
const focusOnOpen = (element: HTMLElement | null) => element?.focus()

/** Changes an order that is still placed: drink, quantity, note. */
export function ChangeForm({ editor, menu, i18n }: { editor: OrderEditor; menu: MenuModel; i18n: I18n }) {
  const draft = editor.editing.value
  if (!draft) return null
  const messages = i18n.messages.value
  const problem = editor.problem.value
  const id = (field: string) => `${field}-${draft.orderId}`
  return (
    <form
      class="change-form"
      onSubmit={(event) => {
        event.preventDefault()
        void editor.save()
      }}
    >
      <div class="field">
        <label for={id('drink')}>{messages.drink}</label>
        <select
          id={id('drink')}
          ref={focusOnOpen}
          value={draft.drinkId}
          onChange={(event) => editor.updateDraft({ drinkId: event.currentTarget.value })}
        >
          {(menu.drinks.value ?? []).map((drink) => (
            <option key={drink.id} value={drink.id} disabled={!drink.available && drink.id !== draft.drinkId}>
              {drink.name[i18n.locale.value]}
              {drink.available ? '' : ` (${messages.soldOut})`}
            </option>
          ))}
        </select>
      </div>
      <div class="field-row">
        <div class="field">
          <label for={id('quantity')}>{messages.quantity}</label>
          <QuantitySelect
            id={id('quantity')}
            value={draft.quantity}
            format={i18n.number}
            onChange={(quantity) => editor.updateDraft({ quantity })}
          />
        </div>
        <div class="field grow">
          <label for={id('note')}>{messages.note}</label>
          <input
            id={id('note')}
            maxLength={limits.noteLength}
            value={draft.note}
            onInput={(event) => editor.updateDraft({ note: event.currentTarget.value })}
          />
        </div>
      </div>
      {problem && (
        <p class="problem" role="alert">
          {problemText(messages, problem)}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" aria-busy={editor.busy.value.has(draft.orderId)}>
          {messages.save}
        </button>
        <button type="button" onClick={() => editor.edit(null)}>
          {messages.back}
        </button>
      </div>
    </form>
  )
}
