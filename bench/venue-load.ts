/**
 * The load of a venue night for bench/venue.ts and the drill: guests in child processes
 * (venue-guests.ts), orders POSTed at a steady rate, and the bar display's session.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { openSession } from '../client/src/lib/mqtt-session.ts'
import { topics } from '../contract/index.ts'
import { benchTokens, cpuMs } from './lib.ts'
import type { GuestCommand, GuestReport } from './venue-guests.ts'
import { now } from './venue-guests.ts'

type Reply<T extends GuestReport['type']> = Extract<GuestReport, { type: T }>

/** Guests spread over `loaders` processes; `urlOf(i)` is where guest i connects. */
export class Guests {
  readonly ids: string[]
  readonly children: ChildProcess[]

  constructor(count: number, loaders: number) {
    this.ids = Array.from({ length: count }, () => randomUUID())
    const script = fileURLToPath(new URL('./venue-guests.ts', import.meta.url))
    this.children = Array.from({ length: Math.min(loaders, count) }, () =>
      fork(script, { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
    )
  }

  /** Sends `command` to every loader and resolves with each one's reply of type `expect`. */
  ask<T extends GuestReport['type']>(command: GuestCommand, expect: T, timeoutMs: number): Promise<Reply<T>[]> {
    return Promise.all(
      this.children.map(
        (child) =>
          new Promise<Reply<T>>((resolve, reject) => {
            const timer = setTimeout(
              () => reject(new Error(`no '${expect}' from a loader within ${timeoutMs} ms`)),
              timeoutMs,
            )
            const listener = (message: GuestReport) => {
              if (message.type !== expect) return
              clearTimeout(timer)
              child.off('message', listener)
              resolve(message as Reply<T>)
            }
            child.on('message', listener)
            child.send(command)
          }),
      ),
    )
  }

  /** Sends `command` to every loader; no answer expected. */
  tell(command: GuestCommand): void {
    for (const child of this.children) child.send(command)
  }

  /** Opens every guest, `batch` at a time per loader; resolves once each holds the retained menu. */
  async open(urlOf: (index: number) => string, batch = 50, timeoutMs = 300_000): Promise<void> {
    await Promise.all(
      this.children.map(async (child, c) => {
        const guests = this.ids.flatMap((id, i) => (i % this.children.length === c ? [{ id, url: urlOf(i) }] : []))
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(
            () => reject(new Error(`guests not all connected within ${timeoutMs} ms`)),
            timeoutMs,
          )
          child.once('message', () => {
            clearTimeout(timer)
            resolve()
          })
          child.send({ type: 'open', guests, batch } satisfies GuestCommand)
        })
      }),
    )
  }

  cpuMs(): number {
    return this.children.reduce((sum, child) => sum + cpuMs(child.pid), 0)
  }

  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null) return resolve()
            child.once('exit', () => resolve())
            child.send({ type: 'close' } satisfies GuestCommand)
            setTimeout(() => child.kill('SIGKILL'), 10_000).unref()
          }),
      ),
    )
  }
}

export interface Placed {
  seq: number
  sentAt: number
  status: number
  id: string
  /** When the answer arrived, epoch ms. */
  answeredAt?: number
}

/** POSTs orders at `perSecond`, each from the next guest, nickname `v<seq>`, until `stop()` says so. */
export async function postOrders(
  base: string,
  guestIds: string[],
  perSecond: number,
  stop: (elapsedMs: number) => boolean,
  firstSeq: number,
  placed: Placed[] = [],
): Promise<Placed[]> {
  const start = performance.now()
  const pending: Promise<void>[] = []
  for (let i = 0; ; i++) {
    const due = start + (i * 1000) / perSecond
    const wait = due - performance.now()
    if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
    if (stop(performance.now() - start)) break
    const seq = firstSeq + i
    const entry: Placed = { seq, sentAt: now(), status: 0, id: randomUUID() }
    placed.push(entry)
    const guestId = guestIds[seq % guestIds.length] as string
    pending.push(
      fetch(`${base}/api/orders`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ id: entry.id, guestId, nickname: `v${seq}`, drinkId: 'water' }),
        signal: AbortSignal.timeout(10_000),
      }).then(
        async (res) => {
          await res.arrayBuffer()
          entry.answeredAt = now()
          entry.status = res.status
        },
        () => {
          entry.status = -1
        },
      ),
    )
  }
  await Promise.all(pending)
  return placed
}

/**
 * The bar display's own session on `bar/orders`: when each order (by `v<seq>`) first arrived, and
 * repeats. With `catchUp` (the list-orders function's address), it catches up from
 * `GET /api/orders` after every reconnect, as the page does, and notes what only that brought.
 */
export function openBar(url: string, catchUp?: string) {
  const arrived = new Map<number, number>()
  const caughtUp = new Map<number, number>()
  let duplicates = 0
  let states: string[] = []
  let lastOnline = now()
  let connects = 0

  async function listSince(since: number) {
    let cursor: string | null = null
    do {
      const query = new URLSearchParams({ since: new Date(since).toISOString(), limit: '500' })
      if (cursor) query.set('cursor', cursor)
      const res = await fetch(`${catchUp}/api/orders?${query}`, {
        headers: { authorization: `Bearer ${benchTokens.BAR_TOKEN}` },
        signal: AbortSignal.timeout(10_000),
      })
      if (!res.ok) return
      const page = (await res.json()) as { orders: { nickname: string }[]; nextCursor: string | null }
      for (const order of page.orders) {
        const seq = Number(order.nickname.slice(1))
        if (!arrived.has(seq) && !caughtUp.has(seq)) caughtUp.set(seq, now())
      }
      cursor = page.nextCursor
    } while (cursor)
  }

  const session = openSession(
    { url, username: 'bar', password: benchTokens.BAR_TOKEN, topics: { [topics.barOrders]: 'orderEvent' } },
    {
      state: (state) => {
        if (state !== 'online' && states.at(-1)?.endsWith('online')) lastOnline = now()
        states.push(`${Math.round(now())} ${state}`)
      },
      subscribed: () => {
        // The page's catch-up: what changed since a little before the connection was lost.
        if (catchUp && connects++ > 0) void listSince(lastOnline - 5000).catch(() => {})
      },
      message: (message) => {
        if (message.kind !== 'orderEvent' || message.payload.event !== 'placed') return
        const seq = Number(message.payload.order.nickname.slice(1))
        if (arrived.has(seq)) duplicates++
        else arrived.set(seq, now())
      },
      warn: () => {},
      failed: () => {},
    },
  )
  return {
    arrived,
    caughtUp,
    duplicates: () => duplicates,
    takeStates: () => states.splice(0),
    end: () => {
      states = []
      session.end()
    },
  }
}
