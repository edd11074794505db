import { createModel, signal } from '@preact/signals-core'
import type { KeyValueStore } from '../lib/storage.ts'

/**
 * Takes `token=…` out of a URL fragment, so the bar token is not left in the address bar,
 * the history or a screenshot. Returns the token and the fragment without it.
 */
export function tokenFromHash(hash: string): { token: string | null; hash: string } {
  const params = new URLSearchParams(hash.replace(/^#/, ''))
  const token = params.get('token')?.trim() || null
  params.delete('token')
  const rest = params.toString()
  return { token, hash: rest ? `#${rest}` : '' }
}

/** The bar token: from the link, else asked once; kept on the device until it is refused. */
export const BarAuth = createModel((storage: KeyValueStore, fromLink: string | null = null) => {
  if (fromLink) storage.set('barToken', fromLink)
  const token = signal(fromLink ?? storage.get('barToken'))
  /** The last token was turned down: the page asks again and says why. */
  const refused = signal(false)
  return {
    token,
    refused,
    set(value: string) {
      const trimmed = value.trim()
      if (!trimmed) return
      storage.set('barToken', trimmed)
      refused.value = false
      token.value = trimmed
    },
    reject() {
      storage.remove('barToken')
      refused.value = true
      token.value = null
    },
  }
})

export type BarAuth = InstanceType<typeof BarAuth>
