import { effect, signal } from '@preact/signals'
import { render } from 'preact'
import { createI18n } from '../../i18n/i18n.ts'
import { staffDictionary } from '../../i18n/staff-dictionary.ts'
import type { PageConfig } from '../../lib/api-client.ts'
import { createGuestApi } from '../../lib/api-client.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { QrPoster } from './qr-poster.tsx'
import '../../styles/qr.css'

/** The QR poster (`/?qr`): the public address from `/config.json`, else this page's origin. */
export function mountQr(root: HTMLElement, options: MountOptions) {
  const i18n = createI18n(staffDictionary, options)
  followLanguage(i18n)
  const config = signal<PageConfig | null>(null)
  createGuestApi()
    .config()
    .then(
      (loaded) => {
        config.value = { publicUrl: loaded.publicUrl || location.origin, eventName: loaded.eventName ?? '' }
      },
      () => {
        config.value = { publicUrl: location.origin, eventName: '' }
      },
    )
  effect(() => {
    document.title = config.value?.eventName || i18n.messages.value.appName
  })
  render(<QrPoster config={config} i18n={i18n} />, root)
}
