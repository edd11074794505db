import type { Order } from '../../../../contract/index.ts'
import { fill, statusKey } from '../../i18n/dictionary.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { drinkName } from '../../models/menu-model.ts'
import type { OrderEditor } from '../../models/order-editor.ts'
import { ConfirmButton } from '../shared/confirm-button.tsx'
import { ChangeForm } from './change-form.tsx'

interface OrdersProps {
  guest: GuestModel
  editor: OrderEditor
  menu: MenuModel
  i18n: I18n
}

/** The guest's orders, newest first, with their status; change and cancel while still placed. */
export function MyOrders({ guest, editor, menu, i18n }: OrdersProps) {
  const messages = i18n.messages.value
  const orders = guest.orders.value
  return (
    <section class="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">{messages.yourOrders}</h2>
      {orders.length === 0 ? (
        <p class="muted">{messages.noOrders}</p>
      ) : (
        <ul class="order-list">
          {orders.map((order) => (
            <OrderItem key={order.id} order={order} guest={guest} editor={editor} menu={menu} i18n={i18n} />
          ))}
        </ul>
      )}
    </section>
  )
}

function OrderItem({ order, editor, menu, i18n }: OrdersProps & { order: Order }) {
  const messages = i18n.messages.value
  const editing = editor.editing.value?.orderId === order.id
  const busy = editor.busy.value.has(order.id)
  return (
    <li class={`order status-${order.status}`} data-testid="guest-order" data-order-id={order.id}>
      <p class="pickup">
        <span class="visually-hidden">{messages.pickupNumber} </span>
        {order.number}
      </p>
      <div class="order-body">
        <p class="order-drink">
          {order.quantity} × {drinkName(menu.byId.value, order.drinkId, i18n.locale.value)}
        </p>
        {order.note && <p class="order-note">{order.note}</p>}
        <p class="order-meta">
          <span class="status" data-testid="order-status" data-status={order.status}>
            {messages[statusKey(order.status)]}
          </span>{' '}
          <time dateTime={order.createdAt}>
            {fill(messages.orderedAt, { time: i18n.time.value.format(new Date(order.createdAt)) })}
          </time>
        </p>
        {order.status === 'placed' && !editing && (
          <div class="actions">
            <button type="button" disabled={busy} onClick={() => editor.edit(order)}>
              {messages.change}
            </button>
            <ConfirmButton
              class="danger"
              label={messages.cancel}
              confirmLabel={messages.confirmCancel}
              disabled={busy}
              testId="cancel-order"
              onConfirm={() => void editor.cancel(order.id)}
            />
          </div>
        )}
        {editing && <ChangeForm editor={editor} menu={menu} i18n={i18n} />}
      </div>
    </li>
  )
}
