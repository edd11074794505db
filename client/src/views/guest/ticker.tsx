import type { I18n } from '../../i18n/i18n.ts'
import type { MenuModel } from '../../models/menu-model.ts'
import { drinkName } from '../../models/menu-model.ts'
import type { TickerModel } from '../../models/ticker-model.ts'

/**
 * Who just ordered what: a little life on the page. "Someone" when the event keeps nicknames
 * off the public ticker. Not a live region, it would chatter.
 */
export function Ticker({ ticker, menu, i18n }: { ticker: TickerModel; menu: MenuModel; i18n: I18n }) {
  const messages = i18n.messages.value
  const items = ticker.items.value
  return (
    <section class="card ticker" aria-labelledby="ticker-heading">
      <h2 id="ticker-heading">{messages.ticker}</h2>
      {items.length === 0 ? (
        <p class="muted">{messages.tickerEmpty}</p>
      ) : (
        <ul data-testid="ticker">
          {items.map((item) => {
            const drink = drinkName(menu.byId.value, item.drinkId, i18n.locale.value)
            return (
              <li key={`${item.at}-${item.nickname}-${item.drinkId}`}>
                <span class="ticker-line">
                  {item.nickname === null
                    ? i18n.t('tickerSomeone', { drink })
                    : i18n.t('tickerNamed', { name: item.nickname, drink })}
                </span>{' '}
                <time dateTime={item.at}>{i18n.time(item.at)}</time>
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
