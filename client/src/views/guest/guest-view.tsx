import { fill, statusKey } from '../../i18n/dictionary.ts'
import type { I18n } from '../../i18n/i18n.ts'
import { ConnectionBadge } from '../shared/connection-badge.tsx'
import { LanguageSwitch } from '../shared/language-switch.tsx'
import type { GuestApp } from './guest-app.ts'
import { OrderForm } from './order-form.tsx'

export function GuestView({ app, i18n }: { app: GuestApp; i18n: I18n }) {
  const messages = i18n.messages.value
  const { guest, menu } = app
  const changed = guest.announcement.value
  const parts = app.parts.value
  return (
    <>
      <header class="top">
        <h1>{app.eventName.value || messages.appName}</h1>
        <ConnectionBadge state={app.live.state} messages={messages} />
        <LanguageSwitch i18n={i18n} />
      </header>
      <main class="guest">
        {parts && <parts.ReadyBanner alert={app.alert} messages={messages} />}
        <OrderForm guest={guest} menu={menu} i18n={i18n} />
        {parts ? (
          <parts.MyOrders guest={guest} editor={parts.editor} menu={menu} i18n={i18n} />
        ) : (
          <section class="card" aria-labelledby="mine-heading" aria-busy="true">
            <h2 id="mine-heading">{messages.yourOrders}</h2>
          </section>
        )}
        {parts && <parts.Ticker ticker={app.ticker} menu={menu} i18n={i18n} />}
      </main>
      <p class="visually-hidden" aria-live="polite">
        {changed &&
          fill(messages.statusChanged, { number: changed.number, status: messages[statusKey(changed.status)] })}
      </p>
    </>
  )
}
