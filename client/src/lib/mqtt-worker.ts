// The Web Worker that holds the page's MQTT connection: mqtt.js (about 100 KB gzipped) is
// fetched, parsed and run here, off the main thread, so the page stays responsive while it
// loads. It takes WorkerCommands and answers with WorkerEvents.
import type { Session, SessionEvents, WorkerCommand, WorkerEvent } from './live-session.ts'
import { openSession } from './mqtt-session.ts'

const post = (event: WorkerEvent) => globalThis.postMessage(event)

const events: SessionEvents = {
  state: (state) => post({ type: 'state', state }),
  subscribed: () => post({ type: 'subscribed' }),
  message: (message) => post({ type: 'message', message }),
  warn: (...details) => post({ type: 'warn', details: details.map(String) }),
  failed: () => {},
}

let session: Session | null = null

addEventListener('message', (event: MessageEvent<WorkerCommand>) => {
  if (event.data.type === 'open') session ??= openSession(event.data.config, events)
  else if (event.data.type === 'renew') session?.renew()
  else session?.end()
})
