import { fill } from '../../i18n/format.ts'
import type { I18n } from '../../i18n/i18n.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import type { ReadyAlert } from '../../models/ready-alert.ts'
import { readyAtStation } from './pickup-words.ts'

/**
 * The moment the guest waited for: the pickup number, large, and where to pick the drink up (its
 * station's name and place, from the menu), until they acknowledge it.
 */
export function ReadyBanner({ alert, menu, i18n }: { alert: ReadyAlert; menu: MenuModel; i18n: I18n }) {
  const ready = alert.ready.value
  if (ready.length === 0) return null
  const messages = i18n.messages.value
  const locale = i18n.locale.value
  return (
    <section class="ready-banner" role="alert" aria-labelledby="ready-heading" data-testid="ready-banner">
      <h2 id="ready-heading">{messages.readyHeading}</h2>
      {ready.map((order) => {
        const number = i18n.pickup(order.number)
        // Not models/stations.ts: a module shared with the staff views would be a chunk of its
        // own, which the guest page's entry would have to list.
        const station = order.station ? menu.stations.value.find((s) => s.id === order.station) : undefined
        return (
          <div key={order.id} class="ready-item">
            <p class="ready-number" data-testid="ready-number">
              {number}
            </p>
            {station ? (
              <>
                <p class="ready-station" data-testid="ready-station">
                  {station.name[locale]}
                </p>
                {station.location && <p data-testid="ready-location">{station.location[locale]}</p>}
                <p>{fill(readyAtStation[locale], { station: station.name[locale], number })}</p>
              </>
            ) : (
              <p>{i18n.t('readyText', { number })}</p>
            )}
            <button type="button" onClick={() => alert.dismiss(order.id)}>
              {messages.gotIt}
            </button>
          </div>
        )
      })}
    </section>
  )
}
