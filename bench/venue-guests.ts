/**
 * The guests' side of the venue bench, in a process of its own so that the phones do not share
 * the broker's event loop (its CPU is reported beside the broker's). Each guest is the page's
 * own MQTT session (client/src/lib/mqtt-session.ts, the Web Worker's code run in Node), with
 * the page's topics and reconnect policy. Driven over IPC by bench/venue.ts.
 */
import { subscribe } from 'node:diagnostics_channel'
import type { Socket } from 'node:net'
import type { LiveMessage } from '../client/src/lib/live-session.ts'
import { openSession } from '../client/src/lib/mqtt-session.ts'
import { topics } from '../contract/index.ts'

export type GuestCommand =
  | { type: 'open'; guests: { id: string; url: string }[]; batch: number }
  | { type: 'reset' }
  | { type: 'drop' }
  | { type: 'count' }
  | { type: 'watch' }
  | { type: 'watched' }
  | { type: 'report' }
  | { type: 'close' }

export type GuestReport =
  | { type: 'opened'; ms: number }
  | { type: 'count'; ticker: number; own: number }
  /** Since `watch`: per guest that lost its connection, ms until it held the menu again (NaN: not yet). */
  | { type: 'watched'; lost: number; offlineMs: number[]; attempts: number[]; guests: number }
  | {
      type: 'report'
      /** Per order (its sequence number): when each guest received it on `public/ticker`, epoch ms. */
      ticker: Record<number, number[]>
      /** Per order: when its guest received it on `guests/<id>/orders`. */
      own: Record<number, number>
      duplicates: number
      cpuMs: number
    }

/** Epoch milliseconds with sub-millisecond resolution, comparable between processes. */
export const now = () => performance.timeOrigin + performance.now()

/** The order's sequence number, carried in its nickname (`v<seq>`) by the bench. */
const seqOf = (nickname: string | null) => (nickname?.startsWith('v') ? Number(nickname.slice(1)) : Number.NaN)

interface Guest {
  session: { end(): void }
  menuAt: number
  seen: Set<number>
  /** Watching: when its connection broke, and when it held the menu again. */
  lostAt?: number
  backAt?: number
  /** Connection attempts since it was lost. */
  attempts: number
}
let watching = false

const guests: Guest[] = []
let ticker = new Map<number, number[]>()
let own = new Map<number, number>()
let duplicates = 0
const send = (report: GuestReport) => process.send?.(report)

// Every socket this process opens is a guest's: a Wi-Fi drop breaks them all at once.
const sockets = new Set<Socket>()
subscribe('net.client.socket', (message) => {
  const socket = (message as { socket: Socket }).socket
  sockets.add(socket)
  socket.once('close', () => sockets.delete(socket))
})

function receive(guest: Guest, message: LiveMessage) {
  const at = now()
  if (message.kind === 'menu') {
    guest.menuAt = at
    if (guest.lostAt !== undefined && guest.backAt === undefined) guest.backAt = at
  } else if (message.kind === 'ticker') {
    const seq = seqOf(message.payload.nickname)
    if (Number.isNaN(seq)) return
    if (guest.seen.has(seq)) {
      duplicates++
      return
    }
    guest.seen.add(seq)
    const list = ticker.get(seq)
    if (list) list.push(at)
    else ticker.set(seq, [at])
  } else if (message.kind === 'orderEvent' && message.payload.event === 'placed') {
    const seq = seqOf(message.payload.order.nickname)
    if (own.has(seq)) duplicates++
    else own.set(seq, at)
  }
}

function openGuest(id: string, url: string): Promise<Guest> {
  return new Promise((resolve) => {
    const guest: Guest = { session: { end() {} }, menuAt: 0, seen: new Set(), attempts: 0 }
    let resolved = false
    guest.session = openSession(
      {
        url,
        topics: {
          [topics.publicMenu]: 'menu',
          [topics.publicTicker]: 'ticker',
          [topics.guestOrders(id)]: 'orderEvent',
        },
      },
      {
        state: (state) => {
          if (watching && state === 'offline' && guest.lostAt === undefined) guest.lostAt = now()
          if (state === 'connecting' && guest.lostAt !== undefined && guest.backAt === undefined) guest.attempts++
        },
        subscribed: () => {},
        message: (message) => {
          receive(guest, message)
          if (message.kind === 'menu' && !resolved) {
            resolved = true
            resolve(guest)
          }
        },
        warn: () => {},
        failed: () => {},
      },
    )
  })
}

async function open(list: { id: string; url: string }[], batch: number) {
  const start = now()
  for (let i = 0; i < list.length; i += batch)
    guests.push(...(await Promise.all(list.slice(i, i + batch).map(({ id, url }) => openGuest(id, url)))))
  send({ type: 'opened', ms: now() - start })
}

/** From now on, notes when each guest loses its connection and when it holds the menu again. */
function watch() {
  watching = true
  for (const guest of guests) {
    guest.lostAt = undefined
    guest.backAt = undefined
    guest.attempts = 0
  }
}

const cpuAtStart = process.cpuUsage()
process.on('message', (command: GuestCommand) => {
  switch (command.type) {
    case 'open':
      void open(command.guests, command.batch)
      return
    case 'reset':
      ticker = new Map()
      own = new Map()
      duplicates = 0
      for (const guest of guests) guest.seen.clear()
      return
    case 'drop':
      watch()
      for (const socket of sockets) socket.destroy()
      return
    case 'count': {
      let received = 0
      for (const list of ticker.values()) received += list.length
      send({ type: 'count', ticker: received, own: own.size })
      return
    }
    case 'watch':
      watch()
      return
    case 'watched': {
      const lost = guests.filter((guest) => guest.lostAt !== undefined)
      send({
        type: 'watched',
        lost: lost.length,
        offlineMs: lost.map((guest) => (guest.backAt === undefined ? -1 : guest.backAt - (guest.lostAt as number))),
        attempts: lost.map((guest) => guest.attempts),
        guests: guests.length,
      })
      return
    }
    case 'report': {
      const cpu = process.cpuUsage(cpuAtStart)
      send({
        type: 'report',
        ticker: Object.fromEntries(ticker),
        own: Object.fromEntries(own),
        duplicates,
        cpuMs: (cpu.user + cpu.system) / 1000,
      })
      return
    }
    case 'close':
      for (const guest of guests) guest.session.end()
      process.disconnect()
  }
})
