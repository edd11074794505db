import { statusKey } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'
import type { GuestApp } from './guest-app.ts'
import { OrderForm } from './order-form.tsx'

export function GuestView({ app, i18n }: { app: GuestApp; i18n: I18n }) {
  const messages = i18n.messages.value
  const changed = app.guest.announcement.value
  const parts = app.parts.value
  return (
    <>
      <header class="top guest-top">
        <h1>{app.eventName.value || messages.appName}</h1>
        <ConnectionBadge state={app.live.state} messages={messages} />
        <LanguageSwitch i18n={i18n} />
      </header>
      <main class="guest">
        <div class="network" role="status">
          {app.offline.value && (
            <p class="offline-note" data-testid="offline">
              {messages.offline}
            </p>
          )}
        </div>
        {parts && <parts.ReadyBanner alert={parts.alert} menu={app.menu} i18n={i18n} />}
        <OrderForm guest={app.guest} menu={app.menu} i18n={i18n} />
        {parts ? (
          <parts.MyOrders
            guest={app.guest}
            menu={app.menu}
            outbox={app.outbox}
            editor={parts.editor}
            notifier={parts.notifier}
            memory={parts.memory}
            i18n={i18n}
          />
        ) : (
          <section class="card" aria-labelledby="mine-heading" aria-busy="true">
            <h2 id="mine-heading">{messages.yourOrders}</h2>
          </section>
        )}
        {parts && <parts.Ticker ticker={app.ticker} menu={app.menu} i18n={i18n} />}
      </main>
      <p class="visually-hidden" aria-live="polite">
        {changed &&
          i18n.t('statusChanged', { number: i18n.pickup(changed.number), status: messages[statusKey(changed.status)] })}
      </p>
    </>
  )
}
