/**
 * The contract shared by functions, broker and client: topics, payloads, the order and menu
 * schemas. It imports nothing of ours.
 */
export * from './backoff.ts'
export * from './cloudprnt.ts'
export * from './event.ts'
export * from './menu.ts'
export * from './messages.ts'
export * from './order.ts'
export * from './outbox.ts'
export * from './payloads.ts'
export * from './push.ts'
export * from './routes.ts'
export * from './topics.ts'
