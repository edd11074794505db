/**
 * Access control: who may connect, subscribe, publish and receive what (the access table of the
 * spec), which session a client may use, and the bounds on what one client may ask.
 */
export { clientRole } from './access/clients.ts'
export { type AccessHookOptions, accessHooks, type Credentials, mayReceive } from './access/hooks.ts'
export { type AccessLimits, defaultAccessLimits, mayPublish, maySubscribe, type Role } from './access/rules.ts'
