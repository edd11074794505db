import { effect } from '@preact/signals-core'
import { loadGuestMessages } from '../../i18n/guest-messages.ts'
import type { I18n } from '../../i18n/i18n.ts'
import { createI18n } from '../../i18n/i18n.ts'
import { createGuestApi } from '../../lib/api-client.ts'
import { liveUrl } from '../../lib/live-url.ts'
import { onlineSignal } from '../../lib/online.ts'
import { mountView } from '../shared/mount-view.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { createGuestApp } from './guest-app.ts'
import { GuestView } from './guest-view.tsx'
import '../../styles/guest.css'

/** How long the first render waits for the menu and the event's name before it goes without. */
const dataWaitMs = 1500

/**
 * The guest page. The words of the guest's language, the menu, their orders and the event's
 * name are asked for at once and in parallel; the page renders when they are here (the data
 * for at most 1.5 s), complete, so nothing moves as it arrives. The order list's code and
 * mqtt.js come after the paint.
 */
export async function mountGuest(root: HTMLElement, options: MountOptions) {
  const words = createI18n(loadGuestMessages, options)
  let i18n: I18n | null = null
  const app = createGuestApp({
    api: createGuestApi(),
    storage: options.storage,
    liveUrl: liveUrl(location),
    readyText: (order) => ({
      title: i18n?.t('readyTitle', { number: i18n.pickup(order.number) }) ?? `#${order.number}`,
      body: i18n?.t('readyText', { number: i18n.pickup(order.number) }) ?? '',
    }),
    online: onlineSignal(),
  })
  const data = app.start()
  const loaded = await words
  await Promise.race([data, new Promise((resolve) => setTimeout(resolve, dataWaitMs))])
  i18n = loaded
  followLanguage(loaded)

  effect(() => {
    const ready = app.parts.value?.alert.ready.value[0]
    const name = app.eventName.value || loaded.messages.value.appName
    document.title = ready ? `${loaded.t('readyTitle', { number: loaded.pickup(ready.number) })} · ${name}` : name
  })
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'visible') app.resume()
  })

  mountView(root, () => <GuestView app={app} i18n={loaded} />)
  requestAnimationFrame(() => setTimeout(app.afterPaint, 0))
}
