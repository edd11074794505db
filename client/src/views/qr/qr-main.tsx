import { effect, signal } from '@preact/signals-core'
import { createI18n } from '../../i18n/i18n.ts'
import { loadStaffMessages } from '../../i18n/staff-dictionary.ts'
import type { PageConfig } from '../../lib/page-config.ts'
import { defaultPageConfig } from '../../lib/page-config.ts'
import { createStaffApi } from '../../lib/staff-api.ts'
import { mountView } from '../shared/mount-view.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { QrPoster } from './qr-poster.tsx'
import '../../styles/qr.css'

/**
 * The QR poster (`/?qr`): the public address from `/config.json`, else this page's origin; the
 * current event's name from the menu, else `EVENT_NAME` from `/config.json`.
 */
export async function mountQr(root: HTMLElement, options: MountOptions) {
  const i18n = await createI18n(loadStaffMessages, options)
  followLanguage(i18n)
  const config = signal<PageConfig | null>(null)
  const api = createStaffApi()
  const eventName = api.menu().then(
    (menu) => menu.event?.name ?? '',
    () => '',
  )
  api.config().then(
    async (loaded) => {
      const current = await eventName
      config.value = {
        ...loaded,
        publicUrl: loaded.publicUrl || location.origin,
        eventName: current || loaded.eventName,
      }
    },
    async () => {
      config.value = { ...defaultPageConfig, publicUrl: location.origin, eventName: await eventName }
    },
  )
  effect(() => {
    document.title = config.value?.eventName || i18n.messages.value.appName
  })
  mountView(root, () => <QrPoster config={config} i18n={i18n} />)
}
