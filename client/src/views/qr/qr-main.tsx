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

/** The QR poster (`/?qr`): the public address from `/config.json`, else this page's origin. */
export async function mountQr(root: HTMLElement, options: MountOptions) {
  const i18n = await createI18n(loadStaffMessages, options)
  followLanguage(i18n)
  const config = signal<PageConfig | null>(null)
  createStaffApi()
    .config()
    .then(
      (loaded) => {
        config.value = { ...loaded, publicUrl: loaded.publicUrl || location.origin }
      },
      () => {
        config.value = { ...defaultPageConfig, publicUrl: location.origin }
      },
    )
  effect(() => {
    document.title = config.value?.eventName || i18n.messages.value.appName
  })
  mountView(root, () => <QrPoster config={config} i18n={i18n} />)
}
