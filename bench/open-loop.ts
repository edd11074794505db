/**
 * The open-loop load of the order-path bench, in a process of its own: POST /api/orders at a
 * fixed rate whatever the answers, each a new guest, its send time in the note. Started by
 * order-load.ts with `<url> <rate> <seconds>`; prints the count of each status as JSON, and
 * under `answeredMs` the times from sending to a 201, sorted (how long the commit took, seen
 * from the guest: the bar's latency less this is the publish path's), under `refusedMs` those
 * to a 503 (a refusal is only kind when it is quick).
 */
import { randomUUID } from 'node:crypto'
import { Agent, request } from 'node:http'
import { sentNote } from './bar-watch.ts'

const [url = '', rate = '200', seconds = '10'] = process.argv.slice(2)
const target = new URL('/api/orders', url)
/**
 * Sockets open at once, at most. Generous, so that requests wait in the server (which must
 * refuse what it cannot serve in time) rather than in this generator's queue.
 */
const agent = new Agent({ keepAlive: true, maxSockets: 900 })
const statuses: Record<string, number> = {}
const answeredMs: number[] = []
const refusedMs: number[] = []

function placeOne(): Promise<void> {
  const body = JSON.stringify({
    guestId: randomUUID(),
    nickname: 'Bench',
    drinkId: 'coffee',
    note: sentNote(Date.now()),
  })
  const sent = performance.now()
  return new Promise((resolve) => {
    const req = request(target, { method: 'POST', agent, headers: { 'content-type': 'application/json' } }, (res) => {
      res.resume()
      res.on('end', () => {
        if (res.statusCode === 201) answeredMs.push(performance.now() - sent)
        if (res.statusCode === 503) refusedMs.push(performance.now() - sent)
        statuses[res.statusCode ?? 0] = (statuses[res.statusCode ?? 0] ?? 0) + 1
        resolve()
      })
    })
    req.on('error', () => {
      statuses.error = (statuses.error ?? 0) + 1
      resolve()
    })
    req.setTimeout(30_000, () => req.destroy())
    req.end(body)
  })
}

const total = Math.round(Number(rate) * Number(seconds))
const start = performance.now()
const pending: Promise<void>[] = []
for (let i = 0; i < total; i++) {
  const wait = start + (i * 1000) / Number(rate) - performance.now()
  if (wait > 1) await new Promise((resolve) => setTimeout(resolve, wait))
  pending.push(placeOne())
}
await Promise.all(pending)
agent.destroy()
const sorted = (times: number[]) => times.sort((a, b) => a - b)
console.log(JSON.stringify({ ...statuses, answeredMs: sorted(answeredMs), refusedMs: sorted(refusedMs) }))
