import { effect } from '@preact/signals-core'
import { createI18n } from '../../i18n/i18n.ts'
import { loadStaffMessages } from '../../i18n/staff-dictionary.ts'
import { createBeeper } from '../../lib/beeper.ts'
import { liveUrl } from '../../lib/live-connection.ts'
import { onlineSignal } from '../../lib/online.ts'
import { createStaffApi } from '../../lib/staff-api.ts'
import { stationParam } from '../../models/stations.ts'
import { mountView } from '../shared/mount-view.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { takeBarAuth } from '../shared/take-bar-auth.ts'
import { createBarApp } from './bar-app.ts'
import { BarView } from './bar-view.tsx'
import '../../styles/bar.css'

/** The bar display (`/?bar`), of one station with `&station=<id>`. */
export async function mountBar(root: HTMLElement, options: MountOptions) {
  const i18n = await createI18n(loadStaffMessages, options)
  followLanguage(i18n)
  const auth = takeBarAuth(options.storage)
  const beeper = createBeeper()
  const app = createBarApp({
    auth,
    api: createStaffApi({ token: () => auth.token.value }),
    storage: options.storage,
    liveUrl: liveUrl(location),
    locale: i18n.locale,
    beep: beeper.beep,
    online: onlineSignal(),
    station: stationParam(location.search),
  })
  app.loadConfig()

  // Browsers start audio only inside a gesture: the sound switch's own click, or, when the
  // switch was left on last time, the bar's first tap anywhere.
  const unlock = () => {
    if (app.sound.value) beeper.enable()
  }
  document.addEventListener('pointerdown', unlock)
  document.addEventListener('keydown', unlock)
  effect(() => {
    if (!beeper.unlocked.value) return
    document.removeEventListener('pointerdown', unlock)
    document.removeEventListener('keydown', unlock)
  })
  const onSound = (on: boolean) => {
    if (on) beeper.enable()
    app.setSound(on)
  }

  effect(() => {
    const waiting = app.queue.columns.value.placed.length
    const place = app.place.value ?? (app.station ? { name: app.station } : null)
    const title = `${i18n.messages.value.barTitle}${place ? ` · ${place.name}` : ''}`
    document.title = `${waiting ? `(${i18n.number(waiting)}) ` : ''}${title}`
  })
  mountView(root, () => <BarView app={app} i18n={i18n} audible={beeper.unlocked} onSound={onSound} />)
}
