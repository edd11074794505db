import type { I18n } from '../../i18n/i18n.ts'
import type { ReadyAlert } from '../../models/ready-alert.ts'

/** The moment the guest waited for: the pickup number, large, until they acknowledge it. */
export function ReadyBanner({ alert, i18n }: { alert: ReadyAlert; i18n: I18n }) {
  const ready = alert.ready.value
  if (ready.length === 0) return null
  const messages = i18n.messages.value
  return (
    <section class="ready-banner" role="alert" aria-labelledby="ready-heading" data-testid="ready-banner">
      <h2 id="ready-heading">{messages.readyHeading}</h2>
      {ready.map((order) => (
        <div key={order.id} class="ready-item">
          <p class="ready-number" data-testid="ready-number">
            {i18n.pickup(order.number)}
          </p>
          <p>{i18n.t('readyText', { number: i18n.pickup(order.number) })}</p>
          <button type="button" onClick={() => alert.dismiss(order.id)}>
            {messages.gotIt}
          </button>
        </div>
      ))}
    </section>
  )
}
