/**
 * A Postgres persistence for Aedes 1.x (see persistence.ts). It shares three pieces of
 * broker/emitter: the reconnecting LISTEN connection (pg-listener.ts), the batcher (batcher.ts)
 * and the revival of Buffers from JSON (wire.ts).
 */
export {
  createPostgresPersistence,
  type PersistenceBroker,
  type PersistenceClient,
  PostgresPersistence,
  type PostgresPersistenceOptions,
} from './persistence.ts'
export type { Subscription } from './subscription-store.ts'
export { setWillOwner, willOwner } from './wills.ts'
