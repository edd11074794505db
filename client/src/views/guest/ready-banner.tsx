import type { Messages } from '../../i18n/dictionary.ts'
import { fill } from '../../i18n/dictionary.ts'
import type { ReadyAlert } from '../../models/ready-alert.ts'

/** The moment the guest waited for: the pickup number, large, until they acknowledge it. */
export function ReadyBanner({ alert, messages }: { alert: ReadyAlert; messages: Messages }) {
  const ready = alert.ready.value
  if (ready.length === 0) return null
  return (
    <section class="ready-banner" role="alert" aria-labelledby="ready-heading" data-testid="ready-banner">
      <h2 id="ready-heading">{messages.readyHeading}</h2>
      {ready.map((order) => (
        <div key={order.id} class="ready-item">
          <p class="ready-number" data-testid="ready-number">
            {order.number}
          </p>
          <p>{fill(messages.readyText, { number: order.number })}</p>
          <button type="button" onClick={() => alert.dismiss(order.id)}>
            {messages.gotIt}
          </button>
        </div>
      ))}
    </section>
  )
}
