import { limits } from '../../../../contract/order-status.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { problemText } from '../shared/problem-text.ts'
import { DrinkPicker } from './drink-picker.tsx'
import { QuantitySelect } from './quantity-select.tsx'

export function OrderForm({ guest, menu, i18n }: { guest: GuestModel; menu: MenuModel; i18n: I18n }) {
  const messages = i18n.messages.value
  const problem = guest.problem.value
  const placing = guest.placing.value
  const outcome = guest.outcome.value
  return (
    <section class="card" aria-labelledby="order-heading">
      <h2 id="order-heading">{messages.guestTitle}</h2>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault()
          const form = event.currentTarget
          void guest.place()
          // The check runs before anything is sent: the keyboard goes to what is missing.
          const missing = guest.problem.peek()?.code
          const field =
            missing === 'nickname_missing'
              ? form.querySelector('#nickname')
              : missing === 'drink_missing' || missing === 'sold_out'
                ? form.querySelector('[data-drink]:not(:disabled)')
                : null
          ;(field as HTMLElement | null)?.focus()
        }}
      >
        <div class="field">
          <label for="nickname">{messages.nickname}</label>
          <input
            id="nickname"
            name="nickname"
            data-testid="nickname"
            autocomplete="nickname"
            maxLength={limits.nicknameLength}
            required
            aria-describedby="nickname-hint"
            value={guest.nickname.value}
            onInput={(event) => guest.setNickname(event.currentTarget.value)}
          />
          <p id="nickname-hint" class="hint">
            {messages.nicknameHint}
          </p>
        </div>
        <fieldset class="field">
          <legend>{messages.menu}</legend>
          <DrinkPicker
            drinks={menu.drinks.value}
            selected={guest.drinkId.value}
            locale={i18n.locale.value}
            messages={messages}
            onChoose={guest.chooseDrink}
          />
        </fieldset>
        <div class="field-row">
          <div class="field">
            <label for="quantity">{messages.quantity}</label>
            <QuantitySelect
              id="quantity"
              value={guest.quantity.value}
              format={i18n.number}
              onChange={guest.setQuantity}
            />
          </div>
          <div class="field grow">
            <label for="note">{messages.note}</label>
            <input
              id="note"
              name="note"
              maxLength={limits.noteLength}
              value={guest.note.value}
              onInput={(event) => guest.setNote(event.currentTarget.value)}
            />
          </div>
        </div>
        {problem && (
          <p class="problem" role="alert">
            {problemText(messages, problem)}
          </p>
        )}
        <button type="submit" class="primary wide" aria-busy={placing} data-testid="place-order">
          {placing ? messages.ordering : messages.order}
        </button>
        <p class="outcome" role="status" data-testid="order-outcome">
          {outcome &&
            ('placed' in outcome
              ? i18n.t('placedNote', { number: i18n.pickup(outcome.placed.number) })
              : guest.busy.value
                ? messages.busy
                : messages.queuedNote)}
        </p>
      </form>
    </section>
  )
}
