import type { Order } from '../../../../contract/index.ts'
import { nextStatus } from '../../../../contract/index.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { BarModel } from '../../models/bar-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { drinkName } from '../../models/menu-model.ts'
import { ConfirmButton } from '../shared/confirm-button.tsx'

interface OrderCardProps {
  order: Order
  bar: BarModel
  menu: MenuModel
  i18n: I18n<StaffMessages>
}

/** One order in the queue, the way the bar reads it across the room: number, drink, who. */
export function OrderCard({ order, bar, menu, i18n }: OrderCardProps) {
  const messages = i18n.messages.value
  const busy = bar.busy.value.has(order.id)
  const headingId = `ticket-${order.id}`
  const next = nextStatus(order.status)
  return (
    <article
      class={`ticket ticket-${order.status}`}
      aria-labelledby={headingId}
      data-testid="order-card"
      data-order-id={order.id}
      data-status={order.status}
    >
      <header class="ticket-head">
        <h3 id={headingId} class="ticket-number">
          <span class="visually-hidden">{messages.pickupNumber} </span>
          {order.number}
        </h3>
        <time dateTime={order.createdAt}>{i18n.time.value.format(new Date(order.createdAt))}</time>
      </header>
      <p class="ticket-drink">
        {order.quantity} × {drinkName(menu.byId.value, order.drinkId, i18n.locale.value)}
      </p>
      <p class="ticket-nickname">{order.nickname}</p>
      {order.note && <p class="ticket-note">{order.note}</p>}
      <div class="actions">
        {next && (
          <button
            type="button"
            class="primary"
            data-testid="advance"
            aria-busy={busy}
            disabled={busy}
            onClick={() => void bar.advance(order)}
          >
            {messages[`advance_${order.status as 'placed' | 'preparing' | 'ready'}`]}
          </button>
        )}
        <ConfirmButton
          class="danger"
          label={messages.cancel}
          confirmLabel={messages.confirmCancel}
          disabled={busy}
          testId="cancel-order"
          onConfirm={() => void bar.cancel(order)}
        />
      </div>
    </article>
  )
}
