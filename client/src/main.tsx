import { browserStore } from './lib/storage.ts'
import { mountGuest } from './views/guest/guest-main.tsx'
import type { MountOptions } from './views/shared/page-language.ts'
import type { StaffView } from './views/staff-views.ts'
import './styles/base.css'

// One page, four views chosen by the query: `/` guest, `/?bar`, `/?board`, `/?qr`. Only the
// guest view is in this bundle; the others are loaded when asked for.
const staffViews: readonly StaffView[] = ['bar', 'board', 'qr']

const root = document.getElementById('app')
if (!root) throw new Error('index.html has no #app element')

const options: MountOptions = { storage: browserStore(), languages: navigator.languages ?? [navigator.language] }
const params = new URLSearchParams(location.search)
const view = staffViews.find((name) => params.has(name))
const mounted = view
  ? import('./views/staff-views.ts').then((m) => m.mountStaffView(view, root, options))
  : mountGuest(root, options)
mounted.catch((error: unknown) => {
  console.error(error)
  // Before any words are loaded, so in the four languages at once.
  root.textContent = 'Please reload the page. · Bitte Seite neu laden. · Recharge la page. · Ricarica la pagina.'
})
