import { effect } from '@preact/signals-core'
import { topics } from '../../../../contract/index.ts'
import { createI18n } from '../../i18n/i18n.ts'
import { loadStaffMessages } from '../../i18n/staff-dictionary.ts'
import { liveUrl } from '../../lib/live-connection.ts'
import { createStaffApi } from '../../lib/staff-api.ts'
import { BarModel } from '../../models/bar-model.ts'
import { BarQueue } from '../../models/bar-queue.ts'
import { MenuModel } from '../../models/menu-model.ts'
import { OrderStore } from '../../models/order-store.ts'
import { mountView } from '../shared/mount-view.ts'
import type { MountOptions } from '../shared/page-language.ts'
import { followLanguage } from '../shared/page-language.ts'
import { createStaffLive } from '../shared/staff-live.ts'
import { takeBarAuth } from '../shared/take-bar-auth.ts'
import { BoardView } from './board-view.tsx'
import '../../styles/board.css'

/**
 * The pickup board (`/?board#token=…`). Anonymous clients may not read `bar/orders`, so the
 * board signs in like the bar; it only ever shows numbers.
 */
export async function mountBoard(root: HTMLElement, options: MountOptions) {
  const i18n = await createI18n(loadStaffMessages, options)
  followLanguage(i18n)
  const auth = takeBarAuth(options.storage)
  const store = new OrderStore()
  const bar = new BarModel({
    api: createStaffApi({ token: () => auth.token.value }),
    store,
    menu: new MenuModel(),
    onUnauthorized: auth.reject,
  })
  const queue = new BarQueue(store.list)
  const live = createStaffLive({
    auth,
    url: liveUrl(location),
    topics: { [topics.barOrders]: 'orderEvent' },
    onConnect: () => void bar.refresh(),
    onMessage: (message) => {
      if (message.kind === 'orderEvent') bar.receive(message.payload)
    },
  })
  effect(() => {
    document.title = i18n.messages.value.boardTitle
  })
  mountView(root, () => <BoardView auth={auth} numbers={queue.readyNumbers} state={live.state} i18n={i18n} />)
}
