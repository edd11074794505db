import { computed, effect, signal } from '@preact/signals-core'
import type { PickupBoard } from '../../../../contract/index.ts'
import { topics } from '../../../../contract/index.ts'
import { createI18n } from '../../i18n/i18n.ts'
import { loadStaffMessages } from '../../i18n/staff-dictionary.ts'
import { LiveConnection, liveUrl } from '../../lib/live-connection.ts'
import { onlineSignal } from '../../lib/online.ts'
import { tokenFromHash } from '../../models/bar-auth.ts'
import { MenuModel } from '../../models/menu-model.ts'
import { pickupColumns } from '../../models/pickup-columns.ts'
import { pickupPlace, stationParam } from '../../models/stations.ts'
import { mountView } from '../shared/mount-view.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { BoardView } from './board-view.tsx'
import '../../styles/board.css'

/**
 * The pickup board (`/?board`, of one station with `&station=<id>`). It needs no token: it reads
 * the retained `public/pickup`, which carries the ready pickup numbers and nothing else, and the
 * retained `public/menu` for the stations' names and places, as any guest may.
 */
export async function mountBoard(root: HTMLElement, options: MountOptions) {
  const i18n = await createI18n(loadStaffMessages, options)
  followLanguage(i18n)
  // An old link may still carry the bar token: a public screen neither keeps nor shows it.
  const { token, hash } = tokenFromHash(location.hash)
  if (token) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)

  const station = stationParam(location.search)
  const board = signal<PickupBoard>({ numbers: [], at: '' })
  // The menu names the current event; a new event also sends an empty list of numbers.
  const menu = new MenuModel()
  const live = new LiveConnection({
    url: liveUrl(location),
    online: onlineSignal(),
    topics: { [topics.publicPickup]: 'pickup', [topics.publicMenu]: 'menu' },
    onConnect: () => {},
    onMessage: (message) => {
      // Lists are read in turn by the server; one that arrives late is older than what is shown.
      if (message.kind === 'pickup' && message.payload.at >= board.value.at) board.value = message.payload
      else if (message.kind === 'menu') menu.apply(message.payload)
    },
  })
  live.start()
  const columns = computed(() => pickupColumns(board.value, menu.stations.value, station, i18n.locale.value))
  effect(() => {
    const place = station ? pickupPlace(menu.stations.value, station, i18n.locale.value) : null
    document.title = `${i18n.messages.value.boardTitle}${place ? ` · ${place.name}` : ''}`
  })
  mountView(root, () => (
    <BoardView
      columns={columns.value}
      station={station}
      eventName={menu.event.value?.name ?? ''}
      state={live.state}
      i18n={i18n}
    />
  ))
}
