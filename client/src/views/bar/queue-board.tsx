import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { StaffMessages } from '../../i18n/staff-dictionary.ts'
import { queueStatuses } from '../../models/bar-queue.ts'
import type { BarApp } from './bar-app.ts'
import { OrderCard } from './order-card.tsx'

/** The live queue: one column per open status, oldest order on top. */
export function QueueBoard({ app, i18n }: { app: BarApp; i18n: I18n<StaffMessages> }) {
  const messages = i18n.messages.value
  const columns = app.queue.columns.value
  const now = app.clock.now.value
  const thresholds = app.config.value.waitMinutes
  return (
    <section class="queue" aria-labelledby="queue-heading">
      <h2 id="queue-heading" class="visually-hidden">
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
            columns[status].map((order) => (
              <OrderCard
                key={order.id}
                order={order}
                bar={app.bar}
                menu={app.menu}
                i18n={i18n}
                now={now}
                thresholds={thresholds}
              />
            ))
          )}
        </section>
      ))}
    </section>
  )
}
