import type { ReadonlySignal } from '@preact/signals-core'
import { signal } from '@preact/signals-core'

/** `navigator.onLine` as a signal, following the browser's online and offline events. */
export function onlineSignal(): ReadonlySignal<boolean> {
  const online = signal(navigator.onLine)
  const follow = () => {
    online.value = navigator.onLine
  }
  addEventListener('online', follow)
  addEventListener('offline', follow)
  return online
}
