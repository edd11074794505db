import type { MountOptions } from './shared/page-language.ts'

// The bar display, the pickup board and the QR poster, each loaded only when asked for. This
// module is itself loaded on demand: the loader Vite puts around these imports (it also fetches
// each view's stylesheet) then stays out of the guest page's first download.
const views = {
  bar: () => import('./bar/bar-main.tsx').then((m) => m.mountBar),
  board: () => import('./board/board-main.tsx').then((m) => m.mountBoard),
  qr: () => import('./qr/qr-main.tsx').then((m) => m.mountQr),
}

export type StaffView = keyof typeof views

export async function mountStaffView(view: StaffView, root: HTMLElement, options: MountOptions): Promise<void> {
  const mount = await views[view]()
  await mount(root, options)
}
