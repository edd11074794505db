/**
 * A Postgres-backed mqemitter for Aedes replicas (see emitter.ts for what it guarantees).
 * Its LISTEN connection and batcher live in broker/pg, shared with broker/persistence.
 */

export type { Logger } from '../pg/listener.ts'
export { createPostgresEmitter, PostgresEmitter, type PostgresEmitterOptions } from './emitter.ts'
