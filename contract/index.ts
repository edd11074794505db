/**
 * The contract shared by functions, broker and client: topics, payloads, the order and menu
 * schemas. It imports nothing of ours.
 */
export * from './backoff.ts'
export * from './menu.ts'
export * from './messages.ts'
export * from './order.ts'
export * from './payloads.ts'
export * from './routes.ts'
export * from './topics.ts'
