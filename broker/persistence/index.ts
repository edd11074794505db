/**
 * A Postgres persistence for Aedes 1.x (see persistence.ts). It shares with broker/emitter
 * the reconnecting LISTEN connection and the batcher (broker/pg) and the revival of Buffers from
 * JSON (broker/emitter/wire.ts).
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
