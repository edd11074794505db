/**
 * `npm run event -- start "Summer party"`: starts a new event through the API, as the bar display
 * does: pickup numbers start again at 1, the bar's queue and the pickup board are empty, and the
 * previous event's orders stay in the database and in the CSV export under their event.
 * `API_URL`: the address of the API (default: the port of `npm start` in this folder, else 8080
 * on this machine); `BAR_TOKEN`: the bar token (default: the one `npm start` keeps in `.data/`).
 */
import { api, type ErrorBody, type Event } from '../contract/index.ts'
import { readEnv } from '../runtime/config.ts'
import { defaultPorts, readChosenPorts } from '../runtime/ports.ts'
import { readStoredTokens } from '../runtime/secrets.ts'

const usage = 'usage: npm run event -- start "Event name"'

/** Starts the event `name` at the API of `apiUrl`; resolves to it, or rejects with the API's reason. */
async function startEventAt(apiUrl: string, barToken: string, name: string): Promise<Event> {
  const res = await fetch(new URL(api.events, apiUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${barToken}` },
    body: JSON.stringify({ name }),
  })
  const body = (await res.json().catch(() => null)) as { event: Event } | ErrorBody | null
  if (res.status === 201 && body && 'event' in body) return body.event
  const reason = body && 'error' in body ? `${body.error.code}: ${body.error.message}` : res.statusText
  throw new Error(`the API answered ${res.status} (${reason})`)
}

async function main(args: string[]): Promise<number> {
  const [command, name, ...rest] = args
  if (command !== 'start' || !name || rest.length > 0) {
    console.error(usage)
    return 2
  }
  const read = readEnv()
  const apiUrl = read.text('API_URL', `http://127.0.0.1:${readChosenPorts()?.port ?? defaultPorts.http}`)
  const barToken = read.text('BAR_TOKEN', readStoredTokens().barToken)
  if (!barToken) {
    console.error('set BAR_TOKEN: no bar token in the environment nor in .data/tokens.json')
    return 1
  }
  try {
    const event = await startEventAt(apiUrl, barToken, name)
    console.log(`Event ${event.id} started: ${event.name}. Pickup numbers start again at 1.`)
    return 0
  } catch (error) {
    console.error(`Cannot start the event at ${apiUrl}: ${(error as Error).message}`)
    return 1
  }
}

process.exitCode = await main(process.argv.slice(2))
