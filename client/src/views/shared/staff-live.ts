import type { ReadonlySignal } from '@preact/signals-core'
import { computed, effect, signal, untracked } from '@preact/signals-core'
import type { LiveOptions, LiveState } from '../../lib/live-connection.ts'
import { LiveConnection } from '../../lib/live-connection.ts'
import type { BarAuth } from '../../models/bar-auth.ts'

type StaffLiveOptions = Omit<LiveOptions, 'username' | 'password'> & { auth: BarAuth }

/**
 * The bar's MQTT connection, as user `bar` with the token: opened when a token is known,
 * closed and reopened when it changes, and the token dropped when the broker refuses it.
 */
export function createStaffLive({ auth, ...options }: StaffLiveOptions): { state: ReadonlySignal<LiveState> } {
  const current = signal<LiveConnection | null>(null)

  effect(() => {
    const token = auth.token.value
    if (!token) return
    const connection = new LiveConnection({ ...options, username: 'bar', password: token })
    untracked(() => {
      current.value = connection
      connection.start()
    })
    return () => {
      connection[Symbol.dispose]()
      current.value = null
    }
  })

  effect(() => {
    if (current.value?.state.value === 'refused') untracked(auth.reject)
  })

  return { state: computed(() => current.value?.state.value ?? (auth.refused.value ? 'refused' : 'connecting')) }
}
