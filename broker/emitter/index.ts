/**
 * A Postgres-backed mqemitter for Aedes replicas (see emitter.ts for what it guarantees).
 * pg-listener.ts and batcher.ts are also used by broker/persistence.
 */
export { createPostgresEmitter, PostgresEmitter, type PostgresEmitterOptions } from './emitter.ts'
export type { Logger } from './pg-listener.ts'
