import type { BarStatus, Menu, OrderEvent, PickupBoard, TickerEvent } from '../../../contract/index.ts'

// The contract between the page and the MQTT session, which runs in a Web Worker (or, in tests,
// in Node): everything that crosses it is plain data.

/** `refused`: the broker turned the credentials down; the page stops retrying. */
export type LiveState = 'connecting' | 'online' | 'offline' | 'refused'

/** What a topic carries; a message whose payload does not fit is dropped before it reaches the page. */
export interface PayloadKinds {
  menu: Menu
  orderEvent: OrderEvent
  ticker: TickerEvent
  pickup: PickupBoard
  barStatus: BarStatus
}
export type PayloadKind = keyof PayloadKinds

/** A message whose payload was checked against the kind its topic carries. */
export type LiveMessage = { [K in PayloadKind]: { topic: string; kind: K; payload: PayloadKinds[K] } }[PayloadKind]

export interface SessionConfig {
  url: string
  username?: string
  password?: string
  /** The topics to subscribe to, each with the kind of payload it carries. */
  topics: Readonly<Record<string, PayloadKind>>
  /** Upper bound of the first reconnect delay in ms (backoff.ts: full jitter, doubling, capped); default 2,000. */
  reconnectPeriod?: number
}

/** What a session reports. */
export interface SessionEvents {
  state(state: LiveState): void
  /** The subscriptions are in place, after the first connect and every reconnect. */
  subscribed(): void
  message(message: LiveMessage): void
  warn(...details: unknown[]): void
  /** The session could not start at all (its script did not load): the page tries again. */
  failed(): void
}

/** An open session: `end` closes it for good; `renew` drops the connection so it is made afresh. */
export interface Session {
  end(): void
  renew(): void
}

/** Opens a session. */
export type SessionOpener = (config: SessionConfig, events: SessionEvents) => Session

/** A message from the page to the worker. */
export type WorkerCommand = { type: 'open'; config: SessionConfig } | { type: 'end' } | { type: 'renew' }

/** A message from the worker to the page: one call of SessionEvents. */
export type WorkerEvent =
  | { type: 'state'; state: LiveState }
  | { type: 'subscribed' }
  | { type: 'message'; message: LiveMessage }
  | { type: 'warn'; details: string[] }
