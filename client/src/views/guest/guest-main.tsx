import { effect } from '@preact/signals'
import { render } from 'preact'
import { dictionary, fill } from '../../i18n/dictionary.ts'
import { createI18n } from '../../i18n/i18n.ts'
import { createGuestApi } from '../../lib/api-client.ts'
import { liveUrl } from '../../lib/live-connection.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { createGuestApp } from './guest-app.ts'
import { GuestView } from './guest-view.tsx'
import '../../styles/guest.css'

/** The guest page: rendered at once; mqtt.js and the event name come after the first paint. */
export function mountGuest(root: HTMLElement, options: MountOptions) {
  const i18n = createI18n(dictionary, options)
  followLanguage(i18n)
  const app = createGuestApp({
    api: createGuestApi(),
    storage: options.storage,
    liveUrl: liveUrl(location),
    onReady: () => navigator.vibrate?.([200, 100, 200]),
  })

  effect(() => {
    const messages = i18n.messages.value
    const ready = app.alert.ready.value[0]
    const name = app.eventName.value || messages.appName
    document.title = ready ? `${fill(messages.readyTitle, { number: ready.number })} · ${name}` : name
  })

  app.start()
  render(<GuestView app={app} i18n={i18n} />, root)
  requestAnimationFrame(() => setTimeout(app.afterPaint, 0))
}
