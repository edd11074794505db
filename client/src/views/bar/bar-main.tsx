import { effect } from '@preact/signals'
import { render } from 'preact'
import { createI18n } from '../../i18n/i18n.ts'
import { staffDictionary } from '../../i18n/staff-dictionary.ts'
import { createBeeper } from '../../lib/beeper.ts'
import { liveUrl } from '../../lib/live-connection.ts'
import { createStaffApi } from '../../lib/staff-api.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { takeBarAuth } from '../shared/take-bar-auth.ts'
import { createBarApp } from './bar-app.ts'
import { BarView } from './bar-view.tsx'
import '../../styles/bar.css'

/** The bar display (`/?bar`). */
export function mountBar(root: HTMLElement, options: MountOptions) {
  const i18n = createI18n(staffDictionary, options)
  followLanguage(i18n)
  const auth = takeBarAuth(options.storage)
  const beeper = createBeeper()
  const app = createBarApp({
    auth,
    api: createStaffApi({ token: () => auth.token.value }),
    liveUrl: liveUrl(location),
    locale: i18n.locale,
    beep: beeper.beep,
  })
  const onSound = (on: boolean) => {
    // Called from the click itself: browsers only start audio inside a user gesture.
    if (on) beeper.enable()
    else beeper.disable()
    app.sound.value = on
  }
  effect(() => {
    const waiting = app.queue.columns.value.placed.length
    document.title = `${waiting ? `(${waiting}) ` : ''}${i18n.messages.value.barTitle}`
  })
  render(<BarView app={app} i18n={i18n} onSound={onSound} />, root)
}
