import type { Order } from '../../../../contract/index.ts'
import { nextStatus } from '../../../../contract/index.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import type { BarModel } from '../../models/bar-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { drinkName } from '../../models/menu-model.ts'
import { minutesText, waitedMinutes, waitLevel } from '../../models/wait-time.ts'

interface OrderCardProps {
  order: Order
  bar: BarModel
  menu: MenuModel
  i18n: I18n<StaffMessages>
  /** Now, for the wait time. */
  now: number
  /** Minutes after which the card turns amber, orange, red. */
  thresholds: readonly number[]
  /** Runs one of the bar's moves of this order; the queue moves the keyboard on. */
  onMove: (order: Order, move: (order: Order) => Promise<void>) => void
}

/**
 * One order in the queue, the way the bar reads it across the room: number, drink, who, and
 * how long the guest has waited, in words and in colour.
 */
export function OrderCard({ order, bar, menu, i18n, now, thresholds, onMove }: OrderCardProps) {
  const messages = i18n.messages.value
  const busy = bar.busy.value.has(order.id)
  const headingId = `ticket-${order.id}`
  const next = nextStatus(order.status)
  // The guest's wait counts until the drink is ready; after that it is theirs to pick up.
  const waiting = order.status === 'placed' || order.status === 'preparing'
  const level = waiting ? waitLevel(order.createdAt, now, thresholds) : 0
  return (
    <article
      class={`ticket ticket-${order.status} wait-${level}`}
      aria-labelledby={headingId}
      data-testid="order-card"
      data-order-id={order.id}
      data-status={order.status}
      data-wait={level}
      tabIndex={-1}
    >
      <header class="ticket-head">
        <h3 id={headingId} class="ticket-number">
          <span class="visually-hidden">{messages.pickupNumber} </span>
          {i18n.pickup(order.number)}
        </h3>
        <time dateTime={order.createdAt}>{i18n.time(order.createdAt)}</time>
      </header>
      <p class="ticket-drink">
        {i18n.t('orderLine', {
          quantity: i18n.number(order.quantity),
          drink: drinkName(menu.byId.value, order.drinkId, i18n.locale.value),
        })}
      </p>
      <p class="ticket-nickname">{order.nickname}</p>
      {order.note && <p class="ticket-note">{order.note}</p>}
      {waiting && (
        <p class="ticket-wait" data-testid="wait">
          {i18n.t('waiting', { time: minutesText(i18n.locale.value, waitedMinutes(order.createdAt, now)) })}
        </p>
      )}
      <div class="actions">
        {next && (
          <button
            type="button"
            class="primary"
            data-testid="advance"
            aria-busy={busy}
            disabled={busy}
            onClick={() => onMove(order, bar.advance)}
          >
            <span class="label">{messages[`advance_${order.status as 'placed' | 'preparing' | 'ready'}`]}</span>
          </button>
        )}
        {/* One tap, like every move: the undo bar takes it back for a few seconds. */}
        <button
          type="button"
          class="danger"
          data-testid="cancel-order"
          disabled={busy}
          onClick={() => onMove(order, bar.cancel)}
        >
          <span class="label">{messages.cancel}</span>
        </button>
      </div>
    </article>
  )
}
