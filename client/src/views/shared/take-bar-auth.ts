import type { KeyValueStore } from '../../lib/storage.ts'
import { BarAuth, tokenFromHash } from '../../models/bar-auth.ts'

/** Reads the bar token from `#token=…` (then clears it from the address bar) or from the device. */
export function takeBarAuth(storage: KeyValueStore): BarAuth {
  const { token, hash } = tokenFromHash(location.hash)
  if (token) history.replaceState(history.state, '', `${location.pathname}${location.search}${hash}`)
  return new BarAuth(storage, token)
}
