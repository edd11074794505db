import { browserStore } from './lib/storage.ts'
import { mountGuest } from './views/guest/guest-main.tsx'
import type { MountOptions } from './views/shared/page-language.ts'
import './styles/base.css'

// One page, four views chosen by the query: `/` guest, `/?bar`, `/?board`, `/?qr`. Only the
// guest view is in this bundle; the others are loaded when asked for.
const lazyViews = {
  bar: () => import('./views/bar/bar-main.tsx').then((m) => m.mountBar),
  board: () => import('./views/board/board-main.tsx').then((m) => m.mountBoard),
  qr: () => import('./views/qr/qr-main.tsx').then((m) => m.mountQr),
}

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')

const options: MountOptions = { storage: browserStore(), languages: navigator.languages ?? [navigator.language] }
const params = new URLSearchParams(location.search)
const view = (Object.keys(lazyViews) as (keyof typeof lazyViews)[]).find((name) => params.has(name))
if (view) {
  lazyViews[view]().then(
    (mount) => mount(root, options),
    (error: unknown) => {
      console.error(error)
      root.textContent = 'This view could not be loaded. Please reload the page.'
    },
  )
} else {
  mountGuest(root, options)
}
