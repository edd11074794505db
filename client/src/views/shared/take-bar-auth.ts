import type { KeyValueStore } from '../../lib/storage.ts'
import { BarAuth, tokenFromHash } from '../../models/bar-auth.ts'

/** The token in `#token=…`, then cleared from the address bar; null when there is none. */
function tokenFromAddress(): string | null {
  const { token, hash } = tokenFromHash(location.hash)
  if (token) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
  return token
}

/**
 * Reads the bar token from `#token=…` or from the device. A link with a token opened while the
 * page is already open only changes the fragment, so that is followed too.
 */
export function takeBarAuth(storage: KeyValueStore): BarAuth {
  const auth = new BarAuth(storage, tokenFromAddress())
  addEventListener('hashchange', () => {
    const token = tokenFromAddress()
    if (token) auth.set(token)
  })
  return auth
}
