import type { Order } from '../../../../contract/index.ts'
import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { type QueueStatus, queueStatuses } from '../../models/bar-queue.ts'
import type { BarApp } from './bar-app.ts'
import { OrderCard } from './order-card.tsx'

/**
 * Full cards that fit one above the other on a landscape tablet; when a column holds more, every
 * card turns compact, so that a rush still fits the screen without scrolling the page.
 */
export const fullCardsPerColumn = 3

/** Keyboard focus on a card's first button that works, else on the card, else on the queue. */
function focusCard(id: string | undefined) {
  const card = id ? document.querySelector<HTMLElement>(`[data-order-id="${id}"]`) : null
  const target = card?.querySelector<HTMLElement>('button:not([disabled])') ?? card
  ;(target ?? document.getElementById('queue-heading'))?.focus()
}

/** The live queue: one column per open status, oldest order on top. */
export function QueueBoard({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const columns = app.queue.columns.value
  const now = app.clock.now.value
  const thresholds = app.config.value.waitMinutes
  const compact = queueStatuses.some((status) => columns[status].length > fullCardsPerColumn)

  // The tapped card leaves its column; the keyboard goes on to the card that takes its place
  // (or the one before it) instead of falling back to the page.
  const onMove = (order: Order, move: (order: Order) => Promise<void>) => {
    const column = columns[order.status as QueueStatus] ?? []
    const at = column.findIndex((o) => o.id === order.id)
    const next = column[at + 1] ?? column[at - 1] ?? order
    void move(order)
    focusCard(next.id)
  }

  return (
    <section class={`queue${compact ? ' compact' : ''}`} aria-labelledby="queue-heading">
      <h2 id="queue-heading" class="visually-hidden" tabIndex={-1}>
        {messages.queue}
      </h2>
      {queueStatuses.map((status) => (
        <section key={status} class={`queue-column column-${status}`} aria-labelledby={`column-${status}`}>
          <h3 id={`column-${status}`}>
            {messages[statusKey(status)]} <span class="count">{i18n.number(columns[status].length)}</span>
          </h3>
          {columns[status].length === 0 ? (
            <p class="muted">{messages.emptyColumn}</p>
          ) : (
            <div class="tickets">
              {columns[status].map((order) => (
                <OrderCard
                  key={order.id}
                  order={order}
                  bar={app.bar}
                  menu={app.menu}
                  i18n={i18n}
                  now={now}
                  thresholds={thresholds}
                  onMove={onMove}
                />
              ))}
            </div>
          )}
        </section>
      ))}
    </section>
  )
}
