import type { Order } from '../../../../contract/index.ts'
import { isOpen } from '../../../../contract/index.ts'
import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { GuestModel } from '../../models/guest-model.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { drinkName } from '../../models/menu-model.ts'
import type { OrderEditor } from '../../models/order-editor.ts'
import type { OrderMemory } from '../../models/order-memory.ts'
import type { OrderOutbox, QueuedOrder } from '../../models/order-outbox.ts'
import type { ReadyNotifier } from '../../models/ready-notifier.ts'
import { problemText } from '../shared/problem-text.ts'
import { ChangeForm } from './change-form.tsx'
import { ConfirmButton } from './confirm-button.tsx'
import { NotifyOffer } from './notify-offer.tsx'

/** The three models the list reads: not the whole app, whose module loads this one. */
interface MyOrdersProps {
  guest: GuestModel
  menu: MenuModel
  outbox: OrderOutbox
  editor: OrderEditor
  notifier: ReadyNotifier
  memory: OrderMemory
  i18n: I18n
}

/**
 * The guest's orders: those waiting for the network, the open ones with their status (change
 * and cancel while still placed), and the earlier ones folded away.
 */
export function MyOrders({ guest, menu, outbox, editor, notifier, memory, i18n }: MyOrdersProps) {
  const messages = i18n.messages.value
  const orders = guest.orders.value
  const queued = guest.queued.value
  const open = orders.filter((order) => isOpen(order.status))
  const earlier = orders.filter((order) => !isOpen(order.status))
  const refused = outbox.problem.value
  const editProblem = editor.editing.value ? null : editor.problem.value
  const asOf = memory.asOf.value
  return (
    <section class="card" aria-labelledby="mine-heading">
      <h2 id="mine-heading">{messages.yourOrders}</h2>
      {/* Kept on the device from the last visit; the server has not confirmed them since. */}
      {asOf && (
        <p class="hint" data-testid="orders-as-of">
          {i18n.t('lastKnown', { time: i18n.time(asOf) })}
        </p>
      )}
      {refused && (
        <p class="problem" role="alert">
          {i18n.t('queuedFailed', { reason: problemText(messages, refused) })}
        </p>
      )}
      {editProblem && (
        <p class="problem" role="alert">
          {problemText(messages, editProblem)}
        </p>
      )}
      {orders.length + queued.length === 0 && <p class="muted">{messages.noOrders}</p>}
      {queued.length + open.length > 0 && (
        <ul class="order-list">
          {queued.map((order) => (
            <QueuedItem key={order.id} order={order} menu={menu} outbox={outbox} i18n={i18n} />
          ))}
          {open.map((order) => (
            <OrderItem key={order.id} order={order} editor={editor} menu={menu} i18n={i18n} />
          ))}
        </ul>
      )}
      {/* Only while a drink is still to come: once it is ready there is nothing to notify. */}
      {open.some((order) => order.status !== 'ready') && (
        <NotifyOffer notifier={notifier} messages={messages} locale={i18n.locale.value} />
      )}
      {earlier.length > 0 && (
        <details class="earlier">
          <summary>
            {messages.earlierOrders} ({i18n.number(earlier.length)})
          </summary>
          <ul class="order-list">
            {earlier.map((order) => (
              <OrderItem key={order.id} order={order} editor={editor} menu={menu} i18n={i18n} />
            ))}
          </ul>
        </details>
      )}
    </section>
  )
}

function QueuedItem({
  order,
  menu,
  outbox,
  i18n,
}: {
  order: QueuedOrder
  menu: MenuModel
  outbox: OrderOutbox
  i18n: I18n
}) {
  const messages = i18n.messages.value
  return (
    <li class="order queued" data-testid="queued-order" data-order-id={order.id}>
      <p class="pickup" aria-hidden="true">
        …
      </p>
      <div class="order-body">
        <p class="order-drink">
          {i18n.t('orderLine', {
            quantity: i18n.number(order.quantity ?? 1),
            drink: drinkName(menu.byId.value, order.drinkId, i18n.locale.value),
          })}
        </p>
        {order.note && <p class="order-note">{order.note}</p>}
        <p class="order-meta">
          {outbox.busy.value ? (
            <span class="status" data-status="busy">
              {messages.busy}
            </span>
          ) : (
            <>
              <span class="status" data-status="queued">
                {messages.queued}
              </span>{' '}
              {messages.queuedHelp}
            </>
          )}
        </p>
        <div class="actions">
          <button type="button" onClick={() => outbox.remove(order.id)}>
            {messages.dontSend}
          </button>
        </div>
      </div>
    </li>
  )
}

interface OrderItemProps {
  order: Order
  editor: OrderEditor
  menu: MenuModel
  i18n: I18n
}

function OrderItem({ order, editor, menu, i18n }: OrderItemProps) {
  const messages = i18n.messages.value
  const editing = editor.editing.value?.orderId === order.id
  const busy = editor.busy.value.has(order.id)
  return (
    <li class={`order status-${order.status}`} data-testid="guest-order" data-order-id={order.id}>
      <p class="pickup">
        <span class="visually-hidden">{messages.pickupNumber} </span>
        {i18n.pickup(order.number)}
      </p>
      <div class="order-body">
        <p class="order-drink">
          {i18n.t('orderLine', {
            quantity: i18n.number(order.quantity),
            drink: drinkName(menu.byId.value, order.drinkId, i18n.locale.value),
          })}
        </p>
        {order.note && <p class="order-note">{order.note}</p>}
        <p class="order-meta">
          <span class="status" data-testid="order-status" data-status={order.status}>
            {messages[statusKey(order.status)]}
          </span>{' '}
          <time dateTime={order.createdAt}>{i18n.t('orderedAt', { time: i18n.time(order.createdAt) })}</time>
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
